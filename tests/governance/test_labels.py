"""MSE / ARMS enrolment labels and lossless start (platform facts 4.1, 4.3, 5.1)."""

from __future__ import annotations

from components.naming import naming_for
from components.workloads.service_settings import ServiceGovernance
from components.governance import labels as gl


def _gov(**data) -> ServiceGovernance:
    return ServiceGovernance.model_validate(data)


def test_base_version_labels() -> None:
    assert gl.governance_labels("prod-shop", _gov(), None) == {
        "msePilotAutoEnable": "on",
        "msePilotCreateAppName": "prod-shop",
        "mseNamespace": "default",
        "armsPilotAutoEnable": "on",
        "armsPilotCreateAppName": "prod-shop",
        "mse.lossless.enable": "true",
        "mse.lossless.delayTime": "0",
        "mse.lossless.warmupTime": "120",
    }


def test_tagged_version_carries_the_service_tag_and_the_same_app_name() -> None:
    base = gl.governance_labels("prod-shop", _gov(), None)
    gray = gl.governance_labels("prod-shop", _gov(), "gray")
    assert gray == {**base, "alicloud.service.tag": "gray"}


def test_opt_out_is_explicit_off_and_drops_app_labels() -> None:
    labels = gl.governance_labels("dev-shop", _gov(mse=False, arms=False), None)
    assert labels == {"msePilotAutoEnable": "off", "armsPilotAutoEnable": "off"}


def test_non_java_declares_its_language() -> None:
    labels = gl.governance_labels("a", _gov(language="python", lossless={"mse_readiness_probe": False}), None)
    assert labels["aliyun.com/app-language"] == "python"
    assert "aliyun.com/app-language" not in gl.governance_labels("a", _gov(), None)


def test_lossless_values_come_from_config() -> None:
    gov = _gov(mse_namespace="live", lossless={"registration_delay_seconds": 15, "warmup_seconds": 300})
    labels = gl.governance_labels("prod-order", gov, None)
    assert (labels["mseNamespace"], labels["mse.lossless.delayTime"], labels["mse.lossless.warmupTime"]) == \
        ("live", "15", "300")
    assert gl.lossless_labels(_gov(lossless={"enabled": False})) == {}
    assert gl.lossless_labels(_gov(mse=False)) == {}


def test_every_value_is_a_valid_label_value() -> None:
    import re

    value = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
    for gov in (_gov(), _gov(language="golang", lossless={"mse_readiness_probe": False}), _gov(mse=False)):
        for key, val in gl.governance_labels("prod-live-interaction", gov, "gray").items():
            assert isinstance(val, str) and value.match(val) and len(val) <= 63, (key, val)


def test_mse_readiness_probe_only_where_the_agent_serves_it() -> None:
    assert gl.uses_mse_readiness(_gov())
    assert not gl.uses_mse_readiness(_gov(lossless={"mse_readiness_probe": False}))
    assert not gl.uses_mse_readiness(_gov(mse=False))
    assert gl.mse_readiness_probe(10, 2, 3)["httpGet"] == {"path": "/readiness", "port": 55199, "scheme": "HTTP"}


def test_app_name_defaults_to_stack_and_service() -> None:
    assert gl.app_name(naming_for("prod"), "shop", _gov()) == "prod-shop"
    assert gl.app_name(naming_for("prod-sg"), "shop", _gov()) == "prod-sg-shop"
    assert gl.app_name(naming_for("prod"), "shop", _gov(app_name="shop-center")) == "shop-center"
