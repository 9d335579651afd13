//! Golden bytes for the native protocol's packets, checked against the notes
//! (`clickhouse-wire-formats.md` §4, bytes marked verified there) and against captures from the
//! local 18.16 server. Packets the 18.16 server cannot produce (fields gated above its revision
//! 54412, ProfileEvents, sparse columns) are built here from the notes' layouts.

use crate::column::Column;
use crate::compression::Method;
use crate::native::Block;
use crate::native::packets::*;
use crate::types::DataType;
use crate::value::Value;

fn ctx(revision: u64, compressed: bool) -> PacketContext {
    PacketContext {
        revision,
        compressed,
        empty_low_cardinality_bodies: false,
        zone: chrono_tz::Tz::UTC,
    }
}

fn parse(bytes: &[u8], context: PacketContext) -> ServerPacket {
    let (packet, used) = parse_server_packet(bytes, context)
        .unwrap()
        .expect("a whole packet");
    assert_eq!(used, bytes.len(), "the packet takes every byte");
    for end in 0..bytes.len() {
        assert!(
            parse_server_packet(&bytes[..end], context)
                .unwrap()
                .is_none(),
            "a strict prefix of {end} bytes must wait for more"
        );
    }
    packet
}

fn string(out: &mut Vec<u8>, s: &str) {
    out.push(s.len() as u8);
    out.extend_from_slice(s.as_bytes());
}

#[test]
fn client_hello_matches_the_notes() {
    let mut out = Vec::new();
    ClientHello {
        client_name: "probe".into(),
        major: 1,
        minor: 0,
        database: "default".into(),
        user: "default".into(),
        password: String::new(),
    }
    .write(&mut out);
    let mut expected = vec![0x00, 0x05];
    expected.extend_from_slice(b"probe");
    expected.extend_from_slice(&[0x01, 0x00, 0xBC, 0xA9, 0x03, 0x07]);
    expected.extend_from_slice(b"default");
    expected.push(0x07);
    expected.extend_from_slice(b"default");
    expected.push(0x00);
    assert_eq!(out, expected);
    let mut addendum = Vec::new();
    ClientHello::write_addendum(&mut addendum, 54460);
    assert_eq!(addendum, [0x00], "an empty quota key");
    addendum.clear();
    ClientHello::write_addendum(&mut addendum, 54412);
    assert!(addendum.is_empty(), "no addendum below 54458");
}

#[test]
fn server_hello_from_18_16() {
    // Captured from the local 18.16 server.
    let mut bytes = vec![0x00, 0x0A];
    bytes.extend_from_slice(b"ClickHouse");
    bytes.extend_from_slice(&[0x12, 0x10, 0x8C, 0xA9, 0x03, 0x07]);
    bytes.extend_from_slice(b"Etc/UTC");
    bytes.push(0x11);
    bytes.extend_from_slice(b"clickhouse-legacy");
    bytes.push(0x01);
    let ServerPacket::Hello(hello) = parse(&bytes, ctx(0, false)) else {
        panic!("a hello")
    };
    assert_eq!(
        (hello.major, hello.minor, hello.revision, hello.patch),
        (18, 16, 54412, Some(1))
    );
    assert_eq!(hello.timezone.as_deref(), Some("Etc/UTC"));
    assert_eq!(hello.display_name.as_deref(), Some("clickhouse-legacy"));
    assert_eq!(hello.negotiated_revision(), 54412);
    assert_eq!(hello.version(), "18.16.1");
}

#[test]
fn server_hello_from_a_newer_server_stops_at_our_revision() {
    // A 26.x server (revision 54479) answering a 54460 client sends nothing gated above 54460.
    let mut bytes = vec![0x00];
    string(&mut bytes, "ClickHouse");
    bytes.extend_from_slice(&[26, 9]);
    crate::wire::put_varuint(&mut bytes, 54479);
    string(&mut bytes, "Europe/Berlin");
    string(&mut bytes, "node-1");
    bytes.push(2);
    let ServerPacket::Hello(hello) = parse(&bytes, ctx(0, false)) else {
        panic!("a hello")
    };
    assert_eq!(hello.negotiated_revision(), 54460);
    assert_eq!(hello.version(), "26.9.2");
}

#[test]
fn query_packet_layout_at_54460() {
    let packet = QueryPacket {
        query_id: "q1".into(),
        client_info: ClientInfo {
            client_name: "c".into(),
            major: 1,
            minor: 2,
            patch: 3,
            os_user: "u".into(),
            hostname: "h".into(),
            address: "127.0.0.1:5".into(),
        },
        settings: vec![("max_threads".into(), "4".into())],
        compression: true,
        sql: "SELECT {x:String}".into(),
        parameters: vec![("x".into(), "it's".into())],
    };
    let mut out = Vec::new();
    packet.write(&mut out, 54460);
    let mut expected = vec![0x01];
    string(&mut expected, "q1");
    expected.push(1); // initial query
    string(&mut expected, "");
    string(&mut expected, "");
    string(&mut expected, "127.0.0.1:5");
    expected.extend_from_slice(&0u64.to_le_bytes()); // start time (54449+)
    expected.push(1); // TCP
    string(&mut expected, "u");
    string(&mut expected, "h");
    string(&mut expected, "c");
    expected.extend_from_slice(&[1, 2, 0xBC, 0xA9, 0x03]);
    string(&mut expected, ""); // quota key
    expected.push(0); // distributed depth
    expected.push(3); // patch
    expected.push(0); // no trace context
    expected.extend_from_slice(&[0, 0, 0]); // parallel replicas
    string(&mut expected, "max_threads");
    expected.push(0x01); // important
    string(&mut expected, "4");
    string(&mut expected, ""); // end of settings
    string(&mut expected, ""); // interserver secret
    expected.extend_from_slice(&[2, 1]); // stage Complete, compression on
    string(&mut expected, "SELECT {x:String}");
    string(&mut expected, "x");
    expected.push(0x02); // custom
    string(&mut expected, "'it\\'s'");
    string(&mut expected, ""); // end of parameters
    assert_eq!(out, expected);

    // At 54412 (18.16): no settings, no interserver secret, no parameters, fewer client fields.
    let mut old = Vec::new();
    QueryPacket {
        settings: Vec::new(),
        parameters: Vec::new(),
        ..packet
    }
    .write(&mut old, 54412);
    assert!(old.len() < out.len());
    assert!(old.ends_with(b"\x02\x01\x11SELECT {x:String}"), "{old:?}");
}

#[test]
fn progress_fields_follow_the_revision() {
    // 18.16: read_rows, read_bytes, total_rows_to_read only.
    let ServerPacket::Progress(p) = parse(&[3, 3, 24, 0], ctx(54412, false)) else {
        panic!()
    };
    assert_eq!(
        (
            p.read_rows,
            p.read_bytes,
            p.total_rows_to_read,
            p.written_rows
        ),
        (3, 24, 0, 0)
    );
    // 54460: plus written rows and bytes and the elapsed time.
    let ServerPacket::Progress(p) = parse(&[3, 3, 24, 10, 5, 40, 0x80, 0x01], ctx(54460, false))
    else {
        panic!()
    };
    assert_eq!(
        (p.written_rows, p.written_bytes, p.elapsed_ns),
        (5, 40, 128)
    );
}

#[test]
fn profile_info_and_simple_packets() {
    let ServerPacket::ProfileInfo(info) = parse(&[6, 10, 1, 80, 1, 20, 1], ctx(54460, false))
    else {
        panic!()
    };
    assert_eq!(
        (
            info.rows,
            info.blocks,
            info.bytes,
            info.applied_limit,
            info.rows_before_limit
        ),
        (10, 1, 80, true, 20)
    );
    assert_eq!(parse(&[4], ctx(54460, false)), ServerPacket::Pong);
    assert_eq!(parse(&[5], ctx(54460, false)), ServerPacket::EndOfStream);
    let mut tz = vec![17];
    string(&mut tz, "Asia/Tokyo");
    assert_eq!(
        parse(&tz, ctx(54460, false)),
        ServerPacket::TimezoneUpdate("Asia/Tokyo".into())
    );
    let mut columns = vec![11];
    string(&mut columns, "");
    string(
        &mut columns,
        "columns format version: 1\n1 columns:\n`x` UInt8\n",
    );
    let ServerPacket::TableColumns(t) = parse(&columns, ctx(54460, false)) else {
        panic!()
    };
    assert!(t.description.contains("`x` UInt8"));
}

#[test]
fn nested_exceptions_keep_every_level_and_the_stack() {
    let mut bytes = vec![2];
    bytes.extend_from_slice(&60i32.to_le_bytes());
    string(&mut bytes, "DB::Exception");
    string(
        &mut bytes,
        "Code: 60. DB::Exception: Table x does not exist. (UNKNOWN_TABLE)",
    );
    string(&mut bytes, "0. frame");
    bytes.push(1);
    bytes.extend_from_slice(&1000i32.to_le_bytes());
    string(&mut bytes, "Poco::Exception");
    string(&mut bytes, "inner");
    string(&mut bytes, "");
    bytes.push(0);
    let ServerPacket::Exception(e) = parse(&bytes, ctx(54460, false)) else {
        panic!()
    };
    assert_eq!((e.code(), e.name.as_str()), (60, "UNKNOWN_TABLE"));
    // The message is the server's message; the stack trace is a field of its own.
    assert_eq!(e.message, "Table x does not exist");
    assert_eq!(e.stack_trace.as_deref(), Some("0. frame"));
    let nested = e.nested.as_deref().expect("the nested exception");
    assert_eq!((nested.code(), nested.message.as_str()), (1000, "inner"));
    assert!(nested.nested.is_none() && nested.stack_trace.is_none());
    assert_eq!(e.chain().count(), 2);
    let error = crate::Error::from(e);
    let source = std::error::Error::source(&error).expect("the nested exception as the source");
    assert_eq!(
        source.to_string(),
        "ClickHouse exception 1000 (POCO_EXCEPTION): inner"
    );
}

fn sample_block() -> Block {
    let mut ids = Column::empty(DataType::UInt64).unwrap();
    let mut names = Column::empty(DataType::parse("LowCardinality(String)").unwrap()).unwrap();
    for i in 0..1000u64 {
        ids.push_value(&Value::from(i)).unwrap();
        names
            .push_value(&Value::from(format!("n{}", i % 7)))
            .unwrap();
    }
    let mut block = Block::new();
    block.push("id", ids).unwrap();
    block.push("name", names).unwrap();
    block
}

/// A server Data packet: the client Data packet's bytes with the server's code.
fn server_data(block: &Block, revision: u64, method: Option<(Method, i32)>) -> Vec<u8> {
    let mut out = Vec::new();
    write_data(&mut out, block, revision, method).unwrap();
    assert_eq!(out[0], 2, "client Data code");
    out[0] = 1;
    out
}

#[test]
fn data_packets_round_trip_compressed_or_not() {
    let block = sample_block();
    for (revision, method) in [
        (54412, None),
        (54460, None),
        (54460, Some((Method::Lz4, 0))),
        (54460, Some((Method::Zstd, 3))),
    ] {
        let bytes = server_data(&block, revision, method);
        let ServerPacket::Data(DataKind::Data, back) =
            parse(&bytes, ctx(revision, method.is_some()))
        else {
            panic!()
        };
        assert_eq!(back, block, "revision {revision}, {method:?}");
    }
    // The empty block that ends a client's data, as the notes spell it.
    let mut end = Vec::new();
    write_data(&mut end, &Block::new(), 54460, None).unwrap();
    assert_eq!(
        end,
        [
            0x02, 0x00, 0x01, 0x00, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00
        ]
    );
    let mut end_54412 = Vec::new();
    write_data(&mut end_54412, &Block::new(), 54412, None).unwrap();
    assert_eq!(
        end_54412,
        [
            0x02, 0x00, 0x01, 0x00, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00
        ]
    );
}

#[test]
fn profile_events_are_never_compressed() {
    // ProfileEvents (14) at 54460: `String ""` then a plain block with BlockInfo and has_custom
    // bytes, even when the query compresses its data.
    let mut block = Block::new();
    let mut names = Column::empty(DataType::String).unwrap();
    names.push_value(&Value::from("SelectedRows")).unwrap();
    let mut values = Column::empty(DataType::Int64).unwrap();
    values.push_value(&Value::from(42i64)).unwrap();
    block.push("name", names).unwrap();
    block.push("value", values).unwrap();
    let mut bytes = vec![14, 0];
    block.write(&mut bytes, 54460);
    let ServerPacket::ProfileEvents(back) = parse(&bytes, ctx(54460, true)) else {
        panic!()
    };
    assert_eq!(back, block);
}

#[test]
fn sparse_columns_are_decoded_dense() {
    // One UInt64 column of 5 rows with has_custom = 1 and the SPARSE kind, as servers of 23.7
    // could send at 54460: gaps 1, 1, then the end marker with 1 trailing default; values 7, 9.
    let mut bytes = vec![1, 0, 1, 0, 2, 0xFF, 0xFF, 0xFF, 0xFF, 0, 1, 5];
    string(&mut bytes, "x");
    string(&mut bytes, "UInt64");
    bytes.extend_from_slice(&[1, 1]); // has_custom, kind SPARSE
    bytes.extend_from_slice(&[1, 1]); // gaps
    crate::wire::put_varuint(&mut bytes, (1 << 62) | 1);
    bytes.extend_from_slice(&7u64.to_le_bytes());
    bytes.extend_from_slice(&9u64.to_le_bytes());
    let ServerPacket::Data(_, block) = parse(&bytes, ctx(54460, false)) else {
        panic!("a data packet")
    };
    let values: Vec<Value> = (0..5)
        .map(|i| block.columns()[0].value(i, chrono_tz::Tz::UTC))
        .collect();
    assert_eq!(values, [0u64, 7, 0, 9, 0].map(Value::UInt64));
    // Offsets that do not add up to the block's rows are an error, not garbage.
    let mut short = bytes.clone();
    let at = short.len() - 16 - 9;
    short[at] = 2;
    assert!(parse_server_packet(&short, ctx(54460, false)).is_err());
}

#[test]
fn unknown_packets_are_protocol_errors() {
    let err = parse_server_packet(&[99], ctx(54460, false)).unwrap_err();
    assert!(err.to_string().contains("unexpected packet 99"), "{err}");
}

#[test]
fn cancel_and_ping_are_single_bytes() {
    let mut out = Vec::new();
    write_cancel(&mut out);
    write_ping(&mut out);
    assert_eq!(out, [3, 4]);
}
