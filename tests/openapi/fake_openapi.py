"""Fake MSE and ARMS OpenAPI servers on 127.0.0.1 for the dynamic-provider tests.

The real SDK builds and signs each request (ACS3-HMAC-SHA256, action in the ``x-acs-action``
header, RPC parameters in the query string and form body); the fake parses that, records every
request, keeps a little in-memory state, and answers with JSON shaped like the real responses
(field names and casing as in the SDK's response models). ``fail(...)`` injects API errors.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Recorded:
    """One request as the server saw it."""

    action: str
    version: str
    method: str
    params: dict[str, str]  # query + form body, flattened as sent ("EntryRules.1.Name")
    headers: dict[str, str]

    def nested(self, prefix: str) -> Any:
        """Rebuild a flattened repeated parameter (``Tag.1.Key``) into lists/dicts."""
        return unflatten(self.params, prefix)

    def json(self, name: str) -> Any:
        """Decode a parameter the SDK sent as a JSON string ("shrink" style)."""
        return json.loads(self.params[name])


def unflatten(params: dict[str, str], prefix: str) -> Any:
    """``{"P.1.A": "x", "P.1.B.1.C": "y"}`` with prefix ``P`` -> ``[{"A": "x", "B": [{"C": "y"}]}]``."""
    tree: dict = {}
    for key, value in params.items():
        if not key.startswith(prefix + "."):
            continue
        node = tree
        parts = key[len(prefix) + 1:].split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def listify(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        if node and all(k.isdigit() for k in node):
            return [listify(node[k]) for k in sorted(node, key=int)]
        return {k: listify(v) for k, v in node.items()}

    return listify(tree)


Handler = Callable[[Recorded], dict[str, Any]]


class ApiFailure(Exception):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


@dataclass
class _Injected:
    code: str
    message: str
    status: int
    as_success_false: bool


class FakeOpenApi:
    """A threaded HTTP server on 127.0.0.1:<random port> dispatching on the action name."""

    product = "fake"

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._failures: dict[str, list[_Injected]] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(101)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FakeOpenApi:
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server API)
                fake._handle(self)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args):  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- test helpers -------------------------------------------------------------------------

    def fail(self, action: str, code: str, message: str, status: int = 400, as_success_false: bool = False):
        """Make the next call of ``action`` fail (HTTP error, or HTTP 200 with Success=false)."""
        self._failures.setdefault(action, []).append(_Injected(code, message, status, as_success_false))

    def actions(self) -> list[str]:
        return [r.action for r in self.requests]

    def last(self, action: str) -> Recorded:
        matches = [r for r in self.requests if r.action == action]
        assert matches, f"no {action} request; saw {self.actions()}"
        return matches[-1]

    def new_id(self) -> int:
        return next(self._ids)

    # --- dispatch -----------------------------------------------------------------------------

    def _handle(self, http: BaseHTTPRequestHandler) -> None:
        length = int(http.headers.get("content-length") or 0)
        raw_body = http.rfile.read(length).decode("utf-8") if length else ""
        parts = urlsplit(http.path)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if raw_body and "x-www-form-urlencoded" in (http.headers.get("content-type") or ""):
            params.update(parse_qsl(raw_body, keep_blank_values=True))
        headers = {k.lower(): v for k, v in http.headers.items()}
        action = headers.get("x-acs-action") or params.get("Action", "")
        rec = Recorded(action, headers.get("x-acs-version", ""), http.command, params, headers)
        with self._lock:
            self.requests.append(rec)
            injected = (self._failures.get(action) or [None]).pop(0) if self._failures.get(action) else None
            try:
                if injected is not None:
                    if injected.as_success_false:
                        status, body = 200, self.failure_body(injected.code, injected.message)
                    else:
                        raise ApiFailure(injected.code, injected.message, injected.status)
                else:
                    handler = getattr(self, "op_" + re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower(), None)
                    if handler is None:
                        raise ApiFailure("InvalidAction.NotFound", f"unknown action {action}", 404)
                    status, body = 200, {"RequestId": f"req-{len(self.requests)}", **handler(rec)}
            except ApiFailure as exc:
                status = exc.status
                body = {"RequestId": f"req-{len(self.requests)}", "Code": exc.code, "Message": exc.message}
            except Exception as exc:  # a bug in the fake: answer 500 so the test fails readably
                status = 500
                body = {"RequestId": "fake-bug", "Code": "FakeServerBug", "Message": repr(exc)}
        payload = json.dumps(body).encode("utf-8")
        http.send_response(status)
        http.send_header("Content-Type", "application/json;charset=utf-8")
        http.send_header("Content-Length", str(len(payload)))
        http.end_headers()
        http.wfile.write(payload)

    def failure_body(self, code: str, message: str) -> dict[str, Any]:
        return {"Success": False, "ErrorCode": code, "Code": 400, "Message": message}


def _require(rec: Recorded, *names: str) -> None:
    missing = [n for n in names if not rec.params.get(n)]
    if missing:
        raise ApiFailure("MissingParameter", f"missing {', '.join(missing)}")


def _bool(value: str | None) -> bool:
    return str(value).lower() == "true"


class FakeMse(FakeOpenApi):
    """MSE 2019-05-31: lane groups, lanes, auth policies, circuit-breaker and flow rules."""

    product = "MSE"

    def __init__(self) -> None:
        super().__init__()
        self.groups: dict[int, dict] = {}
        self.lanes: dict[int, dict] = {}
        self.policies: dict[str, dict] = {}
        self.breakers: dict[int, dict] = {}
        self.flows: dict[int, dict] = {}

    # lane groups
    def op_create_or_update_swimming_lane_group(self, rec):
        _require(rec, "Name", "Region", "EntryApp")
        p = rec.params
        id_ = int(p.get("Id", "-1"))
        if id_ <= 0:
            id_ = self.new_id()
        elif id_ not in self.groups:
            raise ApiFailure("NotFound", f"lane group {id_} does not exist", 404)
        group = {"Id": id_, "Name": p["Name"], "Region": p["Region"], "Namespace": p.get("Namespace", "default"),
                 "EntryApp": p["EntryApp"], "AppIds": p.get("AppIds", ""), "Status": int(p.get("Status", 1))}
        self.groups[id_] = group
        return {"Success": True, "Data": group}

    def op_query_all_swimming_lane_group(self, rec):
        ns = rec.params.get("Namespace", "default")
        return {"Success": True, "Data": [g for g in self.groups.values() if g["Namespace"] == ns]}

    def op_delete_swimming_lane_group(self, rec):
        gid = int(rec.params["GroupId"])
        if gid not in self.groups:
            raise ApiFailure("NotFound", f"lane group {gid} does not exist", 404)
        del self.groups[gid]
        return {"Success": True, "Data": {}}

    # lanes
    def op_create_or_update_swimming_lane(self, rec):
        _require(rec, "Name", "GroupId", "Tag")
        p = rec.params
        if int(p["GroupId"]) not in self.groups:
            raise ApiFailure("NotFound", f"lane group {p['GroupId']} does not exist", 404)
        id_ = int(p.get("Id", "-1"))
        if id_ <= 0:
            id_ = self.new_id()
        lane = {"id": id_, "name": p["Name"], "groupId": int(p["GroupId"]), "tag": p["Tag"],
                "enable": _bool(p.get("Enable")), "regionId": p.get("RegionId"),
                "namespace": p.get("Namespace", "default")}
        self.lanes[id_] = lane
        return {"Success": True, "Data": lane}

    def op_query_all_swimming_lane(self, rec):
        gid = int(rec.params["GroupId"])
        return {"Success": True, "Data": [
            {"Id": ln["id"], "Name": ln["name"], "GroupId": ln["groupId"], "Tag": ln["tag"]}
            for ln in self.lanes.values() if ln["groupId"] == gid
        ]}

    def op_delete_swimming_lane(self, rec):
        lid = int(rec.params["LaneId"])
        if lid not in self.lanes:
            raise ApiFailure("NotFound", f"lane {lid} does not exist", 404)
        del self.lanes[lid]
        return {"Success": True}

    # service authentication
    def op_add_auth_policy(self, rec):
        _require(rec, "Name", "Region", "Protocol", "Source", "AuthRule", "Enable")
        id_ = str(self.new_id())
        self.policies[id_] = {"Id": id_, **{k: rec.params.get(k) for k in ("Name", "AppId", "Protocol", "Source")},
                              "NamespaceId": rec.params.get("Namespace", "default")}
        return {"Success": True, "Code": 200, "Data": id_}

    def op_update_auth_policy(self, rec):
        if rec.params.get("Id") not in self.policies:
            raise ApiFailure("NotFound", "policy does not exist", 404)
        self.policies[rec.params["Id"]]["Name"] = rec.params["Name"]
        return {"Success": True, "Code": 200, "Data": rec.params["Id"]}

    def op_list_auth_policy(self, rec):
        name = rec.params.get("Name")
        result = [p for p in self.policies.values() if not name or p["Name"] == name]
        return {"Success": True, "Data": {"Result": result, "TotalSize": len(result), "PageNumber": 1, "PageSize": 100}}

    def op_remove_auth_policy(self, rec):
        if self.policies.pop(rec.params.get("PolicyId"), None) is None:
            raise ApiFailure("NotFound", "policy does not exist", 404)
        return {"Success": True, "Code": 200, "Data": "ok"}

    # traffic protection
    def _create_rule(self, store, rec):
        _require(rec, "AppName", "Namespace", "Resource")
        id_ = self.new_id()
        store[id_] = {"Id": id_, "RuleId": id_, "AppName": rec.params["AppName"], "Resource": rec.params["Resource"],
                      "Namespace": rec.params["Namespace"], "Threshold": rec.params.get("Threshold")}
        return {"Success": True, "Code": 200, "Data": {k: v for k, v in store[id_].items() if k != "RuleId"}}

    def _update_rule(self, store, rec):
        rid = int(rec.params["RuleId"])
        if rid not in store:
            raise ApiFailure("NotFound", f"rule {rid} does not exist", 404)
        store[rid]["Threshold"] = rec.params.get("Threshold")
        return {"Success": True, "Code": 200, "Data": {k: v for k, v in store[rid].items() if k != "RuleId"}}

    def _list_rules(self, store, rec):
        result = [{k: v for k, v in r.items() if k != "Id"} for r in store.values()
                  if r["AppName"] == rec.params.get("AppName")
                  and (not rec.params.get("Resource") or r["Resource"] == rec.params["Resource"])]
        return {"Success": True, "Code": 200, "Data": {"Result": result, "TotalSize": len(result)}}

    def _delete_rules(self, store, rec):
        ids = json.loads(rec.params["Ids"])
        for rid in ids:
            store.pop(int(rid), None)
        return {"Success": True, "Code": 200, "Data": {"Ids": ids}}

    def op_create_circuit_breaker_rule(self, rec):
        return self._create_rule(self.breakers, rec)

    def op_update_circuit_breaker_rule(self, rec):
        return self._update_rule(self.breakers, rec)

    def op_list_circuit_breaker_rules(self, rec):
        return self._list_rules(self.breakers, rec)

    def op_delete_circuit_breaker_rules(self, rec):
        return self._delete_rules(self.breakers, rec)

    def op_create_flow_rule(self, rec):
        return self._create_rule(self.flows, rec)

    def op_update_flow_rule(self, rec):
        return self._update_rule(self.flows, rec)

    def op_list_flow_rules(self, rec):
        return self._list_rules(self.flows, rec)

    def op_delete_flow_rules(self, rec):
        return self._delete_rules(self.flows, rec)


class FakeArms(FakeOpenApi):
    """ARMS 2019-08-08: RUM apps, resource tags and webhook contacts."""

    product = "ARMS"

    def __init__(self) -> None:
        super().__init__()
        self.apps: dict[str, dict] = {}
        self.webhooks: dict[int, dict] = {}

    def failure_body(self, code, message):
        return {"Success": False, "Code": code, "HttpStatusCode": 400, "Message": message}

    def op_create_rum_app(self, rec):
        _require(rec, "AppName", "RegionId", "SiteType")
        pid = f"pid{self.new_id()}@abc"
        tags = json.loads(rec.params["Tag"]) if rec.params.get("Tag") else []
        app = {"Pid": pid, "Name": rec.params["AppName"], "Type": rec.params["SiteType"],
               "RegionId": rec.params["RegionId"], "Endpoint": f"https://{pid[:8]}-default-cn.rum.aliyuncs.com",
               "CdnDomain": "sdk.rum.aliyuncs.com", "Tags": tags, "Description": rec.params.get("Description")}
        self.apps[pid] = app
        return {"Success": True, "Code": 200, "Data": {"Pid": pid, "Endpoint": app["Endpoint"],
                                                        "CdnDomain": app["CdnDomain"]}}

    def op_get_rum_apps(self, rec):
        name = rec.params.get("AppName")
        return {"Success": True, "Code": 200, "AppList": [
            {k: a[k] for k in ("Pid", "Name", "Type", "RegionId", "Endpoint")}
            for a in self.apps.values() if not name or a["Name"] == name
        ]}

    def op_get_rum_app_info(self, rec):
        app = self.apps.get(rec.params.get("Pid"))
        if app is None:
            raise ApiFailure("AppNotExist", "the application does not exist", 404)
        return {"Success": True, "Code": 200, "Data": app}

    def op_update_rum_app(self, rec):
        app = self.apps.get(rec.params.get("Pid"))
        if app is None:
            raise ApiFailure("AppNotExist", "the application does not exist", 404)
        app["Description"] = rec.params.get("Description")
        return {"Success": True, "Code": 200, "Data": {}}

    def op_delete_rum_app(self, rec):
        if self.apps.pop(rec.params.get("AppId"), None) is None:
            raise ApiFailure("AppNotExist", "the application does not exist", 404)
        return {"Success": True, "Code": 200, "Result": "deleted"}

    def op_tag_resources(self, rec):
        pid = rec.nested("ResourceId")[0]
        tags = {t["Key"]: t["Value"] for t in (rec.nested("Tag") or [])}
        app = self.apps[pid]
        merged = {t["Key"]: t["Value"] for t in app["Tags"]} | tags
        app["Tags"] = [{"Key": k, "Value": v} for k, v in merged.items()]
        return {"Data": "true"}

    def op_untag_resources(self, rec):
        pid = rec.nested("ResourceId")[0]
        keys = set(rec.nested("TagKey") or [])
        self.apps[pid]["Tags"] = [t for t in self.apps[pid]["Tags"] if t["Key"] not in keys]
        return {"Data": "true"}

    def op_create_or_update_webhook_contact(self, rec):
        _require(rec, "WebhookName", "Method", "Url")
        id_ = int(rec.params.get("WebhookId") or self.new_id())
        self.webhooks[id_] = {"WebhookId": id_, "WebhookName": rec.params["WebhookName"],
                              "Webhook": {"Url": rec.params["Url"], "Method": rec.params["Method"]}}
        return {"WebhookContact": self.webhooks[id_]}

    def op_describe_webhook_contacts(self, rec):
        name = rec.params.get("WebhookName")
        hits = [w for w in self.webhooks.values() if not name or w["WebhookName"] == name]
        return {"PageBean": {"WebhookContacts": hits, "Total": len(hits), "Page": 1, "Size": 100}}

    def op_delete_webhook_contact(self, rec):
        if self.webhooks.pop(int(rec.params["WebhookId"]), None) is None:
            raise ApiFailure("NotFound", "webhook contact does not exist", 404)
        return {"IsSuccess": True}
