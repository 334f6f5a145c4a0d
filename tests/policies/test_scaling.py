"""The policy check is linear in the plan (issue 18 item 18), and its dispatch changes no result.

No timings here (benchmarks/bench_check.py prints the curve): these tests count work. A rule reads
props through the SDK's proxies, and the SDK deserializes a resource into a fresh proxy for each rule
that sees it; both counts must double, not quadruple, when the plan doubles. A stack rule that paired
every workload with every PDB (as before) fails the read count.
"""

from __future__ import annotations

import json

import pytest
from pulumi.runtime import proto
from pulumi_policy import policy as sdk_policy
from pulumi_policy import proxy as sdk_proxy

from livecommerce import checking

from . import cases as C
from .cases import CASES
from .harness import plan, res

EVERYTHING = {"all": "mandatory"}
T = C.T


def service(i: int) -> list[dict]:
    """One service's resources, all in namespace `shop` (the worst case for pairing by namespace)."""
    name = f"svc-{i:04d}"
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "livecommerce"}

    def renamed(resource: dict, suffix: str, fn=None) -> dict:
        r = C.mutate(resource, fn or (lambda _: None))
        r["name"] = f"{name}-{suffix}"
        r["urn"] = r["urn"].rsplit("::", 1)[0] + f"::{r['name']}"
        return r

    def k8s(i_: dict) -> None:
        i_["metadata"]["name"] = name

    deploy = renamed(
        C.DEPLOY,
        "deploy",
        lambda i_: (
            k8s(i_),
            i_["spec"].update(selector={"matchLabels": labels}),
            i_["spec"]["template"]["metadata"].update(labels=labels),
        ),
    )
    pdb = renamed(C.PDB, "pdb", lambda i_: (k8s(i_), i_["spec"].update(selector={"matchLabels": labels})))
    hpa = renamed(C.HPA, "hpa", lambda i_: (k8s(i_), i_["spec"]["scaleTargetRef"].update(name=name)))
    svc = renamed(C.SVC, "svc", lambda i_: (k8s(i_), i_["spec"].update(selector=labels)))
    bucket = renamed(C.BUCKET, "bucket", lambda i_: i_.update(bucket=f"lc-{name}"))
    subs = [
        res(T[kind], f"{name}-{kind}", {"bucket": f"lc-{name}", **inputs}, deps={"bucket": [bucket]})
        for kind, inputs in (
            ("sse", {"sseAlgorithm": "KMS"}),
            ("ver", {"status": "Enabled"}),
            ("bpa", {"blockPublicAccess": True}),
        )
    ]
    role = renamed(C.ROLE, "role", lambda i_: i_.update(roleName=f"lc-{name}"))
    fn = res(
        T["fn"],
        f"{name}-fn",
        {**C.FN["inputs"], "functionName": f"lc-{name}", "role": f"acs:ram::123:role/lc-{name}"},
        deps={"role": [role]},
    )
    trig = res(
        T["trig"], f"{name}-trig", {**C.TRIG["inputs"], "functionName": f"lc-{name}"}, deps={"functionName": [fn]}
    )
    async_ = res(
        T["async"], f"{name}-async", {**C.ASYNC["inputs"], "functionName": f"lc-{name}"}, deps={"functionName": [fn]}
    )
    pool = res(T["np"], f"{name}-pool", C.NP["inputs"], deps={"vswitchIds": [C.VSW_A, C.VSW_B]})
    return [deploy, pdb, hpa, svc, bucket, *subs, role, fn, trig, async_, pool]


def scaled(n: int) -> dict:
    return plan(C.ACK, C.VSW_A, C.VSW_B, C.PROM, C.DENY, *(r for i in range(n) for r in service(i)))


def full_pack_diagnostics(p: dict, resolved: dict) -> list[dict]:
    """What the engine gets from the whole pack: every rule on every resource, one AnalyzeStack over all."""
    servicer = checking._analyzer(resolved)
    out = []
    resources = [r for r in p["resources"] if r["type"] != "pulumi:pulumi:Stack"]
    for r in resources:
        if checking._analyzable(r):
            request = proto.AnalyzeRequest(
                type=r["type"],
                properties=checking._struct(r.get("inputs") or {}),
                urn=r["urn"],
                name=r["name"],
                options=checking._options(r),
            )
            out += checking._diagnostics(servicer.Analyze(request, None), r["urn"])
    stack = [checking._stack_resource(r, checking._struct(r.get("inputs") or {})) for r in resources]
    return out + checking._diagnostics(servicer.AnalyzeStack(proto.AnalyzeStackRequest(resources=stack), None), "")


def canonical(diagnostics: list[dict]) -> list[str]:
    return sorted(json.dumps(d, sort_keys=True) for d in diagnostics)


def resolved_all() -> dict:
    return checking.resolve_config(checking._pack().POLICIES, "mandatory", EVERYTHING)


PLANS = {
    f"{rule}:{kind}": plan(*case[i]) for rule, case in sorted(CASES.items()) for i, kind in ((0, "good"), (1, "bad"))
}


@pytest.mark.parametrize("name", sorted(PLANS))
def test_dispatch_reports_what_the_whole_pack_reports(name):
    resolved = resolved_all()
    p = PLANS[name]
    assert canonical(checking.raw_diagnostics(p, resolved)) == canonical(full_pack_diagnostics(p, resolved))


def test_dispatch_reports_what_the_whole_pack_reports_on_a_scaled_plan():
    resolved = resolved_all()
    p = scaled(6)
    got = checking.raw_diagnostics(p, resolved)
    assert got and canonical(got) == canonical(full_pack_diagnostics(p, resolved))


@pytest.fixture
def counters(monkeypatch):
    """Counts proxy reads (rules looking at props) and proxy builds (the SDK deserializing a resource)."""
    count = {"reads": 0, "deserialized": 0}

    def counting(method):
        def wrapper(self, key):
            count["reads"] += 1
            return method(self, key)

        return wrapper

    monkeypatch.setattr(sdk_proxy._DictProxy, "__getitem__", counting(sdk_proxy._DictProxy.__getitem__))
    monkeypatch.setattr(sdk_proxy._ListProxy, "__getitem__", counting(sdk_proxy._ListProxy.__getitem__))
    build = sdk_policy.unknown_checking_proxy

    def deserialize(props):
        count["deserialized"] += 1
        return build(props)

    monkeypatch.setattr(sdk_policy, "unknown_checking_proxy", deserialize)
    return count


def work(n: int, counters: dict) -> tuple[int, int, int]:
    p = scaled(n)
    counters.update(reads=0, deserialized=0)
    checking.raw_diagnostics(p, resolved_all())
    return len(p["resources"]), counters["reads"], counters["deserialized"]


def test_work_grows_linearly_with_the_plan(counters):
    small, large = work(40, counters), work(80, counters)
    growth = (large[0] - 5) / (small[0] - 5)  # five shared resources do not scale
    assert growth == 2
    assert large[1] <= 2.1 * small[1], f"prop reads grew {large[1] / small[1]:.2f}x for 2x the services"
    assert large[2] <= 2.1 * small[2], f"deserializations grew {large[2] / small[2]:.2f}x for 2x the services"


def test_each_resource_is_deserialized_only_by_the_rules_that_judge_it(counters):
    """A ConfigMap is judged by two resource rules (namespace, nothing else applies to it) and no stack rule."""
    cm = res(T["cm"], "settings", {"metadata": {"name": "settings", "namespace": "shop"}, "data": {"a": "b"}})
    resolved = resolved_all()
    applicable = [
        p
        for p in checking._pack().POLICIES
        if not p.livecommerce.stack and checking._in_scope(T["cm"], p.livecommerce.types)
    ]
    stack_scoped = [
        p
        for p in checking._pack().POLICIES
        if p.livecommerce.stack and checking._in_scope(T["cm"], p.livecommerce.types)
    ]
    counters.update(deserialized=0)
    checking.raw_diagnostics(plan(cm), resolved)
    assert counters["deserialized"] == len(applicable) + len(stack_scoped)
    assert len(applicable) < len(checking._pack().POLICIES) / 10


def test_dispatch_reports_what_the_whole_pack_reports_on_the_shipped_prod_stack():
    from livecommerce.engine import preview_stack

    resolved = resolved_all()
    for env in ("dev", "prod"):
        p = preview_stack(env)
        got = checking.raw_diagnostics(p, resolved)
        assert canonical(got) == canonical(full_pack_diagnostics(p, resolved)), env
        # prod has no finding left since the access-logs bucket is exempt by rule; dev's advisories keep the
        # comparison from being vacuous.
        assert got or env == "prod"
