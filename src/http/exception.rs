//! Server exceptions in HTTP responses: in an error body, and inside a stream that started well.
//!
//! Forms the server uses:
//! - 20.x and newer: `Code: 60. DB::Exception: <message>. (UNKNOWN_TABLE) (version 26.9.2.1)`
//! - 18.x / 19.x: `Code: 60, e.displayText() = DB::Exception: <message>, e.what() = DB::Exception`
//! - inside a 200 response, ≤ 24.x: the text above appended to the data;
//!   ≈25.x: a line `__exception__` then the text; 25.11+: `\r\n__exception__\r\n<TAG>\r\n<text>\n<len>
//!   <TAG>\r\n__exception__\r\n`, with the tag announced in `X-ClickHouse-Exception-Tag`.

use crate::error::Error;

/// The marker newer servers put around an exception inside a stream.
const MARKER: &[u8] = b"__exception__";

/// Parses an exception text; `None` if it is not one.
pub(crate) fn parse(text: &str) -> Option<Error> {
    let text = text.trim();
    let rest = text.strip_prefix("Code: ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let code: i32 = rest[..digits].parse().ok()?;
    let rest = &rest[digits..];
    let rest = rest
        .strip_prefix(". ")
        .or_else(|| rest.strip_prefix(", e.displayText() = "))
        .unwrap_or(rest);
    let mut message = rest
        .strip_prefix("DB::Exception: ")
        .unwrap_or(rest)
        .trim_end()
        .to_owned();
    // 18.x: `..., e.what() = DB::Exception`.
    if let Some(cut) = message.rfind(", e.what() = ") {
        message.truncate(cut);
    }
    // 20.x+: `... (NAME) (version X)`.
    let mut server_version = None;
    if let Some(open) = message.rfind(" (version ") {
        if message.ends_with(')') {
            server_version = Some(message[open + 10..message.len() - 1].to_owned());
            message.truncate(open);
        }
    }
    let mut name = String::new();
    if message.ends_with(')') {
        if let Some(open) = message.rfind(" (") {
            let candidate = &message[open + 2..message.len() - 1];
            if !candidate.is_empty()
                && candidate
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            {
                name = candidate.to_owned();
                message.truncate(open);
            }
        }
    }
    let message = message.trim_end_matches('.').to_owned();
    Some(Error::Server {
        code,
        name,
        message,
        server_version,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(e: Error) -> (i32, String, String, Option<String>) {
        match e {
            Error::Server {
                code,
                name,
                message,
                server_version,
            } => (code, name, message, server_version),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_the_26_form() {
        let e = parse("Code: 60. DB::Exception: Unknown table expression identifier 'x' in scope SELECT * FROM x. (UNKNOWN_TABLE) (version 26.9.2.1)\n").unwrap();
        assert_eq!(
            parts(e),
            (
                60,
                "UNKNOWN_TABLE".into(),
                "Unknown table expression identifier 'x' in scope SELECT * FROM x".into(),
                Some("26.9.2.1".into())
            )
        );
    }

    #[test]
    fn parses_the_18_form() {
        let e = parse("Code: 60, e.displayText() = DB::Exception: Table default.x doesn't exist., e.what() = DB::Exception\n").unwrap();
        assert_eq!(
            parts(e),
            (
                60,
                String::new(),
                "Table default.x doesn't exist".into(),
                None
            )
        );
    }

    #[test]
    fn finds_exceptions_inside_streams() {
        let tagged = b"\x01\x02data\r\n__exception__\r\nabcd1234\r\nCode: 395. DB::Exception: boom: while executing. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO) (version 26.9.2.1)\n123 abcd1234\r\n__exception__\r\n";
        let (code, name, message, _) = parts(find_in_stream(tagged, Some("abcd1234")).unwrap());
        assert_eq!(
            (code, name.as_str()),
            (395, "FUNCTION_THROW_IF_VALUE_IS_NON_ZERO")
        );
        assert_eq!(message, "boom: while executing");
        let plain = b"1\n2\nCode: 395, e.displayText() = DB::Exception: Value passed to 'throwIf' function is non zero, e.what() = DB::Exception\n";
        assert_eq!(parts(find_in_stream(plain, None).unwrap()).0, 395);
        assert!(find_in_stream(b"\x00\x01Code: nothing here", None).is_none());
    }
}
