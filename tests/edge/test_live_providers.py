"""The Live and MSE gateway-domain providers against fake OpenAPI servers: the real SDK builds and signs every
request; the tests assert actions, parameters, adoption, updates, deletes and scrubbed errors."""

from __future__ import annotations

import json

import pytest

from components.edge.gateway_domain import GatewayDomainProvider
from components.edge.live import (
    LiveDomainCertificateProvider,
    LiveDomainCnameProvider,
    LiveDomainConfigProvider,
    LiveDomainMappingProvider,
    LiveRecordConfigProvider,
    LiveRecordNotifyProvider,
    functions_json,
)
from components.openapi.client import OpenApiError
from tests.openapi.conftest import FAKE_KEY_SECRET

RECORD = {"region": "cn-shanghai", "domain_name": "play.live.example.com", "app_name": "*", "stream_name": "*",
          "oss_bucket": "acme-prod-replays-raw", "oss_endpoint": "oss-cn-shanghai.aliyuncs.com",
          "object_prefix": "replays/{AppName}/{StreamName}/{EscapedStartTime}_{EscapedEndTime}",
          "cycle_duration_seconds": 21600, "delay_time_seconds": 180, "on_demand": 0, "format": "mp4"}


def test_recording_is_created_as_mp4_under_the_prefix_then_updated_and_deleted(fake_live):
    p = LiveRecordConfigProvider()
    created = p.create(dict(RECORD))
    assert created.id == "play.live.example.com/*/*"
    add = fake_live.last("AddLiveAppRecordConfig")
    assert (add.params["OssBucket"], add.params["OssEndpoint"], add.params["DomainName"]) == (
        "acme-prod-replays-raw", "oss-cn-shanghai.aliyuncs.com", "play.live.example.com")
    assert add.nested("RecordFormat") == [{"Format": "mp4", "OssObjectPrefix": RECORD["object_prefix"],
                                           "CycleDuration": "21600"}]
    assert (add.params["DelayTime"], add.params["OnDemand"]) == ("180", "0")
    p.update(created.id, created.outs, {**RECORD, "cycle_duration_seconds": 7200.0})
    upd = fake_live.last("UpdateLiveAppRecordConfig")
    assert upd.nested("RecordFormat")[0]["CycleDuration"] == "7200"  # an engine float goes out as an int
    assert "OssBucket" not in upd.params  # not part of UpdateLiveAppRecordConfig: a new bucket replaces
    assert "OssObjectPrefix" not in upd.nested("RecordFormat")[0]  # nor the object name
    p.delete(created.id, created.outs)
    assert fake_live.records == {}
    p.delete(created.id, created.outs)  # already gone: not an error


def test_an_existing_recording_is_adopted_not_duplicated(fake_live):
    fake_live.records[("play.live.example.com", "*", "*")] = {"OssBucket": "acme-prod-replays-raw"}
    created = LiveRecordConfigProvider().create(dict(RECORD))
    assert created.id == "play.live.example.com/*/*"
    assert "AddLiveAppRecordConfig" not in fake_live.actions()
    assert fake_live.actions()[-1] == "UpdateLiveAppRecordConfig"


def test_a_new_bucket_replaces_the_recording():
    d = LiveRecordConfigProvider().diff("x", dict(RECORD), {**RECORD, "oss_bucket": "other"})
    assert d.replaces == ["oss_bucket"] and d.delete_before_replace
    assert LiveRecordConfigProvider().diff("x", dict(RECORD), {**RECORD, "object_prefix": "replays/{StartTime}"
                                                                                          "{EndTime}"}).replaces
    d = LiveRecordConfigProvider().diff("x", dict(RECORD), {**RECORD, "delay_time_seconds": 60})
    assert d.changes and not d.replaces


def test_mapping_create_adopt_delete(fake_live):
    p = LiveDomainMappingProvider()
    inputs = {"region": "cn-shanghai", "push_domain": "push.live.example.com", "pull_domain": "play.live.example.com"}
    p.create(dict(inputs))
    assert fake_live.mappings == {("push.live.example.com", "play.live.example.com")}
    p.create(dict(inputs))  # adopted: no second AddLiveDomainMapping
    assert fake_live.actions().count("AddLiveDomainMapping") == 1
    p.delete("x", inputs)
    assert fake_live.mappings == set()


def test_url_auth_sets_aliauth_and_keeps_the_key_out_of_errors(fake_live):
    p = LiveDomainConfigProvider()
    inputs = {"region": "cn-shanghai", "domain_name": "push.live.example.com", "function_name": "aliauth",
              "args": {"auth_type": "type_a", "auth_key1": "s3cretPushKey42", "ali_auth_delta": "1800"}}
    created = p.create(dict(inputs))
    fn = fake_live.last("BatchSetLiveDomainConfigs").json("Functions")
    assert fn == [{"functionName": "aliauth", "functionArgs": [
        {"argName": "ali_auth_delta", "argValue": "1800"}, {"argName": "auth_key1", "argValue": "s3cretPushKey42"},
        {"argName": "auth_type", "argValue": "type_a"}]}]
    assert created.id == fake_live.configs[("push.live.example.com", "aliauth")]["ConfigId"]
    fake_live.fail("BatchSetLiveDomainConfigs", "InvalidParameter", "bad key s3cretPushKey42")
    with pytest.raises(OpenApiError) as exc:
        p.update(created.id, created.outs, inputs)
    assert "s3cretPushKey42" not in str(exc.value) and FAKE_KEY_SECRET not in str(exc.value)
    p.delete(created.id, created.outs)
    assert fake_live.configs == {}


def test_playback_https_uses_the_cas_certificate_by_name_and_delete_turns_it_off(fake_live):
    p = LiveDomainCertificateProvider()
    inputs = {"region": "cn-shanghai", "domain_name": "play.live.example.com", "cert_name": "livecommerce-prod-x"}
    p.create(dict(inputs))
    sent = fake_live.last("SetLiveDomainCertificate").params
    assert (sent["CertType"], sent["CertName"], sent["SSLProtocol"]) == ("cas", "livecommerce-prod-x", "on")
    assert "SSLPri" not in sent and "SSLPub" not in sent  # no PEM travels with a cas certificate
    p.delete("x", inputs)
    assert fake_live.last("SetLiveDomainCertificate").params["SSLProtocol"] == "off"


def test_recording_callbacks_are_signed_when_a_key_is_given(fake_live):
    p = LiveRecordNotifyProvider()
    inputs = {"region": "cn-shanghai", "domain_name": "play.live.example.com",
              "notify_url": "https://hooks.example.com/live", "on_demand_url": None, "notify_auth_key": "k" * 20}
    p.create(dict(inputs))
    sent = fake_live.last("AddLiveRecordNotifyConfig").params
    # The SDK sends booleans as `True`/`False`.
    assert (sent["NotifyUrl"], sent["NotifyReqAuth"].lower(), sent["NotifyAuthKey"]) == (
        "https://hooks.example.com/live", "true", "k" * 20)
    p.create(dict(inputs))  # adopted and converged
    assert fake_live.actions()[-1] == "UpdateLiveRecordNotifyConfig"


def test_cname_is_read_from_the_domain_detail(fake_live):
    fake_live.cnames["push.live.example.com"] = "push.live.example.com.w.alikunlun.com"
    created = LiveDomainCnameProvider().create({"region": "cn-shanghai", "domain_name": "push.live.example.com"})
    assert created.id == "push.live.example.com.w.alikunlun.com"
    with pytest.raises(OpenApiError, match="NoCname"):
        LiveDomainCnameProvider().create({"region": "cn-shanghai", "domain_name": "play.live.example.com"})


def test_gateway_domain_https_only_with_the_certificate(fake_mse_gateway):
    p = GatewayDomainProvider()
    inputs = {"region": "cn-hangzhou", "gateway_id": "gw-1", "domain": "api.live.example.com",
              "cert_identifier": "12345-cn-hangzhou", "tls_min": "TLS 1.2", "http2": "open"}
    created = p.create(dict(inputs))
    sent = fake_mse_gateway.last("AddGatewayDomain").params
    assert (sent["Protocol"], sent["MustHttps"].lower(), sent["CertIdentifier"], sent["TlsMin"]) == (
        "HTTPS", "true", "12345-cn-hangzhou", "TLS 1.2")
    again = p.create(dict(inputs))  # adopted by name
    assert again.id == created.id and fake_mse_gateway.actions().count("AddGatewayDomain") == 1
    p.delete(created.id, created.outs)
    assert fake_mse_gateway.domains == {}


def test_functions_json_is_stable():
    assert json.loads(functions_json("aliauth", {"b": "2", "a": "1"})) == [
        {"functionName": "aliauth", "functionArgs": [{"argName": "a", "argValue": "1"},
                                                     {"argName": "b", "argValue": "2"}]}]
