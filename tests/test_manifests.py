"""livecommerce.manifests: plan -> one YAML file per Kubernetes object."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from livecommerce.engine import record
from livecommerce.errors import UserError
from livecommerce.k8s_validate import validate_builtin
from livecommerce.manifests import (
    MARKER,
    REDACTED_ANNOTATION,
    api_version_kind,
    render_manifests,
    write_manifests,
)

K8S_VERSION = "1.33.1-aliyun.1"


def _program():
    """A small but real set of pulumi_kubernetes objects on the stack's ACK provider and an external one."""
    ack = k8s.Provider("test-ack", kubeconfig=pulumi.Output.secret("kubeconfig"))
    idc = k8s.Provider("test-external-idc", kubeconfig=pulumi.Output.secret("kubeconfig"))
    on_ack, on_idc = pulumi.ResourceOptions(provider=ack), pulumi.ResourceOptions(provider=idc)
    labels = {"app": "shop"}
    deployment_spec = {
        "replicas": 2, "selector": {"matchLabels": labels},
        "template": {"metadata": {"labels": labels},
                     "spec": {"containers": [{"name": "shop", "image": "registry.example/shop:1.0",
                                              "ports": [{"containerPort": 8080}]}]}},
    }
    k8s.core.v1.Namespace("live", metadata={"name": "live"}, opts=on_ack)
    k8s.apps.v1.Deployment("shop", metadata={"name": "shop", "namespace": "live"}, spec=deployment_spec,
                           opts=on_ack)
    k8s.core.v1.Service("shop-svc", metadata={"name": "shop", "namespace": "live"},
                        spec={"selector": labels, "ports": [{"port": 80, "targetPort": 8080}]}, opts=on_ack)
    k8s.autoscaling.v2.HorizontalPodAutoscaler(
        "shop-hpa", metadata={"name": "shop", "namespace": "live"},
        spec={"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "shop"},
              "minReplicas": 2, "maxReplicas": 10}, opts=on_ack)
    k8s.core.v1.Secret("shop-secret", metadata={"name": "shop-db", "namespace": "live"},
                       string_data={"password": pulumi.Output.secret("hunter2")}, opts=on_ack)
    k8s.apiextensions.CustomResource(
        "shop-rp", api_version="scheduling.alibabacloud.com/v1alpha1", kind="ResourcePolicy",
        metadata={"name": "shop", "namespace": "live"},
        spec={"strategy": "prefer", "units": [{"resource": "ecs"}, {"resource": "eci"}]}, opts=on_ack)
    k8s.apps.v1.DeploymentPatch("shop-patch", metadata={"name": "shop", "namespace": "live"}, opts=on_ack)
    k8s.rbac.v1.ClusterRole("reader", metadata={"name": "reader"}, rules=[], opts=on_ack)
    k8s.apps.v1.Deployment("idc-shop", metadata={"name": "shop", "namespace": "live"}, spec=deployment_spec,
                           opts=on_idc)


@pytest.fixture(scope="module")
def plan():
    return record(_program, stack="test")


def test_one_file_per_object_with_stable_lowercase_names(plan):
    files = render_manifests(plan)
    assert list(files) == sorted([
        "_cluster/clusterrole-reader.yaml",
        "_cluster/namespace-live.yaml",
        "live/deployment-shop.yaml",
        "live/horizontalpodautoscaler-shop.yaml",
        "live/resourcepolicy-shop.yaml",
        "live/secret-shop-db.yaml",
        "live/service-shop.yaml",
        "_test-external-idc/live/deployment-shop.yaml",
    ])
    assert render_manifests(plan) == files  # deterministic


def test_objects_rebuild_api_version_and_kind_from_the_type(plan):
    files = render_manifests(plan)
    svc = yaml.safe_load(files["live/service-shop.yaml"])
    assert (svc["apiVersion"], svc["kind"]) == ("v1", "Service")
    rp = yaml.safe_load(files["live/resourcepolicy-shop.yaml"])
    assert (rp["apiVersion"], rp["kind"]) == ("scheduling.alibabacloud.com/v1alpha1", "ResourcePolicy")
    assert rp["spec"]["units"] == [{"resource": "ecs"}, {"resource": "eci"}]
    assert list(yaml.safe_load(files["live/deployment-shop.yaml"]))[:3] == ["apiVersion", "kind", "metadata"]


def test_builtin_kinds_pass_kubernetes_validate(plan):
    for path, text in render_manifests(plan).items():
        obj = yaml.safe_load(text)
        if "alibabacloud.com" in obj["apiVersion"]:
            continue
        assert validate_builtin(obj, K8S_VERSION) == [], path


def test_secrets_never_appear(plan):
    files = render_manifests(plan)
    assert not any("hunter2" in text or "kubeconfig" in text for text in files.values())
    secret = yaml.safe_load(files["live/secret-shop-db.yaml"])
    assert "stringData" not in secret
    assert secret["metadata"]["annotations"][REDACTED_ANNOTATION] == "stringData"


@pytest.mark.parametrize("token,expected", [
    ("kubernetes:apps/v1:Deployment", ("apps/v1", "Deployment")),
    ("kubernetes:core/v1:Service", ("v1", "Service")),
    ("kubernetes:scheduling.alibabacloud.com/v1alpha1:ResourcePolicy",
     ("scheduling.alibabacloud.com/v1alpha1", "ResourcePolicy")),
    ("kubernetes:autoscaling.alibabacloud.com/v1beta1:CronHorizontalPodAutoscaler",
     ("autoscaling.alibabacloud.com/v1beta1", "CronHorizontalPodAutoscaler")),
    ("pulumi:providers:kubernetes", None),
    ("kubernetes:helm.sh/v3:Release", None),
    ("kubernetes:yaml:ConfigFile", None),
    ("kubernetes:apps/v1:DeploymentPatch", None),
    ("kubernetes:core/v1:ConfigMapList", None),
    ("alicloud:cs/nodePool:NodePool", None),
])
def test_api_version_kind(token, expected):
    assert api_version_kind(token) == expected


def _obj(name, token="kubernetes:core/v1:ConfigMap", ns="live", provider=None, **inputs):
    res = {"urn": f"urn:x::{name}", "type": token, "name": name, "parent": None, "custom": True,
           "protect": False, "inputs": {"metadata": {"name": name, **({"namespace": ns} if ns else {})}, **inputs},
           "dependencies": [], "propertyDependencies": {}}
    if provider:
        res["options"] = {"provider": f"urn:pulumi:s::livecommerce::pulumi:providers:kubernetes::{provider}"}
    return res


def test_namespace_defaults_and_group_disambiguation():
    plan = {"stack": "s", "resources": [
        _obj("a", ns=None),
        _obj("x", token="kubernetes:networking.k8s.io/v1:Ingress"),
        _obj("x", token="kubernetes:extensions.example.com/v1:Ingress"),
    ]}
    assert set(render_manifests(plan)) == {"default/configmap-a.yaml", "live/ingress.networking.k8s.io-x.yaml",
                                           "live/ingress.extensions.example.com-x.yaml"}


@given(st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True), unique=True, max_size=8))
def test_every_object_gets_its_own_file(names):
    plan = {"stack": "s", "resources": [_obj(n, provider="s-ack") for n in names]}
    files = render_manifests(plan)
    assert len(files) == len(names)
    assert all(p == p.lower() and p.endswith(".yaml") for p in files)


def test_write_is_atomic_and_replaces_only_its_own_output(tmp_path, plan):
    out = tmp_path / "manifests"
    written = write_manifests(plan, out)
    assert sorted(p.relative_to(out).as_posix() for p in written) == sorted(render_manifests(plan))
    assert all(p.is_file() for p in written) and (out / MARKER).is_file()
    # a second run replaces the first set wholesale (no stale files left behind)
    (out / "live" / "stale.yaml").write_text("kind: Stale\n")
    write_manifests(plan, out)
    assert not (out / "live" / "stale.yaml").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp dirs left over
    # a directory someone else owns is refused, untouched
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "keep.txt").write_text("mine")
    with pytest.raises(UserError, match="not empty and was not written by livecommerce"):
        write_manifests(plan, theirs)
    assert (theirs / "keep.txt").read_text() == "mine"


def test_the_shipped_stacks_manifests_pass_kubernetes_validate():
    from livecommerce.engine import run_preview

    for env in ("dev", "prod"):
        for path, text in render_manifests(run_preview(env).plan).items():
            obj = yaml.safe_load(text)
            if obj["apiVersion"].split("/")[0].endswith("alibabacloud.com"):
                continue  # CRDs: checked against their own schemas in the workloads tests
            assert validate_builtin(obj, K8S_VERSION) == [], f"{env}: {path}"
