"""AWS access: ``connect()``, ``Context`` (every call counted, retried, translated), reading ahead.

- ``client``
- ``prefetch``

Names load when first used (PEP 562).
"""

import importlib

#: Each public name and the module it lives in.
_WHERE = {
    "Read": "client",
    "assumed": "client",
    "connect": "client",
    "is_sandbox": "client",
    "keep_clients": "client",
    "verify_ahead": "prefetch",
    "whoami": "client",
}
__all__ = [
    "Read",
    "assumed",
    "connect",
    "is_sandbox",
    "keep_clients",
    "verify_ahead",
    "whoami",
]


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
