//! The crate's one `Error`: each kind a caller can branch on, the cause behind it reached through
//! `source()`, and no password in any `Display` or `Debug` of an error, a client, a builder or a
//! connection.

use std::error::Error as _;
use std::time::Duration;

use clickhouse_connect::{Client, ClientBuilder, DataType, Error, ErrorKind};

use crate::common::{Server, both_clients, engine, legacy, legacy_tcp};

/// The password every test here uses; it must never show.
const PASSWORD: &str = "sup3r-s3cret-pw";

/// `Display`, alternate `Display` and `Debug` of `e`, and of every cause behind it.
fn everything_shown(e: &Error) -> String {
    let mut shown = format!("{e} {e:#} {e:?}");
    let mut cause = e.source();
    while let Some(c) = cause {
        shown.push_str(&format!(" | {c} {c:?}"));
        cause = c.source();
    }
    shown
}

fn assert_hidden(what: &str, shown: &str) {
    assert!(
        !shown.contains(PASSWORD) && !shown.contains("s3cret"),
        "{what} shows the password: {shown}"
    );
}

/// The chain of causes, as types the test can name.
fn causes(e: &Error) -> Vec<&(dyn std::error::Error + 'static)> {
    let mut chain = Vec::new();
    let mut cause = e.source();
    while let Some(c) = cause {
        chain.push(c);
        cause = c.source();
    }
    chain
}

#[tokio::test]
async fn connection_failures_keep_the_io_cause() {
    // Native: the refused connect is an io::Error behind the connection error.
    let err = Client::builder()
        .url("tcp://127.0.0.1:1")
        .build()
        .unwrap()
        .ping()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert!(err.is_connection() && err.is_retryable());
    assert!(err.to_string().contains("127.0.0.1:1"), "{err}");
    let io = causes(&err)
        .into_iter()
        .find_map(|c| c.downcast_ref::<std::io::Error>())
        .unwrap_or_else(|| panic!("no io::Error behind {err:?}"));
    assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);

    // HTTP: a reqwest error (its URL removed) behind it, and an io::Error further down.
    let err = Client::builder()
        .url("http://127.0.0.1:1")
        .build()
        .unwrap()
        .ping()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    let chain = causes(&err);
    let reqwest = chain
        .iter()
        .find_map(|c| c.downcast_ref::<reqwest::Error>())
        .unwrap_or_else(|| panic!("no reqwest::Error behind {err:?}"));
    assert!(reqwest.is_connect() && reqwest.url().is_none());
    assert!(
        chain
            .iter()
            .any(|c| c.downcast_ref::<std::io::Error>().is_some()),
        "{chain:?}"
    );
}

#[tokio::test]
async fn a_tls_failure_keeps_its_cause() {
    // The local server's certificate is signed by the scripts' own CA, which is not trusted
    // without `tls_ca_file`.
    let url =
        std::env::var("CLICKHOUSE_TLS_URL").unwrap_or_else(|_| "tcps://localhost:19440".into());
    let err = Client::builder()
        .url(url)
        .build()
        .unwrap()
        .ping()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err:?}");
    assert!(err.to_string().contains("TLS handshake"), "{err}");
    let cause = err.source().expect("the handshake's error");
    assert!(
        cause.to_string().to_lowercase().contains("certificate"),
        "{cause}"
    );
}

#[tokio::test]
async fn server_errors_timeouts_and_configuration() {
    for (server, client) in both_clients().await {
        let err = client.query("SELEC 1").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Server, "{}", server.name);
        assert!(!err.is_retryable() && !err.is_connection());
        let server_error = err.server().unwrap();
        assert_eq!(server_error.name, "SYNTAX_ERROR", "{}", server.name);
        assert!(
            !server_error.message.starts_with("DB::") && !server_error.message.contains("Stack"),
            "{}: {}",
            server.name,
            server_error.message
        );
    }
    let slow = Client::builder()
        .url(engine().await.client_url.clone())
        .request_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = slow.query("SELECT sleep(1)").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_timeout() && err.is_retryable());

    let err = ClientBuilder::default()
        .url("http://h:99999999/")
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(
        err.source()
            .is_some_and(|c| c.downcast_ref::<url::ParseError>().is_some()),
        "{err:?}"
    );
    let err = DataType::parse("Array(").map_err(Error::from).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TypeParse);
    assert!(err.source().is_some(), "{err:?}");
}

async fn with_password(server: &Server, user: &str, password: &str) -> Client {
    Client::builder()
        .url(server.client_url.clone())
        .user(user)
        .password(password)
        .build()
        .unwrap()
}

#[tokio::test]
async fn no_password_ever_shows() {
    // Wrong passwords, on every engine and transport: the server's refusal carries none.
    for server in [engine().await, legacy().await, legacy_tcp().await] {
        let client = with_password(&server, "alice", PASSWORD).await;
        assert_hidden("a client", &format!("{client:?}"));
        let err = client.query("SELECT 1").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Server, "{}: {err:?}", server.name);
        assert_hidden("a refused login", &everything_shown(&err));
        let err = client.ping().await.err();
        if let Some(err) = err {
            assert_hidden("a refused ping", &everything_shown(&err));
        }
    }
    // Unreachable servers, a password in the URL.
    for url in [
        format!("http://alice:{PASSWORD}@127.0.0.1:1/db"),
        format!("tcp://alice:{PASSWORD}@127.0.0.1:1/db"),
    ] {
        let builder = Client::builder().url(url.clone());
        assert_hidden("a builder", &format!("{builder:?}"));
        let client = builder.build().unwrap();
        assert_hidden("a client", &format!("{client:?}"));
        let err = client.query("SELECT 1").await.unwrap_err();
        assert!(err.is_connection(), "{err:?}");
        assert_hidden("an unreachable server", &everything_shown(&err));
    }
    // Configuration errors that echo the URL.
    for dsn in [
        format!("http://alice:{PASSWORD}@127.0.0.1:99999/default"),
        format!("ftp://alice:{PASSWORD}@host/"),
        format!("http://alice:{PASSWORD}@host/?compression=snappy"),
        format!("http://alice:{PASSWORD}@[::1/"),
    ] {
        let err = Client::from_dsn(&dsn).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config, "{err:?}");
        assert_hidden("a configuration error", &everything_shown(&err));
        let builder = Client::builder().url(dsn.clone());
        assert_hidden("a builder", &format!("{builder:?}"));
        let err = builder.build().unwrap_err();
        assert_hidden("a configuration error", &everything_shown(&err));
    }
    // A good login: the client and an open connection show no password either.
    for server in [engine().await, legacy().await, legacy_tcp().await] {
        let client = with_password(&server, "alice", "secret").await;
        let mut conn = client.connection().await.unwrap();
        assert_eq!(conn.query("SELECT 1").scalar::<u8>().await.unwrap(), 1);
        let shown = format!("{client:?} {conn:?}");
        assert!(!shown.contains("secret"), "{}: {shown}", server.name);
    }
}
