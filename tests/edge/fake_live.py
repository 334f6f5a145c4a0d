"""A fake ApsaraVideo Live 2016-11-01 OpenAPI (and the MSE gateway-domain actions) on 127.0.0.1."""

from __future__ import annotations

import json

from tests.openapi.fake_openapi import ApiFailure, FakeMse, FakeOpenApi, _require


class FakeLive(FakeOpenApi):
    """Live domains' mappings, functions, certificates, recording and callbacks, in memory."""

    product = "LIVE"

    def __init__(self) -> None:
        super().__init__()
        self.mappings: set[tuple[str, str]] = set()
        self.configs: dict[tuple[str, str], dict] = {}
        self.certs: dict[str, dict] = {}
        self.records: dict[tuple[str, str, str], dict] = {}
        self.notify: dict[str, dict] = {}
        self.cnames: dict[str, str] = {}

    def op_add_live_domain_mapping(self, rec):
        _require(rec, "PushDomain", "PullDomain")
        self.mappings.add((rec.params["PushDomain"], rec.params["PullDomain"]))
        return {}

    def op_describe_live_domain_mapping(self, rec):
        pull = rec.params["DomainName"]
        return {"LiveDomainModels": {"LiveDomainModel": [
            {"DomainName": push, "Type": "push"} for push, p in sorted(self.mappings) if p == pull]}}

    def op_delete_live_domain_mapping(self, rec):
        key = (rec.params["PushDomain"], rec.params["PullDomain"])
        if key not in self.mappings:
            raise ApiFailure("InvalidDomain.NotFound", "mapping does not exist", 404)
        self.mappings.discard(key)
        return {}

    def op_batch_set_live_domain_configs(self, rec):
        _require(rec, "DomainNames", "Functions")
        for fn in json.loads(rec.params["Functions"]):
            for domain in rec.params["DomainNames"].split(","):
                self.configs[(domain, fn["functionName"])] = {
                    "ConfigId": str(self.new_id()), "FunctionName": fn["functionName"], "Status": "success",
                    "FunctionArgs": {"FunctionArg": [{"ArgName": a["argName"], "ArgValue": a["argValue"]}
                                                     for a in fn["functionArgs"]]}}
        return {}

    def op_describe_live_domain_configs(self, rec):
        domain, names = rec.params["DomainName"], rec.params.get("FunctionNames", "").split(",")
        return {"DomainConfigs": {"DomainConfig": [c for (d, f), c in self.configs.items()
                                                   if d == domain and f in names]}}

    def op_batch_delete_live_domain_configs(self, rec):
        for domain in rec.params["DomainNames"].split(","):
            for fn in rec.params["FunctionNames"].split(","):
                self.configs.pop((domain, fn), None)
        return {}

    def op_set_live_domain_certificate(self, rec):
        _require(rec, "DomainName", "SSLProtocol")
        if rec.params["SSLProtocol"] == "on":
            _require(rec, "CertName", "CertType")
        self.certs[rec.params["DomainName"]] = dict(rec.params)
        return {}

    def op_describe_live_domain_certificate_info(self, rec):
        c = self.certs.get(rec.params["DomainName"])
        return {"CertInfos": {"CertInfo": [] if c is None else [
            {"DomainName": c["DomainName"], "CertName": c.get("CertName"), "SSLProtocol": c["SSLProtocol"],
             "Status": "success"}]}}

    def _key(self, rec):
        return rec.params["DomainName"], rec.params["AppName"], rec.params.get("StreamName", "*")

    def op_add_live_app_record_config(self, rec):
        _require(rec, "DomainName", "AppName", "OssBucket", "OssEndpoint")
        key = self._key(rec)
        if key in self.records:
            raise ApiFailure("ConfigAlreadyExists", "the recording configuration already exists")
        self.records[key] = dict(rec.params)
        return {}

    def op_update_live_app_record_config(self, rec):
        key = self._key(rec)
        if key not in self.records:
            raise ApiFailure("InvalidConfig.NotFound", "no such recording configuration", 404)
        self.records[key].update(rec.params)
        return {}

    def op_describe_live_record_config(self, rec):
        key = self._key(rec)
        found = self.records.get(key)
        return {"LiveAppRecordList": {"LiveAppRecord": [] if found is None else [
            {"DomainName": key[0], "AppName": key[1], "StreamName": key[2], "OssBucket": found["OssBucket"]}]}}

    def op_delete_live_app_record_config(self, rec):
        if self.records.pop(self._key(rec), None) is None:
            raise ApiFailure("InvalidConfig.NotFound", "no such recording configuration", 404)
        return {}

    def op_add_live_record_notify_config(self, rec):
        self.notify[rec.params["DomainName"]] = dict(rec.params)
        return {}

    op_update_live_record_notify_config = op_add_live_record_notify_config

    def op_describe_live_record_notify_config(self, rec):
        n = self.notify.get(rec.params["DomainName"])
        return {"LiveRecordNotifyConfig": {} if n is None else {
            "DomainName": n["DomainName"], "NotifyUrl": n.get("NotifyUrl"), "OnDemandUrl": n.get("OnDemandUrl")}}

    def op_delete_live_record_notify_config(self, rec):
        self.notify.pop(rec.params["DomainName"], None)
        return {}

    def op_describe_live_domain_detail(self, rec):
        d = rec.params["DomainName"]
        return {"DomainDetail": {"DomainName": d, "Cname": self.cnames.get(d)}}


class FakeMseGateway(FakeMse):
    """MSE with the gateway-domain actions too."""

    def __init__(self) -> None:
        super().__init__()
        self.domains: dict[int, dict] = {}

    def op_add_gateway_domain(self, rec):
        _require(rec, "GatewayUniqueId", "Name", "CertIdentifier")
        new = self.new_id()
        self.domains[new] = {"Id": new, **rec.params}
        return {"Success": True, "Data": new}

    def op_list_gateway_domain(self, rec):
        return {"Success": True, "Data": [
            {"Id": i, "Name": d["Name"]} for i, d in self.domains.items()
            if d["GatewayUniqueId"] == rec.params["GatewayUniqueId"]
            and d["Name"] == rec.params.get("DomainName", d["Name"])]}

    def op_update_gateway_domain(self, rec):
        self.domains[int(rec.params["Id"])].update(rec.params)
        return {"Success": True, "Data": int(rec.params["Id"])}

    def op_delete_gateway_domain(self, rec):
        if self.domains.pop(int(rec.params["Id"]), None) is None:
            raise ApiFailure("Domain.NotFound", "not found", 404)
        return {"Success": True}
