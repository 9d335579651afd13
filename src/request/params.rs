//! Rendering values as server-side query parameters (`{name:Type}`).
//!
//! The server reads a parameter's text with the type's *escaped* text parser (the TSV form):
//! top-level strings are raw text with backslash escapes; inside arrays, tuples and maps,
//! strings are single-quoted literals. `NULL` is `\N`. Date-times are sent as Unix seconds (with
//! a fraction for sub-second precision), which the server reads as an instant whatever its zone.

use std::fmt::Write;

use crate::value::Value;

/// Escapes a string for the escaped text form (`\\`, `\t`, `\n`, ... and, when quoted, `\'`).
fn escape(out: &mut String, bytes: &[u8], quoted: bool) {
    let text = String::from_utf8_lossy(bytes);
    if quoted {
        out.push('\'');
    }
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\'' if quoted => out.push_str("\\'"),
            c => out.push(c),
        }
    }
    if quoted {
        out.push('\'');
    }
}

fn render_into(out: &mut String, value: &Value, nested: bool) {
    match value {
        Value::Null => out.push_str(if nested { "NULL" } else { "\\N" }),
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
            out.push('{');
            for (i, (k, v)) in pairs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render_into(out, k, true);
                out.push_str(": ");
                render_into(out, v, true);
            }
            out.push('}');
        }
        Value::Float32(f) if f.is_nan() => out.push_str("nan"),
        Value::Float64(f) if f.is_nan() => out.push_str("nan"),
        Value::Float32(f) if f.is_infinite() => out.push_str(if *f > 0.0 { "inf" } else { "-inf" }),
        Value::Float64(f) if f.is_infinite() => out.push_str(if *f > 0.0 { "inf" } else { "-inf" }),
        other => {
            let _ = write!(out, "{other}");
        }
    }
}

fn quoted_if(out: &mut String, quoted: bool, text: &str) {
    if quoted {
        out.push('\'');
        out.push_str(text);
        out.push('\'');
    } else {
        out.push_str(text);
    }
}

fn list<'a>(out: &mut String, open: &str, close: &str, items: impl Iterator<Item = &'a Value>) {
    out.push_str(open);
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        render_into(out, item, true);
    }
    out.push_str(close);
}

/// The text a server-side parameter carries for `value`.
pub(crate) fn render(value: &Value) -> String {
    let mut out = String::new();
    render_into(&mut out, value, false);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_escaped_text_form() {
        assert_eq!(render(&Value::from("a\tb\\c'd")), "a\\tb\\\\c'd");
        assert_eq!(render(&Value::Null), "\\N");
        assert_eq!(render(&Value::from(-5i32)), "-5");
        assert_eq!(render(&Value::array(["x'y", "z"])), "['x\\'y', 'z']");
        assert_eq!(
            render(&Value::Tuple(vec![
                Value::from(1u8),
                Value::Null,
                Value::from("s")
            ])),
            "(1, NULL, 's')"
        );
        assert_eq!(
            render(&Value::Map(vec![(Value::from("k"), Value::from(2u64))])),
            "{'k': 2}"
        );
        assert_eq!(render(&Value::Float64(f64::NEG_INFINITY)), "-inf");
    }
}
