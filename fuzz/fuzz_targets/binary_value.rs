//! The binary type and value decoders (`Dynamic` values, `JSON` shared data and RowBinary
//! values use them). Mode 0: a `Dynamic` value (a binary type, then a value of it). Mode 1: a
//! type string up to the first zero byte, then a RowBinary value of that type. Mode 2: a
//! binary type alone, which must encode back to a type that decodes the same. Each value read
//! is pushed back into a column of its type and read again.

#![no_main]

use chrono_tz::Tz;
use clickhouse_connect::{Column, DataType, Value};
use libfuzzer_sys::fuzz_target;

fn exercise(data_type: &DataType, value: &Value) {
    std::hint::black_box(format!("{value} {value:?}"));
    if let Ok(mut column) = Column::empty(data_type.clone()) {
        if column.push_value(value).is_ok() {
            std::hint::black_box(column.value(0, Tz::UTC));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        0 => {
            if let Ok((data_type, value)) = Value::from_dynamic_binary(rest, Tz::UTC) {
                exercise(&data_type, &value);
            }
        }
        1 => {
            let Some(split) = rest.iter().position(|&b| b == 0) else {
                return;
            };
            let Ok(text) = std::str::from_utf8(&rest[..split]) else {
                return;
            };
            let Ok(data_type) = DataType::parse(text) else {
                return;
            };
            let bytes = &rest[split + 1..];
            if let Ok(value) = Value::from_row_binary(&data_type, bytes, Tz::UTC) {
                exercise(&data_type, &value);
            }
            if let Ok(mut column) = Column::empty(data_type) {
                let mut at = 0;
                while at < bytes.len() {
                    match column.push_row_binary(&bytes[at..], Tz::UTC) {
                        Ok(used) if used > 0 => at += used,
                        _ => break,
                    }
                }
                for i in 0..column.len() {
                    std::hint::black_box(column.typed_value(i, Tz::UTC));
                }
            }
        }
        _ => {
            let Ok(data_type) = DataType::from_binary(rest) else {
                return;
            };
            let printed = data_type.to_string();
            let parsed = DataType::parse(&printed)
                .unwrap_or_else(|e| panic!("{printed:?} (from binary) does not parse: {e}"));
            assert_eq!(parsed, data_type, "{printed:?} parses differently");
            if let Ok(binary) = data_type.to_binary() {
                let again = DataType::from_binary(&binary)
                    .unwrap_or_else(|e| panic!("{printed}: re-encoded, it does not decode: {e}"));
                assert_eq!(
                    again, data_type,
                    "{printed}: re-encoded, it decodes differently"
                );
            }
        }
    }
});
