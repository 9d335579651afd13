//! compression: ClickHouse's compressed-block framing.
//!
//! Owns the frame format shared by the HTTP `compress`/`decompress` parameters and the native
//! protocol: a CityHash128 v1.0.2 checksum, a method byte, the two sizes and the payload (LZ4
//! block, zstd frame or raw bytes). It does no I/O: it encodes into a caller's buffer and decodes
//! from bytes as they arrive. It knows nothing of what the bytes mean.

mod frame;

#[cfg(feature = "fuzzing")]
pub(crate) use frame::checksum;

pub use frame::{FrameDecoder, MAX_FRAME_INPUT, decode_frame, encode, encode_frame};

/// How request and response data are compressed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Compression {
    /// No compression.
    None,
    /// ClickHouse frames with LZ4 blocks: fast, the server's default.
    #[default]
    Lz4,
    /// ClickHouse frames with zstd at the given level (1 to 22; 1 is ClickHouse's default).
    Zstd(i32),
    /// HTTP `Content-Encoding: gzip` instead of ClickHouse frames (HTTP only).
    Gzip,
}

/// The method byte of a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `0x02`: the payload is the data itself.
    None,
    /// `0x82`: an LZ4 block.
    Lz4,
    /// `0x90`: a zstd frame.
    Zstd,
}

impl Method {
    /// The byte that names the method in a frame header.
    pub fn byte(self) -> u8 {
        match self {
            Method::None => 0x02,
            Method::Lz4 => 0x82,
            Method::Zstd => 0x90,
        }
    }

    /// The method a header byte names, if this crate can decode it.
    pub fn from_byte(byte: u8) -> Option<Method> {
        match byte {
            0x02 => Some(Method::None),
            0x82 => Some(Method::Lz4),
            0x90 => Some(Method::Zstd),
            _ => None,
        }
    }
}
