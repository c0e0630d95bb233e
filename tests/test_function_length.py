"""Functions a reader can hold: none in the library runs over 80 lines (issue 20, item 6).

A function's length is counted as a reader meets it: from its first decorator
(or its ``def``) to its last line, the signature, docstring, comments and blank
lines included. Nested functions count inside the function that holds them,
and on their own.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ecsrole_lib

LIB = Path(ecsrole_lib.__file__).resolve().parent
LIMIT = 80


def _lengths(path: Path, root: Path = LIB.parent) -> list[tuple[int, str]]:
    """Each function of the module at ``path``: its length and ``path:line name``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            found.append((node.end_lineno - first + 1,
                          f"{path.relative_to(root)}:{first} {node.name}"))
    return found


def test_the_count_includes_decorators_and_docstring(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('@staticmethod\ndef f():\n    """Doc."""\n\n    return 1\n')
    assert _lengths(module, tmp_path) == [(5, "m.py:1 f")]


def test_no_function_in_the_library_is_over_80_lines():
    modules = sorted(LIB.rglob("*.py"))
    assert len(modules) > 40  # the whole package, subpackages included
    long = sorted((f"{where}: {length} lines" for path in modules
                   for length, where in _lengths(path) if length > LIMIT))
    assert long == []
