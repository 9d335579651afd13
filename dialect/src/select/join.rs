//! Joins for [`ChSelect`](super::ChSelect): ClickHouse join kinds, strictness, GLOBAL, and
//! ARRAY JOIN clauses.

use sea_query::{DynIden, Expr, IntoIden};

use crate::error::{Error, Result};

/// The join's kind, as ClickHouse spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JoinKind {
    /// `INNER JOIN`.
    Inner,
    /// `LEFT JOIN`.
    Left,
    /// `LEFT OUTER JOIN`.
    LeftOuter,
    /// `RIGHT JOIN`.
    Right,
    /// `RIGHT OUTER JOIN`.
    RightOuter,
    /// `FULL JOIN`.
    Full,
    /// `FULL OUTER JOIN`.
    FullOuter,
    /// `CROSS JOIN`.
    Cross,
}

/// ClickHouse join strictness.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Strictness {
    /// `ANY`: at most one matching row.
    Any,
    /// `ALL`: every matching row (the default).
    All,
    /// `ASOF`: the closest match by the last ON condition.
    Asof,
    /// `SEMI`: rows with a match, without the joined columns' multiplication.
    Semi,
    /// `ANTI`: rows without a match.
    Anti,
}

/// A ClickHouse join: kind, optional strictness, optional `GLOBAL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChJoin {
    pub(super) kind: JoinKind,
    strictness: Option<Strictness>,
    global: bool,
}

impl ChJoin {
    /// A join of `kind` with the default strictness.
    pub fn new(kind: JoinKind) -> Self {
        ChJoin {
            kind,
            strictness: None,
            global: false,
        }
    }
    /// `INNER JOIN`.
    pub fn inner() -> Self {
        Self::new(JoinKind::Inner)
    }
    /// `LEFT JOIN`.
    pub fn left() -> Self {
        Self::new(JoinKind::Left)
    }
    /// `RIGHT JOIN`.
    pub fn right() -> Self {
        Self::new(JoinKind::Right)
    }
    /// `FULL JOIN`.
    pub fn full() -> Self {
        Self::new(JoinKind::Full)
    }
    /// `CROSS JOIN`: takes no condition (see [`ChSelect::cross_join`](super::ChSelect::cross_join)).
    pub fn cross() -> Self {
        Self::new(JoinKind::Cross)
    }
    /// Sets the strictness.
    pub fn strictness(mut self, strictness: Strictness) -> Self {
        self.strictness = Some(strictness);
        self
    }
    /// `ANY`.
    pub fn any(self) -> Self {
        self.strictness(Strictness::Any)
    }
    /// `ALL`.
    pub fn all(self) -> Self {
        self.strictness(Strictness::All)
    }
    /// `ASOF`.
    pub fn asof(self) -> Self {
        self.strictness(Strictness::Asof)
    }
    /// `SEMI`.
    pub fn semi(self) -> Self {
        self.strictness(Strictness::Semi)
    }
    /// `ANTI`.
    pub fn anti(self) -> Self {
        self.strictness(Strictness::Anti)
    }
    /// `GLOBAL`: the right side is computed once and sent to every shard.
    pub fn global(mut self) -> Self {
        self.global = true;
        self
    }

    /// The kind without `OUTER` (which changes nothing in ClickHouse).
    fn base_kind(&self) -> JoinKind {
        match self.kind {
            JoinKind::LeftOuter => JoinKind::Left,
            JoinKind::RightOuter => JoinKind::Right,
            JoinKind::FullOuter => JoinKind::Full,
            kind => kind,
        }
    }

    /// Refuses the kind and strictness pairs ClickHouse rejects (as 26.9 does): `FULL ANY`,
    /// `ASOF` other than INNER or LEFT, `SEMI`/`ANTI` other than LEFT or RIGHT, and any
    /// strictness on CROSS.
    pub(super) fn check(&self) -> Result<()> {
        use JoinKind::*;
        use Strictness::*;
        let ok = matches!(
            (self.base_kind(), self.strictness),
            (_, None)
                | (Inner | Left | Right, Some(Any))
                | (Inner | Left | Right | Full, Some(All))
                | (Inner | Left, Some(Asof))
                | (Left | Right, Some(Semi | Anti))
        );
        if ok {
            Ok(())
        } else {
            let why = match (self.base_kind(), self.strictness) {
                (Cross, _) => "CROSS JOIN takes no strictness",
                (Full, Some(Any)) => "ANY FULL JOIN is not implemented by ClickHouse",
                (_, Some(Asof)) => "ASOF joins are INNER or LEFT",
                _ => "SEMI and ANTI joins are LEFT or RIGHT",
            };
            Err(Error::Unsupported(format!("{} ({why})", self.keyword())))
        }
    }

    /// `[GLOBAL] [ANY|ALL|ASOF|SEMI|ANTI] kind JOIN`: the strictness before the kind, the one
    /// order every ClickHouse version reads, and the only one with `OUTER`.
    pub(super) fn keyword(&self) -> String {
        let mut out = String::new();
        if self.global {
            out.push_str("GLOBAL ");
        }
        if let Some(s) = self.strictness {
            out.push_str(match s {
                Strictness::Any => "ANY ",
                Strictness::All => "ALL ",
                Strictness::Asof => "ASOF ",
                Strictness::Semi => "SEMI ",
                Strictness::Anti => "ANTI ",
            });
        }
        out.push_str(match self.kind {
            JoinKind::Inner => "INNER",
            JoinKind::Left => "LEFT",
            JoinKind::LeftOuter => "LEFT OUTER",
            JoinKind::Right => "RIGHT",
            JoinKind::RightOuter => "RIGHT OUTER",
            JoinKind::Full => "FULL",
            JoinKind::FullOuter => "FULL OUTER",
            JoinKind::Cross => "CROSS",
        });
        out.push_str(" JOIN");
        out
    }
}

/// One `ARRAY JOIN` (or `LEFT ARRAY JOIN`) clause.
#[derive(Debug, Clone)]
pub struct ArrayJoin {
    pub(super) left: bool,
    pub(super) items: Vec<(Expr, Option<DynIden>)>,
}

impl ArrayJoin {
    /// `ARRAY JOIN expr [AS alias]`: rows with empty arrays are dropped.
    pub fn new(expr: impl Into<Expr>, alias: Option<&str>) -> Self {
        ArrayJoin {
            left: false,
            items: vec![(expr.into(), alias.map(|a| a.to_owned().into_iden()))],
        }
    }
    /// `LEFT ARRAY JOIN`: rows with empty arrays are kept with default values.
    pub fn left(mut self) -> Self {
        self.left = true;
        self
    }
    /// Adds another array, unrolled in step with the first.
    pub fn and(mut self, expr: impl Into<Expr>, alias: Option<&str>) -> Self {
        self.items
            .push((expr.into(), alias.map(|a| a.to_owned().into_iden())));
        self
    }
}
