//! `#[derive(FromBlock)]` for clickhouse-connect: a struct read from a block column by column.
//!
//! The derive resolves each field's column once per block (by field name, or by position for
//! tuple structs) and then builds each row straight from the columns' buffers. Field
//! attributes, under `#[from_block(...)]`:
//!
//! - `rename = "column"`: the column's name when it differs from the field's;
//! - `serde`: read the field through its `serde::Deserialize` impl (for types without a
//!   columnar reader, such as nested structs or enums).
//!
//! The struct may have at most one lifetime parameter: borrowed fields (`&str`, `&[u8]`)
//! borrow from the block.
//!
//! Also `migrate!("./migrations")`: a migrations folder embedded at compile time, for the
//! driver's migrations runner.

mod migrate;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::quote;
use syn::{Data, DeriveInput, Fields, GenericParam, Lifetime, LitStr, parse_macro_input};

/// Implements `clickhouse_connect::value::FromBlock` for a struct.
#[proc_macro_derive(FromBlock, attributes(from_block))]
pub fn derive_from_block(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Embeds a migrations folder (sqlx's format) at compile time and evaluates to a
/// `clickhouse_connect::migrate::Migrator` over its files: `migrate!()` reads `./migrations`,
/// `migrate!("path")` another folder, relative to the calling crate's `Cargo.toml`. File names
/// are checked while compiling (an integer version, no version twice, no `.down.sql` without
/// its `.up.sql`).
#[proc_macro]
pub fn migrate(input: TokenStream) -> TokenStream {
    let path = if input.is_empty() {
        None
    } else {
        Some(parse_macro_input!(input as LitStr))
    };
    migrate::expand(path)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// One field: where its column is found and how it is read.
struct Field {
    member: syn::Member,
    ty: syn::Type,
    column: Tokens,
    serde: bool,
}

fn expand(input: &DeriveInput) -> syn::Result<Tokens> {
    let Data::Struct(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "FromBlock is derived for structs only",
        ));
    };
    let lifetimes: Vec<&Lifetime> = input
        .generics
        .params
        .iter()
        .filter_map(|p| match p {
            GenericParam::Lifetime(l) => Some(&l.lifetime),
            _ => None,
        })
        .collect();
    if lifetimes.len() > 1 {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "FromBlock takes at most one lifetime parameter (the block's)",
        ));
    }
    let de: Lifetime = lifetimes
        .first()
        .map_or_else(|| syn::parse_quote!('__block), |l| (*l).clone());

    let fields = fields(&data.fields)?;
    let krate = quote!(::clickhouse_connect::value::from_block);
    let wrappers: Vec<Tokens> = fields
        .iter()
        .map(|f| {
            let ty = &f.ty;
            if f.serde {
                quote!(#krate::SerdeField<#de, #ty>)
            } else {
                quote!(#krate::Field<#de, #ty>)
            }
        })
        .collect();
    let types = wrappers.iter();
    let finds = wrappers.iter().zip(&fields).map(|(wrapper, f)| {
        let column = &f.column;
        quote!(<#wrapper>::find(block, #column, zone)?)
    });
    let indexes = (0..fields.len()).map(syn::Index::from);
    let members = fields.iter().map(|f| &f.member);
    let build = quote!(Self { #(#members: columns.#indexes.get(row)?,)* });

    let name = &input.ident;
    let (_, type_generics, where_clause) = input.generics.split_for_impl();
    let mut impl_generics = input.generics.clone();
    if lifetimes.is_empty() {
        impl_generics.params.insert(
            0,
            GenericParam::Lifetime(syn::LifetimeParam::new(de.clone())),
        );
    }
    let (impl_generics, _, _) = impl_generics.split_for_impl();

    Ok(quote! {
        impl #impl_generics #krate::FromBlock<#de> for #name #type_generics #where_clause {
            type Columns = (#(#types,)*);

            fn columns(
                block: &#de ::clickhouse_connect::Block,
                zone: ::clickhouse_connect::value::from_block::Tz,
            ) -> ::clickhouse_connect::Result<Self::Columns> {
                ::core::result::Result::Ok((#(#finds,)*))
            }

            #[inline]
            fn row(columns: &Self::Columns, row: usize) -> ::clickhouse_connect::Result<Self> {
                ::core::result::Result::Ok(#build)
            }
        }
    })
}

fn fields(fields: &Fields) -> syn::Result<Vec<Field>> {
    let mut out = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        let mut rename = None;
        let mut serde = false;
        for attr in field
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("from_block"))
        {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    rename = Some(meta.value()?.parse::<LitStr>()?);
                    Ok(())
                } else if meta.path.is_ident("serde") {
                    serde = true;
                    Ok(())
                } else {
                    Err(meta.error("expected `rename = \"column\"` or `serde`"))
                }
            })?;
        }
        let at = quote!(::clickhouse_connect::value::from_block::ColumnRef);
        let (member, column) = match (&field.ident, rename) {
            (Some(ident), rename) => {
                let name = rename.unwrap_or_else(|| LitStr::new(&unraw(ident), ident.span()));
                (syn::Member::Named(ident.clone()), quote!(#at::Name(#name)))
            }
            (None, Some(name)) => (syn::Member::Unnamed(i.into()), quote!(#at::Name(#name))),
            (None, None) => (syn::Member::Unnamed(i.into()), quote!(#at::Position(#i))),
        };
        out.push(Field {
            member,
            ty: field.ty.clone(),
            column,
            serde,
        });
    }
    Ok(out)
}

/// A field's name without its `r#` prefix.
fn unraw(ident: &syn::Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map_or(name.clone(), str::to_owned)
}
