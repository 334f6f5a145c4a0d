"""`livecommerce check`: the policy pack, offline, on a stack or a saved plan.

    livecommerce check ENV                         preview stack ENV, then evaluate it
    livecommerce check --plan PLAN.json [--env E]  evaluate a saved plan (levels of E, default prod)

Exit codes: 0 no mandatory violation, 1 a mandatory violation or an expired waiver, 2 unusable input.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from livecommerce.console import make_console

from livecommerce.commands.clock import cli_now
from livecommerce.errors import UserError

DEFAULT_PLAN_ENV = "prod"


def check(
    env: str | None = typer.Argument(None, help="Environment to preview and check: dev, staging or prod."),
    plan_path: Path | None = typer.Option(None, "--plan", help="Check this saved plan (format v1) instead."),
    plan_env: str | None = typer.Option(
        None, "--env", help="Enforcement levels for --plan (default: prod, the strictest)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON (livecommerce.check/v1)."),
    waivers: Path | None = typer.Option(None, "--waivers", help="Waivers file (default: policies/waivers.yaml)."),
    stacks_dir: Path | None = typer.Option(None, "--stacks-dir", help="Folder of Pulumi.<env>.yaml (default stacks/)."),
) -> None:
    """Evaluate the CrossGuard policy pack offline; exit 1 on any mandatory violation."""
    from livecommerce import checking
    from livecommerce.plan import load_plan

    if plan_path is not None and env is not None:
        raise UserError(
            f"check: give either ENV ({env}) or --plan, not both; use --env to pick the enforcement levels for a plan"
        )
    if plan_path is None and env is None:
        raise UserError("check: missing ENV; run `livecommerce check prod` or `livecommerce check --plan PLAN.json`")
    if plan_path is not None and stacks_dir is not None:
        raise UserError("check: --stacks-dir applies to ENV (a preview); a --plan is already built")
    if plan_path is None and plan_env is not None:
        raise UserError("check: --env only applies to --plan; the ENV argument already picks the levels")
    moment = cli_now()  # waivers expire against it (LIVECOMMERCE_NOW rehearses a date)
    known = checking.environments()
    target = env if env is not None else (plan_env or DEFAULT_PLAN_ENV)
    if target not in known:
        raise UserError(f"policies/config/{target}.json: unknown environment {target!r}; use one of {', '.join(known)}")

    if plan_path is not None:
        plan = load_plan(plan_path)
    else:
        from livecommerce.engine import preview_stack  # lazy: previewing loads the whole program

        plan = preview_stack(target, stacks_dir)
    report = checking.evaluate(plan, target, waivers_path=waivers or checking.WAIVERS_PATH, today=moment.date())
    if as_json:
        sys.stdout.write(checking.render_json(report))
    else:
        checking.render_text(report, make_console())
    if report.failed:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.command("check")(check)
