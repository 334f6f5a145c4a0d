"""The canary for the private Pulumi SDK names the offline engine relies on (livecommerce/engine.py).

The engine runs the real program on Pulumi's mock runtime and drains its RPCs itself; that needs a few
private names of the pulumi SDK (and one of pulumi-policy for the offline policy check). pyproject.toml pins
both to the minor these are tested on; when a newer SDK drops or renames one, this test says which.
"""

from __future__ import annotations

import importlib
import inspect
from importlib import metadata

from livecommerce.engine import PRIVATE_HOOKS, SETTINGS_KWARGS


def _missing(hook: str) -> str | None:
    module_name, _, path = hook.partition(":")
    try:
        obj = importlib.import_module(module_name)
    except ImportError as exc:
        return f"{hook} (module: {exc})"
    for part in path.split("."):
        if not hasattr(obj, part):
            return hook
        obj = getattr(obj, part)
    return None


def test_every_private_pulumi_hook_the_engine_relies_on_is_there():
    from pulumi.runtime import settings

    missing = [m for m in (_missing(h) for h in PRIVATE_HOOKS) if m]
    params = inspect.signature(settings.Settings.__init__).parameters
    missing += [f"pulumi.runtime.settings:Settings(..., {k}=...)" for k in SETTINGS_KWARGS if k not in params]
    versions = {d: metadata.version(d) for d in ("pulumi", "pulumi-policy")}
    assert not missing, (f"pulumi {versions['pulumi']} / pulumi-policy {versions['pulumi-policy']} lack private "
                         f"hook(s) livecommerce/engine.py relies on: {', '.join(missing)}. Adapt the engine, then "
                         "move the pins in pyproject.toml to the new minor.")


def test_the_hook_finder_reports_a_missing_name():
    assert _missing("pulumi.runtime.rpc:_special_sig_key") is None
    assert _missing("pulumi.runtime.rpc:_no_such_hook") == "pulumi.runtime.rpc:_no_such_hook"
    assert _missing("pulumi.runtime.no_such_module:x").startswith("pulumi.runtime.no_such_module:x (module:")


def test_the_installed_sdk_is_the_pinned_minor():
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    pins = {d.split(">=")[0]: d for d in pyproject["project"]["dependencies"]}
    major, minor = metadata.version("pulumi").split(".")[:2]
    assert pins["pulumi"] == f"pulumi>={major}.{minor},<{major}.{int(minor) + 1}", pins["pulumi"]
