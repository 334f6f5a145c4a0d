"""The `data` settings: defaults are prod's, coherence rules name the key and the fix."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from components.data.settings import DataSettings, data_problems, injected_names, tier_problems

from .conftest import SERVICES, ZONES, data_dict


def errors(raw) -> str:
    with pytest.raises(ValidationError) as exc:
        DataSettings.model_validate(raw)
    return str(exc.value)


def test_defaults_are_the_production_choice(data):
    q, c, d = data.queue, data.cache, data.database
    assert (q.edition, q.high_availability, q.billing.payment) == ("professional", True, "PayAsYouGo")
    assert (c.high_availability, c.multi_zone, c.tls, c.tde) == (True, True, True, True)
    assert (d.multi_zone, d.tls, d.tde, d.serverless, d.nodes) == (True, True, True, False, 2)
    assert data.deletion_protection is True
    assert data_problems(data, SERVICES, ZONES) == []
    assert tier_problems(data, "prod", high_availability=True, pay_as_you_go=False) == []


def test_what_each_service_uses(data):
    assert data.services_used() == {
        "live-interaction": ["queue", "cache"], "order": ["queue", "database"],
        "product": ["queue", "cache", "database"], "shop": ["queue", "cache", "database"],
    }


def test_sections_are_optional():
    assert DataSettings().services_used() == {}
    assert data_problems(DataSettings(), [], ZONES[:1]) == []
    assert tier_problems(DataSettings(), "prod", high_availability=True, pay_as_you_go=True) == []


def test_spec_must_belong_to_the_edition():
    raw = data_dict()
    raw["queue"] = {**raw["queue"], "edition": "standard"}
    assert "spec: rmq.p2.4xlarge is not a standard spec (expected rmq.s2.<size>)" in errors(raw)


def test_ultimate_is_only_cluster_ha():
    raw = data_dict()
    raw["queue"] = {**raw["queue"], "edition": "ultimate", "spec": "rmq.u2.10xlarge", "high_availability": False}
    assert "ultimate edition only comes as cluster_ha" in errors(raw)


def test_a_group_cannot_mix_fifo_and_normal_topics():
    raw = data_dict()
    raw["queue"]["consumers"] = [{"service": "shop", "topics": ["order-events", "live-comments"]}]
    assert "group shop-order-events mixes FIFO and non-FIFO topics" in errors(raw)


def test_consumers_name_declared_topics_and_unique_groups():
    raw = data_dict()
    raw["queue"]["consumers"] = [{"service": "shop", "topics": ["nope"]},
                                 {"service": "order", "topics": ["live-comments"], "name": "g"},
                                 {"service": "product", "topics": ["live-comments"], "name": "g"}]
    text = errors(raw)
    assert "consumers[0].topics: nope not in queue.topics" in text
    assert "consumers (group ids): each name must be unique; repeated: g" in text


def test_dead_letter_topic_may_not_shadow_a_topic():
    raw = data_dict()
    raw["queue"]["topics"].append({"name": "shop-order-events-dlq", "publishers": ["order"]})
    assert "its dead-letter topic shop-order-events-dlq is also declared" in errors(raw)


def test_single_node_cache_lives_in_one_zone():
    raw = data_dict()
    raw["cache"] = {**raw["cache"], "high_availability": False}
    assert "multi_zone: a single-node cache (high_availability: false) lives in one zone" in errors(raw)


def test_database_account_names_must_fit_polardb():
    raw = data_dict()
    raw["database"]["databases"].append({"name": "interactions", "service": "live-interaction-history"})
    assert "the derived account name 'live_interaction_history' does not fit" in errors(raw)
    raw["database"]["accounts"] = {"live-interaction-history": "lih"}
    DataSettings.model_validate(raw)
    raw["database"]["accounts"] = {"live-interaction-history": "root"}
    assert "accounts.live-interaction-history: 'root' is not a PolarDB account name" in errors(raw)


def test_level2_backups_are_off_or_a_month_or_more():
    raw = data_dict()
    raw["database"]["backup"] = {"level2_retention_days": 10}
    assert "kept 0 (none) or 30 to 7300 days" in errors(raw)


def test_referenced_services_must_exist(data):
    problems = data_problems(data, ["shop", "order"], ZONES)
    assert "data.queue.topics[2].publishers: 'live-interaction' is not a service of this stack; services are " \
           "order, shop" in problems
    assert any(p.startswith("data.database.databases[1].service: 'product'") for p in problems)


def test_multi_zone_needs_two_zones(data):
    problems = data_problems(data, SERVICES, ZONES[:1])
    assert "data.cache.multi_zone: needs a second zone in network.zones; add one or set it to false" in problems
    assert "data.database.multi_zone: needs a second zone in network.zones; add one or set it to false" in problems


def test_a_high_availability_tier_refuses_single_points_of_failure():
    raw = data_dict()
    raw["cache"] = {**raw["cache"], "multi_zone": False}
    raw["database"] = {**raw["database"], "nodes": 1}
    raw["queue"] = {**raw["queue"], "high_availability": False}
    s = DataSettings.model_validate(raw)
    problems = tier_problems(s, "prod", high_availability=True, pay_as_you_go=False)
    assert problems == [
        "data.queue.high_availability: tier prod needs the cluster_ha edition; set it to true",
        "data.cache.multi_zone: tier prod survives a zone outage; set it to true",
        "data.database.nodes: tier prod needs a read-only node to fail over to; set 2 or more",
    ]
    # A tier without that demand (dev) takes it all.
    assert tier_problems(s, "dev", high_availability=False, pay_as_you_go=True) == []
    serverless = data_dict()
    serverless["database"] = {**serverless["database"], "serverless": True, "nodes": 1}
    assert tier_problems(DataSettings.model_validate(serverless), "prod", high_availability=True,
                         pay_as_you_go=False) == []


def test_a_pay_as_you_go_tier_refuses_subscriptions():
    raw = data_dict()
    raw["cache"] = {**raw["cache"], "billing": {"payment": "Subscription", "subscription_months": 12}}
    s = DataSettings.model_validate(raw)
    assert tier_problems(s, "dev", high_availability=False, pay_as_you_go=True) == [
        "data.cache.billing.payment: tier dev is pay-as-you-go (a Subscription instance cannot be destroyed by "
        "`pulumi destroy`); set it to PayAsYouGo"]
    assert tier_problems(s, "prod", high_availability=True, pay_as_you_go=False) == []


def test_the_tier_table_carries_the_data_demands():
    from stacks.tiers import DATA_DELETION_PROTECTION, DATA_TDE, DATA_TLS, TIERS

    assert TIERS["prod"].data_high_availability and not TIERS["dev"].data_high_availability
    assert TIERS["dev"].data_pay_as_you_go and not TIERS["prod"].data_pay_as_you_go
    assert TIERS["prod"].policy_demands[DATA_DELETION_PROTECTION] == {"requireProtect": True}
    assert {DATA_TLS, DATA_TDE} <= set(TIERS["prod"].policy_demands)
    assert DATA_TLS in TIERS["staging"].policy_demands


def test_subscription_periods_are_the_common_ones():
    raw = data_dict()
    raw["cache"] = {**raw["cache"], "billing": {"payment": "Subscription", "subscription_months": 7}}
    assert "subscription_months" in errors(raw)


def test_injected_env_names_and_clashes(data):
    assert injected_names(data, "order") == [
        "ROCKETMQ_ENDPOINT", "ROCKETMQ_INSTANCE_ID", "ROCKETMQ_USERNAME", "ROCKETMQ_PASSWORD",
        "ROCKETMQ_TOPIC_ORDER_EVENTS", "ROCKETMQ_TOPIC_ORDER_TIMEOUTS", "ROCKETMQ_GROUP_ORDER_ORDER_TIMEOUTS",
        "DB_HOST", "DB_PORT", "DB_TLS", "DB_USERNAME", "DB_PASSWORD", "DB_NAME", "DB_NAME_ORDERS"]
    assert injected_names(data, "merchant") == []
    problems = data_problems(data, SERVICES, ZONES, injected_env={"order": {"DB_PASSWORD", "LOG_LEVEL"}})
    assert problems == ["services.order: DB_PASSWORD is set by the data block (from what data declares); remove it "
                        "from env / env_secrets"]
