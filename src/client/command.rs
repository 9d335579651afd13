//! `Client::command`: statements that return no rows.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use super::options::request_options;
use super::slot::{Deadline, Target};
use super::trace::Traced;
use crate::error::Result;
use crate::request::{CommandResult, QueryRequest};
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
        let result = async {
            let mut slot = Deadline::run(deadline, "connecting", target.slot(&request)).await?;
            Deadline::run(deadline, "the command", slot.link().command(&mut request)).await
        }
        .instrument(traced.span.clone())
        .await;
        traced.done(&result);
        result
    }
}

impl<'a> IntoFuture for Command<'a> {
    type Output = Result<CommandResult>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
