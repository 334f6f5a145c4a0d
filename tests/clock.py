"""A fixed 'today' for tests that preview the shipped stacks or run the CLI on them.

The live-event calendar and waiver expiry read dates (stacks/clock.py), so no such test may depend on the
day it runs: previews get `now=NOW`, CLI runs (in-process or subprocess) the `pinned_clock` fixture
(tests/conftest.py), which sets LIVECOMMERCE_NOW to the same moment.
"""

from __future__ import annotations

from datetime import UTC, datetime

NOW = datetime(2026, 12, 1, tzinfo=UTC)
