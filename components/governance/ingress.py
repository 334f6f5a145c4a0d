"""MSE Ingress binding: the cluster's IngressClass `mse` served by the platform's own MSE cloud-native gateway.

The workloads' Ingresses (`canary.py`) name `ingressClassName: mse`. The MSE Ingress Controller (the ACK
addon `mse-ingress-controller`) serves an Ingress only through an IngressClass whose `spec.parameters`
point at an `MseIngressConfig`, and one MseIngressConfig is one gateway. Without `spec.id` the
controller would create (and own) a second gateway; with `spec.id` set to the `mse.Gateway` that
`gateway.py` creates it *reuses* ours, and deleting the MseIngressConfig leaves the gateway alone
(docs: "Configure an MseIngressConfig", section "Reuse an existing MSE cloud-native gateway";
docs/provider-quirks.md 2026-11-23).

`override: false`: the gateway's global settings stay Pulumi's (`mse.Gateway`); the controller only binds
the gateway to the cluster and has it listen to IngressClass `mse`.

Pure functions return the two manifests; `MseIngress` registers them through the stack's Kubernetes
provider (from `opts`). Components never build providers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from components.naming import Naming

#: The IngressClass the workloads' entry Ingresses name (`components/workloads/canary.py`).
INGRESS_CLASS = "mse"
#: The MseIngressConfig CRD (installed with the `mse-ingress-controller` addon).
MSE_INGRESS_API_VERSION = "mse.alibabacloud.com/v1alpha1"
MSE_INGRESS_KIND = "MseIngressConfig"
MSE_INGRESS_GROUP = "mse.alibabacloud.com"
#: The controller name the MSE Ingress Controller claims IngressClasses by.
CONTROLLER = "mse.alibabacloud.com/ingress"


def config_name(naming: Naming) -> str:
    """The MseIngressConfig's name: the gateway's own name (`livecommerce-<stack>`), so the two read as one."""
    return naming.physical()


def mse_ingress_config(name: str, gateway_id: object, labels: Mapping[str, str],
                       ingress_class: str = INGRESS_CLASS) -> dict:
    """The MseIngressConfig that reuses gateway `gateway_id` (`gw-...`) for Ingresses of `ingress_class`.

    Cluster-scoped: no namespace (the IngressClass parameters that name it carry none).
    """
    return {
        "apiVersion": MSE_INGRESS_API_VERSION,
        "kind": MSE_INGRESS_KIND,
        "metadata": {"name": name, "labels": dict(labels)},
        "spec": {
            "id": gateway_id,
            # Keep the gateway's settings as mse.Gateway declares them; only bind and listen.
            "override": False,
            # Used when the controller binds a not-yet-bound gateway; the IngressClass below wins otherwise.
            "ingress": {"local": {"ingressClass": ingress_class}},
        },
    }


def ingress_class(config: str, labels: Mapping[str, str], name: str = INGRESS_CLASS) -> dict:
    """The IngressClass `name` claimed by the MSE Ingress Controller and bound to MseIngressConfig `config`.

    `parameters.scope` is left out: it defaults to `Cluster`, which a cluster-scoped MseIngressConfig needs.
    """
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "IngressClass",
        "metadata": {"name": name, "labels": dict(labels)},
        "spec": {
            "controller": CONTROLLER,
            "parameters": {"apiGroup": MSE_INGRESS_GROUP, "kind": MSE_INGRESS_KIND, "name": config},
        },
    }


@dataclass(frozen=True, kw_only=True)
class MseIngressArgs:
    """Inputs of the MseIngress component."""

    naming: Naming
    """How the stack names its objects (the MseIngressConfig is `livecommerce-<stack>`)."""
    gateway_id: pulumi.Input[str]
    """The platform's MSE cloud-native gateway (`Gateway.gateway_id`, `gw-...`) the Ingresses are served by."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Labels for both objects (e.g. `app.kubernetes.io/part-of`, `owner`, `env`)."""


class MseIngress(pulumi.ComponentResource):
    """The MseIngressConfig reusing the platform gateway, and IngressClass `mse` bound to it.

    The Kubernetes provider comes from `opts`; the cluster must already run `mse-ingress-controller`
    (the stack's provider waits for the addons).
    """

    ingress_class: k8s.networking.v1.IngressClass
    """IngressClass `mse`: Ingresses of that class should depend on it (served only once it is bound)."""
    ingress_class_name: str
    """`mse`."""
    config_name: str
    """The MseIngressConfig's name."""

    def __init__(self, name: str, args: MseIngressArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:governance:MseIngress", name, None, opts)
        self.config_name = config_name(args.naming)
        self.ingress_class_name = INGRESS_CLASS
        cfg = mse_ingress_config(self.config_name, args.gateway_id, args.labels)
        config = k8s.apiextensions.CustomResource(
            f"{name}-config", api_version=cfg["apiVersion"], kind=cfg["kind"], metadata=cfg["metadata"],
            spec=cfg["spec"], opts=pulumi.ResourceOptions(parent=self))
        cls = ingress_class(self.config_name, args.labels)
        # The class names the config by name only; depending on it means Ingresses never meet a dangling class.
        self.ingress_class = k8s.networking.v1.IngressClass(
            f"{name}-class", metadata=cls["metadata"], spec=cls["spec"],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[config]))
        self.register_outputs({"ingress_class_name": self.ingress_class_name, "config_name": self.config_name})
