"""The `data` settings: defaults are prod's, coherence rules name the key and the fix."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from components.data.settings import DataSettings, data_problems, injected_names

from .conftest import SERVICES, ZONES, data_dict, settings


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
    assert data_problems(data, SERVICES, ZONES, "prod") == []


def test_what_each_service_uses(data):
    assert data.services_used() == {
        "live-interaction": ["queue", "cache"], "order": ["queue", "database"],
        "product": ["queue", "cache", "database"], "shop": ["queue", "cache", "database"],
    }


def test_sections_are_optional():
    assert DataSettings().services_used() == {}
    assert data_problems(DataSettings(), [], ZONES[:1], "prod") == []


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
    problems = data_problems(data, ["shop", "order"], ZONES, "prod")
    assert "data.queue.topics[2].publishers: 'live-interaction' is not a service of this stack; services are " \
           "order, shop" in problems
    assert any(p.startswith("data.database.databases[1].service: 'product'") for p in problems)


def test_multi_zone_needs_two_zones(data):
    problems = data_problems(data, SERVICES, ZONES[:1], "dev")
    assert "data.cache.multi_zone: needs a second zone in network.zones; add one or set it to false" in problems
    assert "data.database.multi_zone: needs a second zone in network.zones; add one or set it to false" in problems


def test_prod_keeps_protection_ha_and_encryption():
    s = settings(deletion_protection=False)
    raw = data_dict()
    raw["cache"] = {**raw["cache"], "multi_zone": False, "tls": False}
    raw["database"] = {**raw["database"], "nodes": 1, "tde": False}
    raw["queue"] = {**raw["queue"], "high_availability": False}
    problems = data_problems(DataSettings.model_validate({**raw, "deletion_protection": False}), SERVICES, ZONES,
                             "prod")
    assert data_problems(s, SERVICES, ZONES, "prod") == [
        "data.deletion_protection: prod must keep deletion protection on its queue, cache and database; set it to true"]
    for text in ("data.queue.high_availability: prod needs the cluster_ha edition",
                 "data.cache.multi_zone: prod must survive a zone outage",
                 "data.database.nodes: prod needs a read-only node",
                 "data.cache: prod encrypts data in transit and at rest",
                 "data.database: prod encrypts data in transit and at rest"):
        assert any(p.startswith(text) for p in problems), text
    # dev may do all of that.
    assert data_problems(DataSettings.model_validate({**raw, "deletion_protection": False}), SERVICES, ZONES,
                         "dev") == []


def test_dev_is_pay_as_you_go():
    raw = data_dict()
    raw["cache"] = {**raw["cache"], "billing": {"payment": "Subscription", "subscription_months": 12}}
    problems = data_problems(DataSettings.model_validate(raw), SERVICES, ZONES, "dev")
    assert problems == ["data.cache.billing.payment: dev is pay-as-you-go (a Subscription instance cannot be "
                        "destroyed by `pulumi destroy`); set it to PayAsYouGo"]
    assert data_problems(DataSettings.model_validate(raw), SERVICES, ZONES, "prod") == []


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
    problems = data_problems(data, SERVICES, ZONES, "prod", injected_env={"order": {"DB_PASSWORD", "LOG_LEVEL"}})
    assert problems == ["services.order: DB_PASSWORD is set by the data block (from what data declares); remove it "
                        "from env / env_secrets"]
