"""The committed price tables: dated, sourced, complete for every plan the stacks build; gaps are refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from livecommerce.cost.calendar import Month
from livecommerce.cost.model import MissingPrices, coverage_problems, instance_types_of, price_plan
from livecommerce.cost.prices import PRICES_DIR, LoadedTable, PriceTable, dump_table, load_region, load_table
from stacks.cost_settings import CostSettings
from livecommerce.errors import UserError
from tests.cost.conftest import deployment, hpa, node_pool, plan

TABLES = sorted(PRICES_DIR.glob("*.yaml"))


@pytest.fixture(scope="module")
def hangzhou() -> LoadedTable:
    return load_region("cn-hangzhou")


def test_there_is_a_table_for_every_region_the_stacks_use(shipped_plans):
    from livecommerce.cost.facts import region_of

    regions = {region_of(p["resources"]) for p in shipped_plans.values()}
    assert regions == {"cn-hangzhou"}
    assert {t.stem for t in TABLES} >= regions


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.stem)
def test_every_item_is_dated_sourced_and_qualified(path):
    loaded = load_table(path)
    assert loaded.table.region == path.stem
    for key, item in loaded.table.items.items():
        assert item.source.strip(), key
        assert isinstance(item.as_of, dt.date), key
        assert item.confidence in ("confirmed", "unconfirmed", "estimate"), key
        if item.confidence == "estimate":
            assert item.note, f"{key}: an estimate must say how it was derived"
        if item.confidence == "confirmed":
            assert "http" in item.source or "API" in item.source, f"{key}: a confirmed price names its page or API"
    assert loaded.table.as_of <= min(i.as_of for i in loaded.table.items.values())


@pytest.mark.parametrize("path", TABLES, ids=lambda p: p.stem)
def test_committed_file_is_in_canonical_form(path):
    """`--refresh-prices` rewrites the file with dump_table; the committed file must already look like that,
    so a refresh diff shows only the prices that changed."""
    assert dump_table(load_table(path).table) == path.read_text(encoding="utf-8")


def test_every_resource_type_of_every_stack_is_priced_or_explained(shipped_plans, hangzhou):
    problems = [line for p in shipped_plans.values() for line in coverage_problems(p, hangzhou)]
    assert problems == []


def test_every_instance_type_the_stacks_use_has_a_price_and_a_size(shipped_plans, hangzhou):
    types = instance_types_of(shipped_plans.values())
    assert "ecs.g7.2xlarge" in types and "ecs.g8i.2xlarge" in types  # fallbacks too, not only the first
    missing = [t for t in types if t not in hangzhou.table.items or hangzhou.table.items[t].vcpu is None]
    assert missing == []


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_every_shipped_plan_prices_without_gaps(shipped_plans, hangzhou, env):
    report = price_plan(shipped_plans[env], hangzhou, CostSettings(replay_hours_per_month=1, oss_stored_gib=1,
                                                                   log_ingest_gib_per_day=1,
                                                                   internet_egress_gib_per_month=1),
                        Month(2027, 11))
    assert report.elastic > 0 and report.peak_sized > 0
    for key, info in report.prices.items():
        assert info["source"] and info["as_of"], key


def test_a_plan_type_without_an_entry_is_refused_by_name(hangzhou):
    p = plan(node_pool(), {"urn": "urn:x", "type": "alicloud:rocketmq/instance:Instance", "name": "t-mq",
                           "custom": True, "inputs": {}})
    assert any("`alicloud:rocketmq/instance:Instance`" in line for line in coverage_problems(p, hangzhou))
    with pytest.raises(MissingPrices) as err:
        price_plan(p, hangzhou, CostSettings(), Month(2027, 11))
    assert any("alicloud:rocketmq/instance:Instance" in line and "resource_types" in line for line in err.value.lines)


def test_an_instance_type_without_a_price_is_refused_naming_it_and_its_pool(hangzhou):
    p = plan(node_pool("t-node-pools-big", types=("ecs.c9z.large",)), deployment("shop"), hpa("shop"))
    with pytest.raises(MissingPrices) as err:
        price_plan(p, hangzhou, CostSettings(), Month(2027, 11))
    (line,) = err.value.lines
    assert "`ecs.c9z.large`" in line and "t-node-pools-big" in line and "cn-hangzhou.yaml" in line


def test_every_gap_is_listed_at_once(hangzhou):
    p = plan(node_pool("t-a", types=("ecs.nope1.large",)), node_pool("t-b", types=("ecs.nope2.large",)),
             {"urn": "urn:x", "type": "alicloud:cdn/domain:Domain", "name": "t-cdn", "custom": True, "inputs": {}})
    with pytest.raises(MissingPrices) as err:
        price_plan(p, hangzhou, CostSettings(), Month(2027, 11))
    text = "\n".join(err.value.lines)
    assert "ecs.nope1.large" in text and "ecs.nope2.large" in text and "alicloud:cdn/domain:Domain" in text


def test_an_old_as_of_is_a_note_never_an_error(hangzhou):
    """Pricing a month years after the table's date still works; the output says the prices are old."""
    p = plan(node_pool(), deployment("shop"), hpa("shop"))
    report = price_plan(p, hangzhou, CostSettings(), Month(2035, 1))
    assert report.elastic > 0
    assert any("days before 2035-01" in n and "--refresh-prices" in n for n in report.notes)
    fresh = price_plan(p, hangzhou, CostSettings(), Month(2027, 1))
    assert not any("--refresh-prices" in n for n in fresh.notes)


def test_usd_items_convert_with_the_tables_fx_rate(hangzhou):
    t = hangzhou.table
    assert t.items["nat.enhanced.instance"].currency == "USD"
    assert t.unit_price("nat.enhanced.instance") == pytest.approx(0.034 * t.fx["USD"].rate)
    assert t.unit_price("eci.vcpu") == t.items["eci.vcpu"].price


def test_the_longest_matching_pattern_wins(hangzhou):
    t = hangzhou.table
    assert t.charge_of("alicloud:arms/prometheus:Prometheus").charge == "not_priced"
    assert t.charge_of("alicloud:arms/dispatchRule:DispatchRule").charge == "none"
    assert t.charge_of("alicloud:oss/bucketVersioning:BucketVersioning").charge == "none"
    assert t.charge_of("alicloud:oss/bucket:Bucket").charge == "priced"
    assert t.charge_of("kubernetes:apps/v1:Deployment").charge == "priced"
    assert t.charge_of("kubernetes:core/v1:Service").charge == "none"
    assert t.charge_of("alicloud:hologram/instance:Instance") is None


def _raw() -> dict:
    return yaml.safe_load((PRICES_DIR / "cn-hangzhou.yaml").read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "cn-hangzhou.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_an_item_without_a_source_is_refused_naming_the_key(tmp_path):
    data = _raw()
    data["items"]["eci.vcpu"]["source"] = ""
    with pytest.raises(UserError) as err:
        load_table(_write(tmp_path, data))
    assert len(err.value.lines) == 1
    assert "cn-hangzhou.yaml: items.eci.vcpu.source" in err.value.lines[0]


def test_an_estimate_without_a_note_is_refused(tmp_path):
    data = _raw()
    data["items"]["ecs.g7.2xlarge"]["note"] = ""
    with pytest.raises(UserError) as err:
        load_table(_write(tmp_path, data))
    assert "items.ecs.g7.2xlarge" in err.value.lines[0] and "derived" in err.value.lines[0]


def test_a_foreign_currency_needs_an_fx_rate(tmp_path):
    data = _raw()
    data["items"]["eci.vcpu"]["currency"] = "EUR"
    with pytest.raises(UserError) as err:
        load_table(_write(tmp_path, data))
    assert "fx.EUR" in err.value.lines[0] and "eci.vcpu" in err.value.lines[0]


def test_missing_and_broken_tables_are_one_line_each(tmp_path):
    with pytest.raises(UserError) as err:
        load_table(tmp_path / "eu-central-1.yaml")
    assert "no price table for this region" in err.value.lines[0]
    bad = tmp_path / "cn-hangzhou.yaml"
    bad.write_text("items: [unclosed\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_table(bad)
    assert err.value.lines == [f"{bad}: invalid YAML at line 2"] or "invalid YAML" in err.value.lines[0]


def test_dump_and_load_round_trip(hangzhou):
    again = PriceTable.model_validate(yaml.safe_load(dump_table(hangzhou.table)))
    assert again == hangzhou.table
