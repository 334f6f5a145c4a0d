"""The composition root: reads the stack's config and wires the architecture's building blocks.

`program()` reads top to bottom as the architecture diagram of ../shared/ARCHITECTURE.md: network,
container platform (ACK, ECS node pools, ECI virtual nodes, external clusters), middleware and data
(RocketMQ 5, Tair, PolarDB), microservice governance (MSE), the workloads on the cluster, media (OSS +
Function Compute), the edge where viewers enter (ApsaraVideo Live, CDN, WAF, DNS), and observability watching them
all.
Each block is one component that publishes what the others need (ids, the pod contract, alert targets
built from the names it registered); this module only passes them along. It is also the only place that
reads Pulumi config and builds providers. `__main__.py` (under `pulumi up`) and the offline engine
(`livecommerce preview`) both call `program()`.

A new block plugs in the same way: a component in `components/<block>/` taking `naming` and its settings
section (a field of `PlatformConfig`), built here in the architecture's order with `opts=cloud` (the stack's
Alibaba Cloud provider) or `pulumi.ResourceOptions(providers=[alicloud_provider, kubernetes])` when it also
applies Kubernetes objects; components never build providers. If it runs something worth an alert, it
publishes `alert_targets` (target kinds of `components/observability/alert_rules.py`) and this root adds
them to `observability.watch(targets=[...])`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pulumi
import pulumi_alicloud as alicloud
import pulumi_kubernetes as k8s

from components.container_platform.block import ContainerPlatform, ContainerPlatformArgs
from components.data.bindings import bindings
from components.data.block import Data, DataArgs
from components.data.sync import SecretSync, SecretSyncArgs
from components.edge import plan as edge_plan
from components.edge.edge import Edge, EdgeArgs
from components.edge.plan import RecordingStore
from components.governance.block import MicroserviceGovernance, MicroserviceGovernanceArgs
from components.media.transcoding import Media, MediaArgs
from components.naming import Naming
from components.network.cidr import client_cidrs
from components.network.vpc import Network, NetworkArgs
from components.observability.block import Observability, ObservabilityArgs, WatchArgs
from components.workloads.manifests import InjectedEnv, platform_labels
from components.workloads.microservices import ServiceConfig, Workloads, WorkloadsArgs
from components.workloads.scheduling import ScheduleError, calendar_notes
from stacks import clock, run_context
from stacks.config import CONFIG_KEY, REGION_KEY, ConfigError, PlatformConfig, parse_platform, secret_refs
from stacks.tiers import Tier, resolve_tier

# How long the kubeconfig the Kubernetes provider uses stays valid (ACK allows 15 to 4320 minutes).
KUBECONFIG_TTL_MINUTES = 4320


@dataclass(frozen=True)
class StackContext:
    """What the composition root knows about the current stack."""

    stack: str
    """The Pulumi stack (what names derive from)."""
    region: str
    tier: Tier
    """What the stack must satisfy (stacks/tiers.py)."""
    naming: Naming
    config: PlatformConfig
    tags: dict[str, str]
    secrets: dict[str, pulumi.Output[str]]
    """Every secret config value the settings name (`SecretRef`), by key name."""
    now: datetime
    """The moment the live-event calendar is read against (aware; `load_context` asks `stacks.clock.now()`)."""
    source: str = ""
    """The stack file, as errors and warnings name it."""


def program(*, now: datetime | None = None, stack_file: str | None = None) -> None:
    """Build the whole platform for the current stack, block by block.

    `now` is the moment dates are read against (default `stacks.clock.now()`: the engine's injected moment,
    `LIVECOMMERCE_NOW`, or the system clock); `stack_file` is how messages name the stack file (default the
    engine's real path, else `stacks/Pulumi.<stack>.yaml`, where `pulumi up` reads it).
    """
    ctx = load_context(stack_file, now)
    cfg, naming, tags = ctx.config, ctx.naming, ctx.tags
    # One explicit provider per stack: the region is visible in every preview, and credentials come
    # from the standard ALIBABA_CLOUD_* environment variables, never from config or code.
    alicloud_provider = alicloud.Provider(f"{ctx.stack}-alicloud", region=ctx.region)
    cloud = pulumi.ResourceOptions(providers=[alicloud_provider])

    # Network: VPC, node + pod vSwitches per zone, NAT egress.
    network = Network(f"{ctx.stack}-network", NetworkArgs(naming=naming, settings=cfg.network, tags=tags), opts=cloud)

    # Observability's logs first: the SLS project the control plane and the transcoder write to.
    observability = Observability(ctx.stack, ObservabilityArgs(naming=naming, settings=cfg.observability, tags=tags),
                                  opts=cloud)

    # Container platform: ACK Pro, ECS node pools (steady base), addons (ECI virtual nodes, CronHPA,
    # agents), registered external clusters; then the Kubernetes provider workloads are applied through.
    platform = ContainerPlatform(ctx.stack, ContainerPlatformArgs(
        naming=naming, cluster=cfg.cluster, node_pools=cfg.node_pools, external_clusters=cfg.external_clusters,
        fleet=cfg.fleet, vpc_id=network.vpc_id, node_vswitch_ids=network.node_vswitch_ids,
        pod_vswitch_ids=network.pod_vswitch_ids, service_cidr=network.plan.service_cidr,
        log_project=observability.log_project, tags=tags), opts=cloud)
    kubeconfig, kubernetes = kubernetes_provider(ctx, platform, alicloud_provider)
    labels = platform_labels({"owner": cfg.owner, "env": ctx.stack})

    # Middleware and data: the RocketMQ 5 queue, Tair cache and PolarDB database the services declare,
    # private to the VPC and whitelisted to the node and pod vSwitches; an account per service whose
    # generated password lives in KMS, copied into the cluster by ack-secret-manager (RRSA).
    account = alicloud.get_account_output(opts=pulumi.InvokeOutputOptions(provider=alicloud_provider))
    data, data_config = build_data(ctx, network, platform, account.id, labels, alicloud_provider, kubernetes)

    # Microservice governance (MSE): the Nacos registry, the cloud-native gateway, its IngressClass `mse`.
    governance = MicroserviceGovernance(ctx.stack, MicroserviceGovernanceArgs(
        naming=naming, settings=cfg.governance, vpc_id=network.vpc_id, vswitch_ids=network.node_vswitch_ids,
        ingress_labels=labels, tags=tags), opts=pulumi.ResourceOptions(providers=[alicloud_provider, kubernetes]))

    # Workloads: per service its versions, HPA + CronHPA from the live-event calendar, ResourcePolicy
    # (ECS first, then ECI), the entry canaries at the gateway, and the data block's endpoints and
    # credentials for what each service uses; then the lanes and rules that govern them.
    workloads = build_workloads(ctx, platform, governance, kubernetes, data_config)
    governance.govern(workloads.pod_contract, after=[workloads])

    # Media: replay buckets, the FC 3.0 transcoder fired by OSS uploads (long replays fanned out to workers),
    # a dead-letter queue for failures. The edge's services (Live recording writes, CDN origin reads) are granted
    # their prefixes in the buckets' policies; when the live center is in another region, recordings arrive in the
    # input bucket by replication. The edge's replay CDN is the transcoder's playback domain: its URL-auth key
    # signs the manifests' playback URLs.
    recording = edge_plan.recording_store(cfg.edge, cfg.media, naming)
    media_settings = edge_plan.with_edge_playback(cfg.media, cfg.edge)
    media = Media(f"{ctx.stack}-media", MediaArgs(
        naming=naming, account_id=account.id, settings=media_settings, log_project=observability.log_project,
        log_store=observability.logstores["transcoder"], tags=tags,
        service_grants=edge_plan.service_grants(cfg.edge, region=ctx.region, buckets=cfg.media.buckets,
                                                input_prefix=cfg.media.input_prefix,
                                                output_prefix=cfg.media.output_prefix),
        replicated_input=recording is not None,
        playback_auth_key=ctx.secrets.get(media_settings.playback.url_auth_key_secret or "")), opts=cloud)

    # The edge, where viewers enter: ApsaraVideo Live ingest + playback domains recording every show into the
    # replay input bucket (a live center in another region records into a bucket there, replicated into it), the
    # video CDN in front of the published replays, the API host on the gateway behind WAF 3.0, certificates and
    # the Alidns records of every public host.
    edge = build_edge(ctx, media, governance, observability, account.id, recording, cloud)

    # Observability watches everything above, from the targets each block publishes.
    observability.watch(WatchArgs(
        cluster_id=platform.cluster_id, targets=[*platform.alert_targets, *workloads.alert_targets,
                                                 *media.alert_targets, *(data.alert_targets if data else []),
                                                 *(edge.alert_targets if edge else [])],
        team=cfg.observability.team or cfg.owner, backlog_severity=ctx.tier.backlog_severity,
        probe_urls=workloads.probe_urls(cfg.observability.synthetics), secrets=ctx.secrets))

    export_outputs(ctx, network, platform, kubeconfig, governance, data, workloads, media, edge, observability)


# --------------------------------------------------------------------------------------------------
# What the program reads, and the providers it builds


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
                        tags=cfg.common_tags(stack), secrets={k: secret(k) for k in cfg.secret_keys()},
                        source=source, now=now)


def secret(key: str) -> pulumi.Output[str]:
    """A secret config value (`pulumi config set --secret livecommerce:<key> ...`), always an Output secret."""
    value = pulumi.Config("livecommerce").get_secret(key)
    if value is None:
        raise pulumi.RunError(f"livecommerce:{key} is not set; "
                              f"run `pulumi config set --secret livecommerce:{key} <value>`")
    return pulumi.Output.secret(value)


def kubernetes_provider(ctx: StackContext, platform: ContainerPlatform,
                        alicloud_provider: alicloud.Provider) -> tuple[pulumi.Output[str], k8s.Provider]:
    """The kubeconfig (secret) and the Kubernetes provider of the ACK cluster, ready once nodes and addons are.

    The credential is temporary (at most 3 days) and read again on every preview and up.
    """
    credential = alicloud.cs.get_cluster_credential_output(
        cluster_id=platform.cluster_id, temporary_duration_minutes=KUBECONFIG_TTL_MINUTES,
        opts=pulumi.InvokeOutputOptions(provider=alicloud_provider))
    kubeconfig = pulumi.Output.secret(credential.kube_config)
    # Workloads wait for the nodes and the addons (the CronHPA and ResourcePolicy CRDs come with them).
    provider = k8s.Provider(f"{ctx.stack}-ack-kubernetes", kubeconfig=kubeconfig, enable_server_side_apply=True,
                            opts=pulumi.ResourceOptions(depends_on=platform.ready))
    return kubeconfig, provider


def build_data(ctx: StackContext, network: Network, platform: ContainerPlatform, account_id: pulumi.Input[str],
               labels: dict[str, str], alicloud_provider: alicloud.Provider,
               kubernetes: k8s.Provider) -> tuple[Data | None, dict[str, ServiceConfig]]:
    """The data block, its in-cluster secret sync, and what each service gets from it (None, {} when the stack
    declares no queue, cache or database)."""
    cfg = ctx.config
    if not cfg.data.services_used():
        return None, {}
    data = Data(f"{ctx.stack}-data", DataArgs(
        naming=ctx.naming, settings=cfg.data, zones=network.zones, vpc_id=network.vpc_id,
        vswitch_ids=network.node_vswitch_ids, whitelist=client_cidrs(network.plan), tags=ctx.tags),
        opts=pulumi.ResourceOptions(providers=[alicloud_provider]))
    cluster = platform.cluster
    # The controller's pods need nodes; its RAM role is trusted through the cluster's RRSA provider.
    sync = SecretSync(f"{ctx.stack}-secret-sync", SecretSyncArgs(
        naming=ctx.naming, account_id=account_id, settings=cfg.data.secrets.sync,
        oidc_provider_arn=cluster.rrsa_oidc_provider_arn, oidc_issuer_url=cluster.rrsa_oidc_issuer_url,
        secret_arns=data.secret_arns, key_id=data.credentials.key_id, labels=labels, tags=ctx.tags,
        depends_on=list(platform.ready)), opts=pulumi.ResourceOptions(providers=[alicloud_provider, kubernetes]))
    made = bindings(cfg.data, {s.name: s.domain for s in cfg.services}, data.endpoints, data.secret_names,
                    store=sync.store_name, store_namespace=sync.store_namespace, labels=labels,
                    # The synced Secret needs the store and the KMS secrets it copies.
                    depends_on=[sync.store, data.credentials])
    return data, {service: ServiceConfig(
        objects={"data-config": b.config_map, "data-secret": b.external_secret},
        injected=InjectedEnv(env=b.env, env_from=b.env_from), depends_on=b.depends_on)
        for service, b in made.items()}


def build_workloads(ctx: StackContext, platform: ContainerPlatform, governance: MicroserviceGovernance,
                    kubernetes: k8s.Provider, config: dict[str, ServiceConfig]) -> Workloads:
    """The Workloads block; the live-event calendar is read against `ctx.now`. Dates never fail the program:
    past one-off events and events a year or more ahead are warnings (and the past ones a policy advisory),
    naming the stack file."""
    cfg = ctx.config
    now = ctx.now
    for line in calendar_notes(cfg.live_events, now=now):
        pulumi.log.warn(f"{ctx.source}: {CONFIG_KEY}.live_events: {line}")
    try:
        return Workloads(f"{ctx.stack}-workloads", WorkloadsArgs(
            naming=ctx.naming, services=cfg.services, live_events=cfg.live_events, now=now,
            node_pool_selector=platform.steady_base_selector, secret_values=ctx.secrets,
            labels={"owner": cfg.owner, "env": ctx.stack}, vpc_cidr=cfg.network.vpc_cidr,
            ingress_class=governance.ingress.ingress_class, mse_namespace=governance.namespace, config=config,
            # The API host is HTTPS only: the gateway serves its certificate (edge.api).
            tls_hosts=frozenset({cfg.edge.api.host}) if cfg.edge is not None and cfg.edge.api is not None
            else frozenset()),
            opts=pulumi.ResourceOptions(providers=[kubernetes]))
    except ScheduleError as exc:
        # What no date fixes (a peak outside the HPA's bounds, a name used twice), naming the real file.
        raise pulumi.RunError("\n".join(f"{ctx.source}: {CONFIG_KEY}.live_events: {line}"
                                         for line in exc.lines)) from None


def build_edge(ctx: StackContext, media: Media, governance: MicroserviceGovernance, observability: Observability,
               account_id: pulumi.Input[str], recording: RecordingStore | None,
               opts: pulumi.ResourceOptions) -> Edge | None:
    """The edge block, when the stack declares live, CDN or API hosts. When the live center is not the stack's
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
        output_bucket=media.output_bucket, buckets_ready=media, gateway_id=governance.gateway.gateway_id,
        gateway_internet_ip=governance.gateway.internet_ip,
        log_project=observability.log_project, log_retention_days=ctx.config.observability.logs.retention_days,
        secrets={k: ctx.secrets[k] for k in secret_refs(e)}, tags=ctx.tags), opts=opts)


def export_outputs(ctx: StackContext, network: Network, platform: ContainerPlatform, kubeconfig: pulumi.Output[str],
                   governance: MicroserviceGovernance, data: Data | None, workloads: Workloads, media: Media,
                   edge: Edge | None, observability: Observability) -> None:
    """The stack outputs (README "Outputs"), block by block."""
    pulumi.export("region", ctx.region)
    pulumi.export("zones", network.zones)
    pulumi.export("vpcId", network.vpc_id)
    # The bootstrap project places the environment's CI runner on a node vSwitch (NAT egress) of this VPC.
    pulumi.export("nodeVswitchIds", network.node_vswitch_ids)
    pulumi.export("egressIp", network.egress_ip)
    pulumi.export("clusterId", platform.cluster_id)
    uses = ctx.config.data.services_used()
    pulumi.export("services", {name: {"namespace": m.namespace, "entryPath": m.entry_path,
                                      "versions": sorted(m.deployments), "uses": uses.get(name, [])}
                               for name, m in workloads.services.items()})
    pulumi.export("apiServerIntranet", platform.cluster.api_server_intranet)
    pulumi.export("kubeconfig", kubeconfig)
    pulumi.export("nodePoolIds", platform.node_pools.node_pool_ids)
    pulumi.export("externalClusterIds", platform.external.cluster_ids)
    pulumi.export("replayInputBucket", media.input_bucket)
    pulumi.export("mediaOutputBucket", media.output_bucket)
    pulumi.export("transcoderFunctionName", media.function_name)
    pulumi.export("transcoderDeadLetterQueue", media.dead_letter_queue)
    pulumi.export("transcoderWorkerFunctionName", media.worker_function_name)
    if media.success_topic is not None:
        pulumi.export("transcoderSuccessTopic", media.success_topic)
    if platform.external.fleet_id is not None:
        pulumi.export("fleetId", platform.external.fleet_id)
    pulumi.export("logProject", observability.log_project)
    pulumi.export("mseNamespace", governance.registry.namespace_id)
    pulumi.export("registryEndpoint", governance.registry.endpoint)
    pulumi.export("registryInstanceId", governance.registry.instance_id)
    pulumi.export("gatewayId", governance.gateway.gateway_id)
    pulumi.export("gatewayIntranetIp", governance.gateway.intranet_ip)
    if ctx.config.governance.gateway.internet_slb:
        pulumi.export("gatewayInternetIp", governance.gateway.internet_ip)
    if governance.rules is not None and governance.rules.lane_group_id is not None:
        pulumi.export("laneGroupId", governance.rules.lane_group_id)
        pulumi.export("lanes", governance.lanes)
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
    if ctx.config.edge is not None and ctx.config.edge.external_hosts:
        pulumi.export("externalHosts", list(ctx.config.edge.external_hosts))
    monitoring = observability.monitoring
    if monitoring is not None:
        pulumi.export("prometheusId", monitoring.prometheus_id)
        # The front-end builds read these: ArmsRum.init({pid, endpoint}).
        for app, (pid, endpoint) in monitoring.rum.items():
            stem = "rum" + "".join(part.capitalize() for part in app.split("-"))
            pulumi.export(f"{stem}Pid", pid)
            pulumi.export(f"{stem}Endpoint", endpoint)
