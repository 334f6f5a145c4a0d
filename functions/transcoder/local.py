"""The local stand-in for Function Compute's asynchronous invocations: ``--workers N`` processes.

The coordinating invocation runs in this process. Every invocation a handler asks for (a part for the
worker function, the merge for the transcoder function) is queued and run by one of N worker
processes, like FC instances: a failed invocation is retried up to ``max_retries`` times (FC's
``max_async_retry_attempts``), and the invocations it asks for are queued in turn. Nothing here
changes what the handlers do: they run the same code with a ``LocalStorage`` and a
``RecordingInvoker`` instead of OSS and ``FcInvoker``.
"""

from __future__ import annotations

import json
import types
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait, FIRST_COMPLETED
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .invoke import RecordingInvoker


@dataclass
class Outcome:
    """One finished invocation."""

    kind: str
    payload: dict[str, Any]
    attempts: int
    result: dict[str, Any] | None = None
    error: str | None = None


def _invoke(kind: str, payload_json: str, storage_factory: Callable[[], Any], work_root: str | None,
            ) -> tuple[str | None, str | None, list[tuple[str, dict[str, Any], str]]]:  # fmt: skip
    """Run one invocation (in a worker process or thread); returns (result JSON, error, requested calls)."""
    from . import handler as h

    invoker = RecordingInvoker()
    context = types.SimpleNamespace(request_id=f"local-{kind}-{uuid.uuid4()}")
    entry = h.worker if kind == "worker" else h.handler
    try:
        out = entry(payload_json, context, storage=storage_factory(), invoker=invoker,
                    work_root=Path(work_root) if work_root else None)  # fmt: skip
        return out, None, invoker.calls
    except Exception as exc:  # the local FC: any raise is a failed invocation, retried
        return None, f"{type(exc).__name__}: {exc}", invoker.calls


@dataclass
class LocalDispatcher:
    """Runs requested invocations on ``workers`` processes (or threads, for tests with in-memory fakes)."""

    storage_factory: Callable[[], Any]
    workers: int = 1
    max_retries: int = 2
    threads: bool = False
    work_root: str | None = None
    outcomes: list[Outcome] = field(default_factory=list)

    def run(self, calls: list[tuple[str, dict[str, Any], str]]) -> list[Outcome]:
        """Run ``calls`` and everything they lead to; returns every finished invocation."""
        pending = [(kind, payload, 1) for kind, payload, _ in calls]
        executor: Executor = (ThreadPoolExecutor if self.threads else ProcessPoolExecutor)(max_workers=self.workers)
        running: dict[Future, tuple[str, dict[str, Any], int]] = {}
        try:
            while pending or running:
                while pending and len(running) < self.workers:
                    kind, payload, attempt = pending.pop(0)
                    future = executor.submit(_invoke, kind, json.dumps(payload), self.storage_factory, self.work_root)
                    running[future] = (kind, payload, attempt)
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    kind, payload, attempt = running.pop(future)
                    out, error, requested = future.result()
                    pending += [(k, p, 1) for k, p, _ in requested]
                    if error is not None and attempt <= self.max_retries:
                        pending.append((kind, payload, attempt + 1))
                        continue
                    result = json.loads(out)["results"][0] if out else None
                    self.outcomes.append(Outcome(kind, payload, attempt, result, error))
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        return self.outcomes
