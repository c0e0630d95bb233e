"""The embedded sandbox: a moto server on 127.0.0.1, its corrections of moto (each citing the AWS page it follows), and what it cannot emulate.

- ``server``

Names load when first used (PEP 562).
"""

import importlib

#: Each public name and the module it lives in.
_WHERE = {
    "CORRECTIONS": "server",
    "LIMITS": "server",
    "SANDBOX_ACCOUNT": "server",
    "SandboxSession": "server",
    "correct_moto": "server",
    "sandbox": "server",
    "shared_sandbox_session": "server",
}
__all__ = [
    "CORRECTIONS",
    "LIMITS",
    "SANDBOX_ACCOUNT",
    "SandboxSession",
    "correct_moto",
    "sandbox",
    "shared_sandbox_session",
]


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
