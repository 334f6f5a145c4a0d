"""The environment's SLS project: application logs, function logs, and the cluster's control-plane
and audit logs.

Created BEFORE the ACK cluster: the cluster is given this project for its control-plane components'
logs and its audit log. ACK creates those logstores itself inside the project (one per control-plane
component plus `audit-<cluster id>`; names depend on the cluster id, so pre-creating them here would
collide with ACK), with the TTL the cluster is given (`cluster.control_plane_log_ttl_days`). This
component creates the stores the platform writes to directly: application logs (loongcollector from
the pods' stdout) and the transcoding function's logs, with field indexes on what people query.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_alicloud as alicloud

from components.naming import Naming
from components.observability.naming import sls_names
from components.observability.settings import LogSettings

#: Indexed fields per logstore key: (field, type). Types are SLS index types (text, long, double).
#: Chosen from what on-call people filter by: a service's errors, one trace, one slow path; one
#: replay's transcode by its object key or request id.
INDEXED_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "application": (
        ("level", "text"), ("service", "text"), ("version", "text"), ("namespace", "text"), ("pod", "text"),
        ("traceId", "text"), ("path", "text"), ("status", "long"), ("latency_ms", "long"), ("message", "text"),
    ),
    "transcoder": (
        ("decision", "text"), ("requestId", "text"), ("bucket", "text"), ("key", "text"), ("status", "text"),
        ("reason", "text"), ("detail", "text"),
    ),
}
#: Stores that grow with traffic split automatically; the function's is small.
BUSY_STORES = {"application"}
TOKENS = [" ", ",", ";", ":", "=", "/", "?", "&", "[", "]", "{", "}", "(", ")", "\"", "'", "\n", "\t"]


@dataclass(frozen=True)
class StoreSpec:
    """One logstore to create."""

    key: str
    name: str
    retention_days: int
    shard_count: int
    auto_split: bool
    fields: tuple[tuple[str, str], ...]


def store_specs(naming: Naming, s: LogSettings) -> tuple[str, list[StoreSpec]]:
    """The project name and the logstores (in key order) of this stack."""
    project, stores = sls_names(naming, prefix=s.project_prefix)
    specs = []
    for key in sorted(stores):
        busy = key in BUSY_STORES
        specs.append(StoreSpec(key=key, name=stores[key], retention_days=s.retention_days,
                               shard_count=s.shard_count if busy else 2, auto_split=busy,
                               fields=INDEXED_FIELDS.get(key, ())))
    return project, specs


@dataclass(frozen=True, kw_only=True)
class LogProjectArgs:
    """Inputs of the LogProject component."""

    naming: Naming
    """How the stack names its objects (the project is `<prefix>-<stack>-<region>`)."""
    settings: LogSettings
    tags: Mapping[str, str]


class LogProject(pulumi.ComponentResource):
    """The SLS project of one stack with its logstores and their indexes."""

    project_name: pulumi.Output[str]
    """The SLS project (give it to the cluster for control-plane and audit logs)."""
    logstores: dict[str, pulumi.Output[str]]
    """Logstore names by key (`application`, `transcoder`)."""

    def __init__(self, name: str, args: LogProjectArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:observability:LogProject", name, None, opts)
        s = args.settings
        project_name, specs = store_specs(args.naming, s)
        child = pulumi.ResourceOptions(parent=self)
        project = alicloud.log.Project(
            f"{name}-project", project_name=project_name,
            description=f"{args.naming.title}: application, function, control-plane and audit logs",
            tags=dict(args.tags), opts=child)
        self.logstores = {}
        for spec in specs:
            store = alicloud.log.Store(
                f"{name}-{spec.key}", project_name=project.project_name, logstore_name=spec.name,
                retention_period=spec.retention_days, shard_count=spec.shard_count,
                auto_split=spec.auto_split, max_split_shard_count=s.max_shard_count if spec.auto_split else None,
                # Anonymous web tracking would let anyone write into the store (policy SLS-02).
                enable_web_tracking=False, append_meta=True, opts=child)
            if spec.fields:
                alicloud.log.StoreIndex(
                    f"{name}-{spec.key}-index", project=project.project_name, logstore=store.logstore_name,
                    full_text=alicloud.log.StoreIndexFullTextArgs(case_sensitive=False, token="".join(TOKENS)),
                    field_searches=[
                        alicloud.log.StoreIndexFieldSearchArgs(
                            name=field, type=kind, enable_analytics=True,
                            token="".join(TOKENS) if kind == "text" else None)
                        for field, kind in spec.fields
                    ],
                    opts=child)
            self.logstores[spec.key] = store.logstore_name
        self.project_name = project.project_name
        self.register_outputs({"project_name": self.project_name, "logstores": self.logstores})
