"""The delivery block's RAM documents: trust pinned to one repository and environment, least privilege."""

from __future__ import annotations

import json
import re

import pytest

from components.delivery import permissions as p

ACCOUNT = "1234567890123456"
SCOPE = dict(account_id=ACCOUNT, region="cn-hangzhou", name_prefix="livecommerce-prod",
             services=list(p.PLATFORM_SERVICES), state_bucket="lc-state", project="livecommerce", stack="prod")
WRITE_WORDS = re.compile(r":(Create|Delete|Modify|Update|Put|Set|Add|Remove|Attach|Detach|Install|Uninstall|UnInstall|"
                         r"Upgrade|Scale|Allocate|Release|Associate|Unassociate|Run|Start|Stop|Authorize|Revoke|Tag|"
                         r"Untag|UnTag|Enable|Disable|Apply|Bind|Unbind|Save|Publish|Grant|Schedule|Cancel|Change|Open|Pass)")


def test_the_subject_names_repository_and_environment():
    assert p.oidc_subject("acme/shop", "prod") == "repo:acme/shop:environment:prod"


def test_github_trust_pins_issuer_audience_and_exact_subject():
    doc = p.github_trust_policy("acs:ram::1:oidc-provider/github-actions", "repo:acme/shop:environment:prod")
    (st,) = doc["Statement"]
    assert st["Effect"] == "Allow" and st["Action"] == "sts:AssumeRole"
    assert st["Principal"] == {"Federated": ["acs:ram::1:oidc-provider/github-actions"]}
    assert st["Condition"] == {"StringEquals": {"oidc:iss": "https://token.actions.githubusercontent.com",
                                                "oidc:aud": "sts.aliyuncs.com",
                                                "oidc:sub": "repo:acme/shop:environment:prod"}}
    assert "*" not in json.dumps(st["Condition"])


@pytest.mark.parametrize(("token", "service"), [
    ("alicloud:vpc/network:Network", "vpc"), ("alicloud:ecs/eipAddress:EipAddress", "vpc"),
    ("alicloud:ecs/securityGroup:SecurityGroup", "ecs"), ("alicloud:ackone/cluster:Cluster", "adcp"),
    ("alicloud:message/serviceQueue:ServiceQueue", "mns"), ("pulumi-python:dynamic/mse:Lane", "mse"),
    ("kubernetes:apps/v1:Deployment", None), ("pulumi:providers:alicloud", None),
])
def test_each_type_maps_to_the_ram_service_it_calls(token, service):
    assert p.service_of(token) == service


def test_deploy_policies_name_exact_actions_and_fit_rams_size_limit():
    docs = p.deploy_policies(**SCOPE)
    assert "identity" in docs and [k for k in docs if k.startswith("services-")]
    for doc in docs.values():
        actions = p.granted_actions(doc)
        assert actions and not [a for a in actions if "*" in a or "?" in a]
        assert len(p.dumps(doc)) <= p.MAX_POLICY_CHARS
    granted = {a for doc in docs.values() for a in p.granted_actions(doc)}
    assert {"cs:CreateCluster", "vpc:CreateVpc", "fc:CreateFunction", "oss:PutBucketVersioning",
            "ram:PassRole", "mse:CreateOrUpdateSwimmingLane"} <= granted


def test_deploy_policy_scopes_services_to_region_and_account_and_identity_to_the_prefix():
    docs = p.deploy_policies(**SCOPE)
    for part, doc in docs.items():
        if part.startswith("services-"):
            for st in doc["Statement"]:
                svc = st["Action"][0].split(":")[0]
                assert st["Resource"] == [f"acs:{svc}:cn-hangzhou:{ACCOUNT}:*"]
                assert {a.split(":")[0] for a in st["Action"]} == {svc}
    by_sid = {st["Sid"]: st for st in docs["identity"]["Statement"]}
    assert by_sid["PlatformIdentity"]["Resource"] == [f"acs:ram::{ACCOUNT}:role/livecommerce-prod-*",
                                                      f"acs:ram::{ACCOUNT}:policy/livecommerce-prod-*"]
    assert by_sid["PlatformBuckets"]["Resource"] == [f"acs:oss:*:{ACCOUNT}:livecommerce-prod-*"]
    # Secret values only of the stack's own data secrets (components/data/plan.secret_name).
    assert by_sid["StackSecrets"] == {"Sid": "StackSecrets", "Effect": "Allow", "Action": ["kms:GetSecretValue"],
                                      "Resource": [f"acs:kms:cn-hangzhou:{ACCOUNT}:secret/livecommerce/prod/*"]}
    assert set(by_sid["StackState"]["Action"]) == {"oss:GetObject", "oss:PutObject", "oss:DeleteObject"}
    assert f"acs:oss:*:{ACCOUNT}:lc-state/.pulumi/stacks/livecommerce/prod.json*" in by_sid["StackState"]["Resource"]
    assert f"acs:oss:*:{ACCOUNT}:lc-state/.pulumi/locks/organization/livecommerce/prod/*" in \
        by_sid["StackState"]["Resource"]
    # Never another stack's state, never the whole bucket.
    assert not [r for r in by_sid["StackState"]["Resource"] if "dev" in r or r.endswith("lc-state/*")]


def test_the_ci_roles_cannot_manage_themselves():
    """The deploy role manages `<prefix>-*`; CI's own roles are named outside it."""
    from components.delivery.ci_identity import ci_role_name

    pattern = re.compile(r"^livecommerce-prod-")
    assert not pattern.match(ci_role_name("prod", "deploy")) and not pattern.match(ci_role_name("prod", "read"))


def test_read_policy_only_reads():
    doc = p.read_policy(**SCOPE)
    actions = p.granted_actions(doc)
    assert actions and not [a for a in actions if WRITE_WORDS.search(a)]
    assert "oss:GetObject" in actions  # the stack's state, and only that:
    gets = [st for st in doc["Statement"] if "oss:GetObject" in st["Action"]]
    for st in gets:
        assert all("/.pulumi/" in r for r in st["Resource"])
    # Bucket configuration only: no object of a data bucket is readable.
    assert not [a for a in actions if a.startswith("oss:") and a not in ("oss:GetObject", "oss:ListObjects")
                and not a.startswith("oss:GetBucket")]


def test_state_keys_follow_the_diy_backend_layout():
    assert p.state_object_keys("livecommerce", "dev") == [
        ".pulumi/stacks/livecommerce/dev.json*", ".pulumi/history/livecommerce/dev/*",
        ".pulumi/backups/livecommerce/dev/*", ".pulumi/locks/organization/livecommerce/dev/*"]


def test_runner_policy_reads_one_parameter():
    doc = p.runner_policy(account_id=ACCOUNT, region="cn-hangzhou", parameter="livecommerce/ci/prod/token")
    assert p.granted_actions(doc) == ["oos:GetSecretParameter", "kms:Decrypt"]
    assert doc["Statement"][0]["Resource"] == [
        f"acs:oos:cn-hangzhou:{ACCOUNT}:secretparameter/livecommerce/ci/prod/token"]


@pytest.fixture(scope="module")
def platform_plans():
    from livecommerce.engine import list_stacks, preview_stack

    return {env: preview_stack(env) for env in list_stacks()}


def test_every_service_the_platform_stacks_call_is_in_platform_services(platform_plans):
    """A stack that starts using a new service must get it into the deploy and read roles."""
    for env, plan in platform_plans.items():
        used = set(p.services_of(r["type"] for r in plan["resources"] if r["custom"]))
        missing = sorted(used - set(p.PLATFORM_SERVICES))
        assert not missing, f"{env} calls {missing}: add them to components/delivery/permissions.PLATFORM_SERVICES"


def test_every_resource_type_of_the_platform_has_its_exact_actions(platform_plans):
    """A type a stack starts using must get its API actions listed, or its deploy would be refused."""
    for env, plan in platform_plans.items():
        used = {r["type"] for r in plan["resources"] if r["custom"] and p.service_of(r["type"])}
        missing = sorted(used - set(p.TYPE_ACTIONS))
        assert not missing, f"{env}: add to components/delivery/permissions.TYPE_ACTIONS: {missing}"
    for type_, actions in p.TYPE_ACTIONS.items():
        assert actions and all(a.split(":")[0] == p.service_of(type_) for a in actions), type_


def test_every_ram_and_oss_name_of_a_stack_is_under_its_deploy_prefix(platform_plans):
    """The deploy role may only manage names under `livecommerce-<env>-`: the stacks must use them."""
    from components.delivery.settings import EnvironmentCiSettings

    fields = {"alicloud:ram/role:Role": "roleName", "alicloud:ram/policy:Policy": "policyName",
              "alicloud:oss/bucket:Bucket": "bucket"}
    for env, plan in platform_plans.items():
        prefix = EnvironmentCiSettings().prefix(env) + "-"
        names = [r["inputs"].get(fields[r["type"]]) for r in plan["resources"] if r["type"] in fields]
        assert names and all(isinstance(n, str) and n.startswith(prefix) for n in names), (env, names)
        attached = [r["inputs"] for r in plan["resources"]
                    if r["type"] == "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment"]
        assert all(a.get("policyType") == "Custom" for a in attached), "system policies are outside the prefix"
