"""Notebook 06's exercises, and the guide's demo roles.

- ``exercises``
- ``guide``

Names load when first used (PEP 562).
"""

import importlib

#: Each public name and the module it lives in.
_WHERE = {
    "ANYWHERE_ROLE": "guide",
    "BrokenDemo": "guide",
    "DEMO_ROLE": "guide",
    "EXERCISES": "exercises",
    "EXERCISE_ROLE": "exercises",
    "Exercise": "exercises",
    "GuideRoles": "guide",
    "Leftovers": "guide",
    "NOTEBOOKS": "guide",
    "TRUNKING_ROLE": "guide",
    "broken_demo": "guide",
    "cleanup": "exercises",
    "demo_spec": "guide",
    "ensure_on_sandbox": "guide",
    "exercise": "exercises",
    "guide_roles": "guide",
    "leftovers": "guide",
    "main": "guide",
}
__all__ = [
    "ANYWHERE_ROLE",
    "DEMO_ROLE",
    "EXERCISES",
    "EXERCISE_ROLE",
    "NOTEBOOKS",
    "TRUNKING_ROLE",
    "BrokenDemo",
    "Exercise",
    "GuideRoles",
    "Leftovers",
    "broken_demo",
    "cleanup",
    "demo_spec",
    "ensure_on_sandbox",
    "exercise",
    "guide_roles",
    "leftovers",
    "main",
]


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
