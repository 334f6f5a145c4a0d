"""CronHPA schedules as replica counts over a month (UTC, yearly pattern)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livecommerce.cost.calendar import Month, Schedule, breakpoints, replica_steps
from livecommerce.cost.facts import CronJobFact, PlanFactError, Shape, Workload


def workload(jobs=(), *, low=3, fixed=None) -> Workload:
    return Workload(name="t-shop", key="shop/shop", requests=Shape(1, 2), limits=Shape(2, 4), eci_specs=(),
                    placement="ecs-first", ecs_max=None, pool_selector={}, fixed_replicas=fixed,
                    hpa_min=None if fixed is not None else low, hpa_max=100,
                    jobs=tuple(CronJobFact(n, s, t) for n, s, t in jobs))


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("text", "month"), [("2027-11", Month(2027, 11)), (" 2028-02 ", Month(2028, 2))])
def test_month_parse(text, month):
    assert Month.parse(text) == month


@pytest.mark.parametrize("bad", ["2027-13", "2027-00", "27-11", "2027/11", "", "1970-01", "2027-1",
                                 "9999-01", "9999-12"])
def test_month_parse_rejects(bad):
    with pytest.raises(ValueError, match="expected YYYY-MM"):
        Month.parse(bad)


def test_the_last_months_datetime_can_hold_are_one_error_line(capsys):
    # `cost --month 9999-12` was a "year 10000 is out of range" traceback.
    from livecommerce.cli import main

    assert main(["cost", "dev", "--month", "9999-12"]) == 2
    assert "expected YYYY-MM" in capsys.readouterr().err
    assert Month.parse("9998-12").end == utc(9999, 1, 1)


def test_month_lengths():
    assert (Month(2028, 2).days, Month(2027, 2).days, Month(2027, 11).hours) == (29, 28, 720)
    assert Month(2027, 12).end == utc(2028, 1, 1)


def test_schedule_fields():
    s = Schedule.parse("0 0,30 8-10 * * 1-5")
    assert s.minutes == {0, 30} and s.hours == {8, 9, 10} and s.dows == {1, 2, 3, 4, 5}
    assert Schedule.parse("0 */15 * * * *").minutes == {0, 15, 30, 45}
    assert Schedule.parse("0 0 0 * * 7").dows == {0}  # 7 is Sunday too
    assert Schedule.parse("0 5/20 0 * * *").minutes == {5, 25, 45}


def test_day_of_month_or_day_of_week_when_both_are_restricted():
    s = Schedule.parse("0 0 12 1 * 1")  # robfig/cron: the 1st OR any Monday
    got = [t.day for t in s.firings(utc(2027, 11, 1), utc(2027, 12, 1))]
    assert got == [1, 8, 15, 22, 29]  # 2027-11-01 is a Monday


def test_a_one_shot_schedule_fires_once_a_year():
    s = Schedule.parse("0 15 11 18 6 *")
    assert s.firings(utc(2027, 1, 1), utc(2028, 1, 1)) == [utc(2027, 6, 18, 11, 15)]
    assert s.firings(utc(2027, 7, 1), utc(2027, 8, 1)) == []


@pytest.mark.parametrize("bad", ["0 0 11 10 11", "* * * * * *", "0 61 0 * * *", "0 0 0 32 * *", "x 0 0 * * *"])
def test_bad_schedules(bad):
    with pytest.raises(ValueError):
        Schedule.parse(bad)


def test_an_event_in_the_month_raises_then_lowers_the_floor():
    w = workload([("gala-up", "0 0 11 10 11 *", 40), ("gala-down", "0 30 18 10 11 *", 3)])
    steps = replica_steps(w, Month(2027, 11).start, Month(2027, 11).end)
    assert [(s.start, s.end, s.replicas) for s in steps] == [
        (utc(2027, 11, 1), utc(2027, 11, 10, 11), 3),
        (utc(2027, 11, 10, 11), utc(2027, 11, 10, 18, 30), 40),
        (utc(2027, 11, 10, 18, 30), utc(2027, 12, 1), 3),
    ]
    assert sum(s.hours * s.replicas for s in steps) == pytest.approx(3 * 720 + 37 * 7.5)


def test_a_window_across_the_month_boundary_carries_its_peak_in():
    w = workload([("nye-up", "0 0 22 31 12 *", 50), ("nye-down", "0 0 2 1 1 *", 3)])
    jan = replica_steps(w, Month(2028, 1).start, Month(2028, 1).end)
    assert [(s.hours, s.replicas) for s in jan] == [(2.0, 50), (742.0, 3)]
    dec = replica_steps(w, Month(2027, 12).start, Month(2027, 12).end)
    assert [(s.hours, s.replicas) for s in dec] == [(742.0, 3), (2.0, 50)]


def test_no_jobs_or_fixed_replicas_is_constant():
    m = Month(2027, 11)
    assert [s.replicas for s in replica_steps(workload(), m.start, m.end)] == [3]
    fixed = workload([("up", "0 0 11 10 11 *", 40)], fixed=2)
    assert [s.replicas for s in replica_steps(fixed, m.start, m.end)] == [2]


def test_a_daily_schedule_repeats():
    w = workload([("day", "0 0 12 * * *", 10), ("night", "0 0 14 * * *", 3)])
    steps = replica_steps(w, Month(2027, 11).start, Month(2027, 11).end)
    assert sum(s.hours for s in steps if s.replicas == 10) == pytest.approx(2 * 30)


def test_an_unreadable_schedule_names_the_workload_and_job():
    w = workload([("gala-up", "0 0 99 10 11 *", 40)])
    with pytest.raises(PlanFactError, match=r"t-shop: CronHPA job 'gala-up': schedule"):
        replica_steps(w, Month(2027, 11).start, Month(2027, 11).end)


def test_breakpoints_are_where_counts_change():
    w = workload([("gala-up", "0 0 11 10 11 *", 40), ("gala-down", "0 30 18 10 11 *", 3)])
    m = Month(2027, 11)
    assert breakpoints([w], m.start, m.end) == [m.start, utc(2027, 11, 10, 11), utc(2027, 11, 10, 18, 30)]


job = st.tuples(st.integers(0, 59), st.integers(0, 23), st.integers(1, 28), st.integers(1, 12), st.integers(1, 200))


@settings(max_examples=60, deadline=None)
@given(st.lists(job, max_size=6), st.integers(2026, 2030), st.integers(1, 12))
def test_steps_cover_the_month_exactly(jobs, year, month):
    w = workload([(f"j{i}", f"0 {mi} {h} {d} {mo} *", t) for i, (mi, h, d, mo, t) in enumerate(jobs)])
    m = Month(year, month)
    steps = replica_steps(w, m.start, m.end)
    assert steps[0].start == m.start and steps[-1].end == m.end
    assert all(a.end == b.start for a, b in zip(steps, steps[1:], strict=False))
    assert sum(s.hours for s in steps) == pytest.approx(m.hours)
    assert all(s.replicas >= 1 for s in steps)
    assert all(s.end - s.start > timedelta(0) for s in steps)
