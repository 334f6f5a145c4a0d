"""The `livecommerce` command line. Each command lives in livecommerce/commands/<name>.py and
exposes `register(app)`; this module only assembles them and turns UserError into exit 2."""

from __future__ import annotations

import importlib
import sys

import typer

from livecommerce.errors import UserError

# Order is the order `livecommerce --help` lists them.
COMMAND_MODULES = [
    "preview",
    "validate",
    "schema",
    "check",
    "review",
    "cost",
    "realcloud",
]

app = typer.Typer(
    name="livecommerce",
    help="Preview, validate, check and review the live-commerce platform stacks, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


_ARGV_HOOKS = []  # commands with options typer cannot declare (an optional value) rewrite argv first


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"livecommerce.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"livecommerce.commands.{name}":
                continue  # command not built yet
            raise
        module.register(app)
        if hasattr(module, "normalize_argv"):
            _ARGV_HOOKS.append(module.normalize_argv)


_register_all()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app; UserError becomes one `error:` line per problem on stderr and exit 2.

    Usage errors (a missing argument, an unknown option) are click's, also exit 2.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    for hook in _ARGV_HOOKS:
        args = hook(args)
    try:
        app(args=args, prog_name="livecommerce", standalone_mode=True)
    except UserError as err:
        for line in err.lines:
            print(f"error: {line}", file=sys.stderr)
        return UserError.exit_code
    except BrokenPipeError:
        raise  # `livecommerce ... | head`: not a user error to explain
    except OSError as exc:
        # An output path that cannot be written (a file where a folder should be, no permission, a
        # read-only filesystem): the user's path, so a one-line message and exit 2, not a traceback.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}; check the path and its permissions", file=sys.stderr)
        return UserError.exit_code
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
