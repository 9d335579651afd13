//! The reflection corpus (`testdata/reflect/*.sql`) and the engines it runs on.
#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

use clickhouse_connect::Client;

/// One engine the corpus runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// The ClickHouse 26.9 engine (`CLICKHOUSE_URL`).
    Modern,
    /// The ClickHouse 18.16 server (`CLICKHOUSE_LEGACY_URL`).
    Legacy,
}

impl Engine {
    pub fn tag(self) -> &'static str {
        match self {
            Engine::Modern => "26.9",
            Engine::Legacy => "18.16",
        }
    }

    pub fn short(self) -> &'static str {
        match self {
            Engine::Modern => "m",
            Engine::Legacy => "l",
        }
    }

    pub fn url(self) -> String {
        let (var, default) = match self {
            Engine::Modern => ("CLICKHOUSE_URL", "http://127.0.0.1:28123"),
            Engine::Legacy => ("CLICKHOUSE_LEGACY_URL", "http://127.0.0.1:18123"),
        };
        std::env::var(var).unwrap_or_else(|_| default.to_owned())
    }

    /// A client for this engine with `settings`; fails the test, saying how to start the
    /// engines, when it does not answer.
    pub async fn client(self, settings: &[(String, String)], database: Option<&str>) -> Client {
        let mut builder = Client::builder().url(self.url());
        for (k, v) in settings {
            builder = builder.setting(k.clone(), v.clone());
        }
        if let Some(db) = database {
            builder = builder.database(db);
        }
        let client = builder.build().expect("a client");
        if let Err(e) = client.ping().await {
            panic!(
                "ClickHouse {} at {} does not answer ({e}): start the local engines with \
                 `scripts/dev-servers up` (or run `scripts/test`), or point the variable at \
                 your own server",
                self.tag(),
                self.url()
            );
        }
        client
    }
}

/// One corpus file.
#[derive(Debug, Clone)]
pub struct CorpusFile {
    pub stem: String,
    pub engines: Vec<String>,
    /// Settings per engine tag.
    pub settings: Vec<(String, String, String)>,
    /// The statements, `{db}` not yet replaced.
    pub statements: Vec<String>,
}

impl CorpusFile {
    pub fn runs_on(&self, engine: Engine) -> bool {
        self.engines.iter().any(|e| e == engine.tag())
    }

    pub fn settings_for(&self, engine: Engine) -> Vec<(String, String)> {
        self.settings
            .iter()
            .filter(|(tag, _, _)| tag == engine.tag())
            .map(|(_, k, v)| (k.clone(), v.clone()))
            .collect()
    }

    pub fn statements_in(&self, db: &str) -> Vec<String> {
        self.statements
            .iter()
            .map(|s| s.replace("{db}", db))
            .collect()
    }
}

pub fn testdata(dir: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("testdata")
        .join(dir)
}

/// Reads every `.sql` file of `testdata/<dir>`, by name. A file starts with `-- engines: ..`
/// and optional `-- settings <tag>: k=v[, k=v]` lines; its statements end with `;` at the end
/// of a line.
pub fn corpus(dir: &str) -> Vec<CorpusFile> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(testdata(dir))
        .expect("the corpus folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("a corpus file");
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let mut engines = Vec::new();
            let mut settings = Vec::new();
            for line in text.lines() {
                if let Some(list) = line.strip_prefix("-- engines:") {
                    engines = list.split_whitespace().map(str::to_owned).collect();
                } else if let Some(rest) = line.strip_prefix("-- settings ") {
                    let (tag, list) = rest.split_once(':').expect("-- settings <tag>: k=v");
                    for pair in list.split(',') {
                        let (k, v) = pair.trim().split_once('=').expect("k=v");
                        settings.push((tag.trim().to_owned(), k.to_owned(), v.to_owned()));
                    }
                }
            }
            assert!(!engines.is_empty(), "{stem} names no engines");
            let body: String = text
                .lines()
                .filter(|l| !l.starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n");
            let statements = body
                .split(";\n")
                .map(|s| s.trim().trim_end_matches(';').trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect();
            CorpusFile {
                stem,
                engines,
                settings,
                statements,
            }
        })
        .collect()
}

/// `DROP DATABASE IF EXISTS` then `CREATE DATABASE`.
pub async fn fresh_database(client: &Client, name: &str) {
    client
        .command(format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .unwrap_or_else(|e| panic!("drop {name}: {e}"));
    client
        .command(format!("CREATE DATABASE {name}"))
        .await
        .unwrap_or_else(|e| panic!("create {name}: {e}"));
}

pub async fn drop_database(client: &Client, name: &str) {
    client
        .command(format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .unwrap_or_else(|e| panic!("drop {name}: {e}"));
}

/// `SHOW CREATE` of a table, view or dictionary.
pub async fn show_create(client: &Client, db: &str, name: &str, dictionary: bool) -> String {
    let what = if dictionary { "DICTIONARY" } else { "TABLE" };
    let sql = format!("SHOW CREATE {what} `{db}`.`{name}`");
    let result = client
        .query(sql.clone())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    result
        .first_row()
        .expect("a row")
        .get::<String>(0)
        .expect("text")
}
