//! The example migrations in `migrations/` apply and revert cleanly on the 26.9 engine.
//!
//! The migrations runner comes later; this test applies the files by hand, in version order,
//! so the examples stay valid ClickHouse from the start.

use std::path::PathBuf;

use crate::common::engine;

/// `(version, up_sql, down_sql)` for every migration, in version order.
fn migrations() -> Vec<(String, String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut ups: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("migrations/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".up.sql"))
        .collect();
    ups.sort();
    ups.into_iter()
        .map(|up| {
            let name = up.file_name().unwrap().to_string_lossy().into_owned();
            let version = name.split('_').next().unwrap().to_owned();
            let down = up.with_file_name(name.replace(".up.sql", ".down.sql"));
            let read =
                |p: &PathBuf| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p:?}: {e}"));
            (version, read(&up), read(&down))
        })
        .collect()
}

/// The statements of a migration file (one per `;`, comments removed).
fn statements(sql: &str) -> Vec<String> {
    let without_comments: String = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    without_comments
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn example_migrations_apply_and_revert() {
    let server = engine().await;
    let db = server.fresh_database("migrations").await;
    let params = [("database", db.as_str())];
    let all = migrations();
    assert!(all.len() >= 2, "{} migrations", all.len());
    for (version, up, _) in &all {
        for statement in statements(up) {
            let r = server.post(&params, statement.clone()).await;
            assert_eq!(
                r.status,
                200,
                "migration {version}: `{statement}`: {}",
                r.text()
            );
        }
    }
    let columns = server
        .run(&format!("SELECT name, type FROM system.columns WHERE database = '{db}' AND table = 'events' ORDER BY position FORMAT TSVRaw"), &[])
        .await;
    assert_eq!(
        columns,
        "id\tUInt64\nts\tDateTime64(3, 'UTC')\nname\tLowCardinality(String)\ncountry\tLowCardinality(String)\n\
         payload\tString\nscore\tNullable(Float64)\ntags\tArray(String)\n"
    );
    for (version, _, down) in all.iter().rev() {
        for statement in statements(down) {
            let r = server.post(&params, statement.clone()).await;
            assert_eq!(
                r.status,
                200,
                "revert {version}: `{statement}`: {}",
                r.text()
            );
        }
    }
    let left = server
        .run(
            &format!("SELECT count() FROM system.tables WHERE database = '{db}'"),
            &[],
        )
        .await;
    assert_eq!(left, "0\n");
    server.run(&format!("DROP DATABASE {db}"), &[]).await;
}
