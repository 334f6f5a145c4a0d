"""The PR report shows the provider contracts first, one line per violation, and writes them to the JSON."""

from __future__ import annotations

import copy

from livecommerce.contracts import check_plan
from livecommerce.engine import preview_stack
from livecommerce.review.report import EnvInput, build_report, report_files
from tests.clock import NOW


def test_contract_violations_come_first_in_the_report():
    dev = preview_stack("dev", now=NOW)
    broken = copy.deepcopy(dev)
    cluster = next(r for r in broken["resources"] if r["type"] == "alicloud:cs/managedKubernetes:ManagedKubernetes")
    cluster["inputs"]["proxyMode"] = "userspace"
    item = EnvInput("dev", broken, contracts=check_plan(broken).to_dict())
    text = build_report([item])
    lines = text.splitlines()
    first = next(i for i, ln in enumerate(lines) if "Provider contracts" in ln)
    summary = next(i for i, ln in enumerate(lines) if ln.startswith("| environment |"))
    assert first < summary
    assert ('> - `dev`: cs/ManagedKubernetes `dev-ack-cluster` `proxyMode` = `"userspace"`: one of "iptables", '
            '"ipvs", "nftables" [alicloud/resource_alicloud_cs_managed_kubernetes.go:322]') in lines
    files = report_files([item])
    assert '"path": "proxyMode"' in files["dev.contracts.json"]


def test_a_clean_stack_gets_one_passed_line_and_no_callout():
    dev = preview_stack("dev", now=NOW)
    text = build_report([EnvInput("dev", dev, contracts=check_plan(dev).to_dict())])
    assert "Provider contracts: passed (" in text and "[!IMPORTANT]" not in text


def test_reports_without_contract_results_are_unchanged():
    dev = preview_stack("dev", now=NOW)
    assert "Provider contracts" not in build_report([EnvInput("dev", dev)])
