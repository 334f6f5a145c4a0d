"""Kubernetes manifests from a plan: every Kubernetes object the stack would apply, one YAML file each.

`livecommerce preview ENV --manifests DIR` calls `write_manifests(plan, DIR)` so users can feed the
objects to their own tools (kubeconform, kube-linter, policy engines, diff viewers).

* Which resources: every custom `kubernetes:<group>/<version>:<Kind>` resource in the plan. Providers
  (`pulumi:providers:kubernetes`), Helm/YAML/Kustomize wrappers and server-side-apply `*Patch` /
  `*List` types are not objects and are skipped.
* `apiVersion` and `kind` come from the type token: `kubernetes:apps/v1:Deployment` -> `apps/v1`,
  `kubernetes:core/v1:Service` -> `v1` (the core group has no prefix),
  `kubernetes:scheduling.alibabacloud.com/v1alpha1:ResourcePolicy` -> `scheduling.alibabacloud.com/v1alpha1`.
* File names are stable and lower-case: `<namespace>/<kind>-<name>.yaml`, `_cluster/` for cluster-scoped
  objects. Objects applied through a Kubernetes provider other than the stack's ACK provider
  (`<stack>-ack`), e.g. on a registered external cluster, go under `_<provider name>/`.
* Secret values stay `"[secret]"`, exactly as in the plan; nothing is decrypted. A top-level field that
  is secret as a whole (a Secret's `stringData` map) cannot be a string in valid YAML for its kind, so
  it is left out and named in the `livecommerce.io/redacted-fields` annotation.

Pure: `render_manifests(plan)` -> {relative path: YAML text}; `write_manifests` adds the file system.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml

from livecommerce.errors import UserError
from livecommerce.plan import SECRET

CLUSTER_DIR = "_cluster"
#: Annotation naming top-level fields left out because the whole field is secret.
REDACTED_ANNOTATION = "livecommerce.io/redacted-fields"
MARKER = ".livecommerce-manifests"
# Type-token groups that are pulumi_kubernetes wrappers, not API objects.
_WRAPPER_GROUPS = {"helm.sh", "yaml", "kustomize"}
# Kinds without a namespace; anything else without `metadata.namespace` lands in `default`.
CLUSTER_SCOPED = frozenset({
    "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
    "StorageClass", "PriorityClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "APIService", "IngressClass",
    "RuntimeClass", "CSIDriver", "CSINode", "VolumeAttachment", "FlowSchema", "PriorityLevelConfiguration",
    "CertificateSigningRequest", "ImageCache", "MseIngressConfig",
})


def api_version_kind(type_token: str) -> tuple[str, str] | None:
    """`kubernetes:apps/v1:Deployment` -> ("apps/v1", "Deployment"); None for anything that is not an object."""
    parts = type_token.split(":")
    if len(parts) != 3 or parts[0] != "kubernetes":
        return None
    module, kind = parts[1], parts[2]
    group, _, version = module.rpartition("/")
    if not group or not version or group in _WRAPPER_GROUPS or kind.endswith(("Patch", "List")):
        return None
    return (version if group == "core" else f"{group}/{version}"), kind


def _provider_name(urn: str | None) -> str | None:
    return urn.rsplit("::", 1)[-1] if urn else None


def manifest_object(resource: dict[str, Any]) -> dict[str, Any] | None:
    """The Kubernetes object a plan resource would apply (apiVersion, kind, metadata first), or None."""
    if not resource.get("custom"):
        return None
    found = api_version_kind(resource.get("type", ""))
    if found is None:
        return None
    api_version, kind = found
    inputs = {k: v for k, v in (resource.get("inputs") or {}).items() if not k.startswith("__")}
    metadata = inputs.pop("metadata", None)
    metadata = dict(metadata) if isinstance(metadata, dict) else {}  # a hand-edited plan file may hold anything
    # Auto-named objects get a random suffix at apply time; the logical name is the closest stable stand-in.
    metadata.setdefault("name", resource["name"])
    inputs.pop("apiVersion", None)
    inputs.pop("kind", None)
    # A field that is secret as a whole (a Secret's `stringData` built from a secret Output) is a string
    # "[secret]" in the plan where Kubernetes wants a map; leave it out and say so in an annotation, so
    # the file still validates and nobody mistakes the absence for "no data".
    redacted = sorted(k for k, v in inputs.items() if v == SECRET)
    for key in redacted:
        inputs.pop(key)
    if redacted:
        annotations = metadata.get("annotations")
        annotations = dict(annotations) if isinstance(annotations, dict) else {}
        annotations[REDACTED_ANNOTATION] = ",".join(redacted)
        metadata["annotations"] = annotations
    obj: dict[str, Any] = {"apiVersion": api_version, "kind": kind, "metadata": metadata}
    for key in sorted(inputs):
        obj[key] = inputs[key]
    return obj


def _path(obj: dict[str, Any], prefix: str, with_group: bool) -> str:
    meta = obj["metadata"]
    kind = obj["kind"]
    if with_group and "/" in obj["apiVersion"]:
        kind = f"{kind}.{obj['apiVersion'].split('/')[0]}"
    if kind in CLUSTER_SCOPED or obj["kind"] in CLUSTER_SCOPED:
        ns = CLUSTER_DIR
    else:
        ns = str(meta.get("namespace") or "default")
    return f"{prefix}{ns}/{kind}-{meta['name']}.yaml".lower()


def render_manifests(plan: dict[str, Any]) -> dict[str, str]:
    """Every Kubernetes object in the plan as YAML text, keyed by its relative file path (sorted)."""
    stack = plan.get("stack", "")
    main_provider = f"{stack}-ack"
    entries: list[tuple[dict[str, Any], str]] = []
    for res in plan.get("resources", []):
        obj = manifest_object(res)
        if obj is None:
            continue
        provider = _provider_name((res.get("options") or {}).get("provider"))
        prefix = "" if provider in (None, main_provider) or provider.startswith("default") else f"_{provider}/"
        entries.append((obj, prefix))
    paths = [_path(o, p, False) for o, p in entries]
    clashing = {p for p in paths if paths.count(p) > 1}
    out: dict[str, str] = {}
    for (obj, prefix), path in zip(entries, paths, strict=True):
        if path in clashing:  # same kind and name in two API groups: tell them apart by group
            path = _path(obj, prefix, True)
        if path in out:
            raise ValueError(f"two Kubernetes objects map to {path}; give them distinct names")
        out[path] = yaml.safe_dump(obj, sort_keys=False, default_flow_style=False, allow_unicode=True)
    return dict(sorted(out.items()))


def write_manifests(plan: dict[str, Any], directory: Path | str) -> list[Path]:
    """Write `render_manifests(plan)` under `directory`, atomically: all files are built in a temporary
    directory next to it and moved into place at once, so a failure never leaves a half-written set.

    `directory` must be absent, empty, or a directory this function wrote before (it holds a
    `.livecommerce-manifests` marker); anything else is refused rather than overwritten.
    """
    shown = Path(directory)
    # A symlink to a directory stays a link: the directory it points to is the one replaced.
    target = Path(os.path.realpath(shown)) if shown.is_symlink() else shown
    if target.exists():
        if not target.is_dir():
            raise UserError(f"--manifests {target}: exists and is not a directory; choose a directory path")
        contents = list(target.iterdir())
        if contents and not (target / MARKER).is_file():
            raise UserError(f"--manifests {target}: directory is not empty and was not written by livecommerce; "
                            "choose a new or empty directory")
    rendered = render_manifests(plan)
    try:
        _replace_directory(target, rendered, plan)
    except OSError as exc:
        raise UserError(f"--manifests {shown}: cannot write ({exc.strerror or exc}); check the path and its "
                        "permissions") from None
    return [shown / rel for rel in rendered]


def _replace_directory(target: Path, rendered: dict[str, str], plan: dict[str, Any]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        for rel, text in rendered.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        (tmp / MARKER).write_text(f"written by livecommerce preview {plan.get('stack', '')} --manifests\n",
                                  encoding="utf-8")
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0700
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            target.rename(old)
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
