"""`SecretRef`: how settings name a secret without holding it.

A field typed `SecretRef` holds the NAME of a secret config key, never its value: the value is set with
`pulumi config set --secret livecommerce:<name> <value>` and reaches the program as an `Output.secret`.
The stack's config model walks its settings for `SecretRef` values to list the secrets a stack needs
(`PlatformConfig.secret_keys`), so what counts as a secret is decided by the field's type, not by its
name: `env_secrets[].kubernetes_secret` (the name of an existing Kubernetes Secret) is a plain string
and is not a Pulumi secret to set.

A refused value is never echoed: a phone number or webhook URL pasted where a key name belongs must not
end up in an error message, a log or a CI transcript. The error says what a key name looks like and how
to set the value instead.

Pure (pydantic only), shared by every block's settings.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

#: A Pulumi config key name (the part after `livecommerce:`).
SECRET_REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"
_SECRET_REF = re.compile(SECRET_REF_PATTERN)
#: The pydantic error type of a refused reference (the config model formats it without the input).
SECRET_REF_ERROR = "secret_ref"
_MESSAGE = ("expected the name of a secret config key (letters, digits, `-`, `_`, `.`; e.g. `oncall-primary-phone`), "
            "not the secret itself; set the value with `pulumi config set --secret livecommerce:<name> <value>` "
            "(the value given here is not shown)")


class SecretRef(str):
    """The name of a `livecommerce:<name>` secret config key."""

    __slots__ = ()

    @classmethod
    def parse(cls, value: Any) -> SecretRef:
        """`value` as a SecretRef; PydanticCustomError (which never carries the value's text) if it is not one."""
        if isinstance(value, str) and _SECRET_REF.match(value):
            return cls(value)
        raise PydanticCustomError(SECRET_REF_ERROR, _MESSAGE)

    @property
    def config_key(self) -> str:
        """The full config key, `livecommerce:<name>`."""
        return f"livecommerce:{self}"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.plain_serializer_function_ser_schema(str))

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: core_schema.CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"type": "string", "pattern": SECRET_REF_PATTERN}
