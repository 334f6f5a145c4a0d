"""Our JSON Schemas for ResourcePolicy and CronHPA accept the documented shapes and reject the mistakes."""

from __future__ import annotations

import copy
import json
from importlib import resources

import jsonschema
import pytest
import yaml

from livecommerce.k8s_validate import validate_crd

# The examples in the Alibaba Cloud docs (platform-facts.md sections 3.4 and 3.6), verbatim in shape.
DOCUMENTED_RESOURCE_POLICY = """
apiVersion: scheduling.alibabacloud.com/v1alpha1
kind: ResourcePolicy
metadata: {name: test, namespace: default}
spec:
  selector: {key1: value1}
  strategy: prefer
  units:
  - resource: ecs
    nodeSelector: {alibabacloud.com/nodepool-id: np-xxxx}
    max: 10
    podLabels: {key1: value1}
    podAnnotations: {key1: value1}
  - resource: eci
  preemptPolicy: AfterAllUnits
  ignorePreviousPod: false
  ignoreTerminatingPod: true
  matchLabelKeys: [pod-template-hash]
  whenTryNextUnits: {policy: TimeoutOrExceedMax, timeout: 1m}
"""

DOCUMENTED_CRON_HPA = """
apiVersion: autoscaling.alibabacloud.com/v1beta1
kind: CronHorizontalPodAutoscaler
metadata: {name: cronhpa-sample, namespace: default, labels: {controller-tools.k8s.io: "1.0"}}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: nginx-deployment-basic}
  excludeDates: ["* * * 15 11 *", "* * * * * 5"]
  jobs:
  - {name: scale-down, schedule: "30 */1 * * * *", targetSize: 1}
  - {name: scale-up,   schedule: "0 */1 * * * *",  targetSize: 3, runOnce: true}
"""

HPA_COMPATIBLE_CRON_HPA = """
apiVersion: autoscaling.alibabacloud.com/v1beta1
kind: CronHorizontalPodAutoscaler
metadata: {name: cronhpa-sample}
spec:
  scaleTargetRef: {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, name: hpa-sample}
  jobs:
  - {name: scale-down, schedule: "30 */1 * * * *", targetSize: 1}
  - {name: scale-up, schedule: "@date 2026-11-11 19:30:00", targetSize: 11}
  - {name: hourly, schedule: "@every 1h30m", targetSize: 4}
"""


@pytest.mark.parametrize(("package", "name"), [("components.workloads", "resourcepolicy.schema.json"),
                                             ("components.workloads", "cronhpa.schema.json"),
                                             ("components.governance", "mseingressconfig.schema.json")])
def test_schemas_are_valid_draft_2020_12(package, name):
    text = resources.files(package).joinpath("schemas", name).read_text("utf-8")
    jsonschema.Draft202012Validator.check_schema(json.loads(text))


@pytest.mark.parametrize("doc", [DOCUMENTED_RESOURCE_POLICY, DOCUMENTED_CRON_HPA, HPA_COMPATIBLE_CRON_HPA])
def test_documented_examples_validate(doc):
    assert validate_crd(yaml.safe_load(doc)) == []


def rp() -> dict:
    return yaml.safe_load(DOCUMENTED_RESOURCE_POLICY)


def cron() -> dict:
    return yaml.safe_load(DOCUMENTED_CRON_HPA)


def mutated(base: dict, path: str, value) -> dict:
    obj = copy.deepcopy(base)
    *parents, last = path.split(".")
    node = obj
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    if value is DELETE:
        del node[int(last) if last.isdigit() else last]
    elif last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return obj


DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("spec.units", [], "spec.units: [] should be non-empty"),
        ("spec.units.1.resource", "vk", "spec.units.1.resource: 'vk' is not one of"),
        ("spec.units.0.max", -1, "spec.units.0.max: -1 is less than the minimum of 0"),
        ("spec.units.0.max", "10", "spec.units.0.max: '10' is not of type 'integer'"),
        ("spec.units.0.nodeselector", {"a": "b"}, "'nodeselector' was unexpected"),
        ("spec.strategy", "required", "spec.strategy: 'required' is not one of ['prefer']"),
        ("spec.whenTryNextUnits.policy", "Timeout", "spec.whenTryNextUnits.policy: 'Timeout' is not one of"),
        ("spec.whenTryNextUnits.timeout", "1 minute", "spec.whenTryNextUnits.timeout: '1 minute' does not match"),
        ("spec.selector", {"app": 1}, "spec.selector.app: 1 is not of type 'string'"),
        ("spec.units", DELETE, "spec: 'units' is a required property"),
        ("metadata.name", "Web_Policy", "metadata.name: 'Web_Policy' does not match"),
        (
            "apiVersion",
            "scheduling.alibabacloud.com/v1",
            "no schema for kind 'ResourcePolicy' in 'scheduling.alibabacloud.com/v1'",
        ),
    ],
)
def test_resource_policy_mistakes_are_reported(path, value, expected):
    problems = validate_crd(mutated(rp(), path, value))
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("spec.jobs.0.schedule", "30 */1 * * *", "spec.jobs.0.schedule: '30 */1 * * *' is not valid"),
        ("spec.jobs.0.targetSize", -1, "spec.jobs.0.targetSize: -1 is less than the minimum of 0"),
        ("spec.jobs.0.runOnce", "true", "spec.jobs.0.runOnce: 'true' is not of type 'boolean'"),
        ("spec.jobs.0.target_size", 3, "'target_size' was unexpected"),
        ("spec.jobs.0.targetSize", DELETE, "spec.jobs.0: 'targetSize' is a required property"),
        ("spec.scaleTargetRef.apiVersion", "v1", "spec.scaleTargetRef.apiVersion: 'v1' does not match"),
        ("spec.scaleTargetRef", DELETE, "spec: 'scaleTargetRef' is a required property"),
        ("spec.cronMode", "Paused", "spec.cronMode: 'Paused' is not one of ['Enable', 'Disable']"),
        ("spec.excludeDates.0", "2026-11-15", "spec.excludeDates.0: '2026-11-15' does not match"),
        ("kind", "CronHPA", "(root): no schema for kind 'CronHPA'"),
    ],
)
def test_cron_hpa_mistakes_are_reported(path, value, expected):
    problems = validate_crd(mutated(cron(), path, value))
    assert any(expected in p for p in problems), problems


def test_cron_hpa_job_names_must_be_unique():
    obj = mutated(cron(), "spec.jobs.1.name", "scale-down")
    assert validate_crd(obj) == ["spec.jobs.1.name: 'scale-down' is used by an earlier job; names must be unique"]


def test_cron_hpa_field_ranges_are_checked():
    obj = mutated(cron(), "spec.jobs.0.schedule", "0 60 24 0 13 7")
    assert validate_crd(obj) == [
        "spec.jobs.0.schedule: minutes 60 is outside 0-59",
        "spec.jobs.0.schedule: hours 24 is outside 0-23",
        "spec.jobs.0.schedule: day of month 0 is outside 1-31",
        "spec.jobs.0.schedule: month 13 is outside 1-12",
        "spec.jobs.0.schedule: day of week 7 is outside 0-6",
    ]


def test_cron_hpa_zero_step_is_refused():
    obj = mutated(cron(), "spec.jobs.0.schedule", "*/0 * * * * *")
    assert validate_crd(obj) == ["spec.jobs.0.schedule: seconds '*/0': the step must be a positive number"]


def test_unknown_top_level_key_is_refused_in_both():
    for base in (rp(), cron()):
        obj = mutated(base, "specs", {})
        assert any("'specs' was unexpected" in p for p in validate_crd(obj))
