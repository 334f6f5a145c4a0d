"""Pure decision functions over large input spaces (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from policies.livecommerce_guard import fc, k8s, network, ram

from .harness import urn

PORT = st.integers(min_value=1, max_value=65535)


def sg_rule(lo, hi, cidr="0.0.0.0/0", protocol="tcp"):
    from policies.livecommerce_guard._base import Subject

    props = {"type": "ingress", "ipProtocol": protocol, "portRange": f"{lo}/{hi}", "cidrIp": cidr}
    return Subject(network.SECURITY_GROUP_RULE, "r", urn(network.SECURITY_GROUP_RULE, "r"), props, False)


@given(PORT, PORT)
def test_public_ranges_covering_an_admin_port_are_flagged(a, b):
    lo, hi = min(a, b), max(a, b)
    covers = any(lo <= p <= hi for p in network.ADMIN_PORTS)
    assert bool(network.check_public_admin_ports(sg_rule(lo, hi), {})) == covers


@given(PORT, PORT)
def test_private_cidrs_are_never_flagged(a, b):
    assert network.check_public_admin_ports(sg_rule(min(a, b), max(a, b), cidr="10.0.0.0/8"), {}) == []


@given(st.text(alphabet="abc/", max_size=6), st.text(alphabet="abc/", max_size=6))
def test_prefix_overlap_is_symmetric_and_empty_overlaps_everything(a, b):
    assert fc.prefixes_overlap(a, b) == fc.prefixes_overlap(b, a)
    assert fc.prefixes_overlap("", a)


@given(
    st.from_regex(r"[a-z]{1,8}(/[a-z]{1,8})?", fullmatch=True), st.from_regex(r"[0-9]+\.[0-9]+\.[0-9]+", fullmatch=True)
)
def test_versioned_images_are_pinned_and_latest_or_untagged_are_not(repo, version):
    assert k8s.image_problem(f"{repo}:{version}", False) is None
    assert k8s.image_problem(f"{repo}:latest", False) is not None
    assert k8s.image_problem(repo, False) is not None
    assert k8s.image_problem(f"{repo}@sha256:{'a' * 64}", True) is None
    assert k8s.image_problem(f"{repo}:{version}", True) is not None


def test_registry_ports_are_not_mistaken_for_tags():
    assert k8s.image_problem("registry.local:5000/shop", False) is not None
    assert k8s.image_problem("registry.local:5000/shop:1.2.3", False) is None


@given(
    st.sampled_from(
        ["PASSWORD", "DB_PASSWORD", "API_TOKEN", "ACCESS_KEY", "SECRET", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"]
    ),
    st.sampled_from(["_NAME", "_ARN", "_ID", "_PATH"]),
)
def test_secret_names_flagged_but_references_to_them_are_not(name, suffix):
    assert fc.secret_like_name(name)
    assert not fc.secret_like_name(name + suffix)


def test_wildcard_admin_vs_service_wildcards():
    admin = {"Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": "*"}]}
    service = {"Statement": {"Effect": "Allow", "Action": "oss:*", "Resource": "acs:oss:*:*:b/*"}}
    deny = {"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    assert ram.wildcard_admin_statements(admin) == 1
    assert ram.wildcard_admin_statements(service) == 0 and ram.service_wildcard_statements(service) == 1
    assert ram.wildcard_admin_statements(deny) == 0


LABEL = st.text(alphabet="abcxyz", min_size=1, max_size=4)


@given(st.dictionaries(LABEL, LABEL, min_size=1, max_size=4), st.dictionaries(LABEL, LABEL, max_size=3))
def test_a_selector_matches_exactly_the_pods_whose_labels_include_it(selector, extra):
    from policies.livecommerce_guard.k8s_stack import selector_matches

    labels = {**extra, **selector}
    assert selector_matches({"matchLabels": selector}, labels)
    key = next(iter(selector))
    assert not selector_matches({"matchLabels": selector}, {**labels, key: labels[key] + "-other"})
    assert not selector_matches({}, labels)  # an empty PDB selector is treated as a mistake, never coverage
