"""The two scenarios, priced: exact figures on small plans, and the acceptance on the shipped prod stack."""

from __future__ import annotations

import json

import pytest
import yaml

from livecommerce.cost.calendar import Month
from livecommerce.cost.facts import Shape
from livecommerce.cost.model import eci_spec, price_plan
from livecommerce.cost.prices import load_region
from stacks.cost_settings import CostSettings
from tests.cost.conftest import cron_hpa, deployment, hpa, node_pool, plan, preview, resource_policy

NOV = Month(2027, 11)
GALA = [("gala-up", "0 0 11 10 11 *", 10), ("gala-down", "0 0 21 10 11 *", 2)]  # 10 hours at 10 pods
USD = 7.1
ECI_2C4G_PER_HOUR = (2 * 0.000049 + 4 * 0.00000613) * 3600


@pytest.fixture(scope="module")
def table():
    return load_region("cn-hangzhou")


def items(report, scenario="elastic"):
    return {i.key: i for i in report.scenarios[scenario].items}


@pytest.mark.parametrize(("need", "spec"), [
    ((7, 13), (8, 16)), ((0.3, 0.6), (0.5, 1)), ((1, 1), (1, 2)), ((2, 3), (2, 4)), ((3, 3), (4, 4)),
    ((2, 4), (2, 4)), ((0.25, 0.5), (0.25, 0.5)), ((1, 8), (1, 8)), ((1, 9), (2, 16)),
])
def test_eci_rounds_up_to_a_spec(need, spec):
    got = eci_spec(Shape(*need))
    assert (got.vcpu, got.memory_gib) == spec


def test_eci_refuses_what_no_spec_holds():
    with pytest.raises(ValueError, match="no ECI spec"):
        eci_spec(Shape(64, 600))


def _shop(*extra, **kw):
    return plan(node_pool(min_size=1, max_size=4), deployment("shop", **kw), hpa("shop", low=2, high=20),
                cron_hpa("shop", GALA), *extra)


def test_burst_above_the_ecs_room_runs_on_eci(table):
    """1 × ecs.g7.xlarge (3.8 vCPU allocatable): the 2 everyday pods and 1 burst pod fit, 7 go to ECI for 10 h."""
    report = price_plan(_shop(), table, CostSettings(), NOV)
    e = items(report)
    assert e["ecs:t-node-pools-steady"].cost == pytest.approx(1 * 1.44 * 720)
    assert e["disk:ecs:t-node-pools-steady"].cost == pytest.approx(100 * 720 * 0.0014)
    eci = e["eci:shop/shop"]
    assert "70 pod-hours of 2 vCPU / 4 GiB" in eci.description
    assert eci.cost == pytest.approx(round(70 * ECI_2C4G_PER_HOUR, 2))
    assert e["mse-agents"].cost == pytest.approx(round((2 * 720 + 8 * 10) * 0.008 * USD, 2))
    p = items(report, "peak_sized")
    assert "eci:shop/shop" not in p
    assert p["ecs:t-node-pools-steady"].description.endswith(": 3 nodes")  # 10 vCPU / 3.8 per node
    assert p["ecs:t-node-pools-steady"].cost == pytest.approx(3 * 1.44 * 720)
    assert report.elastic == pytest.approx(1036.80 + 100.80 + round(70 * ECI_2C4G_PER_HOUR, 2) + 86.34)
    assert report.elastic < report.peak_sized
    assert report.saving_percent == round(100 * (report.peak_sized - report.elastic) / report.peak_sized, 1)


def test_the_resource_policy_cap_sends_every_burst_pod_to_eci(table):
    report = price_plan(_shop(resource_policy("shop", ecs_max=2)), table, CostSettings(), NOV)
    assert "80 pod-hours" in items(report)["eci:shop/shop"].description


def test_eci_is_sized_from_limits_not_requests(table):
    small = price_plan(_shop(limit_cpu="1", limit_memory="2Gi"), table, CostSettings(), NOV)
    big = price_plan(_shop(limit_cpu="4", limit_memory="8Gi"), table, CostSettings(), NOV)
    assert "of 1 vCPU / 2 GiB" in items(small)["eci:shop/shop"].description
    assert items(big)["eci:shop/shop"].cost == pytest.approx(4 * items(small)["eci:shop/shop"].cost, rel=1e-3)
    spec = price_plan(_shop(annotations={"k8s.aliyun.com/eci-use-specs": "4-16Gi,2-4Gi"}), table, CostSettings(), NOV)
    assert "of 4 vCPU / 16 GiB" in items(spec)["eci:shop/shop"].description


def test_ecs_only_pods_that_do_not_fit_scale_the_pool_out(table):
    report = price_plan(_shop(placement="ecs-only"), table, CostSettings(), NOV)
    e = items(report)
    assert not any(k.startswith("eci:") for k in e)
    # 7 pods beyond the steady node need 2 more nodes (7 vCPU / 3.8) for the 10 hours.
    assert e["ecs-scale-out:t-node-pools-steady"].cost == pytest.approx(round(2 * 10 * 1.44, 2))
    assert e["disk:ecs-scale-out:t-node-pools-steady"].cost == pytest.approx(round(2 * 10 * 100 * 0.0014, 2))


def test_pods_beyond_the_pools_max_size_are_noted(table):
    p = plan(node_pool(min_size=1, max_size=2), deployment("shop", placement="ecs-only"), hpa("shop", low=2, high=20),
             cron_hpa("shop", GALA))
    report = price_plan(p, table, CostSettings(), NOV)
    assert any("shop/shop: up to" in n and "fit nowhere" in n for n in report.notes)


def test_eci_only_pods_run_on_eci_all_month_and_on_ecs_when_peak_sized(table):
    p = plan(node_pool(), deployment("live", placement="eci-only", cpu="250m", memory="512Mi", limit_cpu="1",
                                     limit_memory="1Gi"), hpa("live", low=2, high=4))
    report = price_plan(p, table, CostSettings(), NOV)
    eci = items(report)["eci:shop/live"]
    assert "1,440 pod-hours of 1 vCPU / 2 GiB" in eci.description
    assert eci.cost == pytest.approx(round(1440 * 3600 * (0.000049 + 2 * 0.00000613), 2))
    assert "eci:shop/live" not in items(report, "peak_sized")
    # The two small pods fit the steady node, so ECS-only would have been cheaper here: the saving is negative.
    assert report.saving_percent < 0


def test_without_events_both_scenarios_hold_the_same_pods(table):
    p = plan(node_pool(), deployment("shop"), hpa("shop", low=2, high=20))
    report = price_plan(p, table, CostSettings(), NOV)
    assert report.elastic == report.peak_sized and report.saving_percent == 0


def test_the_peak_is_the_calendars_not_the_months(table):
    """A fleet sized for a gala is paid for in every month; elastic pays for the gala only in its month."""
    sep = price_plan(_shop(), table, CostSettings(), Month(2027, 9))  # 30 days, like November
    nov = price_plan(_shop(), table, CostSettings(), NOV)
    assert "eci:shop/shop" not in items(sep)
    assert items(sep, "peak_sized")["ecs:t-node-pools-steady"].description.endswith(": 3 nodes")
    assert items(sep, "peak_sized")["ecs:t-node-pools-steady"].cost == \
        items(nov, "peak_sized")["ecs:t-node-pools-steady"].cost
    assert sep.elastic < nov.elastic


def _function_plan():
    fn = {"urn": "urn:fn", "type": "alicloud:fc/v3Function:V3Function", "name": "t-media-transcoder", "custom": True,
          "inputs": {"cpu": 4, "memorySize": 8192, "diskSize": 10240}, "dependencies": []}
    trig = {"urn": "urn:trig", "type": "alicloud:fc/v3Trigger:V3Trigger", "name": "t-media-trigger", "custom": True,
            "inputs": {"triggerType": "oss"}, "dependencies": ["urn:fn"]}
    return plan(node_pool(), fn, trig)


def test_transcoding_is_replay_minutes_times_measured_vcpu_seconds(table):
    report = price_plan(_function_plan(), table, CostSettings(replay_hours_per_month=10), NOV)
    fc = items(report)["fc:t-media-transcoder"]
    parts = {p.price: p for p in fc.parts}
    vcpu_s = 10 * 60 * 90.8
    wall = vcpu_s / 4
    assert parts["fc.vcpu_second"].quantity == pytest.approx(vcpu_s)
    assert parts["fc.gib_second"].quantity == pytest.approx(wall * 8)
    assert parts["fc.disk_gib_second"].quantity == pytest.approx(wall * 9.5)  # the first 512 MiB are free
    assert parts["fc.request"].quantity == 10
    expected = (vcpu_s * 0.00002 + wall * 8 * 0.000003 + wall * 9.5 * 0.000001 + 10 * 0.00000015) * USD
    assert fc.cost == pytest.approx(round(expected, 2))
    assert items(report, "peak_sized")["fc:t-media-transcoder"].cost == fc.cost
    none = price_plan(_function_plan(), table, CostSettings(), NOV)
    assert "fc:t-media-transcoder" not in items(none)
    assert any("cost.replay_hours_per_month is 0" in a for a in none.assumptions)


def test_usage_volumes_price_storage_logs_and_egress(table):
    store = {"urn": "urn:store", "type": "alicloud:log/store:Store", "name": "t-logs-app", "custom": True,
             "inputs": {"shardCount": 4, "retentionPeriod": 30}, "dependencies": []}
    bucket = {"urn": "urn:b", "type": "alicloud:oss/bucket:Bucket", "name": "t-media-output-bucket", "custom": True,
              "inputs": {"redundancyType": "ZRS", "storageClass": "Standard"}, "dependencies": []}
    eip = {"urn": "urn:eip", "type": "alicloud:ecs/eipAddress:EipAddress", "name": "t-network-nat-eip", "custom": True,
           "inputs": {"internetChargeType": "PayByTraffic", "paymentType": "PayAsYouGo"}, "dependencies": []}
    p = plan(node_pool(), store, bucket, eip)
    usage = CostSettings(oss_stored_gib=1000, log_ingest_gib_per_day=10, internet_egress_gib_per_month=100)
    e = items(price_plan(p, table, usage, NOV))
    assert e["sls-shards:t-logs-app"].cost == pytest.approx(4 * 30 * 0.04)
    raw = 10 * 30
    assert e["sls-data"].cost == pytest.approx(round(raw * 0.15 * 0.18 + raw * 0.35 + 10 * 0.15 * 30 * 30 * 0.0115, 2))
    assert e["oss-storage"].cost == pytest.approx(1000 * 0.15)
    assert e["eip:t-network-nat-eip"].cost == pytest.approx(round((720 * 0.0031 + 100 * 0.125) * USD, 2))


def test_every_used_price_is_listed_with_its_source(table):
    report = price_plan(_shop(), table, CostSettings(), NOV)
    used = {p.price for s in report.scenarios.values() for i in s.items for p in i.parts}
    assert used == set(report.prices)
    for info in report.prices.values():
        assert {"unit", "unit_price", "as_of", "source", "confidence"} <= set(info)
    assert any(a.startswith("price ecs.g7.xlarge is estimate") for a in report.assumptions)


def test_the_json_has_the_documented_shape_and_is_deterministic(table):
    a = price_plan(_shop(), table, CostSettings(), NOV).to_json()
    b = price_plan(_shop(), table, CostSettings(), NOV).to_json()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert {"as_of", "currency", "month", "scenarios", "saving_percent", "assumptions"} <= set(a)
    assert set(a["scenarios"]) == {"elastic", "peak_sized"}
    for s in a["scenarios"].values():
        assert s["monthly_total"] == pytest.approx(sum(i["monthly_cost"] for i in s["items"]))
        for item in s["items"]:
            assert item["parts"] and item["confidence"] in ("confirmed", "unconfirmed", "estimate")
    assert (a["month"], a["currency"], a["as_of"]) == ("2027-11", "CNY", "2026-12-01")


# --------------------------------------------------------------------------------------------------
# Acceptance on the shipped prod stack (clock fixed; months explicit)


def test_prod_elastic_is_below_peak_sized_with_a_plausible_saving(shipped_plans, table):
    for month in (NOV, Month(2027, 6), Month(2026, 12)):
        report = price_plan(shipped_plans["prod"], table, CostSettings(), month)
        assert report.elastic < report.peak_sized, month
        # The reference architecture claims 60-70 % for ACK + ECI; any figure far outside 40-90 % would
        # mean the model (not the platform) is wrong.
        assert 40 <= report.saving_percent <= 90, (month, report.saving_percent)
    nov = items(price_plan(shipped_plans["prod"], table, CostSettings(), NOV))
    assert "eci:live/live-interaction-v1" in nov and "eci:trade/order-v1" in nov


def _edit_prod(stacks_dir, edit):
    path = stacks_dir / "Pulumi.prod.yaml"
    data = yaml.safe_load(path.read_text())
    edit(data["config"]["livecommerce:platform"])
    path.write_text("# yaml-language-server: $schema=./platform.schema.json\n" + yaml.safe_dump(data))


def test_adding_a_gala_raises_prods_elastic_cost(shipped_plans, stacks_copy, table):
    def add_gala(cfg):
        cfg["live_events"].append({"name": "black-friday-gala", "start": "2027-11-26T20:00", "end": "2027-11-26T23:00",
                                   "time_zone": "Asia/Shanghai", "peak_replicas": 40})

    _edit_prod(stacks_copy, add_gala)
    before = price_plan(shipped_plans["prod"], table, CostSettings(), NOV)
    after = price_plan(preview("prod", stacks_copy), table, CostSettings(), NOV)
    assert after.elastic > before.elastic
    pool = "ecs:prod-node-pools-steady"  # 40 pods is not above the Double 11 peak: the same fleet
    assert items(after, "peak_sized")[pool].cost == items(before, "peak_sized")[pool].cost
    # Only what follows pod-hours (the MSE agents) moves in peak_sized.
    assert after.peak_sized - before.peak_sized == pytest.approx(
        items(after)["mse-agents"].cost - items(before)["mse-agents"].cost, abs=0.02)
    assert items(after)["eci:live/live-interaction-v1"].cost > items(before)["eci:live/live-interaction-v1"].cost


def test_an_empty_calendar_lowers_prods_elastic_cost(shipped_plans, stacks_copy, table):
    def clear(cfg):
        cfg["live_events"] = []
        for service in cfg["services"]:
            service.pop("live_event_peaks", None)

    _edit_prod(stacks_copy, clear)
    before = price_plan(shipped_plans["prod"], table, CostSettings(), NOV)
    after = price_plan(preview("prod", stacks_copy), table, CostSettings(), NOV)
    assert after.elastic < before.elastic
    assert not any(k.startswith("eci:") for k in items(after))
    assert after.peak_sized < before.peak_sized  # no gala, no fleet sized for one


def test_each_line_of_the_table_reads_differently(shipped_plans, table):
    """Two log stores once printed two identical 'SLS log store shards' lines; each line names what it prices."""
    for env, shipped in shipped_plans.items():
        for scenario in ("elastic", "peak_sized"):
            lines = [i.description for i in price_plan(shipped, table, CostSettings(), NOV).scenarios[scenario].items]
            assert len(lines) == len(set(lines)), (env, scenario, sorted(x for x in lines if lines.count(x) > 1))
