"""The shared machinery of every OpenAPI-backed dynamic resource.

``OpenApiProvider`` is a ``pulumi.dynamic.ResourceProvider`` whose subclasses only say how to
find, create, update and delete one kind of object; the base class supplies the contract that
every resource here keeps:

* **Plain state.** A provider object has no instance attributes at all. Everything it needs is
  a class attribute, and dill pickles importable classes by reference, so the serialized
  ``__provider`` is a module path plus a class name, never a credential (tests check the bytes).
* **Idempotent create.** Before creating, ``find`` looks the object up by its natural key (name
  and scope). If it exists (a create that timed out after the server acted, or an object made in
  the console) it is adopted and converged with ``update`` instead of duplicated.
* **Diff on declared inputs only.** Identity fields force a replacement (delete first, because
  the natural key is unique server-side); any other declared field is an in-place update.
* **Idempotent delete.** "Not found" means already gone.
* **Clear errors.** Every failure is ``OpenApiError``: ``MSE CreateOrUpdateSwimmingLane for
  lane 'shop-gray': <code>: <message>``.
* **One declaration.** A subclass names its Args dataclass (``args_type``), whose ``api_field``
  declarations give the fields, replace fields, required and secret fields, the resource's props and
  the create/update request parameters (``declaration.py``); the subclass adds only its actions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from components.openapi import client as api
from components.openapi.credentials import remember_stack_config
from components.openapi.declaration import Declaration, Write

# Error codes across MSE/ARMS that mean "no such object" vary (NotFound, *.NotExist, ...).
_NOT_FOUND = re.compile(r"not[._ ]?(found|exist)|no[._ ]?such|does ?not ?exist", re.IGNORECASE)


def is_not_found(code: str, message: str = "") -> bool:
    """Whether an API error says the object does not exist (so delete is already done)."""
    return bool(_NOT_FOUND.search(code or "")) or bool(_NOT_FOUND.search(message or ""))


def normalize(value: Any) -> Any:
    """Undo the engine's number widening: protobuf Struct turns every int into a float.

    ``3.0`` must go out as ``3`` or integer parameters reach the API as the string ``"3.0"``.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalize(v) for v in value]
    return value


@dataclass(frozen=True)
class DiffDecision:
    """What changed among the declared inputs, and which of those force a replacement."""

    changes: tuple[str, ...]
    replaces: tuple[str, ...]


def decide_diff(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    fields: Sequence[str],
    replace_fields: Sequence[str],
) -> DiffDecision:
    """Compare only ``fields``; outputs, ``__provider`` and unknown keys are ignored.

    A value the engine cannot know yet (preview of an Output) differs from any old value, so it
    reports a change (and a replacement for an identity field), which is the safe answer.
    """
    changes = tuple(f for f in fields if normalize(olds.get(f)) != normalize(news.get(f)))
    replaces = tuple(f for f in changes if f in replace_fields)
    return DiffDecision(changes=changes, replaces=replaces)


def to_json(value: Any) -> str:
    """Deterministic JSON for rule parameters the API takes as strings."""
    return json.dumps(normalize(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def drop_none(params: Mapping[str, Any]) -> dict[str, Any]:
    """Leave unset parameters out of the request instead of sending empty values."""
    return {k: v for k, v in params.items() if v is not None}


class OpenApiProvider(ResourceProvider):
    """Base dynamic provider over one OpenAPI object type. Subclasses set the class attributes
    and implement ``find``, ``create_remote``, ``update_remote``, ``delete_remote``; ``read_remote``
    is optional (refresh)."""

    product: ClassVar[api.Product]
    kind: ClassVar[str]  # "lane", used in error messages
    id_output: ClassVar[str]  # output holding the server-side id, e.g. "lane_id"
    extra_outputs: ClassVar[tuple[str, ...]] = ()  # further outputs the API returns, e.g. "endpoint"
    args_type: ClassVar[type]  # the Args dataclass: the one declaration of the fields
    declaration: ClassVar[Declaration]
    # Derived from the declaration (kept as class attributes: diff, check and tools read them).
    fields: ClassVar[tuple[str, ...]]  # declared inputs, the only ones diff looks at
    replace_fields: ClassVar[tuple[str, ...]]  # identity: a change means a new object
    required: ClassVar[tuple[str, ...]] = ()
    secret_fields: ClassVar[tuple[str, ...]] = ()  # inputs scrubbed from error messages

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        args_type = cls.__dict__.get("args_type")
        if args_type is not None:
            cls.declaration = Declaration.of(args_type)
            cls.fields = cls.declaration.fields
            cls.replace_fields = cls.declaration.replace_fields
            cls.required = cls.declaration.required
            cls.secret_fields = cls.declaration.secret_fields

    def props(self, args: Any, resource_name: str) -> dict[str, Any]:
        """What the dynamic resource registers: the declared inputs from ``args``, the outputs unset."""
        outputs = dict.fromkeys((self.id_output, *self.extra_outputs))
        return {**self.declaration.props(args, resource_name), **outputs}

    def params(self, inputs: Mapping[str, Any], write: Write, **extra: Any) -> dict[str, Any]:
        """The request parameters of a create or update: the declared fields', then ``extra``."""
        return {**self.declaration.params(inputs, write), **extra}

    # --- helpers for subclasses -------------------------------------------------------------

    def subject(self, inputs: Mapping[str, Any]) -> str:
        """How errors name the object, e.g. ``lane 'shop-gray'``."""
        return f"{self.kind} '{inputs.get('name')}'"

    def call(self, inputs: Mapping[str, Any], action: str, params: Mapping[str, Any]) -> dict:
        secrets = [v for f in self.secret_fields for v in _strings(inputs.get(f))]
        return api.call(
            self.product, inputs["region"], action, drop_none(params), self.subject(inputs), secrets
        )

    def inputs_of(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """The declared inputs of ``props`` (engine props also carry outputs and __provider)."""
        return {f: normalize(props.get(f)) for f in self.fields}

    def outputs(self, id_: str, inputs: Mapping[str, Any], extra: Mapping[str, Any] | None = None):
        return {**inputs, self.id_output: id_, **(extra or {})}

    # --- what subclasses implement ----------------------------------------------------------

    def find(self, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
        """Look the object up by its natural key; ``(id, extra_outputs)`` or ``None``."""
        raise NotImplementedError

    def create_remote(self, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        raise NotImplementedError

    def update_remote(self, id_: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def delete_remote(self, id_: str, inputs: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def read_remote(self, id_: str, inputs: Mapping[str, Any]) -> dict[str, Any] | None:
        """Current extra outputs, or ``None`` when the object is gone. Default: by ``find``."""
        found = self.find(inputs)
        if found is None or str(found[0]) != str(id_):
            return None
        return found[1]

    # --- the pulumi.dynamic.ResourceProvider contract ---------------------------------------

    def configure(self, req) -> None:
        # Runs only in the provider host process; the values go to a process-local holder,
        # never onto ``self`` (see credentials.RUNTIME_CONFIG).
        remember_stack_config(req.config)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = [
            CheckFailure(f, f"{self.kind}: '{f}' is required")
            for f in self.required
            if news.get(f) in (None, "", [])
        ]
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        decision = decide_diff(olds, news, self.fields, self.replace_fields)
        return DiffResult(
            changes=bool(decision.changes),
            replaces=list(decision.replaces),
            stables=[self.id_output] if not decision.replaces else [],
            # The natural key is unique server-side, and create adopts an existing object by
            # that key: creating the replacement first would adopt the old one, then delete it.
            delete_before_replace=True,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = self.inputs_of(props)
        found = self.find(inputs)
        if found is not None:
            id_, extra = found
            extra = {**extra, **self.update_remote(str(id_), inputs)}
        else:
            id_, extra = self.create_remote(inputs)
        return CreateResult(str(id_), self.outputs(str(id_), inputs, extra))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        inputs = self.inputs_of(props)
        try:
            extra = self.read_remote(id_, inputs)
        except api.OpenApiError as exc:
            if not is_not_found(exc.code, exc.detail):
                raise
            extra = None
        if extra is None:
            return ReadResult(None, {})  # gone: the engine drops it from the state
        return ReadResult(id_, self.outputs(id_, inputs, {**_outputs_only(props, self), **extra}))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = self.inputs_of(news)
        extra = self.update_remote(id_, inputs)
        return UpdateResult(self.outputs(id_, inputs, {**_outputs_only(olds, self), **extra}))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        inputs = self.inputs_of(props)
        try:
            self.delete_remote(id_, inputs)
        except api.OpenApiError as exc:
            if is_not_found(exc.code, exc.detail):
                return
            raise


def _strings(value: Any) -> list[str]:
    """Every string inside a (nested) input value, for scrubbing."""
    if isinstance(value, str):
        return [value] if len(value) >= 6 else []
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def _outputs_only(props: Mapping[str, Any], provider: OpenApiProvider) -> dict[str, Any]:
    """Previous outputs that are not inputs (e.g. ``endpoint``), kept across update/read."""
    return {
        k: v
        for k, v in props.items()
        if k not in provider.fields and k != provider.id_output and not k.startswith("__")
    }
