"""Issue 18 items 16-17 as classes, not instances: every way a grant escapes an exact list, and the
variants of each gap prod let through (decision functions, hypothesis where the space is large)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policies.livecommerce_guard import ack, fc, k8s, k8s_access, mse, network, oss, ram
from policies.livecommerce_guard._base import Subject

from . import cases as C
from .harness import all_mandatory_config, findings, plan, res, urn


def subject(type_: str, props: dict, name: str = "x") -> Subject:
    return Subject(type_, name, urn(type_, name), props, False)


def ram_policy(*statements: dict, strict: bool = True) -> list[str]:
    props = {"policyDocument": json.dumps({"Version": "1", "Statement": list(statements)})}
    return ram.check_wildcard_policy(subject(ram.POLICY, props), {"strict": strict})


NAME = st.from_regex(r"[A-Z][a-zA-Z]{2,12}", fullmatch=True)
SERVICE = st.sampled_from(["oss", "ram", "sts", "kms", "fc", "log", "ecs", "cs"])


# ---- item 16: RAM ------------------------------------------------------------------------------------
@given(SERVICE, NAME, st.data())
def test_a_wildcard_anywhere_in_an_action_is_flagged(service, name, data):
    action = f"{service}:{name}"
    assert ram_policy({"Effect": "Allow", "Action": [action], "Resource": "acs:oss:*:1:b/*"}) == []
    at = data.draw(st.integers(min_value=0, max_value=len(action)))
    if at == len(service):  # keep the colon: 'oss*:Get' and 'oss:*Get' are both wildcards
        at += 1
    wild = action[:at] + data.draw(st.sampled_from(["*", "?"])) + action[at:]
    got = ram_policy({"Effect": "Allow", "Action": [action, wild], "Resource": "acs:oss:*:1:b/*"})
    assert got and "wildcard" in got[0]
    # Deny statements may use wildcards (they only take away)
    assert ram_policy({"Effect": "Deny", "Action": [wild], "Resource": "*"}) == []


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Allow", "Action": ["*:*"], "Resource": ["acs:*:*:*:*"]},
        {"Effect": "allow", "NotAction": ["ram:*"], "Resource": "*"},
        {"Effect": "Allow", "Action": "*", "NotResource": ["acs:oss:*:1:audit/*"]},
    ],
)
def test_admin_equivalents_are_flagged_even_without_strict(statement):
    assert ram.wildcard_admin_statements({"Statement": [statement]}) == 1
    got = ram_policy(statement, strict=False)
    assert got and "every action on every resource" in got[0]


@pytest.mark.parametrize(
    "statement, fragment",
    [
        ({"Effect": "Allow", "NotAction": ["oss:DeleteObject"], "Resource": "acs:oss:*:1:b/*"}, "NotAction"),
        ({"Effect": "Allow", "Action": ["oss:GetObject"], "NotResource": ["acs:oss:*:1:b/*"]}, "NotResource"),
        ({"Effect": "Allow", "Action": ["ram:*Role*"], "Resource": "*"}, "wildcard"),
        ({"Effect": "Allow", "Action": ["sts:Assume*"], "Resource": "*"}, "wildcard"),
        ({"Effect": "Allow", "Action": ["*:Get*"], "Resource": "*"}, "wildcard"),
    ],
)
def test_negations_and_partial_wildcards_are_flagged(statement, fragment):
    got = ram_policy(statement)
    assert got and fragment in " ".join(got)


def test_the_deprecated_statements_block_is_judged_too():
    props = {"statements": [{"effect": "Allow", "actions": ["*"], "resources": ["*"]}], "version": "1"}
    assert ram.check_wildcard_policy(subject(ram.POLICY, props), {"strict": True})
    scoped = {"statements": [{"effect": "Allow", "actions": ["oss:GetObject"], "resources": ["acs:oss:*:1:b/*"]}]}
    assert ram.check_wildcard_policy(subject(ram.POLICY, scoped), {"strict": True}) == []


def test_an_unparsable_document_is_reported_not_passed():
    got = ram.check_wildcard_policy(subject(ram.POLICY, {"policyDocument": "{not json"}), {})
    assert got == ["the policy document is not valid JSON, so it cannot be checked"]


def trust(*statements: dict) -> list[str]:
    props = {"assumeRolePolicyDocument": json.dumps({"Version": "1", "Statement": list(statements)})}
    return ram.check_trust_policy(subject(ram.ROLE, props), {"allowedServices": ["fc.aliyuncs.com"]})


FEDERATED = {"Federated": ["acs:ram::1:oidc-provider/ack-rrsa-c1"]}
OIDC = {
    "oidc:iss": "https://oidc-ack.aliyuncs.com/c1",
    "oidc:aud": "sts.aliyuncs.com",
    "oidc:sub": "system:serviceaccount:a:b",
}


@pytest.mark.parametrize(
    "statement, fragment",
    [
        ({"Effect": "Allow", "Action": "sts:AssumeRole", "NotPrincipal": {"RAM": ["acs:ram::1:root"]}}, "NotPrincipal"),
        ({"Effect": "Allow", "Action": "sts:*", "Principal": {"Service": ["fc.aliyuncs.com"]}}, "STS actions"),
        (
            {"Effect": "Allow", "NotAction": "sts:GetCallerIdentity", "Principal": {"Service": ["fc.aliyuncs.com"]}},
            "NotAction",
        ),
        ({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"RAM": ["acs:ram::12*:root"]}}, "by wildcard"),
        ({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["*.aliyuncs.com"]}}, "by wildcard"),
        ({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": ["*"]}, "any principal"),
        (
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": FEDERATED,
                "Condition": {"StringEquals": {**OIDC, "oidc:aud": "*"}},
            },
            "by wildcard",
        ),
        (
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"Federated": ["acs:ram::1:oidc-provider/*"]},
                "Condition": {"StringEquals": OIDC},
            },
            "identity providers by wildcard",
        ),
    ],
)
def test_trust_policies_that_let_others_in_are_flagged(statement, fragment):
    got = trust(statement)
    assert got and fragment in " ".join(got)


def test_exact_trusts_pass():
    assert trust({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": ["fc.aliyuncs.com"]}}) == []
    exact = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": FEDERATED, "Condition": {"StringEquals": OIDC}}
    assert trust(exact) == []


@pytest.mark.parametrize(
    "action", ["kms:GetSecretValue", "kms:*", "kms:Get*", "*", "KMS:getsecretvalue", "kms:GetSecret?alue"]
)
@pytest.mark.parametrize("resource", ["*", "acs:kms:*:1:secret/*", "acs:kms:cn-hangzhou:1:*", "acs:*:*:*:*"])
def test_reading_every_secret_is_flagged(action, resource):
    props = {"policyDocument": json.dumps({"Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})}
    assert ram.check_secret_access(subject(ram.POLICY, props), {})


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Allow", "Action": "kms:GetSecretValue", "Resource": "acs:kms:cn-hangzhou:1:secret/lc-db"},
        {"Effect": "Allow", "Action": "kms:GetSecretValue", "Resource": "acs:kms:cn-hangzhou:1:secret/lc-db-*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
        {"Effect": "Allow", "NotAction": "kms:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "kms:GetSecretValue", "Resource": "*"},
    ],
)
def test_named_secrets_and_other_actions_pass_the_secret_rule(statement):
    props = {"policyDocument": json.dumps({"Statement": [statement]})}
    assert ram.check_secret_access(subject(ram.POLICY, props), {}) == []


# ---- item 17: OSS ------------------------------------------------------------------------------------
def lifecycle(*rules: dict, min_days: int = 30) -> list[str]:
    return oss.check_lifecycle_expiration(
        subject(oss.BUCKET, {"lifecycleRules": list(rules)}), {"minExpirationDays": min_days}
    )


@given(st.integers(min_value=1, max_value=3650))
def test_bucket_wide_expiry_is_flagged_below_the_minimum(days):
    got = lifecycle({"enabled": True, "expirations": [{"days": days}]})
    assert bool(got) == (days < 30)
    # the same expiry under a prefix or tags (temporary uploads) is fine
    assert lifecycle({"enabled": True, "prefix": "tmp/", "expirations": [{"days": days}]}) == []
    assert lifecycle({"enabled": True, "tags": {"temp": "true"}, "expirations": [{"days": days}]}) == []
    # a disabled rule deletes nothing
    assert lifecycle({"enabled": False, "expirations": [{"days": days}]}) == []


@pytest.mark.parametrize(
    "rule, fragment",
    [
        ({"enabled": True, "expirations": [{"date": "2027-01-01"}]}, "by date"),
        ({"enabled": True, "expirations": [{"createdBeforeDate": "2027-01-01"}]}, "by date"),
        ({"enabled": True, "prefix": "", "noncurrentVersionExpirations": [{"days": 1}]}, "previous object versions"),
        ({"enabled": "true", "filter": {"objectSizeGreaterThan": 1}, "expirations": [{"days": 1}]}, "whole bucket"),
    ],
)
def test_other_ways_to_expire_everything(rule, fragment):
    got = lifecycle(rule)
    assert got and fragment in got[0]


@pytest.mark.parametrize("origin", ["*", "https://*", "http://*", "*://*", " * "])
@pytest.mark.parametrize("method", ["PUT", "post", "DELETE"])
def test_any_origin_with_a_write_method_is_flagged(origin, method):
    props = {"corsRules": [{"allowedOrigins": [origin], "allowedMethods": ["GET", method]}]}
    for type_ in (oss.BUCKET, oss.BUCKET_CORS):
        assert oss.check_cors(subject(type_, props), {})


@pytest.mark.parametrize(
    "rule",
    [
        {"allowedOrigins": ["*"], "allowedMethods": ["GET", "HEAD"]},
        {"allowedOrigins": ["https://shop.example.com", "https://*.example.com"], "allowedMethods": ["PUT", "POST"]},
    ],
)
def test_reads_from_anywhere_or_writes_from_named_origins_pass(rule):
    assert oss.check_cors(subject(oss.BUCKET_CORS, {"corsRules": [rule]}), {}) == []


# ---- item 17: FC -------------------------------------------------------------------------------------
def test_the_pack_and_the_transcoder_agree_on_complete_object_events():
    from functions.transcoder.events import COMPLETE_OBJECT_EVENTS

    assert {e.removeprefix("oss:") for e in fc.COMPLETE_OBJECT_EVENTS} == set(COMPLETE_OBJECT_EVENTS)


@pytest.mark.parametrize(
    "events, fragment",
    [
        (["oss:ObjectCreated:*"], "wildcard"),
        (["oss:*"], "wildcard"),
        (["oss:ObjectCreated:Put*"], "wildcard"),
        (["oss:ObjectCreated:PutObject", "oss:ObjectCreated:UploadPart"], "complete-object"),
        (["oss:ObjectCreated:InitiateMultipartUpload"], "complete-object"),
        (["oss:ObjectCreated:AppendObject"], "complete-object"),
        (["oss:ObjectRemoved:DeleteObject"], "complete-object"),
    ],
)
def test_oss_triggers_listen_to_complete_objects_only(events, fragment):
    props = {**C.TRIG["inputs"], "triggerConfig": json.dumps({"events": events, "filter": {"key": {"prefix": "raw/"}}})}
    got = fc.check_oss_trigger_scope(subject(fc.TRIGGER, props), {})
    assert got and fragment in got[0]


def test_the_oss_trigger_fix_no_longer_recommends_the_wildcard():
    rule = next(p for p in fc.POLICIES if p.name == "alicloud-fc-v3trigger-restrict-oss-events")
    assert "never oss:ObjectCreated:*" in rule.livecommerce.fix
    assert "oss:ObjectCreated:* with" not in rule.livecommerce.fix


@pytest.mark.parametrize(
    "type_, props",
    [
        (fc.TRIGGER, {"triggerType": "http", "triggerConfig": json.dumps({"authType": "anonymous"})}),
        (fc.TRIGGER, {"triggerType": "http", "triggerConfig": json.dumps({"methods": ["GET"]})}),
        (fc.TRIGGER, {"triggerType": "HTTP", "triggerConfig": {"authType": "Anonymous"}}),
        (fc.FC2_TRIGGER, {"type": "http", "config": json.dumps({"authType": "anonymous", "methods": ["GET"]})}),
        (fc.CUSTOM_DOMAIN, {"customDomainName": "api.example.com", "authConfig": {"authType": "anonymous"}}),
        (fc.CUSTOM_DOMAIN, {"customDomainName": "api.example.com", "protocol": "HTTPS"}),
    ],
)
def test_anonymous_http_entry_points_are_flagged(type_, props):
    assert fc.check_http_auth(subject(type_, props), {})


@pytest.mark.parametrize(
    "type_, props",
    [
        (fc.TRIGGER, {"triggerType": "http", "triggerConfig": json.dumps({"authType": "function"})}),
        (fc.TRIGGER, {"triggerType": "http", "triggerConfig": json.dumps({"authType": "jwt"})}),
        (fc.TRIGGER, {"triggerType": "timer", "triggerConfig": json.dumps({"cronExpression": "0 0 * * * *"})}),
        (fc.CUSTOM_DOMAIN, {"authConfig": {"authType": "function"}}),
    ],
)
def test_authenticated_or_non_http_entry_points_pass(type_, props):
    assert fc.check_http_auth(subject(type_, props), {}) == []


def test_internet_access_needs_a_declared_need():
    fn = {"functionName": "lc-fetcher"}
    assert fc.check_internet_access(subject(fc.FUNCTION, fn), {})  # absent: FC default is on
    assert fc.check_internet_access(subject(fc.FUNCTION, {**fn, "internetAccess": "true"}), {})
    assert fc.check_internet_access(subject(fc.FUNCTION, {**fn, "internetAccess": False}), {}) == []
    assert fc.check_internet_access(subject(fc.FUNCTION, fn), {"allowInternetAccess": ["lc-fetcher"]}) == []
    assert fc.check_internet_access(subject(fc.FC2_SERVICE, {"name": "svc"}), {})


def test_internet_access_allowances_may_be_patterns_covering_every_stack_of_a_tier():
    allow = {"allowInternetAccess": ["livecommerce-*-transcoder"]}
    for name in ("livecommerce-prod-transcoder", "livecommerce-prod-sg-transcoder"):
        assert fc.check_internet_access(subject(fc.FUNCTION, {"functionName": name, "internetAccess": True}),
                                        allow) == []
    for name in ("livecommerce-prod-transcoder-worker", "other-prod-transcoder"):
        assert fc.check_internet_access(subject(fc.FUNCTION, {"functionName": name, "internetAccess": True}), allow)


# ---- item 17: nodes, NAT, Services, RBAC, NetworkPolicies ---------------------------------------------
@pytest.mark.parametrize(
    "type_, props, bad",
    [
        (ack.NODE_POOL, {}, True),
        (ack.NODE_POOL, {"instanceMetadataOptions": {"httpTokens": "optional"}}, True),
        (ack.NODE_POOL, {"instanceMetadataOptions": {"httpTokens": "required"}}, False),
        (ack.ECS_INSTANCE, {"httpTokens": "optional"}, True),
        (ack.ECS_INSTANCE, {"httpTokens": "required"}, False),
        (ack.ECS_LAUNCH_TEMPLATES[0], {}, True),
    ],
)
def test_imdsv1_is_flagged_on_nodes_and_hosts(type_, props, bad):
    assert bool(ack.check_imdsv2(subject(type_, props), {})) == bad


@pytest.mark.parametrize("key", ["password", "kmsEncryptedPassword"])
@pytest.mark.parametrize("type_", [ack.NODE_POOL, ack.ECS_INSTANCE])
def test_a_login_password_is_flagged_and_never_echoed(type_, key):
    got = ack.check_password_login(subject(type_, {key: "Hunter2-Secret!"}), {})
    assert got and "Hunter2" not in got[0]
    assert ack.check_password_login(subject(type_, {"keyName": "ops"}), {}) == []


def dnat(external: str, internal: str, protocol: str = "tcp") -> list[str]:
    props = {"externalPort": external, "internalPort": internal, "ipProtocol": protocol, "externalIp": "47.0.0.1"}
    return network.check_dnat_admin_ports(subject(network.FORWARD_ENTRY, props), {})


PORT = st.integers(min_value=1, max_value=65535)


@given(PORT, PORT)
def test_dnat_ranges_covering_an_admin_port_are_flagged(a, b):
    lo, hi = min(a, b), max(a, b)
    covers = any(lo <= p <= hi for p in network.ADMIN_PORTS)
    assert bool(dnat(f"{lo}/{hi}", f"{lo}/{hi}")) == (covers or (lo, hi) == (1, 65535))


def test_dnat_to_ssh_behind_another_port_and_whole_ip_forwarding_are_flagged():
    assert dnat("2222", "22")
    assert dnat("any", "any", "any")
    assert dnat("443", "443") == []


def test_service_external_ips_are_flagged():
    svc = C.SVC["inputs"]
    assert k8s.check_external_ips(
        subject(k8s.SERVICE, {**svc, "spec": {**svc["spec"], "externalIPs": ["1.2.3.4"]}}), {}
    )
    assert k8s.check_external_ips(subject(k8s.SERVICE, svc), {}) == []


def rbac(type_: str, rules: list[dict] | None = None, **extra) -> list[str]:
    props = {"metadata": {"name": "r", "namespace": "shop"}, "rules": rules or [], **extra}
    return k8s_access.check_secret_read(subject(type_, props), {"exemptNamespaces": ["kube-system"]})


@pytest.mark.parametrize(
    "rule",
    [
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]},
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]},
        {"apiGroups": ["*"], "resources": ["*"], "verbs": ["watch"]},
        {"apiGroups": [""], "resources": ["secrets", "configmaps"], "verbs": ["*"]},
    ],
)
def test_reading_every_secret_through_rbac_is_flagged(rule):
    assert rbac(k8s_access.ROLE, [rule])
    assert rbac(k8s_access.CLUSTER_ROLE, [rule])


@pytest.mark.parametrize(
    "rule",
    [
        {"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["shop-db"], "verbs": ["get", "watch"]},
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]},
        {"apiGroups": ["apps"], "resources": ["*"], "verbs": ["get"]},
        {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]},
    ],
)
def test_named_secrets_writes_and_other_resources_pass_the_rbac_rule(rule):
    assert rbac(k8s_access.ROLE, [rule]) == []


def test_bindings_to_builtin_secret_readers_are_flagged():
    ref = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole"}
    assert rbac(k8s_access.ROLE_BINDING, roleRef={**ref, "name": "edit"})
    assert rbac(k8s_access.CLUSTER_ROLE_BINDING, roleRef={**ref, "name": "admin"})
    assert rbac(k8s_access.ROLE_BINDING, roleRef={**ref, "name": "view"}) == []


def netpol(spec: dict) -> list[str]:
    return k8s_access.check_allow_all(
        subject(k8s_access.NETWORK_POLICY, {"metadata": {"name": "p", "namespace": "shop"}, "spec": spec}), {}
    )


@pytest.mark.parametrize(
    "spec",
    [
        {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{}]},
        {"podSelector": {}, "ingress": [{"from": []}]},
        {"podSelector": {"matchLabels": {"app": "shop"}}, "ingress": [{"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}]}]},
        {"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {}}]}]},
        {"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {}, "podSelector": {}}]}]},
        {"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"to": [{"ipBlock": {"cidr": "::/0"}}]}]},
    ],
)
def test_allow_all_policies_are_flagged(spec):
    assert netpol(spec)


@pytest.mark.parametrize(
    "spec",
    [
        {"podSelector": {}, "policyTypes": ["Ingress"]},
        {"podSelector": {}, "ingress": [{"ports": [{"port": 8080}]}]},
        {"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8"]}}]}]},
        {"podSelector": {}, "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "a"}}}]}]},
        {
            "podSelector": {},
            "ingress": [{"from": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"a": "b"}}}]}],
        },
        {"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/16"}}]}]},
    ],
)
def test_default_deny_and_narrow_policies_pass(spec):
    assert netpol(spec) == []


def test_an_allow_all_policy_named_default_deny_is_no_default_deny(tmp_path):
    """`ingress: [{}]` admits everything, so the namespace counts as uncovered by the stack rule too."""
    cfg = all_mandatory_config(tmp_path)
    rule = "kubernetes-networking-namespace-require-default-deny"
    assert findings(plan(C.DEPLOY, C.DENY), cfg, rule=rule) == []
    opened = C.mutate(C.DENY, C.setv(("spec", "ingress"), [{}]))
    assert [f.resource for f in findings(plan(C.DEPLOY, opened), cfg, rule=rule)] == ["shop"]


# ---- item 17: the MSE gateway's public entry ----------------------------------------------------------
def public_entry(resources: list[dict], require_waf: bool, tmp_path) -> list[str]:
    cfg = all_mandatory_config(
        tmp_path, extra={"alicloud-mse-gateway-restrict-public-entry": {"requireWaf": require_waf}}
    )
    return [f.problem for f in findings(plan(*resources), cfg, rule="alicloud-mse-gateway-restrict-public-entry")]


def test_a_gateway_without_internet_slb_needs_nothing(tmp_path):
    assert public_entry([C.GW, C.INGRESS_CLASS, C.NO_TLS_INGRESS], True, tmp_path) == []


def test_tls_and_a_waf_make_the_internet_slb_acceptable(tmp_path):
    assert public_entry(C.PUBLIC_ENTRY, True, tmp_path) == []


def test_a_waf_with_a_plain_http_listener_does_not_count(tmp_path):
    waf = C.mutate(C.WAF, C.setv(("listen", "httpPorts"), [80]))
    got = public_entry([C.PUBLIC_GW, C.MSE_CONFIG, C.INGRESS_CLASS, C.INGRESS, waf], True, tmp_path)
    assert got == ["no WAF 3.0 domain fronts its internet SLB over HTTPS"]
    forced = C.mutate(waf, C.setv(("listen", "focusHttps"), True))
    assert public_entry([C.PUBLIC_GW, C.MSE_CONFIG, C.INGRESS_CLASS, C.INGRESS, forced], True, tmp_path) == []


def test_an_ip_allowlist_replaces_the_waf_only_where_it_is_not_required(tmp_path):
    allow = C.mutate(
        C.INGRESS,
        C.setv(("metadata", "annotations", "nginx.ingress.kubernetes.io/whitelist-source-range"), "203.0.113.0/24"),
    )
    resources = [C.PUBLIC_GW, C.MSE_CONFIG, C.INGRESS_CLASS, allow]
    assert public_entry(resources, False, tmp_path / "a") == []
    assert public_entry(resources, True, tmp_path / "b") == ["no WAF 3.0 domain fronts its internet SLB over HTTPS"]
    everyone = C.mutate(
        allow, C.setv(("metadata", "annotations", "nginx.ingress.kubernetes.io/whitelist-source-range"), "0.0.0.0/0")
    )
    assert public_entry([C.PUBLIC_GW, C.MSE_CONFIG, C.INGRESS_CLASS, everyone], False, tmp_path / "c")


def test_every_served_ingress_needs_tls_for_every_host_and_a_redirect(tmp_path):
    two_hosts = C.mutate(
        C.INGRESS, lambda i: i["spec"]["rules"].append({**i["spec"]["rules"][0], "host": "admin.example.com"})
    )
    got = public_entry([*C.PUBLIC_ENTRY[:3], two_hosts, C.WAF], True, tmp_path / "a")
    assert got == ["its internet SLB serves Ingress shop/shop, which does not terminate TLS (spec.tls) for every host"]
    wildcard = C.mutate(two_hosts, C.setv(("spec", "tls"), [{"hosts": ["*.example.com"], "secretName": "wild"}]))
    assert public_entry([*C.PUBLIC_ENTRY[:3], wildcard, C.WAF], True, tmp_path / "b") == []
    no_redirect = C.mutate(C.INGRESS, lambda i: i["metadata"].pop("annotations"))
    got = public_entry([*C.PUBLIC_ENTRY[:3], no_redirect, C.WAF], True, tmp_path / "c")
    assert got == [
        "its internet SLB serves Ingress shop/shop, which does not redirect plain HTTP to HTTPS (ssl-redirect)"
    ]


def test_ingresses_of_other_controllers_are_not_the_gateways(tmp_path):
    nginx = C.mutate(C.NO_TLS_INGRESS, C.setv(("spec", "ingressClassName"), "nginx"))
    got = public_entry([*C.PUBLIC_ENTRY[:3], C.INGRESS, nginx, C.WAF], True, tmp_path)
    assert got == []


def test_an_internet_slb_with_no_declared_routes_is_reported(tmp_path):
    got = public_entry([C.PUBLIC_GW], True, tmp_path)
    assert "serves no Ingress declared in the stack" in got[0]


def test_the_wafs_origin_must_be_this_gateway(tmp_path):
    other = res(C.T["gw"], "other-gateway", {**C.GW["inputs"], "internetSlbSpec": "slb.s2.small"})
    waf_for_other = res(C.T["waf"], "api-waf", C.WAF["inputs"], deps={"redirect": [other]})
    got = public_entry([*C.PUBLIC_ENTRY[:4], waf_for_other], True, tmp_path)
    assert "no WAF 3.0 domain fronts its internet SLB over HTTPS" in got
    assert mse.MSE_INGRESS_CONTROLLER == "mse.alibabacloud.com/ingress"
