"""`livecommerce drift | import-file`: the real-cloud side of the review (docs/bootstrap.md).

    livecommerce drift prod.refresh.json --env prod --out drift/prod.md   # the refresh's JSON as a report
    livecommerce import-file prod --out import-prod.json                  # `pulumi import --file` skeleton
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from livecommerce.plan import write_text_atomic


def drift(
    refresh_json: Path = typer.Argument(..., help="Output of `pulumi refresh --preview-only --run-program --json`."),
    env: str = typer.Option(..., "--env", help="The environment (stack) it was run for."),
    out: Path | None = typer.Option(None, "--out", help="Also write the Markdown report to this file."),
    json_path: Path | None = typer.Option(None, "--json", help="Also write the drift as JSON (livecommerce.drift/v1)."),
    fmt: str = typer.Option("text", "--format", help="text, markdown or json (what goes to stdout)."),
    fail_on_drift: bool = typer.Option(False, "--fail-on-drift", help="Exit 1 when anything drifted or failed."),
) -> None:
    """What drifted in the cloud since the last `pulumi up`: summary first, dangers first."""
    from livecommerce.commands.review import _choice
    from livecommerce.review import drift as drift_mod
    from livecommerce.review import report as report_mod

    _choice(fmt, ("text", "markdown", "json"), "--format")
    result = drift_mod.load_refresh(refresh_json, env)
    markdown = drift_mod.render_markdown(result)
    if out is not None:
        write_text_atomic(out, markdown)
    if json_path is not None:
        write_text_atomic(json_path, report_mod.to_json_text(result.to_json()))
    if fmt == "json":
        sys.stdout.write(report_mod.to_json_text(result.to_json()))
    elif fmt == "markdown":
        sys.stdout.write(markdown)
    else:
        sys.stdout.write(drift_mod.render_text(result))
    if fail_on_drift and not result.clean:
        raise typer.Exit(code=1)


def import_file(
    env: str = typer.Argument(..., help="Environment (stack) whose resources already exist in the cloud."),
    out: Path = typer.Option(..., "--out", help="Where to write the `pulumi import --file` JSON."),
    stacks_dir: Path | None = typer.Option(None, "--stacks-dir", help="Folder of Pulumi.<env>.yaml (default stacks/)."),
    project_dir: Path | None = typer.Option(None, "--project-dir", help="The Pulumi project (default: the platform)."),
) -> None:
    """Write a `pulumi import --file` JSON for the stack's cloud resources, with the ids to fill in."""
    import json

    from livecommerce.engine import preview_stack
    from livecommerce.import_file import build_import_file

    document, counts = build_import_file(preview_stack(env, stacks_dir, project_dir))
    write_text_atomic(out, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    typer.echo(f"{out}: {counts['resources']} resources, {counts['filled']} ids filled in, {counts['to_fill']} "
               f"to fill in (every `<...>`); {counts['left_out']} Kubernetes/dynamic resources left out (adopted "
               f"on `pulumi up`). Then: pulumi import --stack {env} --file {out}")


def register(app: typer.Typer) -> None:
    app.command("drift")(drift)
    app.command("import-file")(import_file)
