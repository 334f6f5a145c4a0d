"""`SecretRef`: secrets are found by type, and a refused reference never echoes what was pasted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, strategies as st
from pydantic import BaseModel, ValidationError

from components.secrets import SECRET_REF_PATTERN, SecretRef
from stacks.config import CONFIG_KEY, ConfigError, check_stack_config, json_schema

STACKS = Path(__file__).resolve().parents[2] / "stacks"


def config_of(name: str, mutate=None) -> dict[str, str]:
    doc = yaml.safe_load((STACKS / f"Pulumi.{name}.yaml").read_text())["config"]
    if mutate:
        mutate(doc[CONFIG_KEY])
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in doc.items()}


class Holder(BaseModel):
    ref: SecretRef


def test_a_key_name_is_a_secret_ref():
    held = Holder(ref="oncall-primary-phone")
    assert isinstance(held.ref, SecretRef) and held.ref == "oncall-primary-phone"
    assert held.ref.config_key == "livecommerce:oncall-primary-phone"
    assert held.model_dump() == {"ref": "oncall-primary-phone"}


@given(st.sampled_from(["+86 138 0013 8000", "13800138000x+", "https://oapi.dingtalk.com/robot/send?access_token=ab12",
                        "pass word", "", "-leading", "a" * 129]))
def test_anything_else_is_refused_without_its_value(value):
    with pytest.raises(ValidationError) as err:
        Holder(ref=value)
    (error,) = err.value.errors()
    assert error["type"] == "secret_ref"
    assert value not in error["msg"] or not value
    assert "pulumi config set --secret livecommerce:<name> <value>" in error["msg"]


def test_a_number_pasted_as_a_phone_is_refused_too():
    with pytest.raises(ValidationError):
        Holder(ref=13800138000)


def test_the_shipped_stacks_secrets_are_their_secret_refs_and_not_kubernetes_secret_names():
    prod = check_stack_config(config_of("prod"), "prod", "prod")
    assert prod.secret_keys() == ["dingtalk-live-ops-webhook", "incident-bridge-webhook", "oncall-primary-phone",
                                  "oncall-secondary-phone"]
    # Kubernetes Secret names (env_secrets[].kubernetes_secret) are never Pulumi secrets; order's database
    # password now comes from the data block's synced `order-data` Secret (docs/data.md), not `order-db`.
    for name in ("dev", "staging", "prod"):
        cfg = check_stack_config(config_of(name), name, name)
        assert "order-db" not in cfg.secret_keys()
        k8s_names = {e.kubernetes_secret for s in cfg.services for e in s.env_secrets if e.kubernetes_secret}
        assert not k8s_names & set(cfg.secret_keys())
        assert "database" in cfg.data.services_used()["order"]


@pytest.mark.parametrize(("where", "value"), [
    (lambda p, v: p["observability"]["contacts"][0].update({"phone_secret": v}), "+8613800138111"),
    (lambda p, v: p["observability"]["dingtalk"].update({"webhook_secret": v}),
     "https://oapi.dingtalk.com/robot/send?access_token=qaRobotToken7f3e"),
    (lambda p, v: p["observability"]["webhooks"][0].update({"url_secret": v}), "https://hooks.example.com/qa-b81c"),
])
def test_a_secret_pasted_into_the_stack_file_is_refused_and_never_shown(where, value):
    with pytest.raises(ConfigError) as err:
        check_stack_config(config_of("prod", lambda p: where(p, value)), "prod", "stacks/Pulumi.prod.yaml")
    text = "\n".join(err.value.lines)
    assert "expected the name of a secret config key" in text and "(the value given here is not shown)" in text
    assert value not in text and value[-6:] not in text


def test_the_schema_says_a_secret_ref_is_a_key_name():
    schema = json_schema()
    phone = schema["$defs"]["ContactSettings"]["properties"]["phone_secret"]
    assert {"type": "string", "pattern": SECRET_REF_PATTERN} in phone["anyOf"]
