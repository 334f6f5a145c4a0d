"""Read a Terraform SDK v1 resource schema out of Go source, without Go.

The upstream provider declares each resource as ``&schema.Resource{Schema: map[string]*schema.Schema{...}}``
literals. This module tokenizes the Go text (strings, raw strings, runes, comments, brackets), finds the
schema map of one resource constructor and turns every field into a ``Field``: its type, Required /
Optional / Computed, the plan-time validation (``ValidateFunc``), the cross-field constraints
(ConflictsWith, ExactlyOneOf, AtLeastOneOf, RequiredWith), MaxItems / MinItems, and nested blocks
(``Elem: &schema.Resource{...}``), each with the line it is declared on.

Only what the provider itself enforces at plan time is read; a ValidateFunc this module cannot reproduce
(a provider-local function like ``validateRedisConfig``) is kept as ``Validation("custom", ...)`` so the
generator can report it instead of silently dropping it. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

# --------------------------------------------------------------------------------------------------
# Tokens


@dataclass(frozen=True)
class Token:
    kind: str  # "ident", "string", "number", "punct"
    text: str
    line: int
    value: Any = None  # decoded value of strings and numbers


_PUNCT = set("{}()[],:;.&*=-+!<>|/%^")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"\d+(\.\d+)?([eE][-+]?\d+)?")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0"}


def tokenize(src: str) -> list[Token]:
    """Go source -> tokens (comments dropped, strings decoded, line numbers kept)."""
    out: list[Token] = []
    i, n, line = 0, len(src), 1
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += src.count("\n", i, j)
            i = j
        elif c == '"':
            j, buf = i + 1, []
            while j < n and src[j] != '"':
                if src[j] == "\\" and j + 1 < n:
                    buf.append(_ESCAPES.get(src[j + 1], "\\" + src[j + 1]))
                    j += 2
                else:
                    buf.append(src[j])
                    j += 1
            out.append(Token("string", src[i : j + 1], line, "".join(buf)))
            i = j + 1
        elif c == "`":
            j = src.find("`", i + 1)
            j = n if j < 0 else j
            out.append(Token("string", src[i : j + 1], line, src[i + 1 : j]))
            line += src.count("\n", i, j)
            i = j + 1
        elif c == "'":
            j = i + 1
            while j < n and src[j] != "'":
                j += 2 if src[j] == "\\" else 1
            out.append(Token("string", src[i : j + 1], line, src[i + 1 : j]))
            i = j + 1
        elif c.isdigit():
            m = _NUMBER.match(src, i)
            text = m.group(0)
            out.append(Token("number", text, line, float(text) if ("." in text or "e" in text.lower()) else int(text)))
            i = m.end()
        elif c.isalpha() or c == "_":
            m = _IDENT.match(src, i)
            out.append(Token("ident", m.group(0), line))
            i = m.end()
        else:
            out.append(Token("punct", c, line))
            i += 1
    return out


_OPEN = {"{": "}", "(": ")", "[": "]"}


def matching(tokens: list[Token], start: int) -> int:
    """Index of the bracket that closes ``tokens[start]``."""
    stack = []
    for i in range(start, len(tokens)):
        t = tokens[i].text if tokens[i].kind == "punct" else ""
        if t in _OPEN:
            stack.append(_OPEN[t])
        elif stack and t == stack[-1]:
            stack.pop()
            if not stack:
                return i
    raise ValueError(f"unbalanced bracket at line {tokens[start].line}")


def split_top(tokens: list[Token], start: int, end: int, sep: str = ",") -> Iterator[tuple[int, int]]:
    """(start, end) index ranges of the items between ``start`` and ``end`` separated at depth 0 by ``sep``."""
    depth, item = 0, start
    for i in range(start, end):
        t = tokens[i].text if tokens[i].kind == "punct" else ""
        if t in _OPEN:
            depth += 1
        elif t in _OPEN.values():
            depth -= 1
        elif t == sep and depth == 0:
            if i > item:
                yield item, i
            item = i + 1
    if end > item:
        yield item, end


# --------------------------------------------------------------------------------------------------
# Expressions (just enough Go for ValidateFunc arguments)


@dataclass(frozen=True)
class Call:
    name: str  # "StringInSlice", "validation.IntBetween", "regexp.MustCompile"
    args: tuple[Any, ...]
    line: int


@dataclass(frozen=True)
class Ident:
    name: str  # a constant or variable the caller may resolve
    line: int


@dataclass(frozen=True)
class Composite:
    type: str  # "[]string", "[]int", "&schema.Resource", ...
    start: int  # token range of the body (inside the braces)
    end: int
    line: int


class ExprParser:
    """Parses one Go expression over a token range into Python values, Call, Ident or Composite."""

    def __init__(self, tokens: list[Token], resolve: Callable[[str], Any] | None = None):
        self.tokens = tokens
        self.resolve = resolve

    def parse(self, start: int, end: int) -> Any:
        toks = self.tokens
        if start >= end:
            raise ValueError("empty expression")
        first = toks[start]
        # Unary minus on a number.
        if first.text == "-" and start + 1 < end and toks[start + 1].kind == "number" and end == start + 2:
            return -toks[start + 1].value
        if end == start + 1:
            if first.kind in ("string", "number"):
                return first.value
            if first.kind == "ident":
                if first.text in ("true", "false"):
                    return first.text == "true"
                if first.text == "nil":
                    return None
                return Ident(first.text, first.line)
        # Conversions like string(PostPaid) or int64(5): the inner value.
        conversion = first.kind == "ident" and first.text in ("string", "int", "int64", "float64")
        if conversion and toks[start + 1].text == "(":
            close = matching(toks, start + 1)
            if close == end - 1:
                return self.parse(start + 2, close)
        # A composite literal: TYPE{...}
        if toks[end - 1].text == "}":
            open_ = self._open_brace_of(start, end)
            if open_ is not None:
                type_text = "".join(t.text for t in toks[start:open_])
                if type_text.startswith("[]"):
                    return [self.parse(a, b) for a, b in split_top(toks, open_ + 1, end - 1)]
                return Composite(type_text, open_ + 1, end - 1, first.line)
        # A call: a.b.C(args)
        if toks[end - 1].text == ")":
            open_ = self._open_paren_of(start, end)
            if open_ is not None:
                name = "".join(t.text for t in toks[start:open_])
                if re.fullmatch(r"[A-Za-z_][\w.]*", name):
                    args = tuple(self.parse(a, b) for a, b in split_top(toks, open_ + 1, end - 1))
                    return Call(name, args, first.line)
        # A qualified identifier: pkg.Name
        text = "".join(t.text for t in toks[start:end])
        if re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_]\w*)+", text):
            return Ident(text, first.line)
        raise ValueError(f"unsupported expression at line {first.line}: {text[:80]}")

    def _open_brace_of(self, start: int, end: int) -> int | None:
        for i in range(start, end):
            if self.tokens[i].text == "{" and self.tokens[i].kind == "punct":
                return i if matching(self.tokens, i) == end - 1 else None
        return None

    def _open_paren_of(self, start: int, end: int) -> int | None:
        for i in range(start, end):
            if self.tokens[i].text == "(" and self.tokens[i].kind == "punct":
                return i if matching(self.tokens, i) == end - 1 else None
        return None


# --------------------------------------------------------------------------------------------------
# Schema model


@dataclass(frozen=True)
class Validation:
    """A plan-time check read from ``ValidateFunc``.

    kind: enum | range | length | pattern | not_pattern | json | cidr | ip | not_empty | custom
    """

    kind: str
    line: int
    values: tuple[Any, ...] = ()
    ignore_case: bool = False
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    message: str = ""
    expr: str = ""  # the source call, for "custom"
    nullable: bool = False  # ValidateNullableIntBetween: "" or a canonical integer string in range


@dataclass
class Field:
    name: str
    line: int
    type: str = ""  # TypeString, TypeInt, TypeBool, TypeFloat, TypeList, TypeSet, TypeMap
    required: bool = False
    optional: bool = False
    computed: bool = False
    force_new: bool = False
    deprecated: str = ""
    removed: str = ""
    max_items: int | None = None
    min_items: int | None = None
    conflicts_with: tuple[str, ...] = ()
    exactly_one_of: tuple[str, ...] = ()
    at_least_one_of: tuple[str, ...] = ()
    required_with: tuple[str, ...] = ()
    constraint_lines: dict[str, int] = field(default_factory=dict)
    validations: list[Validation] = field(default_factory=list)
    elem: dict[str, Field] | None = None  # nested block (Elem: &schema.Resource)
    elem_field: Field | None = None  # list/set of primitives (Elem: &schema.Schema)
    unparsed: str = ""  # a field given by a helper call (tagsSchema()) or variable


_VALIDATORS = {
    "StringInSlice", "IntInSlice", "IntBetween", "IntAtLeast", "IntAtMost", "StringLenBetween", "StringLenAtLeast",
    "StringMatch", "StringDoesNotMatch", "FloatBetween", "FloatAtLeast", "FloatAtMost", "StringIsJSON",
    "ValidateJsonString", "IsCIDR", "IsCIDRNetwork", "IsIPAddress", "IsIPv4Address", "StringIsNotEmpty",
    "NoZeroValues", "All", "ValidateNullableIntBetween", "ValidateNullableBool", "validateCIDRNetworkAddress",
    "validateSwitchCIDRNetworkAddress", "intBetween",
}


def _base(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def interpret(expr: Any, source: str, line: int) -> list[Validation]:
    """A parsed ValidateFunc expression -> the validations it performs (``custom`` when not reproducible)."""
    if isinstance(expr, Ident):
        name = _base(expr.name)
        if name in ("StringIsJSON", "ValidateJsonString"):
            return [Validation("json", line)]
        if name in ("validateCIDRNetworkAddress", "validateSwitchCIDRNetworkAddress", "IsCIDR"):
            return [Validation("cidr", line)]
        if name in ("IsIPAddress", "IsIPv4Address"):
            return [Validation("ip", line)]
        if name in ("StringIsNotEmpty", "NoZeroValues"):
            return [Validation("not_empty", line)]
        if name == "ValidateNullableBool":
            return [Validation("enum", line, values=("", "true", "false"))]
        return [Validation("custom", line, expr=source)]
    if not isinstance(expr, Call):
        return [Validation("custom", line, expr=source)]
    name, a = _base(expr.name), expr.args
    try:
        if name == "StringInSlice" and isinstance(a[0], list) and all(isinstance(v, str) for v in a[0]):
            return [Validation("enum", line, values=tuple(a[0]), ignore_case=bool(a[1]) if len(a) > 1 else False)]
        if name == "IntInSlice" and isinstance(a[0], list) and all(isinstance(v, int) for v in a[0]):
            return [Validation("enum", line, values=tuple(a[0]))]
        if name in ("IntBetween", "intBetween", "FloatBetween") and _nums(a[:2]):
            return [Validation("range", line, minimum=a[0], maximum=a[1])]
        if name == "ValidateNullableIntBetween" and _nums(a[:2]):
            return [Validation("range", line, minimum=a[0], maximum=a[1], nullable=True)]
        if name in ("IntAtLeast", "FloatAtLeast") and _nums(a[:1]):
            return [Validation("range", line, minimum=a[0])]
        if name in ("IntAtMost", "FloatAtMost") and _nums(a[:1]):
            return [Validation("range", line, maximum=a[0])]
        if name == "StringLenBetween" and _nums(a[:2]):
            return [Validation("length", line, minimum=a[0], maximum=a[1])]
        if name == "StringLenAtLeast" and _nums(a[:1]):
            return [Validation("length", line, minimum=a[0])]
        if name in ("StringMatch", "StringDoesNotMatch") and isinstance(a[0], Call) and \
                _base(a[0].name) in ("MustCompile", "MustCompilePOSIX") and isinstance(a[0].args[0], str):
            message = a[1] if len(a) > 1 and isinstance(a[1], str) else ""
            kind = "pattern" if name == "StringMatch" else "not_pattern"
            return [Validation(kind, line, pattern=a[0].args[0], message=message)]
        if name == "IsCIDRNetwork" and _nums(a[:2]):
            return [Validation("cidr", line, minimum=a[0], maximum=a[1])]
        if name == "All":
            out: list[Validation] = []
            for sub in a:
                out += interpret(sub, source, line)
            return out
        if name == "Any":
            # Any(IntBetween(1, 9), IntInSlice([]int{12, 24})): one enum of the union when it is small and finite.
            values: list[Any] = []
            for sub in a:
                parts = interpret(sub, source, line)
                for v in parts:
                    if v.kind == "enum":
                        values += list(v.values)
                    elif v.kind == "range" and isinstance(v.minimum, int) and isinstance(v.maximum, int) \
                            and v.maximum - v.minimum <= 100:
                        values += list(range(v.minimum, v.maximum + 1))
                    else:
                        return [Validation("custom", line, expr=source)]
            return [Validation("enum", line, values=tuple(dict.fromkeys(values)))]
    except (IndexError, TypeError):
        pass
    return [Validation("custom", line, expr=source)]


def _nums(values: Any) -> bool:
    return bool(values) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


class SchemaParser:
    """Parses the schema literals of one Go file."""

    def __init__(self, src: str, resolve: Callable[[str], Any] | None = None):
        self.src = src
        self.tokens = tokenize(src)
        self.resolve = resolve or (lambda name: None)
        self.expr = ExprParser(self.tokens)

    def text(self, start: int, end: int) -> str:
        return " ".join(t.text for t in self.tokens[start:end])

    def find_function(self, name: str) -> int:
        """Token index of ``func <name>(``."""
        for i, t in enumerate(self.tokens[:-2]):
            if t.text == "func" and self.tokens[i + 1].text == name and self.tokens[i + 2].text == "(":
                return i
        raise KeyError(f"no func {name} in this file")

    def resource_schema(self, function: str) -> dict[str, Field]:
        """The top-level schema of the resource that ``function`` returns."""
        start = self.find_function(function)
        body_open = next(i for i in range(start, len(self.tokens)) if self.tokens[i].text == "{")
        body_close = matching(self.tokens, body_open)
        for i in range(body_open, body_close):
            if self._is_schema_map(i):
                return self.schema_map(i + 6)
        raise KeyError(f"func {function}: no Schema: map[string]*schema.Schema literal")

    def _is_schema_map(self, i: int) -> bool:
        # Schema : map [ string ] * schema . Schema {
        want = ["Schema", ":", "map", "[", "string", "]"]
        return [t.text for t in self.tokens[i : i + 6]] == want

    def schema_map(self, i: int) -> dict[str, Field]:
        """Parse ``*schema.Schema{ ... }`` starting at the ``*`` after ``map[string]``."""
        while self.tokens[i].text != "{":
            i += 1
        close = matching(self.tokens, i)
        fields: dict[str, Field] = {}
        for a, b in split_top(self.tokens, i + 1, close):
            key = self.tokens[a]
            if key.kind != "string" or self.tokens[a + 1].text != ":":
                continue
            fields[key.value] = self.field(key.value, key.line, a + 2, b)
        return fields

    def field(self, name: str, line: int, start: int, end: int) -> Field:
        f = Field(name=name, line=line)
        toks = self.tokens
        if toks[start].text != "{":
            f.unparsed = self.text(start, end)
            return f
        close = matching(toks, start)
        for a, b in split_top(toks, start + 1, close):
            if toks[a].kind != "ident" or a + 1 >= b or toks[a + 1].text != ":":
                continue
            key, vstart = toks[a].text, a + 2
            vline = toks[vstart].line if vstart < b else toks[a].line
            try:
                self._attribute(f, key, vstart, b, vline)
            except ValueError:
                if key == "ValidateFunc":
                    f.validations.append(Validation("custom", vline, expr=self.text(vstart, b)))
        return f

    def _attribute(self, f: Field, key: str, start: int, end: int, line: int) -> None:
        toks = self.tokens
        if key == "Type":
            f.type = toks[end - 1].text
        elif key in ("Required", "Optional", "Computed", "ForceNew"):
            setattr(f, {"ForceNew": "force_new"}.get(key, key.lower()), self.expr.parse(start, end) is True)
        elif key in ("Deprecated", "Removed"):
            value = self.expr.parse(start, end)
            setattr(f, key.lower(), value if isinstance(value, str) else "yes")
        elif key in ("MaxItems", "MinItems"):
            value = self.expr.parse(start, end)
            if isinstance(value, int):
                setattr(f, "max_items" if key == "MaxItems" else "min_items", value)
        elif key in ("ConflictsWith", "ExactlyOneOf", "AtLeastOneOf", "RequiredWith"):
            value = self.expr.parse(start, end)
            if isinstance(value, list):
                attr = {"ConflictsWith": "conflicts_with", "ExactlyOneOf": "exactly_one_of",
                        "AtLeastOneOf": "at_least_one_of", "RequiredWith": "required_with"}[key]
                setattr(f, attr, tuple(v for v in value if isinstance(v, str)))
                f.constraint_lines[attr] = line
        elif key == "ValidateFunc":
            expr = self.expr.parse(start, end)
            expr = self._resolve_idents(expr)
            f.validations.extend(interpret(expr, self.text(start, end), line))
        elif key == "Elem":
            self._elem(f, start, end)

    def _elem(self, f: Field, start: int, end: int) -> None:
        toks = self.tokens
        text = "".join(t.text for t in toks[start : min(end, start + 4)])
        if text.startswith("&schema.Resource"):
            open_ = next(i for i in range(start, end) if toks[i].text == "{")
            close = matching(toks, open_)
            for i in range(open_, close):
                if self._is_schema_map(i):
                    f.elem = self.schema_map(i + 6)
                    return
            f.unparsed = "Elem: " + self.text(start, end)
        elif text.startswith("&schema.Schema"):
            open_ = next(i for i in range(start, end) if toks[i].text == "{")
            f.elem_field = self.field(f.name + "[]", toks[open_].line, open_, matching(toks, open_) + 1)
        else:
            f.unparsed = "Elem: " + self.text(start, end)

    def _resolve_idents(self, expr: Any) -> Any:
        """Replace constant identifiers inside lists/calls by their values, when the caller can resolve them."""
        if isinstance(expr, list):
            return [self._resolve_one(v) for v in expr]
        if isinstance(expr, Call):
            return Call(expr.name, tuple(self._resolve_idents(a) for a in expr.args), expr.line)
        return expr

    def _resolve_one(self, value: Any) -> Any:
        if isinstance(value, Ident):
            resolved = self.resolve(value.name)
            return value if resolved is None else resolved
        return value


# --------------------------------------------------------------------------------------------------
# Constants across the package (for StringInSlice([]string{string(PostPaid), ...}))

_CONST = re.compile(r'^\s*(?:const\s+)?([A-Z]\w*)\s*(?:=|\w+\s*=)\s*(?:\w+\()?"([^"\\]*)"\)?\s*(?://.*)?$',
                    re.MULTILINE)


def string_constants(src: str) -> dict[str, str]:
    """``Name = "value"``, ``Name Type = "value"`` and ``Name = Type("value")`` declarations in a Go file."""
    return {m.group(1): m.group(2) for m in _CONST.finditer(src)}
