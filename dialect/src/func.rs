//! [`ChFunc`]: helpers for ClickHouse functions sea-query does not name.

use sea_query::{Expr, Func, FunctionCall};

/// Builders for common ClickHouse functions, as sea-query `FunctionCall`s.
///
/// ```
/// use sea_query::{Expr, ExprTrait, Query};
/// use sea_query_clickhouse::{ChFunc, ChStatement};
///
/// let select = Query::select().expr(ChFunc::quantile(0.9, Expr::col("ms"))).from("t").to_owned();
/// assert_eq!(select.to_sql().unwrap(), "SELECT quantile(0.9)(`ms`) FROM `t`");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ChFunc;

impl ChFunc {
    /// `toStartOfInterval(t, INTERVAL n unit)`; `unit` is one of `SECOND`, `MINUTE`, `HOUR`,
    /// `DAY`, `WEEK`, `MONTH`, `QUARTER`, `YEAR` (anything else becomes `DAY`).
    pub fn to_start_of_interval(time: impl Into<Expr>, n: u32, unit: &str) -> FunctionCall {
        let unit = match unit.to_ascii_uppercase().as_str() {
            u @ ("SECOND" | "MINUTE" | "HOUR" | "DAY" | "WEEK" | "MONTH" | "QUARTER" | "YEAR") => {
                u.to_owned()
            }
            _ => "DAY".to_owned(),
        };
        Func::cust("toStartOfInterval")
            .arg(time.into())
            .arg(Expr::cust(format!("INTERVAL {n} {unit}")))
    }

    /// `toDate(x)`.
    pub fn to_date(x: impl Into<Expr>) -> FunctionCall {
        Func::cust("toDate").arg(x.into())
    }

    /// `arrayJoin(arr)`: one row per element.
    pub fn array_join(array: impl Into<Expr>) -> FunctionCall {
        Func::cust("arrayJoin").arg(array.into())
    }

    /// `groupArray(x)`.
    pub fn group_array(x: impl Into<Expr>) -> FunctionCall {
        Func::cust("groupArray").arg(x.into())
    }

    /// `uniq(x)`: approximate distinct count.
    pub fn uniq(x: impl Into<Expr>) -> FunctionCall {
        Func::cust("uniq").arg(x.into())
    }

    /// `countIf(cond)`.
    pub fn count_if(condition: impl Into<Expr>) -> FunctionCall {
        Func::cust("countIf").arg(condition.into())
    }

    /// `if(cond, then, else)`.
    pub fn if_(
        condition: impl Into<Expr>,
        then: impl Into<Expr>,
        otherwise: impl Into<Expr>,
    ) -> FunctionCall {
        Func::cust("if")
            .arg(condition.into())
            .arg(then.into())
            .arg(otherwise.into())
    }

    /// `multiIf(c1, v1, c2, v2, ..., else)`.
    pub fn multi_if<C: Into<Expr>, V: Into<Expr>>(
        branches: impl IntoIterator<Item = (C, V)>,
        otherwise: impl Into<Expr>,
    ) -> FunctionCall {
        let mut args = Vec::new();
        for (c, v) in branches {
            args.push(c.into());
            args.push(v.into());
        }
        args.push(otherwise.into());
        Func::cust("multiIf").args(args)
    }

    /// `quantile(level)(x)`; a level outside 0..=1 (or NaN) becomes 0.5.
    pub fn quantile(level: f64, x: impl Into<Expr>) -> FunctionCall {
        let level = if (0.0..=1.0).contains(&level) {
            level
        } else {
            0.5
        };
        Func::cust(format!("quantile({level:?})")).arg(x.into())
    }
}
