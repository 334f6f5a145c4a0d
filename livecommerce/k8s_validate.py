"""Offline validation of the Kubernetes objects livecommerce generates.

* ``validate_builtin(obj, k8s_version)``: built-in kinds (Deployment, HPA, ...) against the OpenAPI-derived
  JSON Schemas that the ``kubernetes-validate`` package ships, one set per Kubernetes minor version. We
  use its *strict* schemas, which reject unknown keys, so a misspelt field fails here rather than being
  silently dropped by the API server.
* ``validate_crd(obj)``: the Alibaba Cloud CRDs we emit (``ResourcePolicy``, ``CronHorizontalPodAutoscaler``,
  ``MseIngressConfig``)
  against the schemas beside the code that emits them (``components/workloads/schemas/``,
  ``components/governance/schemas/``), written from the documented shapes,
  plus the checks a JSON Schema cannot express (unique job names, cron field ranges).

Both return every problem as ``"<path>: <message>"`` lines; an empty list means valid.
``kubernetes-validate`` and ``jsonschema`` are runtime dependencies (the provider contracts use both on every
preview); they are still imported lazily, so commands that never validate stay fast.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

_VERSION = re.compile(r"^v?(\d+)\.(\d+)")

#: (apiVersion, kind) -> (package, schema file under the package's schemas/).
CRD_SCHEMAS: dict[tuple[str, str], tuple[str, str]] = {
    ("scheduling.alibabacloud.com/v1alpha1", "ResourcePolicy"): ("components.workloads", "resourcepolicy.schema.json"),
    ("autoscaling.alibabacloud.com/v1beta1", "CronHorizontalPodAutoscaler"): ("components.workloads",
                                                                             "cronhpa.schema.json"),
    ("mse.alibabacloud.com/v1alpha1", "MseIngressConfig"): ("components.governance", "mseingressconfig.schema.json"),
    # ack-secret-manager's CRDs, beside the data block that emits them.
    ("alibabacloud.com/v1alpha1", "ExternalSecret"): ("components.data", "externalsecret.schema.json"),
    ("alibabacloud.com/v1alpha1", "SecretStore"): ("components.data", "secretstore.schema.json"),
}

# (lowest, highest) value of each 6-field cron field: seconds, minutes, hours, day of month, month, weekday.
_CRON_RANGES = ((0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6))


def _minor(version: str) -> tuple[int, int]:
    match = _VERSION.match(version.strip())
    if not match:
        raise ValueError(f"Kubernetes version {version!r}: expected something like 1.33 or 1.33.1-aliyun.1")
    return int(match.group(1)), int(match.group(2))


def supported_versions() -> list[str]:
    """The Kubernetes versions ``kubernetes-validate`` ships schemas for (e.g. ``1.25.0`` ... ``1.37.0``)."""
    from kubernetes_validate.utils import all_versions

    # all_versions() lists each version twice (plain and -strict folders).
    return sorted(set(all_versions()), key=_minor)


def schema_version(k8s_version: str) -> str:
    """The shipped schema version for a cluster version such as ``1.33.1-aliyun.1``.

    The newest shipped version with the same or a lower minor is used (the API of a minor never changes
    within its patch releases, and ACK's ``-aliyun.N`` suffix is a build tag). A cluster newer than the
    newest shipped schemas gets the newest ones, and one older than the oldest gets the oldest: the
    nearest available, since an older minor's schema still catches misspelt and mistyped fields.
    """
    wanted = _minor(k8s_version)
    shipped = supported_versions()
    not_newer = [v for v in shipped if _minor(v) <= wanted]
    return not_newer[-1] if not_newer else shipped[0]


@cache
def _builtin_validator(version: str, kind: str, api_version: str) -> Any | None:
    import jsonschema
    from kubernetes_validate.utils import schema_contents
    from referencing import Registry, Resource

    # Same file layout as kubernetes_validate.utils.validate: <kind>-<group without domain>-<version>.json.
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    folder = f"kubernetes-json-schema/v{version}-local-strict"
    try:
        schema = schema_contents(f"{folder}/{kind.lower()}-{group_version}.json", version)
    except FileNotFoundError:
        return None
    registry = _definitions(folder, version) @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.Draft202012Validator(schema, registry=registry)


@cache
def _definitions(folder: str, version: str) -> Any:
    """The shared ``_definitions.json`` of one version (1 MB of JSON): read once, not once per kind."""
    from kubernetes_validate.utils import schema_contents
    from referencing import Resource

    return Resource.from_contents(schema_contents(f"{folder}/_definitions.json", version))


def _errors(validator: Any, obj: dict) -> list[str]:
    out = []
    for error in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path))):
        path = ".".join(str(p) for p in error.absolute_path) or "(root)"
        out.append(f"{path}: {error.message}")
    return out


def validate_builtin(obj: dict, k8s_version: str) -> list[str]:
    """Problems with built-in Kubernetes object ``obj`` for a cluster at ``k8s_version`` (``[]`` = valid).

    An ``apiVersion``/``kind`` the Kubernetes version does not serve (e.g. ``autoscaling/v2beta2`` on
    1.26+) is itself a problem.
    """
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        return ["(root): apiVersion and kind must both be strings"]
    version = schema_version(k8s_version)
    validator = _builtin_validator(version, kind, api_version)
    if validator is None:
        return [f"(root): Kubernetes {version} has no {kind} in {api_version}"]
    return _errors(validator, obj)


@cache
def _crd_validator(package: str, filename: str) -> Any:
    import jsonschema

    text = resources.files(package).joinpath("schemas", filename).read_text("utf-8")
    schema = json.loads(text)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def validate_crd(obj: dict) -> list[str]:
    """Problems with a ``ResourcePolicy``, ``CronHorizontalPodAutoscaler`` or ``MseIngressConfig`` (``[]`` = valid)."""
    key = (obj.get("apiVersion"), obj.get("kind"))
    where = CRD_SCHEMAS.get(key)  # type: ignore[arg-type]
    if where is None:
        known = ", ".join(f"{k} ({a})" for a, k in CRD_SCHEMAS)
        return [f"(root): no schema for kind {key[1]!r} in {key[0]!r}; known: {known}"]
    problems = _errors(_crd_validator(*where), obj)
    if key[1] == "CronHorizontalPodAutoscaler" and not problems:
        problems += _cronhpa_semantics(obj)
    return problems


def _cronhpa_semantics(obj: dict) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for i, job in enumerate(obj["spec"]["jobs"]):
        if job["name"] in seen:
            problems.append(f"spec.jobs.{i}.name: {job['name']!r} is used by an earlier job; names must be unique")
        seen.add(job["name"])
        problems += [f"spec.jobs.{i}.schedule: {p}" for p in cron_field_problems(job["schedule"])]
    for i, date in enumerate(obj["spec"].get("excludeDates", [])):
        problems += [f"spec.excludeDates.{i}: {p}" for p in cron_field_problems(date)]
    return problems


def cron_field_problems(schedule: str) -> list[str]:
    """Out-of-range numbers in a 6-field cron (``@`` schedules and month/day names are not checked)."""
    if schedule.startswith("@"):
        return []
    fields = schedule.split(" ")
    if len(fields) != 6:
        return [f"{schedule!r} has {len(fields)} fields, expected 6 (seconds first)"]
    names = ("seconds", "minutes", "hours", "day of month", "month", "day of week")
    problems = []
    for value, (low, high), name in zip(fields, _CRON_RANGES, names, strict=True):
        for part in value.split(","):
            base, _, step = part.partition("/")
            if step and (not step.isdigit() or int(step) == 0):
                problems.append(f"{name} {part!r}: the step must be a positive number")
            for bound in base.split("-"):
                if bound.isdigit() and not low <= int(bound) <= high:
                    problems.append(f"{name} {bound} is outside {low}-{high}")
    return problems
