"""The PR report: summary first, dangers at the top, the 60,000-character budget on a large change (by
summarising, never cutting a table), determinism, and the policy/coverage adapters with fakes."""

from __future__ import annotations

import copy
import enum
import random
import re
from dataclasses import dataclass

from livecommerce.review import report as rpt
from livecommerce.review.report import EnvInput, PolicyResult, adapt_policy_report, build_report, report_files
from tests.review.plans import edited, find, plan, platform, resource

CELL_SPLIT = re.compile(r"(?<!\\)\|")


def tables(text: str) -> list[list[str]]:
    """Consecutive lines starting with `|`, outside code fences."""
    out, current, fenced = [], [], False
    for line in text.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("|"):
            current.append(line)
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def assert_well_formed(text: str) -> None:
    """Every table complete (header, separator, rows of the same width); folds and fences balanced."""
    for table in tables(text):
        assert len(table) >= 2, table
        width = len(CELL_SPLIT.split(table[0]))
        assert re.fullmatch(r"\|(\s*-{3,}:?\s*\|)+|\|(---:?\|)+", table[1].replace("---:", "---")), table[1]
        for row in table:
            assert row.endswith("|"), row
            assert len(CELL_SPLIT.split(row)) == width, row
    assert text.count("<details>") == text.count("</details>")
    assert text.count("```") % 2 == 0


def _items(before: dict, after: dict, env: str = "prod", **kw) -> list[EnvInput]:
    return [EnvInput(env, after, before, f"before/{env}.json", **kw)]


def test_one_update_shows_in_the_summary_row():
    text = build_report(_items(platform(pool_max=30), platform(pool_max=40)), data_dir="review/report-data")
    assert text.startswith(rpt.MARKER)
    summary = tables(text)[0]
    assert summary[0].startswith("| environment | create | update | replace | delete |")
    assert summary[2] == "| `prod` | 0 | 1 | 0 | 0 | n/a | n/a | none |"
    assert "`scalingConfig.maxSize`: `30` → `40`" in text
    assert "[!CAUTION]" not in text
    assert "Full JSON (plans, diffs, policy results, coverage, divergence): `review/report-data/`" in text
    assert "Policies were not evaluated" in text and "Coverage: not available" in text
    assert_well_formed(text)


def test_replace_of_stateful_resource_is_flagged_first():
    before = platform()
    after = edited(before, "prod-media-output", bucket="livecommerce-prod-output-v2")
    text = build_report(_items(before, after))
    caution = text.index("[!CAUTION]")
    assert caution < text.index("### `prod`")
    first_flag = text[caution:].split("\n")[3]
    assert first_flag.startswith("> - `prod`: **replace** oss/Bucket `prod-media-output`: stateful")
    summary_row = tables(text)[0][2]
    assert summary_row.endswith("| ⚠️ 1 |")
    assert_well_formed(text)


def test_blocked_delete_is_marked():
    before = platform(protect=True)
    after = copy.deepcopy(before)
    after["resources"] = [r for r in after["resources"] if r["name"] != "prod-network-nat"]
    text = build_report(_items(before, after))
    assert "> - **BLOCKED** `prod`: **delete** vpc/NatGateway `prod-network-nat`" in text
    assert "| ⚠️ 1 (1 blocked) |" in text
    assert "⛔ blocked: protected" in text


def test_no_base_plan_gives_an_inventory():
    text = build_report([EnvInput("dev", platform("dev"))])
    assert "**No base plan** for `dev`: full inventory (10 cloud resources)." in text
    assert tables(text)[0][2].startswith("| `dev` | 10 (no base) | – |")
    assert_well_formed(text)


def test_several_environments_get_a_divergence_section_and_a_diagram():
    dev, prod = platform("dev", pool_max=3), platform("prod", pool_max=30)
    text = build_report([EnvInput("dev", dev, dev, "b/dev.json"), EnvInput("prod", prod, prod, "b/prod.json")])
    assert text.index("### `dev`") < text.index("### `prod`") < text.index("## Environment divergence")
    assert "### `dev` vs `prod`" in text
    assert "| cs/NodePool `platform-pool-default` | `scalingConfig.maxSize` | `3` | `30` |" in text
    assert text.count("```mermaid") == 2
    assert_well_formed(text)


def test_secrets_never_reach_the_report_or_its_json():
    before = platform()
    find(before, "prod-media-transcoder")["inputs"]["environmentVariables"]["DB_PASSWORD"] = "hunter2-plain"
    after = platform()
    find(after, "prod-media-transcoder")["inputs"]["environmentVariables"]["DB_PASSWORD"] = "[secret]"
    items = _items(before, after)
    text = build_report(items)
    assert "hunter2" not in text
    assert "`environmentVariables.DB_PASSWORD`: `[secret]` → `[secret]`" in text
    files = report_files(items)
    assert not any("hunter2" in content for name, content in files.items() if name != "prod.plan.json")


# --------------------------------------------------------------------------------------------------
# Budget


def _big_plan(env: str, n: int, version: int) -> dict:
    """n resources across types; version bumps properties on every resource and renames some buckets."""
    resources = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            resources.append(resource(env, "alicloud:oss/bucket:Bucket", f"{env}-media-bucket-{i:04d}",
                                      {"bucket": f"lc-{env}-b{i}-{version if i % 40 == 0 else 0}",
                                       "lifecycleRules": [{"id": f"rule-{j}", "days": 30 + version + j}
                                                          for j in range(6)]}))
        elif kind == 1:
            resources.append(resource(env, "alicloud:cs/nodePool:NodePool", f"{env}-platform-pool-{i:04d}",
                                      {"scalingConfig": {"minSize": 1, "maxSize": 10 + version},
                                       "labels": [{"key": f"k{j}", "value": f"v{version}-{j}"} for j in range(8)],
                                       "instanceTypes": [f"ecs.g7.{version}xlarge"]}))
        elif kind == 2:
            resources.append(resource(env, "kubernetes:apps/v1:Deployment", f"{env}-svc-{i:04d}",
                                      {"metadata": {"name": f"svc-{i}"},
                                       "spec": {"replicas": 2 + version,
                                                "template": {"spec": {"containers": [
                                                    {"name": "app", "image": f"registry/app:{version}.{i}",
                                                     "env": [{"name": f"E{j}", "value": f"{version}"}
                                                             for j in range(5)]}]}}}}))
        elif version == 0 or i % 8 != 3:  # some log stores are deleted in the new version
            resources.append(resource(env, "alicloud:log/store:Store", f"{env}-obs-store-{i:04d}",
                                      {"logstoreName": f"s{i}", "retentionPeriod": 30 + version}))
    if version:
        resources += [resource(env, "alicloud:ram/role:Role", f"{env}-new-role-{i:04d}", {"roleName": f"r{i}"})
                      for i in range(300)]
    return plan(env, resources)


@dataclass
class _FakeFinding:
    rule: str
    severity: str
    level: str
    status: str
    urn: str
    resource: str
    problem: str
    fix: str


def _fake_policy(env: str, n: int) -> PolicyResult:
    findings = [_FakeFinding(f"rule-{i % 25}", "high", "mandatory" if i % 7 == 0 else "advisory",
                             "waived" if i % 11 == 0 else "violation", f"urn:{i}", f"{env}-res-{i}",
                             "something is not configured the way the platform wants it " * 2, "fix it")
                for i in range(n)]
    return adapt_policy_report({"findings": findings})


def test_large_change_stays_under_budget_by_summarising_whole_sections():
    items = []
    for env in ("dev", "staging", "prod"):
        before, after = _big_plan(env, 1200, 0), _big_plan(env, 1200, 1)
        coverage = {"targets": {f"svc-{i}": {"metrics": True, "traces": i % 3 == 0, "logs": True}
                                for i in range(400)},
                    "gaps": [f"svc-{i} has no traces" for i in range(400) if i % 3]}
        items.append(EnvInput(env, after, before, f"before/{env}.json", _fake_policy(env, 600), coverage))
    full = rpt.render(items, 0)
    assert len(full) > 10 * rpt.BUDGET  # the change really is large
    text = build_report(items, data_dir="review/report-data", artifact="livecommerce-review")
    assert len(text) < rpt.BUDGET
    assert "_Summarised (detail level" in text and "the JSON has everything" in text
    assert "the workflow artifact `livecommerce-review`" in text
    assert_well_formed(text)
    # The summary still has the exact counts, and the dangers are still called out.
    d = items[2].diff
    assert d is not None
    c = d.counts()
    assert f"| `prod` | {c['create']} | {c['update']} | {c['replace']} | {c['delete']} |" in text
    assert c["replace"] > 0 and "[!CAUTION]" in text


def test_the_most_detailed_level_that_fits_is_chosen():
    items = _items(_big_plan("prod", 80, 0), _big_plan("prod", 80, 1))
    sizes = [len(rpt.render(items, level)) for level in rpt.LEVELS]
    assert sizes == sorted(sizes, reverse=True)  # each level is coarser
    budget = sizes[1] + 1
    assert build_report(items, budget=budget) == rpt.render(items, 1)
    assert build_report(items, budget=sizes[0] + 1) == rpt.render(items, 0)
    for level in rpt.LEVELS:
        assert_well_formed(rpt.render(items, level))


def test_report_is_deterministic_whatever_the_resource_order():
    before, after = _big_plan("prod", 60, 0), _big_plan("prod", 60, 1)
    shuffled_before, shuffled_after = copy.deepcopy(before), copy.deepcopy(after)
    random.Random(3).shuffle(shuffled_before["resources"])
    random.Random(4).shuffle(shuffled_after["resources"])
    policy = _fake_policy("prod", 40)
    a = build_report(_items(before, after, policy=policy))
    b = build_report(_items(shuffled_before, shuffled_after, policy=_fake_policy("prod", 40)))
    assert a == b
    assert report_files(_items(before, after, policy=policy)).keys() == {
        "prod.plan.json", "prod.diff.json", "prod.policy.json", "prod.coverage.json", "summary.json"}


# --------------------------------------------------------------------------------------------------
# Adapters


class Level(enum.Enum):
    MANDATORY = "mandatory"
    ADVISORY = "advisory"


def test_policy_adapter_reads_objects_mappings_and_enums():
    class Report:
        findings = [
            _FakeFinding("oss-private", "high", "mandatory", "violation", "urn:a", "prod-bucket", "public ACL",
                         "set private"),
            _FakeFinding("tags", "low", "advisory", "waived", "urn:b", "prod-vpc", "no owner tag", ""),
            _FakeFinding("unknown", "low", "advisory", "skipped", "urn:c", "prod-x", "cannot run offline", ""),
        ]

    r = adapt_policy_report(Report())
    assert [(f.rule, f.enforcement, f.waived) for f in r.findings] == [("tags", "advisory", True),
                                                                        ("oss-private", "mandatory", False)]
    assert r.mandatory[0].message == "public ACL. Fix: set private"
    assert r.mandatory[0].resource == "prod-bucket"
    r2 = adapt_policy_report([{"policy": "p", "enforcement": Level.MANDATORY, "urn": "urn:x", "message": "m",
                               "waived": False}])
    assert [(f.rule, f.enforcement, f.resource) for f in r2.mandatory] == [("p", "mandatory", "urn:x")]


def test_policy_section_lists_mandatory_and_folds_the_rest():
    p = PolicyResult(True, (rpt.Finding("r1", "high", "mandatory", "prod-a", "bad | thing\nnext line"),
                            rpt.Finding("r2", "low", "advisory", "prod-b", "meh"),
                            rpt.Finding("r3", "low", "mandatory", "prod-c", "ok", waived=True)))
    text = build_report(_items(platform(), platform(), policy=p))
    assert "1 mandatory, 1 advisory, 1 waived." in text
    assert "| `r1` | high | `prod-a` | bad \\| thing next line |" in text
    assert "<details><summary>1 advisory findings</summary>" in text
    assert tables(text)[0][2] == "| `prod` | 0 | 0 | 0 | 0 | ❌ 1 | 1 | none |"
    assert_well_formed(text)


def test_coverage_section_renders_targets_and_gaps():
    cov = {"targets": {"shop": {"metrics": True, "traces": False}, "order": {"metrics": True, "traces": True}},
           "gaps": ["shop: no traces"]}
    text = build_report(_items(platform(), platform(), coverage=cov))
    assert "2 targets, 1 gaps." in text and "- shop: no traces" in text
    assert "| `shop` | metrics ✅, traces ❌ | – |" in text
    assert_well_formed(text)


def test_coverage_section_reads_the_coverage_module_shape():
    """livecommerce.coverage: targets as a list with kind, name, signals (rules and routes), missing;
    gaps as {kind, target, problem}."""
    cov = {"targets": [
        {"kind": "service", "name": "shop", "missing": ["latency"],
         "signals": {"error-rate": {"severity": "critical", "rules": ["r1"], "routes": ["critical (sms)"]},
                     "cpu": {"severity": "warning", "rules": ["r2"], "routes": []}}},
        {"kind": "cluster", "name": "livecommerce-prod", "missing": [], "signals": {}}],
        "routes": [{"name": "critical"}], "alert_rules": 2,
        "gaps": [{"kind": "service", "target": "shop", "problem": "no rule for latency"}]}
    text = build_report(_items(platform(), platform(), coverage=cov))
    assert "2 targets, 1 gaps." in text
    assert "- service shop: no rule for latency" in text
    assert "| `service: shop` | cpu ❌ unrouted, error-rate ✅ | latency |" in text
    assert "| `cluster: livecommerce-prod` | – | – |" in text
    assert_well_formed(text)


def test_when_nothing_fits_the_summary_alone_is_left():
    items = _items(_big_plan("prod", 40, 0), _big_plan("prod", 40, 1))
    text = build_report(items, budget=900, data_dir="out/data")
    assert len(text) < 900
    assert "too large for one comment" in text and "`out/data/`" in text
    assert_well_formed(text)
