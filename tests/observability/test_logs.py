"""The LogProject component (SLS project, logstores, indexes) built alone, and its pure store plan."""

from __future__ import annotations

import pytest

from components.naming import naming_for
from components.observability.logs import LogProject, LogProjectArgs, store_specs
from components.observability.naming import sls_names
from components.observability.settings import LogSettings
from livecommerce.engine import record
from tests.observability.helpers import of, one

NAMING = naming_for("t")

TAGS = {"env": "t", "owner": "team"}


def build(settings=None):
    s = settings or LogSettings(retention_days=30, shard_count=4)
    return record(lambda: LogProject("t-logs", LogProjectArgs(naming=NAMING, settings=s, tags=TAGS)))


def test_store_plan_uses_the_shared_names():
    project, specs = store_specs(naming_for("prod", "cn-hangzhou"), LogSettings())
    assert (project, {s.key: s.name for s in specs}) == sls_names(naming_for("prod", "cn-hangzhou"))
    assert {s.key for s in specs} == {"application", "transcoder"}
    assert all(s.retention_days == 180 for s in specs)


def test_project_prefix_is_validated_into_a_legal_name():
    project, _ = store_specs(naming_for("prod", "cn-hangzhou"), LogSettings(project_prefix="acme-live"))
    assert project == "acme-live-prod-cn-hangzhou"
    with pytest.raises(ValueError, match="shorten the prefix"):
        sls_names(naming_for("prod", "cn-hangzhou"), prefix="x" * 60)


def test_project_stores_and_indexes_are_children_with_retention():
    plan = build()
    comp = one(plan, "livecommerce:observability:LogProject")
    project = one(plan, "alicloud:log/project:Project")
    assert project["parent"] == comp["urn"] and project["inputs"]["projectName"] == "livecommerce-t-cn-hangzhou"
    assert project["inputs"]["tags"] == TAGS
    stores = {s["name"]: s for s in of(plan, "alicloud:log/store:Store")}
    assert set(stores) == {"t-logs-application", "t-logs-transcoder"}
    app = stores["t-logs-application"]["inputs"]
    assert app["logstoreName"] == "app-logs" and app["retentionPeriod"] == 30
    assert app["autoSplit"] is True and app["shardCount"] == 4 and app["maxSplitShardCount"] == 64
    assert app["enableWebTracking"] is False
    fn = stores["t-logs-transcoder"]["inputs"]
    assert fn["logstoreName"] == "fc-transcoder" and fn["autoSplit"] is False
    for s in stores.values():
        assert s["propertyDependencies"]["projectName"] == [project["urn"]] and s["parent"] == comp["urn"]


def test_indexes_on_the_fields_people_query():
    plan = build()
    idx = {i["name"]: i["inputs"] for i in of(plan, "alicloud:log/storeIndex:StoreIndex")}
    app = {f["name"]: f["type"] for f in idx["t-logs-application-index"]["fieldSearches"]}
    assert {"level", "service", "traceId", "status", "latency_ms"} <= set(app)
    assert app["status"] == "long" and app["latency_ms"] == "long"
    fn = {f["name"] for f in idx["t-logs-transcoder-index"]["fieldSearches"]}
    assert {"requestId", "key", "decision", "reason"} <= fn
