"""The cost of elasticity, priced: a stack's plan and live-event calendar for a month, two scenarios.

* `facts.py`: what the plan says about capacity (pools, pods, placement, HPA, CronHPA jobs);
* `calendar.py`: CronHPA jobs as replica counts over time;
* `prices.py` + `prices/<region>.yaml`: the dated, sourced price tables;
* `model.py`: the `elastic` and `peak_sized` scenarios, line items, totals, assumptions;
* `render.py`: text, JSON, and the one-liners the PR report and `compare` show;
* `refresh.py`: ECS prices from the pricing API (`--refresh-prices`);
* `stacks/cost_settings.py`: the usage volumes a plan cannot hold (`livecommerce:platform.cost`), a part
  of the stack config model (stacks/ never imports livecommerce/).

`estimate(...)` below is what the CLI, the report and `compare` call. See docs/cost.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from livecommerce.cost.calendar import Month
from livecommerce.cost.facts import PlanFactError, region_of
from livecommerce.cost.model import CostReport, MissingPrices, price_plan
from livecommerce.cost.prices import LoadedTable, load_region, load_table, shown_path
from stacks.cost_settings import CostSettings
from livecommerce.errors import UserError

__all__ = ["CostReport", "CostSettings", "Month", "MissingPrices", "Usage", "cost_summary", "default_month",
           "estimate", "usage_for"]


@dataclass(frozen=True)
class Usage:
    settings: CostSettings
    source: str
    """Where the volumes came from (`stacks/Pulumi.prod.yaml: livecommerce:platform.cost`) or why defaults."""
    region: str | None = None


def default_month(today: dt.date) -> Month:
    """The month `livecommerce cost` prices without `--month`: the current month in UTC. Pricing any month
    works (a month without events simply has no burst), so the date can change the figures, never break them."""
    return Month.of(today)


def usage_for(env: str, stacks_dir: Path | None = None, *, required: bool = False) -> Usage:
    """The `cost` section of `stacks/Pulumi.<env>.yaml`, validated with the whole stack config.

    No such stack file: defaults (all volumes 0), unless `required`, then the engine's "no such stack" error.
    """
    from livecommerce import engine
    from stacks.config import CONFIG_KEY, REGION_KEY, ConfigError, check_stack_config

    d = stacks_dir or engine.DEFAULT_STACKS_DIR
    if not (d / f"Pulumi.{env}.yaml").is_file() and not required:
        return Usage(CostSettings(), f"no stack file for {env!r}: usage volumes default to 0")
    sf = engine.read_stack_file(env, stacks_dir)
    shown = shown_path(sf.path)
    try:
        cfg = check_stack_config(sf.config, env, shown)
    except ConfigError as exc:
        raise UserError(*exc.lines) from None
    return Usage(cfg.cost, f"{shown}: {CONFIG_KEY}.cost", sf.config.get(REGION_KEY))


def _table(plan: Mapping[str, Any], usage: Usage, prices: Path | None, prices_dir: Path | None) -> LoadedTable:
    if prices is not None:
        return load_table(prices)
    region = region_of([r for r in plan.get("resources") or [] if isinstance(r, Mapping)]) or usage.region
    if not region:
        raise UserError("the plan has no alicloud provider with a region, and no stack file names one; "
                        "pass --prices FILE")
    return load_region(region, prices_dir)


def estimate(plan: Mapping[str, Any], month: Month, usage: Usage, *, env: str | None = None,
             prices: Path | None = None, prices_dir: Path | None = None) -> CostReport:
    """Price `plan` for `month` with `usage`; UserError (exit 2) for gaps in the table or unreadable plans."""
    loaded = _table(plan, usage, prices, prices_dir)
    try:
        report = price_plan(plan, loaded, usage.settings, month, env=env)
    except PlanFactError as exc:
        raise UserError(f"plan {plan.get('stack', '?')}: {exc}; fix the plan file or rebuild it with "
                        "`livecommerce preview ENV --json PATH`") from None
    return CostReport(**{**report.__dict__, "assumptions": (f"Usage volumes: {usage.source}.", *report.assumptions)})


def cost_summary(plan: Mapping[str, Any], *, env: str, month: Month, stacks_dir: Path | None = None,
                 base: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The PR report's and `compare`'s cost figures for one environment (elastic, peak-sized, saving, and
    the change against `base`), or `{"error": ...}`: a cost gap must not stop a review. The base plan is
    priced with the same usage volumes and prices, so the change is the plan's alone."""
    from livecommerce.cost.render import summary

    try:
        usage = usage_for(env, stacks_dir)
        report = estimate(plan, month, usage, env=env)
    except UserError as exc:
        return {"error": "; ".join(exc.lines)}
    base_report = None
    base_error = None
    if base is not None:
        try:
            base_report = estimate(base, month, usage, env=env)
        except UserError as exc:
            base_error = "; ".join(exc.lines)
    out = summary(report, base_report)
    if base is None:
        out["no_base"] = True
    if base_error:
        out["base_error"] = base_error
    return out
