//! One compressed frame: `checksum(16) | method(1) | compressed_size(4) | decompressed_size(4) | payload`.
//!
//! `compressed_size` counts the 9 header bytes after the checksum plus the payload; the checksum
//! is CityHash128 v1.0.2 over those same bytes, written as its first 64-bit half then its second,
//! each little-endian.

use bytes::{Buf, BytesMut};

use super::Method;
use crate::error::{Error, Result};

/// The checksum, method and two sizes.
const HEADER_LEN: usize = 16 + 9;
/// The largest payload the server accepts in one frame (`DBMS_MAX_COMPRESSED_SIZE`).
const MAX_COMPRESSED_SIZE: usize = 1 << 30;
/// The most data one frame may declare: the server's limit for `size_decompressed` too.
const MAX_DECOMPRESSED_SIZE: usize = 1 << 30;

/// The most data a payload of `len` bytes can decompress to, so that a frame's declared size is
/// checked before it is allocated: a raw payload is its data; an LZ4 sequence yields at most
/// 255 bytes per byte it takes (each extra match-length byte adds at most 255); a zstd block
/// yields at most 128 KiB and takes at least 4 bytes (an RLE block: 3 of header, 1 of data).
fn expansion_bound(method: Method, len: usize) -> usize {
    match method {
        Method::None => len,
        Method::Lz4 => len.saturating_mul(255),
        Method::Zstd => len.saturating_mul((128 << 10) / 4),
    }
}
/// How much data one frame holds at most when this crate writes (the server's default block).
pub const MAX_FRAME_INPUT: usize = 1 << 20;

pub(crate) fn checksum(bytes: &[u8]) -> [u8; 16] {
    let hash = cityhash_rs::cityhash_102_128(bytes);
    let mut out = [0u8; 16];
    // cityhash-rs returns the reference implementation's first half in the high 64 bits.
    out[..8].copy_from_slice(&((hash >> 64) as u64).to_le_bytes());
    out[8..].copy_from_slice(&(hash as u64).to_le_bytes());
    out
}

/// Appends one frame holding `data` (at most 4 GiB) compressed with `method`.
pub fn encode_frame(method: Method, zstd_level: i32, data: &[u8], out: &mut Vec<u8>) -> Result<()> {
    let decompressed_size = u32::try_from(data.len())
        .map_err(|_| Error::compression(format!("{} bytes do not fit one frame", data.len())))?;
    let start = out.len();
    out.resize(start + HEADER_LEN, 0);
    match method {
        Method::None => out.extend_from_slice(data),
        Method::Lz4 => {
            let bound = lz4_flex::block::get_maximum_output_size(data.len());
            out.resize(start + HEADER_LEN + bound, 0);
            let written = lz4_flex::block::compress_into(data, &mut out[start + HEADER_LEN..])
                .map_err(|e| Error::compression(format!("LZ4: {e}")))?;
            out.truncate(start + HEADER_LEN + written);
        }
        Method::Zstd => {
            let compressed = zstd::bulk::compress(data, zstd_level)
                .map_err(|e| Error::compression(format!("zstd: {e}")))?;
            out.extend_from_slice(&compressed);
        }
    }
    let compressed_size = u32::try_from(out.len() - start - 16)
        .map_err(|_| Error::compression("compressed frame larger than 4 GiB"))?;
    out[start + 16] = method.byte();
    out[start + 17..start + 21].copy_from_slice(&compressed_size.to_le_bytes());
    out[start + 21..start + 25].copy_from_slice(&decompressed_size.to_le_bytes());
    let sum = checksum(&out[start + 16..]);
    out[start..start + 16].copy_from_slice(&sum);
    Ok(())
}

/// Appends `data` as frames of at most [`MAX_FRAME_INPUT`] bytes each.
pub fn encode(method: Method, zstd_level: i32, data: &[u8], out: &mut Vec<u8>) -> Result<()> {
    for chunk in data.chunks(MAX_FRAME_INPUT) {
        encode_frame(method, zstd_level, chunk, out)?;
    }
    Ok(())
}

/// Decodes frames from bytes that arrive in arbitrary pieces.
#[derive(Debug, Default)]
pub struct FrameDecoder {
    /// Bytes consumed by earlier frames, for error positions.
    offset: u64,
}

impl FrameDecoder {
    /// A decoder at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes one whole frame from the front of `input` and returns its decompressed data, or
    /// `None` (consuming nothing) if the frame has not fully arrived yet.
    pub fn decode(&mut self, input: &mut BytesMut) -> Result<Option<Vec<u8>>> {
        match decode_frame(input, self.offset)? {
            Some((data, consumed)) => {
                input.advance(consumed);
                self.offset += consumed as u64;
                Ok(Some(data))
            }
            None => Ok(None),
        }
    }

    /// Bytes of complete frames consumed so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }
}

/// Decodes the frame at the start of `input` (`at` is its stream offset, for errors): its data and
/// the number of bytes it took, or `None` if the frame has not fully arrived.
pub fn decode_frame(input: &[u8], at: u64) -> Result<Option<(Vec<u8>, usize)>> {
    if input.len() < HEADER_LEN {
        return Ok(None);
    }
    let fail = |message: String| Error::compression(format!("frame at byte {at}: {message}"));
    let method_byte = input[16];
    let compressed_size = u32::from_le_bytes([input[17], input[18], input[19], input[20]]) as usize;
    let decompressed_size =
        u32::from_le_bytes([input[21], input[22], input[23], input[24]]) as usize;
    let Some(method) = Method::from_byte(method_byte) else {
        return Err(fail(format!(
            "unknown compression method 0x{method_byte:02x}"
        )));
    };
    if !(9..=MAX_COMPRESSED_SIZE).contains(&compressed_size) {
        return Err(fail(format!(
            "impossible compressed size {compressed_size}"
        )));
    }
    let bound = expansion_bound(method, compressed_size - 9).min(MAX_DECOMPRESSED_SIZE);
    if decompressed_size > bound {
        return Err(fail(format!(
            "the frame declares {decompressed_size} bytes of data, more than its {} bytes of \
             {method:?} payload can hold (at most {bound})",
            compressed_size - 9
        )));
    }
    if input.len() < 16 + compressed_size {
        return Ok(None);
    }
    let frame = &input[..16 + compressed_size];
    let expected = checksum(&frame[16..]);
    if frame[..16] != expected {
        return Err(fail(format!(
            "checksum mismatch: the frame says {}, its contents hash to {}",
            hex(&frame[..16]),
            hex(&expected)
        )));
    }
    let payload = &frame[HEADER_LEN..];
    let data = match method {
        Method::None => payload.to_vec(),
        Method::Lz4 => {
            let mut data = vec![0u8; decompressed_size];
            let n = lz4_flex::block::decompress_into(payload, &mut data)
                .map_err(|e| fail(format!("LZ4: {e}")))?;
            data.truncate(n);
            data
        }
        Method::Zstd => zstd::bulk::decompress(payload, decompressed_size)
            .map_err(|e| fail(format!("zstd: {e}")))?,
    };
    if data.len() != decompressed_size {
        return Err(fail(format!(
            "{method:?} payload gave {} bytes, the frame says {decompressed_size}",
            data.len()
        )));
    }
    Ok(Some((data, 16 + compressed_size)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `SELECT 1+1` as a frame that a real 18.16 server accepted (notes §3).
    const SELECT_1_PLUS_1: &[u8] = &[
        0x35, 0x38, 0x0B, 0xCF, 0x98, 0x5F, 0xA8, 0x80, 0x99, 0x43, 0xAA, 0x91, 0x33, 0x99, 0x0B,
        0x11, 0x82, 0x14, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0xA0, b'S', b'E', b'L', b'E',
        b'C', b'T', b' ', b'1', b'+', b'1',
    ];

    #[test]
    fn checksum_matches_the_reference_vectors() {
        let empty = checksum(b"");
        assert_eq!(
            u64::from_le_bytes(empty[..8].try_into().unwrap()),
            0x3df09dfc64c09a2b
        );
        assert_eq!(
            u64::from_le_bytes(empty[8..].try_into().unwrap()),
            0x3cb540c392e51e29
        );
        let abc = checksum(b"abc");
        assert_eq!(
            u64::from_le_bytes(abc[..8].try_into().unwrap()),
            0x900ff195577748fe
        );
        assert_eq!(
            u64::from_le_bytes(abc[8..].try_into().unwrap()),
            0x13a9176355b20d7e
        );
    }

    #[test]
    fn lz4_frame_matches_the_server_verified_bytes() {
        let mut out = Vec::new();
        encode_frame(Method::Lz4, 1, b"SELECT 1+1", &mut out).unwrap();
        assert_eq!(out, SELECT_1_PLUS_1);
        let mut input = BytesMut::from(SELECT_1_PLUS_1);
        assert_eq!(
            FrameDecoder::new().decode(&mut input).unwrap().unwrap(),
            b"SELECT 1+1"
        );
        assert!(input.is_empty());
    }

    #[test]
    fn every_method_round_trips_across_arbitrary_splits() {
        let data: Vec<u8> = (0..3_000_000u32)
            .map(|i| (i % 251) as u8 ^ (i >> 12) as u8)
            .collect();
        for method in [Method::None, Method::Lz4, Method::Zstd] {
            let mut framed = Vec::new();
            encode(method, 3, &data, &mut framed).unwrap();
            let mut decoder = FrameDecoder::new();
            let mut input = BytesMut::new();
            let mut decoded = Vec::new();
            for piece in framed.chunks(7_777) {
                input.extend_from_slice(piece);
                while let Some(chunk) = decoder.decode(&mut input).unwrap() {
                    decoded.extend_from_slice(&chunk);
                }
            }
            assert!(input.is_empty(), "{method:?}");
            assert_eq!(decoded, data, "{method:?}");
            assert_eq!(decoder.offset(), framed.len() as u64);
        }
    }

    #[test]
    fn every_strict_prefix_waits_for_more() {
        for end in 0..SELECT_1_PLUS_1.len() {
            let mut input = BytesMut::from(&SELECT_1_PLUS_1[..end]);
            assert!(
                FrameDecoder::new().decode(&mut input).unwrap().is_none(),
                "prefix {end}"
            );
            assert_eq!(input.len(), end, "nothing consumed");
        }
    }

    #[test]
    fn corruption_is_an_error_not_garbage() {
        for i in 0..SELECT_1_PLUS_1.len() {
            let mut corrupt = SELECT_1_PLUS_1.to_vec();
            corrupt[i] ^= 0x40;
            let mut input = BytesMut::from(&corrupt[..]);
            match FrameDecoder::new().decode(&mut input) {
                Err(e) if e.kind() == crate::ErrorKind::Compression => {
                    let message = e.to_string();
                    assert!(message.contains("frame at byte 0"), "{message}")
                }
                // A size made larger just waits for bytes that never come.
                Ok(None) => assert!((17..25).contains(&i), "byte {i}"),
                other => panic!("byte {i}: {other:?}"),
            }
        }
        let mut unknown = SELECT_1_PLUS_1.to_vec();
        unknown[16] = 0x95;
        let err = FrameDecoder::new()
            .decode(&mut BytesMut::from(&unknown[..]))
            .unwrap_err();
        assert!(
            err.to_string().contains("unknown compression method 0x95"),
            "{err}"
        );
    }
}
