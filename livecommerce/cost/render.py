"""Text, JSON and one-line Markdown renderings of a `CostReport` (pure, deterministic)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from livecommerce.cost.model import CostReport, LineItem


def money(value: float) -> str:
    return f"{value:,.2f}"


def signed(value: float) -> str:
    return ("+" if value > 0 else "") + f"{value:,.2f}" if abs(value) >= 0.005 else "±0.00"


def to_json_text(report: CostReport) -> str:
    return json.dumps(report.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _rows(report: CostReport) -> list[tuple[str, str, str, str]]:
    elastic = {i.key: i for i in report.scenarios["elastic"].items}
    peak = {i.key: i for i in report.scenarios["peak_sized"].items}
    keys = list(elastic) + [k for k in peak if k not in elastic]
    rows = []
    for key in keys:
        e: LineItem | None = elastic.get(key)
        p: LineItem | None = peak.get(key)
        first = e or p
        label = first.description  # type: ignore[union-attr]
        if e is not None and p is not None and e.description != p.description:
            label = f"{e.row}: {e.detail} | {p.detail}"
        conf = (e or p).confidence  # type: ignore[union-attr]
        rows.append((label, money(e.cost) if e else "–", money(p.cost) if p else "–", conf))
    return rows


def render_text(report: CostReport) -> str:
    """The side-by-side table, totals, saving, then assumptions and notes."""
    head = (f"{report.env}: monthly cost for {report.month.label} ({report.month.hours} h), {report.currency}, "
            f"{report.region} list prices as of {report.as_of}")
    rows = [("item", "elastic", "peak_sized", "confidence"), *_rows(report)]
    rows.append(("total", money(report.elastic), money(report.peak_sized), ""))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [head, ""]
    for n, r in enumerate(rows):
        if n == len(rows) - 1 or n == 1:
            lines.append("  ".join("-" * w for w in widths))
        lines.append(f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}".rstrip())
    lines += ["", f"saving_percent: {report.saving_percent:g} (elastic against peak_sized)", "", "assumptions:"]
    lines += [f"  - {a}" for a in report.assumptions]
    if report.notes:
        lines += ["", "notes:"] + [f"  - {n}" for n in report.notes]
    return "\n".join(lines) + "\n"


def summary(report: CostReport, base: CostReport | None = None) -> dict[str, Any]:
    """The few figures the PR report and `compare` show (JSON-ready)."""
    out: dict[str, Any] = {"month": report.month.label, "currency": report.currency, "as_of": report.as_of,
                           "elastic": report.elastic, "peak_sized": report.peak_sized,
                           "saving_percent": report.saving_percent}
    if base is not None:
        out["base_elastic"] = base.elastic
        out["elastic_change"] = round(report.elastic - base.elastic, 2)
    return out


def report_line(s: Mapping[str, Any]) -> str:
    """`**Cost** (2027-11, CNY/month, list prices as of 2026-12-01): elastic **23,226.69** (+120.00 against the
    base), peak-sized 70,895.03, saving 67.2%` — one line of the PR report."""
    if "error" in s:
        return f"**Cost**: not available ({s['error']})"
    change = ""
    if "elastic_change" in s:
        change = f" ({signed(s['elastic_change'])} against the base)"
    elif s.get("base_error"):
        change = " (base plan not priced)"
    elif s.get("no_base"):
        change = " (no base plan)"
    return (f"**Cost** ({s['month']}, {s['currency']}/month, list prices as of {s['as_of']}): elastic "
            f"**{money(s['elastic'])}**{change}, peak-sized {money(s['peak_sized'])}, "
            f"saving {s['saving_percent']:g}% (`livecommerce cost` for the items)")


def compare_lines(a_env: str, a: Mapping[str, Any], b_env: str, b: Mapping[str, Any]) -> list[str]:
    """The cost difference between two environments (text)."""
    if "error" in a or "error" in b:
        why = a.get("error") or b.get("error")
        return [f"cost: not available ({why})"]
    unit = f"{a['currency']}/month, {a['month']}"
    return [
        f"cost ({unit}, list prices as of {min(a['as_of'], b['as_of'])}):",
        f"  elastic     {a_env} {money(a['elastic'])}  {b_env} {money(b['elastic'])}  "
        f"({signed(b['elastic'] - a['elastic'])})",
        f"  peak_sized  {a_env} {money(a['peak_sized'])}  {b_env} {money(b['peak_sized'])}  "
        f"({signed(b['peak_sized'] - a['peak_sized'])})",
        f"  saving      {a_env} {a['saving_percent']:g}%  {b_env} {b['saving_percent']:g}%",
    ]
