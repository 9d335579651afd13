//! Quickstart: talk to the local ClickHouse 26.9 engine and read the types of a table.
//!
//! Run it with `scripts/quickstart` (which starts the engine first), or with
//! `cargo run --example quickstart` when `CLICKHOUSE_URL` points at a running server.
//!
//! The `Client` arrives with the HTTP client issue; until then this example speaks the HTTP
//! interface directly and shows the type grammar at work: every column type of
//! `system.tables` is parsed into a `DataType` and printed back in canonical form.

use clickhouse_connect::DataType;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::var("CLICKHOUSE_URL").unwrap_or_else(|_| "http://127.0.0.1:28123".into());
    let http = reqwest::Client::new();
    let run = |sql: &'static str| {
        let request = http.post(format!("{url}/")).body(sql);
        async move {
            let response = request.send().await?;
            let status = response.status();
            let text = response.text().await?;
            if !status.is_success() {
                return Err(format!("ClickHouse answered {status}: {text}").into());
            }
            Ok::<String, Box<dyn std::error::Error>>(text)
        }
    };

    let version = run("SELECT version()").await?;
    println!("connected to ClickHouse {}", version.trim());

    let columns = run(
        "SELECT name, type FROM system.columns WHERE database = 'system' AND table = 'tables' \
         ORDER BY position SETTINGS print_pretty_type_names = 0 FORMAT TSVRaw",
    )
    .await?;
    for line in columns.lines() {
        let (name, type_text) = line.split_once('\t').ok_or("malformed TSV line")?;
        let data_type = DataType::parse(type_text)?;
        println!("{name:<36} {:<40} family {}", data_type.to_string(), data_type.family());
    }
    Ok(())
}
