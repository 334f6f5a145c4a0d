"""The bootstrap stack's configuration: one structured key, `livecommerce:bootstrap`, per stack file.

This module and bootstrap/program.py are the only places of the bootstrap project that read Pulumi
config. Every field has a docstring (the config reference and `bootstrap/bootstrap.schema.json`).
Secrets never enter the model: the runner's registration token is a secret config key that the model
only names (`environments.<env>.runner.token_secret`, default `ci-runner-token-<env>`).
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from components.delivery.settings import EnvironmentCiSettings, GithubSettings, StateBackendSettings

CONFIG_KEY = "livecommerce:bootstrap"
REGION_KEY = "alicloud:region"
NAMESPACE = "livecommerce"
PLATFORM_STACKS_DIR = Path(__file__).resolve().parent.parent / "stacks"
_TAG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/=+@-]{0,127}$")
_ENV_RE = re.compile(r"^[a-z][a-z0-9-]{0,20}$")
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+(-\d+)?$")


class BootstrapConfig(BaseModel):
    """What one cloud account needs before the platform's first `pulumi up` (`livecommerce:bootstrap`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True,
                              title="livecommerce:bootstrap")

    owner: str = Field(min_length=1, max_length=64)
    """The team that owns the account's delivery setup; the `owner` tag."""
    cost_center: str = Field(min_length=1, max_length=64)
    """The cost center billed for it; the `cost-center` tag."""
    tags: dict[str, str] = Field(default_factory=dict)
    """Extra tags for every taggable resource (Alibaba Cloud tag rules apply)."""
    github: GithubSettings
    """The GitHub repository that deploys the platform, and its OIDC issuer."""
    state: StateBackendSettings
    """The OSS bucket holding the Pulumi state of every stack (this one's too, once migrated)."""
    environments: dict[str, EnvironmentCiSettings] = Field(min_length=1)
    """The platform's environments (stacks of the main project) this account runs: per environment a
    deploy role, a read-only role and, where its API server is private, an in-VPC runner."""

    @field_validator("tags")
    @classmethod
    def _tag_rules(cls, tags: dict[str, str]) -> dict[str, str]:
        for key, value in tags.items():
            if key.lower().startswith(("aliyun", "acs:")) or not _TAG_RE.match(key):
                raise ValueError(f"tag key {key!r} is not allowed: 1-128 letters, digits or _.:/=+-@, not "
                                 "starting with `aliyun` or `acs:`")
            if "http://" in value or "https://" in value or len(value) > 128:
                raise ValueError(f"tag {key!r}: values must be at most 128 characters and contain no URL")
        reserved = {"env", "owner", "cost-center"} & set(tags)
        if reserved:
            raise ValueError(f"tag(s) {', '.join(sorted(reserved))} are set from the stack, owner and "
                             "cost_center; remove them from tags")
        return tags

    @field_validator("environments")
    @classmethod
    def _environment_names(cls, value: dict[str, EnvironmentCiSettings]) -> dict[str, EnvironmentCiSettings]:
        bad = [k for k in value if not _ENV_RE.match(k)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not an environment name (lowercase letters, digits, hyphens)")
        return value

    def common_tags(self, env: str) -> dict[str, str]:
        """The tags every taggable resource of `env` (or of the account, env = the stack) carries."""
        return {"env": env, "owner": self.owner, "cost-center": self.cost_center, "managed-by": "pulumi",
                "project": "livecommerce-bootstrap", **self.tags}

    def runners(self) -> dict[str, EnvironmentCiSettings]:
        """Environments that get a runner host now (runner enabled and the environment's stack exists)."""
        return {env: ci for env, ci in self.environments.items() if ci.attached and ci.runner.enabled}

    def secret_keys(self) -> list[str]:
        """Names of the `livecommerce:` secret config keys this config refers to (registration tokens)."""
        return sorted(ci.token_key(env) for env, ci in self.runners().items())


class ConfigError(Exception):
    """Invalid bootstrap configuration; `lines` are `key: problem and fix` (check_stack_config prefixes the
    file). Not a CLI UserError: the program does not import the CLI; the engine converts."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


def _loc(path: tuple[Any, ...]) -> str:
    out = CONFIG_KEY
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _allowed_at(path: tuple[Any, ...]) -> list[str]:
    model: Any = BootstrapConfig
    skip_key = False
    for part in path:
        if skip_key or isinstance(part, int):
            skip_key = False
            continue
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return []
        ann = field.annotation
        args = [a for a in getattr(ann, "__args__", ()) or () if isinstance(a, type) and issubclass(a, BaseModel)]
        skip_key = getattr(ann, "__origin__", None) is dict
        model = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else (args[0] if args else None)
    return sorted(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


def format_errors(exc: ValidationError) -> list[str]:
    """One line per error: the key path, what is wrong, what is expected."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden":
            allowed = _allowed_at(loc[:-1])
            guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            hint = f"did you mean `{guess[0]}`?" if guess else f"allowed keys: {', '.join(allowed)}"
            lines.append(f"{_loc(loc)}: unknown key; {hint}")
        elif err["type"] == "missing":
            lines.append(f"{_loc(loc)}: required key is missing; add it (see bootstrap/bootstrap.schema.json)")
        elif err["type"] == "value_error":
            lines.append(f"{_loc(loc)}: {err.get('ctx', {}).get('error', err['msg'])}")
        else:
            got = json.dumps(err.get("input"), default=str)
            lines.append(f"{_loc(loc)}: {err['msg'].lower()}, got {got if len(got) <= 40 else got[:37] + '...'}")
    return lines


def parse_bootstrap(raw: Any) -> BootstrapConfig:
    """Validate a decoded `livecommerce:bootstrap` value; ConfigError with one line per problem."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            raise ConfigError([f"{CONFIG_KEY}: expected a mapping of settings, got a plain string"]) from None
    if not isinstance(raw, dict):
        raise ConfigError([f"{CONFIG_KEY}: expected a mapping of settings"])
    try:
        return BootstrapConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(format_errors(exc)) from None


def check_stack_config(config: dict[str, str], stack: str, source: str,
                       platform_stacks_dir: Path = PLATFORM_STACKS_DIR) -> BootstrapConfig:
    """Validate one bootstrap stack file's whole config as the program reads it; ConfigError on problems
    (each line starts with `source`)."""
    lines: list[str] = []
    region = config.get(REGION_KEY)
    if not region:
        lines.append(f"{REGION_KEY}: required; the region of the state bucket and the CI runners, "
                     "e.g. `alicloud:region: cn-hangzhou`")
    elif not _REGION_RE.match(region):
        lines.append(f"{REGION_KEY}: {region!r} is not a region id; e.g. cn-hangzhou, ap-southeast-1")
    if CONFIG_KEY not in config:
        lines.append(f"{CONFIG_KEY}: required; it holds every bootstrap setting (see bootstrap/bootstrap.schema.json)")
        raise ConfigError([f"{source}: {line}" for line in lines])
    cfg: BootstrapConfig | None = None
    try:
        cfg = parse_bootstrap(config[CONFIG_KEY])
    except ConfigError as exc:
        lines.extend(exc.lines)
    if cfg is not None:
        for env in cfg.environments:
            if not (platform_stacks_dir / f"Pulumi.{env}.yaml").is_file():
                known = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in platform_stacks_dir.glob("Pulumi.*.yaml"))
                lines.append(f"{CONFIG_KEY}.environments.{env}: the platform has no stack {env} "
                             f"(stacks/Pulumi.{env}.yaml); environments are its stacks: {', '.join(known)}")
        allowed = {CONFIG_KEY, *(f"{NAMESPACE}:{k}" for k in cfg.secret_keys())}
        for key in config:
            if key.split(":", 1)[0] == NAMESPACE and key not in allowed:
                guess = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f"did you mean `{guess[0]}`?" if guess else \
                    f"settings go inside {CONFIG_KEY}; a runner's token key is named by its token_secret"
                lines.append(f"{key}: unknown key; {hint}")
    if lines or cfg is None:
        raise ConfigError([f"{source}: {line}" for line in lines])
    return cfg


def json_schema() -> dict[str, Any]:
    """The JSON Schema of `livecommerce:bootstrap` (the committed bootstrap/bootstrap.schema.json)."""
    schema = BootstrapConfig.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://livecommerce.dev/schemas/bootstrap.schema.json"
    return schema


def stack_file_schema() -> dict[str, Any]:
    """A JSON Schema for a whole `bootstrap/Pulumi.<account>.yaml`, embedding `json_schema()`: the file's
    first line points editors (yaml-language-server) at it, and they validate the whole document."""
    value = json_schema()
    defs = value.pop("$defs", {})
    value.pop("$schema", None)
    value.pop("$id", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://livecommerce.dev/schemas/bootstrap.schema.json",
        "title": "livecommerce bootstrap stack file (bootstrap/Pulumi.<account>.yaml)",
        "type": "object",
        "properties": {
            "config": {
                "type": "object",
                "properties": {
                    REGION_KEY: {"type": "string", "description": "The Alibaba Cloud region, e.g. cn-hangzhou."},
                    CONFIG_KEY: value,
                },
                "required": [REGION_KEY, CONFIG_KEY],
                "additionalProperties": True,
            },
            "encryptionsalt": {"type": "string"},
            "secretsprovider": {"type": "string"},
            "encryptedkey": {"type": "string"},
            "environment": {"description": "Pulumi ESC environments the stack imports (the engine accepts it)."},
        },
        "required": ["config"],
        "additionalProperties": False,
        "$defs": defs,
    }


def render_schema() -> str:
    """bootstrap/bootstrap.schema.json as committed (`make schema` writes it): the whole stack file's schema."""
    return json.dumps(stack_file_schema(), indent=2, sort_keys=True) + "\n"
