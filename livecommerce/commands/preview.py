"""`livecommerce preview ENV`: run the real program offline and show what the stack would create."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from livecommerce.commands.clock import cli_now
from livecommerce.console import make_console
from livecommerce.engine import PROJECT, run_preview
from livecommerce.plan import SECRET, check_output_path, write_plan


def short_type(token: str) -> str:
    """`alicloud:vpc/switch:Switch` -> `vpc.Switch`; `kubernetes:apps/v1:Deployment` -> `apps/v1.Deployment`."""
    pkg, _, rest = token.partition(":")
    module, _, kind = rest.partition(":")
    if pkg == "pulumi" and module == "providers":
        return f"provider.{kind}"
    module = module.split("/")[0] if pkg == "alicloud" else module
    return f"{module}.{kind}" if module and module != "index" else kind


#: The architecture's blocks in the order the diagram reads (type token domains); the stack's children are
#: shown in this order, anything else after them.
BLOCK_ORDER = ("network", "container_platform", "data", "governance", "workloads", "media", "edge", "observability")


def _block_rank(res: dict[str, Any]) -> int:
    parts = str(res["type"]).split(":")
    domain = parts[1] if len(parts) == 3 and parts[0] == "livecommerce" else ""
    return BLOCK_ORDER.index(domain) if domain in BLOCK_ORDER else len(BLOCK_ORDER)


def build_tree(plan: dict[str, Any]) -> Tree:
    """The plan as a tree: the stack, its blocks in the architecture's order, their components and resources."""
    by_parent: dict[str | None, list[dict[str, Any]]] = {}
    for res in plan["resources"]:
        by_parent.setdefault(res["parent"], []).append(res)
    roots = by_parent.get(None, [])
    label = f"[bold]{plan['project']}[/bold] / [bold cyan]{plan['stack']}[/bold cyan]"
    tree = Tree(label)

    def add(node: Tree, parent_urn: str, top: bool = False) -> None:
        children = sorted(by_parent.get(parent_urn, []),
                          key=lambda r: (r["custom"], _block_rank(r) if top else 0, r["type"], r["name"]))
        for res in children:
            if res["custom"]:
                flags = " [red](protected)[/red]" if res["protect"] else ""
                node.add(f"{res['name']}  [dim]{short_type(res['type'])}[/dim]{flags}")
            else:
                sub = node.add(f"[bold]{res['name']}[/bold]  [magenta]{res['type']}[/magenta]")
                add(sub, res["urn"])

    for root in roots:
        add(tree, root["urn"], top=True)
    return tree


def summary_table(plan: dict[str, Any]) -> Table:
    """Counts by resource type and in total (components and providers counted apart)."""
    counts = Counter(r["type"] for r in plan["resources"] if r["custom"] and not r["type"].startswith("pulumi:"))
    table = Table(title=f"{plan['stack']}: resources to create", show_lines=False)
    table.add_column("type")
    table.add_column("count", justify="right")
    for token, n in sorted(counts.items()):
        table.add_row(token, str(n))
    components = sum(1 for r in plan["resources"] if not r["custom"] and r["type"] != "pulumi:pulumi:Stack")
    providers = sum(1 for r in plan["resources"] if r["type"].startswith("pulumi:providers:"))
    table.add_section()
    table.add_row("[bold]total cloud and Kubernetes resources[/bold]", f"[bold]{sum(counts.values())}[/bold]")
    table.add_row("components / providers", f"{components} / {providers}")
    return table


def verdict(plan: dict[str, Any], *, contract_violations: int, policy: Any | None, gaps: int | None,
            secrets_to_set: int) -> str:
    """The one line `preview` ends with: what it found, so nobody scrolls back through the tree and tables.
    `policy` is the policy report (None with --no-policies), `gaps` the observability gaps (None: not applicable)."""
    resources = sum(1 for r in plan["resources"] if r["custom"] and not r["type"].startswith("pulumi:"))
    parts = [f"{resources} resources to create"]
    parts.append("provider contracts passed" if not contract_violations
                 else f"{contract_violations} provider contract violation(s): `pulumi up` would fail")
    if policy is not None:
        summary = policy.to_dict()["summary"]
        parts.append(f"policy {'FAILED' if policy.failed else 'passed'} ({summary['mandatory']} mandatory, "
                     f"{summary['advisory']} advisory)")
    if gaps is not None:
        parts.append("no observability gaps" if not gaps else f"{gaps} observability gap(s)")
    if secrets_to_set:
        parts.append(f"{secrets_to_set} secret(s) to set before `pulumi up`")
    return f"preview {plan['stack']}: " + "; ".join(parts)


def _run_with_progress(env: str, console: Console, stacks_dir: Path | None = None,
                       project_dir: Path | None = None, now: Any = None) -> Any:
    count = 0
    with console.status(f"previewing {env} on the mock runtime ...", spinner="dots") as status:
        def tick(reg: Any) -> None:
            nonlocal count
            count += 1
            if count % 10 == 0:
                status.update(f"previewing {env}: {count} resources registered ...")

        return run_preview(env, stacks_dir, on_register=tick, project_dir=project_dir, now=now)


def preview(
    env: str = typer.Argument(..., help="Environment (stack) name: dev, staging or prod."),
    json_path: Path | None = typer.Option(None, "--json", help="Write the plan (format v1) to this file."),
    manifests: Path | None = typer.Option(None, "--manifests",
                                             help="Write every Kubernetes object as YAML into this directory."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only the summary, no resource tree."),
    policies: bool = typer.Option(True, "--policies/--no-policies", help="Evaluate the policy pack too."),
    stacks_dir: Path | None = typer.Option(None, "--stacks-dir", help="Folder of Pulumi.<env>.yaml (default stacks/)."),
    project_dir: Path | None = typer.Option(
        None, "--project-dir", help="The Pulumi project (a folder with Pulumi.yaml), e.g. bootstrap; default the "
                                    "platform at the repository root."),
) -> None:
    """Run the Pulumi program offline (mock runtime) and show every resource the stack would create."""
    if json_path is not None:
        check_output_path(json_path, "--json")
    moment = cli_now()
    out = make_console()
    err = make_console(stderr=True)
    result = _run_with_progress(env, err, stacks_dir, project_dir, moment)
    plan = result.plan
    if not quiet:
        out.print(build_tree(plan))
    out.print(summary_table(plan))
    if result.stack_file.placeholders:
        # Escaped: rich would otherwise swallow "[secret]" (and any bracket in a name) as markup.
        names = escape(", ".join(result.stack_file.placeholders))
        out.print(f"[yellow]note[/yellow]: {len(result.stack_file.placeholders)} secret(s) have offline placeholders "
                  f"and show as {escape(SECRET)}: {names}. Set them for real with `pulumi config set --secret`.",
                  soft_wrap=True)  # never break the command across lines
    for line in result.warnings:
        out.print(f"[yellow]warning[/yellow]: {line}")
    from components.edge.plan import console_steps

    for line in console_steps(plan.get("resources") or []):
        # Console steps no provider can do (docs/edge.md): listed per public host.
        out.print(f"[yellow]console step[/yellow]: {escape(line)}")

    # Imported here so `livecommerce --help` and the other commands stay fast.
    from livecommerce import checking, coverage, manifests as manifest_writer
    from livecommerce.contracts import check_plan, render_contracts

    # Provider contracts: facts about what the providers and APIs accept, apart from the policy choices.
    contracts = check_plan(plan)
    render_contracts(contracts, out)
    policy = None
    if policies:
        # The stack's tier picks the levels (a `qa` stack of tier dev has no policies/config/qa.json).
        policy = checking.evaluate(plan, plan.get("tier") or "prod", today=moment.date())
        checking.render_text(policy, out)
    # Observability coverage is about the platform's workloads; other projects (bootstrap) have none.
    cov = coverage.coverage(plan) if plan["project"] == PROJECT else None
    if cov is not None:
        coverage.render_text(cov, out)
    from livecommerce import data_usage

    data_usage.render_text(data_usage.usage(plan), out)
    if json_path is not None:
        # The observability coverage travels with the plan (an additive key of format v1).
        write_plan({**plan, "observability": cov} if cov is not None else plan, json_path)
        out.print(f"plan written to {json_path}")
    if manifests is not None:
        written = manifest_writer.write_manifests(plan, manifests)
        out.print(f"{len(written)} Kubernetes manifests written to {manifests}")
    out.print(verdict(plan, contract_violations=len(contracts.violations), policy=policy,
                      gaps=len(cov["gaps"]) if cov is not None else None,
                      secrets_to_set=len(result.stack_file.placeholders)), markup=False, soft_wrap=True)
    if not contracts.passed:
        # The plan and manifests are still written (to inspect), but this preview would fail at `pulumi up`.
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.command("preview")(preview)
