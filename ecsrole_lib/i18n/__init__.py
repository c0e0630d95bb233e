"""The Korean of every message the library renders, and the console's labels.

- ``catalog``: messages by id (``en/*.toml``, ``ko/*.toml``), Korean particles
- ``messages``: the older pattern table, for text not yet made by id

Names load when first used (PEP 562).
"""

import importlib

#: Each public name and the module it lives in.
_WHERE = {
    "CONSOLE_LABELS": "messages",
    "KO": "messages",
    "Message": "catalog",
    "message": "catalog",
    "render": "catalog",
    "OUTCOMES": "messages",
    "tr": "messages",
    "untranslated": "messages",
    "word": "messages",
}
__all__ = [
    "CONSOLE_LABELS",
    "KO",
    "OUTCOMES",
    "Message",
    "message",
    "render",
    "tr",
    "untranslated",
    "word",
]


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
