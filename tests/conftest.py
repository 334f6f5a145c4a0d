"""Suite-wide test settings.

Every test reads the same moment: `LIVECOMMERCE_NOW` is pinned for the whole session (stacks/clock.py is its one
reader, and subprocesses inherit it), so plans built from the live-event calendar never follow the machine's
clock. Tests about the clock itself set or delete the variable with `monkeypatch`, which wins over this.

Hypothesis runs derandomized (the same examples on every machine and every run) and keeps no example
database, so a build never depends on a random draw or on files left by an earlier run. Run
`HYPOTHESIS_PROFILE=explore make test` to search with fresh random examples locally.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from stacks.clock import ENV_VAR
from tests.clock import NOW

# The moment the suite runs at unless the caller set one (any day works: the shipped events recur yearly;
# tests/robustness/test_dates_acceptance.py moves it). Set before any test module is imported.
os.environ.setdefault(ENV_VAR, NOW.isoformat())

# No deadline: a per-example time limit is a timed test, and on a loaded 2-core machine an example that
# takes 0.02 ms can take 330 ms once (tests/functions/test_manifest.py failed so); speed lives in benchmarks.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def pinned_clock(monkeypatch):
    """LIVECOMMERCE_NOW set to tests.clock.NOW, for the CLI runs of a test (subprocesses inherit it)."""
    monkeypatch.setenv(ENV_VAR, NOW.isoformat())
