"""`livecommerce validate [ENV...]`: check stack files against the config model, without running anything."""

from __future__ import annotations

from pathlib import Path

import typer
from livecommerce.console import make_console

from livecommerce.engine import _display, list_stacks, load_project, read_stack_file
from livecommerce.errors import UserError


def validate(
    envs: list[str] | None = typer.Argument(None, help="Environments to check (default: every stack file)."),
    stacks_dir: Path | None = typer.Option(None, "--stacks-dir", help="Folder of Pulumi.<env>.yaml files."),
    project_dir: Path | None = typer.Option(None, "--project-dir", help="The Pulumi project (e.g. bootstrap)."),
) -> None:
    """Validate stack files: one line per error naming the file, the key and the fix; exit 2 on errors."""
    from stacks.config import ConfigError

    project = load_project(project_dir)
    stacks_dir = stacks_dir or (project.stacks_dir if project_dir is not None else None)
    targets = envs or list_stacks(stacks_dir)
    if not targets:
        raise UserError(f"{stacks_dir or 'stacks'}: no Pulumi.<env>.yaml stack files found")
    errors: list[str] = []
    console = make_console()
    for env in targets:
        try:
            sf = read_stack_file(env, stacks_dir)
            project.check_config(sf.config, env, _display(sf.path))
        except (UserError, ConfigError) as exc:
            errors.extend(exc.lines)
            continue
        console.print(f"[green]ok[/green] {_display(sf.path)}")
    if errors:
        raise UserError(*errors)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
