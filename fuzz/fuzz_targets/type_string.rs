//! The type-string parser: what parses prints as text that parses to the same type, and
//! printing that again gives the same text.

#![no_main]

use clickhouse_connect::DataType;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(parsed) = DataType::parse(text) else {
        return;
    };
    let printed = parsed.to_string();
    let again = DataType::parse(&printed)
        .unwrap_or_else(|e| panic!("{text:?} prints as {printed:?}, which does not parse: {e}"));
    assert_eq!(
        parsed, again,
        "{text:?} prints as {printed:?}, which parses differently"
    );
    assert_eq!(
        again.to_string(),
        printed,
        "printing is not stable for {text:?}"
    );
    // The binary encoding, where the type has one, reads back as the same type.
    if let Ok(binary) = parsed.to_binary() {
        let decoded = DataType::from_binary(&binary)
            .unwrap_or_else(|e| panic!("{printed}: its binary encoding does not decode: {e}"));
        assert_eq!(
            decoded, parsed,
            "{printed}: the binary encoding decodes differently"
        );
    }
});
