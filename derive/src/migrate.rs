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

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(files: &[(&str, &str)]) -> PathBuf {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "chc-derive-migrate-{}-{}",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        dir
    }

    fn expand_dir(dir: &std::path::Path) -> syn::Result<Tokens> {
        // An absolute path replaces the manifest folder.
        expand(Some(LitStr::new(dir.to_str().unwrap(), Span::call_site())))
    }

    #[test]
    fn embeds_the_migration_files_in_order() {
        let dir = folder(&[
            ("2_b.up.sql", "SELECT 2"),
            ("2_b.down.sql", "SELECT -2"),
            ("1_a.sql", "SELECT 1"),
            ("README.md", "no"),
            ("notes.sql", "no version"),
        ]);
        let tokens = expand_dir(&dir).unwrap().to_string();
        let a = tokens.find("\"1_a.sql\"").unwrap();
        let down = tokens.find("\"2_b.down.sql\"").unwrap();
        let up = tokens.find("\"2_b.up.sql\"").unwrap();
        assert!(a < down && down < up, "{tokens}");
        assert_eq!(tokens.matches("include_str").count(), 3);
        assert!(!tokens.contains("README") && !tokens.contains("notes"));
        assert!(tokens.contains("Migrator :: embedded"), "{tokens}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn bad_folders_are_compile_errors() {
        let cases: [(&[(&str, &str)], &str); 4] = [
            (&[("v1_a.sql", "")], "expected an integer version"),
            (
                &[("1_a.sql", ""), ("1_b.up.sql", "")],
                "both a simple and a reversible",
            ),
            (&[("1_a.down.sql", "")], "has a .down.sql but no .up.sql"),
            (
                &[("1_a.sql", ""), ("01_b.sql", "")],
                "version 1 is given twice",
            ),
        ];
        for (files, message) in cases {
            let dir = folder(files);
            let e = expand_dir(&dir).unwrap_err().to_string();
            assert!(e.contains(message), "{files:?}: {e}");
            std::fs::remove_dir_all(dir).unwrap();
        }
        let e = expand(Some(LitStr::new("/no/such/folder", Span::call_site())))
            .unwrap_err()
            .to_string();
        assert!(e.contains("cannot read the folder /no/such/folder"), "{e}");
    }
}
