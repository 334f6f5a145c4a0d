"""`pulumi import --file` for resources a team already has: the stack's resources, ids to fill in.

    livecommerce import-file prod --out import-prod.json
    # fill in every "<...>" id, then:
    pulumi import --stack prod --file import-prod.json --protect=false

The file is Pulumi's import format (pkg/cmd/pulumi/operations/import.go `importFile`): `resources` of
`{type, name, id, parent, provider, logicalName, component, inputs}` and a `nameTable`. Every resource
gets the logical name the program registers it with and its parent component by that component's
`name`, so after the import the program's `pulumi up` matches each one by URN (no replacement).

* Components are listed as `component: true` entries (no id): the import creates them as parents.
* The stack's explicit provider (`pulumi:providers:alicloud`) is listed with its inputs (the region).
* Ids: where the import id is a name the plan already knows (buckets, RAM roles and policies, SLS
  projects, functions, queues) it is filled in; every part still to look up is a `<...>` placeholder in
  the form the provider expects (`<cluster_id>:<node_pool_id>`: the Import section of each
  terraform-provider-alicloud resource doc). Pulumi finds no resource for a placeholder, so nothing is
  imported half-filled.
* Kubernetes objects and the OpenAPI dynamic resources are left out: the Kubernetes provider applies
  objects server-side, and the dynamic resources adopt what exists (components/openapi).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

# type -> import id template: `{input}` is filled from the resource's own (literal) inputs, `<...>` stays
# for the user. Source: the "Import" sections of terraform-provider-alicloud website/docs/r/*.md.
IMPORT_IDS: Mapping[str, str] = {
    "alicloud:vpc/network:Network": "<the VPC id, vpc-...>",
    "alicloud:vpc/switch:Switch": "<the vSwitch id, vsw-...>",
    "alicloud:vpc/natGateway:NatGateway": "<the NAT gateway id, ngw-...>",
    "alicloud:vpc/snatEntry:SnatEntry": "<snat_table_id>:<snat_entry_id>",
    "alicloud:ecs/eipAddress:EipAddress": "<the EIP allocation id, eip-...>",
    "alicloud:ecs/eipAssociation:EipAssociation": "<allocation_id>:<instance_id>",
    "alicloud:ecs/securityGroup:SecurityGroup": "<the security group id, sg-...>",
    "alicloud:ecs/instance:Instance": "<the instance id, i-...>",
    "alicloud:ecs/ramRoleAttachment:RamRoleAttachment": "<instance_id>:{ramRoleName}",
    "alicloud:cs/managedKubernetes:ManagedKubernetes": "<the cluster id>",
    "alicloud:cs/nodePool:NodePool": "<cluster_id>:<node_pool_id>",
    "alicloud:cs/kubernetesAddon:KubernetesAddon": "<cluster_id>:{name}",
    "alicloud:ackone/cluster:Cluster": "<the ACK One fleet cluster id>",
    "alicloud:ackone/membershipAttachment:MembershipAttachment": "<cluster_id>:<sub_cluster_id>",
    "alicloud:arms/alertContact:AlertContact": "<the alert contact id>",
    "alicloud:arms/alertContactGroup:AlertContactGroup": "<the alert contact group id>",
    "alicloud:arms/alertRobot:AlertRobot": "<the alert robot id>",
    "alicloud:arms/dispatchRule:DispatchRule": "<the dispatch rule id>",
    "alicloud:arms/environment:Environment": "<the ARMS environment id, env-...>",
    "alicloud:arms/envFeature:EnvFeature": "<environment_id>:{envFeatureName}",
    "alicloud:arms/prometheus:Prometheus": "<the Prometheus instance id (the cluster id for ACK)>",
    "alicloud:arms/prometheusAlertRule:PrometheusAlertRule": "<cluster_id>:<prometheus_alert_rule_id>",
    "alicloud:arms/syntheticTask:SyntheticTask": "<the synthetic task id>",
    "alicloud:fc/v3Function:V3Function": "{functionName}",
    "alicloud:fc/v3AsyncInvokeConfig:V3AsyncInvokeConfig": "{functionName}",
    "alicloud:fc/v3ConcurrencyConfig:V3ConcurrencyConfig": "{functionName}",
    "alicloud:fc/v3Trigger:V3Trigger": "{functionName}:{triggerName}",
    "alicloud:kms/key:Key": "<the KMS key id>",
    "alicloud:log/project:Project": "{projectName}",
    "alicloud:log/store:Store": "{projectName}:{logstoreName}",
    "alicloud:log/storeIndex:StoreIndex": "{project}:{logstore}",
    "alicloud:message/serviceQueue:ServiceQueue": "{queueName}",
    "alicloud:mse/cluster:Cluster": "<the MSE instance id, mse-cn-...>",
    "alicloud:mse/engineNamespace:EngineNamespace": "<instance_id>:{namespaceId}",
    "alicloud:mse/gateway:Gateway": "<the gateway id, gw-...>",
    "alicloud:ims/oidcProvider:OidcProvider": "{oidcProviderName}",
    "alicloud:oos/secretParameter:SecretParameter": "{secretParameterName}",
    "alicloud:oss/bucket:Bucket": "{bucket}",
    "alicloud:ram/role:Role": "{roleName}",
    "alicloud:ram/policy:Policy": "{policyName}",
    "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment": "role:{policyName}:{policyType}:{roleName}",
}
# Every oss.Bucket* sub-resource is imported by its bucket's name.
BUCKET_SUBRESOURCE = re.compile(r"^alicloud:oss/bucket[A-Z]\w*:Bucket\w+$")
UNKNOWN_ID = "<fill in: the provider's import id (the Import section of the resource's documentation)>"
_FIELD = re.compile(r"\{(\w+)\}")


def _literal(resource: Mapping[str, Any], key: str,
             by_urn: Mapping[str, Mapping[str, Any]] | None = None) -> str | None:
    """A real name for `key`: an input the program sets itself, or one it takes from another resource
    whose own inputs set exactly that value (a bucket's name passed to its sub-resources). Values that
    only the cloud knows (ids: mock values in a plan) are not names."""
    value = (resource.get("inputs") or {}).get(key)
    if not isinstance(value, str) or not value or value.startswith(("[", "urn:")):
        return None
    sources = (resource.get("propertyDependencies") or {}).get(key)
    if not sources:
        return value
    for urn in sources:
        source = (by_urn or {}).get(urn) or {}
        own = [v for k, v in (source.get("inputs") or {}).items()
               if isinstance(v, str) and k not in (source.get("propertyDependencies") or {})]
        if value in own:
            return value
    return None


def import_id(resource: Mapping[str, Any],
              by_urn: Mapping[str, Mapping[str, Any]] | None = None) -> tuple[str, bool]:
    """(id, complete): the import id with every known part filled in; complete when nothing is left to fill."""
    type_ = resource["type"]
    template = IMPORT_IDS.get(type_) or ("{bucket}" if BUCKET_SUBRESOURCE.match(type_) else None)
    if template is None:
        return UNKNOWN_ID, False

    def fill(match: re.Match[str]) -> str:
        return _literal(resource, match.group(1), by_urn) or f"<{match.group(1)}>"

    value = _FIELD.sub(fill, template)
    return value, "<" not in value


def importable(resource: Mapping[str, Any]) -> bool:
    """Cloud resources of the alicloud provider (Kubernetes objects and dynamic resources are adopted)."""
    return bool(resource.get("custom")) and str(resource.get("type", "")).startswith("alicloud:")


def build_import_file(plan: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, int]]:
    """The `pulumi import --file` document for `plan`, and counts (resources, ids filled, ids to fill, left out)."""
    resources = list(plan.get("resources", []))
    by_urn = {r["urn"]: r for r in resources}
    names = Counter(r["name"] for r in resources)
    handles: dict[str, str] = {}
    for r in resources:  # a name used twice (under different parents) gets a unique handle
        handles[r["urn"]] = r["name"] if names[r["name"]] == 1 else f"{r['name']}@{r['type'].split(':')[-1]}"

    needed: set[str] = set()
    for r in resources:
        if importable(r):
            parent = r.get("parent")
            while parent and parent in by_urn and by_urn[parent]["type"] != "pulumi:pulumi:Stack":
                needed.add(parent)
                parent = by_urn[parent].get("parent")
            provider = (r.get("options") or {}).get("provider")
            if provider in by_urn:
                needed.add(provider)

    specs: list[dict[str, Any]] = []
    counts = {"resources": 0, "filled": 0, "to_fill": 0, "left_out": 0}

    def parent_of(r: Mapping[str, Any]) -> dict[str, str]:
        parent = r.get("parent")
        if parent and parent in by_urn and by_urn[parent]["type"] != "pulumi:pulumi:Stack":
            return {"parent": handles[parent]}
        return {}

    for r in resources:  # plans are sorted by URN; Pulumi resolves parents in any order
        if r["urn"] in needed and not r["custom"]:
            specs.append({"type": r["type"], "name": handles[r["urn"]], "logicalName": r["name"],
                          "component": True, **parent_of(r)})
        elif r["urn"] in needed and r["type"].startswith("pulumi:providers:"):
            inputs = {k: v for k, v in (r.get("inputs") or {}).items() if isinstance(v, (str, int, bool))
                      and k != "version"}
            specs.append({"type": r["type"], "name": handles[r["urn"]], "logicalName": r["name"],
                          "inputs": inputs})
        elif importable(r):
            rid, complete = import_id(r, by_urn)
            counts["resources"] += 1
            counts["filled" if complete else "to_fill"] += 1
            spec = {"type": r["type"], "name": handles[r["urn"]], "logicalName": r["name"], "id": rid,
                    **parent_of(r)}
            provider = (r.get("options") or {}).get("provider")
            if provider in by_urn:
                spec["provider"] = handles[provider]
            specs.append(spec)
        elif r["custom"] and not r["type"].startswith("pulumi:"):
            counts["left_out"] += 1
    return {"nameTable": {}, "resources": specs}, counts
