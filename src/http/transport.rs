//! The HTTP transport: one reqwest client (and its connection pool) per [`Client`](crate::Client),
//! requests built from a [`QueryRequest`], error answers turned into the server's exception.

use std::sync::Arc;

use bytes::Bytes;
use chrono_tz::Tz;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE, HeaderValue};
use tokio::sync::OnceCell;
use url::Url;

use super::exception;
use super::link::HttpLink;
use super::response::HttpResponse;
use crate::compression::Compression;
use crate::error::{Error, Result};
use crate::request::{Link, Options, QueryRequest, ServerInfo, Summary, Transport, Wire};

/// A request body.
pub(crate) enum Body {
    /// The SQL text itself goes in the body.
    Sql,
    /// The SQL goes in the URL; the body is data (already framed as the client compresses).
    Data(reqwest::Body),
    /// The SQL goes in the URL; the body is data in the statement's format, sent as it is.
    Raw(reqwest::Body),
}

/// What a request asks for besides the query itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Answer<'f> {
    /// The default output format.
    pub(crate) format: &'f str,
    /// Whether the answer is `Native` blocks (compressed as the client's options allow, JSON
    /// columns as text); otherwise it is a small text answer.
    pub(crate) native: bool,
}

impl Answer<'_> {
    pub(crate) const NATIVE: Answer<'static> = Answer {
        format: "Native",
        native: true,
    };
    pub(crate) const TEXT: Answer<'static> = Answer {
        format: "TabSeparated",
        native: false,
    };

    /// An answer in `format`, passed through as the server writes it.
    pub(crate) fn raw(format: &str) -> Answer<'_> {
        Answer {
            format,
            native: false,
        }
    }
}

/// The HTTP transport of a client.
pub(crate) struct HttpTransport {
    shared: Arc<Shared>,
}

/// What every HTTP link of a client shares.
pub(crate) struct Shared {
    client: reqwest::Client,
    pub(crate) options: Options,
    server: OnceCell<ServerInfo>,
}

/// How much of an error (non-2xx) body is read: the server's exception text is at its start
/// (and, stack trace included, far shorter); the rest is not waited for.
const MAX_ERROR_BODY: usize = 1 << 20;
/// How much of the small text answers the client asks for itself (`/ping`, the server's
/// version and zone) is read.
pub(crate) const MAX_SMALL_ANSWER: usize = 64 << 10;

/// The first `max` bytes of a body (all of it if shorter), without waiting for the rest.
pub(crate) async fn read_at_most(
    response: &mut reqwest::Response,
    max: usize,
    authority: &str,
) -> Result<(Vec<u8>, bool)> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(e, authority))?
    {
        let room = max - body.len();
        if chunk.len() >= room {
            body.extend_from_slice(&chunk[..room]);
            return Ok((body, true));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, false))
}

/// The crate's error for a reqwest error: its kind, with the reqwest error (its URL removed, as
/// the URL carries the query's parameters) as the source.
pub(crate) fn transport_error(e: reqwest::Error, authority: &str) -> Error {
    let error = if e.is_connect() && e.is_timeout() {
        Error::connect_timeout(format!("connecting to {authority} took too long"))
    } else if e.is_timeout() {
        Error::timeout(format!("{authority} did not answer in time"))
    } else if e.is_connect() {
        Error::connection(format!("cannot connect to {authority}"))
    } else {
        Error::connection(format!("the exchange with {authority} failed"))
    };
    error.with_source(e.without_url())
}

impl HttpTransport {
    pub(crate) fn new(options: Options) -> Result<Self> {
        let mut builder = reqwest::Client::builder().connect_timeout(options.connect_timeout);
        if let Some(path) = &options.tls_ca_file {
            let ca_error =
                |e: String| Error::config(format!("TLS CA file {}: {e}", path.display()));
            let pem = std::fs::read(path).map_err(|e| ca_error(e.to_string()))?;
            for cert in
                reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| ca_error(e.to_string()))?
            {
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder
            .build()
            .map_err(|e| Error::config("cannot build the HTTP client").with_source(e))?;
        Ok(HttpTransport {
            shared: Arc::new(Shared {
                client,
                options,
                server: OnceCell::new(),
            }),
        })
    }
}

#[async_trait::async_trait]
impl Transport for HttpTransport {
    fn name(&self) -> &'static str {
        "http"
    }

    async fn connect(&self, session: Option<&str>) -> Result<Box<dyn Link>> {
        Ok(Box::new(HttpLink::new(
            self.shared.clone(),
            session.map(str::to_owned),
        )))
    }

    async fn dedicated(&self) -> Result<Box<dyn Link>> {
        let session = uuid::Uuid::new_v4().to_string();
        self.connect(Some(&session)).await
    }
}

impl Shared {
    fn url(&self, path: &str) -> Url {
        let mut url = self.options.url.clone();
        url.set_path(path);
        url
    }

    /// `host:port`, for messages.
    pub(crate) fn authority(&self) -> String {
        self.options.authority()
    }

    /// `GET /ping`.
    pub(crate) async fn ping(&self) -> Result<()> {
        let authority = self.authority();
        let mut response = self
            .client
            .get(self.url("/ping"))
            .send()
            .await
            .map_err(|e| transport_error(e, &authority))?;
        let status = response.status();
        let (body, _) = read_at_most(&mut response, MAX_SMALL_ANSWER, &authority).await?;
        let text = String::from_utf8_lossy(&body);
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
                let mut request = QueryRequest::new("SELECT version(), timezone(), hostName()");
                let response =
                    Box::pin(self.send(&mut request, Body::Sql, Answer::TEXT, None)).await?;
                let text = response.text_at_most(MAX_SMALL_ANSWER).await?;
                let mut fields = text.trim_end().split('\t');
                let version = fields.next().unwrap_or_default();
                let timezone = fields
                    .next()
                    .and_then(|tz| tz.parse().ok())
                    .unwrap_or(Tz::UTC);
                let host = fields.next().unwrap_or_default().to_owned();
                Ok(ServerInfo::new(version, 0, timezone, host))
            })
            .await
    }

    /// `KILL QUERY` for `query_id`, on a connection of its own (HTTP has no cancel message, and
    /// the query's session is locked while it runs).
    pub(crate) async fn kill(&self, query_id: &str) -> Result<()> {
        let mut kill = QueryRequest::new(format!(
            "KILL QUERY WHERE query_id = {} ASYNC",
            crate::types::quote(query_id)
        ));
        self.send(&mut kill, Body::Sql, Answer::TEXT, None)
            .await?
            .text_at_most(MAX_SMALL_ANSWER)
            .await?;
        Ok(())
    }

    /// Sends `request`; a non-2xx answer becomes the server's exception. `session` is the
    /// link's session, unless the request names its own.
    pub(crate) async fn send(
        &self,
        request: &mut QueryRequest,
        body: Body,
        answer: Answer<'_>,
        session: Option<&str>,
    ) -> Result<HttpResponse> {
        let options = &self.options;
        let server = if answer.native || !request.params.is_empty() {
            Some(self.server_info().await?.clone())
        } else {
            None
        };
        if let Some(server) = &server {
            server.check(Wire::Http, request, false)?;
        }
        // ClickHouse frames for the response when the client compresses with LZ4 or zstd and
        // the server frames correctly; HTTP gzip otherwise (zstd frames are only for requests:
        // the server frames responses with LZ4).
        let framed_response = answer.native
            && matches!(options.compression, Compression::Lz4 | Compression::Zstd(_))
            && server
                .as_ref()
                .is_some_and(ServerInfo::frames_http_responses);
        let mut params: Vec<(String, String)> = Vec::new();
        if let Some(database) = request.database.as_ref().or(options.database.as_ref()) {
            params.push(("database".into(), database.clone()));
        }
        params.push(("default_format".into(), answer.format.into()));
        params.push(("query_id".into(), request.query_id().to_owned()));
        if let Some(session) = request.session_id.as_deref().or(session) {
            params.push(("session_id".into(), session.to_owned()));
        }
        match &server {
            Some(server) => {
                params.extend(server.query_settings(&options.settings, request, answer.native))
            }
            None => params.extend(
                options
                    .settings
                    .iter()
                    .filter(|(name, _)| !request.has_setting(name))
                    .chain(&request.settings)
                    .cloned(),
            ),
        }
        if request.progress.is_some() {
            params.push(("send_progress_in_http_headers".into(), "1".into()));
        }
        let mut accept = "identity";
        match options.compression {
            Compression::Lz4 | Compression::Zstd(_) if framed_response => {
                params.push(("compress".into(), "1".into()));
            }
            Compression::None => {}
            _ if answer.native => {
                params.push(("enable_http_compression".into(), "1".into()));
                accept = "gzip";
            }
            _ => {}
        }
        match body {
            Body::Data(_) => {
                params.push(("query".into(), request.sql.clone()));
                if matches!(options.compression, Compression::Lz4 | Compression::Zstd(_)) {
                    params.push(("decompress".into(), "1".into()));
                }
            }
            Body::Raw(_) => params.push(("query".into(), request.sql.clone())),
            Body::Sql => {}
        }
        let mut query = String::new();
        for (name, value) in &params {
            append_pair(&mut query, name.as_bytes(), value.as_bytes());
        }
        // Server-side parameters: bytes, percent-encoded exactly in the URL while they are small;
        // larger ones go in the body (a form), where their size does not matter.
        let parameters: Vec<(String, &[u8])> = request
            .params
            .iter()
            .map(|(n, v)| (format!("param_{n}"), v.as_slice()))
            .collect();
        let mut in_url = String::new();
        for (name, value) in &parameters {
            append_pair(&mut in_url, name.as_bytes(), value);
        }
        let parameters_in_body = in_url.len() > MAX_PARAMETERS_IN_URL;
        if !parameters_in_body && !in_url.is_empty() {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(&in_url);
        }
        let sql_in_form = parameters_in_body && request.sql.len() > MAX_PARAMETERS_IN_URL;
        if parameters_in_body && !sql_in_form {
            append_pair(&mut query, b"query", request.sql.as_bytes());
        }
        let mut url = self.url("/");
        url.set_query((!query.is_empty()).then_some(query.as_str()));
        let builder = self.client.post(url);
        let mut builder = match body {
            Body::Sql if parameters_in_body => {
                let sql = sql_in_form.then_some(request.sql.as_bytes());
                let (content_type, form) = form_data(&parameters, sql);
                builder.header(CONTENT_TYPE, content_type).body(form)
            }
            Body::Sql => builder.body(request.sql.clone()),
            Body::Data(_) | Body::Raw(_) if parameters_in_body => {
                return Err(Error::invalid_input(format!(
                    "the insert's parameters take {} bytes in the URL, more than the {} it \
                     takes (an insert's body is its data, so they cannot move there); \
                     run `INSERT ... SELECT` with them through `command`, where any size works",
                    in_url.len(),
                    MAX_PARAMETERS_IN_URL
                )));
            }
            Body::Data(data) => {
                let builder = builder.body(data);
                match options.compression {
                    Compression::Gzip => builder.header(CONTENT_ENCODING, "gzip"),
                    _ => builder,
                }
            }
            Body::Raw(data) => builder.body(data),
        };
        builder = builder
            .header("X-ClickHouse-User", &options.user)
            .header(ACCEPT_ENCODING, HeaderValue::from_static(accept));
        if !options.password.is_empty() {
            let mut key = HeaderValue::from_str(options.password.expose())
                .map_err(|_| Error::config("the password cannot travel in an HTTP header"))?;
            key.set_sensitive(true);
            builder = builder.header("X-ClickHouse-Key", key);
        }
        let authority = self.authority();
        let mut response = builder
            .send()
            .await
            .map_err(|e| transport_error(e, &authority))?;
        let status = response.status();
        request.server_summary = header_summary(response.headers());
        if !status.is_success() {
            // Only the start: an error body can be anything a proxy or a broken server sends.
            let (body, _cut) = read_at_most(&mut response, MAX_ERROR_BODY, &authority).await?;
            // With `compress=1` the error text is framed like any other body.
            let body = if framed_response {
                unframe(&body).unwrap_or(body)
            } else {
                body
            };
            let text = String::from_utf8_lossy(&body);
            let error = exception::parse(&text).unwrap_or_else(|| {
                Error::http(status.as_u16(), text.chars().take(2000).collect::<String>())
            });
            return Err(match self.server.get() {
                Some(info) => error.with_server_version(&info.version),
                None => error,
            });
        }
        let default_zone = match response
            .headers()
            .get("X-ClickHouse-Timezone")
            .and_then(|v| v.to_str().ok())
        {
            Some(tz) => tz.parse().unwrap_or(Tz::UTC),
            None => server.as_ref().map_or(Tz::UTC, |s| s.timezone),
        };
        // The server repeats the header with cumulative totals until the body starts.
        for value in response.headers().get_all("X-ClickHouse-Progress") {
            if let Some(s) = value.to_str().ok().and_then(Summary::from_json) {
                request.report(&s.as_progress());
            }
        }
        Ok(HttpResponse::new(
            response,
            framed_response,
            default_zone,
            authority,
        ))
    }
}

/// The most bytes the (percent-encoded) server-side parameters take in a URL; past it they go
/// in the body. URLs are limited on both sides: 64 KiB in the HTTP library, `http_max_uri_size`
/// (1 MiB by default, 16 KiB on older servers) on the server.
const MAX_PARAMETERS_IN_URL: usize = 8 << 10;

/// Appends `name=value` to a URL query, each percent-encoded byte for byte (as forms are).
fn append_pair(query: &mut String, name: &[u8], value: &[u8]) {
    if !query.is_empty() {
        query.push('&');
    }
    query.extend(url::form_urlencoded::byte_serialize(name));
    query.push('=');
    query.extend(url::form_urlencoded::byte_serialize(value));
}

/// A `multipart/form-data` body of the parameters (and the SQL, when given): the server reads
/// form fields as it reads URL parameters (`param_x`, `query`). Returns the content type and
/// the body.
fn form_data(parameters: &[(String, &[u8])], sql: Option<&[u8]>) -> (String, Vec<u8>) {
    let fields: Vec<(&[u8], &[u8])> = parameters
        .iter()
        .map(|(n, v)| (n.as_bytes(), *v))
        .chain(sql.map(|sql| (&b"query"[..], sql)))
        .collect();
    // A boundary that occurs in no field.
    let boundary = loop {
        let candidate = format!("clickhouse-connect-{}", uuid::Uuid::new_v4().simple());
        let clash = fields.iter().any(|(_, value)| {
            value
                .windows(candidate.len())
                .any(|w| w == candidate.as_bytes())
        });
        if !clash {
            break candidate;
        }
    };
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(b"--");
        body.extend_from_slice(boundary.as_bytes());
        body.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"");
        body.extend_from_slice(name);
        body.extend_from_slice(b"\"\r\n\r\n");
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--");
    body.extend_from_slice(boundary.as_bytes());
    body.extend_from_slice(b"--\r\n");
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// What the server reported in an answer's headers: its summary, else its last progress.
fn header_summary(headers: &reqwest::header::HeaderMap) -> Option<Summary> {
    let parse = |v: &HeaderValue| v.to_str().ok().and_then(Summary::from_json);
    headers
        .get("X-ClickHouse-Summary")
        .and_then(parse)
        .or_else(|| {
            headers
                .get_all("X-ClickHouse-Progress")
                .iter()
                .rev()
                .find_map(parse)
        })
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
