"""The edge block: where viewers and clients enter the platform.

    streamer --RTMP--> live ingest domain (liveEdge, URL auth) --mapping--> live playback domain (liveVideo,
    HTTPS, URL auth) --recording (MP4, {StartTime}-style names)--> replay input bucket (transcoder's prefix)
    transcoder --> output bucket (private) <--HTTPS + l2_oss_key-- replay CDN (video, HTTPS, URL auth) <-- players
    H5 / mini-program --HTTPS--> WAF 3.0 (CNAME) --HTTPS--> MSE gateway (domain + certificate) --> services
    Alidns CNAMEs for every host the stack owns.

Settings: `settings.py` (`EdgeSettings`); pure decisions: `plan.py`; OpenAPI-backed objects: `live.py`
(ApsaraVideo Live), `gateway_domain.py` (MSE); recording across regions: `recording.py`. ICP filing and domain
ownership verification are console steps (docs/edge.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_alicloud as alicloud

from components.edge import plan
from components.edge.gateway_domain import GatewayDomain, GatewayDomainArgs
from components.edge.live import (
    LiveDomainCertificate,
    LiveDomainCertificateArgs,
    LiveDomainCname,
    LiveDomainConfig,
    LiveDomainConfigArgs,
    LiveDomainMapping,
    LiveDomainMappingArgs,
    LiveRecordConfig,
    LiveRecordConfigArgs,
    LiveRecordNotify,
    LiveRecordNotifyArgs,
)
from components.edge.recording import RecordingReplication, RecordingReplicationArgs
from components.edge.settings import EdgeSettings, owned_hosts, recording_cycle_seconds, recording_object_prefix
from components.naming import Naming
from components.observability.alert_rules import CdnTarget

#: Logstore of the replay CDN's real-time access logs in the stack's SLS project.
CDN_LOGSTORE = "cdn-replay"


@dataclass(frozen=True, kw_only=True)
class EdgeArgs:
    """Wiring and settings of the edge."""

    naming: Naming
    """How the stack names its objects (`livecommerce-<stack>-...`); its region is the stack's (buckets, gateway,
    SLS project)."""
    settings: EdgeSettings
    """`livecommerce:platform.edge`."""
    input_bucket: pulumi.Input[str] | None = None
    """The replay input bucket recordings go to (the transcoder's trigger bucket)."""
    input_prefix: str = "replays/"
    """The transcoder's `media.input_prefix`."""
    max_replay_seconds: int = 7200
    """The longest replay the transcoder accepts (`media.transcode.max_duration_seconds`): the recording cycle
    when `live.recording.cycle_duration_seconds` is unset."""
    recording: plan.RecordingStore | None = None
    """The cross-region recording path (`plan.recording_store`): set when the live center is not the stack's
    region; Live then records into that store's bucket, replicated into `input_bucket`."""
    recording_provider: pulumi.ProviderResource | None = None
    """The `alicloud.Provider` of the live center's region (built by stacks/), for the recording store."""
    account_id: pulumi.Input[str] | None = None
    """The Alibaba Cloud account id (the recording bucket's policy and the replication role's policy)."""
    output_bucket: pulumi.Input[str] | None = None
    """The private bucket the transcoder publishes to (the replay CDN's origin)."""
    buckets_ready: pulumi.Resource | None = None
    """What creates those buckets (the Media component): the recording configuration, the replication and the CDN
    domain wait for it, because the bucket names are plain strings that carry no dependency."""
    gateway_id: pulumi.Input[str] | None = None
    """The MSE gateway serving the API host."""
    gateway_internet_ip: pulumi.Input[str] | None = None
    """The gateway's internet SLB address (WAF's origin)."""
    log_project: pulumi.Input[str] | None = None
    """The stack's SLS project (CDN real-time logs)."""
    log_retention_days: int = 30
    """Retention of the CDN logstore."""
    secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Secret config values by the `SecretRef` names the settings use (URL-auth keys, certificate PEMs, callback
    key); always secret Outputs."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of every taggable resource."""


class Edge(pulumi.ComponentResource):
    """ApsaraVideo Live domains and recording, the replay CDN, the WAF-protected API entry, certificates, DNS."""

    hosts: dict[str, str]
    """Every public host the stack owns, by role (`api`, `live-ingest`, `live-playback`, `replay-cdn`)."""
    cnames: dict[str, pulumi.Output[str]]
    """What each owned host must point at (the CNAME target, or the gateway address without WAF)."""
    replay_base_url: str | None
    """`https://<replay host>`: the transcoder's PLAYBACK_BASE_URL."""
    waf_domain_id: pulumi.Output[str] | None
    """The WAF 3.0 domain of the API host."""
    recording_bucket: pulumi.Output[str] | None
    """The bucket ApsaraVideo Live records into when that is not the input bucket (cross-region path)."""
    alert_targets: list[CdnTarget]
    """What observability watches here (`alert_rules.TARGET_KINDS`): the replay CDN domain."""

    def __init__(self, name: str, args: EdgeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:edge:Edge", name, None, opts)
        s = args.settings
        n = args.naming
        self._args = args
        self._child = pulumi.ResourceOptions(parent=self)
        roles = {"api.host": "api", "live.ingest_host": "live-ingest", "live.playback_host": "live-playback",
                 "replay_cdn.host": "replay-cdn"}
        self.hosts = {roles[k]: v for k, v in owned_hosts(s).items()}
        self.cnames = {}
        self.replay_base_url = plan.replay_base_url(s.replay_cdn) if s.replay_cdn is not None else None
        self.waf_domain_id = None
        self.recording_bucket = None
        self.alert_targets = []

        # ---- certificates (SSL Certificates Service) -------------------------------------------
        # id: the numeric cert id (CDN cert_id); name: what Live's SetLiveDomainCertificate refers to.
        self._cert_ids: dict[str, pulumi.Input[str]] = {}
        self._cert_names: dict[str, pulumi.Input[str]] = {}
        for key, cert in sorted(s.certificates.items()):
            if cert.source == "cas":
                self._cert_ids[key] = str(cert.cas_cert_id)
                self._cert_names[key] = str(cert.cas_cert_name)
                continue
            cert_name = n.physical(key)
            uploaded = alicloud.cas.ServiceCertificate(
                f"{name}-cert-{key}", certificate_name=cert_name,
                cert=pulumi.Output.secret(self._secret(cert.cert_secret)),
                key=pulumi.Output.secret(self._secret(cert.key_secret)), tags=dict(args.tags), opts=self._child)
            self._cert_ids[key] = uploaded.id
            self._cert_names[key] = uploaded.certificate_name  # type: ignore[assignment]

        if s.live is not None:
            self._live(name)
        if s.replay_cdn is not None:
            self._replay_cdn(name)
        if s.api is not None:
            self._api(name)
        if s.dns is not None:
            for record in plan.dns_records(s.dns.zone, self.hosts,
                                           a_records=frozenset({"api"}) if s.api is not None and
                                           not s.api.waf.enabled else frozenset()):
                alicloud.dns.AlidnsRecord(
                    f"{name}-dns-{record.role}", domain_name=s.dns.zone, rr=record.rr, type=record.type,
                    value=self.cnames[record.role], ttl=s.dns.ttl_seconds, opts=self._child)

        self.register_outputs({"hosts": self.hosts, "cnames": self.cnames, "replay_base_url": self.replay_base_url,
                               "recording_bucket": self.recording_bucket})

    # ---- helpers ---------------------------------------------------------------------------------

    def _secret(self, key: str | None) -> pulumi.Input[str]:
        if key is None or key not in self._args.secrets:
            raise ValueError(f"edge: the secret config key {key!r} was not passed to the Edge component")
        return self._args.secrets[key]

    # ---- ApsaraVideo Live ------------------------------------------------------------------------

    def _live(self, name: str) -> None:
        a, live = self._args, self._args.settings.live
        assert live is not None
        region = live.region
        domains = {}
        for role, host, kind in (("ingest", live.ingest_host, "liveEdge"),
                                 ("playback", live.playback_host, "liveVideo")):
            domains[role] = alicloud.live.Domain(
                f"{name}-live-{role}", domain_name=host, domain_type=kind, region=region, scope=live.scope,
                tags=dict(a.tags), opts=self._child)
            cname = LiveDomainCname(f"{name}-live-{role}-cname", region=region, domain_name=domains[role].domain_name,
                                    opts=self._child)
            self.cnames[f"live-{role}"] = cname.cname
        ingest, playback = domains["ingest"], domains["playback"]
        LiveDomainMapping(f"{name}-live-mapping", LiveDomainMappingArgs(
            region=region, push_domain=ingest.domain_name, pull_domain=playback.domain_name), opts=self._child)
        for role, domain, key in (("ingest", ingest, live.ingest_auth_key_secret),
                                  ("playback", playback, live.playback_auth_key_secret)):
            LiveDomainConfig(f"{name}-live-{role}-url-auth", LiveDomainConfigArgs(
                region=region, domain_name=domain.domain_name, function_name="aliauth",
                args=plan.live_auth_args(self._secret(key), live.auth_delta_seconds),  # type: ignore[arg-type]
                secret_args=("auth_key1",)), opts=self._child)
        LiveDomainCertificate(f"{name}-live-playback-https", LiveDomainCertificateArgs(
            region=region, domain_name=playback.domain_name, cert_name=self._cert_names[live.certificate]),
            opts=self._child)
        rec = live.recording
        if rec.enabled:
            if a.input_bucket is None:
                raise ValueError("edge: live.recording is on but no input bucket was passed")
            # Live records only into buckets of its center's region: the input bucket when that is the stack's
            # region, else the recording bucket there, replicated into the input bucket (recording.py).
            target: pulumi.Input[str] = a.input_bucket
            after: list[pulumi.Resource] = [a.buckets_ready] if a.buckets_ready is not None else []
            if a.recording is not None:
                replica = self._recording_store(name, a.recording)
                # Recording starts once the bucket, its Live grant and the replication exist.
                target, after = replica.bucket, [*after, replica]
            LiveRecordConfig(f"{name}-live-recording", LiveRecordConfigArgs(
                region=region, domain_name=playback.domain_name, app_name=rec.app_name, stream_name=rec.stream_name,
                oss_bucket=target, oss_endpoint=plan.oss_endpoint(region),
                object_prefix=recording_object_prefix(a.input_prefix, rec),
                cycle_duration_seconds=recording_cycle_seconds(rec, a.max_replay_seconds),
                delay_time_seconds=rec.delay_time_seconds,
                on_demand=rec.on_demand_code), opts=pulumi.ResourceOptions(parent=self, depends_on=after))
            if rec.notify_url or rec.on_demand_url:
                LiveRecordNotify(f"{name}-live-recording-notify", LiveRecordNotifyArgs(
                    region=region, domain_name=playback.domain_name, notify_url=rec.notify_url,
                    on_demand_url=rec.on_demand_url,
                    notify_auth_key=self._secret(rec.notify_auth_key_secret) if rec.notify_auth_key_secret else None),
                    opts=self._child)

    def _recording_store(self, name: str, store: plan.RecordingStore) -> RecordingReplication:
        """The cross-region path: the recording bucket in the live center's region and its replication."""
        a = self._args
        assert a.settings.live is not None
        if a.recording_provider is None or a.account_id is None:
            raise ValueError(f"edge: live.recording crosses from {store.region} to {a.naming.region}; pass the "
                             f"provider of {store.region} and the account id")
        replica = RecordingReplication(f"{name}-recording", RecordingReplicationArgs(
            naming=a.naming, store=store, account_id=a.account_id, destination=a.input_bucket,  # type: ignore[arg-type]
            destination_ready=a.buckets_ready,
            live_grant=plan.live_grant(a.settings, bucket_role="recordings", input_prefix=a.input_prefix),
            tags=a.tags), opts=pulumi.ResourceOptions(parent=self, providers=[a.recording_provider]))
        self.recording_bucket = replica.bucket
        return replica

    # ---- replay CDN ------------------------------------------------------------------------------

    def _replay_cdn(self, name: str) -> None:
        a, cdn = self._args, self._args.settings.replay_cdn
        assert cdn is not None
        if a.output_bucket is None:
            raise ValueError("edge: replay_cdn needs the output bucket")
        origin = pulumi.Output.from_input(a.output_bucket).apply(lambda b: plan.oss_origin(b, a.naming.region))
        domain = alicloud.cdn.DomainNew(
            f"{name}-replay-cdn", domain_name=cdn.host, cdn_type="video", scope=cdn.scope,
            # The private output bucket over HTTPS: its DenyInsecureTransport policy refuses port 80.
            sources=[alicloud.cdn.DomainNewSourceArgs(type="oss", content=origin, port=443, priority=20, weight=10)],
            certificate_config=alicloud.cdn.DomainNewCertificateConfigArgs(
                cert_type="cas", cert_id=self._cert_ids[cdn.certificate], cert_region=a.settings.cas_region,
                server_certificate_status="on"),
            tags=dict(a.tags),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[a.buckets_ready] if a.buckets_ready else None))
        self.cnames["replay-cdn"] = domain.cname
        # Viewers' 5xx, the origin's errors and the cache hit rate (CloudMonitor acs_cdn, by domain name).
        self.alert_targets.append(CdnTarget(key="replay-cdn", name=cdn.host))
        for fn in plan.cdn_functions(cdn, url_auth=cdn.url_auth_key_secret is not None):
            fargs: list[alicloud.cdn.DomainConfigFunctionArgArgs] = []
            for arg_name, value in fn.args:
                arg_value: pulumi.Input[str] = value
                if fn.secret and arg_name == "auth_key1":
                    arg_value = pulumi.Output.secret(self._secret(cdn.url_auth_key_secret))
                fargs.append(alicloud.cdn.DomainConfigFunctionArgArgs(arg_name=arg_name, arg_value=arg_value))
            alicloud.cdn.DomainConfig(
                f"{name}-replay-cdn-{fn.role}", domain_name=domain.domain_name, function_name=fn.function_name,
                function_args=fargs,
                opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=["functionArgs"] if fn.secret
                                            else None))
        if cdn.real_time_logs:
            if a.log_project is None:
                raise ValueError("edge: replay_cdn.real_time_logs needs the stack's SLS project")
            store = alicloud.log.Store(
                f"{name}-replay-cdn-logs", project_name=a.log_project, logstore_name=CDN_LOGSTORE,
                retention_period=a.log_retention_days, shard_count=2, auto_split=True, max_split_shard_count=16,
                opts=self._child)
            alicloud.cdn.RealTimeLogDelivery(
                f"{name}-replay-cdn-log-delivery", domain=domain.domain_name, project=a.log_project,
                logstore=store.logstore_name, sls_region=a.naming.region, opts=self._child)

    # ---- the public API entry --------------------------------------------------------------------

    def _api(self, name: str) -> None:
        a, api = self._args, self._args.settings.api
        assert api is not None
        if a.gateway_id is None or a.gateway_internet_ip is None:
            raise ValueError("edge: api needs the gateway id and its internet address")
        identifier = pulumi.Output.from_input(self._cert_ids[api.certificate]).apply(
            lambda cert_id: plan.cas_identifier(cert_id, a.settings.cas_region))
        # The gateway serves the host itself over HTTPS (WAF forwards over HTTPS, SNI = the host).
        GatewayDomain(f"{name}-api-gateway-domain", GatewayDomainArgs(
            region=a.naming.region, gateway_id=a.gateway_id, domain=api.host, cert_identifier=identifier,
            tls_min=api.tls_min), opts=self._child)
        if not api.waf.enabled:
            self.cnames["api"] = pulumi.Output.from_input(a.gateway_internet_ip)  # type: ignore[assignment]
            return
        waf = api.waf
        instance_id: pulumi.Input[str]
        if waf.instance_id is None:
            instance_id = alicloud.wafv3.Instance(f"{name}-waf", opts=self._child).id
        else:
            instance_id = waf.instance_id
        domain = alicloud.wafv3.Domain(
            f"{name}-api-waf", instance_id=instance_id, domain=api.host, access_type="share",
            listen=alicloud.wafv3.DomainListenArgs(
                https_ports=[443], http_ports=[], cert_id=identifier, tls_version="tlsv1.2", enable_tlsv3=True,
                http2_enabled=True, cipher_suite=2, protection_resource="share", ipv6_enabled=False,
                # Clients reach WAF directly (CNAME); the gateway reads the client address from XFF.
                xff_header_mode=0),
            redirect=alicloud.wafv3.DomainRedirectArgs(
                # The origin is the gateway's internet SLB (`gateway_internet_ip`): the policy pack pairs the
                # WAF domain with the gateway through this value.
                backends=[a.gateway_internet_ip], loadbalance="iphash", sni_enabled=True, sni_host=api.host,
                focus_http_backend=False, keepalive=True, retry=True, connect_timeout=5, read_timeout=120,
                write_timeout=120, xff_proto=True),
            tags=dict(a.tags), opts=self._child)
        self.waf_domain_id = domain.domain_id
        self.cnames["api"] = domain.cname  # type: ignore[assignment]
        # WAF 3.0 names the protected object of a CNAME domain `<domain>-waf`.
        protected = f"{api.host}-waf"
        for scene in waf.templates:
            alicloud.wafv3.DefenseTemplate(
                f"{name}-api-waf-{scene.replace('_', '-')}", instance_id=instance_id,
                defense_template_name=a.naming.physical("api", scene.replace("_", "-")), defense_scene=scene,
                template_type="user_custom", template_origin="custom", status="1", resources=[protected],
                description=f"{a.naming.title}: {scene} protection of {api.host}",
                opts=pulumi.ResourceOptions(parent=self, depends_on=[domain]))
