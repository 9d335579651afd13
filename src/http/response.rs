//! A response body as it arrives: HTTP decoding (reqwest), then ClickHouse frames, then bytes
//! for the block reader; an exception the server wrote into the stream is found and reported.

use bytes::{Bytes, BytesMut};
use chrono_tz::Tz;

use super::exception;
use super::transport::transport_error;
use crate::compression::FrameDecoder;
use crate::error::{Error, Result};
use crate::request::Summary;

/// How many bytes of a body to keep for finding a trailing exception.
const TAIL: usize = 64 * 1024;

/// The last bytes of a body received so far: at least the last [`TAIL`] of them (all of them
/// while there are fewer), at most twice that.
#[derive(Default)]
struct Tail(Vec<u8>);

impl Tail {
    /// Adds the next piece of the body. A piece at least as long as [`TAIL`] replaces what
    /// was kept, and only its last `TAIL` bytes are copied: the body is not copied whole.
    fn push(&mut self, piece: &[u8]) {
        if piece.len() >= TAIL {
            self.0.clear();
            self.0.extend_from_slice(&piece[piece.len() - TAIL..]);
            return;
        }
        self.0.extend_from_slice(piece);
        if self.0.len() > 2 * TAIL {
            self.0.drain(..self.0.len() - TAIL);
        }
    }
}

/// A successful (2xx) response whose body is read chunk by chunk.
pub(crate) struct HttpResponse {
    response: reqwest::Response,
    frames: Option<(FrameDecoder, BytesMut)>,
    summary: Option<Summary>,
    query_id: Option<String>,
    exception_tag: Option<String>,
    default_zone: Tz,
    /// The last bytes received (before frame decoding), for exception search.
    tail: Tail,
    finished: bool,
    /// `host:port`, for messages.
    authority: String,
}

impl HttpResponse {
    pub(crate) fn new(
        response: reqwest::Response,
        framed: bool,
        default_zone: Tz,
        authority: String,
    ) -> Self {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let summary = header("X-ClickHouse-Summary").and_then(|s| Summary::from_json(&s));
        HttpResponse {
            query_id: header("X-ClickHouse-Query-Id"),
            exception_tag: header("X-ClickHouse-Exception-Tag"),
            summary,
            default_zone,
            frames: framed.then(|| (FrameDecoder::new(), BytesMut::new())),
            response,
            tail: Tail::default(),
            finished: false,
            authority,
        }
    }

    /// The summary the server sent with the headers (servers before ≈20.x send none).
    pub(crate) fn summary(&self) -> Option<Summary> {
        self.summary
    }

    /// Whether the whole body has arrived.
    pub(crate) fn is_finished(&self) -> bool {
        self.finished
    }

    /// The query id the server reported.
    pub(crate) fn query_id(&self) -> Option<&str> {
        self.query_id.as_deref()
    }

    /// The zone for `DateTime` columns that name none: the server's.
    pub(crate) fn default_zone(&self) -> Tz {
        self.default_zone
    }

    /// An exception written into the stream, if the received bytes hold one.
    pub(crate) fn exception_in(&self, bytes: &[u8]) -> Option<Error> {
        exception::find_in_stream(bytes, self.exception_tag.as_deref())
            .or_else(|| exception::find_in_stream(&self.tail.0, self.exception_tag.as_deref()))
    }

    /// An exception the server wrote at the end of a body read undecoded, once it has ended.
    pub(crate) fn exception_at_end(&self) -> Option<Error> {
        exception::find_at_end(&self.tail.0, self.exception_tag.as_deref())
    }

    /// The next piece of the (decompressed) body, `None` at its end.
    pub(crate) async fn next_chunk(&mut self) -> Result<Option<Bytes>> {
        loop {
            if let Some((decoder, buffer)) = &mut self.frames {
                match decoder.decode(buffer) {
                    Ok(Some(data)) => return Ok(Some(Bytes::from(data))),
                    Ok(None) => {}
                    Err(e) => return Err(self.exception_in(&[]).unwrap_or(e)),
                }
            }
            if self.finished {
                if let Some((_, buffer)) = &self.frames {
                    if !buffer.is_empty() {
                        let cut = Error::compression(format!(
                            "the response ended inside a compressed frame ({} bytes of it arrived)",
                            buffer.len()
                        ));
                        return Err(self.exception_in(&[]).unwrap_or(cut));
                    }
                }
                return Ok(None);
            }
            match self.response.chunk().await {
                Ok(Some(chunk)) => {
                    self.tail.push(&chunk);
                    match &mut self.frames {
                        Some((_, buffer)) => buffer.extend_from_slice(&chunk),
                        None => return Ok(Some(chunk)),
                    }
                }
                Ok(None) => self.finished = true,
                Err(e) => {
                    self.finished = true;
                    if let Some(exception) = self.exception_in(&[]) {
                        return Err(exception);
                    }
                    return Err(if e.is_timeout() {
                        transport_error(e, &self.authority)
                    } else {
                        Error::connection(format!("the response from {} broke off", self.authority))
                            .with_source(e.without_url())
                    });
                }
            }
        }
    }

    /// The whole body as text (for commands).
    pub(crate) async fn text(self) -> Result<String> {
        self.text_at_most(usize::MAX).await
    }

    /// The body as text, up to `max` bytes (for the small answers the client asks for itself:
    /// the rest is not waited for).
    pub(crate) async fn text_at_most(mut self, max: usize) -> Result<String> {
        let mut bytes = Vec::new();
        while let Some(chunk) = self.next_chunk().await? {
            let room = max - bytes.len();
            if chunk.len() >= room {
                bytes.extend_from_slice(&chunk[..room]);
                break;
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the pieces' sizes, the tail ends with the body's last bytes: all of them
    /// while there are fewer than `TAIL`, at least `TAIL` of them after, never more than
    /// twice that.
    #[test]
    fn the_tail_keeps_the_last_bytes_of_the_body() {
        let body: Vec<u8> = (0..5 * TAIL as u32 + 77).map(|i| (i % 251) as u8).collect();
        for sizes in [
            vec![1, 100, TAIL - 1, 3],
            vec![TAIL],
            vec![TAIL + 1, 10],
            vec![3 * TAIL, 7, 2 * TAIL],
            vec![4096],
        ] {
            let mut tail = Tail::default();
            let mut at = 0;
            for size in sizes.iter().cycle() {
                if at == body.len() {
                    break;
                }
                let end = (at + size).min(body.len());
                tail.push(&body[at..end]);
                at = end;
                let kept = tail.0.len();
                assert!(
                    kept >= end.min(TAIL) && kept <= 2 * TAIL,
                    "{sizes:?}: {kept}"
                );
                assert_eq!(tail.0, body[end - kept..end], "{sizes:?}");
            }
        }
    }
}
