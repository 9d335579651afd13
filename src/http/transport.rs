//! The HTTP transport: one reqwest client (and its connection pool) per [`Client`](crate::Client).

use bytes::Bytes;
use chrono_tz::Tz;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, HeaderValue};
use tokio::sync::OnceCell;
use url::Url;

use super::exception;
use super::response::HttpResponse;
use crate::client::{ClientOptions, QueryRequest, QuerySummary};
use crate::compression::Compression;
use crate::error::{Error, Result};

/// What the server told us about itself, asked once per client.
#[derive(Debug, Clone)]
pub(crate) struct ServerInfo {
    pub(crate) version: String,
    pub(crate) major: u32,
    pub(crate) timezone: Tz,
}

/// A request body.
pub(crate) enum Body {
    /// The SQL text itself goes in the body.
    Sql,
    /// The SQL goes in the URL; the body is data (already framed as `compression` says).
    Data(reqwest::Body),
}

/// Sends queries over HTTP.
pub(crate) struct HttpTransport {
    client: reqwest::Client,
    options: ClientOptions,
    server: OnceCell<ServerInfo>,
}

/// Asks for JSON columns as one document per row.
pub(crate) const JSON_AS_STRING: &str = "output_format_native_write_json_as_string";
/// The first major version known to have that setting.
pub(crate) const FIRST_MAJOR_WITH_JSON_AS_STRING: u32 = 25;

/// Servers from 20.x on answer `compress=1` with ClickHouse frames (the Debian 18.16 build
/// answers with an empty body), so older ones get HTTP gzip instead.
const FIRST_MAJOR_WITH_COMPRESSED_RESPONSES: u32 = 20;

pub(crate) fn transport_error(e: reqwest::Error) -> Error {
    // reqwest's own message names the URL (with its parameters); the causes say what happened.
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        causes.push(cause.to_string());
        source = cause.source();
    }
    let host = e
        .url()
        .map(|u| format!("{}://{}", u.scheme(), u.authority()))
        .unwrap_or_default();
    let detail = if causes.is_empty() {
        e.to_string()
    } else {
        causes.join(": ")
    };
    if e.is_timeout() {
        Error::timeout(format!("{host}: {detail}"))
    } else if e.is_connect() {
        Error::connection(format!("cannot connect to {host}: {detail}"))
    } else {
        Error::connection(format!("{host}: {detail}"))
    }
}

impl HttpTransport {
    pub(crate) fn new(options: ClientOptions) -> Result<Self> {
        let mut builder = reqwest::Client::builder().connect_timeout(options.connect_timeout);
        if let Some(timeout) = options.request_timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(path) = &options.tls_ca_file {
            let pem = std::fs::read(path)
                .map_err(|e| Error::config(format!("TLS CA file {}: {e}", path.display())))?;
            for cert in reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| Error::config(format!("TLS CA file {}: {e}", path.display())))?
            {
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder
            .build()
            .map_err(|e| Error::config(format!("HTTP client: {e}")))?;
        Ok(HttpTransport {
            client,
            options,
            server: OnceCell::new(),
        })
    }

    fn url(&self, path: &str) -> Url {
        let mut url = self.options.url.clone();
        url.set_path(path);
        url
    }

    /// `GET /ping`.
    pub(crate) async fn ping(&self) -> Result<()> {
        let response = self
            .client
            .get(self.url("/ping"))
            .send()
            .await
            .map_err(transport_error)?;
        let status = response.status();
        let text = response.text().await.map_err(transport_error)?;
        if status.is_success() && text.trim() == "Ok." {
            Ok(())
        } else {
            Err(Error::http(
                status.as_u16(),
                text.chars().take(500).collect::<String>(),
            ))
        }
    }

    /// The server's version and time zone, asked on first use and kept.
    pub(crate) async fn server_info(&self) -> Result<&ServerInfo> {
        self.server
            .get_or_try_init(|| async {
                let mut request = QueryRequest::new("SELECT version(), timezone()");
                let response =
                    Box::pin(self.send(&mut request, Body::Sql, "TabSeparated", false)).await?;
                let text = response.text().await?;
                let mut fields = text.trim_end().split('\t');
                let version = fields.next().unwrap_or_default().to_owned();
                let major = version
                    .split('.')
                    .next()
                    .and_then(|m| m.parse().ok())
                    .unwrap_or(0);
                let timezone = fields
                    .next()
                    .and_then(|tz| tz.parse().ok())
                    .unwrap_or(Tz::UTC);
                Ok(ServerInfo {
                    version,
                    major,
                    timezone,
                })
            })
            .await
    }

    /// Sends `request`; a non-2xx answer becomes the server's exception.
    ///
    /// `format` is the default output format; `frames` asks for ClickHouse-framed compression
    /// of the response as the client's options allow.
    pub(crate) async fn send(
        &self,
        request: &mut QueryRequest,
        body: Body,
        format: &str,
        frames: bool,
    ) -> Result<HttpResponse> {
        let options = &self.options;
        // ClickHouse frames for the response when the client compresses with LZ4 or zstd and
        // the server frames correctly; HTTP gzip otherwise (zstd frames are only for requests:
        // the server frames responses with LZ4).
        let framed_response = frames
            && matches!(options.compression, Compression::Lz4 | Compression::Zstd(_))
            && self.server_info().await?.major >= FIRST_MAJOR_WITH_COMPRESSED_RESPONSES;
        let mut params: Vec<(String, String)> = Vec::new();
        let database = request.database.as_ref().or(options.database.as_ref());
        if let Some(database) = database {
            params.push(("database".into(), database.clone()));
        }
        params.push(("default_format".into(), format.into()));
        params.push(("query_id".into(), request.query_id().to_owned()));
        if let Some(session) = &request.session_id {
            params.push(("session_id".into(), session.clone()));
        }
        for (name, value) in &options.settings {
            if !request.settings.iter().any(|(n, _)| n == name) {
                params.push((name.clone(), value.clone()));
            }
        }
        params.extend(request.settings.iter().cloned());
        if frames
            && self.server_info().await?.major >= FIRST_MAJOR_WITH_JSON_AS_STRING
            && !params.iter().any(|(n, _)| n == JSON_AS_STRING)
        {
            // JSON columns as text: the documents as the server writes them, and cheaper to
            // read than the object serialization (which is decoded too, when a query asks).
            params.push((JSON_AS_STRING.into(), "1".into()));
        }
        if request.progress.is_some() {
            params.push(("send_progress_in_http_headers".into(), "1".into()));
        }
        params.extend(
            request
                .params
                .iter()
                .map(|(n, v)| (format!("param_{n}"), v.clone())),
        );

        let mut accept = "identity";
        match options.compression {
            Compression::Lz4 | Compression::Zstd(_) if framed_response => {
                params.push(("compress".into(), "1".into()));
            }
            Compression::None => {}
            _ if frames => {
                params.push(("enable_http_compression".into(), "1".into()));
                accept = "gzip";
            }
            _ => {}
        }
        let mut builder = match body {
            Body::Sql => self.client.post(self.url("/")).body(request.sql.clone()),
            Body::Data(data) => {
                params.push(("query".into(), request.sql.clone()));
                let builder = self.client.post(self.url("/")).body(data);
                match options.compression {
                    Compression::Lz4 | Compression::Zstd(_) => {
                        params.push(("decompress".into(), "1".into()));
                        builder
                    }
                    Compression::Gzip => builder.header(CONTENT_ENCODING, "gzip"),
                    Compression::None => builder,
                }
            }
        };
        builder = builder
            .query(&params)
            .header("X-ClickHouse-User", &options.user)
            .header(ACCEPT_ENCODING, HeaderValue::from_static(accept));
        if !options.password.is_empty() {
            builder = builder.header("X-ClickHouse-Key", &options.password);
        }
        let response = builder.send().await.map_err(transport_error)?;
        let status = response.status();
        if !status.is_success() {
            let body = response.bytes().await.map_err(transport_error)?;
            // With `compress=1` the error text is framed like any other body.
            let body = if framed_response {
                unframe(&body).unwrap_or(body.to_vec())
            } else {
                body.to_vec()
            };
            let text = String::from_utf8_lossy(&body);
            return Err(exception::parse(&text).unwrap_or_else(|| {
                Error::http(status.as_u16(), text.chars().take(2000).collect::<String>())
            }));
        }
        let default_zone = match response
            .headers()
            .get("X-ClickHouse-Timezone")
            .and_then(|v| v.to_str().ok())
        {
            Some(tz) => tz.parse().unwrap_or(Tz::UTC),
            None if frames => self.server_info().await?.timezone,
            None => Tz::UTC,
        };
        if let Some(callback) = &request.progress {
            // The server repeats the header with cumulative totals until the body starts.
            for value in response.headers().get_all("X-ClickHouse-Progress") {
                if let Some(s) = value.to_str().ok().and_then(QuerySummary::from_json) {
                    (callback.0)(&s.as_progress());
                }
            }
        }
        Ok(HttpResponse::new(response, framed_response, default_zone))
    }
}

/// The data in a body of ClickHouse frames, if it is one.
fn unframe(body: &[u8]) -> Option<Vec<u8>> {
    let mut input = bytes::BytesMut::from(body);
    let mut decoder = crate::compression::FrameDecoder::new();
    let mut out = Vec::new();
    while !input.is_empty() {
        out.extend_from_slice(&decoder.decode(&mut input).ok()??);
    }
    Some(out)
}

/// Wraps data chunks into a request body.
pub(crate) fn stream_body<S>(chunks: S) -> reqwest::Body
where
    S: futures_util::TryStream<Ok = Bytes, Error = Error> + Send + 'static,
{
    reqwest::Body::wrap_stream(chunks)
}
