"""The suite's hypothesis profile (tests/conftest.py): the same examples everywhere, and no clock in any test."""

from __future__ import annotations

from hypothesis import settings


def test_no_example_has_a_deadline():
    # A deadline fails a build when the machine is busy, not when the code is slow.
    assert settings().deadline is None


def test_examples_are_derandomized_without_a_database():
    assert settings().derandomize and settings().database is None
