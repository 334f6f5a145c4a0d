"""The composition root: reads the stack's config and wires the architecture's building blocks.

Read top to bottom, this is the architecture diagram of ../shared/ARCHITECTURE.md:
network -> container platform (ACK + ECS node pools + ECI virtual nodes, external clusters)
-> middleware and data (RocketMQ 5, Tair, PolarDB) -> microservice governance (MSE) -> workloads
-> media (OSS + Function Compute) -> the edge where viewers enter (Live, CDN, WAF, DNS) -> observability (ARMS,
SLS), which watches all of it.
`__main__.py` (under `pulumi up`) and the offline engine (`livecommerce preview`) both call `program()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pulumi
import pulumi_alicloud as alicloud
import pulumi_kubernetes as k8s

from components.container_platform.addons import ClusterAddons, ClusterAddonsArgs
from components.container_platform.cluster import AckCluster, AckClusterArgs
from components.container_platform.external_clusters import ExternalClusters, ExternalClustersArgs
from components.container_platform.node_pools import NodePools, NodePoolsArgs
from components.data.bindings import bindings
from components.data.block import Data, DataArgs
from components.data.sync import SecretSync, SecretSyncArgs
from components.workloads.scheduling import ScheduleError, calendar_notes
from components.workloads.service_settings import ServiceSettings, with_mse_namespace
from components.workloads.manifests import MANAGED_BY_LABEL, PART_OF_LABEL, InjectedEnv, label_value
from components.workloads.microservices import ServiceConfig, Workloads, WorkloadsArgs
from components.governance.gateway import Gateway, GatewayArgs
from components.governance.ingress import MseIngress, MseIngressArgs
from components.governance.lanes import Governance, GovernanceArgs, lane_summary
from components.governance.registry import Registry, RegistryArgs
from components.governance.settings import mse_namespace
from components.edge import plan as edge_plan
from components.edge.edge import Edge, EdgeArgs
from components.edge.plan import RecordingStore
from components.media.transcoding import Media, MediaArgs
from components.network.cidr import client_cidrs
from components.network.vpc import Network, NetworkArgs
from components.observability.logs import LogProject, LogProjectArgs
from components.observability.monitoring import Monitoring, MonitoringArgs
from components.observability.targets import (
    cache_target,
    cluster_target,
    database_target,
    function_target,
    message_queue_target,
    gateway_endpoints,
    queue_target,
    registered_targets,
    service_targets,
)
from components.naming import Naming
from stacks import clock, run_context
from stacks.config import CONFIG_KEY, REGION_KEY, ConfigError, PlatformConfig, parse_platform, secret_refs
from stacks.tiers import Tier, resolve_tier


# How long the kubeconfig the Kubernetes provider uses stays valid (ACK allows 15 to 4320 minutes).
KUBECONFIG_TTL_MINUTES = 4320


@dataclass(frozen=True)
class StackContext:
    """What every component builder needs to know about the current stack."""

    stack: str
    """The Pulumi stack (what names derive from)."""
    region: str
    tier: Tier
    """What the stack must satisfy (stacks/tiers.py)."""
    naming: Naming
    config: PlatformConfig
    tags: dict[str, str]
    source: str = ""
    """The stack file, as errors and warnings name it."""
    now: datetime | None = None
    """The moment the live-event calendar is read against (aware)."""


def load_context(stack_file: str | None = None, now: datetime | None = None) -> StackContext:
    """Read and validate this stack's config (the only config read in the program)."""
    stack = pulumi.get_stack()
    region = pulumi.Config("alicloud").get("region")
    source = stack_file or run_context.STACK_FILE.get() or f"stacks/Pulumi.{stack}.yaml"
    if now is None:
        try:
            now = clock.now()
        except clock.ClockError as exc:
            raise pulumi.RunError(str(exc)) from None
    if not region:
        raise pulumi.RunError(f"{source}: {REGION_KEY}: required; run `pulumi config set alicloud:region cn-hangzhou`")
    raw = pulumi.Config("livecommerce").get("platform")
    if raw is None:
        raise pulumi.RunError(f"{source}: {CONFIG_KEY}: required; see stacks/platform.schema.json")
    try:
        cfg = parse_platform(raw, stack=stack, region=region)
    except ConfigError as exc:
        # RunError prints the message without a Python traceback.
        raise pulumi.RunError("\n".join(f"{source}: {line}" for line in exc.lines)) from None
    naming = Naming(project=pulumi.get_project(), stack=stack, region=region)
    return StackContext(stack=stack, region=region, tier=resolve_tier(stack, cfg.tier), naming=naming, config=cfg,
                        tags=cfg.common_tags(stack), source=source, now=now)


def secret(key: str) -> pulumi.Output[str]:
    """A secret config value (`pulumi config set --secret livecommerce:<key> ...`), always an Output secret."""
    value = pulumi.Config("livecommerce").get_secret(key)
    if value is None:
        raise pulumi.RunError(f"livecommerce:{key} is not set; "
                              f"run `pulumi config set --secret livecommerce:{key} <value>`")
    return pulumi.Output.secret(value)


def program(*, now: datetime | None = None, stack_file: str | None = None) -> None:
    """Build the whole platform for the current stack.

    `now` is the moment dates are read against (default `stacks.clock.now()`: the engine's injected moment,
    `LIVECOMMERCE_NOW`, or the system clock); `stack_file` is how messages name the stack file (default the
    engine's real path, else `stacks/Pulumi.<stack>.yaml`, where `pulumi up` reads it).
    """
    ctx = load_context(stack_file, now)
    cfg = ctx.config
    # One explicit provider per stack: the region is visible in every preview, and credentials come
    # from the standard ALIBABA_CLOUD_* environment variables, never from config or code.
    alicloud_provider = alicloud.Provider(f"{ctx.stack}-alicloud", region=ctx.region)
    cloud = pulumi.ResourceOptions(providers=[alicloud_provider])

    # 1. Network: VPC, node + pod vSwitches per zone, NAT egress.
    network = Network(f"{ctx.stack}-network", NetworkArgs(naming=ctx.naming, settings=cfg.network, tags=ctx.tags),
                      opts=cloud)

    # 2. Container platform: ACK Pro control plane, ECS node pools (steady base), addons (ECI virtual
    #    nodes, CronHPA, ARMS/SLS agents), then the Kubernetes providers workloads are applied through.
    # Control-plane and audit logs go to the environment's SLS project, created first (observability):
    # this stack owns the project, so ACK must not delete it with the cluster (log_project_managed).
    logs = LogProject(f"{ctx.stack}-logs", LogProjectArgs(
        naming=ctx.naming, settings=cfg.observability.logs, tags=ctx.tags), opts=cloud)
    cluster = AckCluster(f"{ctx.stack}-ack", AckClusterArgs(
        naming=ctx.naming, settings=cfg.cluster, vswitch_ids=network.node_vswitch_ids,
        pod_vswitch_ids=network.pod_vswitch_ids, service_cidr=network.plan.service_cidr,
        log_project=logs.project_name, log_project_managed=True, tags=ctx.tags), opts=cloud)
    node_pools = NodePools(f"{ctx.stack}-node-pools", NodePoolsArgs(
        naming=ctx.naming, cluster_id=cluster.cluster_id, vswitch_ids=network.node_vswitch_ids, pools=cfg.node_pools,
        tags=ctx.tags, key_pair_name=cfg.cluster.node_key_pair), opts=cloud)
    # Addon pods need nodes to run on.
    addons = ClusterAddons(f"{ctx.stack}-ack-addons", ClusterAddonsArgs(
        cluster_id=cluster.cluster_id, addons=cfg.cluster.enabled_addons, depends_on=[node_pools]), opts=cloud)
    external = ExternalClusters(f"{ctx.stack}-external", ExternalClustersArgs(
        naming=ctx.naming, clusters=cfg.external_clusters, fleet=cfg.fleet, ack_cluster_id=cluster.cluster_id,
        vpc_id=network.vpc_id, vswitch_ids=network.node_vswitch_ids), opts=cloud)

    # The credential is temporary (max 3 days) and re-read on every preview/up; it never leaves as plain text.
    credential = alicloud.cs.get_cluster_credential_output(
        cluster_id=cluster.cluster_id, temporary_duration_minutes=KUBECONFIG_TTL_MINUTES,
        opts=pulumi.InvokeOutputOptions(provider=alicloud_provider))
    kubeconfig = pulumi.Output.secret(credential.kube_config)
    # Workloads wait for the nodes and the addons (the CronHPA and ResourcePolicy CRDs come with them).
    k8s_provider = k8s.Provider(f"{ctx.stack}-ack-kubernetes", kubeconfig=kubeconfig, enable_server_side_apply=True,
                                opts=pulumi.ResourceOptions(depends_on=[node_pools, addons]))
    external_k8s_providers = {
        ext.name: k8s.Provider(f"{ctx.stack}-external-{ext.name}", kubeconfig=secret(ext.kubeconfig_secret),
                               enable_server_side_apply=True, opts=pulumi.ResourceOptions(depends_on=[external]))
        for ext in cfg.external_clusters
    }
    # Handed to workload components through opts (components never build providers).
    _ = external_k8s_providers

    # 3. Middleware and data: the RocketMQ 5 queue, Tair cache and PolarDB database the services declare,
    #    private to the VPC and whitelisted to the node and pod vSwitches; an account per service whose
    #    generated password lives in KMS, copied into the cluster by ack-secret-manager (RRSA).
    account = alicloud.get_account_output(opts=pulumi.InvokeOutputOptions(provider=alicloud_provider))
    data, data_config = _data(ctx, network, cluster, account.id, [node_pools, addons], alicloud_provider,
                              k8s_provider)

    # 4. Microservice governance (MSE): the Nacos registry (private, in the VPC) with the stack's namespace,
    #    and the cloud-native gateway in front of the services, replicas over two zones.
    namespace = mse_namespace(cfg.governance, ctx.stack)
    registry = Registry(f"{ctx.stack}-registry", RegistryArgs(
        naming=ctx.naming, settings=cfg.governance.registry, namespace=namespace, vpc_id=network.vpc_id,
        vswitch_id=network.node_vswitch_ids[0], tags=ctx.tags), opts=cloud)
    gateway = Gateway(f"{ctx.stack}-gateway", GatewayArgs(
        naming=ctx.naming, settings=cfg.governance.gateway, vpc_id=network.vpc_id,
        vswitch_ids=network.node_vswitch_ids), opts=cloud)
    # MSE Ingress on the cluster is served by that same gateway: an MseIngressConfig reusing it by id and
    # the IngressClass `mse` bound to it (the controller is the `mse-ingress-controller` addon).
    mse_ingress = MseIngress(f"{ctx.stack}-mse-ingress", MseIngressArgs(
        naming=ctx.naming, gateway_id=gateway.gateway_id,
        labels={PART_OF_LABEL: "livecommerce", MANAGED_BY_LABEL: "pulumi",
                **{k: label_value(v) for k, v in {"owner": cfg.owner, "env": ctx.stack}.items()}}),
        opts=pulumi.ResourceOptions(providers=[k8s_provider]))

    # 5. Workloads: the live-commerce back end on the ACK cluster: a namespace per business domain, per
    #    service its versions (Deployments with MSE/ARMS labels), HPA + CronHPA from the live-event
    #    calendar, ResourcePolicy (ECS first, then ECI), MSE Ingress with canary rules at the entry, and the
    #    data block's endpoints (ConfigMap) and credentials (synced Secret) for what each service uses.
    # Every service's pods carry the stack's MSE namespace (`mseNamespace`), the registry's namespace.
    services = with_mse_namespace(cfg.services, namespace)
    workloads = _workloads(ctx, services, k8s_provider, node_pools.steady_base_selector, mse_ingress.ingress_class,
                           data_config)

    # End-to-end canary lanes entered at the gateway, and the governance rules, once the tagged pods exist.
    governance = Governance(f"{ctx.stack}-governance", GovernanceArgs(
        naming=ctx.naming, region=ctx.region, namespace=namespace, settings=cfg.governance, services=services,
        gateway_id=gateway.gateway_id, depends_on=[workloads, registry]))

    # 6. Media: replay buckets on OSS; an upload under the input prefix fires the FC 3.0 transcoder
    #    through an OSS trigger; failed events end in a dead-letter queue. It logs to the stack's SLS project.
    # The edge's services (Live recording writes, CDN origin reads) are granted their prefixes in the buckets' policies.
    # When the live center is in another region, recordings arrive in the input bucket by replication instead. The
    # edge's replay CDN is the transcoder's playback domain: its URL-auth key signs the manifest's playback URLs.
    recording = edge_plan.recording_store(cfg.edge, cfg.media, ctx.naming)
    media_settings = edge_plan.with_edge_playback(cfg.media, cfg.edge)
    auth_key = media_settings.playback.url_auth_key_secret
    media = Media(f"{ctx.stack}-media", MediaArgs(
        naming=ctx.naming, account_id=account.id, settings=media_settings,
        log_project=logs.project_name, log_store=logs.logstores["transcoder"], tags=ctx.tags,
        service_grants=edge_plan.service_grants(cfg.edge, region=ctx.region, buckets=cfg.media.buckets,
                                                input_prefix=cfg.media.input_prefix,
                                                output_prefix=cfg.media.output_prefix),
        replicated_input=recording is not None,
        playback_auth_key=secret(auth_key) if auth_key else None), opts=cloud)

    # 7. The edge, where viewers enter: ApsaraVideo Live ingest + playback domains recording every show into the
    #    replay input bucket, the video CDN in front of the published replays, the API host on the gateway behind
    #    WAF 3.0, certificates and the Alidns records of every public host. A live center in another region records
    #    into a bucket there, replicated into the input bucket.
    edge = _edge(ctx, media, gateway, logs, account.id, recording, cloud)

    # 8. Observability, last because it watches everything above: ARMS Prometheus on the cluster (and
    #    metric agents on registered clusters), alert rules generated per cluster, service, function,
    #    dead-letter queue, message queue, cache, database and CDN domain, routed by severity to people (SMS,
    #    DingTalk, webhooks), synthetic probes, front-end RUM apps.
    monitoring = _monitoring(ctx, cluster, node_pools, external, media, data, edge, cloud)

    pulumi.export("region", ctx.region)
    pulumi.export("zones", network.zones)
    pulumi.export("vpcId", network.vpc_id)
    # The bootstrap project places the environment's CI runner on a node vSwitch (NAT egress) of this VPC.
    pulumi.export("nodeVswitchIds", network.node_vswitch_ids)
    pulumi.export("egressIp", network.egress_ip)
    pulumi.export("clusterId", cluster.cluster_id)
    uses = cfg.data.services_used()
    pulumi.export("services", {name: {"namespace": m.namespace, "entryPath": m.entry_path,
                                      "versions": sorted(m.deployments), "uses": uses.get(name, [])}
                               for name, m in workloads.services.items()})
    pulumi.export("apiServerIntranet", cluster.api_server_intranet)
    pulumi.export("kubeconfig", kubeconfig)
    pulumi.export("nodePoolIds", node_pools.node_pool_ids)
    pulumi.export("externalClusterIds", external.cluster_ids)
    pulumi.export("replayInputBucket", media.input_bucket)
    pulumi.export("mediaOutputBucket", media.output_bucket)
    pulumi.export("transcoderFunctionName", media.function_name)
    pulumi.export("transcoderDeadLetterQueue", media.dead_letter_queue)
    pulumi.export("transcoderWorkerFunctionName", media.worker_function_name)
    if media.success_topic is not None:
        pulumi.export("transcoderSuccessTopic", media.success_topic)
    if external.fleet_id is not None:
        pulumi.export("fleetId", external.fleet_id)
    pulumi.export("logProject", logs.project_name)
    pulumi.export("mseNamespace", registry.namespace_id)
    pulumi.export("registryEndpoint", registry.endpoint)
    pulumi.export("registryInstanceId", registry.instance_id)
    pulumi.export("gatewayId", gateway.gateway_id)
    pulumi.export("gatewayIntranetIp", gateway.intranet_ip)
    if cfg.governance.gateway.internet_slb:
        pulumi.export("gatewayInternetIp", gateway.internet_ip)
    if governance.lane_group_id is not None:
        pulumi.export("laneGroupId", governance.lane_group_id)
        pulumi.export("lanes", lane_summary(cfg.governance, services))
    if data is not None:
        # What each service is wired to (endpoints are private; credentials stay in KMS).
        endpoints: dict[str, pulumi.Input[str]] = {}
        if data.queue is not None:
            endpoints["queue"] = data.queue.endpoint
        if data.cache is not None:
            endpoints["cache"] = pulumi.Output.concat(data.cache.host, ":", data.cache.port.apply(str))
        if data.database is not None:
            endpoints["database"] = pulumi.Output.concat(data.database.host, ":", data.database.port)
        pulumi.export("dataEndpoints", endpoints)
        pulumi.export("dataSecrets", dict(sorted(data.secret_names.items())))
    pulumi.export("prometheusId", monitoring.prometheus_id)
    if edge is not None:
        # Every public host the stack owns, and what its DNS record must point at (set by the stack when
        # edge.dns is declared; otherwise create these CNAMEs where the zone lives).
        pulumi.export("publicHosts", edge.hosts)
        pulumi.export("publicHostTargets", edge.cnames)
        if edge.replay_base_url is not None:
            pulumi.export("replayBaseUrl", edge.replay_base_url)
        if edge.recording_bucket is not None:
            # The live center's bucket Live records into (cross-region path), replicated into replayInputBucket.
            pulumi.export("recordingBucket", edge.recording_bucket)
    if cfg.edge is not None and cfg.edge.external_hosts:
        pulumi.export("externalHosts", list(cfg.edge.external_hosts))
    # The front-end builds read these: ArmsRum.init({pid, endpoint}).
    for app, (pid, endpoint) in monitoring.rum.items():
        stem = "rum" + "".join(part.capitalize() for part in app.split("-"))
        pulumi.export(f"{stem}Pid", pid)
        pulumi.export(f"{stem}Endpoint", endpoint)


def _data(ctx: StackContext, network: Network, cluster: AckCluster, account_id: pulumi.Input[str],
          after: Sequence[pulumi.Resource], alicloud_provider: alicloud.Provider,
          k8s_provider: k8s.Provider) -> tuple[Data | None, dict[str, ServiceConfig]]:
    """The data block, its in-cluster secret sync, and what each service gets from it (None, {} when the stack
    declares no queue, cache or database)."""
    cfg = ctx.config
    if not cfg.data.services_used():
        return None, {}
    data = Data(f"{ctx.stack}-data", DataArgs(
        naming=ctx.naming, settings=cfg.data, zones=network.zones, vpc_id=network.vpc_id,
        vswitch_ids=network.node_vswitch_ids, whitelist=client_cidrs(network.plan), tags=ctx.tags),
        opts=pulumi.ResourceOptions(providers=[alicloud_provider]))
    labels = {PART_OF_LABEL: "livecommerce", MANAGED_BY_LABEL: "pulumi",
              **{k: label_value(v) for k, v in {"owner": cfg.owner, "env": ctx.stack}.items()}}
    # The controller's pods need nodes; its RAM role is trusted through the cluster's RRSA provider.
    sync = SecretSync(f"{ctx.stack}-secret-sync", SecretSyncArgs(
        naming=ctx.naming, account_id=account_id, settings=cfg.data.secrets.sync,
        oidc_provider_arn=cluster.rrsa_oidc_provider_arn, oidc_issuer_url=cluster.rrsa_oidc_issuer_url,
        secret_arns=data.secret_arns, key_id=data.credentials.key_id, labels=labels, tags=ctx.tags,
        depends_on=list(after)), opts=pulumi.ResourceOptions(providers=[alicloud_provider, k8s_provider]))
    made = bindings(cfg.data, {s.name: s.domain for s in cfg.services}, data.endpoints, data.secret_names,
                    store=sync.store_name, store_namespace=sync.store_namespace, labels=labels,
                    # The synced Secret needs the store and the KMS secrets it copies.
                    depends_on=[sync.store, data.credentials])
    return data, {service: ServiceConfig(
        objects={"data-config": b.config_map, "data-secret": b.external_secret},
        injected=InjectedEnv(env=b.env, env_from=b.env_from), depends_on=b.depends_on)
        for service, b in made.items()}


def _monitoring(ctx: StackContext, cluster: AckCluster, node_pools: NodePools, external: ExternalClusters,
                media: Media, data: Data | None, edge: Edge | None, opts: pulumi.ResourceOptions) -> Monitoring:
    """The Monitoring component, with targets derived from what this stack declares."""
    cfg = ctx.config
    obs = cfg.observability
    keys = sorted({c.phone_secret for c in obs.contacts if c.phone_secret}
                  | ({obs.dingtalk.webhook_secret} if obs.dingtalk else set())
                  | {w.url_secret for w in obs.webhooks})
    return Monitoring(f"{ctx.stack}-observability", MonitoringArgs(
        naming=ctx.naming, settings=obs, team=obs.team or cfg.owner, backlog_severity=ctx.tier.backlog_severity,
        # Names come from the components that name the resources, so rules and resources cannot drift apart.
        cluster_id=cluster.cluster_id, cluster=cluster_target(cluster.cluster_name, node_pools.max_sizes),
        services=service_targets(cfg.services, ctx.naming),
        registered=registered_targets(external.cluster_ids),
        functions=[function_target("transcoder", media.function_name,  # type: ignore[arg-type]
                                   cfg.media.function.timeout_seconds),
                   function_target("transcoder-worker", media.worker_function_name,  # type: ignore[arg-type]
                                   cfg.media.fan_out.worker.timeout_seconds)],
        # Failed transcoding events: a non-empty dead-letter queue means replays were not published.
        targets=[queue_target("transcoder-dlq", media.dead_letter_queue),  # type: ignore[arg-type]
                 *_data_targets(data),
                 # What the edge publishes for watching: the replay CDN domain.
                 *(edge.alert_targets if edge is not None else [])],
        probe_urls=gateway_endpoints(cfg.services, obs.synthetics) if obs.synthetics.enabled else {},
        secrets={k: secret(k) for k in keys}, tags=ctx.tags), opts=opts)


def _data_targets(data: Data | None) -> list:
    """Alert targets of the data block: named as the components named the instances, ids from their outputs."""
    if data is None:
        return []
    out: list = []
    if data.queue is not None:
        out.append(message_queue_target("rocketmq", data.queue.instance_name, data.queue.instance_id))  # type: ignore[arg-type]
    if data.cache is not None:
        out.append(cache_target("tair", data.cache.instance_name, data.cache.instance_id))  # type: ignore[arg-type]
    if data.database is not None:
        out.append(database_target("polardb", data.database.cluster_name, data.database.cluster_id))  # type: ignore[arg-type]
    return out


def _edge(ctx: StackContext, media: Media, gateway: Gateway, logs: LogProject, account_id: pulumi.Input[str],
          recording: RecordingStore | None, opts: pulumi.ResourceOptions) -> Edge | None:
    """The Edge component, when the stack declares live, CDN or API hosts. When the live center is not the stack's
    region, its recordings go through a bucket of that region, created with that region's provider (built here:
    stacks/ is the only builder of providers)."""
    e = ctx.config.edge
    if e is None or not (e.live or e.replay_cdn or e.api):
        return None
    recording_provider = None
    if recording is not None:
        recording_provider = alicloud.Provider(f"{ctx.stack}-alicloud-{recording.region}", region=recording.region)
    return Edge(f"{ctx.stack}-edge", EdgeArgs(
        naming=ctx.naming, settings=e, input_bucket=media.input_bucket, input_prefix=ctx.config.media.input_prefix,
        max_replay_seconds=ctx.config.media.transcode.max_duration_seconds,
        recording=recording, recording_provider=recording_provider, account_id=account_id,
        output_bucket=media.output_bucket, buckets_ready=media, gateway_id=gateway.gateway_id,
        gateway_internet_ip=gateway.internet_ip,
        log_project=logs.project_name, log_retention_days=ctx.config.observability.logs.retention_days,
        secrets={k: secret(k) for k in secret_refs(e)}, tags=ctx.tags), opts=opts)


def _workloads(ctx: StackContext, services: Sequence[ServiceSettings], k8s_provider: k8s.Provider,
               node_pool_selector: dict[str, str], ingress_class: pulumi.Resource,
               config: dict[str, ServiceConfig]) -> Workloads:
    """The Workloads component; the live-event calendar is read against `ctx.now`. Dates never fail the
    program: past one-off events and events a year or more ahead are warnings (and the past ones a
    policy advisory), naming the stack file."""
    cfg = ctx.config
    now = ctx.now or datetime.now(UTC)
    for line in calendar_notes(cfg.live_events, now=now):
        pulumi.log.warn(f"{ctx.source}: {CONFIG_KEY}.live_events: {line}")
    keys = sorted({e.value_secret for s in cfg.services for e in s.env_secrets if e.value_secret is not None})
    try:
        return Workloads(f"{ctx.stack}-workloads", WorkloadsArgs(
            naming=ctx.naming, services=services, live_events=cfg.live_events, now=now,
            node_pool_selector=node_pool_selector, secret_values={k: secret(k) for k in keys},
            labels={"owner": cfg.owner, "env": ctx.stack}, vpc_cidr=cfg.network.vpc_cidr,
            ingress_class=ingress_class, config=config,
            # The API host is HTTPS only: the gateway serves its certificate (edge.api).
            tls_hosts=frozenset({cfg.edge.api.host}) if cfg.edge is not None and cfg.edge.api is not None
            else frozenset()),
            opts=pulumi.ResourceOptions(providers=[k8s_provider]))
    except ScheduleError as exc:
        # What no date fixes (a peak outside the HPA's bounds, a name used twice), naming the real file.
        raise pulumi.RunError("\n".join(f"{ctx.source}: {CONFIG_KEY}.live_events: {line}"
                                         for line in exc.lines)) from None
