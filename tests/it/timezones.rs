//! Time zones: a column's zone comes from its type, else from the server, else the caller's
//! override; the host's zone never matters. Inserting a date-time of one zone into a column of
//! another stores the same instant.

use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use clickhouse_connect::{Compression, Value};

use crate::common::{Server, client_for, engine, legacy_tcp};

const INSTANT: i64 = 1_700_000_000;

fn date_time(v: &Value) -> DateTime<Tz> {
    match v {
        Value::DateTime(dt) => *dt,
        other => panic!("a date-time expected, got {other:?}"),
    }
}

fn offset_hours(dt: &DateTime<Tz>) -> i32 {
    dt.offset().fix().local_minus_utc() / 3600
}

async fn check_zones(server: &Server, top_level_keeps_zone: bool) {
    let client = client_for(server, Compression::Lz4);
    let sql = format!(
        "SELECT toDateTime({INSTANT}, 'Asia/Tokyo') AS top, [toDateTime({INSTANT}, 'Asia/Tokyo')] AS nested, \
         toDateTime({INSTANT}) AS plain"
    );
    let row = client
        .query(sql.clone())
        .await
        .unwrap()
        .result_rows()
        .remove(0);
    let top = date_time(&row[0]);
    let Value::Array(nested) = &row[1] else {
        panic!("an array")
    };
    let nested = date_time(&nested[0]);
    let plain = date_time(&row[2]);
    for dt in [top, nested, plain] {
        assert_eq!(
            dt.timestamp(),
            INSTANT,
            "{}: every value is the same instant",
            server.name
        );
    }
    assert_eq!(
        offset_hours(&nested),
        9,
        "{}: a nested DateTime('Asia/Tokyo') keeps its zone",
        server.name
    );
    assert_eq!(
        offset_hours(&plain),
        0,
        "{}: a zone-less column reads in the server's zone (UTC)",
        server.name
    );
    // Over HTTP, revision-0 Native renames a top-level DateTime('tz') to DateTime: the server's zone.
    let expected_top = if top_level_keeps_zone { 9 } else { 0 };
    assert_eq!(
        offset_hours(&top),
        expected_top,
        "{}: top-level zone",
        server.name
    );

    let berlin: Tz = "Europe/Berlin".parse().unwrap();
    let row = client
        .query(sql)
        .timezone(berlin)
        .await
        .unwrap()
        .result_rows()
        .remove(0);
    assert_eq!(
        offset_hours(&date_time(&row[2])),
        1,
        "{}: the override applies to zone-less columns",
        server.name
    );
    let Value::Array(nested) = &row[1] else {
        panic!("an array")
    };
    assert_eq!(
        offset_hours(&date_time(&nested[0])),
        9,
        "{}: but not to columns with a zone",
        server.name
    );
}

#[tokio::test]
async fn zones_come_from_the_type_then_the_server_then_the_override() {
    check_zones(&engine().await, false).await;
    // The native protocol keeps DateTime('tz') names (revision 54337 and later).
    check_zones(&legacy_tcp().await, true).await;
}

#[tokio::test]
async fn a_zoned_date_time_inserted_into_another_zone_keeps_its_instant() {
    for server in [engine().await, legacy_tcp().await] {
        let client = client_for(&server, Compression::Lz4);
        let db = server.fresh_database("tz_insert").await;
        let table = format!("{db}.t");
        server
            .run(&format!("CREATE TABLE {table} (la DateTime('America/Los_Angeles'), utc DateTime('UTC')) ENGINE = Memory"), &[])
            .await;
        let kolkata: Tz = "Asia/Kolkata".parse().unwrap();
        let when = kolkata.timestamp_opt(INSTANT, 0).unwrap();
        client
            .insert(
                &table,
                &["la", "utc"],
                vec![(Value::DateTime(when), Value::DateTime(when))],
            )
            .await
            .unwrap();
        let stored = server
            .run(
                &format!("SELECT toUnixTimestamp(la), toUnixTimestamp(utc) FROM {table}"),
                &[],
            )
            .await;
        assert_eq!(stored, format!("{INSTANT}\t{INSTANT}\n"), "{}", server.name);
        let back: Vec<(DateTime<Utc>, DateTime<Utc>)> = client
            .query(format!("SELECT la, utc FROM {table}"))
            .fetch_all()
            .await
            .unwrap();
        assert_eq!(back[0].0.timestamp(), INSTANT);
        server.run(&format!("DROP DATABASE {db}"), &[]).await;
    }
}

#[test]
fn the_hosts_zone_never_matters() {
    // Runs the zone test again in child processes whose TZ is three different zones.
    let exe = std::env::current_exe().expect("the test binary");
    for tz in ["Pacific/Auckland", "America/Sao_Paulo", "Asia/Kathmandu"] {
        let output = std::process::Command::new(&exe)
            .args([
                "--exact",
                "timezones::zones_come_from_the_type_then_the_server_then_the_override",
                "--test-threads=1",
            ])
            .env("TZ", tz)
            .output()
            .expect("the child test runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "TZ={tz}: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            stdout.contains("1 passed"),
            "TZ={tz}: the child ran no test: {stdout}"
        );
    }
}
