"""Presigned GET URLs for ``LocalStorage``: a loopback HTTP server that serves byte ranges of its files.

On Function Compute, FFmpeg and ffprobe read a replay straight from OSS through a presigned GET URL
(HTTP range requests, the ETag pinned with ``If-Match``), so no invocation stores the source on its
disk (docs/transcoder.md, "Reading the source"). The local run and the tests take the same path: this
server answers the requests OSS would, with the semantics the transcoder relies on:

- a URL names ``/<bucket>/<key>`` and carries ``Expires`` (Unix seconds) and ``Signature`` (an HMAC
  of bucket, key and expiry with the server's own random secret): a URL cannot be forged or used after
  it expires (``403 AccessDenied``, like OSS);
- ``Range: bytes=a-b`` / ``bytes=a-`` / ``bytes=-n`` answers ``206`` with ``Content-Range``;
  ``416`` when unsatisfiable; no range answers ``200``;
- ``If-Match: "<ETag>"`` answers ``412 PreconditionFailed`` once the object changed (the ETag is the
  upper-case MD5, as ``LocalStorage.head`` computes it), ``404`` once it is gone;
- every response is logged in ``served`` (bucket, key, first byte, bytes sent), so tests can prove
  how much of a source each invocation read.

It listens on 127.0.0.1 only, one per process and storage root (``server_for``); a ``LocalStorage``
built with ``ServerRef`` (what the CLI hands its worker processes) signs URLs for the parent's server
instead of starting its own.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

CHUNK = 256 * 1024
_RANGE_RE = re.compile(r"bytes=(\d*)-(\d*)")


@dataclass(frozen=True)
class ServerRef:
    """How to sign URLs for a running server (picklable: it crosses to worker processes)."""

    host: str
    port: int
    secret_hex: str = field(repr=False)

    def sign(self, bucket: str, key: str, expires_seconds: int, *, now: float | None = None) -> str:
        expires = int(now if now is not None else time.time()) + int(expires_seconds)
        signature = _signature(bytes.fromhex(self.secret_hex), bucket, key, expires)
        return (f"http://{self.host}:{self.port}/{quote(bucket, safe='')}/{quote(key, safe='/')}"
                f"?Expires={expires}&Signature={signature}")  # fmt: skip


@dataclass(frozen=True)
class Served:
    """One answered request."""

    bucket: str
    key: str
    status: int
    start: int
    sent: int


def _signature(secret: bytes, bucket: str, key: str, expires: int) -> str:
    return hmac.new(secret, f"{bucket}\n{key}\n{expires}".encode(), hashlib.sha256).hexdigest()


class LocalRangeServer:
    """Serves ``root/<bucket>/<key>`` by presigned URL on 127.0.0.1 (see the module docstring)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.secret = secrets.token_bytes(32)
        self.served: list[Served] = []
        self._lock = threading.Lock()
        self._etags: dict[tuple[str, int, int, int], str] = {}
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="local-range-server", daemon=True)
        self._thread.start()

    @property
    def ref(self) -> ServerRef:
        host, port = self._httpd.server_address[:2]
        return ServerRef(str(host), int(port), self.secret.hex())

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def bytes_sent(self, bucket: str, key: str) -> int:
        """Bytes of ``bucket/key`` sent so far (every request)."""
        with self._lock:
            return sum(s.sent for s in self.served if (s.bucket, s.key) == (bucket, key))

    def etag(self, path: Path) -> str:
        """Upper-case MD5 of the file, cached by identity, size and modification time."""
        st = path.stat()
        ident = (str(path), st.st_ino, st.st_size, st.st_mtime_ns)
        with self._lock:
            cached = self._etags.get(ident)
        if cached:
            return cached
        digest = hashlib.md5(usedforsecurity=False)
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        value = digest.hexdigest().upper()
        with self._lock:
            self._etags[ident] = value
        return value

    def record(self, entry: Served) -> None:
        with self._lock:
            self.served.append(entry)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # a reader that hung up (FFmpeg closes its connection when it has what it needs)
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    owner: LocalRangeServer
    protocol_version = "HTTP/1.1"  # keep-alive: FFmpeg's multiple_requests reuses the connection on seeks

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's name)
        return  # quiet: the URLs carry signatures

    def do_HEAD(self) -> None:  # noqa: N802 (the stdlib's name)
        self._answer(body=False)

    def do_GET(self) -> None:  # noqa: N802
        self._answer(body=True)

    def _answer(self, *, body: bool) -> None:
        server = self.owner
        parts = urlsplit(self.path)
        path_parts = parts.path.lstrip("/").split("/", 1)
        query = parse_qs(parts.query)
        if len(path_parts) != 2:
            return self._error(404, "NoSuchKey", "", "")
        bucket, key = unquote(path_parts[0]), unquote(path_parts[1])
        try:
            expires = int(query.get("Expires", [""])[0])
        except ValueError:
            return self._error(403, "AccessDenied", bucket, key)
        signature = query.get("Signature", [""])[0]
        if not hmac.compare_digest(signature, _signature(server.secret, bucket, key, expires)):
            return self._error(403, "SignatureDoesNotMatch", bucket, key)
        if time.time() > expires:
            return self._error(403, "AccessDenied", bucket, key)  # OSS: "Request has expired."
        try:
            from .storage import LocalStorage

            path = LocalStorage(server.root).path(bucket, key)
        except ValueError:
            return self._error(403, "AccessDenied", bucket, key)
        if not path.is_file():
            return self._error(404, "NoSuchKey", bucket, key)
        etag = server.etag(path)
        wanted = self.headers.get("If-Match")
        if wanted is not None and wanted.strip().strip('"').upper() != etag:
            return self._error(412, "PreconditionFailed", bucket, key)
        size = path.stat().st_size
        start, end = 0, size  # end exclusive
        status = 200
        header = self.headers.get("Range")
        if header:
            match = _RANGE_RE.fullmatch(header.strip())
            if not match or (not match.group(1) and not match.group(2)):
                return self._error(416, "InvalidRange", bucket, key, size=size)
            first, last = match.group(1), match.group(2)
            if first:
                start = int(first)
                end = min(size, int(last) + 1) if last else size
            else:  # suffix range: the last n bytes
                start = max(0, size - int(last))
            if start >= size or start >= end:
                return self._error(416, "InvalidRange", bucket, key, size=size)
            status = 206
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(end - start))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", f'"{etag}"')
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end - 1}/{size}")
        self.end_headers()
        sent = 0
        try:
            if body:
                with path.open("rb") as handle:
                    handle.seek(start)
                    while sent < end - start:
                        chunk = handle.read(min(CHUNK, end - start - sent))
                        if not chunk:
                            break
                        self.wfile.write(chunk)
                        sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the reader stopped early (FFmpeg has what it needs)
        finally:
            server.record(Served(bucket, key, status, start, sent))

    def _error(self, status: int, code: str, bucket: str, key: str, *, size: int | None = None) -> None:
        data = f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code></Error>\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(data)))
        if size is not None:
            self.send_header("Content-Range", f"bytes */{size}")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.owner.record(Served(bucket, key, status, 0, 0))


_SERVERS: dict[tuple[int, str], LocalRangeServer] = {}
_SERVERS_LOCK = threading.Lock()


def server_for(root: str | os.PathLike[str]) -> LocalRangeServer:
    """This process's server for ``root`` (started on first use; a forked child starts its own)."""
    ident = (os.getpid(), str(Path(root).resolve()))
    with _SERVERS_LOCK:
        server = _SERVERS.get(ident)
        if server is None:
            server = _SERVERS[ident] = LocalRangeServer(root)
        return server

