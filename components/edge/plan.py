"""Pure decisions of the edge block (no Pulumi): CDN domain functions, live domain functions, DNS records,
certificate identifiers, bucket grants for the Live and CDN services. Unit-tested on their own.

CDN function names and arguments are those of BatchSetCdnDomainConfig as the provider's acceptance tests
use them (terraform-provider-alicloud `alicloud/resource_alicloud_cdn_domain_config_test.go`: `l2_oss_key`
`private_oss_auth`, `https_force` `enable`, `https_tls_version` `tls10`..`tls13`, `HSTS` `enabled`
`https_hsts_max_age`, `aliauth` `auth_type` `ali_auth_delta`, `filetype_based_ttl_set` `ttl` `file_type`
`weight`, `set_resp_header` `key` `value`, `range` `enable`, `video_seek` `enable`, `forward_scheme` `enable`
`scheme_origin`), and https://www.alibabacloud.com/help/en/cdn/developer-reference/parameters-for-configuring-features-for-domain-names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from components.edge.settings import (
    EdgeSettings,
    ReplayCdnSettings,
    record_name,
    recording_crosses_regions,
    recording_key_prefix,
)
from components.media.policies import POLICY_VERSION, ServiceGrant, oss_bucket_arns
from components.media.settings import MediaSettings, PlaybackSettings, locations
from components.naming import Naming

#: SSL Certificates Service region of China-site accounts, the default of `edge.cas_region` (`cert_region` of
#: cdn.DomainNew: cn-hangzhou domestic, ap-southeast-1 international;
#: TF website/docs/r/cdn_domain_new.html.markdown:75).
CAS_REGION = "cn-hangzhou"
#: Replay segments, MP4 renditions and posters the transcoder publishes: immutable once written.
SEGMENT_FILE_TYPES = ("ts", "m4s", "mp4", "jpg")
#: What the CDN's back-to-origin reads of the private output bucket (nothing else: no list, no write).
CDN_ORIGIN_ACTIONS = ("oss:GetObject",)
#: What ApsaraVideo Live needs to write a recording (MP4 files larger than 5 GB are uploaded in parts).
LIVE_RECORD_ACTIONS = ("oss:PutObject", "oss:AbortMultipartUpload", "oss:ListParts")


@dataclass(frozen=True)
class DomainFunction:
    """One CDN (or Live) domain function: `cdn.DomainConfig(function_name=..., function_args=...)`."""

    role: str
    """Stable kebab-case key naming the resource (`origin-auth`, `ttl-playlists`)."""
    function_name: str
    args: tuple[tuple[str, str], ...]
    secret: bool = False
    """An argument holds a secret (the URL-auth key): the resource's inputs are secret."""


def _fn(role: str, name: str, secret: bool = False, **args: str) -> DomainFunction:
    return DomainFunction(role, name, tuple(sorted(args.items())), secret)


def cdn_functions(s: ReplayCdnSettings, *, url_auth: bool) -> list[DomainFunction]:
    """Every function the replay CDN domain carries. The URL-auth key itself is filled in by the component
    (argument `auth_key1`, a secret Output); here it is the placeholder `<secret>`."""
    tls = {f"tls1{n}": ("on" if f"TLSv1.{n}" in s.tls_versions else "off") for n in range(4)}
    out = [
        # Private output bucket: the CDN signs its origin fetches with its service role (issue #3819).
        _fn("origin-auth", "l2_oss_key", private_oss_auth="on"),
        # The bucket's DenyInsecureTransport policy refuses plain-HTTP origin fetches.
        _fn("origin-https", "forward_scheme", enable="on", scheme_origin="https"),
        _fn("https-force", "https_force", enable="on"),
        _fn("tls-versions", "https_tls_version", **tls),
        _fn("range", "range", enable="on"),
        _fn("video-seek", "video_seek", enable="on"),
        # Playlists change when a replay is re-transcoded; segments, MP4 and posters never do.
        _fn("ttl-playlists", "filetype_based_ttl_set", file_type="m3u8", ttl=str(s.playlist_ttl_seconds),
            weight="99"),
        _fn("ttl-segments", "filetype_based_ttl_set", file_type=",".join(SEGMENT_FILE_TYPES),
            ttl=str(s.segment_ttl_seconds), weight="98"),
        _fn("cors-origin", "set_resp_header", key="Access-Control-Allow-Origin", value=cors_origin(s.cors_origins)),
        _fn("cors-methods", "set_resp_header", key="Access-Control-Allow-Methods", value="GET,HEAD,OPTIONS"),
    ]
    if s.hsts_max_age_seconds:
        out.append(_fn("hsts", "HSTS", enabled="on", https_hsts_max_age=str(s.hsts_max_age_seconds)))
    if url_auth:
        out.append(_fn("url-auth", "aliauth", secret=True, auth_type="type_a", auth_key1="<secret>",
                       ali_auth_delta=str(s.auth_delta_seconds)))
    return out


def cors_origin(origins: list[str]) -> str:
    """`Access-Control-Allow-Origin`: the one origin, else `*` (the header holds a single origin; with several
    web players, URL auth is what keeps replays to signed viewers)."""
    return origins[0] if len(origins) == 1 else "*"


def live_auth_args(auth_key: str, delta_seconds: int) -> dict[str, str]:
    """`aliauth` of a live domain (BatchSetLiveDomainConfigs; the same function as the CDN's): type A."""
    return {"auth_type": "type_a", "auth_key1": auth_key, "ali_auth_delta": str(delta_seconds)}


def cas_identifier(cert_id: int | str, cas_region: str = CAS_REGION) -> str:
    """How WAF 3.0 and MSE name a certificate of SSL Certificates Service: `<cert id>-<cas region>`
    (TF website/docs/r/wafv3_domain.html.markdown example: `join("-", [cert.id, "cn-hangzhou"])`)."""
    return f"{cert_id}-{cas_region}"


def oss_origin(bucket: str, region: str) -> str:
    """The public endpoint host of a bucket, as the CDN's `oss` origin and Live's OssEndpoint name it."""
    return f"{bucket}.{oss_endpoint(region)}"


def oss_endpoint(region: str) -> str:
    return f"oss-{region}.aliyuncs.com"


@dataclass(frozen=True)
class DnsRecord:
    """One Alidns record of a public host."""

    role: str
    """Stable key naming the resource (`api`, `live-ingest`, `live-playback`, `replay-cdn`)."""
    host: str
    rr: str
    type: Literal["CNAME", "A"]


def dns_records(zone: str, hosts: dict[str, str], a_records: frozenset[str] = frozenset()) -> list[DnsRecord]:
    """A record per role -> host (`a_records`: roles that point at an address, not a CNAME)."""
    return [DnsRecord(role, host, record_name(host, zone), "A" if role in a_records else "CNAME")
            for role, host in hosts.items()]


def live_grant(edge: EdgeSettings, *, bucket_role: str, input_prefix: str) -> ServiceGrant:
    """ApsaraVideo Live's writes of recordings below their key prefix (in whichever bucket Live writes to)."""
    assert edge.live is not None
    return ServiceGrant(bucket_role=bucket_role, sid="LiveWritesRecordings", service_role=edge.live.recording.oss_role,
                        key_prefix=recording_key_prefix(input_prefix, edge.live.recording), actions=LIVE_RECORD_ACTIONS)


def service_grants(edge: EdgeSettings | None, *, region: str, buckets: str, input_prefix: str,
                   output_prefix: str) -> tuple[ServiceGrant, ...]:
    """What the media buckets' policies grant the edge's cloud services: ApsaraVideo Live writes recordings
    below their key prefix in the input bucket (only when the live center is the stack's `region`: otherwise
    Live writes into the recording bucket of its own region, `recording_store`); the CDN reads the published
    replays below the output prefix. Nothing else (no list, no delete, no other prefix)."""
    if edge is None:
        return ()
    grants: list[ServiceGrant] = []
    if edge.live is not None and edge.live.recording.enabled and not recording_crosses_regions(edge, region):
        grants.append(live_grant(edge, bucket_role="shared" if buckets == "shared" else "input",
                                 input_prefix=input_prefix))
    if edge.replay_cdn is not None:
        grants.append(ServiceGrant(
            bucket_role="shared" if buckets == "shared" else "output", sid="CdnReadsReplays",
            service_role=edge.replay_cdn.oss_role, key_prefix=output_prefix, actions=CDN_ORIGIN_ACTIONS))
    return tuple(grants)


def replay_base_url(cdn: ReplayCdnSettings) -> str:
    """The origin of the replay CDN domain: the transcoder's `PLAYBACK_BASE_URL`."""
    return f"https://{cdn.host}"


def with_edge_playback(media: MediaSettings, edge: EdgeSettings | None) -> MediaSettings:
    """The media settings with the edge's replay CDN as the transcoder's playback domain: its origin
    (`https://<replay_cdn.host>`), its URL-auth key (`replay_cdn.url_auth_key_secret`, stored in KMS for the function)
    and validity (`auth_delta_seconds`, the domain's `ali_auth_delta`). `media.playback`'s own URL lifetime and KMS
    instance stay; its `base_url` and key must be unset when the edge has a replay CDN (validated: `edge_problems`)."""
    if edge is None or edge.replay_cdn is None:
        return media
    cdn, own = edge.replay_cdn, media.playback
    playback = PlaybackSettings(
        base_url=replay_base_url(cdn), url_auth_key_secret=cdn.url_auth_key_secret,
        kms_instance_id=own.kms_instance_id if cdn.url_auth_key_secret else None,
        url_ttl_seconds=own.url_ttl_seconds, auth_delta_seconds=cdn.auth_delta_seconds)
    return media.model_copy(update={"playback": playback})


# --------------------------------------------------------------------------------------------------
# Recording across regions (docs/decisions/2026-12-01-live-recording-region.md)

#: What OSS cross-region replication does with the recordings: only new and overwritten objects are copied
#: (`PUT`), so the recording bucket's own lifecycle deletions never reach the input bucket (PutBucketReplication
#: `Action`: ALL, PUT, DELETE, ABORT; TF website/docs/r/oss_bucket_replication.html.markdown "action").
REPLICATION_ACTION = "PUT"
#: The documented minimum of the role OSS assumes to replicate within one account: list and read the source,
#: list, read, write and delete replicas in the destination ("Required permissions for data replication",
#: https://www.alibabacloud.com/help/en/oss/user-guide/introduction-to-data-replication-permissions).
REPLICATION_SOURCE_ACTIONS = ("oss:ReplicateList", "oss:ReplicateGet")
REPLICATION_DESTINATION_ACTIONS = ("oss:ReplicateList", "oss:ReplicateGet", "oss:ReplicatePut", "oss:ReplicateDelete")
#: Days after which the recording bucket aborts an interrupted multipart upload of a recording.
RECORDING_ABORT_MULTIPART_DAYS = 1


def recording_bucket_names(bucket_prefix: str, naming: Naming) -> dict[str, str]:
    """Names of the live center's recording bucket and its access-log bucket (`<prefix>-<stack>-recordings`,
    `-recordings-logs`): OSS bucket names are global, the stack makes them the stack's own."""
    return {"recordings": naming.prefixed(bucket_prefix, "recordings"),
            "recording-logs": naming.prefixed(bucket_prefix, "recordings-logs")}


@dataclass(frozen=True)
class RecordingStore:
    """Where ApsaraVideo Live records when its center is not the stack's region, and how the files reach the
    transcoder: a bucket in the live center's region, replicated (new objects only, below the recording prefix)
    into the replay input bucket under the same keys, which the transcoder's trigger watches."""

    region: str
    """The live center's region (the bucket's provider)."""
    bucket: str
    """The recording bucket."""
    log_bucket: str | None
    """Its access-log bucket in the same region (OSS logs only into a bucket of the bucket's region), or None."""
    key_prefix: str
    """The fixed part of every recording's key (`replays/` for `replays/{AppName}/...`): granted to Live and
    replicated."""
    retention_days: int
    """Days a recording stays in the recording bucket after it was written."""
    destination_bucket: str
    """The replay input bucket (the transcoder's trigger bucket)."""
    destination_location: str
    """The input bucket's region as PutBucketReplication names it: `oss-<region>` (TF
    alicloud/resource_alicloud_oss_bucket_replication_test.go: `"oss-" + ALICLOUD_REGION`)."""
    versioning: bool
    """As the media buckets (replication needs the same versioning state at both ends)."""
    redundancy: str
    """As the media buckets."""
    deletion_protection: bool
    force_destroy: bool
    noncurrent_expire_days: int
    access_log_expire_days: int


def recording_store(edge: EdgeSettings | None, media: MediaSettings, naming: Naming) -> RecordingStore | None:
    """The cross-region recording path of this stack, or None when Live records straight into the input bucket
    (its center is the stack's region) or does not record."""
    if edge is None or edge.live is None or not recording_crosses_regions(edge, naming.region):
        return None
    names = recording_bucket_names(media.bucket_prefix, naming)
    rec = edge.live.recording
    return RecordingStore(
        region=edge.live.region, bucket=names["recordings"],
        log_bucket=names["recording-logs"] if media.access_logging else None,
        key_prefix=recording_key_prefix(media.input_prefix, rec), retention_days=rec.replica_retention_days,
        destination_bucket=locations(media, naming).input_bucket, destination_location=f"oss-{naming.region}",
        versioning=media.versioning, redundancy=media.redundancy, deletion_protection=media.deletion_protection,
        force_destroy=media.force_destroy, noncurrent_expire_days=media.lifecycle.noncurrent_expire_days,
        access_log_expire_days=media.lifecycle.access_log_expire_days)


def replication_policy(store: RecordingStore, account_id: str) -> dict:
    """The RAM policy of the replication role: the documented minimum, on the two buckets of this account only."""
    return {"Version": POLICY_VERSION, "Statement": [
        {"Effect": "Allow", "Action": list(REPLICATION_SOURCE_ACTIONS),
         "Resource": oss_bucket_arns(account_id, store.bucket)},
        {"Effect": "Allow", "Action": list(REPLICATION_DESTINATION_ACTIONS),
         "Resource": oss_bucket_arns(account_id, store.destination_bucket)},
    ]}


#: Public-host resource types and what the console steps call them.
HOST_TYPES = {
    "alicloud:live/domain:Domain": ("domainName", "live domain"),
    "alicloud:cdn/domainNew:DomainNew": ("domainName", "CDN domain"),
    "alicloud:wafv3/domain:Domain": ("domain", "WAF domain"),
}


def console_steps(resources: list[dict]) -> list[str]:
    """What must be done by hand for each public host of a plan before `pulumi up` can bring it online: an ICP
    filing (mainland acceleration, `scope` domestic or global; https://www.alibabacloud.com/help/en/icp-filing)
    and, for a domain new to the account, ownership verification (a TXT record the console shows:
    `VerifyLiveDomainOwner` for Live, the CDN console's domain verification)."""
    out = []
    for r in resources:
        spec = HOST_TYPES.get(str(r.get("type")))
        if spec is None:
            continue
        inputs = r.get("inputs") or {}
        host = inputs.get(spec[0])
        if not isinstance(host, str):
            continue
        scope = inputs.get("scope", "domestic")
        icp = "ICP filing of its domain (mainland acceleration)" if scope in ("domestic", "global", None) \
            else "no ICP filing (overseas scope)"
        out.append(f"{host} ({spec[1]}): {icp}; ownership verification of a domain new to the account (TXT record "
                   "from the console) before the first `pulumi up`")
    return sorted(set(out))
