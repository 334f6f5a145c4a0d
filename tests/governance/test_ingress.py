"""MSE Ingress binding: the MseIngressConfig reusing the platform gateway and IngressClass `mse` bound to it,
alone under the recording mocks and in the real stacks (every `mse` Ingress waits for the class)."""

from __future__ import annotations

import copy

import pulumi
import pytest
import yaml

from components.naming import naming_for
from components.container_platform.cluster_settings import DEFAULT_ADDONS, REQUIRED_ADDONS
from components.workloads.canary import INGRESS_CLASS
from components.governance.ingress import (
    CONTROLLER,
    MseIngress,
    MseIngressArgs,
    config_name,
    ingress_class,
    mse_ingress_config,
)
from livecommerce.engine import record, run_preview
from livecommerce.k8s_validate import validate_builtin, validate_crd
from tests.governance.helpers import by_type, children, one

NAMING = naming_for("t")

COMPONENT = "livecommerce:governance:MseIngress"
CONFIG = "kubernetes:mse.alibabacloud.com/v1alpha1:MseIngressConfig"
CLASS = "kubernetes:networking.k8s.io/v1:IngressClass"
INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
ADDON = "alicloud:cs/kubernetesAddon:KubernetesAddon"
K8S_VERSION = "1.33.1-aliyun.1"
LABELS = {"app.kubernetes.io/part-of": "livecommerce", "env": "t"}

# The reuse example of "Configure an MseIngressConfig" (Alibaba Cloud MSE docs), in shape.
DOCUMENTED_REUSE = """
apiVersion: mse.alibabacloud.com/v1alpha1
kind: MseIngressConfig
metadata: {name: reuse}
spec:
  id: gw-xxxx
  override: false
  ingress: {local: {ingressClass: mse}}
"""
# The complete example of the same page (a gateway the controller creates), in shape.
DOCUMENTED_FULL = """
apiVersion: mse.alibabacloud.com/v1alpha1
kind: MseIngressConfig
metadata: {name: test}
spec:
  name: mse-ingress
  common:
    pay: {payType: POSTPAY}
    instance: {spec: 4c8g, replicas: 3}
    network: {vSwitches: [vsw-1, vsw-2], publicSLBSpec: slb.s2.small}
    securityGroupType: normal
  global:
    tls: {enableHardwareAcceleration: true}
    ipAccessControl: {whitelist: [1.1.1.1, 2.2.0.0/16]}
  monitor:
    logging: {sls: {reuseProject: xxx}}
    tracing: {xTrace: {sampleRate: "100"}}
  ingress: {local: {ingressClass: mse, watchNamespace: ""}}
"""


def build(gateway_id: str = "gw-abc123") -> dict:
    def program():
        MseIngress("t-mse-ingress", MseIngressArgs(naming=NAMING, gateway_id=pulumi.Output.from_input(gateway_id),
                                                    labels=LABELS))
    return record(program)


# --- pure manifests -------------------------------------------------------------------------------------

def test_config_reuses_the_gateway_by_id_without_overriding_its_settings():
    obj = mse_ingress_config("livecommerce-t", "gw-1", LABELS)
    assert (obj["apiVersion"], obj["kind"]) == ("mse.alibabacloud.com/v1alpha1", "MseIngressConfig")
    assert obj["spec"] == {"id": "gw-1", "override": False, "ingress": {"local": {"ingressClass": "mse"}}}
    assert "namespace" not in obj["metadata"]  # cluster-scoped, as the IngressClass parameters assume
    assert validate_crd(obj) == []


def test_ingress_class_is_the_one_the_workload_ingresses_name_and_points_at_the_config():
    obj = ingress_class(config_name(NAMING), LABELS)
    assert obj["metadata"]["name"] == INGRESS_CLASS == "mse"
    assert obj["spec"] == {"controller": CONTROLLER, "parameters": {
        "apiGroup": "mse.alibabacloud.com", "kind": "MseIngressConfig", "name": "livecommerce-t"}}
    assert CONTROLLER == "mse.alibabacloud.com/ingress"
    assert validate_builtin(obj, K8S_VERSION) == []


# --- schema ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [DOCUMENTED_REUSE, DOCUMENTED_FULL])
def test_schema_accepts_the_documented_examples(text):
    assert validate_crd(yaml.safe_load(text)) == []


@pytest.mark.parametrize(("mutate", "where"), [
    (lambda o: o["spec"].update(id="mse-123"), "spec.id"),                        # not a gateway id
    (lambda o: o["spec"].update(overide=False), "spec"),                          # typo
    (lambda o: o["spec"]["ingress"]["local"].update(ingressclass="mse"), "spec.ingress.local"),
    (lambda o: o["metadata"].update(namespace="default"), "metadata"),           # cluster-scoped
    (lambda o: o["spec"].pop("id"), "spec"),                                      # override without a gateway to reuse
])
def test_schema_rejects_the_mistakes(mutate, where):
    obj = yaml.safe_load(DOCUMENTED_REUSE)
    mutate(obj)
    problems = validate_crd(obj)
    assert problems and all(p.startswith(where) for p in problems), problems


def test_schema_rejects_both_tracers_and_out_of_range_replicas():
    obj = yaml.safe_load(DOCUMENTED_FULL)
    bad = copy.deepcopy(obj)
    bad["spec"]["monitor"]["tracing"]["openTelemetry"] = {"sampleRate": "10"}
    assert validate_crd(bad)
    bad = copy.deepcopy(obj)
    bad["spec"]["common"]["instance"]["replicas"] = 31
    assert any(p.startswith("spec.common.instance.replicas") for p in validate_crd(bad))


# --- the component under the recording mocks ------------------------------------------------------------

def test_component_children_names_parents_and_the_gateway_id_in_spec_id():
    plan = build("gw-abc123")
    comp = one(plan, COMPONENT)
    assert comp["name"] == "t-mse-ingress"
    kids = {r["type"]: r for r in children(plan, comp)}
    assert set(kids) == {CONFIG, CLASS}
    config, cls = kids[CONFIG], kids[CLASS]
    assert (config["name"], cls["name"]) == ("t-mse-ingress-config", "t-mse-ingress-class")
    assert config["inputs"]["spec"]["id"] == "gw-abc123"
    assert config["inputs"]["metadata"] == {"name": "livecommerce-t", "labels": LABELS}
    assert cls["inputs"]["metadata"]["name"] == "mse"
    assert cls["inputs"]["spec"]["parameters"]["name"] == config["inputs"]["metadata"]["name"]
    assert config["urn"] in cls["dependencies"]  # the class never names a config that is not there yet


# --- the real stacks ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def prod() -> dict:
    return run_preview("prod").plan


def test_prod_has_exactly_one_ingress_class_mse_bound_to_the_config_reusing_the_platform_gateway(prod):
    [cls] = by_type(prod, CLASS)
    [config] = by_type(prod, CONFIG)
    [gateway] = by_type(prod, "alicloud:mse/gateway:Gateway")
    assert cls["inputs"]["metadata"]["name"] == "mse"
    params = cls["inputs"]["spec"]["parameters"]
    assert (params["apiGroup"], params["kind"], params["name"]) == (
        "mse.alibabacloud.com", "MseIngressConfig", config["inputs"]["metadata"]["name"])
    assert config["inputs"]["spec"]["id"].startswith("gw-")
    assert gateway["urn"] in config["dependencies"]  # the id is the gateway's output
    assert validate_crd({**config["inputs"], "apiVersion": "mse.alibabacloud.com/v1alpha1",
                         "kind": "MseIngressConfig"}) == []
    assert validate_builtin({**cls["inputs"], "apiVersion": "networking.k8s.io/v1", "kind": "IngressClass"},
                            K8S_VERSION) == []


def test_prod_every_mse_ingress_depends_on_the_ingress_class(prod):
    [cls] = by_type(prod, CLASS)
    ingresses = [r for r in by_type(prod, INGRESS) if r["inputs"]["spec"].get("ingressClassName") == "mse"]
    assert len(ingresses) >= 3  # base + canaries of the exposed services
    assert [r["name"] for r in ingresses if cls["urn"] not in r["dependencies"]] == []


def test_prod_installs_the_controller_addon(prod):
    assert "mse-ingress-controller" in DEFAULT_ADDONS and "mse-ingress-controller" in REQUIRED_ADDONS
    names = {r["inputs"]["name"] for r in by_type(prod, ADDON) if "prod-ack-addons-" in r["name"]}
    assert "mse-ingress-controller" in names
