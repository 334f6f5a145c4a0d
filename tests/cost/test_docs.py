"""The samples in README.md and docs/cost.md are what `livecommerce cost prod --month 2027-11` prints."""

from __future__ import annotations

import re

from livecommerce.cli import main
from tests.cost.conftest import ROOT

REGENERATE = "regenerate the sample with `livecommerce cost prod --month 2027-11` and update the doc"


def _cli(capsys) -> str:
    assert main(["cost", "prod", "--month", "2027-11"]) == 0
    return capsys.readouterr().out


def test_readme_sample_matches_the_command(clock, capsys):
    out = _cli(capsys)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sample = readme.split("$ livecommerce cost prod --month 2027-11\n", 1)[1].split("```", 1)[0]
    for line in sample.splitlines():
        if line.strip() and line != "...":
            assert line in out.splitlines(), f"README.md: {line!r} is not in the output; {REGENERATE}"


def test_cost_doc_totals_match_the_command(clock, capsys):
    out = _cli(capsys)
    total = next(line for line in out.splitlines() if line.startswith("total"))
    elastic, peak = re.findall(r"[\d,]+\.\d\d", total)
    saving = re.search(r"saving_percent: (\S+)", out).group(1)
    doc = (ROOT / "docs" / "cost.md").read_text(encoding="utf-8")
    assert re.search(rf"^total\s+{re.escape(elastic)}\s+{re.escape(peak)}$", doc, re.M), REGENERATE
    assert f"saving_percent: {saving}\n" in doc, REGENERATE
