//! [`RowStream`]: a query's rows as typed values, decoded a block at a time.

use std::future::Future;
use std::ops::Range;
use std::pin::Pin;
use std::task::{Context, Poll};

use chrono_tz::Tz;
use futures_util::Stream;

use super::query::QueryStream;
use crate::error::{Error, Result};
use crate::native::Block;

/// Decodes rows of a block (the range given), stopping at the first row that fails (its
/// error is returned beside the rows before it).
pub(super) type DecodeRows<T> = fn(&Block, Tz, Range<usize>) -> (Vec<T>, Option<Error>);

/// The most rows decoded at once: a block's rows are handed out a batch at a time, so that
/// the decoded rows take little memory beside the block and are still in the cache when the
/// caller takes them.
const BATCH: usize = 4096;

type NextBlock<'a> =
    Pin<Box<dyn Future<Output = (Box<QueryStream<'a>>, Result<Option<Block>>)> + Send + 'a>>;

/// The rows of a query as `T`, from [`Query::fetch_stream`](super::Query::fetch_stream).
///
/// The rows of each block are decoded a batch of a few thousand at a time and handed out one
/// by one without touching the connection, so memory stays around a block or two (the one
/// being read, and over HTTP the next one, decoded ahead) whatever the result's size. The
/// stream is `Unpin`: `stream.next().await` works without pinning it. A row that cannot be
/// decoded ends the stream with its error, after the rows before it.
/// Dropping the stream before its end stops the server's work as dropping a
/// [`QueryStream`] does.
pub struct RowStream<'a, T> {
    state: State<'a>,
    rows: std::vec::IntoIter<T>,
    failed: Option<Error>,
    decode: DecodeRows<T>,
}

enum State<'a> {
    /// A block whose rows from `next` on are still to be decoded.
    Holding {
        stream: Box<QueryStream<'a>>,
        block: Block,
        next: usize,
    },
    /// Waiting for the caller to want the next block.
    Idle(Box<QueryStream<'a>>),
    /// Reading the next block.
    Reading(NextBlock<'a>),
    /// The result ended, or failed.
    Done,
}

impl<'a, T> RowStream<'a, T> {
    pub(super) fn new(stream: QueryStream<'a>, decode: DecodeRows<T>) -> Self {
        RowStream {
            state: State::Idle(Box::new(stream)),
            rows: Vec::new().into_iter(),
            failed: None,
            decode,
        }
    }
}

// No field is structurally pinned: the block future is boxed, the rows are plain values.
impl<T> Unpin for RowStream<'_, T> {}

impl<'a, T> Stream for RowStream<'a, T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        let this = self.get_mut();
        loop {
            if let Some(row) = this.rows.next() {
                return Poll::Ready(Some(Ok(row)));
            }
            if let Some(error) = this.failed.take() {
                this.state = State::Done;
                return Poll::Ready(Some(Err(error)));
            }
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Holding {
                    mut stream,
                    block,
                    next,
                } => {
                    if next == block.rows() {
                        stream.recycle(block);
                        this.state = State::Idle(stream);
                        continue;
                    }
                    let end = block.rows().min(next + BATCH);
                    let (rows, failed) = (this.decode)(&block, stream.default_zone(), next..end);
                    this.rows = rows.into_iter();
                    this.failed = failed;
                    this.state = State::Holding {
                        stream,
                        block,
                        next: end,
                    };
                }
                State::Idle(mut stream) => {
                    this.state = State::Reading(Box::pin(async move {
                        let block = stream.next_block().await;
                        (stream, block)
                    }));
                }
                State::Reading(mut next) => match next.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Reading(next);
                        return Poll::Pending;
                    }
                    Poll::Ready((stream, Ok(Some(block)))) => {
                        this.state = State::Holding {
                            stream,
                            block,
                            next: 0,
                        };
                    }
                    Poll::Ready((_, Ok(None))) => return Poll::Ready(None),
                    Poll::Ready((_, Err(error))) => return Poll::Ready(Some(Err(error))),
                },
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.state {
            State::Done => (self.rows.len(), Some(self.rows.len() + 1)),
            _ => (self.rows.len(), None),
        }
    }
}
