"""The stack configuration model: one structured key, `livecommerce:platform`, per stack file.

This module and stacks/platform.py are the only places that read Pulumi config. The model is the
config reference: every field has a docstring, which also becomes the JSON Schema description users
see in their editor (`livecommerce schema` -> stacks/platform.schema.json).

Defaults are the secure production choice; dev stacks override downward, explicitly. What a stack's
tier (`tier`: dev, staging, prod) demands on top is the tier table in stacks/tiers.py.
Secrets never enter this model: a field typed `SecretRef` (components/secrets.py) holds the *name* of a
config key (set with `pulumi config set --secret livecommerce:<name> ...`), never its value.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from components.container_platform.cluster_settings import (
    ClusterSettings,
    ExternalClusterSettings,
    FleetSettings,
    NodePoolSettings,
    check_pool_capacity,
)
from components.workloads.manifests import label_value
from components.workloads.service_settings import (
    LiveEventSettings,
    ServiceSettings,
    workload_problems,
)
from components.data.settings import DataSettings, data_problems
from components.governance.settings import GovernanceSettings, governance_problems
from components.media.settings import MediaSettings
from components.network.cidr import CidrPlanError, plan_cidrs
from components.network.regions import region_problem, zone_problem
from components.network.settings import NetworkSettings
from components.observability.settings import ObservabilitySettings, routing_problems
from components.naming import stack_name_problem
from components.workloads.targets import gateway_endpoints
from stacks.cost_settings import CostSettings
from components.secrets import SECRET_REF_ERROR, SecretRef
from stacks.messages import may_echo, pattern_words
from stacks.tiers import TierError, TierName, resolve_tier, tier_problems

CONFIG_KEY = "livecommerce:platform"
REGION_KEY = "alicloud:region"

_TAG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/=+@-]{0,127}$")


class PlatformConfig(BaseModel):
    """Everything one stack of the live-commerce platform needs (`livecommerce:platform`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True,
                              title="livecommerce:platform")

    tier: TierName | None = None
    """Which rules the stack follows: `dev`, `staging` or `prod` (the tier table, stacks/tiers.py). Defaults to
    the stack's name when it is one of those; any other stack (e.g. `prod-sg`, a second prod region) must set it.
    Names still come from the stack, so two stacks of one tier never collide."""
    owner: str = Field(min_length=1, max_length=64)
    """The team that owns this environment; becomes the `owner` tag on every resource and the `owner` label on
    every Kubernetes object, so ASCII only (e.g. `live-platform`; a display name can go in `tags`)."""
    cost_center: str = Field(min_length=1, max_length=64)
    """The cost center billed for this environment; becomes the `cost-center` tag."""
    tags: dict[str, str] = Field(default_factory=dict)
    """Extra tags for every resource that accepts tags. Keys must not start with `aliyun` or `acs:`
    and values must not contain `http://` or `https://` (Alibaba Cloud tag rules)."""
    network: NetworkSettings
    """The VPC, vSwitches and NAT egress."""
    cluster: ClusterSettings = ClusterSettings()
    """The ACK managed Pro cluster: version, API server exposure, protection, logs, maintenance, addons."""
    node_pools: list[NodePoolSettings] = Field(
        default_factory=lambda: [NodePoolSettings(name="steady", instance_types=["ecs.g7.2xlarge", "ecs.g6.2xlarge"])],
        min_length=1)
    """The autoscaling ECS node pools (the steady base); their `max_size` together must fit `network.max_nodes`."""
    external_clusters: list[ExternalClusterSettings] = Field(default_factory=list)
    """Registered external clusters (IDC, other clouds) that get the same observability and governance."""
    fleet: FleetSettings = FleetSettings()
    """The ACK One fleet that sees the ACK cluster and the external clusters."""
    services: list[ServiceSettings] = Field(default_factory=list)
    """The live-commerce back-end microservices (live-interaction, shop, product, order, ...), each with its
    versions, size, probes, env, placement, autoscaling, governance labels and gateway routing."""
    live_events: list[LiveEventSettings] = Field(default_factory=list)
    """The live-event calendar: live-facing services scale up ahead of each stream (CronHPA). Write `MM-DDTHH:MM`
    for an event every year (the 6.18 and 11.11 festivals) or `YYYY-MM-DDTHH:MM` for a one-off; a one-off event
    that is over is skipped with a warning (and a policy advisory to remove it), never an error."""
    media: MediaSettings = Field(default_factory=MediaSettings)
    """Replay buckets on OSS and the event-driven FC 3.0 transcoder (trigger, roles, dead-letter queue)."""
    observability: ObservabilitySettings = Field(default_factory=ObservabilitySettings)
    """ARMS metrics, generated alert rules and their routing to people (SMS, DingTalk, webhooks), synthetic
    probes, front-end RUM apps, and the SLS project for application, function, control-plane and audit logs."""
    governance: GovernanceSettings = Field(default_factory=GovernanceSettings)
    """MSE microservice governance: the Nacos registry, the cloud-native gateway, the stack's MSE namespace,
    end-to-end canary lanes and the service authentication, degradation and flow-control rules."""
    data: DataSettings = Field(default_factory=DataSettings)
    """The middleware and data layer the services use: a RocketMQ 5 message queue (topics, consumer groups with
    dead-letter topics), a Tair cache and a PolarDB for MySQL database, private to the VPC, with an account per
    service whose password lives in KMS Secrets Manager (docs/data.md)."""
    cost: CostSettings = Field(default_factory=CostSettings)
    """Monthly usage volumes the plan cannot hold (replay hours, stored GiB, log GiB, egress), read only by
    `livecommerce cost`, the PR report's cost line and `compare` (docs/cost.md); creates nothing."""

    @field_validator("owner")
    @classmethod
    def _owner_is_a_label(cls, owner: str) -> str:
        # A Unicode owner became an empty `owner` label on every Kubernetes object (label values are ASCII).
        if not owner.isascii() or not label_value(owner):
            raise ValueError(f"{owner!r} is also the `owner` Kubernetes label, which holds only ASCII letters, digits, "
                             "`-`, `_` and `.`; use a team id such as live-platform, and put a display name in "
                             "tags (e.g. tags: {team-name: ...})")
        return owner

    @field_validator("tags")
    @classmethod
    def _tag_rules(cls, tags: dict[str, str]) -> dict[str, str]:
        for key, value in tags.items():
            if key.lower().startswith(("aliyun", "acs:")) or not _TAG_RE.match(key):
                raise ValueError(f"tag key {key!r} is not allowed: keys are 1-128 letters, digits or _.:/=+-@ and "
                                 "must not start with `aliyun` or `acs:`")
            if "http://" in value or "https://" in value or len(value) > 128:
                raise ValueError(f"tag {key!r}: values must be at most 128 characters and contain no URL")
        reserved = {"env", "owner", "cost-center"} & set(tags)
        if reserved:
            raise ValueError(f"tag(s) {', '.join(sorted(reserved))} are set from the stack name, owner and "
                             "cost_center; remove them from tags")
        return tags

    @model_validator(mode="after")
    def _stack_rules(self, info: ValidationInfo) -> PlatformConfig:
        stack = (info.context or {}).get("stack")
        region = (info.context or {}).get("region")
        errors: list[str] = []
        if stack is not None:
            try:
                errors.extend(tier_problems(self, resolve_tier(stack, self.tier), region))
            except TierError as exc:
                errors.append(str(exc))
        if region and region_problem(region) is None:
            # The committed table (components/network/regions.py): a typo fails here, not at `pulumi up`.
            for i, zone in enumerate(self.network.zones):
                problem = zone_problem(region, zone)
                if problem:
                    errors.append(f"network.zones[{i}]: {problem}")
        n = self.network
        try:
            plan_cidrs(n.vpc_cidr, list(n.zones), max_nodes=n.max_nodes, max_pods_per_node=n.max_pods_per_node,
                       service_cidr=n.service_cidr)
        except CidrPlanError as exc:
            errors.append(f"network: {exc}")
        errors.extend(check_pool_capacity(self.node_pools, n.max_nodes))
        names = [c.name for c in self.external_clusters]
        dupes = sorted({v for v in names if names.count(v) > 1})
        if dupes:
            errors.append(f"external_clusters: each cluster needs its own name; repeated: {', '.join(dupes)}")
        errors.extend(workload_problems(self.services, self.live_events))
        errors.extend(_observability_problems(self))
        errors.extend(governance_problems(self.governance, self.services, self.network.zones, stack))
        errors.extend(data_problems(self.data, [s.name for s in self.services], self.network.zones,
                                    injected_env={s.name: set(s.env) | {e.name for e in s.env_secrets}
                                                  for s in self.services}))
        if self.data.services_used() and not self.cluster.enable_rrsa:
            errors.append("cluster.enable_rrsa: ack-secret-manager reads the data layer's secrets through an RRSA "
                          "role; set it to true (or remove the data section)")
        if errors:
            raise ValueError("\n".join(errors))
        return self

    def common_tags(self, stack: str) -> dict[str, str]:
        """The tags every taggable resource carries (`env` is the stack's name: what billing and alerts group by)."""
        return {"env": stack, "owner": self.owner, "cost-center": self.cost_center, "managed-by": "pulumi",
                "project": "livecommerce", **self.tags}

    def secret_keys(self) -> list[str]:
        """Names of the `livecommerce:` secret config keys this config refers to (every `SecretRef` value)."""
        found: set[str] = set()

        def walk(value: Any) -> None:
            if isinstance(value, SecretRef):
                found.add(str(value))
            elif isinstance(value, BaseModel):
                for fname in type(value).model_fields:
                    walk(getattr(value, fname))
            elif isinstance(value, (list, tuple)):
                for v in value:
                    walk(v)
            elif isinstance(value, dict):
                for v in value.values():
                    walk(v)

        walk(self)
        return sorted(found)


def _observability_problems(cfg: PlatformConfig) -> list[str]:
    """Cross-section observability rules: every route reaches someone, probe URLs for exposed services."""
    obs = cfg.observability
    errors = routing_problems(obs)
    if obs.synthetics.enabled:
        try:
            gateway_endpoints(cfg.services, obs.synthetics)
        except ValueError as exc:
            errors.append(f"observability.{exc}")
    return errors


# --------------------------------------------------------------------------------------------------
# Validation with messages that name the file, the key and the fix


def _model_at(path: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model class that holds the field at `path` (for 'did you mean')."""
    model: Any = PlatformConfig
    mapping_key = False  # the next part is a key of a dict[str, Model] field, not a field name
    for part in path:
        if isinstance(part, int) or mapping_key:
            mapping_key = False
            continue
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return None
        ann = field.annotation
        inner = _unwrap(ann)
        if inner is None:
            return None
        mapping_key = getattr(ann, "__origin__", None) is dict
        model = inner
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _unwrap(ann: Any) -> type[BaseModel] | None:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in getattr(ann, "__args__", ()) or ():
        found = _unwrap(arg)
        if found is not None:
            return found
    return None


def _loc(path: tuple[Any, ...]) -> str:
    out = CONFIG_KEY
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _describe(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def format_errors(exc: ValidationError) -> list[str]:
    """One line per error: the key path, what is wrong, and what is expected."""
    lines: list[str] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            parent = _model_at(loc[:-1])
            allowed = sorted(parent.model_fields) if parent else []
            guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f"did you mean `{guess[0]}`?" if guess else f"allowed keys: {', '.join(allowed)}"
            lines.append(f"{_loc(loc)}: unknown key; {hint}")
        elif kind == SECRET_REF_ERROR:
            # Never echo the input: it may be the secret itself (a phone number, a webhook URL).
            lines.append(f"{_loc(loc)}: {err['msg']}")
        elif kind == "missing":
            lines.append(f"{_loc(loc)}: required key is missing; add it (see stacks/platform.schema.json)")
        elif kind == "value_error":
            msg = str(err.get("ctx", {}).get("error", err["msg"]))
            for part in msg.splitlines():
                # Model-level rules already name their sub-key ("network.zones: ...").
                if loc == () and ":" in part.split(" ")[0]:
                    lines.append(f"{CONFIG_KEY}.{part}")
                else:
                    lines.append(f"{_loc(loc)}: {part}")
        elif kind == "string_pattern_mismatch":
            # The rule in words, never the raw regex (stacks/messages.py).
            lines.append(f"{_loc(loc)}: must be {pattern_words(err['ctx']['pattern'])}{_got(loc, err, ' (got {})')}")
        elif kind.endswith("_type") or kind.endswith("_parsing"):
            lines.append(f"{_loc(loc)}: {err['msg'].lower()}{_got(loc, err, ', got {}')}")
        else:
            lines.append(f"{_loc(loc)}: {err['msg']}{_got(loc, err, ' (got {})')}")
    return lines


def _got(loc: tuple[Any, ...], err: Any, template: str) -> str:
    """The input, quoted, unless the key may hold a secret pasted by mistake: then only its kind."""
    value = err.get("input")
    if may_echo(loc):
        return template.format(_describe(value))
    kind = "a number" if isinstance(value, (int, float)) and not isinstance(value, bool) else \
        "a string" if isinstance(value, str) else type(value).__name__
    return template.format(f"{kind}, not shown: the key may hold a secret")


def parse_platform(raw: Any, *, stack: str, region: str | None = None) -> PlatformConfig:
    """Validate a decoded `livecommerce:platform` value of stack `stack`; raise ConfigError with one line per
    problem. The stack's tier rules apply (its `tier`, else the stack's name)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise ConfigError([f"{CONFIG_KEY}: expected a mapping of settings, got a plain string"]) from None
    if not isinstance(raw, dict):
        raise ConfigError([f"{CONFIG_KEY}: expected a mapping of settings, got {_describe(raw)}"])
    try:
        return PlatformConfig.model_validate(raw, context={"stack": stack, "region": region})
    except ValidationError as exc:
        raise ConfigError(format_errors(exc)) from None


class ConfigError(Exception):
    """Invalid stack configuration; `lines` are `key: problem and fix` (`check_stack_config` prefixes the file).

    Not a `livecommerce.errors.UserError`: the program (stacks/) does not import the CLI; the CLI converts."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))




def check_stack_config(config: dict[str, str], stack: str, source: str) -> PlatformConfig:
    """Validate the whole config of one stack file as the program will read it; ConfigError on problems
    (each line starts with `source`; the CLI shows them as one-line errors, exit 2).

    `config` maps `namespace:key` to the string Pulumi hands the program (objects as JSON).
    """
    lines: list[str] = []
    problem = stack_name_problem(stack)
    if problem:
        lines.append(f"stack: {problem}; rename the stack file (Pulumi.<stack>.yaml)")
    region = config.get(REGION_KEY)
    if not region:
        lines.append(f"{REGION_KEY}: required; set the stack's region, e.g. `alicloud:region: cn-hangzhou`")
    elif region_problem(region):
        lines.append(f"{REGION_KEY}: {region_problem(region)}")
    if CONFIG_KEY not in config:
        lines.append(f"{CONFIG_KEY}: required; it holds every platform setting (see stacks/platform.schema.json)")
        raise ConfigError([f"{source}: {line}" for line in lines])
    cfg: PlatformConfig | None = None
    try:
        cfg = parse_platform(config[CONFIG_KEY], stack=stack, region=region)
    except ConfigError as exc:
        lines.extend(exc.lines)
    allowed = {CONFIG_KEY, *(f"livecommerce:{k}" for k in (cfg.secret_keys() if cfg else []))}
    for key in config:
        ns = key.split(":", 1)[0]
        # Secret references can only be checked once the platform key parses.
        if ns == "livecommerce" and key not in allowed and (cfg is not None or key != CONFIG_KEY):
            guess = difflib.get_close_matches(key, sorted(allowed), n=1)
            if cfg is None and not guess:
                continue
            hint = f"did you mean `{guess[0]}`?" if guess else \
                f"settings go inside {CONFIG_KEY}; a secret is set only when a setting names it (e.g. phone_secret)"
            lines.append(f"{key}: unknown key; {hint}")
    if lines or cfg is None:
        raise ConfigError([f"{source}: {line}" for line in lines])
    return cfg


def json_schema() -> dict[str, Any]:
    """The JSON Schema of `livecommerce:platform` (the committed stacks/platform.schema.json)."""
    schema = PlatformConfig.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://livecommerce.dev/schemas/platform.schema.json"
    return schema


def stack_file_schema() -> dict[str, Any]:
    """A JSON Schema for a whole `Pulumi.<stack>.yaml`, embedding the platform schema (editor support)."""
    platform = json_schema()
    defs = platform.pop("$defs", {})
    platform.pop("$schema", None)
    platform.pop("$id", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://livecommerce.dev/schemas/stack.schema.json",
        "title": "livecommerce stack file (stacks/Pulumi.<stack>.yaml)",
        "type": "object",
        "properties": {
            "config": {
                "type": "object",
                "properties": {
                    REGION_KEY: {"type": "string", "description": "The Alibaba Cloud region, e.g. cn-hangzhou."},
                    CONFIG_KEY: platform,
                },
                "required": [REGION_KEY, CONFIG_KEY],
                "additionalProperties": True,
            },
            "encryptionsalt": {"type": "string"},
            "secretsprovider": {"type": "string"},
            "encryptedkey": {"type": "string"},
        },
        "required": ["config"],
        "additionalProperties": False,
        "$defs": defs,
    }

