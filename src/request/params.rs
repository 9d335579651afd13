//! Rendering values as server-side query parameters (`{name:Type}`).
//!
//! The server reads a parameter's text with the type's *escaped* text parser (the TSV form):
//! top-level strings are raw text with backslash escapes; inside arrays, tuples and maps,
//! strings are single-quoted literals. `NULL` is `\N`. Date-times are sent as Unix seconds (with
//! a fraction for sub-second precision), which the server reads as an instant whatever its zone.
//!
//! The text is bytes: a `String` value need not be UTF-8, and its bytes travel exactly (escaping
//! touches only ASCII bytes, so UTF-8 stays intact and other bytes pass through).

use std::io::Write;

use crate::value::Value;

/// Escapes a string for the escaped text form (`\\`, `\t`, `\n`, ... and, when quoted, `\'`).
fn escape(out: &mut Vec<u8>, bytes: &[u8], quoted: bool) {
    if quoted {
        out.push(b'\'');
    }
    for &b in bytes {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0 => out.extend_from_slice(b"\\0"),
            8 => out.extend_from_slice(b"\\b"),
            12 => out.extend_from_slice(b"\\f"),
            b'\'' if quoted => out.extend_from_slice(b"\\'"),
            b => out.push(b),
        }
    }
    if quoted {
        out.push(b'\'');
    }
}

fn render_into(out: &mut Vec<u8>, value: &Value, nested: bool) {
    match value {
        Value::Null => out.extend_from_slice(if nested { b"NULL" } else { b"\\N" }),
        Value::Typed(typed) => render_into(out, &typed.value, nested),
        Value::String(bytes) => escape(out, bytes, nested),
        Value::Enum(label, _) => escape(out, label.as_bytes(), nested),
        Value::Date(d) => quoted_if(out, nested, &d.to_string()),
        Value::DateTime(dt) => {
            let nanos = dt.timestamp_subsec_nanos();
            let text = if nanos == 0 {
                dt.timestamp().to_string()
            } else {
                format!("{}.{:09}", dt.timestamp(), nanos)
                    .trim_end_matches('0')
                    .to_owned()
            };
            quoted_if(out, nested, &text);
        }
        Value::Uuid(u) => quoted_if(out, nested, &u.to_string()),
        Value::Ipv4(ip) => quoted_if(out, nested, &ip.to_string()),
        Value::Ipv6(ip) => quoted_if(out, nested, &ip.to_string()),
        Value::Array(items) => list(out, "[", "]", items.iter()),
        Value::Tuple(items) => list(out, "(", ")", items.iter()),
        Value::Map(pairs) => {
            out.push(b'{');
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.extend_from_slice(b", ");
                }
                render_into(out, k, true);
                out.extend_from_slice(b": ");
                render_into(out, v, true);
            }
            out.push(b'}');
        }
        Value::Float32(f) if f.is_nan() => out.extend_from_slice(b"nan"),
        Value::Float64(f) if f.is_nan() => out.extend_from_slice(b"nan"),
        Value::Float32(f) if f.is_infinite() => {
            out.extend_from_slice(if *f > 0.0 { b"inf" } else { b"-inf" })
        }
        Value::Float64(f) if f.is_infinite() => {
            out.extend_from_slice(if *f > 0.0 { b"inf" } else { b"-inf" })
        }
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

fn quoted_if(out: &mut Vec<u8>, quoted: bool, text: &str) {
    if quoted {
        out.push(b'\'');
        out.extend_from_slice(text.as_bytes());
        out.push(b'\'');
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

fn list<'a>(out: &mut Vec<u8>, open: &str, close: &str, items: impl Iterator<Item = &'a Value>) {
    out.extend_from_slice(open.as_bytes());
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        render_into(out, item, true);
    }
    out.extend_from_slice(close.as_bytes());
}

/// The text a server-side parameter carries for `value`: bytes, exactly those of its strings.
pub(crate) fn render(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    render_into(&mut out, value, false);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &Value) -> String {
        String::from_utf8(render(value)).unwrap()
    }

    #[test]
    fn renders_the_escaped_text_form() {
        assert_eq!(text(&Value::from("a\tb\\c'd")), "a\\tb\\\\c'd");
        assert_eq!(text(&Value::Null), "\\N");
        assert_eq!(text(&Value::from(-5i32)), "-5");
        assert_eq!(text(&Value::array(["x'y", "z"])), "['x\\'y', 'z']");
        assert_eq!(
            text(&Value::Tuple(vec![
                Value::from(1u8),
                Value::Null,
                Value::from("s")
            ])),
            "(1, NULL, 's')"
        );
        assert_eq!(
            text(&Value::Map(vec![(Value::from("k"), Value::from(2u64))])),
            "{'k': 2}"
        );
        assert_eq!(text(&Value::Float64(f64::NEG_INFINITY)), "-inf");
        assert_eq!(text(&Value::from("é\u{1F600}")), "é\u{1F600}");
    }

    #[test]
    fn bytes_that_are_not_utf8_travel_exactly() {
        // Issue 20: they were replaced with U+FFFD.
        assert_eq!(
            render(&Value::String(vec![0xFF, b'a', 0xFE])),
            [0xFF, b'a', 0xFE]
        );
        assert_eq!(
            render(&Value::array([Value::String(vec![0x80, b'\''])])),
            b"['\x80\\'']"
        );
    }
}
