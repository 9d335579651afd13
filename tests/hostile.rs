//! Hostile bytes through the public decoders: each input here once panicked, aborted the process
//! on an allocation, or took time out of proportion to its size (issue 20). Each is the minimal
//! input, as a byte literal; the decoder must refuse it (or read it) quickly and in bounded
//! memory. These tests need no server.

#![allow(missing_docs)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::{Duration, Instant};

use chrono_tz::Tz;
use clickhouse_connect::native::decode_blocks;
use clickhouse_connect::native::packets::{PacketContext, parse_server_packet};
use clickhouse_connect::{DataType, ErrorKind, Value};

/// The system allocator, noting the largest single request of each thread.
struct Tracking;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    let _ = LARGEST.try_with(|largest| largest.set(largest.get().max(size)));
}

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Tracking = Tracking;

/// Runs `f` and returns its result and the largest single allocation it made (on this thread).
fn largest_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|largest| largest.set(0));
    let out = f();
    (out, LARGEST.with(Cell::get))
}

/// At most this much memory for one allocation while reading any input here.
const SMALL: usize = 16 << 20;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Every value of every row, as a caller reading the result would.
fn read_every_cell(blocks: &[clickhouse_connect::Block]) -> usize {
    let mut cells = 0;
    for block in blocks {
        for i in 0..block.rows() {
            cells += clickhouse_connect::Row::new(block, i, Tz::UTC)
                .values()
                .len();
        }
    }
    cells
}

/// Item 1: one `JSON` column in the FLATTENED serialization, 2^40 rows and no paths (so no bytes
/// per row): the decoder once reserved 16 bytes of text per row (8 TiB) and aborted.
#[test]
fn json_rows_without_bytes_are_bounded() {
    let body = hex("01808080808020016a044a534f4e030000000000000000");
    let (result, largest) = largest_allocation(|| decode_blocks(&body));
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(largest < SMALL, "{largest} bytes at once");
    assert!(err.to_string().contains("no bytes"), "{err}");
    // 2^24 rows in 21 bytes cost 182 MiB: refused too.
    let body = hex("0180808008016a044a534f4e030000000000000000");
    let err = decode_blocks(&body).unwrap_err();
    assert!(err.to_string().contains("no bytes"), "{err}");
    // A block of rows that take no bytes within the bound still reads.
    let body = hex("01808004016a044a534f4e030000000000000000");
    let blocks = decode_blocks(&body).unwrap();
    assert_eq!(blocks[0].rows(), 65536);
    assert_eq!(
        blocks[0].columns()[0].value(65535, Tz::UTC),
        Value::Json(serde_json::json!({}))
    );
}

/// Item 2: a `Dynamic` value whose binary type is `LowCardinality` nested 16 deep: each level
/// pushed its value twice, so the time doubled per level. No server writes a LowCardinality of
/// anything but a number, string or date (and Nullable of those); others are refused at once.
#[test]
fn nested_low_cardinality_is_refused_at_once() {
    let body = hex(concat!(
        "010a01781444796e616d6963286d61785f74797065733d32290100000000000000020205496e7436340455",
        "5549440000000000000000000101ff01010200010101000000000000000700000000000000132626262626",
        "2626262626262626262626150161090e0000000000000440051e01020102030f0c4d0c2715190902010",
        "16b960000000b20020161010162150101787766554433221100ffeeddccbbaa9988"
    ));
    let started = Instant::now();
    let result = decode_blocks(&body);
    let took = started.elapsed();
    let Err(err) = result else {
        panic!("a LowCardinality of a LowCardinality is not a type (decoded in {took:?})");
    };
    assert!(err.to_string().contains("LowCardinality"), "{err}");
    assert!(took < Duration::from_millis(500), "took {took:?}");
    // Through the RowBinary decoder too: LowCardinality(LowCardinality(String)).
    let t: DataType = "LowCardinality(LowCardinality(String))".parse().unwrap();
    let err = Value::from_row_binary(&t, &[1, b'a'], Tz::UTC).unwrap_err();
    assert!(err.to_string().contains("LowCardinality"), "{err}");
}

/// Item 3: a `Time64` whose ticks are past what a duration holds once panicked in chrono; it
/// reads as its raw ticks (`Value::Int64`), like a `DateTime` past the calendar.
#[test]
fn out_of_range_time64_reads_as_its_ticks() {
    for (t, ticks) in [
        ("Time64(0)", i64::MAX),
        ("Time64(3)", i64::MIN),
        ("Time64(0)", i64::MIN),
    ] {
        let data_type: DataType = t.parse().unwrap();
        let value = Value::from_row_binary(&data_type, &ticks.to_le_bytes(), Tz::UTC).unwrap();
        assert_eq!(value, Value::Int64(ticks), "{t}");
    }
    let body = hex("010101740954696d653634283029ffffffffffffff7f");
    let blocks = decode_blocks(&body).unwrap();
    assert_eq!(
        blocks[0].columns()[0].value(0, Tz::UTC),
        Value::Int64(i64::MAX)
    );
    // In range, a duration as before.
    let t: DataType = "Time64(3)".parse().unwrap();
    let v = Value::from_row_binary(&t, &(-1500i64).to_le_bytes(), Tz::UTC).unwrap();
    assert_eq!(v, Value::Time(chrono::TimeDelta::milliseconds(-1500)));
}

/// Item 4: an LZ4 frame with a valid checksum that declares 4 GiB of data: the declared size
/// was allocated before decompressing. It is checked against ClickHouse's limit (1 GiB) and
/// against what the payload can expand to.
#[test]
fn a_frame_cannot_declare_more_than_its_payload_can_hold() {
    let frame = hex(
        "5b4d1e9f6aecd79fe13f0727fbe7c7e5821b000000fffffffff00130313233343536373839616263646566",
    );
    let (result, largest) =
        largest_allocation(|| clickhouse_connect::compression::decode_frame(&frame, 0));
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Compression, "{err}");
    assert!(largest < SMALL, "{largest} bytes at once");
    assert!(err.to_string().contains("4294967295"), "{err}");
    // Frames as the encoder writes them still decode, whatever their ratio.
    for method in [
        clickhouse_connect::compression::Method::None,
        clickhouse_connect::compression::Method::Lz4,
        clickhouse_connect::compression::Method::Zstd,
    ] {
        let data = vec![7u8; 1 << 20];
        let mut framed = Vec::new();
        clickhouse_connect::compression::encode_frame(method, 3, &data, &mut framed).unwrap();
        let (decoded, used) = clickhouse_connect::compression::decode_frame(&framed, 0)
            .unwrap()
            .unwrap();
        assert_eq!(
            (decoded.len(), used),
            (data.len(), framed.len()),
            "{method:?}"
        );
    }
}

/// Item 5: `Array(Tuple())` whose one row holds 2^40 empty tuples. They were first taken to
/// take no bytes (and bounded per block as rows without bytes); the server writes a byte per
/// `Tuple()` row in Native (`SerializationTuple`, as for `Nothing`), so 2^40 of them now need
/// 2^40 bytes, and the 25 bytes at hand are an error without any large allocation.
#[test]
fn empty_tuples_take_a_byte_each() {
    let body = hex("010101610c4172726179285475706c65290000000000010000");
    let (result, largest) =
        largest_allocation(|| decode_blocks(&body).map(|blocks| read_every_cell(&blocks)));
    assert!(largest < SMALL, "{largest} bytes at once");
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.to_string().contains("ended inside a block"), "{err}");
    // A reasonable number reads, every cell, a byte each.
    let mut body = hex("010101610c4172726179285475706c6529");
    body.extend_from_slice(&1000u64.to_le_bytes());
    body.extend_from_slice(&[b'0'; 1000]);
    let blocks = decode_blocks(&body).unwrap();
    assert_eq!(read_every_cell(&blocks), 1);
    assert_eq!(
        blocks[0].columns()[0].value(0, Tz::UTC),
        Value::Array(vec![Value::Tuple(vec![]); 1000])
    );
}

/// Item 9: a Data packet that declares a 4 GiB table name is refused from its length, not
/// buffered until 4 GiB arrive.
#[test]
fn packet_lengths_are_bounded() {
    let ctx = PacketContext {
        revision: 54460,
        compressed: false,
        empty_low_cardinality_bodies: false,
        zone: Tz::UTC,
    };
    // Data (1), table name of 2^32 bytes, then nothing more yet.
    let packet = hex("018080808010");
    let err = parse_server_packet(&packet, ctx).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.to_string().contains("table name"), "{err}");
    // An exception whose message declares 1 GiB.
    let packet = hex("0200000000008080808004");
    let err = parse_server_packet(&packet, ctx).unwrap_err();
    assert!(err.to_string().contains("limit"), "{err}");
    // The hello's server name.
    let packet = hex("008080808004");
    let err = parse_server_packet(&packet, ctx).unwrap_err();
    assert!(err.to_string().contains("limit"), "{err}");
}

/// Found by fuzzing (server_packet): a block with no columns and 2^28 rows, in 5 bytes; reading
/// its rows took minutes. Rows without columns take no bytes, and count as such.
#[test]
fn rows_without_columns_are_bounded() {
    let err = decode_blocks(&hex("00ffffff7f")).unwrap_err();
    assert!(err.to_string().contains("no bytes"), "{err}");
    let ctx = PacketContext {
        revision: 54412,
        compressed: false,
        empty_low_cardinality_bodies: false,
        zone: Tz::UTC,
    };
    let err = parse_server_packet(&hex("01000000ffffff7f"), ctx).unwrap_err();
    assert!(err.to_string().contains("no bytes"), "{err}");
    // The empty block that ends a stream still reads.
    assert_eq!(decode_blocks(&hex("0000")).unwrap()[0].rows(), 0);
}

/// Found by fuzzing (binary_value): the binary type decoder took a `Variant` with the same type
/// twice, which prints as text the parser (and the server) refuses. Both readers apply the same
/// rules now.
#[test]
fn binary_types_obey_the_rules_of_type_strings() {
    // Variant(Int128, Nothing, Int128, Tuple(), Dynamic(max_types=2))
    let err = DataType::from_binary(&hex("2a85000b000b20002b02")).unwrap_err();
    assert!(err.to_string().contains("distinct"), "{err}");
    // An enum whose name repeats; a named tuple whose element names repeat.
    let err = DataType::from_binary(&hex("1702016101016102")).unwrap_err();
    assert!(err.to_string().contains("unique"), "{err}");
    let err = DataType::from_binary(&hex("2002017801017802")).unwrap_err();
    assert!(err.to_string().contains("unique"), "{err}");
    // Found later (binary_value): Nullable(LowCardinality(UInt8)), which no server writes and
    // the text parser refuses; Nullable(Array(Int8)) likewise.
    for bytes in ["232601", "231e07"] {
        let err = DataType::from_binary(&hex(bytes)).unwrap_err();
        assert!(
            err.to_string().contains("cannot be inside Nullable"),
            "{err}"
        );
    }
    assert_eq!(
        DataType::from_binary(&hex("2301")).unwrap(),
        DataType::parse("Nullable(UInt8)").unwrap()
    );
    // Found later still (binary_value): Dynamic(max_types=255), which prints as text the
    // parser refuses (at most 254).
    let err = DataType::from_binary(&hex("2bff")).unwrap_err();
    assert!(err.to_string().contains("max_types"), "{err}");
    assert_eq!(
        DataType::from_binary(&hex("2bfe")).unwrap(),
        DataType::parse("Dynamic(max_types=254)").unwrap()
    );
    // Found later still (binary_value): a SimpleAggregateFunction with no argument type, whose
    // function parameter is a NULL field. It printed as `SimpleAggregateFunction(DRC1(NULL))`,
    // which the text parser refused twice over: it needs exactly one type, and its parameters
    // were numbers, strings and arrays only.
    let err = DataType::from_binary(&hex("2e0444524331010000")).unwrap_err();
    assert!(
        err.to_string().contains("exactly one argument type"),
        "{err}"
    );
    // With its one type, the NULL parameter (and booleans and tuples, which the binary decoder
    // reads as well) print as text the parser reads back to the same type, which encodes to
    // bytes that decode to it again.
    for (bytes, text) in [
        (
            "2e04445243310100",
            "SimpleAggregateFunction(DRC1(NULL), UInt8)",
        ),
        (
            "2e0473756d580213011300",
            "SimpleAggregateFunction(sumX(true, false), UInt8)",
        ),
        (
            "2e0473756d58010e0301010c01780d00",
            "SimpleAggregateFunction(sumX((1, 'x', [])), UInt8)",
        ),
        // Numbers print as the text parser spells them: -0.0 as 0, 1.50 as 1.5, 2^200 exactly.
        (
            "2e0473756d5803070000000000000080080296000000050000000000000000000000000000000000000000000000000001000000000000",
            "SimpleAggregateFunction(sumX(0, 1.5, 1606938044258990275541962092341162602522202993782792835301376), UInt8)",
        ),
    ] {
        // Each ends with its argument types: one, UInt8.
        let bytes = hex(&format!("{bytes}0101"));
        let from_binary = DataType::from_binary(&bytes).unwrap();
        assert_eq!(from_binary.to_string(), text);
        assert_eq!(DataType::parse(text).unwrap(), from_binary);
        let again = DataType::from_binary(&from_binary.to_binary().unwrap()).unwrap();
        assert_eq!(again, from_binary, "{text}");
    }
    assert_eq!(
        DataType::parse("AggregateFunction(f(null, TRUE), UInt8)")
            .unwrap()
            .to_string(),
        "AggregateFunction(f(NULL, true), UInt8)"
    );
    // Found by fuzzing (type_string): a float parameter that is a negative zero printed as
    // `-0`, which reads back as the integer 0, a different parameter.
    let text = "AggregateFunction(wr(93 ,-0e-253), String,BOOLEAN)";
    let parsed = DataType::parse(text).unwrap();
    assert_eq!(
        parsed.to_string(),
        "AggregateFunction(wr(93, 0), String, Bool)"
    );
    assert_eq!(DataType::parse(&parsed.to_string()).unwrap(), parsed);
}

/// Found by fuzzing (binary_value): a `Dynamic` value of type `Nullable(FixedString(N))` with
/// N near 2^31 (11 bytes) made its NULL's default value a 2.7 GB allocation. Both type readers
/// now refuse a `FixedString` larger than the server's own limit (16 MiB - 1).
#[test]
fn fixed_string_sizes_are_bounded() {
    let (result, largest) =
        largest_allocation(|| Value::from_dynamic_binary(&hex("2316e2ffffff090d1212"), Tz::UTC));
    let err = result.unwrap_err();
    assert!(err.to_string().contains("FixedString size"), "{err}");
    assert!(largest < 1 << 20, "allocated {largest} bytes");
    let err = DataType::parse("FixedString(16777216)").unwrap_err();
    assert!(err.to_string().contains("FixedString size"), "{err}");
    assert_eq!(
        DataType::parse("FixedString(16777215)").unwrap(),
        DataType::FixedString(DataType::MAX_FIXED_STRING_SIZE)
    );
    let mut binary = vec![0x16];
    varuint(DataType::MAX_FIXED_STRING_SIZE as u64 + 1, &mut binary);
    assert!(DataType::from_binary(&binary).is_err());
}

/// Enum items were checked for duplicates pairwise: a type string of 65 536 items (about a
/// megabyte, within what a block header may carry) took billions of comparisons.
#[test]
fn large_enums_parse_in_linear_time() {
    let items: Vec<String> = (-32768..32767).map(|i| format!("'v{i}' = {i}")).collect();
    let text = format!("Enum16({})", items.join(", "));
    let started = Instant::now();
    let t = DataType::parse(&text).unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let DataType::Enum16(parsed) = t else {
        panic!()
    };
    assert_eq!(parsed.len(), 65535);
}

/// Found by fuzzing (binary_value): an aggregate function whose binary name is not a word
/// (`"\0\0c"`) printed as a type string nothing reads.
#[test]
fn binary_aggregate_function_names_are_words() {
    // AggregateFunction, version 0, name "\0\0c", no parameters, one argument UInt8.
    let err = DataType::from_binary(&hex("250003000063000101")).unwrap_err();
    assert!(err.to_string().contains("aggregate function name"), "{err}");
    let ok = DataType::from_binary(&hex("25000373756d000101")).unwrap();
    assert_eq!(ok.to_string(), "AggregateFunction(sum, UInt8)");
}

/// A compressed Data block arrives as frames, and only decoding tells where it ends: trying to
/// decode after every frame made a block in many small frames quadratic (here 100 000 strings
/// in 40 000 frames of 64 bytes: tens of billions of steps). Tries are spaced out as the data
/// doubles.
#[test]
fn a_block_in_many_small_frames_decodes_in_linear_time() {
    let rows = 100_000u32;
    let mut block = hex("010002ffffffff00"); // BlockInfo
    block.push(1); // one column
    block.extend_from_slice(&[0xA0, 0x8D, 0x06]); // 100 000 rows
    block.extend_from_slice(b"\x01s\x06String\x00");
    for i in 0..rows {
        let text = format!("{i:09}");
        block.push(text.len() as u8);
        block.extend_from_slice(text.as_bytes());
    }
    let mut packet = vec![1u8, 0]; // Data, no table name
    for chunk in block.chunks(64) {
        clickhouse_connect::compression::encode_frame(
            clickhouse_connect::compression::Method::None,
            0,
            chunk,
            &mut packet,
        )
        .unwrap();
    }
    packet.push(5); // EndOfStream after it
    let ctx = PacketContext {
        revision: 54460,
        compressed: true,
        empty_low_cardinality_bodies: false,
        zone: Tz::UTC,
    };
    let started = Instant::now();
    let (packet_read, used) = parse_server_packet(&packet, ctx).unwrap().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(used, packet.len() - 1);
    let clickhouse_connect::native::packets::ServerPacket::Data(_, block) = packet_read else {
        panic!("not a Data packet");
    };
    assert_eq!(block.rows(), rows as usize);
    // A strict prefix still waits for more.
    assert!(
        parse_server_packet(&packet[..used - 1], ctx)
            .unwrap()
            .is_none()
    );
}

fn varuint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// A block at `revision` (54460) through the public stream reader.
fn read_at_54460(body: &[u8]) -> clickhouse_connect::Result<Vec<clickhouse_connect::Block>> {
    let mut stream = clickhouse_connect::native::BlockStream::new(54460);
    stream.push(body);
    stream.finish();
    let mut blocks = Vec::new();
    while let Some(block) = stream.next_block()? {
        blocks.push(block);
    }
    Ok(blocks)
}

/// A sparse column sends only its non-default values and is rebuilt dense: one of 2^30 rows, all
/// defaults, took 12 bytes and asked for 8 GiB. Its defaults are bounded per block; a gap past
/// 2^63 no longer overflows.
#[test]
fn sparse_defaults_are_bounded() {
    let sparse_block = |rows: u64, gaps: &[u64]| {
        let mut body = hex("010002ffffffff00"); // BlockInfo
        body.push(1);
        varuint(rows, &mut body);
        body.extend_from_slice(b"\x01a\x06UInt64");
        body.extend_from_slice(&[1, 1]); // has_custom, kind SPARSE
        for gap in gaps {
            varuint(*gap, &mut body);
        }
        body
    };
    let end = 1u64 << 62;
    let (result, largest) =
        largest_allocation(|| read_at_54460(&sparse_block(1 << 30, &[end | 1 << 30])));
    let err = result.unwrap_err();
    assert!(err.to_string().contains("sparse"), "{err}");
    assert!(largest < SMALL, "{largest} bytes at once");
    // A gap with the top bit set, then the end: refused, not an overflow.
    let err = read_at_54460(&sparse_block(3, &[1 << 63, end])).unwrap_err();
    assert!(err.to_string().contains("sparse offsets"), "{err}");
    // A real sparse column still reads: rows 0..4, value 7 at row 2.
    let mut body = sparse_block(4, &[2, end | 1]);
    body.extend_from_slice(&7u64.to_le_bytes());
    let blocks = read_at_54460(&body).unwrap();
    let values: Vec<Value> = (0..4)
        .map(|i| blocks[0].columns()[0].value(i, Tz::UTC))
        .collect();
    assert_eq!(values, [0u64, 0, 7, 0].map(Value::UInt64));
}

/// Found by fuzzing (type_string): `AggregateFunction(0, sumMap, ...)` kept its version 0, which
/// its binary encoding cannot tell from no version; the server prints version 0 as none, and
/// so does the parser now.
#[test]
fn aggregate_function_version_zero_is_none() {
    let text = "AggregateFunction(0, sumMap, Array(UInt8), Array(UInt64))";
    let parsed = DataType::parse(text).unwrap();
    assert_eq!(
        parsed.to_string(),
        "AggregateFunction(sumMap, Array(UInt8), Array(UInt64))"
    );
    assert_eq!(
        DataType::from_binary(&parsed.to_binary().unwrap()).unwrap(),
        parsed
    );
    let one = DataType::parse("AggregateFunction(1, sumMap, Array(UInt8), Array(UInt64))").unwrap();
    assert_eq!(
        DataType::from_binary(&one.to_binary().unwrap()).unwrap(),
        one
    );
}

/// Found by fuzzing (native_block, a slow unit): one row of 2^19 empty tuples in 25 bytes,
/// within the first bound (2^20 rows without bytes per block), took seconds to read cell by
/// cell. The bound is now a default block's worth (65 536). (`Tuple()` rows now take a byte
/// each, so the bound is shown with a block of 2^19 rows and no columns.)
#[test]
fn rows_without_bytes_fit_a_default_block() {
    let err = decode_blocks(&hex("00808020")).unwrap_err();
    assert!(err.to_string().contains("max_block_size"), "{err}");
    // A default block's worth is read.
    let blocks = decode_blocks(&hex("0080800400808004")).unwrap();
    assert_eq!(blocks.iter().map(|b| b.rows()).sum::<usize>(), 2 * 65_536);
}

/// A server names a column after its expression, a literal's bytes included: `SELECT
/// {p:String}` with the value `00 01 ff` comes back in a column named `'\0<01><ff>'` (seen from
/// the 26.9 engine once parameters travel as exact bytes). The name is no reason to refuse the
/// answer: it reads with U+FFFD for the byte that is not UTF-8, the value exactly.
#[test]
fn a_column_name_that_is_not_utf8_is_no_error() {
    // One column, one row: the name `'\0<01><ff>'` (6 bytes), type String, the value 00 01 ff.
    let body = hex("010106275c3001ff2706537472696e67030001ff");
    let blocks = decode_blocks(&body).unwrap();
    assert_eq!(blocks[0].names()[0], "'\\0\u{1}\u{fffd}'");
    assert_eq!(
        blocks[0].columns()[0].value(0, Tz::UTC),
        Value::String(vec![0, 1, 0xff])
    );
    // Type names must still be text (they must parse).
    let err = decode_blocks(&hex("0101016106ff7472696e6700")).unwrap_err();
    assert!(err.to_string().contains("not UTF-8"), "{err}");
}

/// Found by fuzzing (binary_value): a 286-byte RowBinary `JSON` value whose path holds maps
/// keyed by maps keyed by maps. Each key that is not a string was written as its JSON text
/// escaped into a string, so every level of keys doubled the text: the value took a minute
/// and gigabytes to print. A map, array or tuple key is now written in its text form, as the
/// server writes it, and the text grows with the input, not with 2^depth.
#[test]
fn json_map_keys_nested_in_keys_stay_small() {
    let input = hex(
        "01152200001601090200000000002900272727272727272727272727272727272727272727272727\
         27272727272727272727272727272727270101010101010101010101010101010101010101010101\
         01010101010101010101010101010101010101010101010101010101010101010101010101010101\
         01010101010101012727272727272727272727272727270000000000000000000000000000000000\
         00000000000000000000000000000000000000000030000000000008023000000000000000000000\
         0000000000000000007f000000000000032727272727272700000000000000000000000000000000\
         000000002727272727272727272727272727272727270100000027230e0e170e00000000008c8c00\
         00006e743634",
    );
    let json: DataType = "JSON(a UInt8)".parse().unwrap();
    let started = std::time::Instant::now();
    let (result, largest) = largest_allocation(|| {
        Value::from_row_binary(&json, &input, Tz::UTC).map(|v| v.to_string())
    });
    let took = started.elapsed();
    assert!(largest < 1 << 20, "{largest} bytes allocated at once");
    assert!(took < std::time::Duration::from_secs(5), "took {took:?}");
    if let Ok(text) = result {
        assert!(text.len() < 1 << 16, "{} bytes of text", text.len());
    }
}

/// Found by fuzzing (native_block): a 10-row `Dynamic(max_types=1)` column whose shared
/// variant holds a value of type `Tuple()`. An empty tuple's column had no element column to
/// count its rows, so the value's position under it was `0 - 1`: an overflow panic (then, as a
/// first fix, an error naming the type). A `Tuple()` column now keeps its row count, so the
/// value is read like any other, and this input fails where it is cut short: the shared value
/// of row 2.
#[test]
fn a_dynamic_value_of_type_tuple_without_elements_is_read() {
    let body = hex(
        "010a01781444796e616d6963286d61785f74797065733d31290100000000000000020205496e7436\
         3404555549440000000000000000000101ff01010201000000fffefff91717171717171717171717\
         17171717851700000220000007015a000000000000000000327a0000000000000000000000000000\
         00000043617264696e6174",
    );
    let err = decode_blocks(&body).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(
        err.to_string()
            .contains("the shared variant value of row 2 ends early"),
        "{err}"
    );
}

/// Found by fuzzing (native_block): a `Dynamic` column listing its types as `Int32` and
/// `Int1` (an alias of `Int8`). The discriminators follow the names as written, sorted (`Int1`
/// before `Int32`); written back with the types' own names, `Int8` sorts after `Int32`, so the
/// block did not read back. Names whose printed forms sort otherwise (or repeat) are refused.
#[test]
fn dynamic_member_types_keep_their_order_when_printed() {
    let body = hex(
        "010a01381444796e616d6963286d61785f74797065733d30290100000000000000020205496e7433\
         3204496e74310000000000000000000000000000000000000000000eddcc2861998a",
    );
    let err = decode_blocks(&body).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert!(err.to_string().contains("(Int8 then Int32)"), "{err}");
    // Spelled as the server spells them (here with ten NULL rows), the column reads.
    let body = hex(
        "010a01381444796e616d6963286d61785f74797065733d30290100000000000000020205496e7433\
         3204496e74380000000000000000ffffffffffffffffffff",
    );
    let blocks = decode_blocks(&body).unwrap();
    assert_eq!(blocks[0].rows(), 10);
    assert_eq!(blocks[0].column(0).unwrap().value(9, Tz::UTC), Value::Null);
}

/// `Tuple()` values take no bytes in RowBinary (a `Dynamic` shared value, a `JSON` path): an
/// `Array(Tuple())` value that claims 2^40 of them is not refused for the bytes at hand, which
/// it does not need, but bounded as rows without bytes, quickly and without a large allocation.
#[test]
fn a_binary_array_of_empty_tuples_is_bounded() {
    let (result, largest) = largest_allocation(|| {
        clickhouse_connect::Value::from_dynamic_binary(&hex("1e1f00808080808020"), Tz::UTC)
    });
    assert!(largest < SMALL, "{largest} bytes at once");
    let err = result.unwrap_err();
    assert!(err.to_string().contains("no bytes"), "{err}");
    let (data_type, value) =
        clickhouse_connect::Value::from_dynamic_binary(&hex("1e1f0003"), Tz::UTC).unwrap();
    assert_eq!(data_type.to_string(), "Array(Tuple())");
    assert_eq!(value, Value::Array(vec![Value::Tuple(vec![]); 3]));
}
