"""Credential and endpoint resolution happen at call time, from env or the stack's secret config."""

from __future__ import annotations

import pickle

import pytest

from components.openapi.credentials import (
    RUNTIME_CONFIG,
    CredentialsError,
    endpoint_override,
    remember_stack_config,
    resolve_credentials,
)
from tests.openapi.conftest import FAKE_KEY_ID, FAKE_KEY_SECRET


def test_standard_variables_win_over_legacy_ones():
    env = {
        "ALIBABA_CLOUD_ACCESS_KEY_ID": "std-id-123456",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "std-secret-123456",
        "ALICLOUD_ACCESS_KEY": "legacy-id-123456",
        "ALICLOUD_SECRET_KEY": "legacy-secret-123456",
    }
    creds = resolve_credentials(env)
    assert (creds.access_key_id, creds.access_key_secret) == ("std-id-123456", "std-secret-123456")


def test_legacy_variables_and_sts_token_are_read():
    env = {
        "ALICLOUD_ACCESS_KEY": "legacy-id-123456",
        "ALICLOUD_SECRET_KEY": "legacy-secret-123456",
        "ALIBABA_CLOUD_SECURITY_TOKEN": "sts-token-123456",
    }
    creds = resolve_credentials(env)
    assert creds.access_key_id == "legacy-id-123456"
    assert creds.security_token == "sts-token-123456"


def test_secret_stack_config_beats_the_environment(fake_credentials):
    remember_stack_config({"alicloud:accessKey": "cfg-id-123456", "alicloud:secretKey": "cfg-secret-123456"})
    creds = resolve_credentials()
    assert (creds.access_key_id, creds.access_key_secret) == ("cfg-id-123456", "cfg-secret-123456")


def test_missing_credentials_name_the_variables_to_set():
    RUNTIME_CONFIG.clear()
    with pytest.raises(CredentialsError) as err:
        resolve_credentials({})
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in str(err.value)
    assert "alicloud:secretKey" in str(err.value)


def test_credentials_never_print_or_pickle(fake_credentials):
    creds = resolve_credentials()
    assert FAKE_KEY_ID not in repr(creds) and FAKE_KEY_SECRET not in repr(creds)
    with pytest.raises(TypeError):
        pickle.dumps(creds)


@pytest.mark.parametrize(
    ("raw", "host", "protocol"),
    [
        ("http://127.0.0.1:8123", "127.0.0.1:8123", "HTTP"),
        ("https://mse-vpc.cn-hangzhou.aliyuncs.com/", "mse-vpc.cn-hangzhou.aliyuncs.com", "HTTPS"),
        ("mse.cn-shanghai.aliyuncs.com", "mse.cn-shanghai.aliyuncs.com", "HTTPS"),
    ],
)
def test_endpoint_override_parses_scheme_and_host(raw, host, protocol):
    ep = endpoint_override("mse", {"LIVECOMMERCE_MSE_ENDPOINT": raw})
    assert (ep.host, ep.protocol) == (host, protocol)


def test_no_override_lets_the_sdk_pick_the_regional_endpoint():
    assert endpoint_override("arms", {"LIVECOMMERCE_MSE_ENDPOINT": "http://127.0.0.1:1"}) is None


def test_bad_override_names_the_variable():
    with pytest.raises(ValueError, match="LIVECOMMERCE_ARMS_ENDPOINT"):
        endpoint_override("arms", {"LIVECOMMERCE_ARMS_ENDPOINT": "ftp://x"})
