"""What the offline engine tells the program that `pulumi up` has no way to say: the moment to read dates
against, and how messages should name the stack file (the real path, also with `--stacks-dir`).

The engine runs `__main__.py` exactly as `pulumi up` does, so nothing can be passed as arguments; it sets
these context variables on the run's own thread instead (livecommerce/engine.py), and each run sees only
its own values. Under `pulumi up` they are unset: the system clock (or LIVECOMMERCE_NOW, stacks/clock.py)
and `stacks/Pulumi.<stack>.yaml`.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime

NOW: ContextVar[datetime | None] = ContextVar("livecommerce_now", default=None)
STACK_FILE: ContextVar[str | None] = ContextVar("livecommerce_stack_file", default=None)
