"""The offline mocks answer each resource in the region of its own `alicloud` provider, as the cloud does: the
stack's provider for most, the live centre's provider for prod's recording bucket (no config is read)."""

from __future__ import annotations

import pulumi.runtime

from livecommerce.mocks import MOCK_REGION, PlatformMocks


def _register(mocks, typ, name, inputs, provider=None):
    return mocks.new_resource(pulumi.runtime.MockResourceArgs(typ, name, inputs, provider=provider))


def test_a_resource_is_answered_in_its_providers_region():
    mocks = PlatformMocks()
    shanghai, _ = _register(mocks, "pulumi:providers:alicloud", "live-centre", {"region": "cn-shanghai"})
    singapore, _ = _register(mocks, "pulumi:providers:alicloud", "stack", {"region": "ap-southeast-1"})
    ref = "urn:pulumi:prod::livecommerce::pulumi:providers:alicloud::{}::{}"
    _, bucket = _register(mocks, "alicloud:oss/bucket:Bucket", "rec", {"bucket": "rec"},
                          ref.format("live-centre", shanghai))
    _, secret = _register(mocks, "alicloud:kms/secret:Secret", "s", {"secretName": "s"},
                          ref.format("stack", singapore))
    assert bucket["location"] == "oss-cn-shanghai"
    assert secret["arn"].startswith("acs:kms:ap-southeast-1:")


def test_without_an_explicit_provider_the_mock_region_answers():
    _, bucket = _register(PlatformMocks(), "alicloud:oss/bucket:Bucket", "b", {"bucket": "b"})
    assert bucket["location"] == f"oss-{MOCK_REGION}"
