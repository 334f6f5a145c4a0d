"""The offline preview engine: runs the real Pulumi program on Pulumi's mock runtime and captures a plan.

What the Pulumi CLI does for `pulumi preview`, done here without it:
1. read `stacks/Pulumi.<env>.yaml` into Pulumi config (structured values as JSON, `secure:` values
   replaced by placeholders and marked secret, since they cannot be decrypted offline);
2. run the project's `__main__.py` - the very file `pulumi up` runs (the platform's calls
   `stacks.platform.program`; `--project-dir bootstrap` runs bootstrap/'s) - inside a root
   `pulumi:pulumi:Stack`, with a mock resource monitor;
3. record every `RegisterResource` request the SDK sends: type, name, parent, custom, protect, the
   serialized inputs (engine wire names; secrets arrive wrapped and become "[secret]"), explicit and
   property dependencies, and the resource options;
4. answer with realistic ids and computed outputs (livecommerce.mocks), re-wrapping values that came
   from secrets so secrecy propagates through Outputs just as with the real engine.

Each run happens on a fresh thread, so Pulumi's context-local runtime state never leaks between runs.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from google.protobuf import empty_pb2, json_format
from pulumi.runtime import mocks as pmocks
from pulumi.runtime import rpc, settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.stack import Stack, wait_for_rpcs
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from livecommerce import mocks as platform_mocks
from livecommerce.errors import UserError
from livecommerce.plan import PLAN_FORMAT, SECRET
from livecommerce.userfiles import load_yaml_file

PROJECT = "livecommerce"
UNKNOWN = "[unknown]"
DYNAMIC_PROVIDER = "[serialized dynamic provider]"
SECRET_PLACEHOLDER = "offline-secret-placeholder"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STACKS_DIR = REPO_ROOT / "stacks"

#: Private Pulumi SDK names this module (and livecommerce.checking) relies on. They are not API: pyproject.toml
#: pins pulumi (and pulumi-policy) to the minor they are tested on, and tests/foundation/test_pulumi_hooks.py
#: fails naming the hook if one disappears. `module:attribute.path`.
PRIVATE_HOOKS = (
    "pulumi.runtime.rpc:_special_sig_key", "pulumi.runtime.rpc:_special_secret_sig",
    "pulumi.runtime.rpc:_special_resource_sig", "pulumi.runtime.rpc:_special_output_value_sig",
    "pulumi.runtime.rpc:_special_asset_sig", "pulumi.runtime.rpc:_special_archive_sig",
    "pulumi.runtime.settings:_get_rpc_manager", "pulumi.runtime.settings:_load_monitor_feature_support",
    "pulumi.runtime.settings:_shutdown_callbacks", "pulumi.runtime.settings:SETTINGS.lock",
    "pulumi.runtime.settings:SETTINGS.outputs", "pulumi.runtime.settings:SETTINGS.monitor_features",
    "pulumi.runtime.settings:SETTINGS.callbacks", "pulumi.runtime.settings:ROOT.set",
    "pulumi.runtime.rpc_manager:RPCManager.__init__", "pulumi.runtime.stack:Stack._finish",
    "pulumi.runtime.sync_await:_ensure_event_loop", "pulumi.runtime.sync_await:_sync_await",
    "pulumi.runtime.mocks:MockMonitor.ResourceRegistration",
    "pulumi_policy.policy:_PolicyAnalyzerServicer",
)
#: Keyword arguments of `pulumi.runtime.settings.Settings` the engine passes (a renamed one breaks every run).
SETTINGS_KWARGS = ("project", "stack", "monitor", "engine", "dry_run", "organization", "root_directory")

_SIG = rpc._special_sig_key
_SECRET_SIG = rpc._special_secret_sig
_RESOURCE_SIG = rpc._special_resource_sig
_OUTPUT_SIG = rpc._special_output_value_sig
_ASSET_SIG = rpc._special_asset_sig
_ARCHIVE_SIG = rpc._special_archive_sig


# --------------------------------------------------------------------------------------------------
# Wire values -> plan JSON


def _clean_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def redact(value: Any) -> Any:
    """Turn a deserialized-from-JSON wire value into plan JSON: secrets, unknowns, refs made plain."""
    if isinstance(value, dict):
        sig = value.get(_SIG)
        if sig == _SECRET_SIG:
            return SECRET
        if sig == _OUTPUT_SIG:
            if value.get("secret"):
                return SECRET
            return redact(value["value"]) if "value" in value else UNKNOWN
        if sig == _RESOURCE_SIG:
            return value.get("urn", UNKNOWN)
        if sig == _ASSET_SIG:
            return {"asset": value.get("path") or value.get("uri") or "[text]", "hash": value.get("hash", "")}
        if sig == _ARCHIVE_SIG:
            return {"archive": value.get("path") or value.get("uri") or "[assets]", "hash": value.get("hash", "")}
        return {k: redact(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, float):
        return _clean_number(value)
    if value == rpc.UNKNOWN:
        return UNKNOWN
    return value


def struct_to_plan(struct: Any) -> dict[str, Any]:
    """A protobuf Struct of resource properties -> redacted plan inputs."""
    raw = json_format.MessageToDict(struct) if struct is not None else {}
    out = redact(raw)
    if "__provider" in out:  # dynamic resources carry a pickled provider: opaque and not reviewable
        out["__provider"] = DYNAMIC_PROVIDER
    return out


def _secret_keys(struct: Any) -> set[str]:
    raw = json_format.MessageToDict(struct) if struct is not None else {}
    return {k for k, v in raw.items() if isinstance(v, dict) and v.get(_SIG) == _SECRET_SIG}


def _wrap_secret(value: Any) -> dict[str, Any]:
    return {_SIG: _SECRET_SIG, "value": value}


# --------------------------------------------------------------------------------------------------
# The recording monitor


def _urn_type(urn: str) -> str:
    """The resource's own type in a URN (the last `$` part of the qualified type)."""
    return urn.split("::")[2].rsplit("$", 1)[-1]


def _urn_name(urn: str) -> str:
    return urn.split("::", 3)[3]


def _urn_project_stack(urn: str) -> tuple[str, str]:
    stack, project = urn[len("urn:pulumi:"):].split("::")[:2]
    return project, stack


@dataclass
class Registration:
    """One RegisterResource request, as the engine received it."""

    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    protect: bool
    inputs: dict[str, Any]
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    options: dict[str, Any] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    """URNs this resource had before (its own `aliases` and those inherited from its parent's)."""

    def to_plan(self) -> dict[str, Any]:
        entry = {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "custom": self.custom,
            "protect": self.protect,
            "inputs": self.inputs,
            "dependencies": self.dependencies,
            "propertyDependencies": self.property_dependencies,
        }
        if self.options:
            entry["options"] = self.options
        if self.aliases:
            entry["aliases"] = self.aliases
        return entry


class RecordingMonitor(pmocks.MockMonitor):
    """A MockMonitor that records every registration request and keeps secrets secret."""

    def __init__(self, mocks: pmocks.Mocks, on_register: Callable[[Registration], None] | None = None):
        super().__init__(mocks)
        self.registrations: dict[str, Registration] = {}
        self.stack_outputs: dict[str, Any] = {}
        self.stack_urn: str | None = None
        self.aliases: dict[str, list[str]] = {}
        self._on_register = on_register
        self._lock = threading.Lock()

    def _record(self, request: Any, urn: str) -> None:
        deps = sorted(set(request.dependencies))
        prop_deps = {k: sorted(set(v.urns)) for k, v in sorted(request.propertyDependencies.items()) if v.urns}
        # The SDK sends both explicit depends_on and the resources feeding inputs; make the union explicit.
        all_deps = sorted(set(deps).union(*prop_deps.values()) if prop_deps else set(deps))
        options: dict[str, Any] = {}
        if request.provider:
            # A provider reference is "<provider urn>::<provider id>"; the URN is what identifies it.
            options["provider"] = request.provider.rsplit("::", 1)[0]
        if list(request.ignoreChanges):
            options["ignoreChanges"] = sorted(request.ignoreChanges)
        if list(request.replaceOnChanges):
            options["replaceOnChanges"] = sorted(request.replaceOnChanges)
        if list(request.additionalSecretOutputs):
            options["additionalSecretOutputs"] = sorted(request.additionalSecretOutputs)
        if request.deleteBeforeReplace:
            options["deleteBeforeReplace"] = True
        if getattr(request, "retainOnDelete", False):
            options["retainOnDelete"] = True
        if request.importId:
            options["import"] = request.importId
        reg = Registration(
            urn=urn,
            type=request.type,
            name=request.name,
            parent=request.parent or None,
            custom=bool(request.custom),
            protect=bool(request.protect),
            inputs=struct_to_plan(request.object),
            dependencies=all_deps,
            property_dependencies=prop_deps,
            options=options,
            aliases=self.alias_urns(request, urn),
        )
        with self._lock:
            self.registrations[urn] = reg
        if self._on_register is not None:
            self._on_register(reg)

    def make_urn(self, parent: str, type_: str, name: str, project: str = "", stack: str = "") -> str:
        """URNs exactly as the Pulumi engine builds them: the parent's full qualified type chain, and no
        `pulumi:pulumi:Stack$` prefix for the stack's direct children (the stock mock gets both wrong)."""
        qualified = type_
        if parent:
            parent_type = parent.split("::")[2]
            if parent_type != "pulumi:pulumi:Stack":
                qualified = f"{parent_type}${type_}"
        return "urn:pulumi:" + "::".join([stack or settings.get_stack(), project or settings.get_project(),
                                          qualified, name])

    def alias_urns(self, request: Any, urn: str) -> list[str]:
        """The URNs a registration answers for besides its own, computed as the Pulumi engine does
        (pkg/resource/deploy/step_generator.go `generateAliases`): each alias spec collapsed to a URN (name,
        type and parent default to the resource's own; `noParent` means the stack), then every URN the
        parent answers for, multiplied with the resource's own name and with each of its aliases. The SDK
        sends specs because the monitor advertises `aliasSpecs`; plain `aliasURNs` are taken as they are."""
        own: list[str] = []
        for alias in request.aliases:
            if alias.urn:
                own.append(alias.urn)
                continue
            spec = alias.spec
            parent = "" if spec.noParent else (spec.parentUrn or request.parent)
            own.append(self.make_urn(parent, spec.type or request.type, spec.name or request.name,
                                     spec.project, spec.stack))
        own.extend(request.aliasURNs)
        found: list[str] = []
        for candidate in own:
            if candidate != urn and candidate not in found:
                found.append(candidate)
        for parent_alias in self.aliases.get(request.parent, []):
            for type_, name in [(request.type, request.name), *((_urn_type(a), _urn_name(a)) for a in own)]:
                inherited = self.make_urn(parent_alias, type_, name, *_urn_project_stack(parent_alias))
                if inherited != urn and inherited not in found:
                    found.append(inherited)
        with self._lock:
            self.aliases[urn] = found
        return sorted(found)

    def RegisterResource(self, request):
        urn = self.make_urn(request.parent, request.type, request.name)
        self._record(request, urn)
        if request.type == "pulumi:pulumi:Stack":
            self.stack_urn = urn
            return resource_pb2.RegisterResourceResponse(urn=urn)
        _ensure_event_loop()
        inputs = rpc.deserialize_properties(request.object)
        args = pmocks.MockResourceArgs(
            typ=request.type, name=request.name, inputs=inputs, provider=request.provider,
            resource_id=request.importId, custom=request.custom or False,
        )
        id_, state = self.mocks.new_resource(args)
        # Outputs that mirror secret inputs (or are declared secret) stay secret, as the engine does.
        secret = _secret_keys(request.object) | set(request.additionalSecretOutputs)
        wire_state = {k: (_wrap_secret(v) if k in secret else v) for k, v in state.items()}
        obj = _sync_await(rpc.serialize_properties(wire_state, {}))
        self.resources[urn] = pmocks.MockMonitor.ResourceRegistration(urn, id_, state)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=obj)

    def Invoke(self, request):
        _ensure_event_loop()
        if request.tok == "pulumi:pulumi:getResource":
            return super().Invoke(request)
        args = rpc.deserialize_properties(request.args)
        ret, _failures = self.mocks.call(pmocks.MockCallArgs(token=request.tok, args=args,
                                                             provider=request.provider))
        secret = platform_mocks.SECRET_OUTPUTS.get(request.tok, set())
        ret = {k: (_wrap_secret(v) if k in secret else v) for k, v in ret.items()}
        ret_proto = _sync_await(rpc.serialize_properties(ret, {}))
        return resource_pb2.ResourceInvokeResponse(failures=None, **{"return": ret_proto})

    def RegisterResourceOutputs(self, request):
        if request.urn and request.urn == self.stack_urn:
            self.stack_outputs = struct_to_plan(request.outputs)
        return empty_pb2.Empty()


# --------------------------------------------------------------------------------------------------
# Projects: a folder with a Pulumi.yaml (the platform at the repository root, bootstrap/, ...)

# The config check of each project this repository ships, by project name: validates a stack file's
# config as its program will read it and returns a model with `secret_keys()`. A project without an
# entry previews without a check (its program reports its own config errors).
CONFIG_CHECKS = {
    "livecommerce": "stacks.config:check_stack_config",
    "livecommerce-bootstrap": "bootstrap.config:check_stack_config",
}


@dataclass(frozen=True)
class Project:
    """A Pulumi project as the CLI sees it: its `Pulumi.yaml` name, program folder and stack files."""

    name: str
    root: Path
    """The folder that holds Pulumi.yaml."""
    program_dir: Path
    """Where the program's `__main__.py` is (`main:` in Pulumi.yaml, default the root)."""
    stacks_dir: Path
    """Where `Pulumi.<stack>.yaml` files are (`stackConfigDir:`, default the root)."""

    def check_config(self, config: dict[str, str], stack: str, source: str) -> Any | None:
        """Run the project's config check (UserError on problems); None if it has none."""
        target = CONFIG_CHECKS.get(self.name)
        if target is None:
            return None
        module, _, func = target.partition(":")
        try:
            return getattr(importlib.import_module(module), func)(config, stack, source)
        except UserError:
            raise
        except Exception as exc:
            # A program's ConfigError (stacks/, bootstrap/ do not import the CLI): one line per problem.
            lines = getattr(exc, "lines", None)
            if isinstance(lines, list) and lines:
                raise UserError(*lines) from None
            raise

    def run_program(self) -> None:
        """Execute the program's `__main__.py` as `pulumi up` would, in a fresh namespace."""
        main = self.program_dir / "__main__.py"
        code = compile(main.read_text(encoding="utf-8"), str(main), "exec")
        exec(code, {"__name__": "__main__", "__file__": str(main)})  # noqa: S102 the project's own program


def load_project(project_dir: Path | None = None) -> Project:
    """Read `<project_dir>/Pulumi.yaml` (default: the repository root); UserError naming the file on problems."""
    root = (project_dir or REPO_ROOT).resolve()
    path = root / "Pulumi.yaml"
    shown = _display(path)
    if not path.is_file():
        raise UserError(f"{shown}: no Pulumi.yaml; --project-dir must name a Pulumi project folder "
                        "(the repository root or bootstrap/)")
    data = load_yaml_file(path, shown, what="Pulumi project file") or {}
    name = data.get("name") if isinstance(data, dict) else None
    if not isinstance(name, str) or not name:
        raise UserError(f"{shown}: name: required; every Pulumi project names itself (`name: my-project`)")
    program_dir = root / str(data.get("main") or ".")
    stacks_dir = root / str(data.get("stackConfigDir") or ".")
    if not (program_dir / "__main__.py").is_file():
        raise UserError(f"{shown}: main: {_display(program_dir)} has no __main__.py to run")
    return Project(name=name, root=root, program_dir=program_dir.resolve(), stacks_dir=stacks_dir.resolve())


# --------------------------------------------------------------------------------------------------
# Stack files -> Pulumi config


@dataclass(frozen=True)
class StackFile:
    """A parsed `Pulumi.<env>.yaml`: the config as the Pulumi CLI would hand it to the program."""

    env: str
    path: Path
    config: dict[str, str]
    secret_keys: list[str]
    placeholders: list[str]


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def list_stacks(stacks_dir: Path | None = None) -> list[str]:
    """The environments that have a stack file, in a stable order (dev, staging, prod, then others)."""
    d = stacks_dir or DEFAULT_STACKS_DIR
    found = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in d.glob("Pulumi.*.yaml") if p.is_file())
    order = {"dev": 0, "staging": 1, "prod": 2}
    return sorted(found, key=lambda e: (order.get(e, 9), e))


def _replace_secure(value: Any, found: list[str], path: str) -> Any:
    """Replace `{secure: ...}` leaves (which need the stack's key to decrypt) with placeholders."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            found.append(path)
            return SECRET_PLACEHOLDER
        return {k: _replace_secure(v, found, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_secure(v, found, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


# Pulumi's own rule for stack names (`pulumi stack init`): letters, digits, `-`, `_` and `.`.
_STACK_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


def read_stack_file(env: str, stacks_dir: Path | None = None) -> StackFile:
    """Parse a stack file into Pulumi config; problems are UserErrors naming the file.

    The YAML is read strictly (livecommerce.userfiles): UTF-8 only, no duplicate keys, no scalar
    whose meaning depends on the YAML reader, aliases bounded.
    """
    d = stacks_dir or DEFAULT_STACKS_DIR
    if not _STACK_NAME.match(env):
        raise UserError(f"{env!r}: not a stack name; stack names are letters, digits, `-`, `_` and `.` "
                        f"(the file is {_display(d)}/Pulumi.<name>.yaml)")
    path = d / f"Pulumi.{env}.yaml"
    shown = _display(path)
    if path.is_dir():
        raise UserError(f"{shown}: is a directory, not a stack file; move it away or give the file's path")
    if not path.is_file():
        known = ", ".join(list_stacks(d)) or "none"
        where = "" if d.is_dir() else f" ({_display(d)} is not a directory)"
        raise UserError(f"{shown}: no such stack{where}; known environments: {known}")
    data = load_yaml_file(path, shown, what="stack file", hide_root="config") or {}
    if not isinstance(data, dict):
        raise UserError(f"{shown}: expected a mapping with a `config:` key")
    unknown_top = sorted(set(map(str, data)) - {"config", "encryptionsalt", "secretsprovider", "encryptedkey",
                                      "environment"})
    if unknown_top:
        raise UserError(f"{shown}: unknown top-level key(s) {', '.join(unknown_top)}; only `config:` "
                        "(plus Pulumi's encryption keys) belongs here")
    raw = data.get("config") or {}
    if not isinstance(raw, dict):
        raise UserError(f"{shown}: config: expected a mapping of `namespace:key` to values")
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    placeholders: list[str] = []
    for key, value in raw.items():
        if not isinstance(key, str) or ":" not in key:
            raise UserError(f"{shown}: config.{key}: keys are `namespace:name`, e.g. `livecommerce:platform`")
        found: list[str] = []
        value = _replace_secure(value, found, key)
        if found:
            secret_keys.append(key)
            placeholders.extend(found)
        config[key] = value if isinstance(value, str) else json.dumps(value)
    return StackFile(env=env, path=path, config=config, secret_keys=sorted(secret_keys),
                     placeholders=placeholders)


# --------------------------------------------------------------------------------------------------
# Running the program


@dataclass
class PreviewResult:
    """What one offline preview produced."""

    plan: dict[str, Any]
    warnings: list[str]
    stack_file: StackFile


class _LogCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        if msg not in self.messages:
            self.messages.append(msg)


def with_secret_placeholders(stack_file: StackFile, keys: list[str]) -> StackFile:
    """Secrets the config refers to but this machine cannot have (`pulumi config set --secret` values
    live encrypted, or only in CI) get a placeholder marked secret, so the program runs and the plan
    shows "[secret]" where the value goes."""
    config = dict(stack_file.config)
    secret_keys = set(stack_file.secret_keys)
    placeholders = list(stack_file.placeholders)
    for key in keys:
        full = f"livecommerce:{key}"
        if full not in config:
            config[full] = SECRET_PLACEHOLDER
            placeholders.append(f"{full} (not set)")
        secret_keys.add(full)
    return StackFile(env=stack_file.env, path=stack_file.path, config=config, secret_keys=sorted(secret_keys),
                     placeholders=placeholders)


def _with_run_context(program: Callable[[], None], now: datetime | None, stack_file: str) -> Callable[[], None]:
    """`program`, run with what `pulumi up` cannot tell it (stacks/run_context.py): the moment to read dates
    against (None: the program asks `stacks.clock.now()`) and the stack file's real path for its messages.
    Set on the run's own thread, so concurrent runs never see each other's."""
    def run() -> None:
        from stacks import run_context

        tokens = [run_context.STACK_FILE.set(stack_file)]
        if now is not None:
            tokens.append(run_context.NOW.set(now))
        try:
            program()
        finally:
            for var, token in zip((run_context.STACK_FILE, run_context.NOW), tokens, strict=False):
                var.reset(token)

    return run


async def _drain() -> None:
    """Wait for every outstanding RPC and Output task.

    Pulumi's own `wait_for_rpcs` waits on the pending Output tasks with FIRST_COMPLETED in a loop,
    re-registering a callback on every pending task each round: quadratic in the number of Outputs,
    and most of an offline preview's time for a few hundred resources. Waiting on all of them at once
    is linear and ends in the same state (all done, the first error re-raised).
    """
    rpcs = settings._get_rpc_manager()
    while True:
        await wait_for_rpcs(await_all_outstanding_tasks=False)
        with settings.SETTINGS.lock:
            pending = list(settings.SETTINGS.outputs)
            settings.SETTINGS.outputs.clear()
        if pending:
            await asyncio.gather(*pending)
        elif not rpcs.rpcs:
            return


async def _run_in_stack(program: Callable[[], None]) -> None:
    """`pulumi.runtime.stack.run_in_stack`, with the linear drain above."""
    await settings._load_monitor_feature_support()
    stack = Stack()
    error: BaseException | None = None
    try:
        program()
    except BaseException as exc:  # noqa: BLE001 re-raised once the runtime has settled, as Pulumi does
        error = exc
    finally:
        stack._finish()
    try:
        await _drain()
    finally:
        await settings._shutdown_callbacks()
    if error is not None:
        raise error


def _run_program(env: str, stack_file: StackFile, program: Callable[[], None],
                 on_register: Callable[[Registration], None] | None,
                 project: str = PROJECT) -> tuple[RecordingMonitor, list[str]]:
    set_all_config(dict(stack_file.config), list(stack_file.secret_keys))
    monitor = RecordingMonitor(platform_mocks.PlatformMocks(), on_register)
    logger = logging.getLogger(f"livecommerce.engine.{env}.{id(monitor)}")
    logger.propagate = False
    collector = _LogCollector()
    logger.addHandler(collector)
    features = set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures)
    # A full Settings (not pulumi's MockSettings) so this run gets its own `outputs` set, lock and RPC
    # manager: Pulumi's context properties fall back to a process-wide default, and tasks another
    # thread left in a shared `outputs` set would make this run wait forever on a foreign event loop.
    run_settings = settings.Settings(project=project, stack=env, monitor=monitor, engine=pmocks.MockEngine(logger),
                                     dry_run=False, organization="organization", root_directory=str(REPO_ROOT))
    run_settings.monitor_features = features
    run_settings.callbacks = None
    settings.configure(run_settings)
    settings.ROOT.set(None)
    _sync_await(_run_in_stack(program))
    return monitor, collector.messages


def run_preview(env: str, stacks_dir: Path | None = None, *,
                program: Callable[[], None] | None = None,
                on_register: Callable[[Registration], None] | None = None,
                project_dir: Path | None = None,
                now: datetime | None = None) -> PreviewResult:
    """Run the program for `env` offline and return its plan (format v1) and engine warnings.

    `project_dir` names the Pulumi project (its Pulumi.yaml gives the project name, the program and the
    stack files' folder; default: the platform at the repository root). Config problems surface as
    UserError (exit 2) before anything runs. `now` (aware) is the moment the program reads dates against;
    None lets it ask `stacks.clock.now()`. Tests pass it: no test may depend on today's date.
    """
    project = load_project(project_dir)
    stack_file = read_stack_file(env, stacks_dir or project.stacks_dir)
    tier: str | None = None
    if program is None:
        cfg = project.check_config(stack_file.config, env, _display(stack_file.path))
        if cfg is not None:
            stack_file = with_secret_placeholders(stack_file, cfg.secret_keys())
            tier = _tier_of(project.name, env, cfg)
        program = _with_run_context(project.run_program, now, _display(stack_file.path))

    monitor, warnings = _on_fresh_thread(env, stack_file, program, on_register, project.name)
    return PreviewResult(plan=_plan(env, monitor, project.name, tier), warnings=warnings, stack_file=stack_file)


def _tier_of(project: str, env: str, cfg: Any) -> str:
    """The tier whose rules and policy levels a stack follows (stacks/tiers.py). Other projects' stacks (the
    bootstrap: the account's state bucket, CI identities and runners) are held to the strictest, prod."""
    if project != PROJECT:
        return "prod"
    from stacks.tiers import resolve_tier

    return resolve_tier(env, cfg.tier).name


def _on_fresh_thread(env: str, stack_file: StackFile, program: Callable[[], None],
                     on_register: Callable[[Registration], None] | None,
                     project: str = PROJECT) -> tuple[RecordingMonitor, list[str]]:
    """Run on a new thread: it starts with an empty contextvars context, so Pulumi's runtime state
    (config, settings, root stack) is private to this run."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = _run_program(env, stack_file, program, on_register, project)
        except BaseException as exc:  # noqa: BLE001 re-raised on the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=target, name=f"livecommerce-preview-{env}", daemon=True)
    worker.start()
    worker.join()
    if "error" in box:
        raise box["error"]
    return box["result"]


def _plan(env: str, monitor: RecordingMonitor, project: str = PROJECT, tier: str | None = None) -> dict[str, Any]:
    plan: dict[str, Any] = {
        "format": PLAN_FORMAT,
        "project": project,
        "stack": env,
        "resources": [monitor.registrations[u].to_plan() for u in sorted(monitor.registrations)],
        "outputs": monitor.stack_outputs,
    }
    if tier is not None:
        # Additive v1 field: the rules the stack follows (stacks/tiers.py); `check --plan` takes its levels.
        plan["tier"] = tier
    return plan


def preview_stack(env: str, stacks_dir: Path | None = None, project_dir: Path | None = None, *,
                  now: datetime | None = None) -> dict[str, Any]:
    """The plan (format v1) for `env` of the project in `project_dir` (default: the platform), built offline
    (dates read against `now`, see `run_preview`)."""
    return run_preview(env, stacks_dir, project_dir=project_dir, now=now).plan


def record(program: Callable[[], None], *, stack: str = "test", config: dict[str, Any] | None = None,
           secret_keys: list[str] | None = None) -> dict[str, Any]:
    """Run any program (e.g. one component built in isolation) under the recording mocks; return its plan.

    This is what component tests use: `plan = record(lambda: Network("n", args))`, then assert the
    children's types, names, parents, inputs and dependencies in `plan["resources"]`.
    """
    cfg = {k: (v if isinstance(v, str) else json.dumps(v)) for k, v in (config or {}).items()}
    stack_file = StackFile(env=stack, path=Path(f"<{stack}>"), config=cfg, secret_keys=sorted(secret_keys or []),
                           placeholders=[])
    monitor, _ = _on_fresh_thread(stack, stack_file, program, None)
    return _plan(stack, monitor)
