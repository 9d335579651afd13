//! `#[derive(ToBlock)]`: a struct written into a block, the fields held in the row column by
//! column, the others row by row.

use proc_macro2::TokenStream as Tokens;
use quote::quote;
use syn::{Data, DeriveInput, LitStr};

use crate::unraw;

pub(crate) fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "ToBlock is derived for structs only",
        ));
    };
    let krate = quote!(::clickhouse_connect::value::to_column);
    let mut names = Vec::new();
    let mut pushes = Vec::new();
    let mut by_row = Vec::new();
    let mut by_column_pushes = Vec::new();
    let mut all_by_column = Vec::new();
    let mut by_column_flags = Vec::new();
    for (i, field) in data.fields.iter().enumerate() {
        let mut rename = None;
        let mut serde = false;
        let mut skip = false;
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("to_block")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    rename = Some(meta.value()?.parse::<LitStr>()?);
                    Ok(())
                } else if meta.path.is_ident("serde") {
                    serde = true;
                    Ok(())
                } else if meta.path.is_ident("skip") {
                    skip = true;
                    Ok(())
                } else {
                    Err(meta.error("expected `rename = \"column\"`, `serde` or `skip`"))
                }
            })?;
        }
        if skip {
            continue;
        }
        let (member, name) = match (&field.ident, rename) {
            (Some(ident), rename) => (
                syn::Member::Named(ident.clone()),
                rename.unwrap_or_else(|| LitStr::new(&unraw(ident), ident.span())),
            ),
            (None, Some(name)) => (syn::Member::Unnamed(i.into()), name),
            (None, None) => {
                return Err(syn::Error::new_spanned(
                    field,
                    "ToBlock needs the column's name: `#[to_block(rename = \"column\")]`",
                ));
            }
        };
        let index = names.len();
        let ty = &field.ty;
        pushes.push(if serde {
            quote!(#krate::push_serde(&self.#member, &mut columns[#index]).map_err(|e| (#index, e))?;)
        } else {
            quote!(#krate::ToColumn::push_to(&self.#member, &mut columns[#index]).map_err(|e| (#index, e))?;)
        });
        // Fields held in the row (numbers, dates, ...) go in column by column: this field of
        // every row, the column's storage found once. Fields behind a pointer (text, arrays,
        // serde fields) go in row by row: a row's allocations are read together, while they
        // are in the cache; text into a `LowCardinality` column goes column by column (its
        // lookup reads the bytes, nothing is copied). `ToColumn::by_column_into` says which,
        // once per batch.
        let by_column = quote::format_ident!("__by_column_{}", index);
        by_column_flags.push(if serde {
            quote!(let #by_column = false;)
        } else {
            quote!(let #by_column = <#ty as #krate::ToColumn>::by_column_into(&columns[#index]);)
        });
        let push_one = if serde {
            quote!(#krate::push_serde(&value.#member, &mut columns[#index]))
        } else {
            quote!(#krate::ToColumn::push_to(&value.#member, &mut columns[#index]))
        };
        by_row.push(quote! {
            if !#by_column {
                if let ::core::result::Result::Err(e) = #push_one {
                    limit = row;
                    failed = ::core::option::Option::Some((row, #index, e));
                    break 'rows;
                }
            }
        });
        // Up to the first row refused so far, that row included (a field before the refused
        // one in the same row comes first in row order). Without `take` while no row failed:
        // one counter less per cell.
        let push_many = if serde {
            quote!(::core::result::Result::Ok(()))
        } else {
            quote! {
                if limit == usize::MAX {
                    <#ty as #krate::ToColumn>::push_many(
                        rows.clone().map(|row| &row.#member),
                        &mut columns[#index],
                    )
                } else {
                    <#ty as #krate::ToColumn>::push_many(
                        rows.clone().take(limit + 1).map(|row| &row.#member),
                        &mut columns[#index],
                    )
                }
            }
        };
        by_column_pushes.push(quote! {
            if #by_column {
                if let ::core::result::Result::Err((row, e)) = #push_many {
                    let first = match &failed {
                        ::core::option::Option::Some((r, c, _)) => (row, #index) < (*r, *c),
                        ::core::option::Option::None => true,
                    };
                    if first {
                        limit = row;
                        failed = ::core::option::Option::Some((row, #index, e));
                    }
                }
            }
        });
        all_by_column.push(by_column);
        names.push(name);
    }
    let count = names.len();
    let name = &input.ident;
    let (impl_generics, type_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        impl #impl_generics #krate::ToBlock for #name #type_generics #where_clause {
            fn column_names() -> ::std::vec::Vec<&'static str> {
                ::std::vec![#(#names),*]
            }

            #[inline]
            fn append(
                &self,
                columns: &mut [::clickhouse_connect::column::Column],
            ) -> ::core::result::Result<(), (usize, ::clickhouse_connect::Error)> {
                if columns.len() != #count {
                    return ::core::result::Result::Err((
                        0,
                        #krate::column_count_mismatch(columns.len(), #count),
                    ));
                }
                #(#pushes)*
                ::core::result::Result::Ok(())
            }

            #[inline]
            #[allow(unused_mut, unused_assignments, unused_variables)]
            fn append_rows<'__rows, __I>(
                rows: __I,
                columns: &mut [::clickhouse_connect::column::Column],
            ) -> #krate::RowsResult
            where
                Self: '__rows,
                __I: ::core::iter::Iterator<Item = &'__rows Self> + ::core::clone::Clone,
            {
                if columns.len() != #count {
                    return ::core::result::Result::Err((
                        0,
                        0,
                        #krate::column_count_mismatch(columns.len(), #count),
                    ));
                }
                #(#by_column_flags)*
                let mut limit = usize::MAX;
                let mut failed = ::core::option::Option::None;
                if !(true #(&& #all_by_column)*) {
                    'rows: for (row, value) in rows.clone().enumerate() {
                        #(#by_row)*
                    }
                }
                #(#by_column_pushes)*
                match failed {
                    ::core::option::Option::Some(failed) => ::core::result::Result::Err(failed),
                    ::core::option::Option::None => ::core::result::Result::Ok(()),
                }
            }
        }
    })
}
