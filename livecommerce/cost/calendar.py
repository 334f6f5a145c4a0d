"""The live-event calendar as the cluster runs it: CronHPA jobs turned into replica counts over time.

A CronHPA job sets its HPA's floor to `targetSize` when its cron fires (HPA-compatible mode,
components/workloads/scheduling.py). The stack writes one-shot jobs at fixed dates: `<event>-up`
at the warm-up with the peak, `<event>-down` after the cool-down with the everyday floor. This module reads
any 6-field schedule (seconds first; `*`, lists, ranges and steps too), in UTC: the controller's zone as
the stack writes every schedule.

A schedule has no year, so a dated job is priced in every year's matching month: the calendar is read as
a yearly pattern. The floor at a moment is the target of the latest job that fired before it (looking back
a year), else the HPA's own floor. Load-driven scaling above the floor is not modelled (docs/cost.md).
"""

from __future__ import annotations

import calendar as _cal
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from livecommerce.cost.facts import CronJobFact, PlanFactError, Workload

# A schedule firing more often than this per day is not a live-event calendar; refuse rather than expand.
MAX_FIRINGS_PER_DAY = 1440
LOOKBACK = timedelta(days=366)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month in UTC."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """`YYYY-MM` (e.g. `2027-11`); ValueError with the expected form otherwise."""
        m = _MONTH.match(text.strip()) if isinstance(text, str) else None
        # Up to 9998: pricing a month reads the next one, and datetime stops at 9999-12-31.
        if not m or not 1 <= int(m.group(2)) <= 12 or not 1971 <= int(m.group(1)) <= 9998:
            raise ValueError(f"expected YYYY-MM (e.g. 2027-11), got {text!r}")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def days(self) -> int:
        return _cal.monthrange(self.year, self.month)[1]

    @property
    def hours(self) -> int:
        return self.days * 24

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        nxt = (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)
        return datetime(nxt[0], nxt[1], 1, tzinfo=UTC)


# --------------------------------------------------------------------------------------------------
# Cron fields

_RANGES = {"second": (0, 59), "minute": (0, 59), "hour": (0, 23), "dom": (1, 31), "month": (1, 12), "dow": (0, 7)}


def _field(text: str, kind: str) -> tuple[frozenset[int], bool]:
    """Allowed values of one cron field, and whether it is unrestricted (`*` or `?`)."""
    low, high = _RANGES[kind]
    if text in ("*", "?"):
        return frozenset(v % 7 if kind == "dow" else v for v in range(low, high + 1)), True
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) < 1:
                raise ValueError(f"bad step in {text!r}")
            step = int(step_text)
        if part in ("*", "?"):
            a, b = low, high
        elif "-" in part:
            a_text, b_text = part.split("-", 1)
            if not (a_text.isdigit() and b_text.isdigit()):
                raise ValueError(f"bad range in {text!r}")
            a, b = int(a_text), int(b_text)
        elif part.isdigit():
            a = b = int(part)
            if step > 1:
                b = high
        else:
            raise ValueError(f"{text!r} is not a number, range, list or step")
        if not low <= a <= b <= high:
            raise ValueError(f"{text!r} is outside {low}-{high}")
        values.update(range(a, b + 1, step))
    # Day of week: 0 and 7 are both Sunday.
    return frozenset(v % 7 if kind == "dow" else v for v in values), False


@dataclass(frozen=True)
class Schedule:
    seconds: frozenset[int]
    minutes: frozenset[int]
    hours: frozenset[int]
    doms: frozenset[int]
    months: frozenset[int]
    dows: frozenset[int]
    dom_any: bool
    dow_any: bool

    @classmethod
    def parse(cls, text: str) -> Schedule:
        parts = text.split()
        if len(parts) != 6:
            raise ValueError(f"expected 6 fields (seconds first), got {text!r}")
        (s, _), (mi, _), (h, _), (dom, dom_any), (mo, _), (dow, dow_any) = (
            _field(p, k) for p, k in zip(parts, ("second", "minute", "hour", "dom", "month", "dow"), strict=True))
        if len(s) * len(mi) * len(h) > MAX_FIRINGS_PER_DAY:
            raise ValueError(f"{text!r} fires more than {MAX_FIRINGS_PER_DAY} times a day; not a calendar")
        return cls(s, mi, h, dom, mo, dow, dom_any, dow_any)

    def day_matches(self, day: date) -> bool:
        if day.month not in self.months:
            return False
        dom_ok = day.day in self.doms
        dow_ok = (day.isoweekday() % 7) in self.dows
        # robfig/cron (the controller's library): both restricted -> either may match; else both must.
        if not self.dom_any and not self.dow_any:
            return dom_ok or dow_ok
        return dom_ok and dow_ok

    def firings(self, start: datetime, end: datetime) -> list[datetime]:
        """Every instant in [start, end) the schedule fires at (UTC)."""
        out = []
        day = start.astimezone(UTC).date()
        last = (end - timedelta(microseconds=1)).astimezone(UTC).date()
        times = sorted((h, m, s) for h in self.hours for m in self.minutes for s in self.seconds)
        while day <= last:
            if self.day_matches(day):
                for h, m, s in times:
                    t = datetime(day.year, day.month, day.day, h, m, s, tzinfo=UTC)
                    if start <= t < end:
                        out.append(t)
            day += timedelta(days=1)
        return out


def _parsed(workload: Workload, job: CronJobFact) -> Schedule:
    try:
        return Schedule.parse(job.schedule)
    except ValueError as exc:
        raise PlanFactError(f"{workload.name}: CronHPA job {job.name!r}: schedule: {exc}") from None


# --------------------------------------------------------------------------------------------------
# Replicas over time


@dataclass(frozen=True)
class Step:
    """`replicas` pods from `start` to `end`."""

    start: datetime
    end: datetime
    replicas: int

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def firings(workload: Workload, start: datetime, end: datetime) -> list[tuple[datetime, int, str]]:
    """(instant, target, job name) of every job firing in [start, end), in time order."""
    out = []
    for job in workload.jobs:
        for t in _parsed(workload, job).firings(start, end):
            out.append((t, max(job.target, 1), job.name))
    return sorted(out)


def replica_steps(workload: Workload, start: datetime, end: datetime) -> list[Step]:
    """The workload's pod count over [start, end) as constant steps (adjacent equal steps merged)."""
    if not workload.jobs or workload.fixed_replicas is not None:
        return [Step(start, end, workload.baseline)]
    before = firings(workload, start - LOOKBACK, start)
    current = before[-1][1] if before else workload.baseline
    steps: list[Step] = []
    cursor = start
    for t, target, _ in firings(workload, start, end):
        if t > cursor:
            steps.append(Step(cursor, t, current))
        cursor, current = max(cursor, t), target
    if end > cursor:
        steps.append(Step(cursor, end, current))
    merged: list[Step] = []
    for s in steps:
        if merged and merged[-1].replicas == s.replicas and merged[-1].end == s.start:
            merged[-1] = Step(merged[-1].start, s.end, s.replicas)
        else:
            merged.append(s)
    return merged


def breakpoints(workloads: Sequence[Workload], start: datetime, end: datetime) -> list[datetime]:
    """`start` and every instant in (start, end) where some workload's count may change."""
    points = {start}
    for w in workloads:
        if w.fixed_replicas is None:
            points.update(t for t, _, _ in firings(w, start, end) if start < t < end)
    return sorted(points)


def replicas_at(steps: Iterable[Step], t: datetime) -> int:
    for s in steps:
        if s.start <= t < s.end:
            return s.replicas
    raise ValueError(f"{t} is outside the steps")
