"""Usage the plan cannot hold (`livecommerce:platform.cost`): how much the stack is used in a month.

A plan says what exists (pools, pods, functions, buckets, log stores) and the live-event calendar (CronHPA
jobs); it cannot say how many hours of replay are uploaded or how many GiB of logs are written. Those few
volumes live here, per stack file, with conservative defaults of zero: an unset volume prices nothing and
the cost output says so in its assumptions. Nothing here creates a resource; only `livecommerce cost`,
the PR report's cost line and `compare` read it.

Pure data (pydantic): validated with the rest of the stack config (stacks/config.py), documented in the JSON
Schema; the cost model (livecommerce/cost/) reads it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

#: Measured compute seconds per minute of 1080p replay (decode once, 1080p/720p/480p HLS + 720p MP4 +
#: poster, preset veryfast): docs/transcoder.md "Benchmark", 2026-11-23, 90.8 CPU-s per minute.
MEASURED_TRANSCODE_CPU_SECONDS_PER_MINUTE = 90.8


class CostSettings(BaseModel):
    """Monthly usage volumes for the cost model (`livecommerce cost`); see docs/cost.md."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    replay_hours_per_month: float = Field(default=0, ge=0, le=1_000_000)
    """Hours of replay video uploaded (and so transcoded by the function) per month. Function Compute is
    priced as these hours x 60 x `transcode_cpu_seconds_per_video_minute` vCPU-seconds, plus the
    memory and disk of the function for the same wall time. 0 (default) prices no transcoding."""
    transcode_cpu_seconds_per_video_minute: float = Field(
        default=MEASURED_TRANSCODE_CPU_SECONDS_PER_MINUTE, gt=0, le=100_000)
    """vCPU-seconds one minute of replay costs to transcode. Default 90.8: measured for 1080p with the
    shipped ladder (docs/transcoder.md, Benchmark). FC bills the configured vCPUs for the wall time, so
    this assumes the function keeps its vCPUs busy; raise it if the bills say otherwise."""
    oss_stored_gib: float = Field(default=0, ge=0, le=100_000_000)
    """Average GiB stored over the month across the stack's buckets (raw replays, published media, logs),
    priced at Standard storage of the buckets' redundancy type. 0 (default) prices no storage."""
    log_ingest_gib_per_day: float = Field(default=0, ge=0, le=10_000_000)
    """Raw (uncompressed) GiB of logs written to the stack's SLS project per day: write and index traffic,
    and storage for the log stores' retention. 0 (default) prices only the shards."""
    internet_egress_gib_per_month: float = Field(default=0, ge=0, le=100_000_000)
    """GiB per month leaving through the NAT gateway's EIP (pay-by-traffic). 0 (default): traffic is not
    priced (the live stream itself goes through the CDN, which this model does not price)."""
