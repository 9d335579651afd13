#!/usr/bin/env python3
"""ClickHouse HTTP interface in front of the embedded ClickHouse engine (chDB).

A thin pass-through: every result body is the engine's own output in the
requested format, every statistic comes from the engine, and every error text
is the engine's own (or, for the few checks that live in the HTTP layer of a
real server, the text that server uses). Nothing here invents a result.

Usage::

    python chdb_http_front.py --host 127.0.0.1 --port 28123 --data-dir DIR \
        [--users-file FILE] [--display-name NAME]

Run it with the interpreter of the chdb-core 26.9 virtualenv. Only the stdlib,
chdb-core, lz4, zstandard and clickhouse-cityhash are used.

Behaviour follows the HTTP handler of a ClickHouse 26.x server: URL settings
are applied to one query only, sessions keep their own connection, INSERT data
is streamed to the engine without re-encoding, results are streamed chunk by
chunk as the engine produces them, ``compress``/``decompress`` use ClickHouse
compressed frames (CityHash128 v1.0.2 checksums), ``enable_http_compression``
negotiates a Content-Encoding, and errors carry the server's status codes,
``X-ClickHouse-Exception-Code`` and (after the body started) the 25.11+
``__exception__`` tag framing.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import bz2
import email.utils
import json
import lzma
import os
import re
import secrets
import signal
import socket
import string
import struct
import sys
import tempfile
import threading
import time
import traceback
import uuid
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator, Optional
from urllib.parse import unquote_to_bytes, urlsplit

import lz4.block
import lz4.frame
import zstandard
from chdb import _chdb
from clickhouse_cityhash.cityhash import CityHash128

# --------------------------------------------------------------------------
# Constants (values of a ClickHouse 26.x server unless stated otherwise)
# --------------------------------------------------------------------------

DBMS_DEFAULT_BUFFER_SIZE = 1 << 20          # HTTP write buffer and compressed frame size
MAX_COMPRESSED_SIZE = 1 << 30               # DBMS_MAX_COMPRESSED_SIZE
COMPRESSED_HEADER_SIZE = 9                  # method byte + two UInt32 sizes
CHECKSUM_SIZE = 16                          # CityHash128
MAX_EXCEPTION_SIZE = 16 * 1024              # longest message inside the __exception__ block
EXCEPTION_MARKER = b"__exception__"
KEEP_ALIVE_TIMEOUT = 30
KEEP_ALIVE_MAX_REQUESTS = 10000
DEFAULT_SESSION_TIMEOUT = 60
MAX_SESSION_TIMEOUT = 3600
MAX_URI_SIZE = 1 << 20                      # http_max_uri_size
MAX_DRAIN_BYTES = 64 << 20                  # unread request body we still drain to keep the connection
READ_CHUNK = 1 << 20
SHUTDOWN_GRACE_SECONDS = 10.0
SESSION_REAP_INTERVAL = 1.0

TEXT_PLAIN = "text/plain; charset=UTF-8"
STATIC_OK_BODY = b"Ok.\n"

METHOD_NONE, METHOD_LZ4, METHOD_ZSTD = 0x02, 0x82, 0x90
# Codec bytes a server knows but this front cannot decode (Multiple, Delta, T64, ...).
KNOWN_UNSUPPORTED_CODECS = frozenset(range(0x91, 0x9D))

# URL parameters the HTTP handler consumes itself; everything else is a setting.
RESERVED_PARAMS = frozenset({
    "query", "database", "default_format", "query_id", "session_id", "session_timeout",
    "session_check", "user", "password", "quota_key", "role", "stacktrace", "buffer_size",
    "wait_end_of_query", "compress", "decompress", "client_protocol_version", "close_session",
})

# Settings the HTTP layer itself reads (their effective values come from the engine).
HTTP_LAYER_SETTINGS = (
    "enable_http_compression", "send_progress_in_http_headers", "http_headers_progress_interval_ms",
    "http_zlib_compression_level", "http_wait_end_of_query", "http_response_buffer_size",
    "http_native_compression_disable_checksumming_on_decompress", "max_query_size",
)

EXPOSED_HEADERS = (
    "X-ClickHouse-Query-Id,X-ClickHouse-Summary,X-ClickHouse-Server-Display-Name,X-ClickHouse-Format,"
    "X-ClickHouse-Timezone,X-ClickHouse-Exception-Code,X-ClickHouse-Exception-Tag"
)

# Statements whose result is a data set in an output format.
RESULT_KEYWORDS = frozenset({"SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXISTS", "EXPLAIN", "CHECK", "("})

# exceptionCodeToHTTPStatus (src/Server/HTTP/exceptionCodeToHTTPStatus.cpp), by error name.
STATUS_BY_ERROR_NAME: dict[str, int] = {}
for _name in ("UNKNOWN_USER", "WRONG_PASSWORD", "AUTHENTICATION_FAILED", "SET_NON_GRANTED_ROLE"):
    STATUS_BY_ERROR_NAME[_name] = 403
for _name in (
        "BAD_ARGUMENTS", "CANNOT_COMPILE_REGEXP", "CANNOT_PARSE_TEXT", "CANNOT_PARSE_ESCAPE_SEQUENCE",
        "CANNOT_PARSE_QUOTED_STRING", "CANNOT_PARSE_DATE", "CANNOT_PARSE_DATETIME", "CANNOT_PARSE_NUMBER",
        "CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING", "CANNOT_PARSE_IPV4", "CANNOT_PARSE_IPV6",
        "CANNOT_PARSE_INPUT_ASSERTION_FAILED", "CANNOT_PARSE_UUID", "DUPLICATE_COLUMN", "ILLEGAL_COLUMN",
        "UNKNOWN_ELEMENT_IN_AST", "UNKNOWN_TYPE_OF_AST_NODE", "THERE_IS_NO_COLUMN", "TOO_DEEP_AST",
        "TOO_BIG_AST", "UNEXPECTED_AST_STRUCTURE", "SYNTAX_ERROR", "INCORRECT_DATA", "TYPE_MISMATCH",
        "VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE"):
    STATUS_BY_ERROR_NAME[_name] = 400
for _name in (
        "UNKNOWN_TABLE", "UNKNOWN_FUNCTION", "UNKNOWN_IDENTIFIER", "UNKNOWN_TYPE", "UNKNOWN_STORAGE",
        "UNKNOWN_DATABASE", "UNKNOWN_SETTING", "UNKNOWN_DIRECTION_OF_SORTING", "UNKNOWN_AGGREGATE_FUNCTION",
        "UNKNOWN_FORMAT", "UNKNOWN_DATABASE_ENGINE", "UNKNOWN_TYPE_OF_QUERY", "UNKNOWN_ROLE"):
    STATUS_BY_ERROR_NAME[_name] = 404
STATUS_BY_ERROR_NAME.update({
    "REQUIRED_PASSWORD": 401, "QUERY_IS_TOO_LARGE": 413, "NOT_IMPLEMENTED": 501, "SOCKET_TIMEOUT": 503,
    "CANNOT_OPEN_FILE": 503, "HTTP_LENGTH_REQUIRED": 411, "TIMEOUT_EXCEEDED": 408, "CANNOT_SCHEDULE_TASK": 503,
})

HTTP_REASONS = {
    200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    408: "Request Timeout", 411: "Length Required", 413: "Request Entity Too Large", 414: "Request-URI Too Long",
    500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable",
}

_log_lock = threading.Lock()


def log(message: str) -> None:
    """Write one line to stderr (thread-safe)."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    with _log_lock:
        sys.stderr.write(f"{stamp} {message}\n")
        sys.stderr.flush()


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------

class ClientGone(Exception):
    """The HTTP client went away (or the server is stopping): nothing more can be sent."""


class ClickHouseError(Exception):
    """An error in ClickHouse terms: a numeric code plus the full exception text.

    ``text`` is the complete ``Code: N. DB::Exception: ... (NAME)`` string, without the
    version suffix (added when rendering). ``plain`` marks errors that a server raises
    before it sets up its output buffers (authentication, sessions): they are sent
    without compression.
    """

    def __init__(self, code: int, text: str, plain: bool = False):
        super().__init__(text)
        self.code = code
        self.text = text
        self.plain = plain

    @classmethod
    def make(cls, name: str, message: str, plain: bool = False) -> "ClickHouseError":
        """Build an error raised by the HTTP layer itself, formatted as the server formats it."""
        code = ENGINE.code_for(name)
        message = message.rstrip()
        if not message.endswith("."):
            message += "."
        return cls(code, f"Code: {code}. DB::Exception: {message} ({name})", plain)

    @classmethod
    def from_engine(cls, exc: BaseException) -> "ClickHouseError":
        """Wrap an exception raised by the engine, keeping its own text."""
        text = str(exc).strip()
        match = re.search(r"Code: (\d+)\. ", text)
        if match:
            return cls(int(match.group(1)), text[match.start():])
        code = ENGINE.code_for("STD_EXCEPTION")
        return cls(code, f"Code: {code}. DB::Exception: {text or type(exc).__name__}. (STD_EXCEPTION)")

    @property
    def name(self) -> str:
        return ENGINE.name_for(self.code)

    def is_streaming_unsupported(self) -> bool:
        """True for chDB's refusal to stream a statement that has no streamable result."""
        return self.name == "BAD_ARGUMENTS" and "Streaming query is not supported" in self.text

    def render(self) -> str:
        """The full message with the ``(version ...)`` suffix, as a server sends it."""
        text = self.text.rstrip()
        if not re.search(r"\(version [^()]*(\([^()]*\))?[^()]*\)$", text):
            text += f" (version {ENGINE.version})"
        return text

    def http_status(self) -> int:
        return STATUS_BY_ERROR_NAME.get(self.name, 500)


# --------------------------------------------------------------------------
# Engine access
# --------------------------------------------------------------------------

class EngineConnection:
    """One chDB connection (an independent engine session), with engine errors mapped.

    The raw ``_chdb`` connection object is used instead of the ``chdb.state`` wrapper
    because the wrapper ends a stream at the first chunk that has zero rows, which drops
    bytes the engine produces for empty results (e.g. the header of TSVWithNames or the
    JSON envelope).
    """

    def __init__(self, path: str):
        try:
            self._conn = _chdb.connect(path)
        except Exception as exc:  # noqa: BLE001 - engine errors arrive as RuntimeError
            raise ClickHouseError.from_engine(exc) from None

    def _call(self, func: Callable, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ClickHouseError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise ClickHouseError.from_engine(exc) from None

    def query(self, sql, fmt: str = "TSV", params: Optional[dict] = None):
        """Run a statement to completion and return the engine's result object."""
        return self._call(self._conn.query, sql, fmt, params=params or {})

    def query_text(self, sql: str) -> str:
        """Run an internal statement and return its output as text."""
        return self.query(sql, "TSV").bytes().decode("utf-8", "replace")

    def open_stream(self, sql, fmt: str, params: Optional[dict] = None):
        return self._call(self._conn.send_query, sql, fmt, params=params or {})

    def fetch(self, stream):
        return self._call(self._conn.streaming_fetch_result, stream)

    def cancel(self, stream) -> None:
        try:
            self._conn.streaming_cancel_query(stream)
        except Exception as exc:  # noqa: BLE001 - a failed stream may refuse to cancel
            log(f"note: cancelling a stream failed: {str(exc)[:200]}")

    def begin_insert(self, statement, fmt: str):
        return self._call(self._conn.send_insert, statement, fmt)

    def append(self, inserter, data: bytes) -> None:
        self._call(self._conn.insert_append, inserter, data)

    def finish_insert(self, inserter):
        return self._call(self._conn.insert_done, inserter)

    def abort_insert(self, inserter) -> None:
        try:
            self._conn.insert_cancel(inserter)
        except Exception:  # noqa: BLE001 - already finished or failed
            pass

    def classify(self, sql) -> tuple[str, int]:
        """(query class name, statement count) as the engine's parser sees the text."""
        info = self._call(self._conn.classify_query, sql)
        klass = info.get("query_class")
        return getattr(klass, "name", str(klass)), int(info.get("statement_count", 0))

    def set_progress_callback(self, callback: Optional[Callable[[dict], None]]) -> None:
        try:
            self._conn.set_progress_callback(callback)
        except Exception as exc:  # noqa: BLE001
            log(f"note: progress callback not available: {exc}")

    def close(self) -> None:
        try:
            self._conn.close()
        except Exception:  # noqa: BLE001
            pass


class EngineInfo:
    """Facts read once from the engine: version, timezone, error names, setting defaults."""

    def __init__(self):
        self.version = "0.0.0.0"
        self.timezone = "UTC"
        self._name_by_code: dict[int, str] = {}
        self._code_by_name: dict[str, int] = {}
        self.http_defaults: dict[str, str] = {}

    def load(self, conn: EngineConnection) -> None:
        self.version = conn.query_text("SELECT version()").strip()
        self.timezone = conn.query_text("SELECT timezone()").strip()
        table = conn.query_text(
            "SELECT number, errorCodeToName(number) FROM numbers(2000) WHERE errorCodeToName(number) != ''")
        for line in table.splitlines():
            code, _, name = line.partition("\t")
            self._name_by_code[int(code)] = name
            self._code_by_name[name] = int(code)
        names = ", ".join(sql_string(n) for n in HTTP_LAYER_SETTINGS)
        rows = conn.query_text(f"SELECT name, value FROM system.settings WHERE name IN ({names})")
        for line in rows.splitlines():
            name, _, value = line.partition("\t")
            self.http_defaults[name] = value

    def code_for(self, name: str) -> int:
        return self._code_by_name.get(name, 1001)

    def name_for(self, code: int) -> str:
        return self._name_by_code.get(code, "UNKNOWN_EXCEPTION")


ENGINE = EngineInfo()


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------

def sql_string(value: str) -> str:
    """A ClickHouse string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def sql_identifier(value: str) -> str:
    """A back-quoted ClickHouse identifier."""
    return "`" + value.replace("\\", "\\\\").replace("`", "\\`") + "`"


def parse_bool(value: Optional[str], default: bool = False) -> bool:
    """Parse a boolean URL parameter the way a server's getParsed<bool> accepts it."""
    if value is None:
        return default
    text = value.strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    try:
        return int(text) != 0
    except ValueError:
        raise ClickHouseError.make("CANNOT_PARSE_INPUT_ASSERTION_FAILED",
                                   f"Cannot parse boolean value '{value}'") from None


def parse_uint(value: Optional[str], what: str, default: int) -> int:
    if value is None or value == "":
        return default
    if not value.strip().isdigit():
        raise ClickHouseError.make("CANNOT_PARSE_NUMBER", f"Cannot parse {what} '{value}' as a number")
    return int(value)


def parse_query_string(raw: str) -> list[tuple[str, bytes]]:
    """Split a URL query string into (name, raw value bytes) pairs, in order."""
    pairs = []
    for part in raw.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        name_text = unquote_to_bytes(name.replace("+", " ")).decode("utf-8", "replace")
        pairs.append((name_text, unquote_to_bytes(value.replace("+", " "))))
    return pairs


def parse_form_data(content_type: str, body: bytes) -> list[tuple[str, Optional[str], bytes]]:
    """The parts of a ``multipart/form-data`` body: (name, file name or None, value), in order.

    A real server's HTMLForm reads the same: a part without a file name is a form field, which
    the handler treats like a URL parameter; a part with one is an external table.
    """
    match = re.search(r'boundary=(?:"([^"]+)"|([^;\s]+))', content_type)
    if not match:
        raise ClickHouseError.make("BAD_ARGUMENTS", "multipart/form-data without a boundary", plain=True)
    delimiter = b"--" + (match.group(1) or match.group(2)).encode("latin-1")
    parts = []
    pieces = body.split(delimiter)
    if len(pieces) < 2 or not pieces[-1].startswith(b"--"):
        raise ClickHouseError.make("CANNOT_PARSE_INPUT_ASSERTION_FAILED",
                                   "Malformed multipart/form-data body (no final boundary)", plain=True)
    for piece in pieces[1:-1]:
        piece = piece[2:] if piece.startswith(b"\r\n") else piece
        head, sep, value = piece.partition(b"\r\n\r\n")
        if not sep:
            raise ClickHouseError.make("CANNOT_PARSE_INPUT_ASSERTION_FAILED",
                                       "Malformed multipart/form-data part (no blank line after its headers)",
                                       plain=True)
        if value.endswith(b"\r\n"):
            value = value[:-2]
        disposition = ""
        for line in head.split(b"\r\n"):
            name, _, text = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-disposition":
                disposition = text
        field = re.search(r';\s*name="([^"]*)"', disposition)
        if field is None:
            raise ClickHouseError.make("CANNOT_PARSE_INPUT_ASSERTION_FAILED",
                                       "A multipart/form-data part without a name", plain=True)
        filename = re.search(r';\s*filename="([^"]*)"', disposition)
        parts.append((field.group(1), filename.group(1) if filename else None, value))
    return parts


def escaped_parameter_text(value: bytes) -> str:
    """A parameter's bytes as text that the escaped text parser reads as the same bytes: UTF-8
    as it is, any other byte as ``\\xHH`` (or ``xHH`` right after an escaping backslash, where the
    server would read the byte itself)."""
    out = []
    escaping = False
    for ch in value.decode("utf-8", "surrogateescape"):
        if "\udc80" <= ch <= "\udcff":
            out.append(("x" if escaping else "\\x") + format(ord(ch) - 0xDC00, "02x"))
            escaping = False
        else:
            out.append(ch)
            escaping = ch == "\\" and not escaping
    return "".join(out)


def new_exception_tag() -> str:
    """A 16-character lowercase alphanumeric tag, like X-ClickHouse-Exception-Tag of 25.11+."""
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(16))


BINARY_FORMATS = frozenset({"native", "parquet", "arrow", "arrowstream", "orc", "avro", "avroconfluent", "msgpack",
                            "protobuf", "protobufsingle", "protobuflist", "capnproto", "bsoneachrow", "npy", "buffers"})


# Output formats whose output for a result is the concatenation of their output for its parts.
# chDB formats every streamed chunk as a whole output (its own header, envelope, file footer);
# a server writes those once per result. Results in any other format are produced in one piece.
CONCATENABLE_FORMATS = frozenset({
    "native", "rowbinary", "tabseparated", "tsv", "tabseparatedraw", "tsvraw", "raw", "csv",
    "jsoneachrow", "jsonlines", "ndjson", "jsonstringseachrow", "jsoncompacteachrow",
    "jsoncompactstringseachrow", "values", "tskv", "rawblob", "lineasstring", "customseparated",
    "msgpack", "null",
})


def content_type_for_format(name: str) -> str:
    """Content-Type a server's output format reports (IOutputFormat::getContentType)."""
    n = name.lower()
    if n in ("tsv", "tskv") or n.startswith("tabseparated") or n.startswith("tsv"):
        return "text/tab-separated-values; charset=UTF-8"
    if n == "csv":
        return "text/csv; charset=UTF-8; header=absent"
    if n.startswith("csvwith"):
        return "text/csv; charset=UTF-8; header=present"
    if n.startswith("json") or n in ("ndjson", "prettyjsoneachrow", "prettyjsonlines", "prettyndjson", "geojson"):
        return "application/json; charset=UTF-8"
    if n == "xml":
        return "application/xml; charset=UTF-8"
    if n in ("markdown", "md"):
        return "text/markdown; charset=UTF-8"
    if n == "prometheus":
        return "text/plain; version=0.0.4; charset=UTF-8"
    if n in BINARY_FORMATS or n.startswith("rowbinary"):
        return "application/octet-stream"
    return TEXT_PLAIN


# --------------------------------------------------------------------------
# SQL scanning (just enough to find INSERT data and FORMAT clauses)
# --------------------------------------------------------------------------

_WORD_BYTES = (frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$")
               | frozenset(range(0x80, 0x100)))


@dataclass
class Token:
    kind: str      # "word", "qid" (quoted identifier), "str", "punct", "error"
    start: int
    end: int


def tokenize(buf: bytes) -> Iterator[Token]:
    """A minimal ClickHouse lexer over bytes: skips whitespace and comments."""
    i, n = 0, len(buf)
    while i < n:
        c = buf[i]
        if c in b" \t\r\n\f\v":
            i += 1
        elif buf.startswith(b"--", i) or (c == 0x23 and buf[i + 1:i + 2] in (b" ", b"!")):
            end = buf.find(b"\n", i)
            i = n if end < 0 else end + 1
        elif buf.startswith(b"/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if buf.startswith(b"/*", j):
                    depth, j = depth + 1, j + 2
                elif buf.startswith(b"*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            if depth:
                yield Token("error", i, n)
                return
            i = j
        elif c in b"'\"`":
            j = i + 1
            while j < n:
                if buf[j] == 0x5C:          # backslash escape
                    j += 2
                elif buf[j] == c:
                    if buf[j + 1:j + 2] == bytes([c]):   # doubled quote
                        j += 2
                    else:
                        break
                else:
                    j += 1
            if j >= n:
                yield Token("error", i, n)
                return
            yield Token("str" if c == 0x27 else "qid", i, j + 1)
            i = j + 1
        elif c in _WORD_BYTES:
            j = i + 1
            while j < n and buf[j] in _WORD_BYTES:
                j += 1
            yield Token("word", i, j)
            i = j
        else:
            yield Token("punct", i, i + 1)
            i += 1


def token_text(buf: bytes, tok: Token) -> str:
    """Text of a word or quoted identifier (quotes removed)."""
    raw = buf[tok.start:tok.end]
    if tok.kind == "qid":
        raw = raw[1:-1]
    return raw.decode("utf-8", "replace")


def leading_keyword(sql: bytes) -> str:
    """The first keyword of a statement, upper-cased ('(' for a parenthesised query)."""
    for tok in tokenize(sql):
        if tok.kind == "word":
            return token_text(sql, tok).upper()
        if tok.kind == "punct" and sql[tok.start] == 0x28:
            return "("
        return ""
    return ""


@dataclass
class InsertWithData:
    """An ``INSERT ... FORMAT fmt`` whose data follows the statement in the request."""
    statement: bytes
    format_name: str
    data_offset: int


class TokenStream:
    """``tokenize`` with one token of look-ahead."""

    def __init__(self, buf: bytes):
        self._tokens = tokenize(buf)
        self._peeked: Optional[Token] = None

    def next(self) -> Optional[Token]:
        if self._peeked is not None:
            tok, self._peeked = self._peeked, None
            return tok
        return next(self._tokens, None)

    def peek(self) -> Optional[Token]:
        if self._peeked is None:
            self._peeked = next(self._tokens, None)
        return self._peeked


def is_word(buf: bytes, tok: Optional[Token], word: str) -> bool:
    return tok is not None and tok.kind == "word" and token_text(buf, tok).upper() == word


def is_punct(buf: bytes, tok: Optional[Token], char: bytes) -> bool:
    return tok is not None and tok.kind == "punct" and buf[tok.start:tok.end] == char


def split_insert_with_data(buf: bytes) -> Optional[InsertWithData]:
    """Find ``INSERT INTO target [...] FORMAT name`` and where its inline data starts.

    Returns None for any other statement (INSERT ... VALUES and INSERT ... SELECT run as
    plain queries). Data starts after the format name, spaces/tabs, and at most one line
    break, as in ClickHouse's ParserInsertQuery.
    """
    stream = TokenStream(buf)
    if not is_word(buf, stream.next(), "INSERT") or not is_word(buf, stream.next(), "INTO"):
        return None
    if not _skip_insert_target(buf, stream):
        return None
    depth = 0
    while (tok := stream.next()) is not None:
        if tok.kind == "error":
            return None
        if tok.kind == "punct":
            ch = buf[tok.start]
            if ch in b"([{":
                depth += 1
            elif ch in b")]}":
                depth -= 1
            elif ch == 0x3B and depth == 0:
                return None
            continue
        if depth or tok.kind != "word":
            continue
        word = token_text(buf, tok).upper()
        if word in ("VALUES", "SELECT", "WITH", "FROM"):
            return None
        if word == "FORMAT":
            name_tok = stream.next()
            if name_tok is None or name_tok.kind not in ("word", "qid"):
                return None
            offset = name_tok.end
            while offset < len(buf) and buf[offset] in b" \t\f":
                offset += 1
            if buf[offset:offset + 1] == b"\r":
                offset += 1
            if buf[offset:offset + 1] == b"\n":
                offset += 1
            return InsertWithData(buf[:tok.start].rstrip(), token_text(buf, name_tok), offset)
    return None


def _skip_insert_target(buf: bytes, stream: TokenStream) -> bool:
    """Consume ``[TABLE] [db.]table`` or ``FUNCTION f(...)`` after INSERT INTO."""
    tok = stream.next()
    if is_word(buf, tok, "TABLE"):
        tok = stream.next()
    if is_word(buf, tok, "FUNCTION"):
        stream.next()                                   # function name
        if not is_punct(buf, stream.next(), b"("):
            return False
        depth = 1
        while (tok := stream.next()) is not None and tok.kind != "error":
            if tok.kind == "punct":
                depth += {0x28: 1, 0x29: -1}.get(buf[tok.start], 0)
                if depth == 0:
                    return True
        return False
    if tok is None or tok.kind not in ("word", "qid"):
        return False
    while is_punct(buf, stream.peek(), b"."):
        stream.next()
        part = stream.next()
        if part is None or part.kind not in ("word", "qid"):
            return False
    return True


def find_output_format(sql: bytes) -> Optional[str]:
    """The format named by a trailing top-level ``FORMAT name`` clause, if any."""
    top: list[Token] = []
    depth = 0
    for tok in tokenize(sql):
        if tok.kind == "error":
            break
        if tok.kind == "punct":
            ch = sql[tok.start]
            if ch in b"([{":
                depth += 1
                continue
            if ch in b")]}":
                depth -= 1
                continue
        if depth == 0:
            top.append(tok)
    found = None
    for i, tok in enumerate(top):
        if tok.kind != "word" or token_text(sql, tok).upper() != "FORMAT" or i + 1 >= len(top):
            continue
        name = top[i + 1]
        if name.kind not in ("word", "qid"):
            continue
        rest = top[i + 2:]
        if (not rest or sql[rest[0].start] == 0x3B
                or (rest[0].kind == "word" and token_text(sql, rest[0]).upper() == "SETTINGS")):
            found = token_text(sql, name)
    return found


# --------------------------------------------------------------------------
# ClickHouse compressed frames (compress=1 / decompress=1)
# --------------------------------------------------------------------------

def cityhash128_wire(data: bytes) -> bytes:
    """CityHash128 v1.0.2 as it appears on the wire: first half u64 LE, then second."""
    value = CityHash128(data)
    return struct.pack("<QQ", value >> 64, value & 0xFFFFFFFFFFFFFFFF)


def checksum_hex(wire: bytes) -> str:
    """How a server prints a checksum in its error text (high 64 bits, then low)."""
    first, second = struct.unpack("<QQ", wire)
    return f"{second:016x}{first:016x}"


def compress_frame(data: bytes) -> bytes:
    """One LZ4 ClickHouse compressed frame (checksum + header + raw LZ4 block)."""
    payload = lz4.block.compress(bytes(data), mode="default", store_size=False)
    header = struct.pack("<BII", METHOD_LZ4, len(payload) + COMPRESSED_HEADER_SIZE, len(data))
    return cityhash128_wire(header + payload) + header + payload


class NativeFrameWriter:
    """Cuts an output byte stream into LZ4 compressed frames of at most 1 MiB."""

    def __init__(self, block_size: int = DBMS_DEFAULT_BUFFER_SIZE):
        self._block_size = block_size
        self._buffer = bytearray()

    def write(self, data: bytes) -> bytes:
        """Buffer data; return the frames that became complete."""
        self._buffer += data
        frames = []
        while len(self._buffer) >= self._block_size:
            frames.append(compress_frame(self._buffer[:self._block_size]))
            del self._buffer[:self._block_size]
        return b"".join(frames)

    def flush(self) -> bytes:
        """Frame whatever is buffered."""
        if not self._buffer:
            return b""
        frame = compress_frame(self._buffer)
        self._buffer.clear()
        return frame


class ChunkSource:
    """Interface of the request body pipeline: ``next_chunk()`` returns b'' at the end."""

    def next_chunk(self) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError


class NativeFrameReader(ChunkSource):
    """Decodes ClickHouse compressed frames (NONE, LZ4, ZSTD) as the body streams in."""

    def __init__(self, source: ChunkSource, verify_checksum: bool = True):
        self._source = source
        self._verify = verify_checksum
        self._buffer = bytearray()
        self._method: Optional[int] = None
        self._zstd = zstandard.ZstdDecompressor()

    def _fill(self, size: int) -> bool:
        while len(self._buffer) < size:
            chunk = self._source.next_chunk()
            if not chunk:
                return False
            self._buffer += chunk
        return True

    def _short_read(self, expected: int) -> ClickHouseError:
        return ClickHouseError.make(
            "CANNOT_READ_ALL_DATA",
            f"Cannot read all data. Bytes read: {len(self._buffer)}. Bytes expected: {expected}")

    def next_chunk(self) -> bytes:
        while True:
            if not self._fill(1):
                return b""
            head = CHECKSUM_SIZE + COMPRESSED_HEADER_SIZE
            if not self._fill(head):
                raise self._short_read(head)
            method = self._buffer[CHECKSUM_SIZE]
            size_compressed, size_decompressed = struct.unpack_from("<II", self._buffer, CHECKSUM_SIZE + 1)
            self._check_method(method)
            if size_compressed > MAX_COMPRESSED_SIZE:
                raise ClickHouseError.make(
                    "TOO_LARGE_SIZE_COMPRESSED",
                    f"Too large size_compressed_without_checksum: {size_compressed}. Most likely corrupted data")
            if size_compressed < COMPRESSED_HEADER_SIZE:
                raise ClickHouseError.make(
                    "CORRUPTED_DATA",
                    f"Can't decompress data: the compressed data size ({size_compressed}, this should include header "
                    f"size) is less than the header size ({COMPRESSED_HEADER_SIZE})")
            total = CHECKSUM_SIZE + size_compressed
            if not self._fill(total):
                raise self._short_read(total)
            checksum = bytes(self._buffer[:CHECKSUM_SIZE])
            frame = bytes(self._buffer[CHECKSUM_SIZE:total])
            del self._buffer[:total]
            if self._verify:
                actual = cityhash128_wire(frame)
                if actual != checksum:
                    raise ClickHouseError.make(
                        "CHECKSUM_DOESNT_MATCH",
                        f"Checksum doesn't match: corrupted data. Reference: {checksum_hex(checksum)}. "
                        f"Actual: {checksum_hex(actual)}. Size of compressed block: {size_compressed}")
            data = self._decompress(method, frame[COMPRESSED_HEADER_SIZE:], size_decompressed)
            if data:
                return data

    def _check_method(self, method: int) -> None:
        if method not in (METHOD_NONE, METHOD_LZ4, METHOD_ZSTD):
            if method in KNOWN_UNSUPPORTED_CODECS:
                raise ClickHouseError.make(
                    "NOT_IMPLEMENTED", f"Codec family code {method} is not supported by this chDB HTTP front")
            raise ClickHouseError.make("UNKNOWN_CODEC", f"Unknown codec family code: {method}")
        if self._method is not None and method != self._method:
            raise ClickHouseError.make(
                "CANNOT_DECOMPRESS",
                f"Data compressed with different methods, given method byte 0x{method:02x}, "
                f"previous method byte 0x{self._method:02x}")
        self._method = method

    def _decompress(self, method: int, payload: bytes, size: int) -> bytes:
        try:
            if method == METHOD_NONE:
                data = payload
            elif method == METHOD_LZ4:
                data = lz4.block.decompress(payload, uncompressed_size=size)
            else:
                data = self._zstd.decompress(payload, max_output_size=size)
        except Exception as exc:  # noqa: BLE001 - codec libraries raise their own types
            kind = {METHOD_LZ4: "LZ4", METHOD_ZSTD: "ZSTD"}.get(method, "NONE")
            raise ClickHouseError.make("CANNOT_DECOMPRESS", f"Cannot decompress {kind}-encoded data: {exc}") from None
        if len(data) != size:
            raise ClickHouseError.make(
                "CANNOT_DECOMPRESS", f"Decompressed size {len(data)} does not match the frame header ({size})")
        return data


# --------------------------------------------------------------------------
# HTTP Content-Encoding (enable_http_compression / request Content-Encoding)
# --------------------------------------------------------------------------

class HttpEncoder:
    """Streaming response compressor for one Content-Encoding."""

    # chooseHTTPCompressionMethod preference order; br and snappy have no codec here.
    PREFERENCE = ("zstd", "br", "lz4", "snappy", "gzip", "deflate", "xz", "bz2")
    SUPPORTED = frozenset({"zstd", "lz4", "gzip", "deflate", "xz", "bz2"})

    @classmethod
    def choose(cls, accept_encoding: str) -> Optional[str]:
        for name in cls.PREFERENCE:
            if name in accept_encoding and name in cls.SUPPORTED:
                return name
        return None

    def __init__(self, name: str, level: int):
        self.name = name
        self.used = False
        if name in ("gzip", "deflate"):
            self._obj = zlib.compressobj(max(0, min(9, level)), zlib.DEFLATED, 31 if name == "gzip" else 15)
        elif name == "zstd":
            self._obj = zstandard.ZstdCompressor(level=max(1, min(22, level))).compressobj()
        elif name == "lz4":
            self._obj = lz4.frame.LZ4FrameCompressor(auto_flush=True)
            self._lz4_started = False
        elif name == "xz":
            self._obj = lzma.LZMACompressor(format=lzma.FORMAT_XZ, preset=max(0, min(9, level)))
        elif name == "bz2":
            self._obj = bz2.BZ2Compressor(max(1, min(9, level)))
        else:
            raise ValueError(name)

    def compress(self, data: bytes) -> bytes:
        self.used = True
        if self.name == "lz4":
            prefix = b""
            if not self._lz4_started:
                prefix, self._lz4_started = self._obj.begin(), True
            return prefix + self._obj.compress(data)
        return self._obj.compress(data)

    def finish(self) -> bytes:
        """End the encoded stream (nothing at all if no byte was ever encoded)."""
        return self._obj.flush() if self.used else b""


class ContentDecoder(ChunkSource):
    """Decodes a request body sent with ``Content-Encoding`` (gzip, deflate, zstd, lz4, xz, bz2)."""

    ERROR_NAMES = {"gzip": "ZLIB_INFLATE_FAILED", "deflate": "ZLIB_INFLATE_FAILED", "zstd": "ZSTD_DECODER_FAILED",
                   "lz4": "LZ4_DECODER_FAILED", "xz": "LZMA_STREAM_DECODER_FAILED",
                   "bz2": "BZIP2_STREAM_DECODER_FAILED"}

    def __init__(self, source: ChunkSource, name: str):
        if name in ("br", "snappy"):
            raise ClickHouseError.make(
                "NOT_IMPLEMENTED", f"Content-Encoding '{name}' is valid but not supported by this chDB HTTP front "
                                   "(no codec for it is installed)")
        if name not in self.ERROR_NAMES:
            raise ClickHouseError.make(
                "NOT_IMPLEMENTED",
                f"Unknown compression method '{name}'. Only 'auto', 'none', 'gzip', 'deflate', 'br', 'xz', 'zstd', "
                f"'lz4', 'bz2', 'snappy' are supported as compression methods")
        self._source = source
        self._name = name
        self._decoder = self._new_decoder()
        self._pending_input = False

    def _new_decoder(self):
        if self._name == "gzip":
            return zlib.decompressobj(31)
        if self._name == "deflate":
            return zlib.decompressobj(15)
        if self._name == "zstd":
            return zstandard.ZstdDecompressor().decompressobj()
        if self._name == "lz4":
            return lz4.frame.LZ4FrameDecompressor()
        if self._name == "xz":
            return lzma.LZMADecompressor()
        return bz2.BZ2Decompressor()

    def next_chunk(self) -> bytes:
        while True:
            data = self._source.next_chunk()
            if not data:
                if self._pending_input:
                    raise ClickHouseError.make(self.ERROR_NAMES[self._name],
                                               f"Unexpected end of {self._name}-encoded request body")
                return b""
            out = self._decode(data)
            if out:
                return out

    def _decode(self, data: bytes) -> bytes:
        outputs = []
        try:
            while data:
                if getattr(self._decoder, "eof", False):      # a new member/frame starts
                    self._decoder = self._new_decoder()
                outputs.append(self._decoder.decompress(data))
                self._pending_input = not getattr(self._decoder, "eof", False)
                data = getattr(self._decoder, "unused_data", b"") if not self._pending_input else b""
        except ClickHouseError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise ClickHouseError.make(self.ERROR_NAMES[self._name],
                                       f"Cannot decode {self._name}-encoded request body: {exc}") from None
        return b"".join(outputs)


# --------------------------------------------------------------------------
# Request body
# --------------------------------------------------------------------------

class RawBody(ChunkSource):
    """The HTTP request body as sent (Content-Length or chunked transfer encoding)."""

    def __init__(self, rfile, content_length: Optional[int], chunked: bool):
        self._rfile = rfile
        self._remaining = content_length or 0
        self._chunked = chunked
        self._chunk_left = 0
        self.finished = not chunked and not content_length

    def _read(self, size: int, exact: bool) -> bytes:
        try:
            data = self._rfile.read(size) if exact else self._rfile.read1(size)
        except (OSError, ValueError) as exc:
            raise ClientGone(f"reading the request body failed: {exc}") from None
        if not data or (exact and len(data) < size):
            raise ClientGone("the request body ended early")
        return data

    def _readline(self) -> bytes:
        try:
            line = self._rfile.readline(65537)
        except (OSError, ValueError) as exc:
            raise ClientGone(f"reading the request body failed: {exc}") from None
        if not line:
            raise ClientGone("the request body ended early")
        return line

    def next_chunk(self) -> bytes:
        if self.finished:
            return b""
        if not self._chunked:
            data = self._read(min(self._remaining, READ_CHUNK), exact=False)
            self._remaining -= len(data)
            self.finished = self._remaining == 0
            return data
        while self._chunk_left == 0:
            line = self._readline()
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise ClickHouseError.make("CANNOT_PARSE_INPUT_ASSERTION_FAILED",
                                           "Invalid chunk size in a chunked request body") from None
            if size == 0:
                while self._readline() not in (b"\r\n", b"\n"):   # trailers
                    pass
                self.finished = True
                return b""
            self._chunk_left = size
        data = self._read(min(self._chunk_left, READ_CHUNK), exact=False)
        self._chunk_left -= len(data)
        if self._chunk_left == 0:
            self._read(2, exact=True)                               # CRLF after the chunk
        return data

    def drain(self, limit: int) -> bool:
        """Read and discard what is left; False if the body is larger than ``limit`` or broken."""
        seen = 0
        try:
            while not self.finished:
                seen += len(self.next_chunk())
                if seen > limit:
                    return False
        except (ClientGone, ClickHouseError):
            return False
        return True


class RequestBody:
    """The decoded request body with a little look-ahead for the query head."""

    def __init__(self, source: ChunkSource):
        self._source = source
        self._pushback = b""

    def read_head(self, limit: int) -> tuple[bytes, bool]:
        """Up to ``limit`` bytes from the start; second item is True when that is all of it."""
        parts, size = [self._pushback], len(self._pushback)
        self._pushback = b""
        at_end = False
        while size < limit:
            chunk = self._source.next_chunk()
            if not chunk:
                at_end = True
                break
            parts.append(chunk)
            size += len(chunk)
        data = b"".join(parts)
        self._pushback = data[limit:]
        return data[:limit], at_end and not self._pushback

    def chunks(self) -> Iterator[bytes]:
        if self._pushback:
            data, self._pushback = self._pushback, b""
            yield data
        while True:
            chunk = self._source.next_chunk()
            if not chunk:
                return
            yield chunk

    def read_all(self) -> bytes:
        return b"".join(self.chunks())


# --------------------------------------------------------------------------
# Statistics (X-ClickHouse-Summary / X-ClickHouse-Progress)
# --------------------------------------------------------------------------

SUMMARY_KEYS = ("read_rows", "read_bytes", "written_rows", "written_bytes", "total_rows_to_read",
                "result_rows", "result_bytes", "elapsed_ns")


@dataclass
class QueryStats:
    """Engine statistics of one query: sums of result objects plus cumulative progress."""

    sums: dict = field(default_factory=lambda: dict.fromkeys(SUMMARY_KEYS, 0))
    progress: dict = field(default_factory=lambda: dict.fromkeys(SUMMARY_KEYS, 0))

    def add_result(self, res) -> None:
        """Add the statistics of one engine result (a whole result or one streamed chunk)."""
        self.sums["read_rows"] += int(res.storage_rows_read())
        self.sums["read_bytes"] += int(res.storage_bytes_read())
        self.sums["written_rows"] += int(res.rows_written())
        self.sums["written_bytes"] += int(res.bytes_written())
        self.sums["result_rows"] += int(res.rows_read())
        self.sums["result_bytes"] += int(res.bytes_read())
        self.sums["elapsed_ns"] += int(res.elapsed() * 1e9)

    def add_progress(self, values: dict) -> None:
        """Record a cumulative progress snapshot from the engine's progress callback."""
        for key in SUMMARY_KEYS:
            try:
                self.progress[key] = max(self.progress[key], int(values.get(key, 0)))
            except (TypeError, ValueError):
                pass

    def as_json(self) -> str:
        merged = {key: str(max(self.sums[key], self.progress[key])) for key in SUMMARY_KEYS}
        return json.dumps(merged, separators=(",", ":"))


# --------------------------------------------------------------------------
# Response
# --------------------------------------------------------------------------

class ResponseWriter:
    """Writes one HTTP response the way a ClickHouse server's WriteBufferFromHTTPServerResponse does.

    Body bytes go through: ClickHouse frames (compress=1) -> Content-Encoding -> a buffer of
    ``buffer_limit`` bytes. Headers (with the summary known at that moment) are sent when the
    buffer first overflows or at the end; with ``wait_end_of_query`` everything is spooled
    (memory, then a temporary file) until the end. Progress headers, when enabled, start the
    header block early, as the server does.
    """

    NOTHING_SENT, HEADERS_OPEN, BODY, DONE = range(4)

    def __init__(self, handler: "FrontHandler", query_id: str, display_name: str):
        self._handler = handler
        self._out = handler.wfile
        self.query_id = query_id
        self.display_name = display_name
        self.tag = new_exception_tag()
        self.http11 = handler.request_version == "HTTP/1.1"
        self.head_only = handler.command == "HEAD"
        self.keep_alive = self.http11 and not handler.close_connection
        self.status = 200
        self.content_type = TEXT_PLAIN
        self.result_headers: list[tuple[str, str]] = []
        self.exception_code: Optional[int] = None
        self.summary: Callable[[], str] = lambda: QueryStats().as_json()
        self.buffer_limit = DBMS_DEFAULT_BUFFER_SIZE
        self.phase = self.NOTHING_SENT
        self.bytes_sent = 0
        self.failed_mid_stream = False
        self._native: Optional[NativeFrameWriter] = None
        self._encoding: Optional[tuple[str, int]] = None
        self._encoder: Optional[HttpEncoder] = None
        self._pending = bytearray()
        self._spool = None
        self._progress_interval_ns: Optional[int] = None
        self._last_progress = time.monotonic_ns()
        # Called once, just before the last bytes of a complete response are sent, so that a
        # client's next request never finds its session still locked by this one.
        self.before_last_bytes: Callable[[], None] = lambda: None

    # -- configuration ------------------------------------------------------

    def use_native_compression(self) -> None:
        self._native = NativeFrameWriter()

    def use_http_encoding(self, name: str, level: int) -> None:
        self._encoding = (name, level)
        self._encoder = HttpEncoder(name, level)

    def buffer_until_end(self, memory_limit: int) -> None:
        self._spool = tempfile.SpooledTemporaryFile(max_size=max(memory_limit, DBMS_DEFAULT_BUFFER_SIZE))

    def send_progress_every(self, interval_ms: int) -> None:
        self._progress_interval_ns = max(0, interval_ms) * 1_000_000

    def set_result_details(self, content_type: str, format_name: Optional[str], timezone: str) -> None:
        self.content_type = content_type
        self.result_headers = []
        if format_name:
            self.result_headers.append(("X-ClickHouse-Format", format_name))
        self.result_headers.append(("X-ClickHouse-Timezone", timezone))

    # -- body ------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Send (eventually) body bytes produced by the engine."""
        if self._native is not None:
            data = self._native.write(data)
        if data and self._encoder is not None:
            data = self._encoder.compress(data)
        if data:
            self._push(data)

    def finish(self) -> None:
        """End the body: flush frames and encoders, send headers if still pending, end chunking."""
        if self._native is not None:
            tail = self._native.flush()
            if tail and self._encoder is not None:
                tail = self._encoder.compress(tail)
            if tail:
                self._push(tail)
        if self._encoder is not None:
            tail = self._encoder.finish()
            if tail:
                self._push(tail)
        summary = self.summary()
        self.before_last_bytes()
        if self.phase < self.BODY:
            self._finish_headers(summary=summary)
            self._send_buffered()
        if self.http11 and not self.head_only:
            self._send_raw(b"0\r\n\r\n")
        self.phase = self.DONE

    def _push(self, data: bytes) -> None:
        if self.phase >= self.BODY:
            self._send_body(data)
        elif self._spool is not None:
            self._spool.write(data)
        else:
            self._pending += data
            if len(self._pending) >= self.buffer_limit:
                self._finish_headers()
                self._send_buffered()

    def _send_buffered(self) -> None:
        if self._spool is not None:
            self._spool.seek(0)
            while True:
                block = self._spool.read(READ_CHUNK)
                if not block:
                    break
                self._send_body(block)
            self._spool.close()
            self._spool = None
        if self._pending:
            data, self._pending = bytes(self._pending), bytearray()
            self._send_body(data)

    def _send_body(self, data: bytes) -> None:
        if self.head_only or not data:
            return
        if self.http11:
            self._send_raw(b"%x\r\n" % len(data) + data + b"\r\n")
        else:
            self._send_raw(data)
        self.bytes_sent += len(data)

    def _send_raw(self, data: bytes) -> None:
        try:
            self._out.write(data)
        except (OSError, ValueError) as exc:
            self._handler.close_connection = True
            raise ClientGone(f"writing the response failed: {exc}") from None

    # -- headers ---------------------------------------------------------------

    def _start_headers(self) -> None:
        if self.phase != self.NOTHING_SENT:
            return
        reason = HTTP_REASONS.get(self.status, "Unknown")
        version = "HTTP/1.1" if self.http11 else "HTTP/1.0"
        lines = [f"{version} {self.status} {reason}",
                 f"Date: {email.utils.formatdate(usegmt=True)}",
                 f"Connection: {'Keep-Alive' if self.keep_alive else 'Close'}",
                 f"Content-Type: {self.content_type}"]
        if self.http11:
            lines.append("Transfer-Encoding: chunked")
        lines += [f"Access-Control-Expose-Headers: {EXPOSED_HEADERS}",
                  f"X-ClickHouse-Server-Display-Name: {self.display_name}",
                  f"X-ClickHouse-Query-Id: {self.query_id}"]
        lines += [f"{name}: {value}" for name, value in self.result_headers]
        lines.append(f"X-ClickHouse-Exception-Tag: {self.tag}")
        if self.exception_code is not None:
            lines.append(f"X-ClickHouse-Exception-Code: {self.exception_code}")
        if self.keep_alive:
            lines.append(f"Keep-Alive: timeout={KEEP_ALIVE_TIMEOUT}, max={KEEP_ALIVE_MAX_REQUESTS}")
        if not self.keep_alive:
            self._handler.close_connection = True
        self.phase = self.HEADERS_OPEN
        self._send_raw(("\r\n".join(lines) + "\r\n").encode("utf-8", "replace"))

    def _finish_headers(self, late_exception_code: Optional[int] = None, summary: Optional[str] = None) -> None:
        if self.phase >= self.BODY:
            return
        self._start_headers()
        lines = []
        if self._encoder is not None:
            if self._encoder.used:
                lines.append(f"Content-Encoding: {self._encoder.name}")
            else:
                self._encoder = None      # nothing was encoded: send the body as is
        lines.append(f"X-ClickHouse-Summary: {summary if summary is not None else self.summary()}")
        if late_exception_code is not None:
            lines.append(f"X-ClickHouse-Exception-Code: {late_exception_code}")
        self.phase = self.BODY
        self._send_raw(("\r\n".join(lines) + "\r\n\r\n").encode())

    def progress(self, stats: QueryStats) -> None:
        """Emit an X-ClickHouse-Progress header if enabled, due, and headers are still open."""
        if self._progress_interval_ns is None or self.phase >= self.BODY or self.head_only:
            return
        now = time.monotonic_ns()
        if now - self._last_progress < self._progress_interval_ns:
            return
        self._last_progress = now
        self._start_headers()
        self._send_raw(f"X-ClickHouse-Progress: {stats.as_json()}\r\n".encode())

    # -- errors ------------------------------------------------------------------

    def fail(self, error: ClickHouseError) -> None:
        """Report an error: a proper status if nothing was sent, else the tagged exception block."""
        message = error.render()
        if self.phase == self.NOTHING_SENT:
            self._fail_before_headers(error, message)
        else:
            self._fail_mid_stream(error, message)

    def _fail_before_headers(self, error: ClickHouseError, message: str) -> None:
        self._pending = bytearray()
        if self._spool is not None:
            self._spool.close()
            self._spool = None
        if error.plain:
            self._native, self._encoding = None, None
        if self._native is not None:
            self._native = NativeFrameWriter()
        self._encoder = HttpEncoder(*self._encoding) if self._encoding else None
        self.status = error.http_status()
        self.exception_code = error.code
        self.write(message.encode("utf-8", "replace") + b"\n")
        self.finish()

    def _fail_mid_stream(self, error: ClickHouseError, message: str) -> None:
        """The 25.11+ framing: marker, tag, message, its length and the tag, marker; no last chunk.

        Bytes already produced are flushed first (through the frames and the encoder), the
        block goes through the same layers, and the connection is closed without the final
        empty chunk so that the client cannot mistake the body for a complete one.
        """
        self.failed_mid_stream = True
        self.keep_alive = False
        self._handler.close_connection = True
        headers_open = self.phase == self.HEADERS_OPEN
        if headers_open:
            # Progress headers went out but no body byte: drop the buffered body, restart the layers.
            self._pending = bytearray()
            if self._spool is not None:
                self._spool.close()
                self._spool = None
            if self._native is not None:
                self._native = NativeFrameWriter()
            self._encoder = HttpEncoder(*self._encoding) if self._encoding else None
        body = message.encode("utf-8", "replace")[:MAX_EXCEPTION_SIZE] + b"\n"
        tag = self.tag.encode()
        block = (b"\r\n" + EXCEPTION_MARKER + b"\r\n" + tag + b"\r\n" + body
                 + str(len(body)).encode() + b" " + tag + b"\r\n" + EXCEPTION_MARKER + b"\r\n")
        if self._native is not None:
            block = self._native.flush() + compress_frame(block)
        if self._encoder is not None:
            block = self._encoder.compress(block) + self._encoder.finish()
        if headers_open:
            self._finish_headers(late_exception_code=error.code)
        self._send_body(block)
        self.phase = self.DONE

    def clear_result_details(self) -> None:
        """Forget format details when the query failed before producing a result."""
        if self.phase == self.NOTHING_SENT:
            self.content_type = TEXT_PLAIN
            self.result_headers = []


# --------------------------------------------------------------------------
# Users, sessions, running queries
# --------------------------------------------------------------------------

class UserStore:
    """User name -> password (plain text) from the users file; only 'default' without it."""

    def __init__(self, path: Optional[str]):
        self._users = {"default": ""}
        if path:
            with open(path, "r", encoding="utf-8") as fh:
                data = json.load(fh)
            valid = isinstance(data, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in data.items())
            if not valid:
                raise ValueError("the users file must be a JSON object of user name -> password string")
            self._users = dict(data)

    def check(self, user: str, password: str) -> bool:
        expected = self._users.get(user)
        return expected is not None and secrets.compare_digest(expected.encode(), password.encode())


class Session:
    """A named HTTP session: one dedicated engine connection kept between requests."""

    def __init__(self, key: tuple[str, str], conn: EngineConnection, timeout: int):
        self.key = key
        self.conn = conn
        self.timeout = timeout
        self.last_used = time.monotonic()
        self.lock = threading.Lock()


class SessionRegistry:
    """Named sessions keyed by (user, session_id), closed after ``session_timeout`` idle seconds."""

    def __init__(self, data_dir: str):
        self._data_dir = data_dir
        self._sessions: dict[tuple[str, str], Session] = {}
        self._lock = threading.Lock()

    def acquire(self, user: str, session_id: str, timeout: int, check: bool) -> Session:
        key = (user, session_id)
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                if check:
                    raise ClickHouseError.make("SESSION_NOT_FOUND", f"Session {session_id} not found", plain=True)
                session = Session(key, EngineConnection(self._data_dir), timeout)
                self._sessions[key] = session
            if not session.lock.acquire(blocking=False):
                raise ClickHouseError.make(
                    "SESSION_IS_LOCKED", f"Session {session_id} is locked by a concurrent client", plain=True)
            session.timeout = timeout
            return session

    def release(self, session: Session, close: bool) -> None:
        with self._lock:
            session.last_used = time.monotonic()
            if close:
                self._sessions.pop(session.key, None)
                session.conn.close()
            session.lock.release()

    def reap(self) -> None:
        """Close sessions idle for longer than their timeout."""
        now = time.monotonic()
        with self._lock:
            for key, session in list(self._sessions.items()):
                if now - session.last_used >= session.timeout and session.lock.acquire(blocking=False):
                    del self._sessions[key]
                    session.conn.close()
                    session.lock.release()
                    log(f"session {key[1]!r} of user {key[0]!r} expired")

    def close_all(self) -> None:
        with self._lock:
            for session in self._sessions.values():
                session.conn.close()
            self._sessions.clear()


class RunningQueries:
    """Query ids of running queries (a second query with the same id is refused)."""

    def __init__(self):
        self._ids: set[str] = set()
        self._lock = threading.Lock()

    def register(self, query_id: str) -> None:
        with self._lock:
            if query_id in self._ids:
                raise ClickHouseError.make("QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING",
                                           f"Query with id = {query_id} is already running")
            self._ids.add(query_id)

    def unregister(self, query_id: str) -> None:
        with self._lock:
            self._ids.discard(query_id)


# --------------------------------------------------------------------------
# Per-request settings on a connection
# --------------------------------------------------------------------------

@dataclass
class HttpSettings:
    """Effective values of the settings the HTTP layer reads, plus the session timezone."""
    values: dict
    timezone: str

    def get_int(self, name: str, default: int = 0) -> int:
        try:
            return int(self.values.get(name, default))
        except (TypeError, ValueError):
            return default

    def get_bool(self, name: str) -> bool:
        return str(self.values.get(name, "0")).lower() in ("1", "true")


class ConnectionScope:
    """Applies URL settings, roles and the database to a connection for one query.

    Sessionless requests use a fresh connection, so nothing needs undoing. On a session
    connection the previous values are restored afterwards, except where the query itself
    changed them (a ``SET`` or ``USE`` in the query is session state, as on a server).
    """

    DB_KEY, TZ_KEY = "\x00database", "\x00timezone"

    def __init__(self, conn: EngineConnection, settings: list[tuple[str, str]], database: str,
                 roles: list[str], persistent: bool):
        self.conn = conn
        self.settings = settings
        self.database = database
        self.roles = roles
        self.persistent = persistent
        self._before: Optional[dict] = None
        self._applied: Optional[dict] = None

    def _snapshot(self, names) -> dict:
        """name -> (value, changed) from system.settings, plus current database and timezone."""
        listed = ", ".join(sql_string(n) for n in names) or "''"
        sql = (f"SELECT name, value, toUInt8(changed) FROM system.settings WHERE name IN ({listed}) "
               f"UNION ALL SELECT {sql_string(self.DB_KEY)}, currentDatabase(), 0 "
               f"UNION ALL SELECT {sql_string(self.TZ_KEY)}, timezone(), 0")
        text = self.conn.query(sql, "JSONCompactEachRow").bytes().decode("utf-8", "replace")
        result = {}
        for line in text.splitlines():
            if line.strip():
                name, value, changed = json.loads(line)
                result[name] = (value, int(changed))
        return result

    def apply(self) -> HttpSettings:
        names = [name for name, _ in self.settings]
        if self.persistent and (names or self.database):
            self._before = self._snapshot(names)
        if self.settings:
            assignments = ", ".join(f"{sql_identifier(n)} = {sql_string(v)}" for n, v in self.settings)
            self.conn.query(f"SET {assignments}")
        for role in self.roles:
            self.conn.query(f"SET ROLE {sql_identifier(role)}")
        if self.database:
            self.conn.query(f"USE {sql_identifier(self.database)}")
        if not self.persistent and not self.settings:
            return HttpSettings(dict(ENGINE.http_defaults), ENGINE.timezone)
        snapshot = self._snapshot(list(dict.fromkeys(names + list(HTTP_LAYER_SETTINGS))))
        self._applied = snapshot
        values = {name: snapshot[name][0] for name in HTTP_LAYER_SETTINGS if name in snapshot}
        return HttpSettings(values, snapshot[self.TZ_KEY][0])

    def restore(self) -> None:
        """Undo this request's settings/database on a session connection (best effort)."""
        if not self.persistent or self._before is None:
            return
        try:
            names = list(dict.fromkeys(name for name, _ in self.settings))
            now = self._snapshot(names)
            resets = [f"{sql_identifier(name)} = " + (sql_string(self._before[name][0]) if self._before[name][1]
                                                       else "DEFAULT")
                      for name in names if name in now and name in self._before and self._owned_by_us(name, now)]
            if resets:
                self.conn.query("SET " + ", ".join(resets))
            if self.database and self._owned_by_us(self.DB_KEY, now):
                self.conn.query(f"USE {sql_identifier(self._before[self.DB_KEY][0])}")
        except ClickHouseError as exc:
            log(f"note: restoring session settings failed: {exc.text[:200]}")

    def _owned_by_us(self, name: str, now: dict) -> bool:
        """True if the current value is the one this request set (not one the query itself set)."""
        if self._applied is None:           # applying failed half-way: undo whatever changed
            return now[name] != self._before[name]
        return name in self._applied and now[name][0] == self._applied[name][0]


# --------------------------------------------------------------------------
# One query request
# --------------------------------------------------------------------------

class QueryRequest:
    """Handles one HTTP query request from authentication to the last byte."""

    def __init__(self, handler: "FrontHandler", front: "FrontState"):
        self.h = handler
        self.front = front
        url = urlsplit(handler.path)
        self.path = url.path
        self.params: dict[str, bytes] = {}
        self.param_order: list[str] = []
        for name, value in parse_query_string(url.query):
            if name not in self.params:
                self.param_order.append(name)
            self.params[name] = value
        self.user = "-"
        self.session: Optional[Session] = None
        self.conn: Optional[EngineConnection] = None
        self.scope: Optional[ConnectionScope] = None
        self.raw_body: Optional[RawBody] = None
        self.registered_id: Optional[str] = None
        self.stats = QueryStats()
        qid = self.text_param("query_id") or handler.headers.get("X-ClickHouse-Query-Id", "")
        self.query_id = qid or str(uuid.uuid4())
        self.writer = ResponseWriter(handler, self.query_id, front.display_name)
        self.query_snippet = self.params.get("query", b"")[:160].decode("utf-8", "replace")
        self.writer.before_last_bytes = self._release_engine
        self._released = False

    # -- parameters --------------------------------------------------------------

    def text_param(self, name: str, default: Optional[str] = None) -> Optional[str]:
        value = self.params.get(name)
        return default if value is None else value.decode("utf-8", "replace")

    def url_settings(self) -> list[tuple[str, str]]:
        return [(name, self.text_param(name)) for name in self.param_order
                if name not in RESERVED_PARAMS and not name.startswith("param_")]

    def query_parameters(self) -> dict[str, str]:
        """The ``param_`` values as text. A server reads a parameter's bytes with the escaped
        text parser; the engine takes parameters as Python text only, so a byte that is not
        UTF-8 is passed as the ``\\xHH`` escape the server reads as that same byte."""
        return {name[len("param_"):]: escaped_parameter_text(self.params[name])
                for name in self.param_order if name.startswith("param_")}

    def _load_form(self) -> Optional[bytes]:
        """A ``multipart/form-data`` body: its fields join the URL parameters (after them, as
        HTMLForm loads them) and the query is every ``query`` value, URL first; None otherwise."""
        content_type = self.h.headers.get("Content-Type", "")
        if not content_type.lower().startswith("multipart/form-data"):
            return None
        query = self.params.get("query", b"")
        form = parse_form_data(content_type, b"".join(iter(self.raw_body.next_chunk, b"")))
        for name, filename, value in form:
            if filename is not None:
                raise ClickHouseError.make(
                    "NOT_IMPLEMENTED", f"External tables (the multipart part {name!r} with a file name) are not "
                    "supported by the chDB front", plain=True)
            if name == "query":
                query += value
                continue
            if name not in self.params:
                self.param_order.append(name)
            self.params[name] = value
        return query

    # -- entry point ---------------------------------------------------------------

    def run(self) -> None:
        started = time.monotonic()
        error_code = None
        try:
            self._open_raw_body()
            self._process()
        except ClientGone as exc:
            self.h.close_connection = True
            error_code = f"client gone ({exc})"
        except ClickHouseError as exc:
            error_code = exc.code
            self._report(exc)
        except Exception as exc:  # noqa: BLE001 - a bug must not kill the server
            log("internal error:\n" + traceback.format_exc())
            error = ClickHouseError.make("STD_EXCEPTION", f"Internal error of the chDB HTTP front: {exc!r}")
            error_code = error.code
            self._report(error)
        finally:
            self._cleanup()
        status = f"{self.writer.status}{'+exception' if self.writer.failed_mid_stream else ''}"
        log(f'{self.h.client_address[0]} "{self.h.command} {self.path}" {status} {self.writer.bytes_sent}B '
            f"{(time.monotonic() - started) * 1000:.1f}ms user={self.user} query_id={self.query_id}"
            + (f" session={self.session.key[1]}" if self.session else "")
            + (f" error={error_code}" if error_code is not None else "")
            + f" query={self.query_snippet!r}")

    def _report(self, error: ClickHouseError) -> None:
        try:
            self.writer.fail(error)
        except ClientGone:
            self.h.close_connection = True

    def _open_raw_body(self) -> None:
        headers = self.h.headers
        chunked = "chunked" in headers.get("Transfer-Encoding", "").lower()
        length_text = headers.get("Content-Length")
        length = None
        if length_text is not None and not chunked:
            if not length_text.strip().isdigit():
                raise ClickHouseError.make("BAD_ARGUMENTS", f"Invalid Content-Length: {length_text}", plain=True)
            length = int(length_text)
        if self.h.command == "POST" and length is None and not chunked:
            raise ClickHouseError.make(
                "HTTP_LENGTH_REQUIRED",
                "The Transfer-Encoding is not chunked and there is no Content-Length header for POST request",
                plain=True)
        self.raw_body = RawBody(self.h.rfile, length, chunked)

    def _process(self) -> None:
        self.user = self._authenticate()
        form_query = self._load_form()
        self._open_connection()
        if parse_bool(self.text_param("compress")):
            self.writer.use_native_compression()
        self.scope = ConnectionScope(self.conn, self.url_settings(), self._database(),
                                     [self.text_param("role")] if "role" in self.params else [],
                                     persistent=self.session is not None)
        http = self.scope.apply()
        self._configure_output(http)
        if form_query is not None:
            # The whole body was the form: the query is its `query` fields.
            self.query_snippet = form_query[:160].decode("utf-8", "replace")
            self.front.running.register(self.query_id)
            self.registered_id = self.query_id
            self.conn.set_progress_callback(self._progress_callback())
            self._run_query(form_query, http)
            return
        body = self._decoded_body(http)
        query_param = self.params.get("query", b"")
        prefix = query_param + b"\n" if query_param else b""
        # An INSERT ... FORMAT fully in the URL: the body is all data, stream it as it comes.
        insert = split_insert_with_data(prefix) if prefix else None
        if insert is not None:
            joined, complete = prefix, False
        else:
            head, complete = body.read_head(max(http.get_int("max_query_size", 262144), 1))
            joined = prefix + head
            insert = split_insert_with_data(joined)
        self.query_snippet = joined[:160].decode("utf-8", "replace")
        self.front.running.register(self.query_id)
        self.registered_id = self.query_id
        self.conn.set_progress_callback(self._progress_callback())
        if insert is not None:
            self._run_insert(insert, joined, body, http)
        else:
            self._run_query(joined if complete else joined + body.read_all(), http)

    # -- steps -------------------------------------------------------------------------

    def _authenticate(self) -> str:
        """authenticateUserByHTTP: headers, Basic auth or URL parameters (never mixed)."""
        headers = self.h.headers
        header_user = headers.get("X-ClickHouse-User", "")
        header_key = headers.get("X-ClickHouse-Key", "")
        quota_header = headers.get("X-ClickHouse-Quota", "")
        has_headers = bool(header_user or header_key)
        has_basic = headers.get("Authorization") is not None
        has_params = "user" in self.params or "password" in self.params

        def fail(message: str) -> ClickHouseError:
            return ClickHouseError.make("AUTHENTICATION_FAILED", message, plain=True)

        if headers.get("X-ClickHouse-SSL-Certificate-Auth", "") == "on":
            raise fail("Invalid authentication: SSL certificate authentication requires nonempty certificate's "
                       "Common Name or Subject Alternative Name")
        if has_headers:
            if not header_user:
                raise fail("Got an empty user name from X-ClickHouse HTTP headers")
            if has_basic:
                raise fail("Invalid authentication: it is not allowed to use X-ClickHouse HTTP headers and "
                           "Authorization HTTP header simultaneously")
            if has_params:
                raise fail("Invalid authentication: it is not allowed to use X-ClickHouse HTTP headers and "
                           "authentication via parameters simultaneously")
            user, password = header_user, header_key
        elif has_basic:
            if has_params:
                raise fail("Invalid authentication: it is not allowed to use Authorization HTTP header and "
                           "authentication via parameters simultaneously")
            scheme, _, info = headers.get("Authorization", "").strip().partition(" ")
            if scheme.lower() != "basic":
                raise fail(f"Invalid authentication: '{scheme}' HTTP Authorization scheme is not supported")
            try:
                decoded = base64.b64decode(info.strip(), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                raise fail("Invalid authentication: malformed Basic credentials") from None
            user, _, password = decoded.partition(":")
            if not user:
                raise fail("Got an empty user name from Authorization HTTP header")
        else:
            user = self.text_param("user", "default")
            password = self.text_param("password", "")
            if not user:
                raise fail("Got an empty user name from authentication via parameters")
        if "quota_key" in self.params and quota_header:
            raise ClickHouseError.make("BAD_ARGUMENTS", "Invalid authentication: it is not allowed to use quota key "
                                       "as HTTP header and as parameter simultaneously", plain=True)
        if not self.front.users.check(user, password):
            raise fail(f"{user}: Authentication failed: password is incorrect, or there is no user with such name")
        return user

    def _open_connection(self) -> None:
        session_id = self.text_param("session_id", "")
        if not session_id:
            self.conn = EngineConnection(self.front.data_dir)
            return
        timeout_text = self.text_param("session_timeout")
        timeout = DEFAULT_SESSION_TIMEOUT
        if timeout_text is not None:
            if not timeout_text.isdigit():
                raise ClickHouseError.make("INVALID_SESSION_TIMEOUT", f"Invalid session timeout: '{timeout_text}'",
                                           plain=True)
            timeout = int(timeout_text)
            if timeout > MAX_SESSION_TIMEOUT:
                raise ClickHouseError.make(
                    "INVALID_SESSION_TIMEOUT",
                    f"Session timeout '{timeout_text}' is larger than max_session_timeout: {MAX_SESSION_TIMEOUT}. "
                    "Maximum session timeout could be modified in configuration file", plain=True)
        check = parse_bool(self.text_param("session_check"))
        self.session = self.front.sessions.acquire(self.user, session_id, timeout, check)
        self.conn = self.session.conn

    def _database(self) -> str:
        return self.h.headers.get("X-ClickHouse-Database") or self.text_param("database", "") or ""

    def _default_format(self) -> str:
        return self.h.headers.get("X-ClickHouse-Format") or self.text_param("default_format", "") or "TabSeparated"

    def _configure_output(self, http: HttpSettings) -> None:
        accept = self.h.headers.get("Accept-Encoding", "")
        if accept and http.get_bool("enable_http_compression"):
            method = HttpEncoder.choose(accept)
            if method:
                self.writer.use_http_encoding(method, http.get_int("http_zlib_compression_level", 3))
        buffer_size = parse_uint(self.text_param("buffer_size"), "buffer_size",
                                 http.get_int("http_response_buffer_size", 0))
        self.writer.buffer_limit = max(DBMS_DEFAULT_BUFFER_SIZE, buffer_size)
        wait_end = parse_bool(self.text_param("wait_end_of_query"), http.get_bool("http_wait_end_of_query"))
        if wait_end:
            self.writer.buffer_until_end(buffer_size)
        if http.get_bool("send_progress_in_http_headers"):
            self.writer.send_progress_every(http.get_int("http_headers_progress_interval_ms", 100))
        self.writer.summary = self.stats.as_json

    def _decoded_body(self, http: HttpSettings) -> RequestBody:
        source: ChunkSource = self.raw_body
        encoding = self.h.headers.get("Content-Encoding", "").strip().lower()
        if encoding and encoding not in ("none", "identity"):
            source = ContentDecoder(source, encoding)
        if parse_bool(self.text_param("decompress")):
            verify = not http.get_bool("http_native_compression_disable_checksumming_on_decompress")
            source = NativeFrameReader(source, verify)
        return RequestBody(source)

    def _progress_callback(self) -> Callable[[dict], None]:
        def on_progress(values: dict) -> None:
            try:
                self.stats.add_progress(values)
                self.writer.progress(self.stats)
            except Exception:  # noqa: BLE001 - never raise into the engine
                pass
        return on_progress

    def _check_stopping(self) -> None:
        if self.front.stopping.is_set():
            raise ClientGone("the server is shutting down")

    # -- execution ------------------------------------------------------------------------

    def _run_insert(self, insert: InsertWithData, joined: bytes, body: RequestBody, http: HttpSettings) -> None:
        """INSERT ... FORMAT fmt with inline data: stream the bytes to the engine unchanged."""
        if self.h.command in ("GET", "HEAD"):
            raise self._readonly_error()
        self.writer.set_result_details(TEXT_PLAIN, None, http.timezone)
        inserter = self.conn.begin_insert(insert.statement, insert.format_name)
        try:
            first = joined[insert.data_offset:]
            if first:
                self.conn.append(inserter, first)
            for chunk in body.chunks():
                self._check_stopping()
                self.conn.append(inserter, chunk)
            result = self.conn.finish_insert(inserter)
        except BaseException:
            self.conn.abort_insert(inserter)
            raise
        self.stats.add_result(result)
        self.writer.finish()

    def _readonly_error(self) -> ClickHouseError:
        return ClickHouseError.make(
            "READONLY", f"{self.user}: Cannot execute query in readonly mode. For queries over HTTP, method GET "
                        "implies readonly. You should use method POST for modifying queries")

    def _run_query(self, sql: bytes, http: HttpSettings) -> None:
        """Any other statement: stream SELECT-like results, run the rest to completion."""
        klass, statements = self.conn.classify(sql)
        fmt = self._default_format()
        params = self.query_parameters()
        if statements > 1:
            self._refuse_multi_statement(sql, fmt, params)
        if self.h.command in ("GET", "HEAD") and klass == "MUTATING":
            raise self._readonly_error()
        keyword = leading_keyword(sql)
        is_result = keyword in RESULT_KEYWORDS
        output_format = (find_output_format(sql) if is_result else None) or fmt
        stream = None
        concatenable = output_format.lower() in CONCATENABLE_FORMATS
        if (is_result and concatenable) or not keyword:  # an empty query gets the engine's "Empty query" error
            if is_result:
                self._check_protocol_version(output_format)
                self.writer.set_result_details(content_type_for_format(output_format), output_format, http.timezone)
            try:
                stream = self.conn.open_stream(sql, fmt, params)
            except ClickHouseError as exc:
                if not exc.is_streaming_unsupported():
                    self.writer.clear_result_details()
                    raise
        if stream is not None:
            self._pump(stream)
        else:
            result = self.conn.query(sql, fmt, params)
            self.stats.add_result(result)
            if is_result:
                self.writer.set_result_details(content_type_for_format(output_format), output_format, http.timezone)
            else:
                self.writer.set_result_details(TEXT_PLAIN, None, http.timezone)
            self.writer.write(result.bytes())
        self.writer.finish()

    def _refuse_multi_statement(self, sql: bytes, fmt: str, params: dict) -> None:
        """Let the engine's parser report multi-statements exactly as a server does."""
        stream = self.conn.open_stream(sql, fmt, params)      # raises SYNTAX_ERROR on a real multi-statement
        self.conn.cancel(stream)
        raise ClickHouseError.make("SYNTAX_ERROR", "Syntax error: Multi-statements are not allowed")

    def _check_protocol_version(self, output_format: str) -> None:
        """client_protocol_version: the engine writes Native at revision 0 only."""
        version = parse_uint(self.text_param("client_protocol_version"), "client_protocol_version", 0)
        if version and output_format.lower() == "native":
            raise ClickHouseError.make(
                "NOT_IMPLEMENTED", f"client_protocol_version={version} is not supported by this chDB HTTP front: "
                                   "the engine writes Native output at revision 0 only")

    def _pump(self, stream) -> None:
        """Forward result chunks as the engine produces them; cancel if the client goes away."""
        completed = False
        try:
            while True:
                self._check_stopping()
                result = self.conn.fetch(stream)
                if result is None:
                    break
                data = result.bytes()
                if not data and result.rows_read() == 0:
                    break
                self.stats.add_result(result)
                self.writer.write(data)
            completed = True
        except ClickHouseError:
            completed = True            # the engine ended the stream with this error
            raise
        finally:
            if not completed:
                self.conn.cancel(stream)

    # -- cleanup ----------------------------------------------------------------------------

    def _release_engine(self) -> None:
        """Undo per-query state, give the session back (or close the connection); once."""
        if self._released:
            return
        self._released = True
        if self.conn is not None:
            self.conn.set_progress_callback(None)
        if self.registered_id is not None:
            self.front.running.unregister(self.registered_id)
        if self.scope is not None:
            self.scope.restore()
        if self.session is not None:
            close = False
            try:
                close = parse_bool(self.text_param("close_session"))
            except ClickHouseError:
                pass
            self.front.sessions.release(self.session, close)
        elif self.conn is not None:
            self.conn.close()

    def _cleanup(self) -> None:
        self._release_engine()
        if self.raw_body is not None and not self.raw_body.finished and not self.h.close_connection:
            if not self.raw_body.drain(MAX_DRAIN_BYTES):
                self.h.close_connection = True
        if self.writer.phase != ResponseWriter.DONE:
            self.h.close_connection = True


# --------------------------------------------------------------------------
# HTTP server
# --------------------------------------------------------------------------

class FrontState:
    """Process-wide state: engine anchor connection, users, sessions, configuration."""

    def __init__(self, data_dir: str, users: UserStore, display_name: str):
        self.data_dir = data_dir
        self.users = users
        self.display_name = display_name
        self.sessions = SessionRegistry(data_dir)
        self.running = RunningQueries()
        self.stopping = threading.Event()
        self._active = 0
        self._active_cond = threading.Condition()
        # Keeps the embedded engine alive: it shuts down when its last connection closes.
        self.anchor = EngineConnection(data_dir)
        ENGINE.load(self.anchor)

    def enter_request(self) -> None:
        with self._active_cond:
            self._active += 1

    def leave_request(self) -> None:
        with self._active_cond:
            self._active -= 1
            self._active_cond.notify_all()

    def wait_idle(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        with self._active_cond:
            while self._active:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._active_cond.wait(left)
        return True

    def close(self) -> None:
        self.sessions.close_all()
        self.anchor.close()


class FrontHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive handler: /ping, GET / and queries on any path."""

    protocol_version = "HTTP/1.1"
    timeout = KEEP_ALIVE_TIMEOUT
    front: FrontState            # set on the subclass created by FrontServer

    def setup(self) -> None:
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def handle_one_request(self) -> None:
        """As in BaseHTTPRequestHandler, but allowing request lines up to http_max_uri_size."""
        try:
            self.raw_requestline = self.rfile.readline(MAX_URI_SIZE + 1)
            if len(self.raw_requestline) > MAX_URI_SIZE:
                self.requestline, self.request_version, self.command = "", "", ""
                self.send_error(414)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            if self.request_version != "HTTP/1.1":
                self.close_connection = True
            handler = getattr(self, "do_" + self.command, None)
            if handler is None:
                self.send_error(501, f"Unsupported method ({self.command!r})")
                return
            handler()
            self.wfile.flush()
        except (TimeoutError, ConnectionError, OSError):
            self.close_connection = True

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        if self.front.stopping.is_set():          # a keep-alive request arriving during shutdown
            self.close_connection = True
            return
        self.front.enter_request()
        try:
            path = urlsplit(self.path)
            if path.path == "/ping" or (path.path == "/" and self.command in ("GET", "HEAD")
                                        and not self._has_query(path.query) and not self._has_body()):
                self._send_static_ok()
            else:
                QueryRequest(self, self.front).run()
        finally:
            self.front.leave_request()

    @staticmethod
    def _has_query(query_string: str) -> bool:
        return any(name == "query" for name, _ in parse_query_string(query_string))

    def _has_body(self) -> bool:
        return ("chunked" in self.headers.get("Transfer-Encoding", "").lower()
                or self.headers.get("Content-Length", "0").strip() not in ("", "0"))

    def _send_static_ok(self) -> None:
        keep_alive = self.request_version == "HTTP/1.1" and not self.close_connection
        lines = [f"{self.request_version if self.request_version == 'HTTP/1.1' else 'HTTP/1.0'} 200 OK",
                 f"Date: {email.utils.formatdate(usegmt=True)}",
                 f"Connection: {'Keep-Alive' if keep_alive else 'Close'}",
                 "Content-Type: text/html; charset=UTF-8",
                 f"Content-Length: {len(STATIC_OK_BODY)}"]
        if keep_alive:
            lines.append(f"Keep-Alive: timeout={KEEP_ALIVE_TIMEOUT}, max={KEEP_ALIVE_MAX_REQUESTS}")
        payload = ("\r\n".join(lines) + "\r\n\r\n").encode()
        if self.command != "HEAD":
            payload += STATIC_OK_BODY
        self.wfile.write(payload)
        if not keep_alive:
            self.close_connection = True
        log(f'{self.client_address[0]} "{self.command} {urlsplit(self.path).path}" 200 {len(STATIC_OK_BODY)}B')

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - signature of the base class
        log(f"{self.client_address[0]} {format % args}")

    def log_request(self, code="-", size="-") -> None:
        pass        # requests are logged by QueryRequest / _send_static_ok


class FrontServer(ThreadingHTTPServer):
    """Threaded HTTP server; each connection gets its own thread."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], front: FrontState):
        handler = type("BoundFrontHandler", (FrontHandler,), {"front": front})
        super().__init__(address, handler)
        self.front = front


def start_session_reaper(front: FrontState) -> threading.Thread:
    """Background thread closing idle sessions."""
    def loop() -> None:
        while not front.stopping.wait(SESSION_REAP_INTERVAL):
            try:
                front.sessions.reap()
            except Exception:  # noqa: BLE001
                log("session reaper error:\n" + traceback.format_exc())
    thread = threading.Thread(target=loop, name="session-reaper", daemon=True)
    thread.start()
    return thread


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="ClickHouse HTTP interface in front of chDB (ClickHouse 26.9).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--data-dir", required=True, help="chDB database path (persistent)")
    parser.add_argument("--users-file", help='JSON object {"user": "password", ...}')
    parser.add_argument("--display-name", help="X-ClickHouse-Server-Display-Name (default: host name)")
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    data_dir = os.path.abspath(args.data_dir)
    os.makedirs(data_dir, exist_ok=True)
    users = UserStore(args.users_file)
    _chdb.set_signal_handlers_enabled(0)          # SIGINT/SIGTERM stay with Python
    front = FrontState(data_dir, users, args.display_name or socket.getfqdn())
    server = FrontServer((args.host, args.port), front)

    def on_signal(signum, _frame) -> None:
        if not front.stopping.is_set():
            log(f"received signal {signum}, shutting down")
            front.stopping.set()
            threading.Thread(target=server.shutdown, name="shutdown", daemon=True).start()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    start_session_reaper(front)
    host, port = server.server_address[:2]
    log(f"engine version {ENGINE.version}, timezone {ENGINE.timezone}, data dir {data_dir}")
    print(f"listening on http://{host}:{port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        front.stopping.set()
        server.server_close()
        if not front.wait_idle(SHUTDOWN_GRACE_SECONDS):
            log("some requests were still running at shutdown")
        front.close()
        log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
