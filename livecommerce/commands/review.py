"""`livecommerce diff | report | compare | graph`: reviewing changes, from plans built on the fly or saved.

Plans for an environment come from the offline engine (`livecommerce.engine.preview_stack`), or from
saved plan files (`--plan-dir DIR` reads `DIR/<env>.json`; `diff`, `compare --plans` and `graph --plan`
take files). The pure work is in `livecommerce.review`; this module only loads, calls and writes.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import sys
from pathlib import Path
from typing import Any

import typer

from livecommerce.commands.clock import cli_now
from livecommerce.errors import UserError
from livecommerce.plan import check_output_path, load_plan, write_text_atomic
from livecommerce.review import compare as compare_mod
from livecommerce.review import diff as diff_mod
from livecommerce.review import graph as graph_mod
from livecommerce.review import report as report_mod
from livecommerce.review import state as state_mod


def _optional(module: str) -> Any | None:
    """Import a sibling feature module if this checkout has it (policy checks, coverage)."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    if value not in allowed:
        raise UserError(f"{option}: {value!r} is not one of {', '.join(allowed)}")
    return value


def env_plan(env: str, plan_dir: Path | None = None, stacks_dir: Path | None = None) -> dict[str, Any]:
    """The plan of one environment: from `plan_dir/<env>.json` when given, else built offline."""
    if plan_dir is not None:
        return plan_for(load_plan(plan_dir / f"{env}.json"), env, plan_dir / f"{env}.json")
    engine = _optional("livecommerce.engine")
    if engine is None or not hasattr(engine, "preview_stack"):
        raise UserError(f"{env}: the offline engine (livecommerce/engine.py) is not available; "
                        "pass saved plans with --plan-dir DIR (DIR/<env>.json)")
    return engine.preview_stack(env, stacks_dir)


def plan_for(plan: dict[str, Any], env: str, path: Path, project: str | None = None) -> dict[str, Any]:
    """`plan` read from `path` as the plan of `env` (and `project`): refuse another stack's or project's plan,
    which would match no URN and turn every resource into a fake delete plus create."""
    if plan["stack"] != env or (project is not None and plan["project"] != project):
        wanted = f"stack {env!r}" + (f" of project {project!r}" if project is not None else "")
        raise UserError(f"{path}: is the plan of stack {plan['stack']!r} of project {plan['project']!r}, not "
                        f"{wanted}; build it with `livecommerce preview {env} --json {path}`")
    return plan


def policy_result(plan: dict[str, Any], env: str) -> report_mod.PolicyResult:
    """Policy findings through `livecommerce.checking.evaluate`, or why there are none."""
    checking = _optional("livecommerce.checking")
    if checking is None or not hasattr(checking, "evaluate"):
        return report_mod.PolicyResult(False, (), "livecommerce.checking is not available in this checkout")
    try:
        tier = plan.get("tier")  # the stack's tier picks the levels (a `qa` stack of tier dev has no qa.json)
        result = checking.evaluate(plan, tier if isinstance(tier, str) else env, today=cli_now().date())
    except UserError as err:  # e.g. no policy configuration for this environment
        return report_mod.PolicyResult(False, (), "; ".join(err.lines))
    return report_mod.adapt_policy_report(result)


def as_mapping(value: Any) -> dict[str, Any] | None:
    """A coverage result as plain JSON data, whatever shape the coverage module returns."""
    if value is None or isinstance(value, dict):
        return value
    for method in ("to_dict", "model_dump", "as_dict", "to_json"):
        if callable(getattr(value, method, None)):
            out = getattr(value, method)()
            return json.loads(out) if isinstance(out, str) else dict(out)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return {"value": str(value)}


def coverage_of(plan: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
    """`livecommerce.coverage.coverage(plan)` as a mapping, or None and why."""
    mod = _optional("livecommerce.coverage")
    if mod is None or not hasattr(mod, "coverage"):
        return None, "not available (livecommerce.coverage is not in this checkout)"
    return as_mapping(mod.coverage(plan)), ""


def cost_of(plan: dict[str, Any], env: str, stacks_dir: Path | None, month: str | None,
            base: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """`livecommerce.cost.cost_summary` for the report and `compare`, or None without the cost model."""
    cost = _optional("livecommerce.cost")
    if cost is None:
        return None
    from livecommerce.commands.cost import _month

    return cost.cost_summary(plan, env=env, month=_month(month), stacks_dir=stacks_dir, base=base)


# --------------------------------------------------------------------------------------------------
# Commands


def diff(
    old: Path = typer.Argument(..., help="The plan before the change (format v1 JSON), or a `pulumi stack export` "
                                         "file: the state really recorded."),
    new: Path = typer.Argument(..., help="The plan after the change."),
    fmt: str = typer.Option("text", "--format", help="text, markdown or json."),
    json_path: Path | None = typer.Option(None, "--json", help="Also write the diff as JSON to this file."),
) -> None:
    """What changes from OLD_PLAN to NEW_PLAN: creates, updates, replaces, deletes; dangers first."""
    _choice(fmt, ("text", "markdown", "json"), "--format")
    if json_path is not None:
        check_output_path(json_path, "--json")
    notes: list[str] = []
    old_plan, new_plan = state_mod.load_plan_or_export(old, notes), load_plan(new)
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if old_plan["project"] != new_plan["project"]:
        print(f"note: {old} is project {old_plan['project']!r} and {new} is project {new_plan['project']!r}; "
              "URNs embed the project, so every resource shows as a delete plus a create", file=sys.stderr)
    elif old_plan.get("stack") != new_plan.get("stack"):
        # Resources match by URN, which embeds the stack: across stacks everything is a delete + create.
        print(f"note: {old} is stack {old_plan.get('stack')!r} and {new} is stack {new_plan.get('stack')!r}; "
              f"to compare environments use `livecommerce compare {old_plan.get('stack')} {new_plan.get('stack')}`",
              file=sys.stderr)
    d = diff_mod.diff_plans(old_plan, new_plan)
    if json_path is not None:
        write_text_atomic(json_path, report_mod.to_json_text(d.to_json()))
    if fmt == "json":
        sys.stdout.write(report_mod.to_json_text(d.to_json()))
    elif fmt == "markdown":
        sys.stdout.write(report_mod.diff_markdown(d, str(old)))
    else:
        sys.stdout.write(diff_mod.render_text(d))


def report(
    envs: list[str] = typer.Argument(..., help="Environments, in order (e.g. dev staging prod)."),
    out: Path = typer.Option(..., "--out", help="Where to write the Markdown report."),
    base_dir: Path | None = typer.Option(
        None, "--base-dir", help="Base plans to diff against: DIR/<env>.json (e.g. built from the PR's base "
                                 "commit with `livecommerce preview ENV --json before/ENV.json`), or "
                                 "`pulumi stack export` files of the same names."),
    plan_dir: Path | None = typer.Option(
        None, "--plan-dir", help="Read the new plans from DIR/<env>.json instead of building them."),
    stacks_dir: Path | None = typer.Option(None, "--stacks-dir", help="Stack files directory (default stacks/)."),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Where to write the full JSON (default: <out stem>-data/ next to --out)."),
    artifact: str | None = typer.Option(None, "--artifact", help="CI artifact name holding the JSON, "
                                                                     "to mention in the report."),
    no_base: list[str] = typer.Option(
        [], "--no-base", help="An environment without a base plan in --base-dir (new in this change, or the "
                              "base commit cannot build it): reported as a full inventory. Repeatable."),
    cost_month: str | None = typer.Option(None, "--cost-month", help="Month the cost lines price, YYYY-MM "
                                          "(default: the current month, UTC)."),
) -> None:
    """One Markdown report for several environments: summary, dangers, diffs, policies, coverage, graph."""
    if base_dir is not None and not base_dir.is_dir():
        raise UserError(f"{base_dir}: --base-dir is not a directory; create it with the base plans "
                        f"(`livecommerce preview ENV --json {base_dir}/ENV.json`) or leave it out")
    if len(set(envs)) != len(envs):
        raise UserError(f"report: environments listed twice: {' '.join(envs)}")
    stray = [e for e in no_base if e not in envs]
    if stray:
        raise UserError(f"--no-base {stray[0]}: {stray[0]!r} is not one of the reported environments "
                        f"({' '.join(envs)})")
    check_output_path(out, "--out")
    if data_dir is None and _is_special(out):
        raise UserError(f"--out {out}: is not a regular file, so there is no folder beside it for the full "
                        "JSON; give --data-dir DIR too")
    items = []
    for env in envs:
        plan = env_plan(env, plan_dir, stacks_dir)
        base, source = None, ""
        if base_dir is not None:
            path = base_dir / f"{env}.json"
            if env in no_base:
                if path.exists():
                    raise UserError(f"{path}: a base plan exists, but --no-base {env} says there is none; "
                                    f"drop --no-base {env} or remove the file")
            elif not path.exists():
                raise UserError(f"{path}: no base plan for {env}; build it on the base commit with "
                                f"`livecommerce preview {env} --json {path}`, or pass --no-base {env} to "
                                "report it as a full inventory (a new stack)")
            else:
                source = path.as_posix()
                notes: list[str] = []
                # A `pulumi stack export` of the stack is a base too: the state really recorded.
                base = plan_for(state_mod.load_plan_or_export(path, notes), env, path, project=plan["project"])
                for note in notes:
                    typer.echo(f"note: {note}", err=True)
        cov, note = coverage_of(plan)
        from livecommerce.contracts import check_plan

        items.append(report_mod.EnvInput(env, plan, base, source, policy_result(plan, env), cov,
                                         note or "not available",
                                         cost=cost_of(plan, env, stacks_dir, cost_month, base=base),
                                         contracts=check_plan(plan).to_dict()))
    data = data_dir if data_dir is not None else out.with_name(f"{out.stem}-data")
    text = report_mod.build_report(items, data_dir=data.as_posix(), artifact=artifact)
    for name, content in sorted(report_mod.report_files(items).items()):
        write_text_atomic(data / name, content)
    write_text_atomic(out, text)
    typer.echo(f"report written to {out} ({len(text):,} characters); full JSON in {data}/")


def _is_special(path: Path) -> bool:
    """A device, FIFO or descriptor alias (`/dev/stdout`): written in place, with no folder beside it."""
    import stat

    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISDIR(mode) and (not stat.S_ISREG(mode) or str(path.absolute()).startswith(("/dev/", "/proc/")))


def compare(
    a: str | None = typer.Argument(None, help="First environment (e.g. dev)."),
    b: str | None = typer.Argument(None, help="Second environment (e.g. prod)."),
    plans: tuple[Path, Path] | None = typer.Option(None, "--plans", help="Compare two saved plan files."),
    plan_dir: Path | None = typer.Option(None, "--plan-dir", help="Read DIR/<env>.json instead of building."),
    stacks_dir: Path | None = typer.Option(None, "--stacks-dir", help="Stack files directory (default stacks/)."),
    fmt: str = typer.Option("text", "--format", help="text, markdown or json."),
    cost_month: str | None = typer.Option(None, "--cost-month", help="Month the cost difference prices, "
                                          "YYYY-MM (default: the current month, UTC)."),
) -> None:
    """What differs between two environments, matched by logical resource (not by URN), and what it costs."""
    _choice(fmt, ("text", "markdown", "json"), "--format")
    if plans and all(p is not None for p in plans):
        if a or b:
            raise UserError("compare: give two environments or --plans A.json B.json, not both")
        pa, pb = load_plan(plans[0]), load_plan(plans[1])
    elif a and b:
        pa, pb = env_plan(a, plan_dir, stacks_dir), env_plan(b, plan_dir, stacks_dir)
    else:
        raise UserError("compare: give two environments (`livecommerce compare dev prod`) "
                        "or two plan files (`--plans dev.json prod.json`)")
    div = compare_mod.compare_plans(pa, pb)
    env_a, env_b = a or str(pa.get("stack")), b or str(pb.get("stack"))
    cost_a, cost_b = cost_of(pa, env_a, stacks_dir, cost_month), cost_of(pb, env_b, stacks_dir, cost_month)
    cost_lines: list[str] = []
    if cost_a is not None and cost_b is not None:
        from livecommerce.cost.render import compare_lines

        cost_lines = compare_lines(env_a, cost_a, env_b, cost_b)
    if fmt == "json":
        data = json.loads(compare_mod.dumps(div))
        if cost_a is not None and cost_b is not None:
            data["cost"] = {env_a: cost_a, env_b: cost_b}
        sys.stdout.write(report_mod.to_json_text(data))
    elif fmt == "markdown":
        sys.stdout.write(compare_mod.render_markdown(div, heading="##"))
        if cost_lines:
            sys.stdout.write("\n```\n" + "\n".join(cost_lines) + "\n```\n")
    else:
        sys.stdout.write(compare_mod.render_text(div))
        if cost_lines:
            sys.stdout.write("\n" + "\n".join(cost_lines) + "\n")


def graph(
    env: str | None = typer.Argument(None, help="Environment to draw (built offline)."),
    plan: Path | None = typer.Option(None, "--plan", help="Draw a saved plan file instead."),
    fmt: str = typer.Option("mermaid", "--format", help="mermaid or dot."),
    detail: str = typer.Option("components", "--detail", help="components or resources."),
    stacks_dir: Path | None = typer.Option(None, "--stacks-dir", help="Stack files directory (default stacks/)."),
    out: Path | None = typer.Option(None, "--out", help="Write to this file instead of stdout."),
) -> None:
    """The architecture diagram from the plan: components (or resources) and their dependencies."""
    _choice(fmt, graph_mod.FORMATS, "--format")
    _choice(detail, graph_mod.DETAILS, "--detail")
    if plan is not None and env:
        raise UserError("graph: give an environment or --plan FILE, not both")
    if out is not None:
        check_output_path(out, "--out")
    if plan is not None:
        p = load_plan(plan)
    elif env:
        p = env_plan(env, None, stacks_dir)
    else:
        raise UserError("graph: give an environment (`livecommerce graph prod`) or `--plan FILE`")
    text = graph_mod.render(p, fmt, detail)
    if out is not None:
        write_text_atomic(out, text)
        typer.echo(f"graph written to {out}")
    else:
        sys.stdout.write(text)


def register(app: typer.Typer) -> None:
    app.command("diff")(diff)
    app.command("report")(report)
    app.command("compare")(compare)
    app.command("graph")(graph)
