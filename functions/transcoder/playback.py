"""Playback URLs for the manifest, signed with Alibaba Cloud CDN URL authentication type A (pure).

Type A (Alibaba Cloud CDN, "Configure URL signing" -> "Type A signing",
https://www.alibabacloud.com/help/en/cdn/user-guide/type-a-signing)::

    http(s)://DomainName/Filename?auth_key={timestamp}-{rand}-{uid}-{md5hash}
    md5hash = md5("{URI}-{timestamp}-{rand}-{uid}-{PrivateKey}")

``URI`` is the request path (from the leading ``/``, without the query), ``timestamp`` a Unix time in
seconds, ``rand`` a random string without hyphens (``0`` allowed), ``uid`` ``0``. The CDN rejects a URL
once ``now > timestamp + validity``, where the validity is the domain's ``ali_auth_delta`` setting. To
give a URL the manifest's own lifetime (``PLAYBACK_URL_TTL_SECONDS``), the function signs with
``timestamp = signing time + ttl - delta`` (``PLAYBACK_AUTH_DELTA_SECONDS``, which must equal the CDN
domain's setting; 1800 s is the CDN default).

The path is percent-encoded as a player sends it (RFC 3986 unreserved characters and ``/`` kept) and
signed in that form. [UNCONFIRMED] whether the CDN hashes the encoded or the decoded URI for keys that
need encoding; keys made of unreserved characters (the usual case) are the same either way.

Segment requests that a player derives from a signed master playlist carry no ``auth_key``: with URL
auth on, the CDN domain must rewrite the playlists' segment URIs (its HLS token rewrite function,
owned by the edge block), or the segments must be left unsigned.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

DEFAULT_AUTH_DELTA_SECONDS = 1800


def url_path(key: str) -> str:
    """The URL path of an object key on the CDN domain (which serves the output bucket's root)."""
    return "/" + quote(key, safe="/~")


def sign_type_a(path: str, key: str, *, timestamp: int, rand: str = "0", uid: str = "0") -> str:
    """``auth_key`` value for ``path`` (type A)."""
    if "-" in rand or "-" in uid:
        raise ValueError("type A rand and uid must not contain '-'")
    digest = hashlib.md5(f"{path}-{timestamp}-{rand}-{uid}-{key}".encode(), usedforsecurity=False).hexdigest()
    return f"{timestamp}-{rand}-{uid}-{digest}"


def playback_url(
    base_url: str, key: str, *, auth_key: str | None, now: datetime, ttl_seconds: int,
    delta_seconds: int = DEFAULT_AUTH_DELTA_SECONDS, rand: str | None = None,
) -> tuple[str, datetime | None]:
    """The URL of ``key`` under ``base_url`` and, when signed, when it stops working."""
    path = url_path(key)
    prefix = base_url.rstrip("/")
    if not auth_key:
        return prefix + path, None
    timestamp = int(now.timestamp()) + ttl_seconds - delta_seconds
    token = sign_type_a(base_path(prefix) + path, auth_key, timestamp=timestamp,
                        rand=rand if rand is not None else secrets.token_hex(8))  # fmt: skip
    expires = datetime.fromtimestamp(timestamp + delta_seconds, tz=timezone.utc)
    return f"{prefix}{path}?auth_key={token}", expires


def base_path(base_url: str) -> str:
    """The path part of a base URL (``https://cdn.example.com/vod`` -> ``/vod``)."""
    rest = base_url.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else ""


def playback_block(
    settings: Any, out: Any, renditions: Sequence[Mapping[str, Any]], poster: Mapping[str, Any], *,
    now: datetime, key_source: Callable[[], str] | None, rand: str | None = None,
) -> dict[str, Any] | None:
    """The manifest's ``playback`` block (master playlist, MP4 fallback, poster), or None when
    ``PLAYBACK_BASE_URL`` is unset. ``now`` is the signing time (injected: tests fix it)."""
    base = settings.playback_base_url
    if not base:
        return None
    auth_key = key_source() if key_source else None
    ttl = settings.playback_url_ttl_seconds
    delta = getattr(settings, "playback_auth_delta_seconds", DEFAULT_AUTH_DELTA_SECONDS)
    mp4 = next((r for r in renditions if r.get("type") == "mp4"), None)
    links: dict[str, Any] = {"baseUrl": base, "signed": bool(auth_key)}
    expires = None
    for name, key in (("master", out.key("hls/master.m3u8")), ("mp4", mp4["key"] if mp4 else None),
                      ("poster", poster.get("key"))):  # fmt: skip
        if key:
            links[name], expires = playback_url(base, key, auth_key=auth_key, now=now, ttl_seconds=ttl,
                                                delta_seconds=delta, rand=rand)  # fmt: skip
    links["expiresAt"] = expires.isoformat(timespec="seconds") if expires else None
    if expires is not None and expires < now + timedelta(seconds=60):
        raise ValueError("playback URLs would expire within a minute; raise PLAYBACK_URL_TTL_SECONDS")
    return links
