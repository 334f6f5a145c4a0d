"""Pod-template labels that enrol a workload in MSE governance and ARMS monitoring through ack-onepilot.

pulumi_alicloud has no resource for MSE governance or ARMS application monitoring of a Kubernetes app:
the `ack-onepilot` add-on watches pod templates and injects the agent when it sees these labels
(`/work/shared/reference/platform-facts.md` 4.1, 4.2, 4.3 and 5.1; the MSE doc "Connect ACK microservice
applications to the MSE governance center" and the ARMS doc "Install the ARMS agent for Java applications
deployed in ACK"). They go under `spec.template.metadata.labels`, values are quoted strings, and changing
one restarts the pods (it changes the template).

Pure functions, no Pulumi: `workloads.py` merges their output into each version's pod template.
"""

from __future__ import annotations

from components.governance.settings import ServiceGovernance
from components.naming import Naming

# MSE microservice governance (4.1).
MSE_ENABLE = "msePilotAutoEnable"
MSE_APP_NAME = "msePilotCreateAppName"
MSE_NAMESPACE = "mseNamespace"
# ARMS application monitoring (5.1).
ARMS_ENABLE = "armsPilotAutoEnable"
ARMS_APP_NAME = "armsPilotCreateAppName"
# Non-Java apps declare their language; the Java agent is injected without it (4.1, 5.1).
APP_LANGUAGE = "aliyun.com/app-language"
# The instance tag that tag routing, canaries and lanes select (4.2).
SERVICE_TAG = "alicloud.service.tag"
# Graceful start and shutdown (4.3).
LOSSLESS_ENABLE = "mse.lossless.enable"
LOSSLESS_DELAY = "mse.lossless.delayTime"
LOSSLESS_WARMUP = "mse.lossless.warmupTime"
#: The MSE agent's readiness endpoint (lossless start, 4.3): ready only once the pod is registered.
MSE_READINESS_PORT = 55199
MSE_READINESS_PATH = "/readiness"
#: The name of the container port the MSE agent's readiness endpoint listens on (kube-linter wants every
#: probed port declared).
MSE_READINESS_PORT_NAME = "mse-readiness"


def app_name(naming: Naming, service: str, governance: ServiceGovernance) -> str:
    """The app name in MSE and ARMS: the configured one, else `<stack>-<service>` (stacks that share an
    account then never merge their metrics or rules)."""
    return governance.app_name or naming.scoped(service)


def _on(flag: bool) -> str:
    return "on" if flag else "off"


def governance_labels(app: str, governance: ServiceGovernance, tag: str | None) -> dict[str, str]:
    """The pod-template labels for one version of a service.

    Every version of a service gets the same app name: MSE and ARMS see one application whose instances
    differ by `alicloud.service.tag`, which is what tag routing and lanes select on. `msePilotAutoEnable`
    and `armsPilotAutoEnable` are always written ("off" when disabled) so a namespace-wide enablement in
    the console cannot silently enrol a workload that opted out.
    """
    labels = {
        MSE_ENABLE: _on(governance.mse),
        ARMS_ENABLE: _on(governance.arms),
    }
    if governance.mse:
        labels[MSE_APP_NAME] = app
        # The stack fills it from `governance.namespace` (components/governance/settings.py); MSE's own
        # default namespace is the fallback when a service is built without a stack.
        labels[MSE_NAMESPACE] = governance.mse_namespace or "default"
    if governance.arms:
        labels[ARMS_APP_NAME] = app
    if governance.language != "java":
        labels[APP_LANGUAGE] = governance.language
    if tag is not None:
        labels[SERVICE_TAG] = tag
    labels.update(lossless_labels(governance))
    return labels


def lossless_labels(governance: ServiceGovernance) -> dict[str, str]:
    """The graceful start/shutdown labels, or none when MSE governance or lossless start is off."""
    lossless = governance.lossless
    if not (governance.mse and lossless.enabled):
        return {}
    return {
        LOSSLESS_ENABLE: "true",
        LOSSLESS_DELAY: str(lossless.registration_delay_seconds),
        LOSSLESS_WARMUP: str(lossless.warmup_seconds),
    }


def uses_mse_readiness(governance: ServiceGovernance) -> bool:
    """Whether the readiness probe should be the MSE agent's (lossless start on a Java app under MSE)."""
    lossless = governance.lossless
    return governance.mse and lossless.enabled and lossless.mse_readiness_probe and governance.language == "java"


def mse_readiness_probe(period_seconds: int, timeout_seconds: int, failure_threshold: int) -> dict:
    """The readiness probe on the MSE agent's endpoint (port 55199, `/readiness`).

    It turns ready only once the app has started *and* registered with the registry, so a rolling update
    never takes old pods away before new ones are callable (MSE lossless FAQ: without it traffic can drop
    to zero during releases).
    """
    return {
        "httpGet": {"path": MSE_READINESS_PATH, "port": MSE_READINESS_PORT, "scheme": "HTTP"},
        "periodSeconds": period_seconds,
        "timeoutSeconds": timeout_seconds,
        "failureThreshold": failure_threshold,
    }

