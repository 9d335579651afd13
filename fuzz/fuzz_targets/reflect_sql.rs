//! Reflection's parsers of the text a server sends about its tables: the `CREATE` statement it
//! keeps (`create_table_query`), `engine_full` (the engine and its clauses), an engine name with
//! its arguments, and key expressions. Each returns a value or an error, never panics, and an
//! engine prints as text that parses to the same engine.
//!
//! Input: a mode byte (which parser), then the text.

#![no_main]

use clickhouse_connect::fuzzing::{reflect_create_query, reflect_key_list, reflect_storage};
use clickhouse_connect::reflect::TableEngine;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match mode % 4 {
        0 => match reflect_create_query(text) {
            Ok(read) => std::hint::black_box(read),
            Err(e) => std::hint::black_box(format!("{e}")),
        },
        1 => match reflect_storage(text) {
            Ok(read) => std::hint::black_box(read),
            Err(e) => std::hint::black_box(format!("{e}")),
        },
        2 => {
            if let Ok(engine) = TableEngine::parse(text) {
                let printed = engine.to_sql();
                let again = TableEngine::parse(&printed).unwrap_or_else(|e| {
                    panic!("{text:?} prints as {printed:?}, which does not parse: {e}")
                });
                assert_eq!(
                    again.to_sql(),
                    printed,
                    "printing is not stable for {text:?}"
                );
            }
            return;
        }
        _ => {
            std::hint::black_box(reflect_key_list(text));
            return;
        }
    };
});
