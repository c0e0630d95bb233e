"""Issue 19, Korean by construction: how much Korean still comes from matching English output.

    python -m benchmarks.messages

Counts the patterns left in ``ecsrole_lib.i18n.messages.KO`` (English templates matched
against output after the fact), those with the features' own ``korean`` added, how many of
their Korean templates hedge a particle ("을(를)"), and the messages made by id from the
catalogs (``en/*.toml``/``ko/*.toml``). Run it on an older checkout (``PYTHONPATH=...``) for the
figure before.
"""

from __future__ import annotations

import re

HEDGED = re.compile(r"[을를이가은는과와]\([을를이가은는과와]\)|\(으\)로|으\(로\)")


def measure() -> dict[str, int]:
    """The counts, for whichever ``ecsrole_lib`` is imported."""
    from ecsrole_lib.i18n import messages

    table = messages._table()
    out = {"KO patterns": len(messages.KO), "with the features' korean": len(table),
           "hedged particles in those": sum(bool(HEDGED.search(k)) for k in table.values())}
    try:
        from ecsrole_lib.i18n.catalog import catalog
    except ImportError:  # before the catalogs
        out["messages by id"] = out["hedged particles in the catalog"] = 0
        return out
    out["messages by id"] = len(catalog("ko"))
    out["hedged particles in the catalog"] = sum(bool(HEDGED.search(t))
                                                for t in catalog("ko").values())
    return out


def main() -> None:
    for name, value in measure().items():
        print(f"{name:<34}{value:>6}")


if __name__ == "__main__":
    main()
