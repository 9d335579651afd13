//! Server exceptions in HTTP responses: in an error body, and inside a stream that started well.
//!
//! Inside a 200 response the server writes: up to 24.x, the exception text appended to the data;
//! ≈25.x, a line `__exception__` then the text; 25.11+, `\r\n__exception__\r\n<TAG>\r\n<text>\n<len>
//! <TAG>\r\n__exception__\r\n`, with the tag announced in `X-ClickHouse-Exception-Tag`. The text
//! itself is parsed by [`ServerError::parse`].

use crate::error::{Error, ServerError};

/// The marker newer servers put around an exception inside a stream.
const MARKER: &[u8] = b"__exception__";

/// Parses an exception text; `None` if it is not one.
pub(crate) fn parse(text: &str) -> Option<Error> {
    ServerError::parse(text).map(Error::from)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Looks for an exception the server wrote into the body after data: the marked forms, or a
/// `Code: N. DB::Exception` text from the given position on.
pub(crate) fn find_in_stream(tail: &[u8], tag: Option<&str>) -> Option<Error> {
    if let Some(at) = find(tail, MARKER) {
        let mut body = &tail[at + MARKER.len()..];
        body = body
            .strip_prefix(b"\r\n")
            .or_else(|| body.strip_prefix(b"\n"))
            .unwrap_or(body);
        if let Some(tag) = tag {
            if let Some(rest) = body.strip_prefix(tag.as_bytes()) {
                body = rest.strip_prefix(b"\r\n").unwrap_or(rest);
            }
        }
        let text = String::from_utf8_lossy(body);
        if let Some(start) = text.find("Code: ") {
            let end = text[start..].find('\n').map_or(text.len(), |e| start + e);
            if let Some(error) = parse(&text[start..end]) {
                return Some(error);
            }
        }
    }
    let at = find(tail, b"Code: ")?;
    let text = String::from_utf8_lossy(&tail[at..]);
    let line = text.lines().next().unwrap_or_default();
    if line.contains("DB::Exception") {
        parse(line)
    } else {
        None
    }
}

/// An exception the server wrote at the end of a body that is passed through undecoded: the
/// marked form (exact where the server announced a tag), else a last line holding `Code: N. ...
/// DB::Exception` (older servers append the text to the data, which does not announce it).
pub(crate) fn find_at_end(tail: &[u8], tag: Option<&str>) -> Option<Error> {
    if let Some(tag) = tag {
        let mut marker = MARKER.to_vec();
        marker.extend_from_slice(b"\r\n");
        marker.extend_from_slice(tag.as_bytes());
        return find(tail, &marker).and_then(|_| find_in_stream(tail, Some(tag)));
    }
    if find(tail, MARKER).is_some() {
        return find_in_stream(tail, None);
    }
    let text = tail.strip_suffix(b"\n").unwrap_or(tail);
    let start = text.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    let line = String::from_utf8_lossy(&text[start..]);
    let at = line.find("Code: ")?;
    if line[at..].contains("DB::Exception") {
        parse(&line[at..])
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(e: Error) -> (i32, String, String) {
        let e = e.server().expect("a server error").clone();
        (e.code(), e.name, e.message)
    }

    #[test]
    fn finds_exceptions_inside_streams() {
        let tagged = b"\x01\x02data\r\n__exception__\r\nabcd1234\r\nCode: 395. DB::Exception: boom: while executing. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO) (version 26.9.2.1)\n123 abcd1234\r\n__exception__\r\n";
        let (code, name, message) = parts(find_in_stream(tagged, Some("abcd1234")).unwrap());
        assert_eq!(
            (code, name.as_str()),
            (395, "FUNCTION_THROW_IF_VALUE_IS_NON_ZERO")
        );
        assert_eq!(message, "boom: while executing");
        let plain = b"1\n2\nCode: 395, e.displayText() = DB::Exception: Value passed to 'throwIf' function is non zero, e.what() = DB::Exception\n";
        assert_eq!(parts(find_in_stream(plain, None).unwrap()).0, 395);
        assert!(find_in_stream(b"\x00\x01Code: nothing here", None).is_none());
    }

    #[test]
    fn finds_exceptions_at_the_end_of_passed_through_bodies() {
        let old = b"299998,0\n299999,0\nCode: 395, e.displayText() = DB::Exception: Value passed to 'throwIf' function is non zero, e.what() = DB::Exception\n";
        assert_eq!(parts(find_at_end(old, None).unwrap()).0, 395);
        let tagged = b"1\n2\n\r\n__exception__\r\nabcd1234\r\nCode: 395. DB::Exception: boom. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO) (version 26.9.2.1)\n92 abcd1234\r\n__exception__\r\n";
        assert_eq!(parts(find_at_end(tagged, Some("abcd1234")).unwrap()).0, 395);
        // Data that mentions an exception is data: not on the last line, or without the tag the
        // server announced.
        let data = b"\"Code: 1. DB::Exception: quoted\"\n2\n";
        assert!(find_at_end(data, None).is_none());
        assert!(find_at_end(old, Some("abcd1234")).is_none());
    }
}
