"""`livecommerce check`: the policy pack, offline, on a stack or a saved plan.

    livecommerce check STACK                        preview STACK, then evaluate it at its tier's levels
    livecommerce check --plan PLAN.json [--tier T]  evaluate a saved plan (levels of T, else the plan's
                                                    `tier`, else prod)

Levels follow the stack's tier (stacks/tiers.py): `check prod-sg` uses policies/config/prod.json.

Provider contracts (livecommerce.contracts) are evaluated first and shown apart: a contract violation is
something the provider or its API would refuse at `pulumi up`, whatever the policy levels.

Exit codes: 0 no mandatory violation, 1 a mandatory violation, an expired waiver or a contract violation,
2 unusable input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from livecommerce.console import make_console

from livecommerce.commands.clock import cli_now
from livecommerce.errors import UserError

DEFAULT_PLAN_TIER = "prod"


def check(
    env: str | None = typer.Argument(None, help="Stack to preview and check (dev, staging, prod, prod-sg, ...)."),
    plan_path: Path | None = typer.Option(None, "--plan", help="Check this saved plan (format v1) instead."),
    plan_env: str | None = typer.Option(
        None, "--tier", "--env", help="Tier whose levels apply to --plan (default: the plan's tier, else prod)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON (livecommerce.check/v1)."),
    waivers: Path | None = typer.Option(None, "--waivers", help="Waivers file (default: policies/waivers.yaml)."),
    stacks_dir: Path | None = typer.Option(None, "--stacks-dir", help="Folder of Pulumi.<env>.yaml (default stacks/)."),
    project_dir: Path | None = typer.Option(
        None, "--project-dir", help="Preview a stack of this Pulumi project (e.g. bootstrap), held to prod's levels."),
) -> None:
    """Evaluate the CrossGuard policy pack offline; exit 1 on any mandatory violation."""
    from livecommerce import checking
    from livecommerce.plan import load_plan

    if plan_path is not None and env is not None:
        raise UserError(
            f"check: give either STACK ({env}) or --plan, not both; use --tier to pick the levels for a plan"
        )
    if plan_path is None and env is None:
        raise UserError("check: missing STACK; run `livecommerce check prod` or `livecommerce check --plan PLAN.json`")
    if plan_path is not None and (stacks_dir is not None or project_dir is not None):
        raise UserError("check: --stacks-dir and --project-dir apply to STACK (a preview); a --plan is already built")
    if plan_path is None and plan_env is not None:
        raise UserError("check: --tier only applies to --plan; a stack's own tier picks its levels")
    moment = cli_now()  # waivers expire against it (LIVECOMMERCE_NOW rehearses a date)
    known = checking.environments()
    if plan_env is not None and plan_env not in known:
        raise UserError(f"policies/config/{plan_env}.json: unknown tier {plan_env!r}; use one of {', '.join(known)}")
    if plan_path is not None:
        plan = load_plan(plan_path)
        planned = plan.get("tier")
        tier = plan_env or (planned if isinstance(planned, str) else None) or DEFAULT_PLAN_TIER
    else:
        from livecommerce.engine import preview_stack  # lazy: previewing loads the whole program

        plan = preview_stack(env, stacks_dir, project_dir)  # type: ignore[arg-type]
        tier = plan["tier"]
    if tier not in known:
        raise UserError(f"policies/config/{tier}.json: unknown tier {tier!r}; use one of {', '.join(known)}")
    from livecommerce.contracts import check_plan, render_contracts

    # Provider contracts first: facts about what the providers accept, kept apart from the policy findings.
    contracts = check_plan(plan)
    report = checking.evaluate(plan, tier, waivers_path=waivers or checking.WAIVERS_PATH,
                               today=moment.date())
    if as_json:
        data = report.to_dict()
        data["contracts"] = contracts.to_dict()
        data["passed"] = data["passed"] and contracts.passed
        sys.stdout.write(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    else:
        console = make_console()
        render_contracts(contracts, console)
        checking.render_text(report, console)
    if report.failed or not contracts.passed:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.command("check")(check)
