"""The livecommerce CrossGuard policy pack: every rule, importable without starting the pack's server.

`policies/__main__.py` builds the `PolicyPack` from `POLICIES`; the offline checker
(`livecommerce.checking`) drives the same objects the way the engine does.
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from . import ack, arms, calendar, data, fc, k8s, k8s_access, k8s_stack, kms, mse, network, oss, ram, sls

PACK_NAME = "livecommerce-guard"
PACK_VERSION = "0.1.0"
PACK_DESCRIPTION = "Security and reliability rules for the livecommerce platform on Alibaba Cloud."
# Rules without their own level fall back to advisory; per-environment files under policies/config decide.
PACK_ENFORCEMENT_LEVEL = EnforcementLevel.ADVISORY

POLICIES = [
    *oss.POLICIES,
    *ram.POLICIES,
    *fc.POLICIES,
    *ack.POLICIES,
    *mse.POLICIES,
    *arms.POLICIES,
    *sls.POLICIES,
    *kms.POLICIES,
    *network.POLICIES,
    *data.POLICIES,
    *k8s.RESOURCE_RULES,
    *k8s_stack.STACK_RULES,
    *k8s_access.POLICIES,
    *calendar.POLICIES,
]

__all__ = ["PACK_DESCRIPTION", "PACK_ENFORCEMENT_LEVEL", "PACK_NAME", "PACK_VERSION", "POLICIES"]
