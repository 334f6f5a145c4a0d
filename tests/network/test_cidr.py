import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.network.cidr import CidrPlanError, check_no_overlap, plan_cidrs, prefix_for

ZONES = ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j", "cn-hangzhou-k", "cn-hangzhou-g"]


def test_prod_plan_is_compact_and_disjoint():
    plan = plan_cidrs("10.0.0.0/16", ZONES[:3], max_nodes=120, max_pods_per_node=64, service_cidr="172.16.0.0/16")
    assert [z.zone for z in plan.zones] == ZONES[:3]
    # 40 nodes per zone * 66 IPs -> 2640 + 4 reserved -> /20 per pod vSwitch; 44 -> /26 per node vSwitch
    assert [z.pod_cidr for z in plan.zones] == ["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]
    assert [z.node_cidr for z in plan.zones] == ["10.0.48.0/26", "10.0.48.64/26", "10.0.48.128/26"]


def test_prefix_for_counts_reserved_addresses():
    assert prefix_for(4) == 29  # 8 addresses hold 4 usable + 4 reserved
    assert prefix_for(5) == 28
    assert prefix_for(60) == 26


def test_rejects_service_cidr_inside_vpc():
    with pytest.raises(CidrPlanError, match="service_cidr 10.0.128.0/17 overlaps vpc_cidr 10.0.0.0/16"):
        plan_cidrs("10.0.0.0/16", ZONES[:1], max_nodes=3, max_pods_per_node=16, service_cidr="10.0.128.0/17")


def test_rejects_vpc_too_small_and_names_the_fix():
    with pytest.raises(CidrPlanError, match=r"vpc_cidr 10.0.0.0/24 .* use a /\d+ or larger VPC"):
        plan_cidrs("10.0.0.0/24", ZONES[:3], max_nodes=60, max_pods_per_node=64, service_cidr="172.16.0.0/16")


def test_rejects_pod_vswitch_beyond_slash16():
    with pytest.raises(CidrPlanError, match="larger than the /16 a vSwitch allows"):
        plan_cidrs("10.0.0.0/8", ZONES[:1], max_nodes=2000, max_pods_per_node=64, service_cidr="172.16.0.0/16")


def test_overlap_names_both_ranges():
    with pytest.raises(CidrPlanError, match=r"a \(10.0.0.0/24\) overlaps b \(10.0.0.128/25\)"):
        check_no_overlap({"a": "10.0.0.0/24", "b": "10.0.0.128/25", "c": "10.1.0.0/24"})


@settings(max_examples=200, deadline=None)
@given(
    vpc_prefix=st.integers(min_value=8, max_value=20),
    second_octet=st.integers(min_value=0, max_value=255),
    zones=st.integers(min_value=1, max_value=5),
    max_nodes=st.integers(min_value=1, max_value=400),
    max_pods=st.integers(min_value=8, max_value=128),
)
def test_any_accepted_plan_fits_and_never_overlaps(vpc_prefix, second_octet, zones, max_nodes, max_pods):
    vpc = ipaddress.ip_network(f"10.{second_octet}.0.0/{vpc_prefix}", strict=False)
    try:
        plan = plan_cidrs(str(vpc), ZONES[:zones], max_nodes=max_nodes, max_pods_per_node=max_pods,
                          service_cidr="172.16.0.0/16")
    except CidrPlanError:
        return  # rejected plans are covered by the error tests; accepted ones must be sound
    nets = [ipaddress.ip_network(c) for z in plan.zones for c in (z.node_cidr, z.pod_cidr)]
    assert all(n.subnet_of(vpc) for n in nets)
    for i, a in enumerate(nets):
        for b in nets[i + 1:]:
            assert not a.overlaps(b)
    per_zone_nodes = -(-max_nodes // zones)
    for z in plan.zones:
        assert ipaddress.ip_network(z.node_cidr).num_addresses - 4 >= per_zone_nodes
        assert ipaddress.ip_network(z.pod_cidr).num_addresses - 4 >= per_zone_nodes * max_pods
