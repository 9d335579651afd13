//! Values from their binary forms: a value of a known type (RowBinary), and a `Dynamic` value
//! (a binary-encoded type, then a value of it). The bytes decode into a one-row column (see
//! `column::binary`), which renders the [`Value`].

use chrono_tz::Tz;

use super::Value;
use crate::column::Column;
use crate::error::{Error, Result};
use crate::types::{self, DataType};
use crate::wire::Reader;

impl Value {
    /// Decodes a value of `data_type` from its RowBinary form, which must be the whole of
    /// `bytes`. `zone` is the zone of `DateTime` values whose type names none.
    ///
    /// ```
    /// use clickhouse_connect::{DataType, Value};
    ///
    /// let t: DataType = "Nullable(String)".parse().unwrap();
    /// let v = Value::from_row_binary(&t, &[0, 2, b'h', b'i'], chrono_tz::Tz::UTC).unwrap();
    /// assert_eq!(v, Value::from("hi"));
    /// assert_eq!(Value::from_row_binary(&t, &[1], chrono_tz::Tz::UTC).unwrap(), Value::Null);
    /// ```
    pub fn from_row_binary(data_type: &DataType, bytes: &[u8], zone: Tz) -> Result<Value> {
        let mut column = Column::empty(data_type.clone())?;
        let used = column.push_row_binary(bytes, zone)?;
        if used != bytes.len() {
            return Err(Error::decode(
                used as u64,
                format!(
                    "{} bytes after the binary value of {data_type}",
                    bytes.len() - used
                ),
            ));
        }
        Ok(column.value(0, zone))
    }

    /// Decodes a `Dynamic` value from its binary form (the value's binary-encoded type, then the
    /// value), which must be the whole of `bytes`: the type and the value. `NULL` is the type
    /// `Nothing` with no value.
    ///
    /// ```
    /// use clickhouse_connect::{DataType, Value};
    ///
    /// // Array(UInt8) [1, 2]
    /// let (t, v) = Value::from_dynamic_binary(&[0x1E, 0x01, 2, 1, 2], chrono_tz::Tz::UTC).unwrap();
    /// assert_eq!(t.to_string(), "Array(UInt8)");
    /// assert_eq!(v, Value::Array(vec![Value::UInt8(1), Value::UInt8(2)]));
    /// ```
    pub fn from_dynamic_binary(bytes: &[u8], zone: Tz) -> Result<(DataType, Value)> {
        let mut r = Reader::new(bytes, 0).with_zone(zone);
        let data_type = types::complete_read(types::read_binary(&mut r), &r, "binary type")?;
        let value = Value::from_row_binary(&data_type, r.rest(), zone)
            .map_err(|e| e.offset_by(r.position() as u64))?;
        Ok((data_type, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// `SELECT <expr> FORMAT RowBinary` on the 26.9 engine: the type, the bytes, and the value
    /// as `Value`'s `Display` prints it.
    const GOLDEN: &[(&str, &str, &str)] = &[
        ("Int8", "fe", "-2"),
        ("UInt64", "ffffffffffffffff", "18446744073709551615"),
        ("Int128", "feffffffffffffffffffffffffffffff", "-2"),
        (
            "UInt256",
            "0201000000000000000000000000000000000000000000000000000000000000",
            "258",
        ),
        ("Float32", "0000c03f", "1.5"),
        ("BFloat16", "c03f", "1.5"),
        ("Decimal(18, 3)", "c7cfffffffffffff", "-12.345"),
        (
            "Decimal(76, 40)",
            "2c0008f55a1541eba7fff70aa5eabe142c000000000000000000000000000000",
            "1.5000000000000001058517144079212739035180",
        ),
        ("Date", "5747", "2020-01-02"),
        ("Date32", "219cffff", "1900-01-01"),
        ("DateTime('UTC')", "a55d0d5e", "2020-01-02 03:04:05"),
        (
            "DateTime64(3, 'UTC')",
            "2ecf35646f010000",
            "2020-01-02 03:04:05.678",
        ),
        ("Time", "8b0e0000", "01:02:03"),
        ("Time64(1)", "8d6effffffffffff", "-01:02:03.5"),
        (
            "UUID",
            "7766554433221100ffeeddccbbaa9988",
            "00112233-4455-6677-8899-aabbccddeeff",
        ),
        ("IPv4", "04030201", "1.2.3.4"),
        ("IPv6", "00000000000000000000000000000001", "::1"),
        ("FixedString(3)", "616200", "ab\0"),
        ("Enum16('a' = -1000, 'b' = 1000)", "e803", "b"),
        ("Array(Array(UInt8))", "020201020103", "[[1, 2], [3]]"),
        (
            "Map(String, Nullable(Int32))",
            "02016b01017a0001000000",
            "{'k': NULL, 'z': 1}",
        ),
        ("Tuple(a UInt8, b String)", "010178", "(1, 'x')"),
        ("LowCardinality(String)", "026869", "hi"),
        ("LowCardinality(Nullable(String))", "01", "NULL"),
        ("Array(Nullable(UInt8))", "02000101", "[1, NULL]"),
        ("Bool", "01", "true"),
        ("Point", "000000000000f83f0000000000000440", "(1.5, 2.5)"),
        (
            "Ring",
            "02000000000000f03f000000000000004000000000000008400000000000001040",
            "[(1, 2), (3, 4)]",
        ),
        ("Variant(String, UInt64)", "000178", "x"),
        ("Variant(String, UInt64)", "ff", "NULL"),
        (
            "Array(Dynamic)",
            "04150131150161001e0e01000000000000f83f",
            "['1', 'a', NULL, [1.5]]",
        ),
        ("IntervalDay", "0300000000000000", "3"),
    ];

    #[test]
    fn engine_row_binary_values_decode() {
        for (t, bytes, text) in GOLDEN {
            let data_type: DataType = t.parse().unwrap();
            let value = Value::from_row_binary(&data_type, &hex(bytes), Tz::UTC)
                .unwrap_or_else(|e| panic!("{t}: {e}"));
            assert_eq!(value.to_string(), *text, "{t}");
        }
        // A few exact values, beyond their text.
        let t = "Array(Dynamic)".parse().unwrap();
        let v = Value::from_row_binary(&t, &hex(GOLDEN[30].1), Tz::UTC).unwrap();
        assert_eq!(
            v,
            Value::Array(vec![
                Value::from("1"),
                Value::from("a"),
                Value::Null,
                Value::Array(vec![Value::Float64(1.5)]),
            ])
        );
    }

    #[test]
    fn values_append_to_a_column_one_after_another() {
        let mut column = Column::empty("Variant(String, UInt64)".parse().unwrap()).unwrap();
        for bytes in ["000178", "ff", "012a00000000000000", "00026869"] {
            let bytes = hex(bytes);
            assert_eq!(
                column.push_row_binary(&bytes, Tz::UTC).unwrap(),
                bytes.len()
            );
        }
        let values: Vec<String> = (0..column.len())
            .map(|i| column.value(i, Tz::UTC).to_string())
            .collect();
        assert_eq!(values, ["x", "NULL", "42", "hi"]);
    }

    #[test]
    fn dynamic_values_carry_their_type() {
        let (t, v) = Value::from_dynamic_binary(&hex("1e0e01000000000000f83f"), Tz::UTC).unwrap();
        assert_eq!(t.to_string(), "Array(Float64)");
        assert_eq!(v, Value::Array(vec![Value::Float64(1.5)]));
        let (t, v) = Value::from_dynamic_binary(&hex("00"), Tz::UTC).unwrap();
        assert_eq!((t, v), (DataType::Nothing, Value::Null));
        // Decimal32(9, 2) 1.50
        let (t, v) = Value::from_dynamic_binary(&hex("19090296000000"), Tz::UTC).unwrap();
        assert_eq!(
            (t.to_string(), v.to_string()),
            ("Decimal(9, 2)".into(), "1.50".into())
        );
    }

    #[test]
    fn every_truncation_is_an_error_and_leaves_the_column_alone() {
        for (t, bytes, _) in GOLDEN {
            let bytes = hex(bytes);
            for end in 0..bytes.len() {
                let mut column = Column::empty(t.parse().unwrap()).unwrap();
                let err = column
                    .push_row_binary(&bytes[..end], Tz::UTC)
                    .expect_err(&format!("{t} cut at {end}"));
                assert!(
                    err.to_string().contains("ends early"),
                    "{t} cut at {end}: {err}"
                );
                assert_eq!(column.len(), 0, "{t} cut at {end}");
            }
        }
        let err = Value::from_dynamic_binary(&hex("1e0e01000000"), Tz::UTC).unwrap_err();
        assert!(err.to_string().contains("ends early"), "{err}");
    }

    #[test]
    fn malformed_values_are_errors() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "Variant(String, UInt64)",
                "05",
                "discriminator 5 for 2 variants",
            ),
            ("Dynamic", "33", "unknown binary type code 0x33"),
            ("Array(UInt8)", "ffffffff0f00", "ends early"),
            ("UInt8", "0102", "1 bytes after the binary value"),
            ("Dynamic", "2100", "Set"),
        ];
        for (t, bytes, message) in cases {
            let err =
                Value::from_row_binary(&t.parse().unwrap(), &hex(bytes), Tz::UTC).expect_err(t);
            assert!(err.to_string().contains(message), "{t} {bytes}: {err}");
        }
        let err = Value::from_dynamic_binary(&hex("0a0100"), Tz::UTC).unwrap_err();
        assert!(err.to_string().contains("ends early"), "{err}");
    }

    #[test]
    fn deep_dynamic_nesting_is_refused_not_a_stack_overflow() {
        // Array(Dynamic) holding one Dynamic holding Array(Dynamic) ... 50 000 levels deep.
        let mut bytes = Vec::new();
        for _ in 0..50_000 {
            bytes.extend_from_slice(&[0x1e, 0x2b, 0x20, 0x01]);
        }
        bytes.push(0x00);
        let err = Value::from_dynamic_binary(&bytes, Tz::UTC).unwrap_err();
        assert!(err.to_string().contains("deeper than"), "{err}");
    }
}
