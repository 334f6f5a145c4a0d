"""The whitelist planner: node *and* pod vSwitch ranges, merged without widening, never 0.0.0.0/0."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components.network.cidr import CidrPlanError, WhitelistError, check_whitelist, client_cidrs, plan_cidrs

from .conftest import ZONES, prod_plan

ALL_ZONES = [*ZONES, "cn-hangzhou-k", "cn-hangzhou-g"]


def test_prod_whitelist_is_the_node_and_pod_vswitches_merged():
    plan = prod_plan()
    # Pods h+i merge to a /19; pod j stays a /20; the three node /26 merge to a /25 plus a /26.
    assert client_cidrs(plan) == ["10.0.0.0/19", "10.0.32.0/20", "10.0.48.0/25", "10.0.48.128/26"]
    check_whitelist(client_cidrs(plan), plan)


@settings(max_examples=200, deadline=None)
@given(
    vpc_prefix=st.integers(min_value=8, max_value=20),
    second_octet=st.integers(min_value=0, max_value=255),
    zones=st.integers(min_value=1, max_value=5),
    max_nodes=st.integers(min_value=1, max_value=400),
    max_pods=st.integers(min_value=8, max_value=128),
)
def test_every_plan_gives_a_private_whitelist_covering_exactly_its_vswitches(vpc_prefix, second_octet, zones,
                                                                             max_nodes, max_pods):
    vpc = ipaddress.ip_network(f"10.{second_octet}.0.0/{vpc_prefix}", strict=False)
    try:
        plan = plan_cidrs(str(vpc), ALL_ZONES[:zones], max_nodes=max_nodes, max_pods_per_node=max_pods,
                          service_cidr="172.16.0.0/16")
    except CidrPlanError:
        return
    entries = client_cidrs(plan)
    nets = [ipaddress.ip_network(e) for e in entries]
    # Private: inside the VPC, never the internet.
    assert all(n.subnet_of(vpc) and n.prefixlen > 0 for n in nets)
    # Exactly the node and pod vSwitches: same address set, nothing added by merging.
    wanted = [ipaddress.ip_network(c) for z in plan.zones for c in (z.node_cidr, z.pod_cidr)]
    assert sum(n.num_addresses for n in nets) == sum(n.num_addresses for n in wanted)
    assert all(any(w.subnet_of(n) for n in nets) for w in wanted)
    assert entries == sorted(entries, key=ipaddress.ip_network)
    check_whitelist(entries, plan)


@pytest.mark.parametrize("entry", ["0.0.0.0/0", "47.96.0.0/16", "10.1.0.0/24"])
def test_refuses_an_entry_outside_the_vpc(entry):
    plan = prod_plan()
    with pytest.raises(WhitelistError, match=rf"{entry.split('/')[0]}.* is outside vpc_cidr 10.0.0.0/16"):
        check_whitelist([*client_cidrs(plan), entry], plan)


def test_refuses_a_whitelist_of_node_ranges_only():
    plan = prod_plan()
    with pytest.raises(WhitelistError, match=r"does not cover the cn-hangzhou-h pod vSwitch 10.0.0.0/20"):
        check_whitelist([z.node_cidr for z in plan.zones], plan)


def test_accepts_a_range_split_across_entries():
    plan = prod_plan()
    split = ["10.0.0.0/21", "10.0.8.0/21", *(c for c in client_cidrs(plan) if c != "10.0.0.0/19"), "10.0.16.0/20"]
    check_whitelist(split, plan)


def test_refuses_garbage():
    with pytest.raises(WhitelistError, match="'10.0.0.300' is not an IPv4 address"):
        check_whitelist(["10.0.0.300"], prod_plan())
