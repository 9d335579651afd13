//! Constructs ClickHouse cannot express, met inside sea-query's infallible hooks.
//!
//! sea-query's rendering hooks return nothing, so a hook that meets such a construct writes SQL
//! the server rejects with the reason (`throwError('...')`), and reports the reason here. The
//! dialect's own entry points ([`ChStatement`](crate::ChStatement)) collect the report around
//! each rendering and return it as [`Error::Unsupported`] before anything reaches a server;
//! sea-query's `to_string`/`build` keep the `throwError(..)` text, which the server reports.

use std::cell::RefCell;
use std::fmt::Write;

use crate::error::{Error, Result};
use crate::literal;

thread_local! {
    static FIRST: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Records `message` as the rendering's error (the first one wins).
pub(crate) fn report(message: impl Into<String>) {
    FIRST.with(|first| {
        let mut first = first.borrow_mut();
        if first.is_none() {
            *first = Some(message.into());
        }
    });
}

/// Reports `message` and writes `throwError('not supported by ClickHouse: message')`.
pub(crate) fn unsupported(sql: &mut (impl Write + ?Sized), message: impl Into<String>) {
    let message = message.into();
    let text = format!("not supported by ClickHouse (sea-query-clickhouse): {message}");
    let _ = write!(sql, "throwError({})", literal::quote(&text));
    report(message);
}

/// Collects the reports of one rendering; nested collections keep the outer one's reports.
#[derive(Debug)]
pub(crate) struct Collect {
    saved: Option<Option<String>>,
}

impl Collect {
    /// Starts collecting.
    pub(crate) fn begin() -> Self {
        Collect {
            saved: Some(FIRST.with(|first| first.borrow_mut().take())),
        }
    }

    /// Stops collecting: the first report since [`begin`](Self::begin), as an error.
    pub(crate) fn finish(mut self) -> Result<()> {
        let saved = self.saved.take().flatten();
        match FIRST.with(|first| first.replace(saved)) {
            Some(message) => Err(Error::Unsupported(message)),
            None => Ok(()),
        }
    }
}

impl Drop for Collect {
    fn drop(&mut self) {
        if let Some(saved) = self.saved.take() {
            FIRST.with(|first| {
                first.replace(saved);
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_collections_keep_their_own_reports() {
        let outer = Collect::begin();
        report("outer");
        let inner = Collect::begin();
        assert!(inner.finish().is_ok());
        let inner = Collect::begin();
        let mut sql = String::new();
        unsupported(&mut sql, "it's inner");
        assert_eq!(
            sql,
            r"throwError('not supported by ClickHouse (sea-query-clickhouse): it\'s inner')"
        );
        assert_eq!(
            inner.finish().unwrap_err().to_string(),
            "not supported by ClickHouse: it's inner"
        );
        assert_eq!(
            outer.finish().unwrap_err().to_string(),
            "not supported by ClickHouse: outer"
        );
        assert!(Collect::begin().finish().is_ok());
    }

    #[test]
    fn an_abandoned_collection_restores_the_outer_reports() {
        let outer = Collect::begin();
        report("outer");
        drop(Collect::begin());
        assert!(outer.finish().is_err());
    }
}
