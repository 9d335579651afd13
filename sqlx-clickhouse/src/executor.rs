//! The sqlx `Executor` for `&mut ClickHouseConnection`: statements with their bound values as
//! server-side parameters, rows streamed block by block.

use std::sync::Arc;

use chrono_tz::Tz;
use clickhouse_connect::{DataType, QueryStream};
use futures_core::future::BoxFuture;
use futures_core::stream::BoxStream;
use futures_util::{StreamExt, TryStreamExt};
use sqlx_core::describe::Describe;
use sqlx_core::driver_prelude::Either;
use sqlx_core::error::Error;
use sqlx_core::executor::{Execute, Executor};
use sqlx_core::logger::QueryLogger;
use sqlx_core::sql_str::SqlStr;

use crate::error::to_sqlx;
use crate::row::Columns;
use crate::{
    ClickHouse, ClickHouseArguments, ClickHouseConnection, ClickHouseQueryResult, ClickHouseRow,
    ClickHouseStatement, ClickHouseTypeInfo,
};

/// The driver query for `sql` with `arguments` bound as `p1`, `p2`, ...
fn driver_sql(sql: &str, arguments: &Option<ClickHouseArguments>) -> Result<String, Error> {
    match arguments {
        Some(args) if !args.values.is_empty() => {
            let types: Vec<DataType> = args
                .values
                .iter()
                .map(|(_, t)| t.data_type().clone())
                .collect();
            clickhouse_connect::sql::bind_placeholders(sql, &types).map_err(to_sqlx)
        }
        _ => Ok(sql.to_owned()),
    }
}

/// One item of a statement's stream.
type Item = Result<Either<ClickHouseQueryResult, ClickHouseRow>, Error>;

/// What the stream of one statement is doing. It advances a block at a time: each step gives
/// the rows of one block (sharing it), and the last step the statement's result.
enum State<'c> {
    Start {
        conn: &'c mut ClickHouseConnection,
        sql: SqlStr,
        arguments: Option<ClickHouseArguments>,
    },
    Rows(Box<Rows<'c>>),
    Done,
}

struct Rows<'c> {
    /// When the statement ended well, the connection's last answer is now.
    last_answer: &'c mut std::time::Instant,
    stream: QueryStream<'c>,
    columns: Option<Arc<Columns>>,
    zone: Tz,
    logger: QueryLogger,
    returned: u64,
}

impl Rows<'_> {
    fn answered(&mut self) {
        *self.last_answer = std::time::Instant::now();
    }
}

impl<'c> State<'c> {
    async fn next(self) -> Option<(Vec<Item>, State<'c>)> {
        match self {
            State::Done => None,
            State::Start {
                conn,
                sql,
                arguments,
            } => {
                if let Err(e) = conn.settle_transaction().await {
                    return Some((vec![Err(e)], State::Done));
                }
                let logger = QueryLogger::new(sql.clone(), conn.log_settings.clone());
                let text = match driver_sql(sql.as_str(), &arguments) {
                    Ok(text) => text,
                    Err(e) => return Some((vec![Err(e)], State::Done)),
                };
                let ClickHouseConnection {
                    inner, last_answer, ..
                } = conn;
                let mut query = inner.query(text);
                for (i, (value, _)) in arguments.into_iter().flat_map(|a| a.values).enumerate() {
                    query = query.param(format!("p{}", i + 1), value);
                }
                match query.stream().await {
                    Ok(stream) => {
                        let zone = stream.default_zone();
                        let rows = Rows {
                            last_answer,
                            stream,
                            columns: None,
                            zone,
                            logger,
                            returned: 0,
                        };
                        Box::pin(State::Rows(Box::new(rows)).next()).await
                    }
                    Err(e) => Some((vec![Err(to_sqlx(e))], State::Done)),
                }
            }
            State::Rows(mut rows) => match rows.stream.next_block().await {
                Ok(Some(block)) => {
                    let columns = rows
                        .columns
                        .get_or_insert_with(|| Columns::of(&block))
                        .clone();
                    let block = Arc::new(block);
                    let items: Vec<Item> = (0..block.rows())
                        .map(|index| {
                            Ok(Either::Right(ClickHouseRow {
                                block: block.clone(),
                                index,
                                columns: columns.clone(),
                                zone: rows.zone,
                            }))
                        })
                        .collect();
                    for _ in 0..items.len() {
                        rows.logger.increment_rows_returned();
                    }
                    rows.returned += items.len() as u64;
                    Some((items, State::Rows(rows)))
                }
                Ok(None) => {
                    rows.answered();
                    let written = rows.stream.summary().written_rows;
                    rows.logger.increase_rows_affected(written);
                    let result = ClickHouseQueryResult {
                        rows_affected: written,
                        rows_returned: rows.returned,
                    };
                    Some((vec![Ok(Either::Left(result))], State::Done))
                }
                Err(e) => Some((vec![Err(to_sqlx(e))], State::Done)),
            },
        }
    }
}

impl<'c> Executor<'c> for &'c mut ClickHouseConnection {
    type Database = ClickHouse;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        mut query: E,
    ) -> BoxStream<'e, Result<Either<ClickHouseQueryResult, ClickHouseRow>, Error>>
    where
        'c: 'e,
        E: 'q + Execute<'q, ClickHouse>,
    {
        let arguments = match query.take_arguments() {
            Ok(arguments) => arguments,
            Err(e) => {
                return futures_util::stream::once(async move { Err(Error::Encode(e)) }).boxed();
            }
        };
        let sql = query.sql();
        let start = State::Start {
            conn: self,
            sql,
            arguments,
        };
        futures_util::stream::unfold(start, |state| state.next())
            .flat_map(futures_util::stream::iter)
            .boxed()
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxFuture<'e, Result<Option<ClickHouseRow>, Error>>
    where
        'c: 'e,
        E: 'q + Execute<'q, ClickHouse>,
    {
        let mut stream = self.fetch_many(query);
        Box::pin(async move {
            while let Some(item) = stream.try_next().await? {
                if let Either::Right(row) = item {
                    return Ok(Some(row));
                }
            }
            Ok(None)
        })
    }

    fn prepare_with<'e>(
        self,
        sql: SqlStr,
        _parameters: &'e [ClickHouseTypeInfo],
    ) -> BoxFuture<'e, Result<ClickHouseStatement, Error>>
    where
        'c: 'e,
    {
        Box::pin(async move {
            let (columns, parameters) = describe(self, sql.as_str()).await?;
            Ok(ClickHouseStatement {
                sql,
                columns,
                parameters,
            })
        })
    }

    fn describe<'e>(self, sql: SqlStr) -> BoxFuture<'e, Result<Describe<ClickHouse>, Error>>
    where
        'c: 'e,
    {
        Box::pin(async move {
            let (columns, parameters) = describe(self, sql.as_str()).await?;
            let nullable = columns
                .columns
                .iter()
                .map(|c| Some(c.type_info.data_type().is_nullable()))
                .collect();
            Ok(Describe {
                columns: columns.columns.clone(),
                parameters: Some(parameters),
                nullable,
            })
        })
    }
}

/// The result columns of `sql` as the server describes them (`DESCRIBE (...)`, parameters
/// replaced by values of their types), and its parameters: the `{name:Type}` ones with their
/// types, else the number of `?`/`$N` ones.
async fn describe(
    conn: &mut ClickHouseConnection,
    sql: &str,
) -> Result<(Arc<Columns>, Either<Vec<ClickHouseTypeInfo>, usize>), Error> {
    let named = clickhouse_connect::sql::parameter_placeholders(sql).map_err(to_sqlx)?;
    let (describable, positional) =
        clickhouse_connect::sql::without_parameters(sql).map_err(to_sqlx)?;
    let statement = describable.trim().trim_end_matches(';');
    let result = conn
        .inner
        .query(format!("DESCRIBE ({statement})"))
        .await
        .map_err(to_sqlx)?;
    let mut columns = Vec::new();
    for row in result.rows() {
        let name: String = row.get("name").map_err(to_sqlx)?;
        let type_text: String = row.get("type").map_err(to_sqlx)?;
        let data_type =
            DataType::parse(&type_text).map_err(|e| to_sqlx(clickhouse_connect::Error::from(e)))?;
        columns.push((name, data_type));
    }
    let columns = Columns::from_described(columns);
    let parameters = if named.is_empty() {
        Either::Right(positional)
    } else {
        Either::Left(
            named
                .into_iter()
                .map(|(_, t)| ClickHouseTypeInfo::new(t))
                .collect(),
        )
    };
    Ok((columns, parameters))
}
