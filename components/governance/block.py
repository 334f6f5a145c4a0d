"""The microservice governance block (MSE): the Nacos registry with the stack's namespace, the cloud-native
gateway the API traffic enters through, its binding to the cluster's IngressClass `mse`, and, once the
workloads run, the end-to-end canary lanes and the governance rules.

Two steps, because the workloads sit in between: the entry Ingresses need the IngressClass before they are
created, and the lanes route to the tagged pods the workloads create. So the block is built before the
workloads (`MicroserviceGovernance(...)`) and governs them after (`govern(pod_contract, after=[...])`),
both parts under the one block component.

Both providers the block needs (Alibaba Cloud for MSE, Kubernetes for the binding) come from `opts`.
Before issue 17 the parts hung directly under the stack; each ships an alias to that old parent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from components.governance.gateway import Gateway, GatewayArgs
from components.governance.ingress import MseIngress, MseIngressArgs
from components.governance.lanes import Governance, GovernanceArgs, lane_summary
from components.governance.registry import Registry, RegistryArgs
from components.governance.settings import GovernanceSettings, GovernedService, mse_namespace
from components.naming import Naming

#: The parts were children of the stack before they became this block's (identity kept by alias).
WAS_AT_THE_STACK = pulumi.ResourceOptions(aliases=[pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE)])


@dataclass(frozen=True, kw_only=True)
class MicroserviceGovernanceArgs:
    """Inputs of the MicroserviceGovernance block."""

    naming: Naming
    """How the stack names its objects (the registry and gateway are `livecommerce-<stack>`)."""
    settings: GovernanceSettings
    """`livecommerce:platform.governance`."""
    vpc_id: pulumi.Input[str]
    """The platform VPC (registry and gateway are private to it)."""
    vswitch_ids: Sequence[pulumi.Input[str]]
    """Node vSwitches in zone order: the registry uses the first, the gateway the first two."""
    ingress_labels: Mapping[str, str] = field(default_factory=dict)
    """Labels of the MseIngressConfig and the IngressClass (the platform's Kubernetes labels)."""
    tags: Mapping[str, str] = field(default_factory=dict)


class MicroserviceGovernance(pulumi.ComponentResource):
    """MSE registry, cloud-native gateway, MSE Ingress binding; lanes and rules once `govern` is called."""

    namespace: str
    """The stack's one MSE namespace (registry, `mseNamespace` pod label, lanes and rules)."""
    registry: Registry
    gateway: Gateway
    ingress: MseIngress
    """IngressClass `mse` bound to the gateway; entry Ingresses wait for `ingress.ingress_class`."""
    rules: Governance | None
    """Lanes and governance rules, after `govern`."""
    lanes: dict[str, Mapping[str, str]]
    """Per lane, the service -> version it reaches (after `govern`)."""

    def __init__(self, name: str, args: MicroserviceGovernanceArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:governance:MicroserviceGovernance", name, None, opts)
        self._name, self._args = name, args
        part = pulumi.ResourceOptions.merge(pulumi.ResourceOptions(parent=self), WAS_AT_THE_STACK)
        self.namespace = mse_namespace(args.settings, args.naming.stack)
        self.registry = Registry(f"{name}-registry", RegistryArgs(
            naming=args.naming, settings=args.settings.registry, namespace=self.namespace, vpc_id=args.vpc_id,
            vswitch_id=args.vswitch_ids[0], tags=args.tags), opts=part)
        self.gateway = Gateway(f"{name}-gateway", GatewayArgs(
            naming=args.naming, settings=args.settings.gateway, vpc_id=args.vpc_id, vswitch_ids=args.vswitch_ids),
            opts=part)
        # MSE Ingress on the cluster is served by that same gateway: an MseIngressConfig reusing it by id and
        # the IngressClass `mse` bound to it (the controller is the `mse-ingress-controller` addon).
        self.ingress = MseIngress(f"{name}-mse-ingress", MseIngressArgs(
            naming=args.naming, gateway_id=self.gateway.gateway_id, labels=args.ingress_labels), opts=part)
        self.rules = None
        self.lanes = {}
        self.register_outputs({"namespace": self.namespace, "registry_instance_id": self.registry.instance_id,
                               "gateway_id": self.gateway.gateway_id})

    def govern(self, services: Sequence[GovernedService], after: Sequence[pulumi.Resource]) -> Governance:
        """End-to-end canary lanes entered at the gateway and the per-service rules, for the pods that
        `services` describe (the workloads' pod contract), created after `after` (the workloads)."""
        if self.rules is not None:
            raise ValueError("MicroserviceGovernance.govern: call it once")
        a = self._args
        self.rules = Governance(f"{self._name}-governance", GovernanceArgs(
            naming=a.naming, region=a.naming.region, namespace=self.namespace, settings=a.settings,
            services=services, gateway_id=self.gateway.gateway_id, depends_on=[*after, self.registry]),
            opts=pulumi.ResourceOptions.merge(pulumi.ResourceOptions(parent=self), WAS_AT_THE_STACK))
        self.lanes = lane_summary(a.settings, services) if a.settings.lanes else {}
        return self.rules
