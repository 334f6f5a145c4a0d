"""Settings for the workload side of the container platform: placement, ECI, autoscaling, live events.

The lead composes these into the stack's ``livecommerce:platform`` model. Every field carries an
attribute docstring (``use_attribute_docstrings=True``), which becomes its description in the JSON
Schema users get in their editor. Defaults are the production choice; dev stacks override downward.

Pure data: no Pulumi imports, no ``pulumi.Input`` values (node-pool ids and the like arrive as plain
labels, see ``SchedulingSettings.node_pool_selector``).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

PlacementPolicy = Literal["ecs-only", "eci-only", "ecs-first"]
"""Where a workload's pods run.

* ``ecs-only``: only the ECS node pools (steady back-office services, anything needing node-local state).
* ``eci-only``: only ECI virtual nodes (bursty batch-like work that should never occupy node pools).
* ``ecs-first``: ECS node pools up to a cap, then burst onto ECI (the default for live-facing services).
"""

SpotStrategy = Literal["none", "SpotAsPriceGo", "SpotWithPriceLimit"]
"""ECI spot (preemptible) strategy; ``none`` means pay-as-you-go instances only."""

_UTC = ZoneInfo("UTC")
# Kubernetes object names and our job names are built from event names, so they must be DNS-1123 labels.
_SLUG = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
_LOCAL_MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
# A yearly event: month-day and time, no year (the 6.18 and 11.11 shopping festivals come back every year).
_YEARLY_MINUTE = re.compile(r"^(?P<month>\d{2})-(?P<day>\d{2})T(?P<hour>\d{2}):(?P<minute>\d{2})$")
_EVENT_TIME_PATTERN = r"^(\d{4}-)?\d{2}-\d{2}T\d{2}:\d{2}$"
#: The year a yearly event's times are parsed into, which marks the event as yearly: not a leap year (so
#: `02-29`, which does not come back every year, is refused), and before any plausible one-off event (a
#: one-off date before 2000 is refused). `LiveEvent.occurrence` puts a real year in.
YEARLY_REFERENCE_YEAR = 1999
_FIRST_ONE_OFF_YEAR = 2000
# ECI spec strings: "<vCPU>-<memory>Gi" (e.g. 2-4Gi, 0.5-1Gi) or an ECS instance type (e.g. ecs.c6.xlarge).
_ECI_SPEC = r"^(\d+(\.\d+)?-\d+(\.\d+)?Gi|ecs\.[a-z0-9-]+(\.[a-z0-9-]+)+)$"


def _local_minute(value: object) -> object:
    """Accept ``YYYY-MM-DDTHH:MM`` (naive, minute precision) or an equivalent naive ``datetime``; a yearly
    ``MM-DDTHH:MM`` has been given the reference year by ``LiveEvent`` before this runs."""
    if isinstance(value, str):
        if not _LOCAL_MINUTE.match(value):
            raise ValueError(
                f"expected a local time written YYYY-MM-DDTHH:MM (a one-off event) or MM-DDTHH:MM (every year), "
                f"no seconds, no UTC offset (the zone goes in time_zone), got {value!r}"
            )
        return datetime.fromisoformat(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise ValueError("expected a naive local time; put the zone in time_zone, not in the timestamp")
        if value.second or value.microsecond:
            raise ValueError("expected minute precision (seconds must be 0)")
    return value


LocalMinute = Annotated[
    datetime,
    BeforeValidator(_local_minute),
    WithJsonSchema({"type": "string", "pattern": _EVENT_TIME_PATTERN,
                    "examples": ["2026-11-11T20:00", "11-11T20:00"]}),
]
"""A wall-clock time in the event's own time zone, minute precision."""


class EciSettings(BaseModel):
    """How pods that land on ECI virtual nodes are created (ECI pod annotations)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    use_specs: tuple[Annotated[str, Field(pattern=_ECI_SPEC)], ...] = ()
    """ECI specs to try in order, as `<vCPU>-<memory>Gi` (e.g. `2-4Gi`) or ECS instance types (e.g.
    `ecs.c6.xlarge`); sets `k8s.aliyun.com/eci-use-specs`. Empty (default) lets ECI size each pod from its
    container requests and limits, which cannot drift from the Deployment's resources."""
    spot_strategy: SpotStrategy = "none"
    """`none` (default: live traffic must not be preempted mid-stream), `SpotAsPriceGo` (pay the market
    price) or `SpotWithPriceLimit` (needs `spot_price_limit_cny_per_hour`). Sets
    `k8s.aliyun.com/eci-spot-strategy`."""
    spot_price_limit_cny_per_hour: float | None = Field(default=None, gt=0)
    """Highest hourly price per instance in CNY, at most 3 decimals; required with `SpotWithPriceLimit`
    and not allowed otherwise. Sets `k8s.aliyun.com/eci-spot-price-limit`."""
    spot_fallback_to_on_demand: bool = True
    """With a spot strategy, fall back to pay-as-you-go when spot stock runs out (default true: a burst
    must find capacity). Sets `k8s.aliyun.com/eci-spot-fallback`."""
    spot_protection_hours: Literal[0, 1] = 1
    """Hours a spot instance is protected from reclamation after creation: 1 (default, ECI's default) or
    0 (cheaper, reclaimable at once). Sets `k8s.aliyun.com/eci-spot-duration`."""
    image_cache: bool = True
    """Let ECI auto-match (and if needed auto-create) an image cache so burst pods start in seconds
    (`k8s.aliyun.com/eci-auto-imc`). Image caches are snapshots billed while they exist."""
    image_cache_id: str | None = Field(default=None, pattern=r"^imc-[a-z0-9]+$")
    """An explicit image cache (`imc-...`) to use instead of auto-matching; needs `image_cache` true.
    Sets `k8s.aliyun.com/eci-imc-id`."""

    @model_validator(mode="after")
    def _spot_and_cache_consistent(self) -> EciSettings:
        limit = self.spot_price_limit_cny_per_hour
        if self.spot_strategy == "SpotWithPriceLimit" and limit is None:
            raise ValueError(
                "spot_price_limit_cny_per_hour: required when spot_strategy is SpotWithPriceLimit "
                "(or use SpotAsPriceGo)"
            )
        if self.spot_strategy != "SpotWithPriceLimit" and limit is not None:
            raise ValueError(
                f"spot_price_limit_cny_per_hour: only applies to spot_strategy SpotWithPriceLimit, "
                f"not {self.spot_strategy}; remove it"
            )
        if limit is not None and round(limit, 3) != limit:
            raise ValueError(f"spot_price_limit_cny_per_hour: at most 3 decimals, got {limit}")
        if self.image_cache_id is not None and not self.image_cache:
            raise ValueError("image_cache_id: set image_cache to true to use an explicit image cache")
        return self


class AutoscalingSettings(BaseModel):
    """The metric-driven HPA of one workload (the CronHPA adjusts its bounds around live events)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    min_replicas: int = Field(default=2, ge=1, le=1000)
    """Fewest replicas at any time outside live events; 2 (default) survives losing one pod or node."""
    max_replicas: int = Field(default=20, ge=1, le=1000)
    """Most replicas the HPA may create; every live event's `peak_replicas` must fit under it."""
    target_cpu_utilization_percent: int = Field(default=60, ge=1, le=100)
    """Average CPU use, as a percent of requests, the HPA keeps the pods at. 60 (default) leaves headroom
    for the seconds ECI needs to start a burst pod."""
    target_memory_utilization_percent: int | None = Field(default=None, ge=1, le=100)
    """Optional second target on average memory use (percent of requests); unset (default) scales on CPU."""
    scale_up_stabilization_seconds: int = Field(default=0, ge=0, le=3600)
    """How long the HPA looks back before scaling up; 0 (default) reacts at once to a stream's spike."""
    scale_down_stabilization_seconds: int = Field(default=300, ge=0, le=3600)
    """How long the HPA waits for load to stay low before scaling down (default 300, Kubernetes' own)."""
    scale_down_max_percent_per_minute: int = Field(default=50, ge=1, le=100)
    """Most of the current replicas removed per minute when scaling down, so traffic that returns after a
    stream's lull still finds pods."""

    @model_validator(mode="after")
    def _bounds(self) -> AutoscalingSettings:
        if self.min_replicas > self.max_replicas:
            raise ValueError(
                f"min_replicas ({self.min_replicas}) is above max_replicas ({self.max_replicas}); "
                f"raise max_replicas or lower min_replicas"
            )
        return self


class LiveEvent(BaseModel):
    """One scheduled live stream: replicas are raised ahead of it and lowered after it.

    ``start`` and ``end`` are wall-clock times in ``time_zone``, either with a year (a one-off event:
    ``2026-11-11T20:00``) or without (every year: ``11-11T20:00``, for the 6.18 and 11.11 festivals; an
    ``end`` earlier in the year than ``start`` falls in the next year). A one-off time that does not exist
    there (the hour skipped when clocks go forward) is rejected; in a year where a yearly time falls in
    that hour, it is read with the offset before the jump. A time that happens twice (clocks go back) is
    read the way that gives the longer window: the first occurrence for ``start``, the second for ``end``.

    A one-off event that is over is history, not an error: the scheduler skips it with a warning
    (``scheduling.calendar_notes``) and the policy pack flags it for removal. A yearly event is never
    over: ``occurrence`` gives its next one.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    name: str = Field(pattern=_SLUG, max_length=40)
    """A short kebab-case name, unique in the calendar (e.g. `double-11-gala`); names the CronHPA jobs."""
    start: LocalMinute
    """When the stream starts, local time in `time_zone`: `YYYY-MM-DDTHH:MM` once, or `MM-DDTHH:MM` every year."""
    end: LocalMinute
    """When the stream ends, local time in `time_zone`, written like `start`; after `start` (a yearly end earlier
    in the year than its start is in the next year)."""
    time_zone: str
    """IANA time zone of `start` and `end`, e.g. `Asia/Shanghai` or `America/Los_Angeles`."""
    peak_replicas: int = Field(ge=1, le=1000)
    """Replicas to hold from the warm-up until the end (the HPA may still add more under load)."""
    warmup_minutes: int = Field(default=30, ge=0, le=24 * 60)
    """Minutes before `start` to scale up, so pods (and ECI image caches) are warm when viewers arrive."""
    cooldown_minutes: int = Field(default=15, ge=0, le=24 * 60)
    """Minutes after `end` to keep the peak, for viewers who linger and for order processing."""

    @model_validator(mode="before")
    @classmethod
    def _yearly_times(cls, data: object) -> object:
        """`MM-DDTHH:MM` start and end -> times in YEARLY_REFERENCE_YEAR (the end rolled into the next year
        when it is not after the start); a one-off year before 2000 is refused."""
        if not isinstance(data, dict):
            return data
        texts = {k: data.get(k) for k in ("start", "end")}
        yearly = {k: isinstance(v, str) and bool(_YEARLY_MINUTE.match(v)) for k, v in texts.items()}
        for key, value in texts.items():
            if isinstance(value, str) and _LOCAL_MINUTE.match(value) and int(value[:4]) < _FIRST_ONE_OFF_YEAR:
                raise ValueError(f"{key} {value}: a one-off event before {_FIRST_ONE_OFF_YEAR}? write "
                                 f"{value[5:]} for an event every year")
        if not any(yearly.values()):
            return data
        if not all(yearly.values()):
            raise ValueError("start and end must both carry a year (a one-off event) or both be MM-DDTHH:MM "
                             "(an event every year)")
        out = dict(data)
        parsed = {}
        for key, value in texts.items():
            try:
                parsed[key] = datetime.strptime(f"{YEARLY_REFERENCE_YEAR}-{value}", "%Y-%m-%dT%H:%M")
            except ValueError:
                hint = " (02-29 does not come back every year)" if value.startswith("02-29") else ""
                raise ValueError(f"{key} {value} is not a month-day and time MM-DDTHH:MM{hint}") from None
        if parsed["end"] == parsed["start"]:
            raise ValueError(f"end ({texts['end']}) must be after start ({texts['start']})")
        if parsed["end"] < parsed["start"]:
            parsed["end"] = parsed["end"].replace(year=YEARLY_REFERENCE_YEAR + 1)
        out.update(parsed)
        return out

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown IANA time zone {value!r}; use a name such as Asia/Shanghai or Europe/Berlin"
            ) from None
        return value

    @model_validator(mode="after")
    def _times(self) -> LiveEvent:
        if self.yearly:
            if self.end - self.start > timedelta(days=31):
                raise ValueError(f"a yearly event lasts at most 31 days; {self.name} runs from "
                                 f"{self.start:%m-%dT%H:%M} to {self.end:%m-%dT%H:%M} of the next year")
            return self
        zone = ZoneInfo(self.time_zone)
        for key, local in (("start", self.start), ("end", self.end)):
            if not _exists(local, zone):
                raise ValueError(
                    f"{key} {local:%Y-%m-%dT%H:%M} does not exist in {self.time_zone} (clocks skip that "
                    f"hour); pick a time outside the daylight-saving jump"
                )
        if self.start_utc >= self.end_utc:
            raise ValueError(f"end ({self.end:%Y-%m-%dT%H:%M}) must be after start ({self.start:%Y-%m-%dT%H:%M})")
        return self

    @property
    def yearly(self) -> bool:
        """Whether the event comes back every year (written `MM-DDTHH:MM`)."""
        return self.start.year == YEARLY_REFERENCE_YEAR

    def occurrence(self, year: int) -> LiveEvent:
        """The one-off event of a yearly event in `year` (the year its start falls in); `self` if one-off."""
        if not self.yearly:
            return self
        start = self.start.replace(year=year)
        end = self.end.replace(year=year + self.end.year - self.start.year)
        # Not validated again: a wall time in a DST gap that year is read with the offset before the jump.
        return self.model_construct(**{**dict(self), "start": start, "end": end})

    def next_occurrence(self, now: datetime) -> LiveEvent:
        """The occurrence that has not ended at `now` (aware): the event itself if one-off."""
        if not self.yearly:
            return self
        local_year = now.astimezone(ZoneInfo(self.time_zone)).year
        for year in range(local_year - 1, local_year + 2):
            candidate = self.occurrence(year)
            if candidate.end_utc > now:
                return candidate
        raise AssertionError("unreachable: a yearly event lasting at most 31 days occurs every year")

    @property
    def start_utc(self) -> datetime:
        """``start`` as an aware UTC datetime (first occurrence if the wall time happens twice)."""
        return self.start.replace(tzinfo=ZoneInfo(self.time_zone), fold=0).astimezone(_UTC)

    @property
    def end_utc(self) -> datetime:
        """``end`` as an aware UTC datetime (second occurrence if the wall time happens twice)."""
        return self.end.replace(tzinfo=ZoneInfo(self.time_zone), fold=1).astimezone(_UTC)

    @property
    def scale_up_utc(self) -> datetime:
        """When replicas go up: ``warmup_minutes`` before the start."""
        return self.start_utc - timedelta(minutes=self.warmup_minutes)

    @property
    def scale_down_utc(self) -> datetime:
        """When replicas go back down: ``cooldown_minutes`` after the end."""
        return self.end_utc + timedelta(minutes=self.cooldown_minutes)


class SchedulingSettings(BaseModel):
    """Per-service scheduling: where pods run, how ECI pods are created, and how the service autoscales."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    placement: PlacementPolicy = "ecs-first"
    """`ecs-first` (default: ECS node pools, then burst onto ECI), `ecs-only` or `eci-only`."""
    ecs_max_replicas: int | None = Field(default=None, ge=0, le=1000)
    """With `ecs-first`, most pods of this service on ECS before the rest go to ECI; unset (default) fills
    ECS until it runs out of room. Not allowed with the other policies."""
    eci: EciSettings = EciSettings()
    """How pods are created on ECI (ignored by `ecs-only`)."""
    autoscaling: AutoscalingSettings = AutoscalingSettings()
    """The service's HPA."""

    @model_validator(mode="after")
    def _ecs_max_needs_ecs_first(self) -> SchedulingSettings:
        if self.ecs_max_replicas is not None and self.placement != "ecs-first":
            raise ValueError(f"ecs_max_replicas: only applies to placement ecs-first, not {self.placement}; remove it")
        return self


def _exists(local: datetime, zone: ZoneInfo) -> bool:
    """Whether a naive wall time occurs in ``zone`` (False inside a daylight-saving gap)."""
    aware = local.replace(tzinfo=zone)
    return aware.astimezone(_UTC).astimezone(zone).replace(tzinfo=None) == local
