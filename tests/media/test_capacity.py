"""components/media/capacity.py: the limits derived from the functions' FC sizes. Each problem's suggested
bound is the largest value that fits: applying it removes the problem, one more brings it back."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from components.media import capacity as cap
from functions.transcoder.settings import parse_ladder

LADDER = parse_ladder("1080p:5000k,720p:2800k,480p:1200k")
AUDIO = 128_000
sizes = st.builds(cap.FunctionSize, disk_mib=st.sampled_from([512, 10240]),
                  timeout_seconds=st.integers(60, 86400), vcpu=st.sampled_from([1.0, 2.0, 4.0, 8.0]))  # fmt: skip


def problems(part_seconds, max_duration, max_source_bytes, transcoder, worker, mp4_rung=720):
    c = cap.capacity(LADDER, mp4_rung, AUDIO, part_seconds, max_duration)
    return cap.problems(c, part_seconds=part_seconds, max_duration=max_duration, max_source_bytes=max_source_bytes,
                        transcoder=transcoder, worker=worker)  # fmt: skip


def about(lines, key, words):
    return [line for line in lines if line.startswith(f"{key}:") and words in line]


def bound(line, pattern):
    return int(re.search(pattern, line).group(1))


@settings(max_examples=200, deadline=None)
@given(transcoder=sizes, worker=sizes, part_seconds=st.sampled_from([30, 60, 120, 300, 600]),
       hours=st.floats(0.5, 24))  # fmt: skip
def test_every_suggested_bound_is_the_largest_that_fits(transcoder, worker, part_seconds, hours):
    duration, source = int(hours * 3600), 10**9
    lines = problems(part_seconds, duration, source, transcoder, worker)
    for line in about(lines, "transcode.max_duration_seconds", "MP4 fallback"):
        fits = bound(line, r"lower it to at most (\d+)")
        assert not about(problems(part_seconds, fits, source, transcoder, worker), "transcode.max_duration_seconds",
                         "MP4 fallback")  # fmt: skip
        assert about(problems(part_seconds, fits + 1, source, transcoder, worker), "transcode.max_duration_seconds",
                     "MP4 fallback")  # fmt: skip
    for line in about(lines, "transcode.max_duration_seconds", "merging"):
        fits = bound(line, r"lower it to at most (\d+)")
        assert not about(problems(part_seconds, fits, source, transcoder, worker), "transcode.max_duration_seconds",
                         "merging")  # fmt: skip
    for line in about(lines, "fan_out.part_seconds", "HLS segments"):
        fits = bound(line, r"use parts of at most (\d+) s")
        if fits:
            assert not about(problems(fits, duration, source, transcoder, worker), "fan_out.part_seconds",
                             "HLS segments")  # fmt: skip
    for line in about(lines, "fan_out.worker.timeout_seconds", "too short"):
        need = bound(line, r"use at least (\d+)")
        longer = cap.FunctionSize(worker.disk_mib, need, worker.vcpu)
        assert not about(problems(part_seconds, duration, source, transcoder, longer), "fan_out.worker.timeout_seconds",
                         "too short")  # fmt: skip


@given(timeout=st.integers(60, 86400), size=st.integers(1, 10**12))
def test_one_read_of_the_largest_source_fits_half_the_timeout(timeout, size):
    transcoder = cap.FunctionSize(10240, timeout, 4.0)
    lines = about(problems(60, 3600, size, transcoder, transcoder), "transcode.max_source_bytes", "one read")
    assert bool(lines) == (size / cap.READ_BYTES_PER_SECOND > timeout * cap.READ_SHARE_OF_TIMEOUT)
    if lines:
        fits = bound(lines[0], r"lower it to at most (\d+)")
        assert not about(problems(60, 3600, fits, transcoder, transcoder), "transcode.max_source_bytes", "one read")


def test_prods_gala_replays_fit_and_a_worker_needs_no_more_than_the_base_disk():
    transcoder = cap.FunctionSize(10240, 3600, 4.0)
    worker = cap.FunctionSize(512, 900, 4.0)
    assert problems(60, 6 * 3600, 64 * 2**30, transcoder, worker) == []
    c = cap.capacity(LADDER, 720, AUDIO, 60, 6 * 3600)
    assert c.longest_part_seconds == 90 and c.mp4_rung == "720p"
    assert c.part_disk_bytes() < 512 * cap.MIB / 3  # a 90 s part of the 1080p ladder: ~135 MiB
    assert 6 * 3600 < cap.longest_replay_seconds(c, part_seconds=60, transcoder=transcoder) < 7 * 3600
    # A lower MP4 rung makes the merge's file smaller: longer replays fit the same disk (15 h of 480p), and the
    # merge's time is the bound: 3600 s at 2 s per minute of source, 3x for safety.
    low = cap.capacity(LADDER, 480, AUDIO, 60, 6 * 3600)
    assert low.mp4_rung == "480p" and cap.longest_replay_seconds(low, part_seconds=60, transcoder=transcoder) == 36000


def test_one_pass_is_bounded_by_the_whole_encode():
    transcoder = cap.FunctionSize(10240, 3600, 4.0)
    lines = problems(0, 4 * 3600, 10**9, transcoder, transcoder)
    assert about(lines, "transcode.max_duration_seconds", "encode takes about")
    fits = bound(about(lines, "transcode.max_duration_seconds", "encode takes about")[0], r"lower it to at most (\d+)")
    assert not about(problems(0, fits, 10**9, transcoder, transcoder), "transcode.max_duration_seconds",
                     "encode takes about")  # fmt: skip
