//! The client's readers of SQL text: `?`/`$N` placeholders bound as server-side parameters, the
//! `{name:Type}` placeholders listed, an INSERT's inline data found, and `VALUES` text read into
//! a block (what the native transport does with an INSERT's inline data before ClickHouse 26.5),
//! with parameters. Each returns a value or an error, never panics; a block read is read cell by
//! cell and written back.
//!
//! Input: a mode byte, then the text. For `VALUES` (mode 3) the text is the column types, one a
//! line up to a blank line, then the data.

#![no_main]

use clickhouse_connect::DataType;
use clickhouse_connect::fuzzing::{inline_insert, read_values};
use clickhouse_connect::sql::{bind_placeholders, parameter_placeholders, without_parameters};
use clickhouse_connect_fuzz::{read_every_cell, reencode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match mode % 4 {
        0 => {
            let types = [DataType::String, DataType::UInt64];
            let _ = std::hint::black_box(bind_placeholders(text, &types));
            let _ = std::hint::black_box(without_parameters(text));
        }
        1 => {
            let _ = std::hint::black_box(parameter_placeholders(text));
        }
        2 => {
            if let Some((head, format, data)) = inline_insert(text) {
                // The statement is cut in two: its head, then its data.
                assert_eq!(
                    format!("{head}{data}"),
                    text,
                    "head and data are not the statement"
                );
                assert!(!format.is_empty());
            }
        }
        _ => {
            let (types, data) = text.split_once("\n\n").unwrap_or(("String", text));
            let targets: Vec<(String, DataType)> = types
                .lines()
                .take(16)
                .enumerate()
                .filter_map(|(i, t)| DataType::parse(t).ok().map(|t| (format!("c{i}"), t)))
                .collect();
            if targets.is_empty() {
                return;
            }
            let params = [
                ("s".to_owned(), b"a\\tb'c".to_vec()),
                ("n".to_owned(), b"42".to_vec()),
                ("b".to_owned(), vec![0, 0xff]),
            ];
            if let Ok(block) = read_values(data, &targets, &params) {
                read_every_cell(&block);
                reencode(&block, 54460);
            }
        }
    }
});
