"""One declaration per OpenAPI resource: its Args dataclass, whose fields say everything about themselves.

Each field of a dynamic resource's Args is declared once with `api_field(...)`: its request parameter,
whether a change replaces the object, whether it is required, whether it is secret, how the Args value
becomes the stored input (`to_prop`) and how the stored input becomes the request parameter
(`to_param`), and whether it is sent on create, on update, or under another name on update. From that one
declaration `Declaration.of(ArgsType)` derives what used to be listed four or five times per resource:

* the resource's props (`props(args, resource_name)`, what `pulumi.dynamic.Resource.__init__` takes);
* the provider's `fields` (what diff compares), `replace_fields`, `required` and `secret_fields`;
* the create and update request parameters (`params(inputs, "create" | "update")`), to which each
  provider adds only what is not a field (`AcceptLanguage`, the server id).

`OpenApiProvider` subclasses name their Args (`args_type`) and get all of the above (provider.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

Write = Literal["create", "update"]
_META = "livecommerce.openapi"
_LOCAL = "livecommerce.openapi.local"


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class FieldSpec:
    """What one Args field means to the OpenAPI (see `api_field`)."""

    param: str | None
    replace: bool = False
    required: bool = False
    secret: bool = False
    to_prop: Callable[[Any], Any] = _same
    to_param: Callable[[Any], Any] = _same
    create: bool = True
    update: bool = True
    update_param: str | None = None
    resource_name_default: bool = False

    def param_for(self, write: Write) -> str | None:
        """The request parameter this field fills on `write`, or None when it is not sent then."""
        if self.param is None or not (self.create if write == "create" else self.update):
            return None
        return self.update_param or self.param if write == "update" else self.param


def api_field(param: str | None = None, *, replace: bool = False, required: bool = False, secret: bool = False,
              to_prop: Callable[[Any], Any] = _same, to_param: Callable[[Any], Any] = _same, create: bool = True,
              update: bool = True, update_param: str | None = None, resource_name_default: bool = False,
              default: Any = dataclasses.MISSING, default_factory: Any = dataclasses.MISSING) -> Any:
    """A field of an OpenAPI resource's Args dataclass.

    `param`: the request parameter (None: the field is no parameter, e.g. the region that picks the
    endpoint); `replace`: a change means a new object (identity); `required`: the provider refuses an empty
    value; `secret`: scrubbed from error messages and kept secret in state; `to_prop`: Args value -> stored
    input (plain JSON); `to_param`: stored input -> parameter value; `create` / `update`: sent on that
    write; `update_param`: its name on update when the API spells it differently; `resource_name_default`:
    an unset value means the Pulumi resource name.
    """
    spec = FieldSpec(param, replace, required, secret, to_prop, to_param, create, update, update_param,
                     resource_name_default)
    return dataclasses.field(default=default, default_factory=default_factory, metadata={_META: spec})


def local_field(*, default: Any = dataclasses.MISSING, default_factory: Any = dataclasses.MISSING) -> Any:
    """A field of an Args dataclass that shapes how the resource registers (e.g. which inputs are secret),
    not an input of the OpenAPI object: no prop, no diff, no parameter."""
    return dataclasses.field(default=default, default_factory=default_factory, metadata={_LOCAL: True})


@dataclass(frozen=True)
class Declaration:
    """The fields of one resource, in declaration order (derived from its Args dataclass)."""

    specs: tuple[tuple[str, FieldSpec], ...]

    @classmethod
    def of(cls, args_type: type) -> Declaration:
        specs = []
        for f in dataclasses.fields(args_type):
            if f.metadata.get(_LOCAL):
                continue
            spec = f.metadata.get(_META)
            if spec is None:
                raise TypeError(f"{args_type.__name__}.{f.name}: declare it with api_field(...) (or local_field())")
            specs.append((f.name, spec))
        return cls(tuple(specs))

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.specs)

    @property
    def replace_fields(self) -> tuple[str, ...]:
        return tuple(name for name, s in self.specs if s.replace)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(name for name, s in self.specs if s.required)

    @property
    def secret_fields(self) -> tuple[str, ...]:
        return tuple(name for name, s in self.specs if s.secret)

    def props(self, args: Any, resource_name: str) -> dict[str, Any]:
        """The stored inputs of a resource built from `args` (outputs are added by the resource)."""
        out = {}
        for name, spec in self.specs:
            value = getattr(args, name)
            if value is None and spec.resource_name_default:
                value = resource_name
            out[name] = spec.to_prop(value)
        return out

    def params(self, inputs: Mapping[str, Any], write: Write) -> dict[str, Any]:
        """The request parameters the fields fill on `write` (None values are dropped by the caller)."""
        out = {}
        for name, spec in self.specs:
            param = spec.param_for(write)
            if param is not None:
                out[param] = spec.to_param(inputs.get(name))
        return out
