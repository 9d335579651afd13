//! Small shared pieces: table names, literals, the row ordering clock, who a runner is.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::types::{backquote_if_needed, quote};

/// A table name, optionally qualified by its database (`db.table`); unqualified names live in
/// the connection's current database.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TableName {
    /// The database, if given.
    pub database: Option<String>,
    /// The table.
    pub name: String,
}

impl TableName {
    /// `name` in the current database.
    pub fn new(name: impl Into<String>) -> TableName {
        TableName {
            database: None,
            name: name.into(),
        }
    }

    /// `name` in `database`.
    pub fn qualified(database: impl Into<String>, name: impl Into<String>) -> TableName {
        TableName {
            database: Some(database.into()),
            name: name.into(),
        }
    }

    /// The same table with `suffix` appended to its name (`_sqlx_migrations_lock`).
    pub fn with_suffix(&self, suffix: &str) -> TableName {
        TableName {
            database: self.database.clone(),
            name: format!("{}{suffix}", self.name),
        }
    }

    /// The SQL expression for the table's database: a literal, or `currentDatabase()`.
    pub(crate) fn database_expr(&self) -> String {
        match &self.database {
            Some(db) => quote(db),
            None => "currentDatabase()".to_owned(),
        }
    }
}

impl From<&str> for TableName {
    /// `"db.table"` is qualified, `"table"` is not (as sqlx's `schema.table`).
    fn from(name: &str) -> TableName {
        match name.split_once('.') {
            Some((db, table)) if !db.is_empty() && !table.is_empty() => {
                TableName::qualified(db, table)
            }
            _ => TableName::new(name),
        }
    }
}

impl From<String> for TableName {
    fn from(name: String) -> TableName {
        TableName::from(name.as_str())
    }
}

impl fmt::Display for TableName {
    /// The name as SQL: each part back-quoted when it needs it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(db) = &self.database {
            write!(f, "{}.", backquote_if_needed(db))?;
        }
        f.write_str(&backquote_if_needed(&self.name))
    }
}

/// An `Array(String)` literal.
pub(crate) fn string_array(items: &[String]) -> String {
    if items.is_empty() {
        return "CAST([] AS Array(String))".to_owned();
    }
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// An ordering number for appended rows: nanoseconds since the epoch, strictly above `after`
/// and above every number this process gave before (so rows of one writer never tie, even when
/// the clock steps back).
pub(crate) fn next_seq(after: u64) -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX / 2));
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let next = now.max(after + 1).max(last + 1);
        match LAST.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

/// This machine's name, for the history and the lock.
pub(crate) fn host_name() -> String {
    gethostname::gethostname().to_string_lossy().into_owned()
}

/// A new runner id.
pub(crate) fn new_owner_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// At most `max` bytes of `text` (cut on a character boundary), for error messages stored in
/// the history.
pub(crate) fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The seconds of a `Duration` for SQL intervals (at least 1).
pub(crate) fn whole_seconds(d: std::time::Duration) -> u64 {
    d.as_secs().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names() {
        assert_eq!(
            TableName::from("_sqlx_migrations").to_string(),
            "_sqlx_migrations"
        );
        assert_eq!(TableName::from("db.t").to_string(), "db.t");
        assert_eq!(TableName::from("my db.t t").to_string(), "`my db`.`t t`");
        assert_eq!(TableName::from(".t").database, None);
        assert_eq!(
            TableName::new("h").with_suffix("_lock").to_string(),
            "h_lock"
        );
        assert_eq!(TableName::new("h").database_expr(), "currentDatabase()");
        assert_eq!(TableName::qualified("d'b", "h").database_expr(), r"'d\'b'");
    }

    #[test]
    fn literals_and_clock() {
        assert_eq!(string_array(&[]), "CAST([] AS Array(String))");
        assert_eq!(string_array(&["a".into(), "b'c".into()]), r"['a', 'b\'c']");
        let a = next_seq(0);
        let b = next_seq(0);
        assert!(b > a);
        let ahead = b + 1_000_000_000;
        assert_eq!(next_seq(ahead), ahead + 1);
        assert!(next_seq(0) > ahead + 1);
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("héllo", 3), "hé");
    }
}
