"""The clock the program reads dates against (the live-event calendar, waiver expiry): the real time, unless
`LIVECOMMERCE_NOW` names another moment.

This is the one place the environment variable is read (the CLI asks here too), so a rehearsal of a date
(`LIVECOMMERCE_NOW=2028-01-15T09:00:00+08:00 livecommerce preview prod`) moves every date the same way.
Tests do not use it: they inject `now` into the pure functions and into `engine.run_preview(now=...)`.
Never set it where `pulumi up` deploys: the CronHPA jobs would be scheduled for the wrong day.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, date, datetime

ENV_VAR = "LIVECOMMERCE_NOW"


class ClockError(ValueError):
    """`LIVECOMMERCE_NOW` is set but is not a moment; the message names the variable and the fix."""


def parse_now(text: str) -> datetime:
    """An ISO 8601 moment with a UTC offset (`2028-01-15T09:00:00+08:00`, `2028-01-15T01:00Z`) or a date
    (`2028-01-15`, read as 00:00 UTC) -> an aware datetime. A time without an offset is refused: it would
    mean a different moment on every machine."""
    value = text.strip()
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=UTC)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ClockError(f"{ENV_VAR}: {text!r} is not an ISO 8601 moment with a UTC offset; e.g. "
                         "2028-01-15T09:00:00+08:00, 2028-01-15T01:00:00Z or 2028-01-15 (midnight UTC); "
                         f"unset {ENV_VAR} for the real time")
    return moment


def now(environ: Mapping[str, str] | None = None) -> datetime:
    """The current moment (aware): the engine's injected moment for this run (stacks/run_context.py), else
    `LIVECOMMERCE_NOW` when set, else the system clock in UTC."""
    from stacks.run_context import NOW

    injected = NOW.get()
    if injected is not None and environ is None:
        return injected
    env = os.environ if environ is None else environ
    text = env.get(ENV_VAR, "")
    return parse_now(text) if text.strip() else datetime.now(UTC)
