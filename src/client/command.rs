//! `Client::command`: statements that return no rows.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use super::options::request_options;
use super::slot::{Deadline, Target, attempts};
use super::trace::Traced;
use crate::error::Result;
use crate::error::ServerError;
use crate::request::{CommandResult, HostOutcome, QueryRequest};
use tracing::Instrument;

/// A statement waiting to be sent; set options, then `.await` it.
#[must_use = "a command does nothing until it is awaited"]
pub struct Command<'a> {
    target: Target<'a>,
    request: QueryRequest,
}

request_options!(Command);

impl<'a> Command<'a> {
    pub(crate) fn new(target: Target<'a>, sql: String) -> Self {
        Command {
            target,
            request: QueryRequest::new(sql),
        }
    }

    async fn run(self) -> Result<CommandResult> {
        let Command {
            target,
            mut request,
        } = self;
        let traced = Traced::new("command", target.client(), &request);
        let deadline = Deadline::of(target.client(), &request);
        // A command may write: it goes to another host only when marked idempotent.
        let attempts = target.attempts(&request, false);
        let result = async {
            attempts!(target, attempts, |current| {
                async {
                    let mut slot =
                        Deadline::run(deadline, "connecting", current.slot(&request)).await?;
                    Deadline::run(deadline, "the command", slot.link().command(&mut request)).await
                }
                .await
            })
        }
        .instrument(traced.span.clone())
        .await;
        let result = result.and_then(|done| on_cluster_outcomes(&request.sql, done));
        traced.done(&result);
        result
    }
}

/// For an `ON CLUSTER` statement, the hosts' outcomes from the answer; a host that failed
/// fails the command, named.
fn on_cluster_outcomes(sql: &str, mut done: CommandResult) -> Result<CommandResult> {
    if !crate::sql::is_on_cluster(sql) {
        return Ok(done);
    }
    let Some(hosts) = HostOutcome::parse_all(&done.output) else {
        return Ok(done);
    };
    if let Some(failed) = hosts.iter().find(|h| h.status != 0) {
        let mut error = ServerError::parse(&failed.error)
            .unwrap_or_else(|| ServerError::new(failed.status, failed.error.clone()));
        error.message = format!("on {}:{}: {}", failed.host, failed.port, error.message);
        return Err(error.into());
    }
    done.hosts = hosts;
    Ok(done)
}

impl<'a> IntoFuture for Command<'a> {
    type Output = Result<CommandResult>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_cluster_answers_become_host_outcomes() {
        let done = |output: &str| CommandResult {
            summary: Default::default(),
            query_id: "q".into(),
            output: output.into(),
            hosts: Vec::new(),
        };
        let ok = on_cluster_outcomes(
            "CREATE TABLE t ON CLUSTER c (x UInt8) ENGINE = Memory",
            done("h1\t9000\t0\t\t1\t0\nh2\t9000\t0\t\t0\t0"),
        )
        .unwrap();
        assert_eq!(ok.hosts.len(), 2);
        assert_eq!((ok.hosts[1].host.as_str(), ok.hosts[1].port), ("h2", 9000));
        let err = on_cluster_outcomes(
            "DROP TABLE t ON CLUSTER c",
            done("h1\t9000\t0\t\t1\t0\nh2\t9001\t60\tCode: 60. DB::Exception: Table t does not exist. (UNKNOWN_TABLE)\t0\t0"),
        )
        .unwrap_err();
        assert_eq!(err.server_code(), Some(60));
        assert!(
            err.to_string()
                .contains("on h2:9001: Table t does not exist"),
            "{err}"
        );
        // Not ON CLUSTER (the words in a string do not count): the answer is left as it is.
        let plain = on_cluster_outcomes("SELECT 'ON CLUSTER'", done("h\t1\t2\tx")).unwrap();
        assert!(plain.hosts.is_empty());
    }
}
