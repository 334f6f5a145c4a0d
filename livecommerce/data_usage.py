"""Which service uses what of the data layer, read from a plan (pure): every ConfigMap the data block gives a
service (label `livecommerce.io/data-binding`), its keys, and the cloud resources its values come from.

`livecommerce preview` prints it after the coverage table; `usage(plan)` returns the rows for other tools.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table

BINDING_LABEL = "livecommerce.io/data-binding"
CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
_PRODUCTS = (("queue", "ROCKETMQ_"), ("cache", "REDIS_"), ("database", "DB_"))


def usage(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per service: namespace, what it uses (topics, groups, databases), and the resources feeding it."""
    by_urn = {r["urn"]: r for r in plan.get("resources", [])}
    rows = []
    for res in plan.get("resources", []):
        if res.get("type") != CONFIG_MAP:
            continue
        meta = (res.get("inputs") or {}).get("metadata") or {}
        service = (meta.get("labels") or {}).get(BINDING_LABEL)
        if not service:
            continue
        data = (res.get("inputs") or {}).get("data") or {}
        uses = [p for p, prefix in _PRODUCTS if any(k.startswith(prefix) for k in data)]
        topics = sorted(str(v) for k, v in data.items() if k.startswith("ROCKETMQ_TOPIC_"))
        groups = sorted(str(v) for k, v in data.items() if k.startswith("ROCKETMQ_GROUP_"))
        databases = sorted({str(v) for k, v in data.items() if k.startswith("DB_NAME_")})
        feeders = sorted({by_urn[u]["name"] for deps in (res.get("propertyDependencies") or {}).values()
                          for u in deps if u in by_urn and by_urn[u].get("custom")})
        rows.append({"service": service, "namespace": meta.get("namespace"), "uses": uses, "topics": topics,
                     "groups": groups, "databases": databases, "from": feeders})
    return sorted(rows, key=lambda r: r["service"])


def render_text(rows: list[dict[str, Any]], console: Console) -> None:
    """The preview's table; nothing when the stack has no data layer."""
    if not rows:
        return
    table = Table(title="Data layer: who uses what", title_justify="left")
    for column in ("service", "namespace", "uses", "topics / groups", "databases"):
        table.add_column(column, overflow="fold")
    for r in rows:
        mq = ", ".join(r["topics"]) + (f" / {', '.join(r['groups'])}" if r["groups"] else "")
        table.add_row(r["service"], str(r["namespace"]), ", ".join(r["uses"]), mq, ", ".join(r["databases"]))
    console.print(table)
