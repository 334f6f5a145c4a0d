"""What the Pulumi CLI runs for `--policy-pack policies`: build the PolicyPack, nothing else.

Constructing a PolicyPack starts the analyzer's gRPC server and never returns, so it lives only here;
the rules themselves are importable from `policies.livecommerce_guard` (tests, `livecommerce check`).
"""

from pulumi_policy import PolicyPack

try:  # imported as the `policies` package (python -m policies)
    from .livecommerce_guard import PACK_DESCRIPTION, PACK_ENFORCEMENT_LEVEL, PACK_NAME, POLICIES
except ImportError:  # run by the Pulumi CLI as a script from the pack directory
    from livecommerce_guard import PACK_DESCRIPTION, PACK_ENFORCEMENT_LEVEL, PACK_NAME, POLICIES

PolicyPack(
    name=PACK_NAME,
    policies=POLICIES,
    enforcement_level=PACK_ENFORCEMENT_LEVEL,
    description=PACK_DESCRIPTION,
)
