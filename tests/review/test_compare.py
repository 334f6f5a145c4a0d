"""Environment divergence: matched by logical resource, reviewer-relevant differences first, noise left out."""

from __future__ import annotations

import json

from livecommerce.review.compare import (
    compare_plans,
    dumps,
    is_noise,
    normalise_name,
    normalise_value,
    render_markdown,
    render_text,
)
from tests.review.plans import find, platform


def _diffs(div):
    return {(d.name, d.path): (d.a, d.b) for d in div.differences}


def test_names_and_values_lose_the_environment_token_only():
    assert normalise_name("prod-network-vpc", "prod") == "network-vpc"
    assert normalise_name("dev-prod-thing", "dev") == "prod-thing"
    # `compare prod prod-sg` listed every resource as "in one environment only".
    assert normalise_name("prod-sg-network-vpc", "prod-sg") == "network-vpc"
    assert normalise_name("prod-sg-observability-rule-x-sg", "prod-sg") == "observability-rule-x-sg"
    assert normalise_name("prod-sg", "prod-sg") == "prod-sg"
    assert normalise_value("livecommerce-prod-output", "prod") == "livecommerce-{env}-output"
    assert normalise_value("urn:pulumi:prod::livecommerce::x::prod-a", "prod") == \
        "urn:pulumi:{env}::livecommerce::x::{env}-a"
    assert normalise_value("production-products", "prod") == "production-products"  # not a token


def test_resources_match_by_logical_name_not_urn():
    dev = platform("dev", zones=("cn-hangzhou-h",), pool_max=3, protect=False, replicas=1)
    prod = platform("prod", zones=("cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"), pool_max=30,
                    protect=True, replicas=3)
    div = compare_plans(dev, prod)
    assert (div.a, div.b) == ("dev", "prod")
    # Every dev resource has its prod counterpart; prod has two more zones' vSwitches.
    assert div.only_a == ()
    assert [n for _, n in div.only_b] == ["network-node-cn-hangzhou-i", "network-node-cn-hangzhou-j"]
    d = _diffs(div)
    assert d[("platform-pool-default", "scalingConfig.maxSize")] == (3, 30)
    assert d[("platform-pool-default", "scalingConfig.minSize")] == (1, 3)
    assert d[("platform-cluster", "deletionProtection")] == (False, True)
    assert d[("platform-cluster", "[protect]")] == (False, True)
    assert d[("platform-shop", "spec.replicas")] == (1, 3)
    # vSwitch lists come from other resources' ids: their count (the zones) is compared, not the ids.
    assert d[("platform-cluster", "vswitchIds (count)")] == (1, 3)
    assert all(d.important for d in div.differences)


def test_noise_is_left_out():
    dev, prod = platform("dev"), platform("prod")
    find(dev, "dev-network-vpc")["inputs"]["tags"]["cost-center"] = "cc-dev"
    find(dev, "dev-network-vpc")["inputs"]["description"] = "the dev VPC"
    div = compare_plans(dev, prod)
    # Same shape apart from the env: names, tags, descriptions, ids and URNs never show up.
    assert div.differences == ()
    assert div.empty
    assert "No differences" in render_text(div)
    assert is_noise("tags.env") and is_noise("vpcName") and is_noise("metadata.name")
    assert not is_noise("scalingConfig.maxSize")


def test_glance_shows_zones_and_protection():
    dev = platform("dev", zones=("cn-hangzhou-h",), protect=False)
    prod = platform("prod", zones=("cn-hangzhou-h", "cn-hangzhou-i"), protect=True)
    glance = {w: (a, b) for w, a, b in compare_plans(dev, prod).glance}
    assert glance["zones"] == ("1: cn-hangzhou-h", "2: cn-hangzhou-h, cn-hangzhou-i")
    assert glance["protected resources"] == ("0", "2")
    assert glance["deletionProtection on"] == ("0", "2")


def test_important_differences_come_first_in_every_rendering():
    dev = platform("dev", pool_max=3)
    prod = platform("prod", pool_max=30)
    find(prod, "prod-media-transcoder")["inputs"]["handler"] = "index.handler"  # not on the reviewer list
    div = compare_plans(dev, prod)
    assert [d.important for d in div.differences] == sorted((d.important for d in div.differences), reverse=True)
    md = render_markdown(div)
    assert md.index("Differences that matter") < md.index("other property differences")
    assert "scalingConfig.maxSize" in md.split("<details>")[0]
    text = render_text(div)
    assert text.index("Differences that matter") < text.index("Other differences")
    data = json.loads(dumps(div))
    assert data["format"] == "livecommerce.compare/v1" and data["onlyIn"] == {"dev": [], "prod": []}


def test_secrets_stay_secret():
    dev, prod = platform("dev"), platform("prod")
    find(prod, "prod-media-transcoder")["inputs"]["environmentVariables"]["API_TOKEN"] = "[secret]"
    find(dev, "dev-media-transcoder")["inputs"]["environmentVariables"]["API_TOKEN"] = "[secret]"
    assert compare_plans(dev, prod).empty
