"""`livecommerce schema`: the JSON Schema of a stack file (committed as stacks/platform.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from livecommerce.plan import write_text_atomic


def render_schema() -> str:
    from stacks.config import stack_file_schema

    return json.dumps(stack_file_schema(), indent=2, sort_keys=True) + "\n"


def schema(out: Path | None = typer.Option(None, "--out", help="Write to this file instead of stdout.")) -> None:
    """Print the JSON Schema for stacks/Pulumi.<env>.yaml (editors use it through yaml-language-server)."""
    text = render_schema()
    if out is None:
        typer.echo(text, nl=False)
        return
    write_text_atomic(out, text)
    typer.echo(f"schema written to {out}")


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)
