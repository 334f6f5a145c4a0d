"""Object storage behind a small interface: OSS in production, a local directory for tests and the CLI.

``LocalStorage(root)`` mirrors buckets as ``root/<bucket>/<key>``. Each object appears atomically: it
is written to ``root/.staging/`` and then renamed into place, so a reader never sees half a file.

``OssStorage`` wraps the ``oss2`` SDK, which the FC Python 3.10 runtime preinstalls; it is imported
only when ``OssStorage.from_runtime`` runs, so tests and the CLI do not need it.

The OSS semantics the transcoder relies on, which ``LocalStorage`` reproduces:

- a PUT is atomic and the last writer wins; reads, HEADs and LISTs see every completed PUT and DELETE
  at once (OSS is strongly consistent);
- ``PutObject`` with ``x-oss-forbid-overwrite: true`` fails with 409 ``FileAlreadyExists`` when the key
  exists, **except in a bucket whose versioning is enabled or suspended, where the header has no effect**
  and the PUT overwrites (OSS API reference, PutObject, request header ``x-oss-forbid-overwrite``:
  https://help.aliyun.com/zh/oss/developer-reference/putobject). ``LocalStorage(versioned=True)``
  ignores ``forbid_overwrite`` the same way;
- ``PutObject`` takes no ``If-Match`` / ``If-None-Match`` precondition (the same page lists none; only
  GET/HEAD and the copy source of CopyObject take ETag conditions), so there is no compare-and-swap on a
  key. The publish protocol (publish.py) is built so that it does not need one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .localserve import ServerRef

STAGING_DIR = ".staging"


@dataclass(frozen=True)
class ObjectInfo:
    """Size and ETag of a stored object."""

    size: int
    etag: str


class SourceChanged(RuntimeError):
    """The object changed between HEAD and GET (its ETag no longer matches)."""


class AlreadyExists(RuntimeError):
    """A ``forbid_overwrite`` PUT found the key already there (OSS 409 ``FileAlreadyExists``)."""


class Storage(Protocol):
    """What the handler needs from object storage."""

    def head(self, bucket: str, key: str) -> ObjectInfo | None:
        """Size and ETag, or None when the object does not exist."""

    def download(self, bucket: str, key: str, path: str, *, if_match: str) -> None:
        """Write the object to ``path``; raise ``SourceChanged`` if its ETag is no longer ``if_match``."""

    def presign_get(self, bucket: str, key: str, *, expires_seconds: int) -> str:
        """A GET URL for the object that works for ``expires_seconds`` without further credentials and
        answers range requests and ``If-Match`` (remote.py). It is a credential: never log it."""

    def get_bytes(self, bucket: str, key: str) -> bytes | None:
        """The object's content, or None when it does not exist."""

    def put_file(self, bucket: str, key: str, path: str, content_type: str) -> None:
        """Upload a local file."""

    def put_bytes(
        self, bucket: str, key: str, data: bytes, content_type: str, *, forbid_overwrite: bool = False
    ) -> None:
        """Upload bytes. With ``forbid_overwrite``, raise ``AlreadyExists`` when the key exists (a no-op
        condition in versioned buckets, like OSS)."""

    def list_keys(self, bucket: str, prefix: str) -> list[str]:
        """Every key under ``prefix``, sorted."""

    def delete(self, bucket: str, keys: Iterable[str]) -> None:
        """Delete the keys (missing ones are ignored)."""


def normalize_etag(etag: str) -> str:
    """OSS returns ETags quoted and upper-case; events carry them either way."""
    return etag.strip().strip('"').upper()


class LocalStorage:
    """A directory that mirrors buckets: ``root/<bucket>/<key>``. ETag = upper-case MD5, like OSS
    for objects uploaded in one piece."""

    def __init__(self, root: str | os.PathLike[str], *, versioned: bool = False, server: ServerRef | None = None
                 ) -> None:  # fmt: skip
        self.root = Path(root)
        self.versioned = versioned
        """Like an OSS bucket with versioning enabled: ``forbid_overwrite`` has no effect."""
        self.server = server
        """The range server that answers ``presign_get`` URLs (localserve.py); None: this process's own."""

    def path(self, bucket: str, key: str) -> Path:
        """Local path of an object; rejects keys that would escape the bucket directory."""
        parts = key.split("/")
        if (
            not bucket
            or "/" in bucket
            or bucket.startswith(".")
            or any(p in ("..", ".") for p in parts)
            or key.startswith("/")
        ):
            raise ValueError(f"refusing bucket/key {bucket!r}/{key!r}: it would escape {self.root}")
        return self.root / bucket / key

    def head(self, bucket: str, key: str) -> ObjectInfo | None:
        path = self.path(bucket, key)
        if not path.is_file():
            return None
        digest = hashlib.md5(usedforsecurity=False)
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return ObjectInfo(size=path.stat().st_size, etag=digest.hexdigest().upper())

    def download(self, bucket: str, key: str, path: str, *, if_match: str) -> None:
        info = self.head(bucket, key)
        if info is None or info.etag != normalize_etag(if_match):
            raise SourceChanged(f"{bucket}/{key}: ETag is no longer {if_match}")
        shutil.copyfile(self.path(bucket, key), path)

    def presign_get(self, bucket: str, key: str, *, expires_seconds: int) -> str:
        self.path(bucket, key)  # refuses keys that would escape the bucket directory
        ref = self.server
        if ref is None:
            from .localserve import server_for

            ref = server_for(self.root).ref
        return ref.sign(bucket, key, expires_seconds)

    def get_bytes(self, bucket: str, key: str) -> bytes | None:
        path = self.path(bucket, key)
        return path.read_bytes() if path.is_file() else None

    def put_file(self, bucket: str, key: str, path: str, content_type: str) -> None:
        self._publish(bucket, key, lambda staged: shutil.copyfile(path, staged))

    def put_bytes(
        self, bucket: str, key: str, data: bytes, content_type: str, *, forbid_overwrite: bool = False
    ) -> None:
        exclusive = forbid_overwrite and not self.versioned
        self._publish(bucket, key, lambda staged: Path(staged).write_bytes(data), exclusive=exclusive)

    def list_keys(self, bucket: str, prefix: str) -> list[str]:
        base = self.root / bucket
        if not base.is_dir():
            return []
        keys = (p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())
        return sorted(k for k in keys if k.startswith(prefix))

    def delete(self, bucket: str, keys: Iterable[str]) -> None:
        base = self.root / bucket
        for key in keys:
            path = self.path(bucket, key)
            path.unlink(missing_ok=True)
            # Drop directories the delete emptied, like OSS where "folders" are only key prefixes.
            parent = path.parent
            while parent != base and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent

    def _publish(self, bucket: str, key: str, write: Callable[[str], Any], *, exclusive: bool = False) -> None:
        final = self.path(bucket, key)
        staging = self.root / STAGING_DIR
        staging.mkdir(parents=True, exist_ok=True)
        staged = staging / uuid.uuid4().hex
        try:
            write(str(staged))
            final.parent.mkdir(parents=True, exist_ok=True)
            if exclusive:
                try:
                    os.link(staged, final)  # atomic create-if-absent, like x-oss-forbid-overwrite
                except FileExistsError:
                    raise AlreadyExists(f"{bucket}/{key} already exists") from None
                return
            os.replace(staged, final)  # atomic on one filesystem: readers see old or new, never half
        finally:
            staged.unlink(missing_ok=True)
            try:
                staging.rmdir()  # only when empty: a concurrent writer may still be staging
            except OSError:
                pass


class OssStorage:
    """OSS through ``oss2``. ``bucket_factory(name)`` returns an ``oss2.Bucket``; tests pass a fake."""

    # Above this size an upload goes multipart (parallel parts, resumable within the invocation).
    MULTIPART_THRESHOLD = 64 * 1024 * 1024

    def __init__(self, bucket_factory: Callable[[str], Any], oss2_module: Any) -> None:
        self._factory = bucket_factory
        self._oss2 = oss2_module
        self._buckets: dict[str, Any] = {}

    @classmethod
    def from_runtime(cls, env: Mapping[str, str], context: Any, *, endpoint: str, region: str | None) -> OssStorage:
        """Build from the FC runtime: credentials from the ``ALIBABA_CLOUD_*`` variables FC sets
        (the Python 3.12 runtime has no ``context.credentials``), else from ``context.credentials``."""
        import oss2  # preinstalled on the FC Python runtimes; lazy so tests never need it

        key_id, secret, token = _credentials(env, context)
        if not endpoint:
            region = region or env.get("FC_REGION") or getattr(context, "region", None)
            if not region:
                raise RuntimeError("cannot build the OSS endpoint: set OSS_ENDPOINT or run where FC_REGION is set")
            # The internal endpoint: free traffic inside the region, and FC reaches it without a NAT.
            endpoint = f"https://oss-{region}-internal.aliyuncs.com"
        auth = oss2.StsAuth(key_id, secret, token) if token else oss2.Auth(key_id, secret)
        return cls(lambda name: oss2.Bucket(auth, endpoint, name), oss2)

    def _bucket(self, name: str) -> Any:
        if name not in self._buckets:
            self._buckets[name] = self._factory(name)
        return self._buckets[name]

    def head(self, bucket: str, key: str) -> ObjectInfo | None:
        try:
            result = self._bucket(bucket).head_object(key)
        except self._oss2.exceptions.NotFound:
            return None
        return ObjectInfo(size=int(result.content_length), etag=normalize_etag(result.etag))

    def download(self, bucket: str, key: str, path: str, *, if_match: str) -> None:
        try:
            self._bucket(bucket).get_object_to_file(key, path, headers={"If-Match": f'"{normalize_etag(if_match)}"'})
        except self._oss2.exceptions.PreconditionFailed:
            raise SourceChanged(f"{bucket}/{key}: ETag is no longer {if_match}") from None

    def presign_get(self, bucket: str, key: str, *, expires_seconds: int) -> str:
        # A local HMAC with the role's STS credentials (the token travels in the URL's `security-token`): no
        # request, no permission beyond oss:GetObject, which OSS checks when the URL is used. V1 signing:
        # If-Match is not a signed header, so readers add it (remote.py). `slash_safe` keeps `/` in the key.
        # The URL stops working at the earlier of its expiry and the token's (36 h for an FC role's token,
        # platform-facts 1.5).
        return self._bucket(bucket).sign_url("GET", key, int(expires_seconds), slash_safe=True)

    def get_bytes(self, bucket: str, key: str) -> bytes | None:
        try:
            return self._bucket(bucket).get_object(key).read()
        except self._oss2.exceptions.NotFound:
            return None

    def put_file(self, bucket: str, key: str, path: str, content_type: str) -> None:
        headers = {"Content-Type": content_type}
        if os.path.getsize(path) < self.MULTIPART_THRESHOLD:
            self._bucket(bucket).put_object_from_file(key, path, headers=headers)
            return
        with tempfile.TemporaryDirectory(prefix="oss-resume-") as store:
            # The checkpoint store defaults to $HOME, which is read-only on FC.
            self._oss2.resumable_upload(
                self._bucket(bucket), key, path, store=self._oss2.ResumableStore(root=store),
                headers=headers, multipart_threshold=self.MULTIPART_THRESHOLD, part_size=16 * 1024 * 1024,
                num_threads=4,
            )  # fmt: skip

    def put_bytes(
        self, bucket: str, key: str, data: bytes, content_type: str, *, forbid_overwrite: bool = False
    ) -> None:
        headers = {"Content-Type": content_type}
        if forbid_overwrite:
            headers["x-oss-forbid-overwrite"] = "true"
        try:
            self._bucket(bucket).put_object(key, data, headers=headers)
        except self._oss2.exceptions.ServerError as exc:
            # oss2 has no class for (409, FileAlreadyExists): make_exception falls back to ServerError
            # with the code from the error body (oss2/exceptions.py, make_exception).
            if getattr(exc, "status", None) == 409 and getattr(exc, "code", "") == "FileAlreadyExists":
                raise AlreadyExists(f"{bucket}/{key} already exists") from None
            raise

    def list_keys(self, bucket: str, prefix: str) -> list[str]:
        return sorted(obj.key for obj in self._oss2.ObjectIterator(self._bucket(bucket), prefix=prefix))

    def delete(self, bucket: str, keys: Iterable[str]) -> None:
        keys = list(keys)
        for start in range(0, len(keys), 1000):  # DeleteMultipleObjects takes at most 1000 keys
            self._bucket(bucket).batch_delete_objects(keys[start : start + 1000])


def _credentials(env: Mapping[str, str], context: Any) -> tuple[str, str, str]:
    key_id = env.get("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
    secret = env.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "")
    token = env.get("ALIBABA_CLOUD_SECURITY_TOKEN", "")
    creds = getattr(context, "credentials", None)
    if not (key_id and secret) and creds is not None:
        key_id = getattr(creds, "access_key_id", "") or getattr(creds, "accessKeyId", "")
        secret = getattr(creds, "access_key_secret", "") or getattr(creds, "accessKeySecret", "")
        token = getattr(creds, "security_token", "") or getattr(creds, "securityToken", "")
    if not (key_id and secret):
        # Name the variables, never their values.
        raise RuntimeError(
            "no OSS credentials: ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET are unset and "
            "the context has no credentials; give the function a role"
        )
    return key_id, secret, token
