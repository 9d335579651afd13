//! [`TableEngine`]: a table's engine parsed from `system.tables.engine_full`, and the storage
//! clauses that follow it there (`PARTITION BY`, `PRIMARY KEY`, `ORDER BY`, `SAMPLE BY`,
//! `TTL`, `SETTINGS`).

use super::lexer::{self, Kind, Tokens};
use super::schema::{TableSetting, lexer_string};
use crate::error::{Error, Result};

/// A table engine: its name, its arguments as written, and what the common families mean by
/// them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TableEngine {
    /// The engine's name (`ReplicatedReplacingMergeTree`, `Memory`, `Distributed`).
    pub name: String,
    /// The arguments as the server wrote them (`'/clickhouse/{shard}/t'`, `ver`, `rand()`);
    /// empty when the engine is written without brackets.
    pub args: Vec<String>,
    /// Whether the engine is written with brackets (`MergeTree()` against `MergeTree`).
    pub has_brackets: bool,
    /// What the arguments mean, for the families reflection knows.
    pub kind: EngineKind,
}

/// The meaning of an engine's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EngineKind {
    /// A MergeTree-family engine (replicated or not).
    MergeTree(MergeTreeEngine),
    /// `Distributed(cluster, database, table[, sharding_key[, policy]])`.
    Distributed {
        /// The cluster name.
        cluster: String,
        /// The remote database.
        database: String,
        /// The remote table.
        table: String,
        /// The sharding expression.
        sharding_key: Option<String>,
        /// The storage policy.
        policy: Option<String>,
    },
    /// Any other engine: the arguments are all there is.
    Other,
}

/// A MergeTree-family engine's variant, replication and parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MergeTreeEngine {
    /// Which variant.
    pub variant: MergeTreeVariant,
    /// `Replicated*`: where it coordinates and which replica this is.
    pub replication: Option<Replication>,
    /// Written in the old syntax (`MergeTree(date, key, 8192)`, servers before 20.x): the keys
    /// and granularity are engine arguments, not clauses.
    pub legacy_syntax: bool,
}

/// The MergeTree variants and what their arguments name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MergeTreeVariant {
    /// `MergeTree`.
    Plain,
    /// `ReplacingMergeTree([version[, is_deleted]])`.
    Replacing {
        /// The version column.
        version: Option<String>,
        /// The deletion-marker column.
        is_deleted: Option<String>,
    },
    /// `SummingMergeTree([columns])`: the columns to sum (all numeric ones when empty).
    Summing {
        /// The summed columns.
        columns: Vec<String>,
    },
    /// `AggregatingMergeTree`.
    Aggregating,
    /// `CollapsingMergeTree(sign)`.
    Collapsing {
        /// The sign column.
        sign: String,
    },
    /// `VersionedCollapsingMergeTree(sign, version)`.
    VersionedCollapsing {
        /// The sign column.
        sign: String,
        /// The version column.
        version: String,
    },
    /// `GraphiteMergeTree('config_section')`.
    Graphite {
        /// The rollup rules' section of the server configuration.
        config_section: String,
    },
    /// `CoalescingMergeTree([columns])`.
    Coalescing {
        /// The coalesced columns.
        columns: Vec<String>,
    },
    /// Another variant (by name): its arguments are in [`TableEngine::args`].
    Other(String),
}

/// Where a `Replicated*` table coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Replication {
    /// The ZooKeeper (Keeper) path, macros such as `{shard}` and `{uuid}` unexpanded; `None`
    /// when the server's defaults are used (`ReplicatedMergeTree` without arguments).
    pub zookeeper_path: Option<String>,
    /// The replica name (`{replica}`); `None` with the server's defaults.
    pub replica_name: Option<String>,
}

impl TableEngine {
    /// Parses an engine as `system.tables.engine_full` starts: `Name` or `Name(args)`.
    pub fn parse(text: &str) -> Result<TableEngine> {
        let tokens = lexer::tokenize(text).map_err(|e| bad(text, &e.0))?;
        let all = Tokens {
            text,
            tokens: &tokens,
        };
        let (engine, end) = parse_engine_at(all, 0)
            .ok_or_else(|| bad(text, "no engine name, or an empty argument"))?;
        if end != tokens.len() {
            return Err(bad(text, "text after the engine"));
        }
        Ok(engine)
    }

    /// The engine as written: `Name`, or `Name(args)` (a name that is no plain identifier
    /// back-quoted, so that the text parses to the same engine).
    pub fn to_sql(&self) -> String {
        let name = crate::types::backquote_if_needed(&self.name);
        if self.has_brackets || !self.args.is_empty() {
            format!("{name}({})", self.args.join(", "))
        } else {
            name
        }
    }

    /// Whether the engine is of the MergeTree family.
    pub fn is_merge_tree(&self) -> bool {
        matches!(self.kind, EngineKind::MergeTree(_))
    }

    /// Renames the database argument of engines that name one (`Merge`, `Buffer`,
    /// `Distributed`, `Dictionary`) from `from` to `to`.
    pub(crate) fn rename_database(&mut self, from: &str, to: &str) -> Result<()> {
        let index = match self.name.as_str() {
            "Merge" | "Buffer" => Some(0),
            "Distributed" => Some(1),
            "Dictionary" => {
                // `Dictionary(db.name)`, or as the server keeps it, `Dictionary('db.name')`.
                if let Some(arg) = self.args.first_mut() {
                    match lexer_string(arg) {
                        Some(text) => {
                            if let Some(name) =
                                text.strip_prefix(from).and_then(|r| r.strip_prefix('.'))
                            {
                                *arg = crate::types::quote(&format!("{to}.{name}"));
                            }
                        }
                        None => {
                            *arg = lexer::rename_database(arg, from, to)
                                .map_err(|e| Error::invalid_input(e.0))?;
                        }
                    }
                }
                None
            }
            _ => None,
        };
        if let Some(arg) = index.and_then(|i| self.args.get_mut(i)) {
            if lexer_string(arg).as_deref() == Some(from) {
                *arg = crate::types::quote(to);
            } else if unquoted(arg).as_deref() == Some(from) {
                *arg = crate::types::backquote_if_needed(to);
            }
        }
        if let EngineKind::Distributed { database, .. } = &mut self.kind {
            if database == from {
                *database = to.to_owned();
            }
        }
        Ok(())
    }
}

/// A bare or back-quoted name's text.
fn unquoted(arg: &str) -> Option<String> {
    let tokens = lexer::tokenize(arg).ok()?;
    let all = Tokens {
        text: arg,
        tokens: &tokens,
    };
    (tokens.len() == 1).then(|| all.name(0)).flatten()
}

fn bad(text: &str, why: &str) -> Error {
    Error::protocol(format!("cannot read the engine `{text}`: {why}"))
}

/// The engine starting at token `i`, and the index after it.
pub(crate) fn parse_engine_at(all: Tokens<'_>, i: usize) -> Option<(TableEngine, usize)> {
    let name = match all.tokens.get(i)?.kind {
        Kind::Word | Kind::Quoted => all.name(i)?,
        _ => return None,
    };
    let (args, has_brackets, end) = match all.tokens.get(i + 1) {
        Some(t) if t.kind == Kind::Open && all.text_of(i + 1) == "(" => {
            let close = all.closing(i + 1)?;
            let parts = all.split_commas(i + 2, close);
            // An empty argument (`E(a,,b)`, `E(a,)`) is no engine a server writes; taking it
            // would print text that parses to other arguments.
            let trailing_comma = close > i + 2 && all.tokens[close - 1].kind == Kind::Comma;
            if trailing_comma || parts.iter().any(|&(a, b)| a == b) {
                return None;
            }
            let args = parts
                .into_iter()
                .map(|(a, b)| all.slice(a, b).to_owned())
                .collect();
            (args, true, close + 1)
        }
        _ => (Vec::new(), false, i + 1),
    };
    let kind = kind_of(&name, &args);
    Some((
        TableEngine {
            name,
            args,
            has_brackets,
            kind,
        },
        end,
    ))
}

/// A plain column name written bare or back-quoted.
fn column(arg: &str) -> Option<String> {
    unquoted(arg)
}

/// `(a, b)` or `a` as a list of column names.
fn columns(arg: &str) -> Option<Vec<String>> {
    let inner = arg
        .strip_prefix('(')
        .and_then(|a| a.strip_suffix(')'))
        .unwrap_or(arg);
    lexer::split_top_level(inner)
        .ok()?
        .iter()
        .map(|c| column(c))
        .collect()
}

fn kind_of(name: &str, args: &[String]) -> EngineKind {
    if name == "Distributed" {
        if let [cluster, database, table, rest @ ..] = args {
            let text = |a: &String| lexer_string(a).or_else(|| unquoted(a));
            if let (Some(cluster), Some(database), Some(table)) =
                (text(cluster), text(database), text(table))
            {
                return EngineKind::Distributed {
                    cluster,
                    database,
                    table,
                    sharding_key: rest.first().cloned(),
                    policy: rest.get(1).and_then(|p| lexer_string(p)),
                };
            }
        }
        return EngineKind::Other;
    }
    let Some(family) = name.strip_suffix("MergeTree") else {
        return EngineKind::Other;
    };
    let (replicated, variant_name) = match family.strip_prefix("Replicated") {
        Some(rest) => (true, rest),
        None => (false, family),
    };
    let mut args = args;
    let replication = if replicated {
        // Both coordination arguments are string literals, or both are absent.
        match args {
            [path, replica, rest @ ..]
                if lexer_string(path).is_some() && lexer_string(replica).is_some() =>
            {
                args = rest;
                Some(Replication {
                    zookeeper_path: lexer_string(path),
                    replica_name: lexer_string(replica),
                })
            }
            _ => Some(Replication {
                zookeeper_path: None,
                replica_name: None,
            }),
        }
    } else {
        None
    };
    // The old syntax starts with the date column and the key: `MergeTree(d, (k), 8192)`;
    // it always has a granularity number among the arguments.
    let legacy_syntax = args
        .iter()
        .any(|a| a.chars().all(|c| c.is_ascii_digit()) && !a.is_empty());
    let variant = if legacy_syntax {
        MergeTreeVariant::Other(variant_name.to_owned())
    } else {
        variant(variant_name, args)
            .unwrap_or_else(|| MergeTreeVariant::Other(variant_name.to_owned()))
    };
    EngineKind::MergeTree(MergeTreeEngine {
        variant,
        replication,
        legacy_syntax,
    })
}

fn variant(name: &str, args: &[String]) -> Option<MergeTreeVariant> {
    Some(match (name, args) {
        ("", []) => MergeTreeVariant::Plain,
        ("Replacing", []) => MergeTreeVariant::Replacing {
            version: None,
            is_deleted: None,
        },
        ("Replacing", [v]) => MergeTreeVariant::Replacing {
            version: Some(column(v)?),
            is_deleted: None,
        },
        ("Replacing", [v, d]) => MergeTreeVariant::Replacing {
            version: Some(column(v)?),
            is_deleted: Some(column(d)?),
        },
        ("Summing", []) => MergeTreeVariant::Summing {
            columns: Vec::new(),
        },
        ("Summing", [c]) => MergeTreeVariant::Summing {
            columns: columns(c)?,
        },
        ("Coalescing", []) => MergeTreeVariant::Coalescing {
            columns: Vec::new(),
        },
        ("Coalescing", [c]) => MergeTreeVariant::Coalescing {
            columns: columns(c)?,
        },
        ("Aggregating", []) => MergeTreeVariant::Aggregating,
        ("Collapsing", [s]) => MergeTreeVariant::Collapsing { sign: column(s)? },
        ("VersionedCollapsing", [s, v]) => MergeTreeVariant::VersionedCollapsing {
            sign: column(s)?,
            version: column(v)?,
        },
        ("Graphite", [c]) => MergeTreeVariant::Graphite {
            config_section: lexer_string(c)?,
        },
        _ => return None,
    })
}

/// The clauses of `engine_full` after the engine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Storage {
    pub(crate) engine: Option<TableEngine>,
    pub(crate) partition_key: Option<String>,
    pub(crate) primary_key: Option<String>,
    pub(crate) order_by: Option<String>,
    pub(crate) sampling_key: Option<String>,
    pub(crate) ttl: Option<String>,
    pub(crate) settings: Vec<TableSetting>,
}

/// The clause keywords of `engine_full`, in the order the server writes them.
const CLAUSES: [&[&str]; 6] = [
    &["PARTITION", "BY"],
    &["PRIMARY", "KEY"],
    &["ORDER", "BY"],
    &["SAMPLE", "BY"],
    &["TTL"],
    &["SETTINGS"],
];

/// A key's expressions: `(a, b)` and `tuple(a, b)` give `[a, b]`, `tuple()` gives `[]`, `a`
/// gives `[a]` (and text that is not SQL, itself).
pub(crate) fn key_list(text: &str) -> Vec<String> {
    let text = text.trim();
    let Ok(tokens) = lexer::tokenize(text) else {
        return vec![text.to_owned()];
    };
    let all = Tokens {
        text,
        tokens: &tokens,
    };
    let inner = |open: usize| -> Option<(usize, usize)> {
        (all.closing(open)? == tokens.len() - 1).then_some((open + 1, tokens.len() - 1))
    };
    let range = if tokens.first().is_some_and(|t| t.kind == Kind::Open) && all.text_of(0) == "(" {
        inner(0)
    } else if all.is_word(0, "tuple") && tokens.get(1).is_some_and(|t| t.kind == Kind::Open) {
        inner(1)
    } else {
        None
    };
    match range {
        Some((a, b)) => all
            .split_commas(a, b)
            .into_iter()
            .map(|(x, y)| all.slice(x, y).to_owned())
            .collect(),
        None if text.is_empty() => Vec::new(),
        None => vec![text.to_owned()],
    }
}

/// Parses `engine_full`: the engine and its clauses.
pub(crate) fn parse_storage(text: &str) -> Result<Storage> {
    let mut storage = Storage::default();
    if text.trim().is_empty() {
        return Ok(storage);
    }
    let tokens = lexer::tokenize(text).map_err(|e| bad(text, &e.0))?;
    let all = Tokens {
        text,
        tokens: &tokens,
    };
    let (engine, mut i) =
        parse_engine_at(all, 0).ok_or_else(|| bad(text, "no engine name, or an empty argument"))?;
    storage.engine = Some(engine);
    let starts = |i: usize| -> Option<usize> {
        (tokens[i].depth == 0)
            .then(|| CLAUSES.iter().position(|c| all.are_words(i, c)))
            .flatten()
    };
    while i < tokens.len() {
        let Some(clause) = starts(i) else {
            return Err(bad(text, &format!("unexpected `{}`", all.text_of(i))));
        };
        let body = i + CLAUSES[clause].len();
        let end = (body..tokens.len())
            .find(|&j| starts(j).is_some_and(|c| c > clause))
            .unwrap_or(tokens.len());
        let value = all.slice(body, end).to_owned();
        match clause {
            0 => storage.partition_key = Some(value),
            1 => storage.primary_key = Some(value),
            2 => storage.order_by = Some(value),
            3 => storage.sampling_key = Some(value),
            4 => storage.ttl = Some(value),
            _ => {
                for (a, b) in all.split_commas(body, end) {
                    let eq = (a..b)
                        .find(|&j| all.text_of(j) == "=")
                        .ok_or_else(|| bad(text, "a setting without `=`"))?;
                    let name = all.slice(a, eq).to_owned();
                    storage
                        .settings
                        .push(TableSetting::new(name, all.slice(eq + 1, b)));
                }
            }
        }
        i = end;
    }
    Ok(storage)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing (reflect_sql, issue 20): an engine whose name is no plain identifier
    /// (here empty, back-quoted) printed as text that does not parse.
    #[test]
    fn engines_print_as_text_that_parses_to_them() {
        for text in [
            "``",
            "`Merge Tree`(a, b)",
            "MergeTree",
            "Memory()",
            "`MergeTree`",
        ] {
            let engine = TableEngine::parse(text).unwrap();
            let printed = engine.to_sql();
            let again = TableEngine::parse(&printed).unwrap();
            assert_eq!(again, engine, "{text} prints as {printed}");
        }
        assert_eq!(
            TableEngine::parse("`MergeTree`").unwrap().to_sql(),
            "MergeTree"
        );
    }

    /// Found by fuzzing (reflect_sql): empty arguments were kept in the middle and dropped at
    /// the end, so `E(a,,)` printed as `E(a, , )`, which parsed to one argument fewer.
    #[test]
    fn empty_engine_arguments_are_refused() {
        for text in [
            "fer('\u{1}\0\0t_a', 16, Z10,,,,,,,,,, D10\u{3},,,,,)",
            "MergeTree(a,,b)",
            "MergeTree(a,)",
            "MergeTree(,)",
            "MergeTree(a, , )",
        ] {
            let err = TableEngine::parse(text).unwrap_err();
            assert!(err.to_string().contains("empty argument"), "{text}: {err}");
        }
        let engine = TableEngine::parse("MergeTree(a, (b, c))").unwrap();
        assert_eq!(engine.args, ["a", "(b, c)"]);
    }

    #[test]
    fn merge_tree_family() {
        let e = TableEngine::parse("ReplacingMergeTree(ver, deleted)").unwrap();
        assert_eq!(
            e.kind,
            EngineKind::MergeTree(MergeTreeEngine {
                variant: MergeTreeVariant::Replacing {
                    version: Some("ver".into()),
                    is_deleted: Some("deleted".into())
                },
                replication: None,
                legacy_syntax: false,
            })
        );
        let e = TableEngine::parse("SummingMergeTree((a, `b c`))").unwrap();
        assert!(matches!(
            e.kind,
            EngineKind::MergeTree(MergeTreeEngine { variant: MergeTreeVariant::Summing { ref columns }, .. })
                if columns == &["a".to_owned(), "b c".to_owned()]
        ));
        let e = TableEngine::parse("VersionedCollapsingMergeTree(sign, v)").unwrap();
        assert!(matches!(
            e.kind,
            EngineKind::MergeTree(MergeTreeEngine {
                variant: MergeTreeVariant::VersionedCollapsing { .. },
                ..
            })
        ));
        assert_eq!(e.to_sql(), "VersionedCollapsingMergeTree(sign, v)");
        let e = TableEngine::parse("MergeTree").unwrap();
        assert_eq!((e.to_sql().as_str(), e.has_brackets), ("MergeTree", false));
    }

    #[test]
    fn replicated_with_macros_and_without_arguments() {
        let e = TableEngine::parse(
            "ReplicatedCollapsingMergeTree('/clickhouse/tables/{uuid}/{shard}', '{replica}', sign)",
        )
        .unwrap();
        let EngineKind::MergeTree(m) = &e.kind else {
            panic!("{e:?}")
        };
        assert_eq!(
            m.replication,
            Some(Replication {
                zookeeper_path: Some("/clickhouse/tables/{uuid}/{shard}".into()),
                replica_name: Some("{replica}".into()),
            })
        );
        assert_eq!(
            m.variant,
            MergeTreeVariant::Collapsing {
                sign: "sign".into()
            }
        );
        let e = TableEngine::parse("ReplicatedMergeTree").unwrap();
        let EngineKind::MergeTree(m) = &e.kind else {
            panic!()
        };
        assert_eq!(m.replication.as_ref().unwrap().zookeeper_path, None);
        assert_eq!(m.variant, MergeTreeVariant::Plain);
    }

    #[test]
    fn distributed_and_legacy_syntax() {
        let e =
            TableEngine::parse("Distributed('c', 'db', 'local', cityHash64(id), 'hot')").unwrap();
        assert_eq!(
            e.kind,
            EngineKind::Distributed {
                cluster: "c".into(),
                database: "db".into(),
                table: "local".into(),
                sharding_key: Some("cityHash64(id)".into()),
                policy: Some("hot".into()),
            }
        );
        let e = TableEngine::parse("Distributed(c, db, local)").unwrap();
        assert!(matches!(e.kind, EngineKind::Distributed { ref cluster, .. } if cluster == "c"));
        let e = TableEngine::parse("MergeTree(d, (id, d), 8192)").unwrap();
        assert!(matches!(
            e.kind,
            EngineKind::MergeTree(MergeTreeEngine {
                legacy_syntax: true,
                ..
            })
        ));
        assert_eq!(e.args, ["d", "(id, d)", "8192"]);
    }

    #[test]
    fn storage_clauses() {
        let s = parse_storage(
            "ReplacingMergeTree(id) PARTITION BY id % 4 PRIMARY KEY id ORDER BY (id, s) SAMPLE BY id \
             TTL d + toIntervalDay(1), d + toIntervalDay(2) GROUP BY id SET s = max(s) \
             SETTINGS index_granularity = 512, storage_policy = 'default'",
        )
        .unwrap();
        assert_eq!(s.partition_key.as_deref(), Some("id % 4"));
        assert_eq!(s.primary_key.as_deref(), Some("id"));
        assert_eq!(s.order_by.as_deref(), Some("(id, s)"));
        assert_eq!(key_list("(id, s)"), ["id", "s"]);
        assert_eq!(key_list("(id)"), ["id"]);
        assert_eq!(key_list("tuple(a, (b, c))"), ["a", "(b, c)"]);
        assert_eq!(key_list("(a, b).1"), ["(a, b).1"]);
        assert_eq!(s.sampling_key.as_deref(), Some("id"));
        assert_eq!(
            s.ttl.as_deref(),
            Some("d + toIntervalDay(1), d + toIntervalDay(2) GROUP BY id SET s = max(s)")
        );
        assert_eq!(
            s.settings,
            [
                TableSetting::new("index_granularity", "512"),
                TableSetting::new("storage_policy", "'default'")
            ]
        );
        assert_eq!(key_list("tuple()"), Vec::<String>::new());
        assert_eq!(
            parse_storage("Memory").unwrap().engine.unwrap().name,
            "Memory"
        );
        assert!(parse_storage("MergeTree ORDER BY (a").is_err());
        assert!(parse_storage("MergeTree WHATEVER a").is_err());
    }

    #[test]
    fn database_arguments_move() {
        let mut e = TableEngine::parse("Merge(db, '^t')").unwrap();
        e.rename_database("db", "x").unwrap();
        assert_eq!(e.to_sql(), "Merge(x, '^t')");
        let mut e = TableEngine::parse("Merge('db', '^t')").unwrap();
        e.rename_database("db", "x").unwrap();
        assert_eq!(e.to_sql(), "Merge('x', '^t')");
        let mut e = TableEngine::parse("Dictionary(db.d)").unwrap();
        e.rename_database("db", "x").unwrap();
        assert_eq!(e.to_sql(), "Dictionary(x.d)");
        let mut e = TableEngine::parse("Dictionary('db.d')").unwrap();
        e.rename_database("db", "x").unwrap();
        assert_eq!(e.to_sql(), "Dictionary('x.d')");
        let mut e = TableEngine::parse("Dictionary('dbx.d')").unwrap();
        e.rename_database("db", "x").unwrap();
        assert_eq!(e.to_sql(), "Dictionary('dbx.d')");
        let mut e =
            TableEngine::parse("Buffer(other, t, 1, 10, 100, 10000, 1000000, 10000000, 100000000)")
                .unwrap();
        e.rename_database("db", "x").unwrap();
        assert!(e.to_sql().starts_with("Buffer(other, t"));
    }
}
