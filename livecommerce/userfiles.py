"""Reading the files people write by hand (stack files, the waivers file): one meaning, or one clear error.

A stack file is read by several programs: the Pulumi CLI (Go), this offline engine (PyYAML), editors and
linters. They do not agree on every YAML scalar, and PyYAML's YAML 1.1 defaults produce values JSON
cannot carry. So, before anything is built, a file here must be:

- UTF-8 (a UTF-8 byte-order mark is fine). UTF-16 from a Windows editor or one Latin-1 byte is refused,
  naming the line, never echoing the text (it may hold a secret);
- YAML without duplicate keys: YAML 1.1 readers silently keep the last value (a second `enabled: true`
  turned a fleet on), so a repeated key is an error naming both lines;
- YAML without scalars whose meaning depends on the reader (quote them and every reader agrees):
  dates and timestamps (PyYAML: a `date`, not JSON-serialisable; Go yaml: a string), base-60 numbers
  (`12:30` is 750 to PyYAML, a string to Go yaml), `yes`/`no`/`on`/`off` (booleans in YAML 1.1, strings
  in YAML 1.2), numbers with a leading zero or `_` (octal or grouping in YAML 1.1), and the tags JSON
  has no value for (`!!binary`, `!!set`, ...);
- small: at most MAX_BYTES, and at most MAX_VALUES values once aliases (`*name`) are expanded, so an
  alias bomb (a few hundred bytes that expand to billions of values) is refused before it is expanded.

See docs/decisions/2026-12-01-strict-input-files.md.
"""

from __future__ import annotations

import codecs
import math
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from livecommerce.errors import UserError

# The shipped prod stack is about 10 KB and 2,000 values; these leave two orders of magnitude.
MAX_BYTES = 1024 * 1024
MAX_VALUES = 200_000

_TAG = "tag:yaml.org,2002:"
_JSON_TAGS = {_TAG + t for t in ("null", "bool", "int", "float", "str", "seq", "map", "merge")}
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")
_YAML11_BOOLS = {"yes", "no", "on", "off"}
_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
         (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))


def read_text(path: Path, shown: str, *, what: str = "file", max_bytes: int = MAX_BYTES) -> str:
    """The UTF-8 text of a file the user wrote; every problem is one UserError line naming `shown`."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except IsADirectoryError:
        raise UserError(f"{shown}: is a directory, not a {what}; move it away or give the file's path") from None
    except FileNotFoundError:
        raise UserError(f"{shown}: no such {what}; check the path") from None
    except OSError as exc:
        raise UserError(f"{shown}: cannot read the {what} ({exc.strerror or exc}); check its permissions") from None
    if len(data) > max_bytes:
        raise UserError(f"{shown}: larger than {max_bytes // 1024} KiB; a {what} is a few KiB of YAML, "
                        "check that this is the right file")
    return decode_utf8(data, shown)


def decode_utf8(data: bytes, shown: str) -> str:
    """Bytes -> text, refusing anything but UTF-8 with a line and column (and never the text itself)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise UserError(f"{shown}: the file is {name}-encoded (a Windows editor's \"Unicode\"); "
                            "save it as UTF-8")
    if b"\x00" in data:
        line, col = _line_col(data, data.index(b"\x00"))
        raise UserError(f"{shown}: line {line} column {col}: NUL byte; the file looks UTF-16-encoded or binary, "
                        "save it as UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        raise UserError(f"{shown}: line {line} column {col}: byte 0x{data[exc.start]:02x} is not UTF-8 "
                        "(saved as Latin-1 or Windows-1252?); save the file as UTF-8") from None


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader; the checks below run on its node graph before any value is built."""


def load_yaml(text: str, shown: str, *, max_values: int = MAX_VALUES, dates: bool = False,
              hide_root: str | None = None) -> Any:
    """Parse one YAML document strictly (see the module docstring); UserError names the file, line and key.

    `dates=True` lets dates through as `datetime.date` (files whose model has date fields, e.g. waivers).
    `hide_root` drops that top-level key from the key paths in messages (`config` for stack files, so a
    path reads `livecommerce:platform.tags.x` as in every other config message).
    """
    try:
        loader = _Loader(text)  # the reader refuses control characters right here
    except yaml.YAMLError as exc:
        raise UserError(_yaml_error_line(exc, shown, text)) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _Checker(loader, shown, max_values, dates, hide_root).check(node)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise UserError(_yaml_error_line(exc, shown, text)) from None
    except RecursionError:
        raise UserError(f"{shown}: nested too deeply to read; flatten the structure") from None
    finally:
        loader.dispose()


def load_yaml_file(path: Path, shown: str, *, what: str = "file", **kwargs: Any) -> Any:
    """`read_text` then `load_yaml`."""
    return load_yaml(read_text(path, shown, what=what), shown, **kwargs)


def _yaml_error_line(exc: yaml.YAMLError, shown: str, text: str) -> str:
    if isinstance(exc, yaml.reader.ReaderError):
        # Raised for control characters; the position is a character offset into the text.
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return (f"{shown}: line {line} column {column}: control character U+{exc.character:04X} is not allowed "
                "in YAML; remove it (or write it as an escape inside a double-quoted string)")
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
    problem = getattr(exc, "problem", None) or "invalid YAML"
    return f"{shown}: invalid YAML{where}: {problem}"


class _Checker:
    """One walk over the composed node graph: duplicate keys, ambiguous scalars, expanded size, cycles."""

    def __init__(self, loader: _Loader, shown: str, max_values: int, dates: bool, hide_root: str | None):
        self.loader = loader
        self.shown = shown
        self.max_values = max_values
        self.dates = dates
        self.hide_root = hide_root
        self.sizes: dict[int, int] = {}  # id(node) -> values it expands to (aliases share a node)
        self.active: set[int] = set()

    def fail(self, node: Node, path: list[str], problem: str) -> UserError:
        key = self.render(path)
        where = f"line {node.start_mark.line + 1}"
        return UserError(f"{self.shown}: {f'{key} ({where})' if key else where}: {problem}")

    def render(self, path: list[str]) -> str:
        parts = path[1:] if len(path) > 1 and path[0] == self.hide_root else path
        out = ""
        for part in parts:
            out += part if part.startswith("[") else (f".{part}" if out else part)
        return out

    def check(self, root: Node) -> None:
        total = self.size(root, [])
        if total > self.max_values:
            raise self.fail(root, [], f"expands to more than {self.max_values:,} values through YAML aliases "
                                      "(*name), an alias bomb; write the values out instead of aliasing aliases")

    def size(self, node: Node, path: list[str]) -> int:
        """Values under `node` once every alias is expanded (memoised per node, so linear in the file)."""
        key = id(node)
        if key in self.sizes:
            return self.sizes[key]
        if key in self.active:
            raise self.fail(node, path, "an alias refers to the structure that contains it (a cycle); "
                                        "JSON has no value for that, write it out")
        self.active.add(key)
        total = 1
        if isinstance(node, ScalarNode):
            self.scalar(node, path)
        elif isinstance(node, SequenceNode):
            self.tag(node, path)
            for i, item in enumerate(node.value):
                total += self.size(item, [*path, f"[{i}]"])
                if total > self.max_values:
                    break
        elif isinstance(node, MappingNode):
            self.tag(node, path)
            seen: dict[Any, Node] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _TAG + "merge":
                    total += self.size(value_node, path)
                    continue
                total += self.size(key_node, path)
                name = self.key_of(key_node, path)
                if name in seen:
                    raise self.fail(key_node, [*path, str(name)],
                                    f"duplicate key (first at line {seen[name].start_mark.line + 1}); YAML would "
                                    "silently keep only the last value, remove one of them")
                seen[name] = key_node
                total += self.size(value_node, [*path, str(name)])
                if total > self.max_values:
                    break
        self.active.discard(key)
        self.sizes[key] = total
        return total

    def key_of(self, node: Node, path: list[str]) -> Any:
        if not isinstance(node, ScalarNode):
            raise self.fail(node, path, "a mapping key must be a plain name, not a list or a mapping")
        value = self.loader.construct_object(node)
        return value if not isinstance(value, float) else repr(value)

    def tag(self, node: Node, path: list[str]) -> None:
        if node.tag not in _JSON_TAGS and not (self.dates and node.tag == _TAG + "timestamp"):
            raise self.fail(node, path, f"the tag {node.tag.replace(_TAG, '!!')} has no JSON value; "
                                        "remove the tag and write a plain value")

    def scalar(self, node: ScalarNode, path: list[str]) -> None:
        tag, text = node.tag, node.value
        plain = node.style is None  # unquoted; quoted scalars are always strings
        from stacks.messages import may_echo

        # A key that may hold a secret: never quote what was pasted there.
        shown, quoted = (text, f': "{text}"') if may_echo(path) else ("the value", "")
        if tag == _TAG + "timestamp":
            if self.dates:
                return
            raise self.fail(node, path, f"{shown} is an unquoted date/time, which YAML readers disagree on "
                                        f"(a date object, or a string); put it in quotes{quoted}")
        self.tag(node, path)
        if not plain:
            return
        if tag in (_TAG + "int", _TAG + "float") and _SEXAGESIMAL.match(text):
            number = self.loader.construct_object(node)
            what = f"the base-60 number {number}" if quoted else "a base-60 number"
            raise self.fail(node, path, f"{shown} unquoted is {what} in YAML 1.1 (a time of day or a ratio?); "
                                        f"put it in quotes{quoted}")
        if tag == _TAG + "bool" and text.lower() in _YAML11_BOOLS:
            raise self.fail(node, path, f"unquoted {shown} is a boolean in YAML 1.1 but a string in YAML 1.2; "
                                        "write true or false, or put the word in quotes")
        if tag == _TAG + "int" and ("_" in text or re.match(r"^[-+]?0[0-9]", text)):
            # Not echoed: a number with a leading zero may be a PIN or an account number.
            raise self.fail(node, path, "a number with a leading zero or `_` means octal or digit grouping "
                                        "in YAML 1.1 and something else in YAML 1.2; write the plain number, "
                                        "or put the digits in quotes for a string")
        if tag == _TAG + "float":
            value = self.loader.construct_object(node)
            if math.isinf(value) or math.isnan(value):
                raise self.fail(node, path, f"{shown} is not a number JSON can carry; write a finite number")
