"""The rich Console every command prints through.

Rich wraps at 80 columns whenever stdout is not a terminal (CI logs, `| less`, `> file`), which
splits rule names and fixes mid-word. Off a terminal we use a wide line instead, unless the user set
COLUMNS (rich honours it).
"""

from __future__ import annotations

import os

from rich.console import Console

PIPE_WIDTH = 160


def console_width(is_terminal: bool, environ: dict[str, str] | os._Environ[str] = os.environ) -> int | None:
    """None = rich's own choice (the terminal's width, or COLUMNS); PIPE_WIDTH when piped."""
    return None if is_terminal or environ.get("COLUMNS") else PIPE_WIDTH


def make_console(stderr: bool = False) -> Console:
    """A Console for stdout (or stderr) that does not wrap at 80 columns in logs."""
    probe = Console(stderr=stderr)
    return Console(stderr=stderr, width=console_width(probe.is_terminal))
