"""Shared machinery for Pulumi dynamic resources over Alibaba Cloud OpenAPIs (MSE, ARMS).

See docs/openapi-resources.md for the resources built on it and its guarantees.
"""

from components.openapi.client import ARMS, MSE, OpenApiError, Product, call
from components.openapi.credentials import (
    CredentialsError,
    endpoint_env_var,
    endpoint_override,
    resolve_credentials,
)
from components.openapi.provider import DiffDecision, OpenApiProvider, decide_diff, is_not_found

__all__ = [
    "ARMS",
    "MSE",
    "CredentialsError",
    "DiffDecision",
    "OpenApiError",
    "OpenApiProvider",
    "Product",
    "call",
    "decide_diff",
    "endpoint_env_var",
    "endpoint_override",
    "is_not_found",
    "resolve_credentials",
]
