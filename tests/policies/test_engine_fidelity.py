"""What makes the harness engine-faithful: proxies, unknowns, stack rules with dependencies, no echoed secrets."""

from __future__ import annotations

import json
from collections.abc import Mapping

from pulumi_policy import ResourceValidationPolicy
from rich.console import Console

from livecommerce import checking

from . import cases as C
from .harness import all_mandatory_config, findings, plan


def test_props_arrive_as_read_only_proxies_with_float_numbers(tmp_path, monkeypatch):
    seen = {}
    rule = next(p for p in checking._pack().POLICIES if p.name == "alicloud-log-store-configure-retention")
    original = rule.validate

    def spy(args, report):
        seen["props"] = args.props
        seen["retention"] = args.props["retentionPeriod"]
        return original(args, report)

    monkeypatch.setattr(rule, "validate", spy)
    findings(plan(C.STORE), all_mandatory_config(tmp_path))
    assert isinstance(seen["props"], Mapping) and not isinstance(seen["props"], dict)
    assert isinstance(seen["retention"], float)


def test_unknown_values_are_skipped_not_violations(tmp_path):
    """A value unknown at preview raises inside the rule; the analyzer reports "can't run", not a violation."""
    store = C.mutate(C.STORE, C.setv(("retentionPeriod",), "[unknown]"))
    report = checking.evaluate(plan(store), "test", waivers_path=None, config_dir=all_mandatory_config(tmp_path))
    got = [f for f in report.findings if f.rule == "alicloud-log-store-configure-retention"]
    assert [f.status for f in got] == ["skipped"]
    assert not report.failed


def test_stack_rules_pair_resources_by_property_dependencies_not_names(tmp_path):
    """An auto-named bucket (name unknown offline) is still paired with its SSE resource."""
    cfg = all_mandatory_config(tmp_path)
    rule = "alicloud-oss-bucket-enable-server-side-encryption"
    assert findings(plan(C.ANON_BUCKET, C.ANON_SSE), cfg, rule=rule) == []
    other = C.res(C.T["bucket"], "other", {"tags": C.TAGS})
    got = findings(plan(C.ANON_BUCKET, C.ANON_SSE, other), cfg, rule=rule)
    assert [f.resource for f in got] == ["other"]


def test_stack_violations_carry_the_offending_urn(tmp_path):
    got = findings(
        plan(C.DEPLOY), all_mandatory_config(tmp_path), rule="kubernetes-apps-deployment-require-pod-disruption-budget"
    )
    assert [f.urn for f in got] == [C.DEPLOY["urn"]]


def test_components_and_providers_are_not_analyzed_as_resources(tmp_path):
    comp = C.res("livecommerce:media:Media", "media", {"acl": "public-read"}, custom=False)
    prov = C.res("pulumi:providers:alicloud", "default", {"acl": "public-read"})
    report = checking.evaluate(plan(comp, prov), "test", waivers_path=None, config_dir=all_mandatory_config(tmp_path))
    assert report.findings == [] and report.resources == 0


def test_secret_values_never_reach_the_output(tmp_path):
    secret_env = "LTAI5tAbCdEfGhIjKlMnOp"
    literal = "hunter2-very-secret"
    fn = C.mutate(C.FN, C.setv(("environmentVariables", "MYSTERY"), secret_env))
    deploy = C.container(lambda c: c.update(env=[{"name": "DB_PASSWORD", "value": literal}]))
    report = checking.evaluate(
        plan(fn, deploy, C.PDB), "test", waivers_path=None, config_dir=all_mandatory_config(tmp_path)
    )
    assert {f.rule for f in report.mandatory} >= {
        "alicloud-fc-v3function-disallow-plaintext-secrets",
        "kubernetes-apps-workload-disallow-secrets-in-env",
    }
    console = Console(record=True, width=200)
    checking.render_text(report, console)
    for out in (console.export_text(), checking.render_json(report)):
        assert secret_env not in out and literal not in out


def test_the_analyzer_prefixes_messages_with_the_description(tmp_path):
    bad = plan(C.mutate(C.ACL, C.setv(("acl",), "public-read")))
    raw = checking.raw_diagnostics(bad, checking.resolve_config(checking._pack().POLICIES, "mandatory", {}))
    acl = [d for d in raw if d.get("policy") == "alicloud-oss-bucket-disallow-public-acl"]
    assert acl and acl[0]["message"].startswith("OSS buckets must not have a public")
    assert "media-acl: the ACL grants public access. Fix: " in acl[0]["message"]


def test_resource_rules_are_type_filtered(tmp_path):
    """A property that looks like an ACL on another type is not judged by the OSS rule."""
    odd = C.res("alicloud:fc/v3LayerVersion:V3LayerVersion", "layer", {"acl": "public-read"})
    assert findings(plan(odd), all_mandatory_config(tmp_path), rule="alicloud-oss-bucket-disallow-public-acl") == []


def test_report_json_is_deterministic_and_versioned(tmp_path):
    cfg = all_mandatory_config(tmp_path)
    p = plan(C.DEPLOY, C.BUCKET)
    a = checking.render_json(checking.evaluate(p, "test", waivers_path=None, config_dir=cfg))
    b = checking.render_json(checking.evaluate(p, "test", waivers_path=None, config_dir=cfg))
    assert a == b and json.loads(a)["format"] == "livecommerce.check/v1"


def test_resource_policies_are_real_crossguard_objects():
    assert all(isinstance(p, ResourceValidationPolicy) or p.livecommerce.stack for p in checking._pack().POLICIES)
