"""The issue's acceptance, on the real stacks through the offline engine: one change to
stacks/Pulumi.prod.yaml shows as exactly that change at the top of the report; renaming the buckets is
flagged first as a (blocked) replacement of stateful resources; `compare dev prod` shows what a reviewer
cares about; the real plans draw Mermaid that parses."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from livecommerce.cli import main
from livecommerce.plan import write_plan
from tests.review.test_graph import parse_mermaid
from tests.review.test_report import assert_well_formed, tables

engine = pytest.importorskip("livecommerce.engine")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """before/<env>.json built from the committed stacks."""
    d = tmp_path_factory.mktemp("acceptance")
    for env in ("dev", "prod"):
        write_plan(engine.preview_stack(env), d / "before" / f"{env}.json")
    return d


def _edited_stacks(tmp: Path, old: str, new: str) -> Path:
    stacks = tmp / "stacks"
    shutil.copytree(ROOT / "stacks", stacks)
    path = stacks / "Pulumi.prod.yaml"
    text = path.read_text()
    assert old in text, f"stacks/Pulumi.prod.yaml no longer has {old!r}; update this test"
    path.write_text(text.replace(old, new, 1))
    return stacks


def _report(base: Path, stacks: Path, out: Path) -> str:
    assert main(["report", "prod", "--base-dir", str(base / "before"), "--stacks-dir", str(stacks),
                 "--out", str(out)]) == 0
    text = out.read_text()
    assert_well_formed(text)
    return text


def test_node_pool_maximum_change_is_the_one_update_at_the_top(base, tmp_path):
    stacks = _edited_stacks(tmp_path, "max_size: 60", "max_size: 80")
    text = _report(base, stacks, tmp_path / "report.md")
    # Updates only: the pool itself, plus whatever the program derives from the maximum (the
    # observability component's "node pool at max" alert threshold).
    row = tables(text)[0][2]
    assert row.startswith("| `prod` | 0 |") and "| 0 | 0 |" in row and row.endswith("| none |")
    assert "[!CAUTION]" not in text
    updates = text.split("**Update** (")[1].split("\n\n")[0]
    assert row.split(" | ")[2] == updates.split(")")[0]
    pool_row = next(r for r in tables(text)[1] if "cs/NodePool" in r)
    assert "`scalingConfig.maxSize`: `60` → `80`" in pool_row
    for r in tables(text)[1][2:]:
        assert "60" in r and "80" in r, f"an update that does not come from the pool maximum: {r}"


def test_renaming_the_buckets_flags_a_stateful_replace_first(base, tmp_path):
    stacks = _edited_stacks(tmp_path, "      buckets: separate\n",
                            "      buckets: separate\n      bucket_prefix: lcmedia\n")
    text = _report(base, stacks, tmp_path / "report.md")
    caution = text.split("\n")[text.split("\n").index("> [!CAUTION]") + 3]
    # the first replace is a bucket of prod (the media buckets, or the edge's recording buckets: the prefix
    # names them all)
    assert "**replace** oss/Bucket `prod-" in caution and "stateful" in caution
    assert "**replace** oss/Bucket `prod-media-" in text
    assert text.index("[!CAUTION]") < text.index("### `prod`")
    # prod protects its buckets, so Pulumi would refuse: the report says so.
    assert "**BLOCKED**" in caution


def test_compare_dev_prod_shows_what_a_reviewer_cares_about(base, capsys):
    assert main(["compare", "--plans", str(base / "before" / "dev.json"), str(base / "before" / "prod.json")]) == 0
    out = capsys.readouterr().out
    head = out.split("Other differences")[0]
    assert "zones" in head and "cn-hangzhou-i" in head  # prod has more zones
    assert "protected resources" in head
    assert "scalingConfig.maxSize" in head  # pool sizes
    assert "deletionProtection" in head or "[protect]" in head
    assert "prod only: vpc/Switch network-node-cn-hangzhou-i" in out
    # Noise stays out: no tags, names or mock ids.
    assert "tags." not in out and "vpcName" not in out and "vsw-" not in out


def test_real_plans_draw_mermaid_that_parses(base):
    from livecommerce.plan import load_plan
    from livecommerce.review import graph

    plan = load_plan(base / "before" / "prod.json")
    for detail in graph.DETAILS:
        nodes, edges, _ = parse_mermaid(graph.render(plan, "mermaid", detail))
        assert nodes and edges
