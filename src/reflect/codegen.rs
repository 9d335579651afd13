//! Rust source from a reflected table: a row struct and a sea-query `Iden` enum of its columns.
//!
//! The source is built as a syntax tree (`quote`, `syn`), printed with `prettyplease` and, when
//! `rustfmt` is installed, passed through it, so it is `rustfmt`-clean ([`Formatter`]). Field names are the columns' names made valid Rust identifiers
//! (`snake_case`, raw identifiers for keywords, `_` for what an identifier cannot hold), with a
//! `rename` attribute where they differ; enum variants are `UpperCamelCase`.
//!
//! Field types follow the driver's mapping (the types [`FromColumn`](crate::value::FromColumn)
//! reads): integers, floats, `bool`, `String` (enums as their label), `Option<T>` exactly where
//! the type is `Nullable`, `Vec<T>` for arrays, `HashMap<K, V>` for maps, tuples for tuples,
//! `chrono` dates and times, `uuid::Uuid`, `std::net` addresses, the driver's `Decimal`,
//! `ethnum` 256-bit integers, `serde_json::Value` for JSON, and the driver's `Value` for
//! `Variant`, `Dynamic` and aggregate states. With serde derives, the types serde can
//! deserialize from the driver's rows take their place (date-times with their offset,
//! `rust_decimal::Decimal`, or the text of decimals wider than its 28 digits,
//! `serde_json::Value` for dynamic types and times), read through serde where `FromBlock`
//! has no reader for them (`#[from_block(serde)]`).
//! `FixedString` columns are borrowed bytes (`&'a [u8]`), which gives the struct a lifetime.
//!
//! ```
//! use clickhouse_connect::reflect::codegen::{Derive, Options, row_struct};
//! # use clickhouse_connect::reflect::TableSchema;
//! # fn show(schema: &TableSchema) -> clickhouse_connect::Result<()> {
//! let options = Options::default().derive(Derive::FromBlock).derive(Derive::Deserialize);
//! println!("{}", row_struct(schema, &options)?);
//! # Ok(())
//! # }
//! ```

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::schema::{ColumnSchema, DefaultKind, TableSchema};
use crate::error::{Error, Result};
use crate::types::DataType;

/// A derive the row struct gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Derive {
    /// `clickhouse_connect::FromBlock`: rows read column by column.
    FromBlock,
    /// `serde::Serialize` (inserts with `Client::insert_rows`).
    Serialize,
    /// `serde::Deserialize` (`Query::fetch_all`).
    Deserialize,
}

/// Which columns become fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Columns {
    /// Every column a query can read: all but `EPHEMERAL` ones.
    #[default]
    Readable,
    /// Every column an insert can write: all but `MATERIALIZED` and `ALIAS` ones.
    Insertable,
}

/// How the source is formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Formatter {
    /// `prettyplease`, then `rustfmt` (edition 2024) when it is installed, so the output is
    /// exactly rustfmt's; `prettyplease` alone when it is not (as bindgen does).
    #[default]
    Rustfmt,
    /// `prettyplease` alone: valid, readable Rust, close to rustfmt's layout but not always
    /// the same (it may break a long type over lines where rustfmt would not).
    Prettyplease,
}

/// What to generate.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// The struct's name (default: the table's name in `UpperCamelCase`).
    pub struct_name: Option<String>,
    /// The `Iden` enum's name (default: the struct's name followed by `Iden`).
    pub iden_name: Option<String>,
    /// The derives (besides `Debug` and `Clone`, always there).
    pub derives: Vec<Derive>,
    /// Which columns become fields.
    pub columns: Columns,
    /// How the source is formatted.
    pub formatter: Formatter,
}

impl Default for Options {
    /// `FromBlock` only, readable columns, names from the table.
    fn default() -> Self {
        Options {
            struct_name: None,
            iden_name: None,
            derives: vec![Derive::FromBlock],
            columns: Columns::Readable,
            formatter: Formatter::Rustfmt,
        }
    }
}

impl Options {
    /// Options without derives; add them with [`derive`](Self::derive).
    pub fn none() -> Self {
        Options {
            derives: Vec::new(),
            ..Options::default()
        }
    }
    /// Adds a derive.
    pub fn derive(mut self, derive: Derive) -> Self {
        if !self.derives.contains(&derive) {
            self.derives.push(derive);
        }
        self
    }
    /// Names the struct.
    pub fn struct_name(mut self, name: &str) -> Self {
        self.struct_name = Some(name.to_owned());
        self
    }
    /// Names the `Iden` enum.
    pub fn iden_name(mut self, name: &str) -> Self {
        self.iden_name = Some(name.to_owned());
        self
    }
    /// Which columns become fields.
    pub fn columns(mut self, columns: Columns) -> Self {
        self.columns = columns;
        self
    }
    /// How the source is formatted.
    pub fn formatter(mut self, formatter: Formatter) -> Self {
        self.formatter = formatter;
        self
    }

    fn serde(&self) -> bool {
        self.derives
            .iter()
            .any(|d| matches!(d, Derive::Serialize | Derive::Deserialize))
    }
}

/// Whether `name` parses as a Rust identifier (raw ones included).
fn is_ident(name: &str) -> bool {
    syn::parse_str::<syn::Ident>(name).is_ok()
}

/// `text` as a Rust identifier in the case `case` gives: keywords become raw identifiers
/// (`r#type`), or get a `_` where Rust has no raw form (`self_`); what cannot start one gets a
/// leading `_`; what is left empty becomes `fallback`.
fn identifier(text: &str, case: fn(&str) -> String, fallback: &str) -> String {
    // Rust takes Unicode identifiers, but only in NFC and with a lint: keep to ASCII.
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mut name = case(&cleaned);
    if name.is_empty() || name.chars().all(|c| c == '_') {
        name = fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if is_ident(&name) {
        return name;
    }
    let raw = format!("r#{name}");
    if is_ident(&raw) {
        raw
    } else {
        format!("{name}_")
    }
}

/// Names for `items`, each made unique (`_2`, `_3`, ...) among `taken` and the others.
fn unique(items: impl Iterator<Item = String>, taken: &mut HashSet<String>) -> Vec<String> {
    items
        .map(|base| {
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.trim_start_matches("r#").to_owned()) {
                name = format!("{}_{n}", base.trim_start_matches("r#"));
                n += 1;
            }
            name
        })
        .collect()
}

fn ident(name: &str) -> syn::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => syn::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// A Rust type and whether it borrows (`&'a`).
struct Mapped {
    tokens: TokenStream,
    borrows: bool,
    /// Read through serde by `FromBlock` (`#[from_block(serde)]`).
    via_serde: bool,
}

impl Mapped {
    fn plain(tokens: TokenStream) -> Self {
        Mapped {
            tokens,
            borrows: false,
            via_serde: false,
        }
    }
}

/// The Rust type for a column of type `t`.
fn rust_type(t: &DataType, serde: bool) -> Result<Mapped> {
    mapped(t, serde, false)
}

/// The Rust type for `t`, a column's type or (`nested`) a type inside one.
fn mapped(t: &DataType, serde: bool, nested: bool) -> Result<Mapped> {
    use DataType as T;
    let dynamic = || {
        if serde {
            Mapped {
                tokens: quote!(serde_json::Value),
                borrows: false,
                via_serde: true,
            }
        } else {
            Mapped::plain(quote!(clickhouse_connect::Value))
        }
    };
    Ok(match t {
        T::UInt8 => Mapped::plain(quote!(u8)),
        T::UInt16 => Mapped::plain(quote!(u16)),
        T::UInt32 => Mapped::plain(quote!(u32)),
        T::UInt64 => Mapped::plain(quote!(u64)),
        T::UInt128 => Mapped::plain(quote!(u128)),
        // Under serde, ethnum reads decimal text only through `ethnum::serde::decimal`, which
        // a field can name but a type inside another cannot: nested ones are text.
        T::UInt256 | T::Int256 if serde && nested => Mapped {
            tokens: quote!(String),
            borrows: false,
            via_serde: true,
        },
        T::UInt256 => Mapped::plain(quote!(ethnum::U256)),
        T::Int8 => Mapped::plain(quote!(i8)),
        T::Int16 => Mapped::plain(quote!(i16)),
        T::Int32 => Mapped::plain(quote!(i32)),
        T::Int64 => Mapped::plain(quote!(i64)),
        T::Int128 => Mapped::plain(quote!(i128)),
        T::Int256 => Mapped::plain(quote!(ethnum::I256)),
        T::Float32 | T::BFloat16 => Mapped::plain(quote!(f32)),
        T::Float64 => Mapped::plain(quote!(f64)),
        T::Bool => Mapped::plain(quote!(bool)),
        T::String | T::Enum8(_) | T::Enum16(_) => Mapped::plain(quote!(String)),
        T::FixedString(_) => Mapped {
            tokens: quote!(&'a [u8]),
            borrows: true,
            via_serde: false,
        },
        T::Uuid => Mapped::plain(quote!(uuid::Uuid)),
        T::IPv4 => Mapped::plain(quote!(std::net::Ipv4Addr)),
        T::IPv6 => Mapped::plain(quote!(std::net::Ipv6Addr)),
        T::Date | T::Date32 => Mapped::plain(quote!(chrono::NaiveDate)),
        T::DateTime { .. } | T::DateTime64 { .. } if serde => {
            Mapped::plain(quote!(chrono::DateTime<chrono::FixedOffset>))
        }
        T::DateTime { .. } | T::DateTime64 { .. } => {
            Mapped::plain(quote!(chrono::DateTime<clickhouse_connect::Tz>))
        }
        T::Time | T::Time64 { .. } if serde => dynamic(),
        T::Time | T::Time64 { .. } => Mapped::plain(quote!(chrono::TimeDelta)),
        // rust_decimal holds 28 digits; wider decimals go to serde as their text.
        T::Decimal { precision, .. } if serde && *precision > 28 => Mapped {
            tokens: quote!(String),
            borrows: false,
            via_serde: true,
        },
        T::Decimal { .. } if serde => Mapped::plain(quote!(rust_decimal::Decimal)),
        T::Decimal { .. } => Mapped::plain(quote!(clickhouse_connect::value::Decimal)),
        T::Interval(_) => Mapped::plain(quote!(i64)),
        T::Json(_) => Mapped::plain(quote!(serde_json::Value)),
        T::Nullable(inner) => {
            let m = mapped_nested(inner, serde)?;
            let inner = m.tokens;
            Mapped {
                tokens: quote!(Option<#inner>),
                ..m
            }
        }
        T::LowCardinality(inner) => mapped(inner, serde, nested)?,
        T::SimpleAggregateFunction(f) => match f.arguments.as_slice() {
            [one] => mapped(one, serde, nested)?,
            _ => dynamic(),
        },
        T::Array(inner) => {
            let m = mapped_nested(inner, serde)?;
            let inner = m.tokens;
            Mapped {
                tokens: quote!(Vec<#inner>),
                ..m
            }
        }
        T::Map(k, v) => {
            let (k, v) = (mapped_nested(k, serde)?, mapped_nested(v, serde)?);
            let (kt, vt) = (k.tokens, v.tokens);
            Mapped {
                tokens: quote!(std::collections::HashMap<#kt, #vt>),
                borrows: k.borrows || v.borrows,
                via_serde: k.via_serde || v.via_serde,
            }
        }
        T::Tuple(elements) if (1..=8).contains(&elements.len()) => {
            let mapped: Vec<Mapped> = elements
                .iter()
                .map(|e| mapped_nested(&e.data_type, serde))
                .collect::<Result<_>>()?;
            let borrows = mapped.iter().any(|m| m.borrows);
            let via_serde = mapped.iter().any(|m| m.via_serde);
            let tokens: Vec<&TokenStream> = mapped.iter().map(|m| &m.tokens).collect();
            Mapped {
                tokens: quote!((#(#tokens,)*)),
                borrows,
                via_serde,
            }
        }
        T::Nested(fields) if (1..=8).contains(&fields.len()) => {
            let mapped: Vec<Mapped> = fields
                .iter()
                .map(|f| mapped_nested(&f.data_type, serde))
                .collect::<Result<_>>()?;
            let borrows = mapped.iter().any(|m| m.borrows);
            let via_serde = mapped.iter().any(|m| m.via_serde);
            let tokens: Vec<&TokenStream> = mapped.iter().map(|m| &m.tokens).collect();
            Mapped {
                tokens: quote!(Vec<(#(#tokens,)*)>),
                borrows,
                via_serde,
            }
        }
        T::Point => Mapped::plain(quote!((f64, f64))),
        T::Ring | T::LineString | T::MultiPoint => Mapped::plain(quote!(Vec<(f64, f64)>)),
        T::Polygon | T::MultiLineString => Mapped::plain(quote!(Vec<Vec<(f64, f64)>>)),
        T::MultiPolygon => Mapped::plain(quote!(Vec<Vec<Vec<(f64, f64)>>>)),
        _ => dynamic(),
    })
}

fn mapped_nested(t: &DataType, serde: bool) -> Result<Mapped> {
    mapped(t, serde, true)
}

/// How deeply a type nests other types.
fn nesting(t: &DataType) -> usize {
    use DataType as T;
    match t {
        T::Nullable(inner) | T::LowCardinality(inner) | T::Array(inner) => 1 + nesting(inner),
        T::Map(k, v) => 1 + nesting(k).max(nesting(v)),
        T::Tuple(elements) => {
            1 + elements
                .iter()
                .map(|e| nesting(&e.data_type))
                .max()
                .unwrap_or(0)
        }
        T::Nested(fields) => {
            2 + fields
                .iter()
                .map(|f| nesting(&f.data_type))
                .max()
                .unwrap_or(0)
        }
        _ => 0,
    }
}

/// The columns that become fields, with their field names.
fn fields<'s>(schema: &'s TableSchema, options: &Options) -> Vec<(&'s ColumnSchema, String)> {
    let columns: Vec<&ColumnSchema> = schema
        .columns
        .iter()
        .filter(|c| {
            let kind = c.default.as_ref().map(|d| d.kind);
            match options.columns {
                Columns::Readable => kind != Some(DefaultKind::Ephemeral),
                Columns::Insertable => {
                    !matches!(kind, Some(DefaultKind::Materialized | DefaultKind::Alias))
                }
            }
        })
        .collect();
    let mut taken = HashSet::new();
    let names = unique(
        columns
            .iter()
            .enumerate()
            .map(|(i, c)| identifier(&c.name, |s| s.to_snake_case(), &format!("column_{}", i + 1))),
        &mut taken,
    );
    columns.into_iter().zip(names).collect()
}

fn struct_name(schema: &TableSchema, options: &Options) -> String {
    options
        .struct_name
        .clone()
        .unwrap_or_else(|| identifier(&schema.name, |s| s.to_upper_camel_case(), "Row"))
}

fn check_name(name: &str, what: &str) -> Result<()> {
    if is_ident(name) {
        Ok(())
    } else {
        Err(Error::invalid_input(format!(
            "{name:?} is not a Rust {what} name"
        )))
    }
}

/// `text` as a Markdown code span (with double backticks when it holds one).
fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

fn doc(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| format!(" {l}"));
    quote!(#(#[doc = #lines])*)
}

fn pretty(tokens: TokenStream, formatter: Formatter) -> Result<String> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| Error::invalid_input(format!("generated Rust that does not parse: {e}")))?;
    let source = prettyplease::unparse(&file);
    Ok(match formatter {
        Formatter::Rustfmt => rustfmt(&source).unwrap_or(source),
        _ => source,
    })
}

/// `source` through `rustfmt`, or `None` when it is not installed or fails.
fn rustfmt(source: &str) -> Option<String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(std::env::var_os("RUSTFMT").unwrap_or_else(|| "rustfmt".into()))
        .args(["--edition", "2024", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    // The source is small: written whole before the output is read.
    child.stdin.take()?.write_all(source.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    (out.status.success())
        .then(|| String::from_utf8(out.stdout).ok())
        .flatten()
}

fn row_struct_tokens(schema: &TableSchema, options: &Options) -> Result<TokenStream> {
    let name = struct_name(schema, options);
    check_name(&name, "struct")?;
    let serde = options.serde();
    let mut field_tokens = Vec::new();
    let mut borrows = false;
    for (column, field) in fields(schema, options) {
        let mapped = rust_type(&column.data_type, serde)?;
        borrows |= mapped.borrows;
        let ty = &mapped.tokens;
        let mut lines = vec![format!(
            "{} {}",
            code(&column.name),
            code(&column.data_type.to_string())
        )];
        if let Some(d) = &column.default {
            lines[0].push_str(&format!(
                " {}{}",
                d.kind.keyword(),
                d.expression
                    .as_ref()
                    .map(|e| format!(" {}", code(e)))
                    .unwrap_or_default()
            ));
        }
        if let Some(comment) = &column.comment {
            lines.push(String::new());
            lines.extend(comment.lines().map(str::to_owned));
        }
        let docs = doc(&lines);
        let renamed = field.trim_start_matches("r#") != column.name;
        let column_name = &column.name;
        let mut attrs = TokenStream::new();
        if options.derives.contains(&Derive::FromBlock) {
            match (renamed, mapped.via_serde) {
                (true, true) => attrs.extend(quote!(#[from_block(rename = #column_name, serde)])),
                (true, false) => attrs.extend(quote!(#[from_block(rename = #column_name)])),
                (false, true) => attrs.extend(quote!(#[from_block(serde)])),
                (false, false) => {}
            }
        }
        if serde && renamed {
            attrs.extend(quote!(#[serde(rename = #column_name)]));
        }
        let wide = matches!(
            column.data_type.stored(),
            DataType::Int256 | DataType::UInt256
        );
        if serde && wide {
            attrs.extend(quote!(#[serde(with = "ethnum::serde::decimal")]));
        }
        if serde && mapped.borrows && options.derives.contains(&Derive::Deserialize) {
            attrs.extend(quote!(#[serde(borrow)]));
        }
        if nesting(&column.data_type) >= 4 {
            // Deep tuples and maps are what the column holds; clippy would ask for an alias.
            attrs.extend(quote!(#[allow(clippy::type_complexity)]));
        }
        let field = ident(&field);
        field_tokens.push(quote! {
            #docs
            #attrs
            pub #field: #ty,
        });
    }
    let derives: Vec<TokenStream> = options
        .derives
        .iter()
        .map(|d| match d {
            Derive::FromBlock => quote!(clickhouse_connect::FromBlock),
            Derive::Serialize => quote!(serde::Serialize),
            Derive::Deserialize => quote!(serde::Deserialize),
        })
        .collect();
    let header = doc(&[
        format!(
            "A row of `{}`.`{}` ({}{}).",
            schema.database,
            schema.name,
            schema.kind.name(),
            schema
                .engine
                .as_ref()
                .map(|e| format!(", {}", e.name))
                .unwrap_or_default()
        ),
        if let Some(c) = &schema.comment {
            format!("\n{c}")
        } else {
            String::new()
        },
    ]
    .into_iter()
    .filter(|l| !l.is_empty())
    .flat_map(|l| l.lines().map(str::to_owned).collect::<Vec<_>>())
    .collect::<Vec<_>>());
    let name = ident(&name);
    let lifetime = borrows.then(|| quote!(<'a>));
    Ok(quote! {
        #header
        #[derive(Debug, Clone, #(#derives),*)]
        pub struct #name #lifetime {
            #(#field_tokens)*
        }
    })
}

fn iden_tokens(schema: &TableSchema, options: &Options) -> Result<TokenStream> {
    let name = options
        .iden_name
        .clone()
        .unwrap_or_else(|| format!("{}Iden", struct_name(schema, options)));
    check_name(&name, "enum")?;
    let mut taken: HashSet<String> = ["Table".to_owned()].into();
    let variants = unique(
        schema.columns.iter().enumerate().map(|(i, c)| {
            identifier(
                &c.name,
                |s| s.to_upper_camel_case(),
                &format!("Column{}", i + 1),
            )
        }),
        &mut taken,
    );
    let table = &schema.name;
    let idents: Vec<syn::Ident> = variants.iter().map(|v| ident(v)).collect();
    let columns: Vec<&String> = schema.columns.iter().map(|c| &c.name).collect();
    let docs: Vec<TokenStream> = schema
        .columns
        .iter()
        .map(|c| {
            doc(&[format!(
                "{} {}",
                code(&c.name),
                code(&c.data_type.to_string())
            )])
        })
        .collect();
    let header = doc(&[format!(
        "The names of `{}`.`{}` and its columns, for sea-query statements.",
        schema.database, schema.name
    )]);
    let table_doc = doc(&[format!("The table, `{table}`.")]);
    let name = ident(&name);
    Ok(quote! {
        #header
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum #name {
            #table_doc
            Table,
            #(#docs #idents,)*
        }

        impl sea_query::Iden for #name {
            fn unquoted(&self) -> &str {
                match self {
                    Self::Table => #table,
                    #(Self::#idents => #columns,)*
                }
            }
        }
    })
}

/// The row struct for `schema`, formatted.
pub fn row_struct(schema: &TableSchema, options: &Options) -> Result<String> {
    pretty(row_struct_tokens(schema, options)?, options.formatter)
}

/// The sea-query `Iden` enum of `schema`'s table and columns (a `Table` variant, then one
/// per column), formatted. It implements `sea_query::Iden` by hand, so sea-query's `derive`
/// feature is not needed.
pub fn iden_enum(schema: &TableSchema, options: &Options) -> Result<String> {
    pretty(iden_tokens(schema, options)?, options.formatter)
}

/// The row struct and the `Iden` enum in one piece of source, formatted.
pub fn module(schema: &TableSchema, options: &Options) -> Result<String> {
    let (a, b) = (
        row_struct_tokens(schema, options)?,
        iden_tokens(schema, options)?,
    );
    pretty(quote!(#a #b), options.formatter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str) -> String {
        identifier(name, |s| s.to_snake_case(), "column_1")
    }

    #[test]
    fn column_names_become_rust_identifiers() {
        assert_eq!(field("user_id"), "user_id");
        assert_eq!(field("userId"), "user_id");
        assert_eq!(field("n.a"), "n_a");
        assert_eq!(field("with space"), "with_space");
        assert_eq!(field("1st"), "_1st");
        assert_eq!(field("type"), "r#type");
        assert_eq!(field("self"), "self_");
        assert_eq!(field("naïve"), "na_ve");
        assert_eq!(
            identifier("naïve", |s| s.to_upper_camel_case(), "X"),
            "NaVe"
        );
        assert_eq!(field("..."), "column_1");
        assert_eq!(
            identifier("Self", |s| s.to_upper_camel_case(), "X"),
            "Self_"
        );
        let mut taken = HashSet::new();
        assert_eq!(
            unique(
                ["a_b", "a_b", "r#type", "type"]
                    .map(String::from)
                    .into_iter(),
                &mut taken
            ),
            ["a_b", "a_b_2", "r#type", "type_2"]
        );
    }

    #[test]
    fn nullable_is_option_exactly_where_the_type_says() {
        let t = |s: &str| {
            rust_type(&DataType::parse(s).unwrap(), false)
                .unwrap()
                .tokens
                .to_string()
        };
        assert_eq!(t("Nullable(String)"), "Option < String >");
        assert_eq!(t("Array(Nullable(UInt8))"), "Vec < Option < u8 > >");
        assert_eq!(t("LowCardinality(Nullable(String))"), "Option < String >");
        assert_eq!(t("String"), "String");
        assert_eq!(
            t("Map(String, Tuple(a UInt8, b Nullable(Int64)))"),
            "std :: collections :: HashMap < String , (u8 , Option < i64 > ,) >"
        );
    }
}
