"""Reading the source where it lies: a presigned GET URL, ETag-pinned, read in ranges (issue 15, gala replays).

No invocation downloads the source (docs/transcoder.md, "Reading the source"). Each one presigns its own
short-lived GET URL (``Storage.presign_get``; on OSS a local HMAC with the function's role credentials,
so the role needs nothing beyond its ``oss:GetObject``), and:

- the coordinator probes the source with ffprobe over the URL and reads the MP4 index with a few
  range requests (``read_range``, mp4index.py);
- each worker has FFmpeg read only its part (``-ss`` on the input seeks by the index, then HTTP range
  requests from there) and transcodes it straight from the URL;
- the one-pass path transcodes from the URL too.

Every request carries ``If-Match: "<ETag>"``: once the object changes, OSS answers ``412`` and the
reader fails instead of mixing two versions (OSS GetObject request headers:
https://help.aliyun.com/zh/oss/developer-reference/getobject). ``If-Match`` is not part of the V1 URL
signature (the signed headers are Content-MD5, Content-Type, the expiry and ``x-oss-*``: oss2
``auth.py``, ``ProviderAuth._sign_url``), so it is added at request time.

A presigned URL is a credential (it carries the signature and the STS token): it is never logged,
written to a job record or put into an error message (``redact``).
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .storage import SourceChanged, normalize_etag

# A URL's query (signature, token, expiry) never reaches a log line or an error message.
_URL_QUERY_RE = re.compile(r"(https?://[^\s?'\"<>|]+)\?[^\s'\"<>|]*")
READ_TIMEOUT_SECONDS = 60
READ_ATTEMPTS = 4


class SourceUnavailable(RuntimeError):
    """The source could not be read through its URL (refused, gone, or the network failed)."""


def redact(text: str) -> str:
    """``text`` with the query of every http(s) URL replaced by ``<signed>``."""
    return _URL_QUERY_RE.sub(r"\1?<signed>", text)


@dataclass(frozen=True)
class SignedSource:
    """A source object behind a presigned GET URL, pinned to one ETag."""

    url: str = field(repr=False)
    etag: str
    size: int

    @property
    def if_match(self) -> str:
        return f'"{normalize_etag(self.etag)}"'

    def __str__(self) -> str:
        return redact(self.url)


def ffmpeg_input_options(src: SignedSource) -> list[str]:
    """FFmpeg/ffprobe input options for reading ``src``: the ETag pinned on every request (reconnects and
    seeks included), reconnects on network errors and 5xx (OSS throttling answers 503), a read timeout so a
    stalled connection fails the invocation instead of hanging until the function's timeout, and one
    persistent connection for the index seeks of a non-faststart MP4 (FFmpeg ``http`` protocol options:
    https://ffmpeg.org/ffmpeg-protocols.html#http)."""
    return [
        "-headers", f"If-Match: {src.if_match}\r\n",
        "-multiple_requests", "1",
        "-reconnect", "1", "-reconnect_on_network_error", "1", "-reconnect_on_http_error", "5xx",
        "-reconnect_delay_max", "30",
        "-rw_timeout", str(READ_TIMEOUT_SECONDS * 1_000_000),
    ]  # fmt: skip


# What FFmpeg's http/tcp/tls layers print when a read fails (libavformat/http.c ff_http_averror messages,
# network.c), as opposed to a demuxer that read the bytes and found no media in them.
_READ_FAILURES = (
    (re.compile(r"Server returned 403"), "http-403"),
    (re.compile(r"Server returned 404"), "http-404"),
    (re.compile(r"Server returned 4XX"), "http-4xx"),
    (re.compile(r"Server returned 5XX|Server returned 50\d"), "http-5xx"),
    (re.compile(r"Connection refused|Connection reset|Connection timed out|timed out|Network is unreachable|"
                r"Failed to resolve hostname|Name or service not known|Broken pipe|\bTLS\b|\bSSL\b",
                re.IGNORECASE), "network"),
)


def read_failure_kind(stderr: str) -> str | None:
    """Why FFmpeg could not read its input URL, from its error output, or None (the bytes were read)."""
    for pattern, kind in _READ_FAILURES:
        if pattern.search(stderr):
            return kind
    return None


Opener = Callable[..., Any]


def read_range(src: SignedSource, offset: int, length: int, *, opener: Opener = urllib.request.urlopen,
               sleep: Callable[[float], None] = time.sleep) -> bytes:  # fmt: skip
    """Bytes ``[offset, offset + length)`` of ``src`` (fewer at its end); raise ``SourceChanged`` once the
    ETag no longer matches (412) and ``SourceUnavailable`` when it cannot be read (after retries for
    network errors and 5xx)."""
    if length <= 0 or offset >= src.size:
        return b""
    last = min(src.size, offset + length) - 1
    request = urllib.request.Request(src.url, headers={"Range": f"bytes={offset}-{last}", "If-Match": src.if_match})
    problem = ""
    for attempt in range(READ_ATTEMPTS):
        try:
            with opener(request, timeout=READ_TIMEOUT_SECONDS) as response:
                status = getattr(response, "status", 200)
                data = response.read()
            if status == 206:
                return data
            if status == 200:  # a server that ignores Range sends everything
                return data[offset : last + 1]
            problem = f"HTTP {status}"
        except urllib.error.HTTPError as exc:
            if exc.code == 412:
                raise SourceChanged(f"source {redact(src.url)}: ETag is no longer {src.etag}") from None
            if exc.code < 500:
                raise SourceUnavailable(f"reading {redact(src.url)} failed: HTTP {exc.code}") from None
            problem = f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            problem = redact(str(getattr(exc, "reason", exc)))
        if attempt + 1 < READ_ATTEMPTS:
            sleep(min(8.0, 0.5 * 2**attempt))
    raise SourceUnavailable(f"reading {redact(src.url)} failed after {READ_ATTEMPTS} attempts: {problem}")
