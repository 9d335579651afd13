//! The seed corpora: small inputs of every kind each target reads, from the bytes the engines
//! produced (`testdata/captured/*.bin`, `FORMAT Native` at revision 0) and the formats' layouts.

use std::path::{Path, PathBuf};

use clickhouse_connect::compression::{Method, encode};
use clickhouse_connect::fuzzing::{frame_checksum, write_block};
use clickhouse_connect::native::decode_blocks;
use clickhouse_connect::{Block, DataType};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = root().join("seeds").join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn captured() -> Vec<(String, Vec<u8>)> {
    let dir = root().join("../testdata/captured");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "bin") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            out.push((name, std::fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn string(out: &mut Vec<u8>, s: &[u8]) {
    assert!(s.len() < 128);
    out.push(s.len() as u8);
    out.extend_from_slice(s);
}

/// The inputs of issue 20, each once a crash or a hang.
const HOSTILE_BODIES: &[&str] = &[
    "01808080808020016a044a534f4e030000000000000000",
    "010101740954696d653634283029ffffffffffffff7f",
    "010101610c4172726179285475706c65290000000000010000",
    concat!(
        "010a01781444796e616d6963286d61785f74797065733d32290100000000000000020205496e7436340455",
        "5549440000000000000000000101ff01010200010101000000000000000700000000000000132626262626",
        "2626262626262626262626150161090e0000000000000440051e01020102030f0c4d0c2715190902010",
        "16b960000000b20020161010162150101787766554433221100ffeeddccbbaa9988"
    ),
];

/// Types and RowBinary values the 26.9 engine wrote (from `value::binary`'s golden table).
const BINARY_VALUES: &[(&str, &str)] = &[
    ("Int8", "fe"),
    (
        "UInt256",
        "0201000000000000000000000000000000000000000000000000000000000000",
    ),
    ("Decimal(18, 3)", "c7cfffffffffffff"),
    ("DateTime64(3, 'UTC')", "2ecf35646f010000"),
    ("Time64(1)", "8d6effffffffffff"),
    ("UUID", "7766554433221100ffeeddccbbaa9988"),
    ("FixedString(3)", "616200"),
    ("Enum16('a' = -1000, 'b' = 1000)", "e803"),
    ("Array(Array(UInt8))", "020201020103"),
    ("Map(String, Nullable(Int32))", "02016b01017a0001000000"),
    ("Tuple(a UInt8, b String)", "010178"),
    ("LowCardinality(Nullable(String))", "01"),
    (
        "Ring",
        "02000000000000f03f000000000000004000000000000008400000000000001040",
    ),
    ("Variant(String, UInt64)", "000178"),
    ("Array(Dynamic)", "04150131150161001e0e01000000000000f83f"),
    ("JSON(a UInt8)", "0201610102016215017a"),
    ("IntervalDay", "0300000000000000"),
];

#[test]
#[ignore = "writes fuzz/seeds; run by hand after a format change"]
fn write_seeds() {
    // Files are written over, never the folders removed: the seeds kept from findings
    // (`finding_*`) and the targets this writer does not cover (`migrate_split`, `reflect_sql`,
    // `sql_text`) live beside them.
    let revisions = [0u64, 54412, 54454, 54460];
    let mut blocks: Vec<(String, Block)> = Vec::new();

    // native_block: [revision | seed byte, seed byte] + body.
    for (name, body) in captured() {
        for (r, revision) in revisions.iter().enumerate() {
            let decoded = decode_blocks(&body).unwrap();
            let mut out = vec![r as u8 | 0x28, 0x11];
            for block in &decoded {
                write_block(block, *revision, &mut out);
            }
            write("native_block", &format!("{name}_{revision}"), &out);
        }
        for (i, block) in decode_blocks(&body).unwrap().into_iter().enumerate() {
            blocks.push((format!("{name}_{i}"), block));
        }
    }
    for (i, body) in HOSTILE_BODIES.iter().enumerate() {
        let mut out = vec![0, 0];
        out.extend_from_slice(&hex(body));
        write("native_block", &format!("issue20_{i}"), &out);
    }

    // server_packet: [revision index | flags] + packets.
    let rev_54460 = 7u8;
    let rev_54412 = 4u8;
    let mut hello = vec![rev_54412, 0x00, 0x0A];
    hello.extend_from_slice(b"ClickHouse");
    hello.extend_from_slice(&[0x12, 0x10, 0x8C, 0xA9, 0x03, 0x07]);
    hello.extend_from_slice(b"Etc/UTC");
    hello.push(0x11);
    hello.extend_from_slice(b"clickhouse-legacy");
    hello.push(0x01);
    write("server_packet", "hello_18_16", &hello);
    write(
        "server_packet",
        "progress_54412",
        &[rev_54412, 3, 3, 24, 0, 4, 5],
    );
    write(
        "server_packet",
        "progress_profile_54460",
        &[
            rev_54460, 3, 3, 24, 10, 5, 40, 0x80, 0x01, 6, 10, 1, 80, 1, 20, 1, 5,
        ],
    );
    let mut exception = vec![rev_54460, 2];
    for (code, nested) in [(60i32, 1u8), (1000, 0)] {
        exception.extend_from_slice(&code.to_le_bytes());
        string(&mut exception, b"DB::Exception");
        string(
            &mut exception,
            b"DB::Exception: Table default.x does not exist",
        );
        string(&mut exception, b"0. frame\n1. frame\n");
        exception.push(nested);
    }
    write("server_packet", "exception_nested", &exception);
    let mut misc = vec![rev_54460, 17];
    string(&mut misc, b"Europe/Berlin");
    misc.push(11);
    string(&mut misc, b"");
    string(
        &mut misc,
        b"columns format version: 1\n1 columns:\n`x` UInt8\n",
    );
    misc.push(4);
    write("server_packet", "timezone_tablecolumns_pong", &misc);
    for (name, block) in &blocks {
        for (flags, revision) in [(rev_54460, 54460u64), (rev_54412, 54412)] {
            let mut plain = vec![flags, 1];
            string(&mut plain, b"");
            write_block(block, revision, &mut plain);
            plain.push(5);
            write("server_packet", &format!("data_{name}_{revision}"), &plain);
        }
        let mut framed = vec![rev_54460 | 8, 1];
        string(&mut framed, b"");
        let mut body = Vec::new();
        write_block(block, 54460, &mut body);
        encode(Method::Lz4, 1, &body, &mut framed).unwrap();
        write("server_packet", &format!("data_{name}_lz4"), &framed);
    }

    // frame: [mode] + frame.
    for (name, body) in captured().into_iter().take(3) {
        for method in [Method::None, Method::Lz4, Method::Zstd] {
            let mut out = vec![0u8];
            encode(method, 1, &body, &mut out).unwrap();
            write("frame", &format!("{name}_{method:?}"), &out);
        }
    }
    let issue_frame = hex(
        "5b4d1e9f6aecd79fe13f0727fbe7c7e5821b000000fffffffff00130313233343536373839616263646566",
    );
    let mut out = vec![0u8];
    out.extend_from_slice(&issue_frame);
    write("frame", "issue20_declared_4gib", &out);
    let mut lz4 = vec![1u8];
    lz4.extend_from_slice(&[0; 16]);
    lz4.push(0x82);
    lz4.extend_from_slice(&(9u32 + 11).to_le_bytes());
    lz4.extend_from_slice(&10u32.to_le_bytes());
    lz4.extend_from_slice(b"\xa0SELECT 1+1");
    let sum = frame_checksum(&lz4[17..]);
    lz4[1..17].copy_from_slice(&sum);
    write("frame", "select_1_plus_1", &lz4);

    // binary_value: mode 0 (Dynamic), 1 (type string and RowBinary), 2 (binary type).
    for (i, (t, value)) in BINARY_VALUES.iter().enumerate() {
        let data_type: DataType = t.parse().unwrap();
        let mut text = vec![1u8];
        text.extend_from_slice(t.as_bytes());
        text.push(0);
        text.extend_from_slice(&hex(value));
        write("binary_value", &format!("row_binary_{i}"), &text);
        if let Ok(binary) = data_type.to_binary() {
            let mut dynamic = vec![0u8];
            dynamic.extend_from_slice(&binary);
            dynamic.extend_from_slice(&hex(value));
            write("binary_value", &format!("dynamic_{i}"), &dynamic);
            let mut alone = vec![2u8];
            alone.extend_from_slice(&binary);
            write("binary_value", &format!("type_{i}"), &alone);
        }
    }

    // http_exception: [mode] + text.
    let bodies: &[(&str, u8, &str)] = &[
        (
            "body_26",
            0,
            "Code: 60. DB::Exception: Unknown table expression identifier 'x' in scope SELECT * \
             FROM x. (UNKNOWN_TABLE) (version 26.9.1.1 (official build))\n",
        ),
        (
            "body_18",
            0,
            "Code: 60, e.displayText() = DB::Exception: Table default.x doesn't exist., \
             e.what() = DB::Exception\n",
        ),
        (
            "stream_24",
            1,
            "1\n2\nCode: 395, e.displayText() = DB::Exception: Value passed to 'throwIf' \
             function is non zero, e.what() = DB::Exception\n",
        ),
        (
            "stream_25_11",
            3,
            "abcd1234abcd1234\x01\x02data\r\n__exception__\r\nabcd1234abcd1234\r\nCode: 395. \
             DB::Exception: boom: while executing. (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO) \
             (version 26.9.2.1)\n123 abcd1234abcd1234\r\n__exception__\r\n",
        ),
    ];
    for (name, mode, text) in bodies {
        let mut out = vec![*mode];
        out.extend_from_slice(text.as_bytes());
        write("http_exception", name, &out);
    }

    // type_string: the hand list's inputs.
    let list = std::fs::read_to_string(root().join("../testdata/type_strings.tsv")).unwrap();
    for (i, line) in list.lines().filter(|l| !l.starts_with('#')).enumerate() {
        if let Some(input) = line.split('\t').next() {
            write("type_string", &format!("{i:03}"), input.as_bytes());
        }
    }
}
