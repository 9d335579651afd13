//! `migrate!("./migrations")`: a migrations folder embedded at compile time.
//!
//! The folder is read with sqlx's rules (regular files, `<VERSION>_<description>.sql`,
//! `.up.sql`, `.down.sql`; other names ignored; a version that is not an `i64` is an error),
//! here only to check the names while compiling and to list the files. Each file's text is
//! embedded with `include_str!` (so editing a file rebuilds), and the driver's
//! `Migrator::embedded` reads the names and computes the checksums with the same code as for a
//! folder read at run time.

use std::collections::BTreeMap;
use std::path::PathBuf;

use proc_macro2::{Span, TokenStream as Tokens};
use quote::quote;
use syn::LitStr;

/// The expansion of `migrate!(path)`; `path` defaults to `./migrations`, relative to the
/// calling crate's `Cargo.toml` (as sqlx's `migrate!`).
pub(crate) fn expand(path: Option<LitStr>) -> syn::Result<Tokens> {
    let span = path.as_ref().map_or_else(Span::call_site, LitStr::span);
    let relative = path.map_or_else(|| "./migrations".to_owned(), |p| p.value());
    let root = std::env::var("CARGO_MANIFEST_DIR")
        .map_err(|_| syn::Error::new(span, "migrate!: CARGO_MANIFEST_DIR is not set"))?;
    let dir = PathBuf::from(root).join(&relative);
    let entries = std::fs::read_dir(&dir).map_err(|e| {
        syn::Error::new(
            span,
            format!("migrate!: cannot read the folder {}: {e}", dir.display()),
        )
    })?;
    // (version, kind) -> file name, to refuse duplicates as the driver does.
    let mut seen: BTreeMap<(i64, u8), String> = BTreeMap::new();
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| {
            syn::Error::new(span, format!("migrate!: reading {}: {e}", dir.display()))
        })?;
        let path = entry.path();
        if !std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((version, rest)) = name.split_once('_') else {
            continue;
        };
        if !rest.ends_with(".sql") {
            continue;
        }
        let version: i64 = version.parse().map_err(|_| {
            syn::Error::new(
                span,
                format!(
                    "migrate!: migration file name {name:?}: expected an integer version before \
                     the first `_` (e.g. `20240101000000_create_users.sql`)"
                ),
            )
        })?;
        let kind = if rest.ends_with(".up.sql") {
            1
        } else if rest.ends_with(".down.sql") {
            2
        } else {
            0
        };
        if let Some(other) = seen.insert((version, kind), name.clone()) {
            return Err(syn::Error::new(
                span,
                format!("migrate!: version {version} is given twice ({other} and {name})"),
            ));
        }
        let full = path.canonicalize().unwrap_or(path);
        let Some(full) = full.to_str().map(str::to_owned) else {
            return Err(syn::Error::new(
                span,
                format!("migrate!: the path of {name:?} is not UTF-8"),
            ));
        };
        files.push((name, full));
    }
    for (version, kind) in seen.keys() {
        if *kind == 0 && (seen.contains_key(&(*version, 1)) || seen.contains_key(&(*version, 2))) {
            return Err(syn::Error::new(
                span,
                format!("migrate!: version {version} is both a simple and a reversible migration"),
            ));
        }
        if *kind == 2 && !seen.contains_key(&(*version, 1)) {
            return Err(syn::Error::new(
                span,
                format!("migrate!: version {version} has a .down.sql but no .up.sql"),
            ));
        }
    }
    files.sort();
    let items = files.iter().map(|(name, full)| {
        quote! {
            ::clickhouse_connect::migrate::EmbeddedMigration {
                file_name: #name,
                sql: ::core::include_str!(#full),
            }
        }
    });
    Ok(quote! {
        {
            static FILES: &[::clickhouse_connect::migrate::EmbeddedMigration] = &[#(#items),*];
            ::clickhouse_connect::migrate::Migrator::embedded(FILES)
        }
    })
}
