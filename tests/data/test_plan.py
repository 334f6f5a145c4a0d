"""Pure decisions of the data block: names, credentials, ACL grants, retry policies, instance arguments."""

from __future__ import annotations

import pulumi_alicloud as alicloud
import pytest
from hypothesis import given
from hypothesis import strategies as st

from components.data import plan as P
from components.naming import naming_for
from components.data.settings import BillingSettings

from .conftest import TAGS, ZONES, settings


def test_credentials_one_per_service_and_product(data):
    got = [(c.service, c.product, c.username) for c in P.credentials(data)]
    assert got == [
        ("live-interaction", "queue", "live-interaction"), ("live-interaction", "cache", "live_interaction"),
        ("order", "queue", "order"), ("order", "database", "order"),
        ("product", "queue", "product"), ("product", "cache", "product"), ("product", "database", "product"),
        ("shop", "queue", "shop"), ("shop", "cache", "shop"), ("shop", "database", "shop"),
    ]
    assert P.secret_name(naming_for("prod"), "order", "database") == "livecommerce/prod/order/database"
    assert P.secret_name(naming_for("prod-sg"), "order", "database") == "livecommerce/prod-sg/order/database"


def test_acl_grants_are_least_privilege(data):
    grants = {(g.service, g.resource_type, g.resource): g.actions for g in P.acl_grants(data.queue)}
    assert grants == {
        ("live-interaction", "Topic", "live-comments"): ("Pub",),
        ("order", "Topic", "order-events"): ("Pub",),
        ("order", "Topic", "order-timeouts"): ("Pub", "Sub"),
        ("order", "Group", "order-order-timeouts"): ("Sub",),
        ("product", "Topic", "live-comments"): ("Sub",),
        ("product", "Group", "product-comments"): ("Sub",),
        ("shop", "Topic", "order-events"): ("Sub",),
        ("shop", "Group", "shop-order-events"): ("Sub",),
    }
    # Nobody reads or writes the dead-letter topics through the services' accounts.
    assert not [g for g in P.acl_grants(data.queue) if g.resource.endswith("-dlq")]


def test_retry_policy_matches_the_delivery_order(data):
    q = data.queue
    fifo, delay, plain = q.consumers
    assert P.consumer_inputs(q, fifo) == {
        "consumer_group_id": "shop-order-events", "delivery_order_type": "Orderly",
        "consume_retry_policy": {"retry_policy": "FixedRetryPolicy", "max_retry_times": 16,
                                 "dead_letter_target_topic": "shop-order-events-dlq"},
        "remark": "consumer group of shop"}
    assert P.consumer_inputs(q, delay)["delivery_order_type"] == "Concurrently"
    assert P.consumer_inputs(q, delay)["consume_retry_policy"]["retry_policy"] == "DefaultRetryPolicy"
    assert "dead_letter_target_topic" not in P.consumer_inputs(q, plain)["consume_retry_policy"]
    assert P.topic_types(q) == {"order-events": "FIFO", "order-timeouts": "DELAY", "live-comments": "NORMAL",
                                "shop-order-events-dlq": "NORMAL", "order-order-timeouts-dlq": "NORMAL"}


def test_queue_instance_is_private_and_authenticated(data):
    args = P.queue_instance_inputs(naming_for("prod"), data.queue)
    assert args["service_code"] == "rmq" and args["series_code"] == "professional"
    assert args["sub_series_code"] == "cluster_ha" and args["payment_type"] == "PayAsYouGo"
    assert args["acl_info"] == {"acl_types": ["apache_acl"], "default_vpc_auth_free": False}
    assert P.PRIVATE_INTERNET_INFO == {"internet_spec": "disable", "flow_out_type": "uninvolved"}
    assert "period" not in args


def test_subscription_periods():
    assert P.period(BillingSettings(payment="Subscription", subscription_months=3)) == (3, "Month")
    assert P.period(BillingSettings(payment="Subscription", subscription_months=24)) == (2, "Year")
    q = settings().queue.model_copy(update={"billing": BillingSettings(payment="Subscription",
                                                                       subscription_months=12)})
    args = P.queue_instance_inputs(naming_for("prod"), q)
    assert (args["period"], args["period_unit"], args["auto_renew"]) == (1, "Year", True)


def test_vpc_endpoint_picks_the_vpc_one():
    endpoints = [{"endpoint_type": "TCP_INTERNET", "endpoint_url": "pub:8080"},
                 alicloud.rocketmq.outputs.RocketMQInstanceNetworkInfoEndpoint(endpoint_type="TCP_VPC",
                                                                               endpoint_url="vpc:8080")]
    assert P.vpc_endpoint(endpoints) == "vpc:8080"
    assert P.vpc_endpoint(None) == ""


def test_cache_instance(data):
    args = P.cache_instance_inputs(naming_for("prod"), data.cache, ZONES)
    assert args["zone_id"] == "cn-hangzhou-h" and args["secondary_zone_id"] == "cn-hangzhou-i"
    assert (args["ssl_enabled"], args["tde_status"], args["vpc_auth_mode"]) == ("Enable", "enabled", "Open")
    assert args["node_type"] == "MASTER_SLAVE"
    single = data.cache.model_copy(update={"multi_zone": False, "high_availability": False, "tde": False,
                                           "tls": False})
    args = P.cache_instance_inputs(naming_for("dev"), single, ZONES[:1])
    assert "secondary_zone_id" not in args and "tde_status" not in args
    assert (args["node_type"], args["ssl_enabled"]) == ("STAND_ALONE", "Disable")
    assert P.cache_backup_inputs(data.cache)["backup_time"] == "18:00Z-19:00Z"


def test_tair_gets_at_most_five_tags_cost_first():
    assert P.limit_tags({**TAGS, "role": "cache"}, 5) == {
        "env": "prod", "owner": "live-platform", "cost-center": "cc-live-prod", "project": "livecommerce",
        "managed-by": "pulumi"}


@given(st.dictionaries(st.text("abcdefgh-", min_size=1, max_size=6), st.text(max_size=3), max_size=12),
       st.integers(min_value=0, max_value=12))
def test_limit_tags_is_a_stable_subset(tags, most):
    got = P.limit_tags(tags, most)
    assert len(got) == min(most, len(tags))
    assert all(tags[k] == v for k, v in got.items())
    assert P.limit_tags(dict(reversed(list(tags.items()))), most) == got


def test_database_cluster(data):
    args = P.database_cluster_inputs(naming_for("prod"), data.database, ZONES, deletion_protection=True)
    assert args["deletion_lock"] == 1 and args["pay_type"] == "PostPaid"
    assert (args["hot_standby_cluster"], args["standby_az"]) == ("ON", "cn-hangzhou-i")
    assert (args["tde_status"], args["encrypt_new_tables"]) == ("Enabled", "ON")
    assert (args["db_node_class"], args["db_node_count"]) == ("polar.mysql.x4.large", 2)
    dev = data.database.model_copy(update={"serverless": True, "multi_zone": False})
    args = P.database_cluster_inputs(naming_for("dev"), dev, ZONES[:1], deletion_protection=False)
    assert (args["db_node_class"], args["serverless_type"], args["scale_min"], args["scale_max"]) == (
        "polar.mysql.sl.small", "AgileServerless", 1, 4)
    assert args["deletion_lock"] == 0 and args["hot_standby_cluster"] == "OFF" and "standby_az" not in args
    prepaid = data.database.model_copy(update={"billing": BillingSettings(payment="Subscription")})
    # The lock cannot be switched on a prepaid cluster: the argument is left out rather than refused.
    assert "deletion_lock" not in P.database_cluster_inputs(naming_for("prod"), prepaid, ZONES,
                                                            deletion_protection=True)


def test_privileges_owner_writes_readers_read(data):
    assert P.privileges(data.database) == {("order", "ReadWrite"): ["orders"], ("product", "ReadWrite"): ["catalog"],
                                           ("shop", "ReadOnly"): ["orders"]}
    backup = P.database_backup_inputs(data.database)
    assert backup["preferred_backup_time"] == "18:00Z-19:00Z"
    assert backup["backup_retention_policy_on_cluster_deletion"] == "ALL"


@pytest.mark.parametrize("start,end", [("18:00", "19:00"), ("23:00", "00:00")])
def test_one_hour_windows(start, end):
    assert P._plus_hour(start) == end
