"""The Gateway component alone under the recording mocks: replicas over two zones, SLBs as configured."""

from __future__ import annotations

import pulumi
import pytest

from components.naming import naming_for
from components.governance.gateway import Gateway, GatewayArgs
from components.governance.settings import GatewaySettings
from livecommerce.engine import record
from tests.governance.helpers import children, one

NAMING = naming_for("t")

GATEWAY = "alicloud:mse/gateway:Gateway"


def build(settings: GatewaySettings, vswitches=("vsw-h", "vsw-i", "vsw-j")) -> dict:
    def program():
        gw = Gateway("t-gateway", GatewayArgs(naming=NAMING, settings=settings, vpc_id="vpc-1",
                                              vswitch_ids=list(vswitches)))
        pulumi.export("id", gw.gateway_id)
        pulumi.export("intranet", gw.intranet_ip)
        pulumi.export("internet", gw.internet_ip)
    return record(program)


def test_default_is_two_replicas_over_two_zones_behind_an_intranet_slb_only():
    plan = build(GatewaySettings())
    comp = one(plan, "livecommerce:governance:Gateway")
    [gw] = children(plan, comp)
    assert (gw["type"], gw["name"]) == (GATEWAY, "t-gateway-gateway")
    i = gw["inputs"]
    assert i["replica"] == 2 and i["spec"] == "MSE_GTW_4_8_200_c"
    assert (i["vpcId"], i["vswitchId"], i["backupVswitchId"]) == ("vpc-1", "vsw-h", "vsw-i")
    assert i["slbSpec"] == "slb.s2.small" and "internetSlbSpec" not in i
    assert i["gatewayName"] == "livecommerce-t" and i["deleteSlb"] is True
    out = plan["outputs"]
    assert out["id"].startswith("gw-") and out["intranet"].startswith("10.")
    assert out.get("internet") is None  # no internet SLB: the output is empty


def test_internet_slb_only_when_asked():
    plan = build(GatewaySettings(internet_slb=True, internet_slb_spec="slb.s3.small"))
    assert one(plan, GATEWAY)["inputs"]["internetSlbSpec"] == "slb.s3.small"
    assert plan["outputs"]["internet"] is not None and plan["outputs"]["internet"] != plan["outputs"]["intranet"]


def test_single_zone_has_no_backup_and_explicit_backup_without_a_zone_fails():
    plan = build(GatewaySettings(replicas=1), vswitches=("vsw-h",))
    assert "backupVswitchId" not in one(plan, GATEWAY)["inputs"]
    with pytest.raises(Exception, match="second zone"):
        build(GatewaySettings(backup_zone=True), vswitches=("vsw-h",))
