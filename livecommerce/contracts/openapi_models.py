"""What the official OpenAPI SDK request models say a request may hold: field wire names, nested models,
documented value sets and required fields.

The Alibaba Cloud Python SDKs (``alibabacloud_mse20190531``, ``alibabacloud_arms20190808``, ...) are generated
from the API metadata; each ``<Action>Request`` model documents every field in a comment above its
``self.<field> = <field>`` line ("Valid values: ...", "This parameter is required."), maps it to its wire
name in ``to_map`` and names nested models in its ``__init__`` annotations. The generator reads those into
rules; the checker uses the same models at run time to find parameters a model does not have.
"""

from __future__ import annotations

import importlib
import inspect
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

_ASSIGN = re.compile(r"^\s*self\.(\w+) = (\w+)\s*$")
_WIRE = re.compile(r"result\['(\w+)'\] = self\.(\w+)")
_PARAM = re.compile(r"^\s+(\w+): (.+?)( = None)?,?\s*$")
_NESTED = re.compile(r"main_models\.(\w+)")
_BULLET = re.compile(r"^(?:[-*]\s+|\d+[.)]\s+)`?([A-Za-z0-9_.:/-]+)`?\s*(?::|：|\(|-\s|$)")


@dataclass
class ModelField:
    python: str
    wire: str
    line: int
    doc: str
    nested: str | None = None  # nested model class name
    is_list: bool = False
    values: tuple[str, ...] = ()
    required: bool = False
    scalar: str = ""  # str | int | bool | float for plain fields (List[...] items included)


@dataclass
class Model:
    cls: str
    file: str  # relative to site-packages
    fields: dict[str, ModelField] = field(default_factory=dict)  # by wire name


@cache
def _models(package: str) -> Any:
    return importlib.import_module(f"{package}.models")


def _site_relative(path: str) -> str:
    p = Path(path).resolve()
    for parent in p.parents:
        if parent.name in ("site-packages", "dist-packages"):
            return str(p.relative_to(parent))
    return str(p)


def documented_values(doc: str) -> tuple[str, ...]:
    """The values a field comment lists after "Valid values:" (bullets, or an inline list of numbers)."""
    if "<!--" in doc:  # a garbled comment (fragments of a rendered table): no value set can be trusted
        return ()
    lines = [ln.strip() for ln in doc.splitlines()]
    for i, ln in enumerate(lines):
        lower = ln.lower()
        if "valid values" not in lower and "valid value:" not in lower:
            continue
        tail = ln.split(":", 1)[1].strip() if ":" in ln else ""
        values: list[str] = []
        if tail:
            sentence = re.split(r"\.(?:\s|$)", tail)[0]
            inline = [v.strip(" `*") for v in re.split(r",?\s+(?:and|or)\s+|,\s*", sentence) if v.strip(" `*")]
            if inline and all(re.fullmatch(r"-?\d+", v) for v in inline):
                values = inline
                rest = " ".join(lines[i:])
                values += re.findall(r"[Aa] value of (-?\d+) (?:indicates|means)", rest)
                return tuple(dict.fromkeys(values))
            # "Valid values: web, miniapp, ios, and android." (plain tokens only; prose is no value set)
            if len(inline) > 1 and all(re.fullmatch(r"[A-Za-z0-9_:/-]+(\.[A-Za-z0-9_-]+)*", v) for v in inline):
                return tuple(dict.fromkeys(inline))
        for following in lines[i + 1 :]:
            if not following:
                continue
            m = _BULLET.match(following.replace("**", ""))
            if not m:
                break
            values.append(m.group(1))
        unique = tuple(dict.fromkeys(values))
        return unique if len(unique) > 1 else ()  # one "valid value" is a description, not a value set
    return ()


def _wire_names(to_map: str) -> dict[str, str]:
    """python field -> wire name, from ``to_map`` (``if self.x is not None: result['X'] = ...``)."""
    out: dict[str, str] = {}
    current = None
    for line in to_map.splitlines():
        m = re.search(r"if self\.(\w+) is not None:", line)
        if m:
            current = m.group(1)
            continue
        m = re.search(r"result\['(\w+)'\]", line)
        if m and current is not None and current not in out:
            out[current] = m.group(1)
    return out


def model(package: str, cls_name: str) -> Model:
    """Parse one request (or nested) model class of an SDK package."""
    cls = getattr(_models(package), cls_name)
    src_file = inspect.getsourcefile(cls)
    init_lines, init_first = inspect.getsourcelines(cls.__init__)
    wire_of = _wire_names(inspect.getsource(cls.to_map))
    annotations: dict[str, str] = {}
    body_start = 0
    for j, raw in enumerate(init_lines):
        m = _PARAM.match(raw)
        if m and m.group(1) not in ("self",):
            annotations[m.group(1)] = m.group(2)
        if raw.rstrip().endswith("):"):
            body_start = j + 1
            break
    out = Model(cls=cls_name, file=_site_relative(src_file))
    comment: list[str] = []
    for j in range(body_start, len(init_lines)):
        raw = init_lines[j].strip()
        if raw.startswith("#"):
            comment.append(raw[1:].strip())
            continue
        m = _ASSIGN.match(init_lines[j])
        if m and m.group(1) in wire_of:
            python = m.group(1)
            doc = "\n".join(comment)
            annotation = annotations.get(python, "")
            nested = _NESTED.search(annotation)
            scalar = re.sub(r"^List\[(.*)\]$", r"\1", annotation.strip())
            scalar = scalar if scalar in ("str", "int", "bool", "float") else ""
            values = documented_values(doc)
            # Only a value set of the field's own type is believable: the generated comments are sometimes
            # copied from a neighbour (MSE GroupId "documents" zh-CN / en-US).
            if scalar == "int" and not all(re.fullmatch(r"-?\d+", v) for v in values):
                values = ()
            if scalar == "str" and values and all(re.fullmatch(r"-?\d+", v) for v in values):
                values = ()
            if scalar not in ("str", "int"):
                values = ()
            out.fields[wire_of[python]] = ModelField(
                python=python, wire=wire_of[python], line=init_first + j, doc=doc,
                nested=nested.group(1) if nested else None, is_list=annotation.startswith("List["),
                values=values, required="This parameter is required." in doc, scalar=scalar,
            )
        comment = []
    return out


def request_rules(package: str, action: str) -> list[dict[str, Any]]:
    """Rules of ``<action>Request``: per wire path (``Conditions[].Cond``) the documented value set and
    required fields, each with its model file and line."""
    rules: list[dict[str, Any]] = []

    def walk(cls_name: str, prefix: str, depth: int) -> None:
        if depth > 6:
            return
        m = model(package, cls_name)
        for wire, f in sorted(m.fields.items()):
            path = f"{prefix}{wire}"
            src = f"{m.file}:{f.line}"
            if f.required:
                rules.append({"path": path, "kind": "required", "src": src, "model": cls_name})
            # AcceptLanguage only picks the language of the response, and MSE documents it one way per action
            # (zh/en here, zh-CN/en-US there): no value set to hold requests to.
            if f.values and f.nested is None and wire != "AcceptLanguage":
                values: list[Any] = [int(v) for v in f.values] if f.scalar == "int" else list(f.values)
                rules.append({"path": path + ("[]" if f.is_list else ""), "kind": "enum", "values": values,
                              "src": src, "model": cls_name})
            if f.nested:
                walk(f.nested, f"{path}[]." if f.is_list else f"{path}.", depth + 1)

    walk(f"{action}Request", "", 0)
    return rules


def request_schema(package: str, action: str) -> dict[str, Any]:
    """The wire names ``<action>Request`` accepts, as a tree: a nested model is a dict, a list of models a
    one-item list, a plain field ``""``."""

    def tree(cls_name: str, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for wire, f in sorted(model(package, cls_name).fields.items()):
            if f.nested and depth < 6:
                sub = tree(f.nested, depth + 1)
                out[wire] = [sub] if f.is_list else sub
            else:
                out[wire] = ""
        return out

    return tree(f"{action}Request", 0)


def package_version(package: str) -> str:
    from importlib.metadata import version

    return version(package.replace("_", "-"))


def actions_in(module_source: str) -> list[str]:
    """OpenAPI actions a provider module calls: ``self.call(inputs, "Action", ...)`` and the
    ``<verb>_action = "Action"`` class attributes of table-driven providers."""
    direct = re.findall(r"self\.call\(\s*inputs,\s*\"(\w+)\"", module_source)
    declared = re.findall(r"^\s+\w+_action(?::\s*ClassVar\[str\])?\s*=\s*\"(\w+)\"", module_source, re.MULTILINE)
    return sorted(set(direct) | set(declared))
