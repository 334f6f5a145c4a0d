"""Settings of the edge (`livecommerce:platform.edge`): the viewer's path into the platform.

ApsaraVideo Live (ingest and playback domains, URL auth, HTTPS, recording of every show to OSS), the
replay CDN in front of the transcoder's output bucket, the public API host on the MSE gateway behind
WAF 3.0, the certificates they use, and the Alidns records of every public host the stack owns.

Defaults are the production choice. Secrets never enter this model: a field typed `SecretRef`
(components/secrets.py) holds the *name* of a `livecommerce:<name>` secret config key
(`pulumi config set --secret ...`), never its value.
The pure helpers at the bottom (`edge_hosts`, `host_problems`, `recording_object_prefix`, ...) are what
the component, the stack and the tests share.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from components.secrets import SecretRef

# A DNS host name: labels of letters, digits and hyphens, at least one dot, no trailing dot.
_HOST_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_KEY = r"^[a-z][a-z0-9-]{0,30}$"

#: ApsaraVideo Live centers, the `Region` of AddLiveDomain (alibabacloud_live20161101 3.0.2
#: `models/_add_live_domain_request.py`, the `region` docstring). A domain's recordings can only be
#: written to OSS buckets in its live center's region ("Cross-region recording is not supported",
#: https://www.alibabacloud.com/help/doc-detail/84931.htm).
LIVE_CENTERS: tuple[str, ...] = (
    "cn-beijing", "cn-shanghai", "cn-shenzhen", "cn-qingdao",
    "ap-southeast-1", "eu-central-1", "ap-northeast-1", "ap-southeast-5",
)
#: Variables AddLiveAppRecordConfig expands in `OssObjectPrefix` (same model, `oss_object_prefix`): it must
#: hold a start and an end time; the service appends the format's extension (`.mp4`).
RECORD_VARIABLES = ("{AppName}", "{StreamName}", "{Sequence}", "{StartTime}", "{EndTime}",
                    "{EscapedStartTime}", "{EscapedEndTime}")
#: Alibaba Cloud CDN and Live accept type A URL-auth keys of 6-32 letters and digits (console rule, the
#: same for `auth_key1` of the `aliauth` function).
AUTH_KEY_RE = re.compile(r"^[A-Za-z0-9]{6,32}$")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


def _host(value: str) -> str:
    if not _HOST_RE.match(value):
        raise ValueError(f"{value!r} is not a host name; use lowercase labels like api.live.example.com "
                         "(no scheme, port, path or trailing dot)")
    return value


class CertificateSettings(_Model):
    """A TLS certificate for some of the edge's hosts."""

    hosts: list[str] = Field(min_length=1)
    """Names the certificate covers (SANs); `*.live.example.com` covers one label below it."""
    source: Literal["upload", "cas"] = "upload"
    """`upload`: the stack uploads the PEM certificate and key from secret config into SSL Certificates
    Service (`cas.ServiceCertificate`). `cas`: the certificate is already in SSL Certificates Service
    (bought, or issued and renewed there); the stack only references it by `cas_cert_id` and `cas_cert_name`."""
    cert_secret: SecretRef | None = None
    """`upload`: name of the secret config key holding the PEM certificate chain."""
    key_secret: SecretRef | None = None
    """`upload`: name of the secret config key holding the PEM private key."""
    cas_cert_id: int | None = Field(default=None, ge=1)
    """`cas`: the certificate's id in SSL Certificates Service (a number)."""
    cas_cert_name: str | None = Field(default=None, min_length=1, max_length=128)
    """`cas`: the certificate's name in SSL Certificates Service (ApsaraVideo Live refers to it by name)."""

    @field_validator("hosts")
    @classmethod
    def _hosts(cls, hosts: list[str]) -> list[str]:
        for h in hosts:
            _host(h[2:] if h.startswith("*.") else h)
        return hosts

    @model_validator(mode="after")
    def _source(self) -> CertificateSettings:
        if self.source == "upload":
            if not (self.cert_secret and self.key_secret):
                raise ValueError("source upload needs cert_secret and key_secret (names of secret config keys "
                                 "holding the PEM chain and key); or use source: cas with cas_cert_id")
            if self.cas_cert_id is not None or self.cas_cert_name is not None:
                raise ValueError("cas_cert_id/cas_cert_name: only for source: cas; remove them")
        else:
            if self.cas_cert_id is None or not self.cas_cert_name:
                raise ValueError("source cas needs cas_cert_id and cas_cert_name (SSL Certificates Service console)")
            if self.cert_secret or self.key_secret:
                raise ValueError("cert_secret/key_secret: only for source: upload; remove them")
        return self


class RecordingSettings(_Model):
    """Recording of every live stream to OSS: the replays the transcoder waits for."""

    enabled: bool = True
    """Record streams of the playback domain into the replay input bucket."""
    app_name: str = Field(default="*", pattern=r"^(\*|[A-Za-z0-9_-]{1,255})$")
    """Application (`rtmp://<ingest>/<app>/<stream>`) whose streams are recorded; `*`: every app."""
    stream_name: str = Field(default="*", pattern=r"^(\*|[A-Za-z0-9_-]{1,255})$")
    """Stream recorded; `*`: every stream of the app."""
    format: str = "mp4"
    """Recording format. Only `mp4`: an `m3u8`/`cmaf` recording writes one `.ts` object per 5-30 s slice,
    and every slice would fire the transcoder's OSS trigger (a trigger storm); `flv` is no transcoder input."""
    object_name: str = Field(default="{AppName}/{StreamName}/{EscapedStartTime}_{EscapedEndTime}",
                             min_length=1, max_length=200)
    """Object name below the transcoder's `media.input_prefix` (the service adds `.mp4`). Must contain
    `{StartTime}` or `{EscapedStartTime}` and `{EndTime}` or `{EscapedEndTime}`."""
    cycle_duration_seconds: int | None = Field(default=None, ge=900, le=21600)
    """Longest recording file (AddLiveAppRecordConfig `CycleDuration`, 15 min to 6 h): a show longer than this is
    cut into several replays, each transcoded on its own. Unset: the longest replay the transcoder accepts
    (`media.transcode.max_duration_seconds`, within 15 min to 6 h), so every show up to that length is one
    replay and no recording is rejected for its length (Live's own MP4 default is 1 h). A longer cycle than the
    transcoder accepts is refused."""
    delay_time_seconds: int = Field(default=180, ge=15, le=21600)
    """A stream that reconnects within this many seconds continues the same file; the file appears in OSS
    this long after the stream ends (so replays land minutes after the show)."""
    on_demand: Literal["auto", "callback", "push-parameter", "manual"] = "auto"
    """When to record: every stream (`auto`, OnDemand 0), as the on-demand callback answers (`callback`, 1),
    when the push URL asks (`push-parameter`, 2), or by `RealTimeRecordCommand` (`manual`, 7)."""
    notify_url: str | None = Field(default=None, max_length=500)
    """HTTPS URL that receives recording events (file created, recording started/paused) through
    `AddLiveRecordNotifyConfig`; unset: no callback."""
    on_demand_url: str | None = Field(default=None, max_length=500)
    """HTTPS URL asked whether to record each stream (needed with `on_demand: callback`)."""
    notify_auth_key_secret: SecretRef | None = None
    """Name of the secret config key with the key that signs callbacks (NotifyAuthKey, 16-32 characters)."""
    oss_role: str = Field(default="AliyunLiveDefaultRole", pattern=r"^[A-Za-z0-9.-]{1,64}$")
    """The RAM service role ApsaraVideo Live writes recordings with (created when Live is first authorized to
    use OSS in the console). The policy of the bucket Live writes to grants it exactly the writes below the
    recording prefix."""
    replica_retention_days: int = Field(default=7, ge=1, le=365)
    """Only when the live center is not the stack's region (docs/decisions/2026-12-01-live-recording-region.md):
    Live writes into a recording bucket of the live center's region and OSS cross-region replication copies each
    file into the replay input bucket within minutes. This many days after a file was written it is deleted from
    the recording bucket; the copy in the input bucket follows `media.lifecycle`."""

    @field_validator("format")
    @classmethod
    def _mp4_only(cls, value: str) -> str:
        if value.lower() in ("m3u8", "cmaf", "ts"):
            raise ValueError(f"{value}: records one object per 5-30 s slice, and every slice would fire the "
                             "transcoder's OSS trigger; record mp4")
        if value.lower() != "mp4":
            raise ValueError(f"{value}: the transcoder's input is a finished MP4; record mp4")
        return "mp4"

    @field_validator("object_name")
    @classmethod
    def _object_name(cls, value: str) -> str:
        if value.startswith("/") or value.endswith("/") or "//" in value:
            raise ValueError(f"{value!r}: an object name below the input prefix, without a leading or trailing `/`")
        if not ("{StartTime}" in value or "{EscapedStartTime}" in value) \
                or not ("{EndTime}" in value or "{EscapedEndTime}" in value):
            raise ValueError(f"{value!r}: must contain {{StartTime}} or {{EscapedStartTime}} and {{EndTime}} or "
                             "{EscapedEndTime} (AddLiveAppRecordConfig), so every show gets its own file")
        unknown = sorted(set(re.findall(r"\{[^}]*\}", value)) - set(RECORD_VARIABLES))
        if unknown:
            raise ValueError(f"{value!r}: unknown variable(s) {', '.join(unknown)}; allowed: "
                             f"{', '.join(RECORD_VARIABLES)}")
        return value

    @model_validator(mode="after")
    def _callbacks(self) -> RecordingSettings:
        for field, url in (("notify_url", self.notify_url), ("on_demand_url", self.on_demand_url)):
            if url is not None and not re.match(r"^https://[a-z0-9.-]+(:\d+)?(/\S*)?$", url):
                raise ValueError(f"{field}: {url!r} must be an https:// URL (callbacks carry stream names)")
        if self.on_demand == "callback" and not self.on_demand_url:
            raise ValueError("on_demand callback needs on_demand_url (the service asks it whether to record)")
        if self.notify_auth_key_secret and not (self.notify_url or self.on_demand_url):
            raise ValueError("notify_auth_key_secret: signs callbacks; set notify_url or on_demand_url, or remove it")
        return self

    @property
    def on_demand_code(self) -> int:
        """The API's `OnDemand` value."""
        return {"auto": 0, "callback": 1, "push-parameter": 2, "manual": 7}[self.on_demand]


class LiveSettings(_Model):
    """ApsaraVideo Live: the ingest (`liveEdge`) and playback (`liveVideo`) domains of the stack."""

    region: str
    """The live center (AddLiveDomain `Region`): cn-beijing, cn-shanghai, cn-shenzhen, cn-qingdao, ap-southeast-1,
    eu-central-1, ap-northeast-1 or ap-southeast-5. Live records only into buckets of this region: when it is the
    stack's region, straight into the replay input bucket; otherwise into a recording bucket of this region that
    OSS replicates into the input bucket (docs/edge.md, "Recording and regions")."""
    ingest_host: str
    """Host streamers push to (`rtmp://<ingest_host>/<app>/<stream>`), e.g. `push.live.example.com`."""
    playback_host: str
    """Host viewers play from (HTTPS FLV/HLS), e.g. `play.live.example.com`."""
    scope: Literal["domestic", "overseas", "global"] = "domestic"
    """Acceleration area (mainland China needs ICP-filed domains)."""
    ingest_auth_key_secret: SecretRef
    """Name of the secret config key with the ingest domain's type A URL-auth key (6-32 letters and digits):
    only holders of a signed push URL can stream."""
    playback_auth_key_secret: SecretRef
    """Name of the secret config key with the playback domain's type A URL-auth key."""
    auth_delta_seconds: int = Field(default=1800, ge=1, le=31 * 86400)
    """How long a signed ingest or playback URL stays valid after its timestamp (`ali_auth_delta`)."""
    certificate: str = Field(pattern=_KEY)
    """Key in `edge.certificates` of the certificate for `playback_host` (HTTPS playback)."""
    recording: RecordingSettings = Field(default_factory=RecordingSettings)
    """Recording of every stream to the replay input bucket."""

    @field_validator("ingest_host", "playback_host")
    @classmethod
    def _hosts(cls, value: str) -> str:
        return _host(value)

    @field_validator("region")
    @classmethod
    def _live_center(cls, value: str) -> str:
        if value not in LIVE_CENTERS:
            raise ValueError(f"{value} is not an ApsaraVideo Live center; use one of {', '.join(LIVE_CENTERS)}")
        return value

    @model_validator(mode="after")
    def _distinct(self) -> LiveSettings:
        if self.ingest_host == self.playback_host:
            raise ValueError("ingest_host and playback_host must differ (one live domain each)")
        if self.ingest_auth_key_secret == self.playback_auth_key_secret:
            raise ValueError("ingest_auth_key_secret and playback_auth_key_secret must name different keys: a "
                             "viewer's key must not let anyone push")
        return self


class ReplayCdnSettings(_Model):
    """The video CDN domain in front of the transcoder's private output bucket."""

    host: str
    """Replay host, e.g. `replay.live.example.com`; the transcoder writes `https://<host>/...` playback URLs."""
    scope: Literal["domestic", "overseas", "global"] = "domestic"
    """Acceleration area (mainland China needs an ICP-filed domain)."""
    certificate: str = Field(pattern=_KEY)
    """Key in `edge.certificates` of the certificate for `host`."""
    url_auth_key_secret: SecretRef | None = None
    """Name of the secret config key with the type A URL-auth key (6-32 letters and digits). Set: the CDN
    refuses unsigned URLs and the transcoder signs the playback URLs it writes; unset: open replays."""
    auth_delta_seconds: int = Field(default=1800, ge=1, le=31 * 86400)
    """Validity of a signed URL after its timestamp (`ali_auth_delta`); the transcoder signs to match."""
    tls_versions: list[Literal["TLSv1.2", "TLSv1.3"]] = Field(default_factory=lambda: ["TLSv1.2", "TLSv1.3"],
                                                              min_length=1)
    """TLS versions viewers may use (TLS 1.0/1.1 are off)."""
    hsts_max_age_seconds: int = Field(default=5184000, ge=0, le=63072000)
    """HSTS max-age sent to browsers; 0 turns HSTS off."""
    playlist_ttl_seconds: int = Field(default=60, ge=0, le=86400)
    """Edge cache time of `.m3u8` playlists (short: a re-transcode publishes a new version)."""
    segment_ttl_seconds: int = Field(default=2592000, ge=60, le=31536000)
    """Edge cache time of segments, MP4 files and posters (`.ts`, `.m4s`, `.mp4`, `.jpg`): immutable once
    published, so long."""
    cors_origins: list[str] = Field(default_factory=list)
    """Web origins whose players may fetch replays (`Access-Control-Allow-Origin`), e.g.
    `https://live.example.com`; empty: `*` (replays are signed or public anyway)."""
    real_time_logs: bool = True
    """Deliver CDN access logs in real time to the stack's SLS project (`cdn.RealTimeLogDelivery`)."""
    oss_role: str = Field(default="AliyunCDNAccessingPrivateOSSRole", pattern=r"^[A-Za-z0-9.-]{1,64}$")
    """The RAM service role the CDN reads private buckets with (`l2_oss_key`; created when the CDN is first
    authorized to access private OSS in the console). The output bucket's policy grants it reads of the output
    prefix only."""

    @field_validator("host")
    @classmethod
    def _hosts(cls, value: str) -> str:
        return _host(value)

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, origins: list[str]) -> list[str]:
        for o in origins:
            if not re.match(r"^https://[a-z0-9.-]+(:\d+)?$", o):
                raise ValueError(f"{o!r} is not a web origin; use https://host[:port], no path")
        return origins


class WafSettings(_Model):
    """WAF 3.0 in front of the API host (CNAME access)."""

    enabled: bool = True
    """Put the API host behind WAF 3.0. Required in prod: the policy `alicloud-mse-gateway-restrict-public-entry`
    (`requireWaf` at the prod tier's levels) blocks an internet SLB without a WAF domain in front."""
    instance_id: str | None = Field(default=None, pattern=r"^waf_[A-Za-z0-9_-]+$")
    """An existing WAF 3.0 instance (one per account and region) to add the domain to; unset: the stack
    declares the pay-as-you-go instance (`wafv3.Instance`)."""
    templates: list[Literal["waf_base", "cc", "spike_throttle", "region_block", "ip_blacklist", "custom_acl",
                            "whitelist"]] = Field(default_factory=lambda: ["waf_base", "cc"], min_length=1)
    """Defense scenes the API gets a custom template for, bound to its protected object: web core protection
    (`waf_base`) and HTTP flood protection (`cc`) by default; also peak-traffic throttling (`spike_throttle`),
    region blocking, IP blacklist, custom ACL and whitelist. The provider accepts only these scenes
    (alicloud/resource_alicloud_wafv3_defense_template.go:34; its docs' example `antiscan` is refused). Their rules
    start as WAF's defaults; tune them in the console or add `wafv3.DefenseRule`s (docs/edge.md)."""

    @field_validator("templates")
    @classmethod
    def _distinct(cls, templates: list[str]) -> list[str]:
        dupes = sorted({t for t in templates if templates.count(t) > 1})
        if dupes:
            raise ValueError(f"listed more than once: {', '.join(dupes)}")
        return templates


class ApiEntrySettings(_Model):
    """The public H5 / mini-program API host on the MSE cloud-native gateway."""

    host: str
    """API host, e.g. `api.live.example.com`; mini-programs whitelist it as their request domain (HTTPS)."""
    certificate: str = Field(pattern=_KEY)
    """Key in `edge.certificates` of the certificate for `host` (on the gateway and on WAF)."""
    waf: WafSettings = Field(default_factory=WafSettings)
    """WAF 3.0 in front of the gateway."""
    tls_min: Literal["TLS 1.2", "TLS 1.3"] = "TLS 1.2"
    """Lowest TLS version the gateway accepts for the host."""

    @field_validator("host")
    @classmethod
    def _hosts(cls, value: str) -> str:
        return _host(value)


class DnsSettings(_Model):
    """Alidns records for the public hosts the stack owns."""

    zone: str
    """The Alidns domain (zone) the records live in, e.g. `example.com`; every owned host must be in it."""
    ttl_seconds: int = Field(default=600, ge=1, le=86400)
    """TTL of the CNAME records (Alidns free edition: at least 600)."""

    @field_validator("zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return _host(value)


class EdgeSettings(_Model):
    """The viewer's path: live ingest and playback, recording, the replay CDN, the public API entry, DNS."""

    certificates: dict[str, CertificateSettings] = Field(default_factory=dict)
    """Certificates by key (referred to by `live.certificate`, `replay_cdn.certificate`, `api.certificate`)."""
    cas_region: Literal["cn-hangzhou", "ap-southeast-1"] = "cn-hangzhou"
    """Where SSL Certificates Service keeps the account's certificates: `cn-hangzhou` for a China-site account,
    `ap-southeast-1` for an international-site one. It follows the account's site, not the stack's region (a
    China-site stack in ap-southeast-1 still says cn-hangzhou): the CDN's `cert_region` and the `<id>-<region>`
    certificate identifiers of WAF 3.0 and MSE."""
    live: LiveSettings | None = None
    """ApsaraVideo Live domains, URL auth, HTTPS playback and recording; unset: no live service."""
    replay_cdn: ReplayCdnSettings | None = None
    """The video CDN for transcoded replays; unset: replays are not distributed (no playback URLs)."""
    api: ApiEntrySettings | None = None
    """The public API host on the gateway (needs `governance.gateway.internet_slb: true`); unset: no public API."""
    dns: DnsSettings | None = None
    """Alidns CNAME records of every owned host; unset: the DNS is managed outside the stack, and the
    CNAMEs the preview prints must be created there."""
    external_hosts: list[str] = Field(default_factory=list)
    """Public hosts the stack's probes, Ingresses or front ends name but does not own (e.g. the H5
    storefront `live.example.com` served elsewhere); every other host must be declared by the edge."""

    @field_validator("certificates")
    @classmethod
    def _cert_keys(cls, certs: dict[str, CertificateSettings]) -> dict[str, CertificateSettings]:
        for key in certs:
            if not re.match(_KEY, key):
                raise ValueError(f"{key!r}: certificate keys are lowercase letters, digits and -, e.g. live-example")
        return certs

    @field_validator("external_hosts")
    @classmethod
    def _external(cls, hosts: list[str]) -> list[str]:
        for h in hosts:
            _host(h)
        dupes = sorted({h for h in hosts if hosts.count(h) > 1})
        if dupes:
            raise ValueError(f"listed more than once: {', '.join(dupes)}")
        return hosts

    @model_validator(mode="after")
    def _references(self) -> EdgeSettings:
        problems: list[str] = []
        owned = owned_hosts(self)
        for where, host, key in certificate_uses(self):
            cert = self.certificates.get(key)
            if cert is None:
                problems.append(f"{where}.certificate: {key!r} is not in edge.certificates "
                                f"({', '.join(sorted(self.certificates)) or 'none declared'}); add it or fix the key")
            elif not covers(cert.hosts, host):
                problems.append(f"{where}.certificate: {key!r} covers {', '.join(cert.hosts)}, not {host}; "
                                "add the host to its hosts or use another certificate")
        seen: dict[str, str] = {}
        for role, host in owned.items():
            if host in seen:
                problems.append(f"{role}: {host} is also {seen[host]}; every edge host needs its own name")
            seen.setdefault(host, role)
        for host in self.external_hosts:
            if host in seen:
                problems.append(f"external_hosts: {host} is declared by the stack ({seen[host]}); remove it")
        if self.dns is not None:
            for role, host in owned.items():
                if not in_zone(host, self.dns.zone):
                    problems.append(f"{role}: {host} is not in dns.zone {self.dns.zone}; the stack can only write "
                                    "records in its zone")
        unused = sorted(set(self.certificates) - {key for _, _, key in certificate_uses(self)})
        if unused:
            problems.append(f"certificates: {', '.join(unused)} not used by live, replay_cdn or api; remove them")
        if problems:
            raise ValueError("\n".join(problems))
        return self


# --------------------------------------------------------------------------------------------------
# Pure helpers


def owned_hosts(s: EdgeSettings) -> dict[str, str]:
    """The public hosts the stack declares, by the config key that declares them (stable order)."""
    out: dict[str, str] = {}
    if s.api is not None:
        out["api.host"] = s.api.host
    if s.live is not None:
        out["live.ingest_host"] = s.live.ingest_host
        out["live.playback_host"] = s.live.playback_host
    if s.replay_cdn is not None:
        out["replay_cdn.host"] = s.replay_cdn.host
    return out


def certificate_uses(s: EdgeSettings) -> list[tuple[str, str, str]]:
    """(config path, host, certificate key) of every host that serves HTTPS with a certificate."""
    uses: list[tuple[str, str, str]] = []
    if s.api is not None:
        uses.append(("api", s.api.host, s.api.certificate))
    if s.live is not None:
        uses.append(("live", s.live.playback_host, s.live.certificate))
    if s.replay_cdn is not None:
        uses.append(("replay_cdn", s.replay_cdn.host, s.replay_cdn.certificate))
    return uses


def covers(names: list[str], host: str) -> bool:
    """Whether a certificate for `names` is valid for `host` (a wildcard covers exactly one label)."""
    for name in names:
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


def in_zone(host: str, zone: str) -> bool:
    """Whether `host` is `zone` or below it."""
    return host == zone or host.endswith("." + zone)


def record_name(host: str, zone: str) -> str:
    """The Alidns record name (`RR`) of `host` in `zone`: `api.live` for api.live.example.com, `@` for the apex."""
    return "@" if host == zone else host[: -(len(zone) + 1)]


def declared_hosts(s: EdgeSettings | None) -> set[str]:
    """Hosts the stack owns or lists as external dependencies."""
    if s is None:
        return set()
    return set(owned_hosts(s).values()) | set(s.external_hosts)


def host_problems(named: dict[str, str], s: EdgeSettings | None) -> list[str]:
    """`named` maps where a host is used (`observability.synthetics[storefront]`) to the host; one line per host
    that the stack neither declares nor lists in `edge.external_hosts`, naming its first use."""
    known = declared_hosts(s)
    uses: dict[str, list[str]] = {}
    for where, host in named.items():
        if host not in known:
            uses.setdefault(host, []).append(where)
    out = []
    for host, wheres in uses.items():
        more = f" (and {len(wheres) - 1} more)" if len(wheres) > 1 else ""
        out.append(f"{wheres[0]}: {host}{more} is neither declared by the edge block (edge.api.host, edge.live, "
                   "edge.replay_cdn.host) nor listed in edge.external_hosts; declare it, or add it to "
                   "edge.external_hosts if another system serves it")
    return out


def recording_object_prefix(input_prefix: str, r: RecordingSettings) -> str:
    """The recording's `OssObjectPrefix`: its object name below the transcoder's input prefix."""
    return f"{input_prefix}{r.object_name}"


def recording_key_prefix(input_prefix: str, r: RecordingSettings) -> str:
    """The fixed key prefix every recording object starts with (up to the first variable): what the bucket
    policy grants the Live service."""
    full = recording_object_prefix(input_prefix, r)
    return full.split("{", 1)[0]


def recording_crosses_regions(s: EdgeSettings | None, region: str | None) -> bool:
    """Whether recordings are written in another region than the stack's (the live center is not the stack's
    region): then they go to a recording bucket of the live center's region and are replicated to the input bucket."""
    return (s is not None and s.live is not None and s.live.recording.enabled and region is not None
            and s.live.region != region)


#: AddLiveAppRecordConfig `CycleDuration` of MP4 (seconds): 15 minutes to 6 hours.
CYCLE_RANGE = (900, 21600)


def recording_cycle_seconds(r: RecordingSettings, max_replay_seconds: int) -> int:
    """The recording cycle: the configured one, else the longest replay the transcoder accepts (within Live's
    range), so a show up to that length is one file."""
    if r.cycle_duration_seconds is not None:
        return r.cycle_duration_seconds
    return max(CYCLE_RANGE[0], min(CYCLE_RANGE[1], max_replay_seconds))


def edge_problems(s: EdgeSettings | None, *, input_suffix: str, internet_slb: bool, max_replay_seconds: int,
                  playback_base_url: str | None, playback_auth_secret: str | None,
                  playback_auth_delta_seconds: int | None = None) -> list[str]:
    """Cross-section rules between the edge and the media and governance sections (one line each, starting
    with the key to fix). What a tier demands of the edge is in stacks/tiers.py."""
    out: list[str] = []
    if s is None:
        return out
    if s.live is not None and s.live.recording.enabled and input_suffix not in ("", ".mp4"):
        out.append(f"media.input_suffix: {input_suffix!r} would never match the recordings (`.mp4`); set it to .mp4")
    if s.live is not None and s.live.recording.enabled:
        cycle = recording_cycle_seconds(s.live.recording, max_replay_seconds)
        if cycle > max_replay_seconds:
            out.append(f"edge.live.recording.cycle_duration_seconds: recordings of up to {cycle} s are longer than "
                       f"media.transcode.max_duration_seconds ({max_replay_seconds}), so the transcoder would reject "
                       f"every show longer than that; lower it to at most {max_replay_seconds}, or raise "
                       "max_duration_seconds (and the function's timeout) to match")
    if s.api is not None and not internet_slb:
        out.append("governance.gateway.internet_slb: edge.api serves the API from the gateway's internet SLB "
                   "(WAF forwards to it); set it to true")
    if s.replay_cdn is not None and playback_base_url is not None:
        out.append(f"media.playback.base_url: the edge's replay CDN sets it (https://{s.replay_cdn.host}); remove it")
    if s.replay_cdn is not None and playback_auth_secret is not None:
        out.append("media.playback.url_auth_key_secret: the edge's replay CDN sets it "
                   "(edge.replay_cdn.url_auth_key_secret); remove it")
    if s.replay_cdn is not None and playback_auth_delta_seconds is not None and \
            playback_auth_delta_seconds != s.replay_cdn.auth_delta_seconds:
        out.append(f"media.playback.auth_delta_seconds: the edge's replay CDN sets it "
                   f"(edge.replay_cdn.auth_delta_seconds: {s.replay_cdn.auth_delta_seconds}); remove it")
    return out
