//! The compressed-frame reader. Random bytes rarely carry a valid CityHash128, so in one mode
//! the target computes it (and, in another, also makes the compressed size match the input),
//! to get past the checksum to the sizes and the LZ4 and zstd decoders. What decodes is
//! framed again and must decode to the same data; a stream of frames fed in pieces must give
//! what the frames give one by one.
//!
//! Input: a mode byte (bit 0: recompute the checksum; bit 1: set the compressed size to the
//! input's; the rest: the piece-size seed), then the frame bytes.

#![no_main]

use bytes::BytesMut;
use clickhouse_connect::compression::{FrameDecoder, Method, decode_frame, encode_frame};
use clickhouse_connect::fuzzing::frame_checksum;
use clickhouse_connect_fuzz::Rng;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut input = rest.to_vec();
    if mode & 2 != 0 && input.len() >= 25 {
        let size = (input.len() - 16) as u32;
        input[17..21].copy_from_slice(&size.to_le_bytes());
    }
    if mode & 1 != 0 && input.len() >= 25 {
        let size = u32::from_le_bytes([input[17], input[18], input[19], input[20]]) as usize;
        let end = 16usize.saturating_add(size).min(input.len());
        if end > 16 {
            let sum = frame_checksum(&input[16..end]);
            input[..16].copy_from_slice(&sum);
        }
    }
    // One frame, from the front of the bytes.
    let one = decode_frame(&input, 0);
    if let Ok(Some((plain, used))) = &one {
        assert!(
            *used >= 25 && *used <= input.len(),
            "a frame of {used} bytes"
        );
        for method in [Method::None, Method::Lz4, Method::Zstd] {
            let mut framed = Vec::new();
            encode_frame(method, 1, plain, &mut framed).expect("a frame encodes");
            let (again, used) = decode_frame(&framed, 0)
                .expect("a frame written decodes")
                .expect("a frame written is whole");
            assert_eq!(used, framed.len());
            assert!(again == *plain, "{method:?}: the data changed");
        }
    }
    // The same bytes as a stream, in pieces.
    let mut rng = Rng::new(u64::from(mode >> 2));
    let mut decoder = FrameDecoder::new();
    let mut buffer = BytesMut::new();
    let mut first: Option<Result<Vec<u8>, ()>> = None;
    let mut at = 0;
    'feed: while at < input.len() {
        let end = (at + rng.size(32)).min(input.len());
        buffer.extend_from_slice(&input[at..end]);
        at = end;
        loop {
            match decoder.decode(&mut buffer) {
                Ok(Some(plain)) => {
                    first.get_or_insert(Ok(plain));
                }
                Ok(None) => break,
                Err(_) => {
                    first.get_or_insert(Err(()));
                    break 'feed;
                }
            }
        }
    }
    match (one, first) {
        (Ok(Some((plain, _))), Some(Ok(streamed))) => {
            assert!(plain == streamed, "the stream gave other data")
        }
        (Ok(Some(_)), other) => panic!("the frame decodes, the stream gives {other:?}"),
        (Err(_), Some(Ok(_))) => panic!("the frame fails, the stream decodes it"),
        _ => {}
    }
});
