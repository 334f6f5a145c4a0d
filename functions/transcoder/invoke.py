"""Asynchronous invocations of the worker and merge functions, and KMS secret reads, over the plain
HTTPS OpenAPI with Alibaba Cloud's V3 request signature (stdlib only: the FC Python 3.10 runtime
preinstalls neither the FC 3.0 nor the KMS SDK of the alibabacloud_* generation).

Signature (ACS3-HMAC-SHA256), as the official SDKs compute it (``alibabacloud_tea_openapi``
``Client.do_request`` / ``Utils.get_authorization``; tests compare this module with them)::

    CanonicalRequest = METHOD \\n URI \\n sorted-query \\n lower(header):trim(value)\\n... \\n
                       signed-header-names \\n hex(sha256(body))
    StringToSign     = "ACS3-HMAC-SHA256" \\n hex(sha256(CanonicalRequest))
    Authorization    = ACS3-HMAC-SHA256 Credential=<AK>,SignedHeaders=<names>,Signature=hex(hmac(SK, StringToSign))

FC 3.0 ``InvokeFunction`` (API 2023-03-30, ROA): ``POST /2023-03-30/functions/{name}/invocations`` with
``x-fc-invocation-type: Async`` and ``x-fc-async-task-id`` (letters, digits, ``_``, ``-``; at most 128;
starting with a letter or ``_``: ``alibabacloud_fc20230330`` ``InvokeFunctionHeaders``). The endpoint is
``<account id>.<region>-internal.fc.aliyuncs.com`` unless ``INVOKE_ENDPOINT`` says otherwise.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

ALGORITHM = "ACS3-HMAC-SHA256"
FC_VERSION = "2023-03-30"
KMS_VERSION = "2016-01-20"
TASK_ID_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,127}")


class InvokeFailed(RuntimeError):
    """An asynchronous invocation or a secret read was refused; the message has the API's error code."""

    reason = "invoke-failed"


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str = field(default="", repr=False)


def canonical_query(query: Mapping[str, str]) -> str:
    return "&".join(f"{k}={quote(str(query[k]), safe='~')}" for k in sorted(query) if query[k] is not None)


def sign(
    method: str, path: str, query: Mapping[str, str], headers: dict[str, str], body: bytes, creds: Credentials
) -> dict[str, str]:
    """Headers with ``x-acs-content-sha256`` and ``Authorization`` added (every header is signed)."""
    payload = hashlib.sha256(body).hexdigest()
    headers = {**headers, "x-acs-content-sha256": payload}
    if creds.security_token:
        headers["x-acs-accesskey-id"] = creds.access_key_id
        headers["x-acs-security-token"] = creds.security_token
    canon = {k.lower(): str(v).strip() for k, v in headers.items()}
    names = sorted(canon)
    canonical = "\n".join([
        method, path or "/", canonical_query(query), "".join(f"{k}:{canon[k]}\n" for k in names), ";".join(names),
        payload,
    ])  # fmt: skip
    to_sign = f"{ALGORITHM}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    signature = hmac.new(creds.access_key_secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = (
        f"{ALGORITHM} Credential={creds.access_key_id},SignedHeaders={';'.join(names)},Signature={signature}"
    )
    return headers


def base_headers(host: str, action: str, version: str, now: datetime, nonce: str | None = None) -> dict[str, str]:
    return {
        "host": host, "x-acs-action": action, "x-acs-version": version,
        "x-acs-date": now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "x-acs-signature-nonce": nonce or secrets.token_hex(16), "accept": "application/json",
    }  # fmt: skip


def credentials_from(env: Mapping[str, str], context: Any = None) -> Credentials:
    """The function role's temporary credentials (FC sets ``ALIBABA_CLOUD_*``); names only in errors."""
    from .storage import _credentials

    return Credentials(*_credentials(env, context))


def _send(url: str, method: str, headers: Mapping[str, str], body: bytes, what: str, timeout: float = 30) -> bytes:
    request = urllib.request.Request(url, data=body if method != "GET" else None, method=method, headers=dict(headers))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (https endpoint)
            return response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read(2048).decode("utf-8", "replace")
        try:
            parsed = json.loads(detail)
            detail = f"{parsed.get('Code') or parsed.get('code')}: {parsed.get('Message') or parsed.get('message')}"
        except ValueError:
            detail = detail[:200]
        raise InvokeFailed(f"{what}: HTTP {exc.code} {detail}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise InvokeFailed(f"{what}: {exc}") from None


class FcInvoker:
    """Asynchronous ``InvokeFunction`` of the worker (one part) and the merge function (the job)."""

    def __init__(self, *, endpoint: str, worker_function: str, merge_function: str, credentials: Credentials,
                 qualifier: str = "LATEST", send: Any = _send, clock: Any = None) -> None:  # fmt: skip
        self.endpoint = endpoint
        self.worker_function = worker_function
        self.merge_function = merge_function
        self.credentials = credentials
        self.qualifier = qualifier
        self._send = send
        self._clock = clock or (lambda: datetime.now(timezone.utc))

    @classmethod
    def from_runtime(cls, env: Mapping[str, str], context: Any, settings: Any, *, region: str | None) -> FcInvoker:
        endpoint = settings.invoke_endpoint
        if not endpoint:
            account = env.get("FC_ACCOUNT_ID") or getattr(context, "account_id", "")
            region = region or env.get("FC_REGION") or getattr(context, "region", "")
            if not (account and region):
                raise InvokeFailed("cannot build the FC endpoint: set INVOKE_ENDPOINT or run where FC_ACCOUNT_ID "
                                   "and FC_REGION are set")  # fmt: skip
            endpoint = f"{account}.{region}-internal.fc.aliyuncs.com"
        merge = settings.merge_function or env.get("FC_FUNCTION_NAME", "")
        return cls(endpoint=endpoint, worker_function=settings.worker_function, merge_function=merge,
                   credentials=credentials_from(env, context))  # fmt: skip

    def invoke_worker(self, payload: Mapping[str, Any], task_id: str) -> None:
        self._invoke(self.worker_function, payload, task_id)

    def invoke_merge(self, payload: Mapping[str, Any], task_id: str) -> None:
        self._invoke(self.merge_function, payload, task_id)

    def _invoke(self, function: str, payload: Mapping[str, Any], task_id: str) -> None:
        if not function:
            raise InvokeFailed("no function to invoke: set WORKER_FUNCTION / MERGE_FUNCTION")
        if not TASK_ID_RE.fullmatch(task_id):
            raise InvokeFailed(f"task id {task_id!r} is not a valid FC async task id")
        body = json.dumps(payload, sort_keys=True).encode()
        path = f"/{FC_VERSION}/functions/{quote(function, safe='~')}/invocations"
        query = {"qualifier": self.qualifier}
        headers = base_headers(self.endpoint, "InvokeFunction", FC_VERSION, self._clock())
        headers.update({"x-fc-invocation-type": "Async", "x-fc-async-task-id": task_id,
                        "content-type": "application/octet-stream"})  # fmt: skip
        signed = sign("POST", path, query, headers, body, self.credentials)
        self._send(f"https://{self.endpoint}{path}?{canonical_query(query)}", "POST", signed, body,
                   f"InvokeFunction {function} ({task_id})")  # fmt: skip


def kms_secret_value(env: Mapping[str, str], name: str, *, send: Any = _send, now: datetime | None = None) -> str:
    """``GetSecretValue`` (KMS 2016-01-20, RPC) of the secret ``name`` with the function's role. The
    value is returned, never logged."""
    region = env.get("FC_REGION", "")
    if not region:
        raise InvokeFailed("cannot read the playback URL-auth key: FC_REGION is unset")
    host = env.get("KMS_ENDPOINT") or f"kms.{region}.aliyuncs.com"
    query = {"SecretName": name}
    headers = base_headers(host, "GetSecretValue", KMS_VERSION, now or datetime.now(timezone.utc))
    signed = sign("POST", "/", query, headers, b"", credentials_from(env))
    data = send(f"https://{host}/?{canonical_query(query)}", "POST", signed, b"", f"KMS GetSecretValue {name}")
    try:
        value = json.loads(data)["SecretData"]
    except (ValueError, KeyError, TypeError):
        raise InvokeFailed(f"KMS GetSecretValue {name}: the response has no SecretData") from None
    if not isinstance(value, str) or not value:
        raise InvokeFailed(f"KMS GetSecretValue {name}: the secret is empty")
    return value


@dataclass
class RecordingInvoker:
    """Collects the invocations a handler asks for (the local runner executes them, like FC would)."""

    calls: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)

    def invoke_worker(self, payload: Mapping[str, Any], task_id: str) -> None:
        self.calls.append(("worker", dict(payload), task_id))

    def invoke_merge(self, payload: Mapping[str, Any], task_id: str) -> None:
        self.calls.append(("merge", dict(payload), task_id))
