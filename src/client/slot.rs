//! Where a request runs: a [`Target`] (a client, which checks out a connection per request, or
//! a caller's [`Connection`]) gives a [`Slot`] holding the link, and deadlines apply to each step.

use std::future::Future;
use std::time::{Duration, Instant};

use super::{Client, Connection};
use crate::error::{Error, Result};
use crate::request::{Link, QueryRequest};

/// What a request builder runs on.
pub(crate) enum Target<'a> {
    /// A connection checked out for the request (a session's, if the request names one).
    Client(Client),
    /// The caller's connection.
    Connection(&'a mut Connection),
}

impl<'a> Target<'a> {
    pub(crate) fn client(&self) -> &Client {
        match self {
            Target::Client(client) => client,
            Target::Connection(connection) => connection.client(),
        }
    }

    /// How many links the request may try: more than one only for a client of several hosts
    /// (a caller's connection stays on its host) and a request safe to repeat.
    pub(crate) fn attempts(&self, request: &QueryRequest, safe_by_default: bool) -> usize {
        match self {
            Target::Client(client) if request.idempotent.unwrap_or(safe_by_default) => {
                client.host_count().max(1)
            }
            _ => 1,
        }
    }

    /// The target of a further attempt (only a client target makes more than one).
    pub(crate) fn again(&self) -> Option<Target<'static>> {
        match self {
            Target::Client(client) => Some(Target::Client(client.clone())),
            Target::Connection(_) => None,
        }
    }

    /// The link the request runs on.
    pub(crate) async fn slot(self, request: &QueryRequest) -> Result<Slot<'a>> {
        match self {
            Target::Client(client) => Ok(Slot::Owned(Some(
                client.connect(request.session_id.as_deref()).await?,
            ))),
            Target::Connection(connection) => Ok(Slot::Borrowed(connection.link_mut())),
        }
    }
}

/// A link, owned for one request or borrowed from a [`Connection`].
///
/// An owned link dropped with an answer under way is handed to the runtime to stop the server's
/// work and bring the connection back in sync; a borrowed one does that before its next request
/// (or when its [`Connection`] is dropped).
pub(crate) enum Slot<'a> {
    Owned(Option<Box<dyn Link>>),
    Borrowed(&'a mut Box<dyn Link>),
}

impl Slot<'_> {
    pub(crate) fn link_ref(&self) -> &dyn Link {
        match self {
            Slot::Owned(link) => link
                .as_deref()
                .expect("an owned link is present until dropped"),
            Slot::Borrowed(link) => link.as_ref(),
        }
    }

    pub(crate) fn link(&mut self) -> &mut (dyn Link + 'static) {
        match self {
            Slot::Owned(link) => link
                .as_deref_mut()
                .expect("an owned link is present until dropped"),
            Slot::Borrowed(link) => link.as_mut(),
        }
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if let Slot::Owned(link) = self {
            if let Some(link) = link.take() {
                let_go(link);
            }
        }
    }
}

/// Lets a link go: at once if it is in sync, else after stopping what is under way (on the
/// runtime; without one the connection is closed, which stops a native query too).
pub(crate) fn let_go(link: Box<dyn Link>) {
    if !link.is_busy() {
        return;
    }
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        handle.spawn(link.abandon());
    }
}

/// Runs an attempt of a request (`$attempt`, an expression that may use `$current`, the
/// [`Target`] of this attempt) until it succeeds, fails in a way another host cannot help, or
/// `$count` attempts are spent; `$before_retry` runs before each further attempt.
macro_rules! attempts {
    ($target:expr, $count:expr, |$current:ident| $attempt:expr $(, before_retry $before:block)?) => {{
        let count: usize = $count;
        let mut target = Some($target);
        let mut attempt = 0usize;
        loop {
            attempt += 1;
            let $current = target.take().expect("a target for every attempt");
            let next = $current.again();
            match $attempt {
                Err(e) if attempt < count && $crate::client::slot::may_retry(&e) => {
                    $($before)?
                    target = next;
                }
                other => break other,
            }
        }
    }};
}

pub(crate) use attempts;

/// Whether a failed attempt may go to another host: the connection failed (refused, reset,
/// TLS or handshake failure) before an answer came.
pub(crate) fn may_retry(error: &Error) -> bool {
    error.is_connect_failure()
}

/// The instant a request must be done by, and the limit it came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    at: Instant,
    limit: Duration,
}

impl Deadline {
    /// The request's own timeout, else the client's.
    pub(crate) fn of(client: &Client, request: &QueryRequest) -> Option<Deadline> {
        request
            .timeout
            .or(client.options().request_timeout)
            .map(|limit| Deadline {
                at: Instant::now() + limit,
                limit,
            })
    }

    /// Runs `step`, or fails when the deadline passes (the step is dropped then, and its link
    /// is left busy for the caller to let go).
    pub(crate) async fn run<T>(
        deadline: Option<Deadline>,
        what: &str,
        step: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        match deadline {
            None => step.await,
            Some(d) => match tokio::time::timeout_at(d.at.into(), step).await {
                Ok(result) => result,
                Err(_) => Err(Error::timeout(format!(
                    "{what} did not finish within {:?}",
                    d.limit
                ))),
            },
        }
    }
}
