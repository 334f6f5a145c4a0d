"""The suite's hypothesis profile (tests/conftest.py): the same examples everywhere, and no clock in any test."""

from __future__ import annotations

from hypothesis import settings


def test_no_example_has_a_deadline():
    # A deadline fails a build when the machine is busy, not when the code is slow.
    assert settings().deadline is None


def test_examples_are_derandomized_without_a_database():
    assert settings().derandomize and settings().database is None


def test_the_suite_reads_one_pinned_moment_not_the_machines_clock():
    """tests/conftest.py pins LIVECOMMERCE_NOW, so a plan built without `now=` follows it, not the system clock."""
    import os

    from stacks import clock

    assert os.environ.get("LIVECOMMERCE_NOW")
    assert clock.now() == clock.now({"LIVECOMMERCE_NOW": os.environ["LIVECOMMERCE_NOW"]})
