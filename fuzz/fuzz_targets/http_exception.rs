//! The HTTP exception parsers: an error body (non-2xx), and the search for an exception the
//! server wrote into a 2xx body after data (with or without the 25.11+ tag). Whatever they
//! find must display without panicking.
//!
//! Input: a mode byte (bit 0: a stream rather than an error body; bit 1: with a tag, the next
//! 16 bytes), then the text.

#![no_main]

use clickhouse_connect::fuzzing::{find_exception_in_stream, parse_error_body};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let found = if mode & 1 == 0 {
        parse_error_body(&String::from_utf8_lossy(rest))
    } else if mode & 2 != 0 && rest.len() >= 16 {
        let tag = String::from_utf8_lossy(&rest[..16]).into_owned();
        find_exception_in_stream(&rest[16..], Some(&tag))
    } else {
        find_exception_in_stream(rest, None)
    };
    if let Some(error) = found {
        std::hint::black_box(format!("{error} {error:#} {error:?}"));
        if let Some(server) = error.server() {
            std::hint::black_box((server.code(), &server.name, &server.message));
        }
    }
});
