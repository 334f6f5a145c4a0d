"""Generate ``livecommerce/contracts/provider_rules.json`` from the upstream provider source and the SDKs.

    make contracts UPSTREAM=/path/to/terraform-provider-alicloud     # a clone or a bare git dir
    python -m livecommerce.contracts.generate --upstream DIR [--rev HEAD] [--out FILE] [--check]

For every resource type of ``types.TERRAFORM_MODULES`` and ``types.TERRAFORM_TYPES``:
1. find its Terraform resource in the provider's ``ResourcesMap`` (``alicloud/provider.go``) and the Go file
   of its constructor; refuse a mapping whose properties do not overlap the pulumi class's;
2. read the schema (``goschema``): enum sets, int ranges, string lengths, patterns, ConflictsWith /
   ExactlyOneOf / AtLeastOneOf / RequiredWith, MaxItems / MinItems, nested blocks, each with its file:line;
3. translate every Terraform name to the wire name pulumi_alicloud sends (``pulumi_schema``: the
   ``@pulumi.getter(name=...)`` of its Args classes), and take required inputs from those classes (the
   bridge makes auto-named inputs optional);
and for every OpenAPI action the dynamic resources call, the documented value sets and required fields of
the SDK request model (``openapi_models``). The output records the upstream commit and the versions read.
``--check`` regenerates in memory and exits 1 when the committed file differs (CI keeps it honest).
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from livecommerce.contracts import goschema, openapi_models, pulumi_schema, types

DATA_PATH = Path(__file__).with_name("provider_rules.json")
FORMAT = "livecommerce.contracts/v1"
REPOSITORY = "aliyun/terraform-provider-alicloud"
#: A mapping whose property names overlap less than this (Jaccard) is a different resource.
MIN_OVERLAP = 0.5
MIN_OVERLAP_EXPLICIT = 0.3


#: Constants of the Go SDKs the provider imports (not in its own package), as those SDKs declare them.
EXTERNAL_CONSTANTS: dict[str, str] = {
    # github.com/aliyun/aliyun-oss-go-sdk oss/const.go (StorageClassType, DataRedundancyType)
    "oss.StorageStandard": "Standard", "oss.StorageIA": "IA", "oss.StorageArchive": "Archive",
    "oss.StorageColdArchive": "ColdArchive", "oss.StorageDeepColdArchive": "DeepColdArchive",
    "oss.RedundancyLRS": "LRS", "oss.RedundancyZRS": "ZRS",
    # github.com/denverdino/aliyungo common (InstanceChargeType)
    "common.PrePaid": "PrePaid", "common.PostPaid": "PostPaid",
}


class GenerateError(Exception):
    """A problem that makes the generated data untrustworthy (one line, exit 2)."""


@dataclass(frozen=True)
class Upstream:
    """Read-only access to one revision of the provider repository (a work tree or a bare git dir)."""

    path: Path
    rev: str = "HEAD"

    def git(self, *args: str) -> str:
        try:
            done = subprocess.run(["git", "-C", str(self.path), *args], capture_output=True, text=True, check=True)
        except FileNotFoundError:
            raise GenerateError("git is not installed; the generator reads the upstream repository with git") from None
        except subprocess.CalledProcessError as exc:
            raise GenerateError(f"{self.path}: git {' '.join(args[:2])}: {exc.stderr.strip() or exc}") from None
        return done.stdout

    @cache  # noqa: B019 (one Upstream per run)
    def show(self, path: str) -> str:
        return self.git("show", f"{self.rev}:{path}")

    def commit(self) -> str:
        return self.git("rev-parse", self.rev).strip()

    def describe(self) -> str:
        try:
            return self.git("describe", "--tags", self.rev).strip()
        except GenerateError:
            return ""

    def date(self) -> str:
        return self.git("log", "-1", "--format=%cI", self.rev).strip()

    @cache  # noqa: B019
    def resources_map(self) -> dict[str, str]:
        """Terraform resource name -> constructor function, from provider.go's ResourcesMap."""
        text = self.show("alicloud/provider.go")
        start = text.find("ResourcesMap:")
        if start < 0:
            raise GenerateError("alicloud/provider.go: no ResourcesMap; is this terraform-provider-alicloud?")
        return dict(re.findall(r'"(alicloud_\w+)":\s*(\w+)\(\)', text[start:]))

    @cache  # noqa: B019
    def constructors(self) -> dict[str, str]:
        """Constructor function -> the Go file that defines it."""
        out = self.git("grep", "-n", "-E", r"^func resource\w*\(\) \*schema\.Resource", self.rev, "--", "alicloud/")
        found = {}
        for line in out.splitlines():
            # <rev>:alicloud/file.go:23:func resourceX() *schema.Resource {
            _, path, _, decl = line.split(":", 3)
            found[decl.split()[1].split("(")[0]] = path
        return found

    @cache  # noqa: B019
    def constants(self) -> dict[str, set[str]]:
        """Every package-level ``Name [Type] = "value"`` / ``Name = Type("value")`` declaration, by name."""
        pattern = r'^\s*(const\s+)?[A-Z]\w*\s+(\w+\s+)?=\s*(\w+\()?"[^"]*"\)?\s*(//.*)?$'
        out = self.git("grep", "-h", "-E", pattern, self.rev, "--", "alicloud/")
        found: dict[str, set[str]] = {}
        for m in goschema._CONST.finditer(out):
            found.setdefault(m.group(1), set()).add(m.group(2))
        return found

    def constant(self, name: str) -> str | None:
        """The string value of a Go constant (for StringInSlice([]string{string(X)})), if unambiguous."""
        if name in EXTERNAL_CONSTANTS:
            return EXTERNAL_CONSTANTS[name]
        if "." in name:  # another package's constant we do not know
            return None
        values = self.constants().get(name, set())
        return next(iter(values)) if len(values) == 1 else None


# --------------------------------------------------------------------------------------------------
# Type mapping


def _snake(camel: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", camel).lower()


#: pulumi module -> the Terraform prefix it was made from, where they differ.
_MODULE_PREFIXES = {"ackone": ("ack_one",), "log": ("log", "sls"), "fc": ("fc", "fcv3", "fcv2")}


def candidates(token: str) -> list[str]:
    """Terraform names a pulumi token may come from: ``alicloud_[<module>_]<name>`` with the name's words
    joined in every way (``logTailConfig`` -> ``logtail_config``, ``hAVip`` -> ``havip``,
    ``v3Function`` under ``fc`` -> ``fcv3_function``)."""
    module, name = token.split(":")[1].split("/")
    words = [w for w in _snake(name).split("_") if w]
    spellings = set()
    for mask in range(1 << max(len(words) - 1, 0)):
        out = words[0]
        for i, w in enumerate(words[1:]):
            out += ("" if mask >> i & 1 else "_") + w
        spellings.add(out)
    prefixes = {f"{p}_" for p in _MODULE_PREFIXES.get(module, (module,))} | {module, ""}
    return sorted(f"alicloud_{p}{s}" for p in prefixes for s in spellings)


def _settable(fields: dict[str, goschema.Field]) -> set[str]:
    return {k for k, f in fields.items() if (f.required or f.optional) and not f.removed}


def singulars(python: str) -> list[str]:
    """Terraform names a pulumi list property may come from: the bridge pluralises list names
    (``label_match_expression_grid`` -> ``label_match_expression_grids``, ``reserved_memory`` ->
    ``reserved_memories``)."""
    out = []
    if python.endswith("ies"):
        out.append(python[:-3] + "y")
    if python.endswith("es"):
        out.append(python[:-2])
    if python.endswith("s"):
        out.append(python[:-1])
    return out


def tf_field(python: str, prop: pulumi_schema.Prop, fields: dict[str, goschema.Field]) -> goschema.Field | None:
    """The Terraform field behind a pulumi property: same name, or (for lists) the singular it was made from."""
    if python in fields and not fields[python].removed:
        return fields[python]
    if prop.kind == "list":
        for name in singulars(python):
            f = fields.get(name)
            if f is not None and not f.removed and f.type in ("TypeList", "TypeSet"):
                return f
    return None


def overlap(block: pulumi_schema.Block, fields: dict[str, goschema.Field]) -> float:
    theirs = _settable(fields)
    matched = {f.name for f in (tf_field(n, p, fields) for n, p in block.props.items()) if f is not None}
    hits = len(matched & theirs)
    union = len(block.props) + len(theirs) - hits
    return hits / union if union else 1.0  # no inputs on either side (wafv3.Instance)


def wanted_tokens() -> dict[str, str]:
    """Every pulumi token to generate -> its pulumi_alicloud class reference (``cs.node_pool:NodePool``)."""
    refs: dict[str, str] = {}
    for module in types.TERRAFORM_MODULES:
        refs.update(pulumi_schema.resource_tokens(module))
    for token in types.TERRAFORM_TYPES:
        module = token.split(":")[1].split("/")[0]
        found = pulumi_schema.resource_tokens(module)
        if token not in found:
            raise GenerateError(f"livecommerce/contracts/types.py: TERRAFORM_TYPES: {token} is not a resource of "
                                f"pulumi_alicloud {pulumi_schema.package_version()}; check the token")
        refs[token] = found[token]
    return dict(sorted(refs.items()))


# --------------------------------------------------------------------------------------------------
# Rules


class _Walker:
    """Walks a pulumi Block and the matching Terraform fields together, emitting rules with wire paths."""

    def __init__(self, upstream: Upstream, go_file: str, py_file: str):
        self.upstream = upstream
        self.go_file = go_file
        self.rules: list[dict[str, Any]] = []
        self.custom: list[dict[str, Any]] = []
        self.unmapped: list[str] = []
        self.tf_to_wire: dict[str, str] = {}
        self.pending: list[tuple[str, str, tuple[str, ...], int]] = []

    def src(self, line: int) -> str:
        return f"{self.go_file}:{line}"

    def schema(self, block: pulumi_schema.Block, fields: dict[str, goschema.Field] | None, prefix: str,
               tf_prefix: str) -> dict[str, Any]:
        """The wire schema of ``block`` (scalars as type names, lists as [elem], objects as dicts)."""
        out: dict[str, Any] = {}
        for python, prop in sorted(block.props.items(), key=lambda kv: kv[1].wire):
            tf = tf_field(python, prop, fields) if fields is not None else None
            path = f"{prefix}{prop.wire}"
            if fields is not None and tf is None:
                self.unmapped.append(path)
            if tf is not None:
                self.tf_to_wire[f"{tf_prefix}{tf.name}"] = path
            if prop.required:
                pyref = f"{block.file}:{prop.line}"
                src = f"{pyref}; {self.src(tf.line)}" if tf is not None and tf.required else pyref
                self.rules.append({"path": path, "kind": "required", "src": src})
            tf_path = f"{tf_prefix}{tf.name if tf is not None else python}"
            out[prop.wire] = self.shape(prop, tf, path, tf_path)
            if tf is not None:
                self.field_rules(prop, tf, path, tf_path)
        return out

    def shape(self, prop: pulumi_schema.Prop, tf: goschema.Field | None, path: str, tf_path: str) -> Any:
        if prop.kind == "object" and prop.block is not None:
            return self.schema(prop.block, tf.elem if tf is not None else None, f"{path}.", f"{tf_path}.")
        if prop.kind == "list" and prop.elem is not None:
            elem = prop.elem
            if elem.kind == "object" and elem.block is not None:
                return [self.schema(elem.block, tf.elem if tf is not None else None, f"{path}[].", f"{tf_path}.")]
            return [elem.kind]
        return prop.kind

    def field_rules(self, prop: pulumi_schema.Prop, tf: goschema.Field, path: str, tf_path: str) -> None:
        target = tf.elem_field if (prop.kind == "list" and tf.elem_field is not None) else tf
        vpath = f"{path}[]" if target is not tf else path
        scalar = (prop.elem.kind if prop.kind == "list" and prop.elem is not None else prop.kind)
        for v in target.validations:
            self.validation(v, vpath, scalar, target)
        if prop.kind == "list":
            if tf.max_items is not None:
                self.rules.append({"path": path, "kind": "max_items", "max": tf.max_items, "src": self.src(tf.line)})
            if tf.min_items:
                self.rules.append({"path": path, "kind": "min_items", "min": tf.min_items, "src": self.src(tf.line)})
        for attr in ("conflicts_with", "exactly_one_of", "at_least_one_of", "required_with"):
            others = getattr(tf, attr)
            if others:
                self.pending.append((path, attr, others, tf.constraint_lines.get(attr, tf.line)))

    def validation(self, v: goschema.Validation, path: str, scalar: str, tf: goschema.Field) -> None:
        src = self.src(v.line)
        numeric = scalar in ("int", "number")
        if v.kind == "custom":
            self.custom.append({"path": path, "validate": v.expr, "src": src})
            return
        # A validator of another type than the field (IntBetween on a TypeString) would refuse every value;
        # upstream would notice at once, so such a pairing is a misread: skip it rather than invent a rule.
        if v.kind == "range" and not (numeric or v.nullable):
            self.custom.append({"path": path, "validate": "range on a non-number", "src": src})
            return
        if v.kind in ("length", "pattern", "not_pattern", "json", "cidr", "ip") and scalar != "string":
            self.custom.append({"path": path, "validate": f"{v.kind} on a {scalar}", "src": src})
            return
        rule: dict[str, Any] = {"path": path, "kind": v.kind, "src": src}
        if v.kind == "enum":
            values = list(v.values)
            if any(isinstance(x, goschema.Ident) for x in values):
                self.custom.append({"path": path, "validate": "enum with unresolved constants", "src": src})
                return
            if scalar == "int" and not all(isinstance(x, int) for x in values):
                return
            rule["values"] = values
            if v.ignore_case:
                rule["ignoreCase"] = True
        if v.minimum is not None:
            rule["min"] = v.minimum
        if v.maximum is not None:
            rule["max"] = v.maximum
        if v.pattern is not None:
            try:
                re.compile(v.pattern)
            except re.error:
                self.custom.append({"path": path, "validate": f"pattern {v.pattern!r} (not a Python regex)",
                                    "src": src})
                return
            rule["pattern"] = v.pattern
            if v.message:
                rule["message"] = v.message
        if v.nullable:
            rule["nullable"] = True
        self.rules.append(rule)

    def cross_rules(self) -> None:
        for path, attr, others, line in self.pending:
            mapped = []
            for other in others:
                key = ".".join(part for part in other.split(".") if not part.isdigit())
                wire = self.tf_to_wire.get(key)
                if wire is None:
                    break
                mapped.append(wire)
            else:
                self.rules.append({"path": path, "kind": attr, "others": mapped, "src": self.src(line)})


def terraform_entry(upstream: Upstream, token: str, ref: str) -> dict[str, Any]:
    """The data of one resource type, or {"skipped": reason} when it cannot be mapped."""
    block = pulumi_schema.resource_block(ref)
    rmap, ctors = upstream.resources_map(), upstream.constructors()
    explicit = types.TERRAFORM_TYPES.get(token)
    names = [explicit] if explicit else [c for c in candidates(token) if c in rmap]
    best: tuple[float, str, str, dict[str, goschema.Field]] | None = None
    for name in names:
        if name not in rmap:
            raise GenerateError(f"livecommerce/contracts/types.py: {token} -> {name}: no such resource in "
                                f"{REPOSITORY}@{upstream.rev} (alicloud/provider.go)")
        ctor = rmap[name]
        go_file = ctors.get(ctor)
        if go_file is None:
            continue
        parser = goschema.SchemaParser(upstream.show(go_file), resolve=upstream.constant)
        try:
            fields = parser.resource_schema(ctor)
        except (KeyError, ValueError):
            continue
        score = overlap(block, fields)
        if best is None or score > best[0]:
            best = (score, name, go_file, fields)
    if best is None:
        return {"skipped": "no Terraform resource with a readable schema matches the token"}
    score, name, go_file, fields = best
    if score < (MIN_OVERLAP_EXPLICIT if explicit else MIN_OVERLAP):
        if explicit:
            raise GenerateError(f"livecommerce/contracts/types.py: {token} -> {name}: only {score:.0%} of the "
                                "properties overlap; this is not the resource pulumi_alicloud bridges")
        return {"skipped": f"best match {name} shares only {score:.0%} of the properties"}
    walker = _Walker(upstream, go_file, block.file)
    schema = walker.schema(block, fields, "", "")
    walker.cross_rules()
    entry: dict[str, Any] = {
        "terraform": name,
        "file": go_file,
        "pulumi": f"{block.file}:{block.line}",
        "schema": schema,
        "rules": walker.rules,
    }
    if walker.custom:
        entry["notReproduced"] = walker.custom
    if walker.unmapped:
        # Inputs pulumi_alicloud has but the upstream revision does not (added after it, or renamed).
        entry["notInUpstream"] = sorted(walker.unmapped)
    return entry


# --------------------------------------------------------------------------------------------------
# OpenAPI


def openapi_entries() -> tuple[dict[str, Any], dict[str, str]]:
    """Rules per ``<sdk package>:<Action>`` the dynamic resources call, and the SDK versions read."""
    out: dict[str, Any] = {}
    versions: dict[str, str] = {}
    for token, target in sorted(types.DYNAMIC_TYPES.items()):
        module_name, attr = target.split(":")
        module = importlib.import_module(module_name)
        provider = getattr(module, attr)
        package = provider.product.sdk_package
        versions[package] = openapi_models.package_version(package)
        source = Path(module.__file__).read_text(encoding="utf-8")
        for action in openapi_models.actions_in(source):
            key = f"{package}:{action}"
            if key not in out:
                out[key] = {"rules": openapi_models.request_rules(package, action),
                            "schema": openapi_models.request_schema(package, action),
                            "model": f"{package}/models ({action}Request)"}
            out[key].setdefault("usedBy", [])
            if token not in out[key]["usedBy"]:
                out[key]["usedBy"].append(token)
    return out, versions


# --------------------------------------------------------------------------------------------------
# The data file


def bridged_terraform_version() -> str:
    """The newest provider version pulumi_alicloud's docstrings name (it bridges at least that one)."""
    root = pulumi_schema.package_root()
    newest = (0, 0, 0)
    for path in root.rglob("*.py"):
        for m in re.finditer(r"\bv1\.(\d{3})\.(\d+)\b", path.read_text(encoding="utf-8", errors="ignore")):
            newest = max(newest, (1, int(m.group(1)), int(m.group(2))))
    return "v{}.{}.{}".format(*newest)


def generate(upstream: Upstream, only: Iterable[str] | None = None) -> dict[str, Any]:
    wanted = wanted_tokens()
    if only is not None:
        wanted = {t: r for t, r in wanted.items() if t in set(only)}
    resources: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    for token, ref in wanted.items():
        entry = terraform_entry(upstream, token, ref)
        if "skipped" in entry:
            skipped[token] = entry["skipped"]
        else:
            resources[token] = entry
    openapi, sdk_versions = openapi_entries()
    bridged = bridged_terraform_version()
    return {
        "format": FORMAT,
        "generator": "livecommerce/contracts/generate.py (make contracts UPSTREAM=...)",
        "upstream": {
            "repository": REPOSITORY,
            "commit": upstream.commit(),
            "describe": upstream.describe(),
            "date": upstream.date(),
        },
        "bridged": {
            "pulumi_alicloud": pulumi_schema.package_version(),
            "terraformProvider": bridged,
            "note": (f"pulumi_alicloud {pulumi_schema.package_version()} bridges terraform-provider-alicloud "
                     f">= {bridged} (the newest version its docstrings name); rules added upstream after the "
                     "commit above are not in this file"),
        },
        "sdks": sdk_versions,
        "resources": resources,
        "unmappedTypes": skipped,
        "openapi": openapi,
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m livecommerce.contracts.generate",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--upstream", required=True, type=Path,
                        help="terraform-provider-alicloud: a clone or a bare git directory")
    parser.add_argument("--rev", default="HEAD", help="revision to read (default HEAD)")
    parser.add_argument("--out", type=Path, default=DATA_PATH, help="data file to write")
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed file is out of date")
    args = parser.parse_args(argv)
    if not args.upstream.exists():
        print(f"error: {args.upstream}: no such directory; pass --upstream (make contracts UPSTREAM=DIR) pointing "
              "at a terraform-provider-alicloud clone", file=sys.stderr)
        return 2
    try:
        text = dumps(generate(Upstream(args.upstream, args.rev)))
    except GenerateError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out}: out of date; run `make contracts UPSTREAM={args.upstream}` and commit it",
                  file=sys.stderr)
            return 1
        return 0
    from livecommerce.plan import write_text_atomic

    write_text_atomic(args.out, text)
    data = json.loads(text)
    rules = sum(len(r["rules"]) for r in data["resources"].values())
    print(f"{args.out}: {len(data['resources'])} resource types, {rules} rules, "
          f"{len(data['openapi'])} OpenAPI actions, from {REPOSITORY}@{data['upstream']['describe']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
