"""What pulumi_alicloud itself says about a resource's inputs: wire names, shapes and required inputs.

The bridged SDK is generated from the provider schema, so its Python classes are the authority on how a
Terraform attribute is spelt on the wire (``pod_vswitch_ids`` -> ``podVswitchIds``, the name given to
``@pulumi.getter(name=...)``), which blocks became single objects (MaxItems 1) or lists, and which inputs
are required after the bridge's own defaults (auto-naming makes some Terraform-required names optional).
Used by the generator only (importing pulumi_alicloud modules is slow); the checker reads the data file.
"""

from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

_PULUMI_NAME = "_pulumi_name"  # pulumi._types: the attribute @pulumi.getter stores the wire name in
_PARAM = re.compile(r"^\s+(\w+): (.+?)(\s*=\s*None)?[,)]?:?$")
_TOKEN = re.compile(r"'(alicloud:[A-Za-z0-9]+/[A-Za-z0-9]+:[A-Za-z0-9]+)'")
_SCALARS = {"_builtins.str": "string", "_builtins.int": "int", "_builtins.bool": "bool", "_builtins.float": "number",
            "str": "string", "int": "int", "bool": "bool", "float": "number", "Any": "any"}


@dataclass
class Prop:
    """One input property of a resource or a nested block."""

    python: str
    wire: str
    kind: str  # string | int | bool | number | any | map | list | object
    required: bool
    line: int
    elem: Prop | None = None  # list items
    block: Block | None = None  # object properties


@dataclass
class Block:
    """An Args class: a resource's inputs or a nested block's."""

    cls: str
    file: str  # path relative to site-packages, e.g. pulumi_alicloud/cs/_inputs.py
    line: int
    props: dict[str, Prop] = field(default_factory=dict)  # by python name


def package_root() -> Path:
    import pulumi_alicloud

    return Path(pulumi_alicloud.__file__).resolve().parent


def package_version() -> str:
    from importlib.metadata import version

    return version("pulumi_alicloud")


def resource_tokens(module: str) -> dict[str, str]:
    """Every resource type token of ``pulumi_alicloud.<module>`` -> ``module.file:ClassName``."""
    root = package_root() / module
    out: dict[str, str] = {}
    for path in sorted(root.glob("*.py")):
        if path.name.startswith("_") or path.name.startswith("get_"):
            continue
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"super\((\w+), __self__\).__init__\(\s*\n\s*" + _TOKEN.pattern, text):
            out[m.group(2)] = f"{module}.{path.stem}:{m.group(1)}"
    return out


def _strip(text: str) -> tuple[str, bool]:
    """``pulumi.Input[Optional[X]]`` -> (X, optional)."""
    text = text.strip()
    optional = False
    changed = True
    while changed:
        changed = False
        for prefix in ("pulumi.Input[", "Optional[", "pulumi.InputType["):
            if text.startswith(prefix) and text.endswith("]"):
                text = text[len(prefix) : -1].strip()
                optional = optional or prefix == "Optional["
                changed = True
    return text, optional


def _shape(text: str, module: Any, seen: tuple[str, ...]) -> tuple[str, Prop | None, Block | None]:
    inner, _ = _strip(text)
    if inner.startswith("Sequence[") and inner.endswith("]"):
        kind, elem_elem, elem_block = _shape(inner[len("Sequence[") : -1], module, seen)
        elem = Prop("", "", kind, False, 0, elem_elem, elem_block)
        return "list", elem, None
    if inner.startswith("Mapping["):
        return "map", None, None
    quoted = re.fullmatch(r"'(\w+)'", inner)
    if quoted:
        name = quoted.group(1)
        if name in seen:  # a recursive type: stop here
            return "object", None, None
        return "object", None, args_block(module.__name__, name, seen + (name,))
    if inner in _SCALARS:
        return _SCALARS[inner], None, None
    return "any", None, None


@cache
def _module(name: str) -> Any:
    # pulumi_alicloud loads its modules lazily: touch the package's attribute first, or importing a submodule
    # directly leaves `pulumi_alicloud.<module>` without its classes for the rest of the process.
    parts = name.split(".")
    if len(parts) > 1 and parts[0] == "pulumi_alicloud":
        import pulumi_alicloud

        getattr(getattr(pulumi_alicloud, parts[1]), "__livecommerce_load__", None)  # runs the lazy module
    return importlib.import_module(name)


def args_block(module_name: str, cls_name: str, seen: tuple[str, ...] = ()) -> Block:
    """The Args class ``cls_name`` (found in ``module_name`` or its package's ``_inputs``) as a Block."""
    module = _module(module_name)
    cls = getattr(module, cls_name, None)
    if cls is None:
        package = module_name.rsplit(".", 1)[0] if not module_name.endswith("._inputs") else module_name
        module = _module(package + "._inputs" if not package.endswith("._inputs") else package)
        cls = getattr(module, cls_name)
    src_file = Path(inspect.getsourcefile(cls)).resolve()
    lines, first = inspect.getsourcelines(cls.__init__)
    wire = {}
    for name, value in vars(cls).items():
        if isinstance(value, property) and hasattr(value.fget, _PULUMI_NAME):
            wire[name] = getattr(value.fget, _PULUMI_NAME)
    block = Block(cls=cls_name, file=str(src_file.relative_to(package_root().parent)), line=first)
    signature = "".join(lines)
    header = signature.split('"""', 1)[0]
    for offset, raw in enumerate(header.splitlines()):
        m = _PARAM.match(raw)
        if not m or m.group(1) in ("__self__", "self"):
            continue
        python, annotation = m.group(1), m.group(2)
        _, optional = _strip(annotation)
        required = not optional and m.group(3) is None
        kind, elem, nested = _shape(annotation, _module(cls.__module__), seen)
        block.props[python] = Prop(python, wire.get(python, python), kind, required, first + offset, elem, nested)
    return block


def resource_block(ref: str) -> Block:
    """``cs.managed_kubernetes:ManagedKubernetes`` -> the Block of its Args class (``ManagedKubernetesArgs``,
    or ``<Name>InitArgs`` where the SDK had to avoid a clash): the first input type of the module."""
    module, _ = ref.split(":")
    path = package_root().joinpath(*module.split(".")).with_suffix(".py")
    m = re.search(r"@pulumi\.input_type\s*\nclass (\w+):", path.read_text(encoding="utf-8"))
    if m is None:
        raise KeyError(f"pulumi_alicloud.{module}: no input type")
    return args_block(f"pulumi_alicloud.{module}", m.group(1), (m.group(1),))
