"""The CLI's clock: `stacks.clock.now()` (the real time, or `LIVECOMMERCE_NOW`), with a bad value as exit 2."""

from __future__ import annotations

from datetime import datetime

from livecommerce.errors import UserError


def cli_now() -> datetime:
    """The moment every command reads dates against; a malformed LIVECOMMERCE_NOW is one error line."""
    from stacks.clock import ClockError, now

    try:
        return now()
    except ClockError as exc:
        raise UserError(str(exc)) from None
