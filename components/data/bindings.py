"""What a service gets from the data block, as Kubernetes objects (pure manifest builders, no Pulumi engine):

* a ConfigMap `<service>-data` with the endpoints of what it uses (host, port, TLS flag, topics, groups,
  database names), whose values are the resources' own outputs, so the ConfigMap depends on them in the plan;
* an ExternalSecret `<service>-data` (ack-secret-manager, `alibabacloud.com/v1alpha1`) that copies the
  service's KMS secrets into a Kubernetes Secret of the same name, one key per username and password;
* the container wiring: `envFrom` the ConfigMap, and each credential as `env` from the Secret (secretKeyRef,
  so policy K8S-07 sees no literal secret).

Env names: docs/data.md ("What a service gets"). The Workloads component registers these objects before the
service's Deployments, in the service's namespace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from components.data.settings import (
    DataSettings,
    database_env,
    group_env,
    topic_env,
)

EXTERNAL_SECRET_API = "alibabacloud.com/v1alpha1"
#: Label naming the service a data object belongs to (the preview's "who uses what" table reads it).
BINDING_LABEL = "livecommerce.io/data-binding"
#: The KMS secret version ack-secret-manager follows: the current one, so a rotation reaches the pods.
CURRENT_STAGE = "ACSCurrent"
#: Secret keys (username, password) per product, as env names.
CREDENTIAL_ENV = {
    "queue": ("ROCKETMQ_USERNAME", "ROCKETMQ_PASSWORD"),
    "cache": ("REDIS_USERNAME", "REDIS_PASSWORD"),
    "database": ("DB_USERNAME", "DB_PASSWORD"),
}


def data_object_name(service: str) -> str:
    """Name of the service's ConfigMap, ExternalSecret and synced Secret: `<service>-data`."""
    return f"{service}-data"


@dataclass(frozen=True)
class Endpoints:
    """The endpoints of the stack's data products (Outputs in the program, strings in tests)."""

    queue_endpoint: pulumi.Input[str] | None = None
    queue_instance_id: pulumi.Input[str] | None = None
    topics: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    groups: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    cache_host: pulumi.Input[str] | None = None
    cache_port: pulumi.Input[str] | None = None
    cache_tls: bool = True
    db_host: pulumi.Input[str] | None = None
    db_port: pulumi.Input[str] | None = None
    db_tls: bool = True
    databases: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)


def service_config(data: DataSettings, service: str, ep: Endpoints) -> dict[str, pulumi.Input[str]]:
    """The ConfigMap data of one service: only what it uses, keys sorted."""
    uses = data.services_used().get(service, [])
    out: dict[str, pulumi.Input[str]] = {}
    q = data.queue
    if "queue" in uses and q is not None:
        out["ROCKETMQ_ENDPOINT"] = ep.queue_endpoint or ""
        out["ROCKETMQ_INSTANCE_ID"] = ep.queue_instance_id or ""
        mine = {t.name for t in q.topics if service in t.publishers}
        mine |= {t for c in q.consumers if c.service == service for t in c.topics}
        for t in sorted(mine):
            out[topic_env(t)] = ep.topics.get(t, t)
        for c in q.consumers:
            if c.service == service:
                out[group_env(c.group_id)] = ep.groups.get(c.group_id, c.group_id)
    if "cache" in uses:
        out["REDIS_HOST"] = ep.cache_host or ""
        out["REDIS_PORT"] = _text(ep.cache_port)
        out["REDIS_TLS"] = "true" if ep.cache_tls else "false"
    d = data.database
    if "database" in uses and d is not None:
        out["DB_HOST"] = ep.db_host or ""
        out["DB_PORT"] = _text(ep.db_port)
        out["DB_TLS"] = "true" if ep.db_tls else "false"
        owned = [db.name for db in d.databases if db.service == service]
        for db in d.databases:
            if db.service == service or service in db.readers:
                out[database_env(db.name)] = ep.databases.get(db.name, db.name)
        if len(owned) == 1:
            out["DB_NAME"] = ep.databases.get(owned[0], owned[0])
    return dict(sorted(out.items()))


def _text(value: pulumi.Input[object] | None) -> pulumi.Input[str]:
    if value is None:
        return ""
    if isinstance(value, pulumi.Output):
        return value.apply(lambda v: "" if v is None else str(v))
    return str(value)


def config_map_manifest(service: str, namespace: str, data: Mapping[str, pulumi.Input[str]],
                        labels: Mapping[str, str]) -> dict:
    """The service's `<service>-data` ConfigMap."""
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": data_object_name(service), "namespace": namespace,
                         "labels": {**labels, BINDING_LABEL: service}},
            "data": dict(data)}


def external_secret_manifest(service: str, namespace: str, secrets: Mapping[str, str], *, store: str,
                             store_namespace: str, labels: Mapping[str, str]) -> dict:
    """The service's `<service>-data` ExternalSecret: per product it uses, the KMS secret (`secrets`: product ->
    KMS secret name) split into its username and password keys (JMESPath over the JSON document)."""
    entries = []
    for product in ("queue", "cache", "database"):
        if product not in secrets:
            continue
        user_env, password_env = CREDENTIAL_ENV[product]
        entries.append({
            "key": secrets[product],
            "name": product,
            "versionStage": CURRENT_STAGE,
            "secretStoreRef": {"name": store, "namespace": store_namespace},
            "jmesPath": [{"path": "username", "objectAlias": user_env},
                         {"path": "password", "objectAlias": password_env}],
        })
    return {"apiVersion": EXTERNAL_SECRET_API, "kind": "ExternalSecret",
            "metadata": {"name": data_object_name(service), "namespace": namespace,
                         "labels": {**labels, BINDING_LABEL: service}},
            "spec": {"provider": "kms", "type": "Opaque", "data": entries}}


def secret_store_manifest(name: str, namespace: str, *, oidc_provider_arn: pulumi.Input[str],
                          role_arn: pulumi.Input[str], labels: Mapping[str, str]) -> dict:
    """The SecretStore every ExternalSecret names: ack-secret-manager assumes `role_arn` through the cluster's
    RRSA OIDC provider (its own ServiceAccount token), never the worker role or an AccessKey."""
    return {"apiVersion": EXTERNAL_SECRET_API, "kind": "SecretStore",
            "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)},
            "spec": {"KMS": {"KMSAuth": {"oidcProviderARN": oidc_provider_arn, "ramRoleARN": role_arn}}}}


def container_env(data: DataSettings, service: str) -> tuple[list[dict], list[dict]]:
    """(`env`, `envFrom`) entries the service's container gets: the ConfigMap whole, each credential by key."""
    uses = data.services_used().get(service, [])
    if not uses:
        return [], []
    secret = data_object_name(service)
    env = [{"name": key, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}
           for product in uses for key in CREDENTIAL_ENV[product]]
    return sorted(env, key=lambda e: e["name"]), [{"configMapRef": {"name": data_object_name(service)}}]


@dataclass(frozen=True)
class ServiceBinding:
    """Everything one service gets from the data block."""

    service: str
    uses: tuple[str, ...]
    """`queue`, `cache`, `database` (in that order)."""
    config_map: dict
    """The ConfigMap manifest (values may be Outputs)."""
    external_secret: dict
    """The ExternalSecret manifest."""
    env: list[dict]
    """Container `env` entries (credentials from the synced Secret)."""
    env_from: list[dict]
    """Container `envFrom` entries (the ConfigMap)."""
    depends_on: Sequence[pulumi.Resource] = ()
    """What must exist before these objects (the SecretStore, the KMS secrets)."""


def bindings(data: DataSettings, namespaces: Mapping[str, str], ep: Endpoints, secret_names: Mapping[str, str], *,
             store: str, store_namespace: str, labels: Mapping[str, str],
             depends_on: Sequence[pulumi.Resource] = ()) -> dict[str, ServiceBinding]:
    """A ServiceBinding per service that uses anything (`namespaces`: service -> its namespace;
    `secret_names`: credential key `<service>-<product>` -> KMS secret name)."""
    out: dict[str, ServiceBinding] = {}
    for service, uses in data.services_used().items():
        ns = namespaces[service]
        mine = {p: secret_names[f"{service}-{p}"] for p in uses}
        env, env_from = container_env(data, service)
        out[service] = ServiceBinding(
            service=service, uses=tuple(uses),
            config_map=config_map_manifest(service, ns, service_config(data, service, ep), labels),
            external_secret=external_secret_manifest(service, ns, mine, store=store, store_namespace=store_namespace,
                                                     labels=labels),
            env=env, env_from=env_from, depends_on=tuple(depends_on))
    return out
