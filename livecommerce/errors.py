"""User-facing errors: one clear line each, exit code 2, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Bad input the user can fix. Each entry of `lines` is printed on its own line.

    Lines should name the file, the key and the fix, e.g.
    ``stacks/Pulumi.prod.yaml: livecommerce:platform.network.zones: prod needs at least 3 zones, got 1``.
    """

    exit_code = 2

    def __init__(self, *lines: str) -> None:
        self.lines = [line for line in lines if line]
        super().__init__("\n".join(self.lines))
