"""The plan JSON, format v1: the public contract documented in docs/plan-format.md."""

from __future__ import annotations

import functools
import json
import os
import re
import secrets
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from livecommerce.errors import UserError

PLAN_FORMAT = "livecommerce.plan/v1"
SECRET = "[secret]"
REQUIRED_KEYS = ("format", "project", "stack", "resources", "outputs")
RESOURCE_KEYS = ("urn", "type", "name", "parent", "custom", "protect", "inputs", "dependencies",
                 "propertyDependencies")


def dumps(plan: dict[str, Any]) -> str:
    """Serialise a plan deterministically (sorted keys, two-space indent, trailing newline)."""
    return json.dumps(plan, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write `text` to the user's output path; every CLI output file goes through here.

    - a regular file, or a new path: written to a hidden temporary file beside it, then renamed over it,
      so no reader ever sees half a file (the temporary file is removed if anything fails);
    - a symlink: followed; the file it points to is replaced that way and the link stays a link;
    - `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: written to that open descriptor
      (reopening would truncate a redirected file and write from its start);
    - a FIFO, a character device or a socket (`/dev/null`, a named pipe): written in place, since
      renaming over them would replace the device with a file;
    - a directory: refused.
    Every failure is one UserError line naming `path` as the user wrote it.
    """
    shown = str(path)
    target = Path(path)
    try:
        st = os.stat(target)  # follows symlinks
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise UserError(f"{shown}: cannot write ({exc.strerror or exc}); check the path and its permissions") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise UserError(f"{shown}: is a directory; give a file path (e.g. {target / 'out.txt'})")
    try:
        fd = _descriptor(target)
        if fd is not None:
            _write_descriptor(fd, text)
            return
        if st is not None and not stat.S_ISREG(st.st_mode):
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(text)
            return
        real = Path(os.path.realpath(target))  # a symlink (even dangling) names the file to replace
        real.parent.mkdir(parents=True, exist_ok=True)
        _replace(real, text, st.st_mode if st is not None else None)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if isinstance(exc, (FileExistsError, NotADirectoryError)):
            reason = "a path component is a file, not a folder"
        raise UserError(f"{shown}: cannot write ({reason}); check the path and its permissions") from None


_STANDARD_STREAMS = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}


def check_output_path(path: str | Path, option: str) -> None:
    """Refuse an output path that cannot be written before any work is done (a preview takes seconds):
    a directory, or a path below an existing file. The write itself reports anything else."""
    target = Path(path)
    if target.is_dir():
        raise UserError(f"{path}: is a directory; give {option} a file path (e.g. {target / 'out.json'})")
    for parent in target.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UserError(f"{path}: {parent} is a file, not a folder; give {option} another path")
            break


def _descriptor(path: Path) -> int | None:
    """The open descriptor a path like /dev/stdout, /dev/fd/3 or /proc/self/fd/3 names, else None.

    Opening such a path again would start a new file offset (and truncate a redirected file), so the
    text goes to the descriptor the shell already set up."""
    text = os.path.abspath(path)
    if text in _STANDARD_STREAMS:
        return _STANDARD_STREAMS[text]
    match = re.fullmatch(rf"/(?:dev/fd|proc/self/fd|proc/{os.getpid()}/fd)/(\d+)", text)
    return int(match.group(1)) if match else None


def _write_descriptor(fd: int, text: str) -> None:
    stream = {1: sys.stdout, 2: sys.stderr}.get(fd)
    if stream is not None:
        stream.write(text)
        stream.flush()
        return
    data = text.encode("utf-8")
    while data:
        data = data[os.write(fd, data):]


def _replace(real: Path, text: str, mode: int | None) -> None:
    tmp = real.with_name(f".{real.name}.{secrets.token_hex(4)}.tmp")
    # O_EXCL: never write through a file someone else put there; 0o666 so a new file gets the umask's mode.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        if mode is not None:
            os.chmod(tmp, stat.S_IMODE(mode))  # replacing a file keeps its permissions
        os.replace(tmp, real)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_plan(plan: dict[str, Any], path: str | Path) -> None:
    """Write a plan atomically and deterministically."""
    write_text_atomic(path, dumps(plan))


# The committed JSON Schema of format v1 is the one definition of a valid plan: `validate_plan` interprets
# it (the small keyword subset below, fast enough for 20,000-resource plans; `jsonschema` takes ~0.2 ms per
# resource), and tests/foundation/test_plan_schema.py checks every verdict against the `jsonschema` package.
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "docs" / "plan-format.schema.json"
SCHEMA_KEYWORDS = frozenset({"$schema", "$id", "$ref", "$defs", "title", "description", "type", "const",
                             "required", "properties", "additionalProperties", "items", "pattern", "minLength"})
# Each pattern of the schema in words, for the error message (a raw regex helps nobody).
PATTERN_WORDS = {
    "^urn:pulumi:[^:]+::[^:]+::.+::.+$": "a Pulumi URN (urn:pulumi:STACK::PROJECT::TYPE::NAME)",
    "^urn:pulumi:": "a Pulumi URN (urn:pulumi:...)",
    "^[^:]+:[^:]*:[^:]+$": "a Pulumi type token (package:module:Type)",
}
_JSON_TYPES = {"object": "an object", "array": "a list", "string": "a string", "integer": "an integer",
               "number": "a number", "boolean": "true or false", "null": "null"}


@functools.cache
def plan_schema() -> dict[str, Any]:
    """The JSON Schema of plan format v1 (docs/plan-format.schema.json)."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    _check_keywords(schema)
    return schema


def _check_keywords(node: Any) -> None:
    if isinstance(node, dict):
        unknown = set(node) - SCHEMA_KEYWORDS
        if unknown:
            raise ValueError(f"{SCHEMA_PATH.name}: keyword(s) {sorted(unknown)} are not interpreted by plan.py")
        for key in ("properties", "$defs"):
            for sub in node.get(key, {}).values():
                _check_keywords(sub)
        if "pattern" in node and node["pattern"] not in PATTERN_WORDS:
            raise ValueError(f"{SCHEMA_PATH.name}: pattern {node['pattern']!r} has no PATTERN_WORDS entry")
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                _check_keywords(node[key])


_TYPE_OF = {type(None): "null", bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
            dict: "object"}


def _json_type(value: Any) -> str:
    kind = _TYPE_OF.get(type(value))
    if kind is None:  # subclasses (never from json.loads, but plans also come from Python)
        kind = next((k for t, k in _TYPE_OF.items() if t is not type(None) and isinstance(value, t)),
                    type(value).__name__)
    return kind


Check = Callable[[Any], "tuple[list[str], str] | None"]


def compile_schema(schema: dict[str, Any], root: dict[str, Any] | None = None) -> Check:
    """`schema` as a function: value -> None when it conforms, else (JSON path parts, innermost first;
    the problem). Only the keywords in SCHEMA_KEYWORDS exist; their meaning is JSON Schema 2020-12's.
    Compiled once, so validating a 20,000-resource plan costs a few hundred milliseconds."""
    root = root if root is not None else schema
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].removeprefix("#/$defs/")]
    checks: list[Check] = []
    if "const" in schema:
        const = schema["const"]
        checks.append(lambda v: None if v == const else ([], f"must be {json.dumps(const)}"))
    if "type" in schema:
        listed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        wanted = " or ".join(_JSON_TYPES[t] for t in listed)  # in the schema's order: stable messages
        allowed = set(listed) | ({"integer"} if "number" in listed else set())

        def check_type(v: Any) -> tuple[list[str], str] | None:
            kind = _json_type(v)
            return None if kind in allowed else ([], f"must be {wanted}, not {_JSON_TYPES.get(kind, kind)}")

        checks.append(check_type)
    min_length, pattern = schema.get("minLength", 0), schema.get("pattern")
    if min_length or pattern:
        regex = re.compile(pattern) if pattern else None

        def check_string(v: Any) -> tuple[list[str], str] | None:
            if not isinstance(v, str):
                return None
            if len(v) < min_length:
                return [], "must not be empty"
            if regex is not None and not regex.search(v):
                return [], f"{json.dumps(v)[:80]} is not {PATTERN_WORDS[pattern]}"
            return None

        checks.append(check_string)
    required = tuple(schema.get("required", ()))
    props = {k: compile_schema(v, root) for k, v in schema.get("properties", {}).items()}
    extra = schema.get("additionalProperties", True)
    extra_check = compile_schema(extra, root) if isinstance(extra, dict) and extra else None
    if required or props or extra is not True:
        def check_object(v: Any) -> tuple[list[str], str] | None:
            if not isinstance(v, dict):
                return None
            missing = [k for k in required if k not in v]
            if missing:
                return [], f"missing key(s) {', '.join(missing)}"
            for key, item in v.items():
                sub = props.get(key)
                if sub is None:
                    if extra is False:
                        return [str(key)], "unknown key"
                    sub = extra_check
                if sub is not None:
                    err = sub(item)
                    if err is not None:
                        err[0].append(str(key))
                        return err
            return None

        checks.append(check_object)
    if isinstance(schema.get("items"), dict):
        item_check = compile_schema(schema["items"], root)

        def check_array(v: Any) -> tuple[list[str], str] | None:
            if not isinstance(v, list):
                return None
            for i, item in enumerate(v):
                err = item_check(item)
                if err is not None:
                    err[0].append(f"[{i}]")
                    return err
            return None

        checks.append(check_array)

    if len(checks) == 1:
        return checks[0]

    def check(v: Any) -> tuple[list[str], str] | None:
        for one in checks:
            err = one(v)
            if err is not None:
                return err
        return None

    return check


def schema_error(value: Any, schema: dict[str, Any]) -> str | None:
    """The first place `value` breaks `schema`, as "JSON path: problem", or None when it conforms."""
    err = compile_schema(schema)(value)
    return None if err is None else _at(*err)


def _at(parts: list[str], problem: str) -> str:
    path = ""
    for part in reversed(parts):
        path += part if part.startswith("[") else (f".{part}" if path else part)
    return f"{path or '(top level)'}: {problem}"


@functools.cache
def _plan_check() -> Check:
    return compile_schema(plan_schema())


def validate_plan(plan: Any, source: str = "plan") -> dict[str, Any]:
    """Check `plan` against the format v1 schema; raise UserError naming the source, the JSON path and the
    problem (one line)."""
    if not isinstance(plan, dict):
        raise UserError(f"{source}: not a livecommerce plan (expected a JSON object, got "
                        f"{_JSON_TYPES.get(_json_type(plan), 'something else')})")
    if plan.get("format") != PLAN_FORMAT:
        shown = repr(plan.get("format"))
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise UserError(f"{source}: format is {shown}, expected {PLAN_FORMAT!r}; "
                        "build it with `livecommerce preview ENV --json PATH`")
    err = _plan_check()(plan)
    if err is not None:
        raise UserError(f"{source}: {_at(*err)} (see docs/plan-format.md)")
    return plan


def _unique_urns(plan: dict[str, Any], source: str) -> None:
    """A plan file is one stack's registrations, and the engine refuses a second resource with a URN
    ("Duplicate resource URN"); readers index by URN, so a repeat would silently hide a resource."""
    seen: set[str] = set()
    for i, res in enumerate(plan["resources"]):
        if res["urn"] in seen:
            raise UserError(f"{source}: resources[{i}].urn: {res['urn']} appears twice; each resource has "
                            "one URN (see docs/plan-format.md)")
        seen.add(res["urn"])


def load_plan(path: str | Path) -> dict[str, Any]:
    """Read and validate a plan file; every problem is a UserError (exit 2) naming the file."""
    from livecommerce.userfiles import decode_utf8

    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{p}: no such plan file; build one with `livecommerce preview ENV --json {p}`") from None
    except IsADirectoryError:
        raise UserError(f"{p}: is a directory, not a plan file; give the path of a .json plan") from None
    except OSError as exc:
        raise UserError(f"{p}: cannot read ({exc.strerror or exc})") from None
    text = decode_utf8(data, str(p))
    try:
        plan = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{p}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise UserError(f"{p}: JSON nested too deeply to be a plan") from None
    validate_plan(plan, str(p))
    _unique_urns(plan, str(p))
    return plan
