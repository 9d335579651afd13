//! The TCP server-packet parser: packets one after another at a revision chosen by the first
//! byte, with or without compression; every block in them has every cell read; a packet that
//! parses parses again from exactly its own bytes, and no strict prefix of it is whole.
//!
//! Input: a byte choosing the revision (low three bits), compression (bit 3) and empty
//! LowCardinality bodies (bit 4); then the bytes from the server.

#![no_main]

use chrono_tz::Tz;
use clickhouse_connect::native::packets::{PacketContext, ServerPacket, parse_server_packet};
use clickhouse_connect_fuzz::read_every_cell;
use libfuzzer_sys::fuzz_target;

const REVISIONS: [u64; 8] = [0, 51903, 54058, 54372, 54412, 54454, 54459, 54460];

fuzz_target!(|data: &[u8]| {
    let Some((&flags, mut bytes)) = data.split_first() else {
        return;
    };
    let ctx = PacketContext {
        revision: REVISIONS[usize::from(flags & 7)],
        compressed: flags & 8 != 0,
        empty_low_cardinality_bodies: flags & 16 != 0,
        zone: Tz::UTC,
    };
    for _ in 0..64 {
        let Ok(Some((packet, used))) = parse_server_packet(bytes, ctx) else {
            return;
        };
        assert!(used > 0 && used <= bytes.len(), "a packet of {used} bytes");
        let (again, used_again) = parse_server_packet(&bytes[..used], ctx)
            .expect("a packet parses again from its own bytes")
            .expect("a packet is whole in its own bytes");
        assert_eq!(used, used_again);
        std::hint::black_box(format!("{again:?}"));
        if used > 1 {
            // The byte before the end: the packet is not whole yet (or the bytes are refused).
            if let Ok(Some((_, n))) = parse_server_packet(&bytes[..used - 1], ctx) {
                panic!("{n} of a packet's {used} bytes parse as a whole packet");
            }
        }
        match &packet {
            ServerPacket::Data(_, block)
            | ServerPacket::Log(block)
            | ServerPacket::ProfileEvents(block) => read_every_cell(block),
            ServerPacket::Exception(e) => {
                std::hint::black_box(format!("{e} {e:?}"));
            }
            _ => {}
        }
        bytes = &bytes[used..];
    }
});
