"""Each delivery component built in isolation under the recording mocks: children, names, parents, inputs."""

from __future__ import annotations

import json

import pulumi
import pytest

from components.delivery.ci_identity import CiRoles, CiRolesArgs, GithubOidc, GithubOidcArgs
from components.delivery.ci_runner import CiRunner, CiRunnerArgs, cloud_init, parameter_name, runner_labels
from components.delivery.permissions import PLATFORM_SERVICES
from components.delivery.settings import GithubSettings, RunnerSettings, StateBackendSettings
from components.delivery.state_backend import StateBackend, StateBackendArgs, backend_url
from livecommerce.engine import record
from livecommerce.plan import SECRET

TAGS = {"env": "prod", "owner": "platform"}
GITHUB = GithubSettings(repository="acme/shop")


def by_name(plan):
    return {r["name"]: r for r in plan["resources"]}


def children_of(plan, parent_name):
    index = by_name(plan)
    parent = index[parent_name]["urn"]
    return {r["name"]: r for r in plan["resources"] if r["parent"] == parent}


def test_state_backend_is_private_versioned_encrypted_tls_only_with_lifecycle():
    plan = record(lambda: StateBackend("s", StateBackendArgs(
        region="cn-hangzhou", account_id="123", settings=StateBackendSettings(bucket="acme-state"), tags=TAGS)))
    kids = children_of(plan, "s")
    state = kids["s-state-bucket"]
    assert state["type"] == "alicloud:oss/bucket:Bucket" and state["protect"] is True
    assert state["inputs"]["bucket"] == "acme-state" and state["inputs"]["forceDestroy"] is False
    (rule,) = state["inputs"]["lifecycleRules"]
    assert rule["enabled"] is True and rule["noncurrentVersionExpirations"] == [{"days": 365}]
    assert rule["abortMultipartUploads"] == [{"days": 7}]
    assert kids["s-state-versioning"]["inputs"]["status"] == "Enabled"
    assert kids["s-state-encryption"]["inputs"]["sseAlgorithm"] == "AES256"
    assert kids["s-state-public-access-block"]["inputs"]["blockPublicAccess"] is True
    assert kids["s-state-acl"]["inputs"]["acl"] == "private"
    assert kids["s-state-tls"]["inputs"]["tlsVersions"] == ["TLSv1.2", "TLSv1.3"]
    policy = json.loads(kids["s-state-https-only"]["inputs"]["policy"])
    assert policy["Statement"][0]["Effect"] == "Deny"
    assert policy["Statement"][0]["Condition"] == {"Bool": {"acs:SecureTransport": ["false"]}}
    assert kids["s-state-logging"]["inputs"]["targetBucket"] == "acme-state-logs"
    logs = kids["s-logs-bucket"]
    assert logs["inputs"]["bucket"] == "acme-state-logs" and kids["s-logs-versioning"]["inputs"]["status"] == "Enabled"
    assert "s-logs-https-only" not in kids  # OSS log delivery writes there
    assert all(r["parent"] == by_name(plan)["s"]["urn"] for r in plan["resources"] if r["custom"]
               and not r["type"].startswith("pulumi:"))


def test_state_backend_without_access_logging_has_one_bucket():
    plan = record(lambda: StateBackend("s", StateBackendArgs(
        region="cn-hangzhou", account_id="123",
        settings=StateBackendSettings(bucket="acme-state", access_logging=False), tags=TAGS)))
    buckets = [r for r in plan["resources"] if r["type"] == "alicloud:oss/bucket:Bucket"]
    assert [b["inputs"]["bucket"] for b in buckets] == ["acme-state"]
    assert not [r for r in plan["resources"] if r["type"] == "alicloud:oss/bucketLogging:BucketLogging"]


def test_backend_url_is_virtual_hosted_with_a_scheme_and_no_chunked_checksums():
    url = backend_url("acme-state", "cn-shanghai")
    assert url.startswith("s3://acme-state?endpoint=https://s3.oss-cn-shanghai.aliyuncs.com&region=cn-shanghai")
    assert "s3ForcePathStyle" not in url and "use_path_style" not in url
    assert "request_checksum_calculation=when_required" in url
    assert "s3.oss-cn-shanghai-internal.aliyuncs.com" in backend_url("acme-state", "cn-shanghai", internal=True)


def test_github_oidc_provider_for_the_github_issuer():
    plan = record(lambda: GithubOidc("g", GithubOidcArgs(settings=GITHUB)))
    (provider,) = [r for r in plan["resources"] if r["type"] == "alicloud:ims/oidcProvider:OidcProvider"]
    assert provider["name"] == "g-provider" and provider["parent"] == by_name(plan)["g"]["urn"]
    assert provider["inputs"]["issuerUrl"] == "https://token.actions.githubusercontent.com"
    assert provider["inputs"]["clientIds"] == ["sts.aliyuncs.com"]
    assert len(provider["inputs"]["fingerprints"]) == 2
    assert provider["inputs"]["oidcProviderName"] == "github-actions"


def _roles_plan():
    def program():
        CiRoles("c", CiRolesArgs(env="prod", region="cn-hangzhou", account_id="123", github=GITHUB,
                                 provider_arn="acs:ram::123:oidc-provider/github-actions",
                                 name_prefix="livecommerce-prod", services=PLATFORM_SERVICES,
                                 state_bucket="acme-state", tags=TAGS))
    return record(program)


def test_ci_roles_trust_one_github_environment_each():
    kids = children_of(_roles_plan(), "c")
    deploy, read = kids["c-deploy-role"], kids["c-read-role"]
    assert deploy["inputs"]["roleName"] == "livecommerce-ci-prod-deploy"
    assert read["inputs"]["roleName"] == "livecommerce-ci-prod-read"
    for role, env in ((deploy, "prod"), (read, "prod-read")):
        trust = json.loads(role["inputs"]["assumeRolePolicyDocument"])
        cond = trust["Statement"][0]["Condition"]["StringEquals"]
        assert cond["oidc:sub"] == f"repo:acme/shop:environment:{env}"
        assert trust["Statement"][0]["Principal"]["Federated"] == ["acs:ram::123:oidc-provider/github-actions"]
        assert role["inputs"]["maxSessionDuration"] == 3600


def test_ci_roles_attach_their_own_custom_policies():
    kids = children_of(_roles_plan(), "c")
    attachments = {k: v["inputs"] for k, v in kids.items() if v["type"].endswith("RolePolicyAttachment")}
    from components.delivery import permissions

    parts = permissions.deploy_policies(account_id="1" * 16, region="cn-hangzhou", name_prefix="livecommerce-prod",
                                        services=PLATFORM_SERVICES, state_bucket="acme-state",
                                        project="livecommerce", stack="prod")
    assert {(a["roleName"], a["policyName"], a["policyType"]) for a in attachments.values()} == {
        *(("livecommerce-ci-prod-deploy", f"livecommerce-ci-prod-deploy-{part}", "Custom") for part in parts),
        ("livecommerce-ci-prod-read", "livecommerce-ci-prod-read", "Custom"),
    }
    read_doc = json.loads(kids["c-read-policy"]["inputs"]["policyDocument"])
    assert any(st["Sid"] == "StackState" and st["Action"] == ["oss:GetObject"] for st in read_doc["Statement"])


def _runner_plan(token="ghs-registration-token-value-1234", **settings):
    def program():
        CiRunner("r", CiRunnerArgs(env="prod", region="cn-hangzhou", account_id="123", repository="acme/shop",
                                   settings=RunnerSettings(**settings), vpc_id="vpc-1", vswitch_id="vsw-1",
                                   registration_token=pulumi.Output.secret(token), tags=TAGS))
    return record(program)


def test_runner_host_has_no_public_address_no_inbound_rule_and_an_encrypted_disk():
    plan = _runner_plan()
    kids = children_of(plan, "r")
    host = kids["r-host"]["inputs"]
    assert host["internetMaxBandwidthOut"] == 0 and host["vswitchId"] == "vsw-1"
    assert host["systemDiskEncrypted"] is True and host["httpTokens"] == "required"
    assert kids["r-host"]["options"]["ignoreChanges"] == ["imageId"]
    assert not [r for r in plan["resources"] if r["type"] == "alicloud:ecs/securityGroupRule:SecurityGroupRule"]
    assert kids["r-security-group"]["inputs"]["vpcId"] == "vpc-1"
    role = json.loads(kids["r-instance-role"]["inputs"]["assumeRolePolicyDocument"])
    assert role["Statement"][0]["Principal"] == {"Service": ["ecs.aliyuncs.com"]}
    assert kids["r-instance-role-attachment"]["inputs"]["ramRoleName"] == "livecommerce-ci-prod-runner"


def test_runner_registration_token_is_a_secret_that_appears_nowhere():
    token = "ghs-registration-token-value-1234"
    plan = _runner_plan(token)
    kids = children_of(plan, "r")
    assert kids["r-registration-token"]["inputs"]["value"] == SECRET
    assert token not in json.dumps(plan)


def test_cloud_init_verifies_the_runner_and_registers_with_the_environment_label():
    script = cloud_init(env="prod", region="cn-hangzhou", repository="acme/shop", role_name="role-x",
                        parameter=parameter_name("prod"), settings=RunnerSettings())
    s = RunnerSettings()
    assert script.startswith("#!/bin/bash\n")
    assert f"echo '{s.runner_sha256}  /tmp/runner.tar.gz' | sha256sum -c -" in script
    assert "--labels livecommerce-prod" in script and "--url https://github.com/acme/shop" in script
    assert "--Name livecommerce/ci/prod/runner-registration-token" in script
    assert 'if [ -f "$RUNNER_DIR/.runner" ]; then exit 0; fi' in script
    assert runner_labels("prod", ["big"]) == ["self-hosted", "linux", "x64", "livecommerce-prod", "big"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("bucket", "Bad_Name", "not a valid OSS bucket name"),
    ("bucket", "a" * 60, "at most 58 characters"),
])
def test_state_settings_refuse_bad_bucket_names(field, value, message):
    with pytest.raises(ValueError, match=message):
        StateBackendSettings(**{field: value})


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"repository": "no-slash"}, "is not OWNER/REPO"),
    ({"repository": "a/b", "fingerprints": ["AB:CD"]}, "not a SHA-1 fingerprint"),
    ({"repository": "a/b", "issuer_url": "http://x"}, "https:// URL"),
])
def test_github_settings_refuse_bad_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GithubSettings(**kwargs)
