"""Where the extensions plug into the core: named hooks the core calls, filled by the extensions.

The core (the top-level modules, ``features/``, ``aws/``, ``i18n/``) never imports an
extension (``tests/test_layout.py``). An extension module ends with its ``register(...)``
lines, as papermill's ``translators.py`` ends with ``papermill_translators.register(...)``;
the package that wires the library (``ecsrole_lib/__init__.py``) names, per hook, the
modules that provide it (:func:`provided_by`, what entry points would say), and the first
read of a hook imports them. So an extension loads only when its hook is used: the sandbox
with the first ``connect("sandbox")``, the doctor with the first audit, ``launch`` with the
first teardown, as when the core imported them inside its functions.

>>> register("example", "one", 1)
>>> provided("example")
{'one': 1}
>>> provided("nothing registered")
{}
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["HOOKS", "provided", "provided_by", "register"]

#: Each hook the core calls, and what an entry of it is.
HOOKS = {
    "target": "a place sessions are made for besides AWS (aws.client.Target), by target name",
    "sandbox_limits": "what the sandbox cannot emulate: topic -> text (reports and views say it)",
    "audit": "rows after the audit's steps: f(ctx, spec, report) (the doctor's verdict)",
    "teardown_reads": "reads teardown makes ahead when it removes an instance profile: f(spec)",
    "teardown_refusals": ("what still holds an instance profile teardown would remove: "
                          "f(ctx, spec, other_profiles) -> [Problem] (teardown refuses)"),
    "teardown_first": ("what goes before the steps are undone: f(ctx, spec, force) -> report "
                       "rows (what launch started)"),
}

_ENTRIES: dict[str, dict[str, Any]] = {}
#: hook -> the modules named for it and not imported yet.
_PROVIDERS: dict[str, list[str]] = {}


def register(hook: str, name: str, entry: Any) -> None:
    """Add ``entry`` to ``hook`` under ``name`` (an extension's last lines call this)."""
    _ENTRIES.setdefault(hook, {})[name] = entry


def provided_by(hook: str, *modules: str) -> None:
    """Name the modules that register entries of ``hook``: imported when it is first read."""
    _PROVIDERS.setdefault(hook, []).extend(modules)


def provided(hook: str) -> dict[str, Any]:
    """The entries of ``hook``, by name, in the order they were registered.

    Imports first the modules named for it (each registers its entries as it is imported).
    """
    pending = _PROVIDERS.get(hook, [])
    while pending:
        importlib.import_module(pending.pop(0))
    return dict(_ENTRIES.get(hook, {}))
