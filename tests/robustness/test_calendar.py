"""The live-event calendar never breaks on a date (issue 18, item 6): past one-off events are history (skipped,
with a note), yearly events (`MM-DDTHH:MM`, the 6.18 and 11.11 festivals) always schedule their next occurrence.
Every test fixes the clock; none reads today's date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from components.workloads.scheduling import (
    calendar_notes,
    cron_jobs,
    current_events,
    effective_min_replicas,
    is_next_match,
    past_events,
)
from components.workloads.scheduling_settings import LiveEvent


def yearly(name="summer-618-gala", start="06-18T20:00", end="06-18T23:59", tz="Asia/Shanghai", **kw) -> LiveEvent:
    return LiveEvent(name=name, start=start, end=end, time_zone=tz, peak_replicas=kw.pop("peak", 30), **kw)


# The shipped prod calendar, as yearly events.
CALENDAR = [
    yearly(warmup_minutes=45),
    yearly(name="double-11-gala", start="11-10T20:00", end="11-11T02:00", peak=40, warmup_minutes=60,
           cooldown_minutes=30),
]


def test_a_yearly_event_is_its_next_occurrence():
    e = CALENDAR[0]
    assert e.yearly and not LiveEvent(**{**dict(e), "start": "2027-06-18T20:00", "end": "2027-06-18T23:59"}).yearly
    at = e.next_occurrence(datetime(2028, 1, 15, tzinfo=UTC))
    assert (at.start, at.end, at.yearly) == (datetime(2028, 6, 18, 20), datetime(2028, 6, 18, 23, 59), False)
    during = e.next_occurrence(datetime(2028, 6, 18, 14, tzinfo=UTC))  # 22:00 in Shanghai: still this year's
    assert during.start.year == 2028
    after = e.next_occurrence(datetime(2028, 6, 18, 16, tzinfo=UTC))  # 00:00 on the 19th: next year's
    assert after.start.year == 2029


def test_a_yearly_event_across_new_year_ends_in_the_next_year():
    e = yearly(name="new-year", start="12-31T22:00", end="01-01T02:00")
    at = e.next_occurrence(datetime(2027, 12, 31, 12, tzinfo=UTC))
    assert (at.start, at.end) == (datetime(2027, 12, 31, 22), datetime(2028, 1, 1, 2))


def test_the_next_occurrence_across_29_february_is_still_scheduled():
    """2027-06-19 -> 2028-06-18 is more than 365 days (2028 is a leap year); the old 365-day horizon refused it
    while the cron it needs ("... 18 6 *") fires exactly then."""
    now = datetime(2027, 6, 19, 0, 30, tzinfo=UTC)
    jobs = cron_jobs(CALENDAR[:1], now=now, baseline_min_replicas=3)
    assert [(j.name, j.fires_at) for j in jobs] == [
        ("summer-618-gala-up", datetime(2028, 6, 18, 11, 15, tzinfo=UTC)),
        ("summer-618-gala-down", datetime(2028, 6, 18, 16, 14, tzinfo=UTC)),
    ]
    assert jobs[0].fires_at - now > timedelta(days=365)


@pytest.mark.parametrize(("instant", "now", "expected"), [
    (datetime(2028, 6, 18, tzinfo=UTC), datetime(2027, 6, 19, tzinfo=UTC), True),
    (datetime(2028, 6, 18, tzinfo=UTC), datetime(2027, 6, 17, tzinfo=UTC), False),  # 2027-06-18 matches first
    (datetime(2028, 2, 29, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC), True),  # 29 Feb: next leap year
    (datetime(2032, 2, 29, tzinfo=UTC), datetime(2025, 3, 1, tzinfo=UTC), False),
    (datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC), False),  # not after now
])
def test_is_next_match(instant, now, expected):
    assert is_next_match(instant, now) is expected


@settings(max_examples=400, deadline=None)
@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2045, 12, 31)),
       st.sampled_from(["UTC", "Asia/Shanghai"]))
def test_the_yearly_calendar_schedules_on_any_day(moment, controller_zone):
    now = moment.replace(tzinfo=UTC)
    jobs = cron_jobs(CALENDAR, now=now, baseline_min_replicas=3, max_replicas=60,
                     controller_time_zone=controller_zone)
    assert calendar_notes(CALENDAR, now=now) == []
    # Both festivals are scheduled: each has a scale-down ahead, and a scale-up unless its window is open.
    downs = {j.window for j in jobs if j.direction == "down"}
    assert downs == {"summer-618-gala", "double-11-gala"}
    for j in jobs:
        assert j.fires_at > now and is_next_match(j.fires_at, now, controller_zone)
    floor = effective_min_replicas(CALENDAR, now=now, baseline_min_replicas=3)
    open_windows = {j.window for j in jobs} - {j.window for j in jobs if j.direction == "up"}
    assert (floor > 3) == bool(open_windows)


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2040, 12, 31)))
def test_one_off_events_never_make_a_date_fail(moment):
    now = moment.replace(tzinfo=UTC)
    one_off = [LiveEvent(name="launch", start="2027-03-01T20:00", end="2027-03-01T23:59", time_zone="Asia/Shanghai",
                         peak_replicas=30), *CALENDAR]
    jobs = cron_jobs(one_off, now=now, baseline_min_replicas=3)
    notes = calendar_notes(one_off, now=now)
    over = now >= one_off[0].end_utc
    assert [e.name for e in past_events(one_off, now=now)] == (["launch"] if over else [])
    assert any("'launch' ended at" in n for n in notes) == over
    assert ("launch" in {j.window for j in jobs}) == (not over and now > one_off[0].scale_up_utc - timedelta(days=365))


def test_a_yearly_time_in_a_daylight_saving_gap_is_read_with_the_offset_before_the_jump():
    e = yearly(name="early", start="03-10T02:30", end="03-10T04:00", tz="America/New_York")
    occ = e.next_occurrence(datetime(2030, 1, 1, tzinfo=UTC))  # 2030-03-10 is the spring-forward Sunday
    assert occ.start_utc == datetime(2030, 3, 10, 7, 30, tzinfo=UTC)
    assert cron_jobs([e], now=datetime(2030, 1, 1, tzinfo=UTC), baseline_min_replicas=1)


@pytest.mark.parametrize(("start", "end", "words"), [
    ("02-29T20:00", "02-29T22:00", "02-29 does not come back every year"),
    ("06-18T20:00", "2027-06-18T22:00", "both carry a year"),
    ("1998-06-18T20:00", "1998-06-18T22:00", "write 06-18T20:00 for an event every year"),
    ("06-18T20:00", "06-18T20:00", "must be after start"),
    ("06-01T20:00", "07-15T20:00", "at most 31 days"),
    ("13-01T20:00", "13-01T22:00", "is not a month-day and time"),
])
def test_bad_yearly_times_are_refused_with_the_fix(start, end, words):
    with pytest.raises(ValidationError, match=words):
        LiveEvent(name="x", start=start, end=end, time_zone="Asia/Shanghai", peak_replicas=3)


def test_current_events_resolve_yearly_and_drop_history():
    now = datetime(2028, 1, 15, tzinfo=UTC)
    old = LiveEvent(name="old", start="2027-06-18T20:00", end="2027-06-18T23:59", time_zone="Asia/Shanghai",
                    peak_replicas=3)
    got = current_events([old, *CALENDAR], now=now)
    assert [(e.name, e.start.year) for e in got] == [("summer-618-gala", 2028), ("double-11-gala", 2028)]
