"""How this stack names what it creates: one object, built by the composition root (`stacks/`) from the
Pulumi project, the stack and the region, handed to every component.

Names derive from the **stack**, never from the tier (dev | staging | prod, `stacks/tiers.py`): two stacks
of one tier (`prod` and `prod-sg`) share an account without colliding, and the names the shipped
`dev`, `staging` and `prod` stacks have always had stay exactly what they were.

* `physical(...)`: `<project>-<stack>[-<part>...]`, the cloud name of an object (VPC, cluster, RAM role,
  MNS queue, ARMS contact, ...). Account-global kinds (RAM roles and policies, MNS queues) are unique per
  stack because the stack is in the name.
* `scoped(...)`: `<stack>-<part>...`, names that only need to be unique inside the project's own space
  (MSE/ARMS application names, alert rule names) and Pulumi logical names.
* `prefixed(prefix, ...)`: `<prefix>-<stack>[-<part>...]` for kinds whose names are unique across all of
  Alibaba Cloud and so take a configurable prefix (OSS buckets).
* `regional(prefix)`: `<prefix>-<stack>-<region>` (SLS projects, also unique across all of Alibaba Cloud).
* `title`: `<project> <stack>`, the start of every description.

Pure data, no Pulumi (the stack reads `pulumi.get_project()` / `get_stack()` and builds it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Stack names the naming scheme accepts: what Pulumi allows, narrowed to what every cloud name
#: built from it allows (lowercase, digits, hyphens; OSS, SLS, RAM and Kubernetes labels all take it).
STACK_NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
#: Longest stack name: `livecommerce-<stack>-transcoder-oss-invoke` must stay within RAM's 64 characters,
#: and Kubernetes label values (`<stack>-<service>`) within 63.
MAX_STACK_NAME = 24


def stack_name_problem(stack: str) -> str | None:
    """Why `stack` cannot name cloud objects, or None."""
    if not STACK_NAME_RE.match(stack):
        return (f"stack name {stack!r} must be lowercase letters, digits and hyphens, starting and ending with a "
                "letter or digit (it is part of bucket, RAM and SLS names)")
    if len(stack) > MAX_STACK_NAME:
        return (f"stack name {stack!r} is {len(stack)} characters; at most {MAX_STACK_NAME} keep every cloud name "
                "within its limit (RAM role names: 64)")
    return None


@dataclass(frozen=True, kw_only=True)
class Naming:
    """The names of one stack's objects (see the module docstring)."""

    project: str
    """The Pulumi project, `livecommerce`."""
    stack: str
    """The Pulumi stack, e.g. `prod` or `prod-sg`: what makes this stack's names its own."""
    region: str
    """The stack's region, e.g. `cn-hangzhou`."""

    def physical(self, *parts: str) -> str:
        """`<project>-<stack>[-<part>...]`, e.g. `livecommerce-prod-transcoder`."""
        return "-".join((self.project, self.stack, *parts))

    def scoped(self, *parts: str) -> str:
        """`<stack>-<part>...`, e.g. `prod-shop` (an MSE/ARMS app) or `prod-network` (a logical name)."""
        return "-".join((self.stack, *parts))

    def prefixed(self, prefix: str, *parts: str) -> str:
        """`<prefix>-<stack>[-<part>...]`, e.g. `livecommerce-prod-media` (an OSS bucket)."""
        return "-".join((prefix, self.stack, *parts))

    def regional(self, prefix: str) -> str:
        """`<prefix>-<stack>-<region>` in lowercase, e.g. `livecommerce-prod-cn-hangzhou` (an SLS project)."""
        return f"{prefix}-{self.stack}-{self.region}".lower()

    @property
    def title(self) -> str:
        """`<project> <stack>`, e.g. `livecommerce prod`: how descriptions name the stack."""
        return f"{self.project} {self.stack}"


def naming_for(stack: str, region: str = "cn-hangzhou", project: str = "livecommerce") -> Naming:
    """A Naming for `stack` (tests and tools; the program builds its own from the running stack)."""
    return Naming(project=project, stack=stack, region=region)
