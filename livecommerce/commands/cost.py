"""`livecommerce cost ENV`: what the stack and its live-event calendar cost for a month, elastic (ECS + ECI)
against ECS sized for the peak. The model is pure (livecommerce/cost/); this module loads, calls, writes."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import typer

from livecommerce.errors import UserError
from livecommerce.plan import load_plan, write_text_atomic


def _month(text: str | None):
    from livecommerce.cost import Month, default_month

    if text is None:
        # The current month in UTC (docs/cost.md, "Which month"), on the CLI's clock (LIVECOMMERCE_NOW moves it).
        from livecommerce.commands.clock import cli_now

        return default_month(cli_now().astimezone(dt.UTC).date())
    try:
        return Month.parse(text)
    except ValueError as exc:
        raise UserError(f"--month: {exc}") from None


def cost(
    env: str | None = typer.Argument(None, help="Environment (stack) to price: dev, staging or prod."),
    plan_path: Path | None = typer.Option(None, "--plan", help="Price a saved plan (format v1) instead of "
                                          "previewing; usage volumes come from ENV's (or the plan stack's) file."),
    json_path: str | None = typer.Option(None, "--json", metavar="[FILE]",
                                         help="Write the JSON to FILE; `--json` alone (or `--json -`) prints "
                                              "it instead of the table."),
    month: str | None = typer.Option(None, "--month", help="Month to price, YYYY-MM (default: the current "
                                     "month, UTC)."),
    stacks_dir: Path | None = typer.Option(None, "--stacks-dir", help="Stack files directory (default stacks/)."),
    prices: Path | None = typer.Option(None, "--prices", help="Use this price table instead of "
                                       "livecommerce/cost/prices/<region>.yaml."),
    refresh_prices: bool = typer.Option(False, "--refresh-prices", help="Re-price the plan's ECS instance "
                                        "types from the pricing API (needs ALIBABA_CLOUD_* credentials) and "
                                        "rewrite the table first."),
) -> None:
    """Monthly cost of ENV: elastic (steady ECS + ECI bursts) against ECS sized for the peak, with items,
    totals, saving_percent and the assumptions."""
    from livecommerce.cost import estimate, usage_for
    from livecommerce.cost.render import render_text, to_json_text

    the_month = _month(month)
    if plan_path is not None:
        plan = load_plan(plan_path)
        name = env or str(plan.get("stack") or "")
        usage = usage_for(name, stacks_dir, required=env is not None)
    elif env:
        from livecommerce.engine import run_preview

        plan = run_preview(env, stacks_dir).plan
        name = env
        usage = usage_for(env, stacks_dir, required=True)
    else:
        raise UserError("cost: give an environment (`livecommerce cost prod`) or a plan (`--plan plan.json`)")
    if refresh_prices:
        _refresh(plan, usage, prices)
    report = estimate(plan, the_month, usage, env=name or None, prices=prices)
    if json_path is not None and json_path != "-":
        write_text_atomic(json_path, to_json_text(report))
    if json_path == "-":
        sys.stdout.write(to_json_text(report))
    else:
        sys.stdout.write(render_text(report))
        if json_path is not None:
            typer.echo(f"cost written to {json_path}")


def _refresh(plan, usage, prices: Path | None) -> None:
    from livecommerce.cost import _table
    from livecommerce.cost.model import instance_types_of
    from livecommerce.cost.prices import write_table
    from livecommerce.cost.refresh import refresh_ecs

    loaded = _table(plan, usage, prices, None)
    types = instance_types_of([plan])
    table, changes = refresh_ecs(loaded.table, types, loaded.table.region, dt.datetime.now(dt.UTC).date())
    write_table(loaded, table)
    for line in changes:
        typer.echo(f"refreshed {line}", err=True)
    typer.echo(f"{loaded.shown}: {len(changes)} ECS prices refreshed from the pricing API", err=True)


def normalize_argv(args: list[str]) -> list[str]:
    """`livecommerce cost prod --json` (no file) means `--json -`: the option's value is optional, which
    typer cannot declare, so a bare `--json` (last, or followed by another option) gets the `-` here."""
    if not args or args[0] != "cost":
        return args
    out = []
    for i, arg in enumerate(args):
        out.append(arg)
        if arg == "--json" and (i + 1 == len(args) or args[i + 1].startswith("-") and args[i + 1] != "-"):
            out.append("-")
    return out


def register(app: typer.Typer) -> None:
    app.command("cost")(cost)
