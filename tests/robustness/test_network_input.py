"""Network ranges and places (issue 18, item 15): Service and VPC CIDRs the cloud API would refuse, and regions
and zones outside the committed table, fail `validate` with one line naming the file and the key."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.network.cidr import SERVICE_CIDR_PARENTS, service_cidr_problem, vpc_cidr_problem
from components.network.regions import ECI_ZONES, PROVIDER_REGIONS, region_problem, zone_id, zone_problem
from tests.robustness.test_stack_file_input import edit, one_error, run


@pytest.mark.parametrize(("cidr", "words"), [
    ("127.0.0.0/16", "is loopback"),
    ("224.0.0.0/16", "is multicast"),
    ("172.16.0.0/25", "not a range ACK accepts"),  # too small: ACK wants /16 to /24
    ("10.0.0.0/8", "not a range ACK accepts"),  # too large
    ("8.8.0.0/16", "is a public range"),
    ("172.32.0.0/16", "not a range ACK accepts"),  # just outside 172.16.0.0/12
])
def test_a_service_cidr_ack_would_refuse_fails_validate(stacks, cidr, words):
    path = edit(stacks, "      vpc_cidr: 10.10.0.0/16\n", f"      vpc_cidr: 10.10.0.0/16\n      service_cidr: {cidr}\n")
    code, _, err = run(["validate", "dev", "--stacks-dir", str(stacks)])
    line = one_error(code, err, path)
    assert "livecommerce:platform.network.service_cidr" in line and words in line and "e.g. 172.16.0.0/16" in line


@pytest.mark.parametrize(("cidr", "words"), [
    ("127.0.0.0/16", "loopback"), ("100.64.0.0/16", "carrier-grade NAT"), ("169.254.0.0/16", "link-local"),
    ("224.0.0.0/8", "multicast"), ("10.10.0.0/29", "a /8 to /28"),
])
def test_a_vpc_cidr_the_vpc_api_would_refuse_fails_validate(stacks, cidr, words):
    path = edit(stacks, "      vpc_cidr: 10.10.0.0/16\n", f"      vpc_cidr: {cidr}\n")
    code, _, err = run(["validate", "dev", "--stacks-dir", str(stacks)])
    assert code == 2 and "Traceback" not in err
    assert any(f"error: {path}: livecommerce:platform.network.vpc_cidr" in ln and words in ln
               for ln in err.splitlines()), err


@given(st.integers(0, 2**32 - 1), st.integers(0, 32))
def test_service_cidr_rule_is_exactly_the_documented_ranges(address, prefix):
    net = ipaddress.ip_network((address, prefix), strict=False)
    accepted = service_cidr_problem(str(net)) is None
    assert accepted == (any(net.subnet_of(p) for p in SERVICE_CIDR_PARENTS) and 16 <= prefix <= 24)


def test_the_shipped_ranges_are_accepted():
    for cidr in ("10.0.0.0/16", "10.10.0.0/16", "10.20.0.0/16"):
        assert vpc_cidr_problem(cidr) is None
    assert service_cidr_problem("172.16.0.0/16") is None


# ---- the region and zone table -------------------------------------------------------------------


def test_the_region_table_is_the_providers_valid_regions():
    """Kept in step with terraform-provider-alicloud's ValidRegions (the snapshot on this machine)."""
    import re
    import subprocess

    repo = Path("/work/.mirror/aliyun+terraform-provider-alicloud/repo")
    if not repo.exists():
        pytest.skip("no provider snapshot on this machine")
    src = subprocess.run(["git", "-C", str(repo), "show", "HEAD:alicloud/connectivity/regions.go"],
                         capture_output=True, text=True, check=True).stdout
    consts = dict(re.findall(r"(\w+)\s*=\s*Region\(\"([^\"]+)\"\)", src))
    body = src.split("var ValidRegions = []Region{", 1)[1].split("}", 1)[0]
    assert tuple(consts[name] for name in re.findall(r"\w+", body)) == PROVIDER_REGIONS


@pytest.mark.parametrize(("region", "zone", "ok"), [
    ("cn-hangzhou", "cn-hangzhou-h", True),
    ("cn-hangzhou", "cn-hangzhou-z", False),
    ("cn-hangzhou", "cn-shanghai-l", False),
    ("ap-southeast-1", "ap-southeast-1a", True),
    ("ap-southeast-1", "ap-southeast-1-a", False),
    ("eu-central-1", "eu-central-1a", True),  # no ECI zone list: shape only
    ("eu-central-1", "eu-central-1-a", False),
])
def test_zones(region, zone, ok):
    assert (zone_problem(region, zone) is None) == ok


def test_every_eci_zone_is_a_zone_of_a_provider_region():
    assert set(ECI_ZONES) <= set(PROVIDER_REGIONS)
    assert zone_id("cn-hangzhou", "h") == "cn-hangzhou-h" and zone_id("ap-southeast-1", "a") == "ap-southeast-1a"


def test_an_unknown_region_suggests_the_nearest():
    assert "did you mean cn-hangzhou?" in region_problem("cn-hangzou")
    assert region_problem("cn-hangzhou") is None


@pytest.mark.parametrize(("old", "new", "key", "words"), [
    ("alicloud:region: cn-hangzhou", "alicloud:region: cn-hangzou", "alicloud:region", "did you mean cn-hangzhou?"),
    ("alicloud:region: cn-hangzhou", "alicloud:region: mars-north-1", "alicloud:region",
     "not a region the alicloud provider accepts"),
    ("zones: [cn-hangzhou-h]", "zones: [cn-hangzhou-z]", "livecommerce:platform.network.zones[0]",
     "cn-hangzhou-z is not an ECI zone of cn-hangzhou"),
])
def test_unknown_regions_and_zones_fail_validate_naming_the_key(stacks, old, new, key, words):
    path = edit(stacks, old, new)
    code, _, err = run(["validate", "dev", "--stacks-dir", str(stacks)])
    line = one_error(code, err, path)
    assert line.startswith(f"error: {path}: {key}: ") and words in line, line
