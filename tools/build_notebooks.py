"""Write the guide's notebooks from their sources and execute them on the sandbox.

``make notebooks`` runs this. Each source ``tools/notebook_src/<name>.py`` is in
the "percent" format::

    # %% [markdown]              a Markdown cell: its lines start with "# "
    # %% tags=["parameters"]     a code cell with tags
    # %%                         a code cell

Each notebook is executed alone, in a fresh kernel on its own fresh sandbox,
exactly as ``pytest --nbval`` re-executes it, and written with its outputs.
The result is deterministic: cell ids are fixed, no timing metadata is kept,
and widget model ids are renumbered in order of appearance.

Usage::

    python tools/build_notebooks.py [--no-execute] [name ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import uuid
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "notebook_src"
NOTEBOOKS = ROOT / "notebooks"
KERNEL = "python3"
_HEADER = re.compile(r"^# %%(?P<markdown> \[markdown\])?(?:\s+tags=(?P<tags>\[.*\]))?\s*$")
_NAMESPACE = uuid.UUID("6f1c2b1e-3d4a-4e55-9a1b-ec5e0e1e0001")
#: The kernel's own start-up warnings would only clutter the build's log.
QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]
#: Variables that would make a kernel join another sandbox or endpoint.
_ISOLATE = ("ECSROLE_SANDBOX_ENDPOINT", "AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")


def names() -> list[str]:
    """The notebooks, by source file name, in order."""
    return sorted(p.stem for p in SOURCES.glob("*.py"))


def parse(text: str) -> list[tuple[str, str, list[str]]]:
    """The cells of a percent-format source: (cell type, source, tags)."""
    cells: list[tuple[str, list[str], list[str]]] = []
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            kind = "markdown" if match.group("markdown") else "code"
            cells.append((kind, [], json.loads(match.group("tags") or "[]")))
        elif cells:
            cells[-1][1].append(line)
    result = []
    for kind, lines, tags in cells:
        if kind == "markdown":
            lines = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines]
        result.append((kind, "\n".join(lines).strip("\n"), tags))
    return result


def build(name: str) -> nbformat.NotebookNode:
    """The unexecuted notebook ``name``, from its source."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                       "name": KERNEL},
        "language_info": {"name": "python"},
    }
    prefix = name.split("_", 1)[0]
    for index, (kind, source, tags) in enumerate(parse((SOURCES / f"{name}.py").read_text())):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = make(source)
        cell.id = f"nb{prefix}-cell{index:02d}"
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


def execute(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Run ``nb`` alone in a fresh kernel with its own sandbox, as nbval does."""
    from nbclient import NotebookClient

    saved = {k: os.environ.pop(k) for k in _ISOLATE if k in os.environ}
    try:
        NotebookClient(nb, kernel_name=KERNEL, timeout=600, record_timing=False,
                       store_widget_state=True, extra_arguments=QUIET_KERNEL,
                       resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    finally:
        os.environ.update(saved)
    return nb


def _defaults() -> dict[tuple[str, str], dict]:
    """Each ipywidgets model's default state, as JSON, by (model module, model name)."""
    import ipywidgets

    found: dict[tuple[str, str], dict] = {}
    for cls in _walk(ipywidgets.Widget):
        traits = cls.class_traits(sync=True)
        module, model = traits.get("_model_module"), traits.get("_model_name")
        if module is None or model is None:
            continue
        defaults = {}
        for key, trait in traits.items():
            try:
                defaults[key] = json.loads(json.dumps(trait.default()))
            except (TypeError, ValueError):  # an instance default (a Layout): never dropped
                continue
        found.setdefault((module.default_value, model.default_value), defaults)
    return found


def _walk(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_walk(sub)]
    return found


def drop_defaults(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Keep only what rendering the widgets needs: each model's values that differ from
    its defaults (a widget manager fills in the rest), as ``ipywidgets`` does when it
    embeds widgets (``get_manager_state(drop_defaults=True)``)."""
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    defaults = _defaults()
    for model in state.get("state", {}).values():
        known = defaults.get((model["model_module"], model["model_name"]))
        if known is None:
            continue
        model["state"] = {k: v for k, v in model["state"].items()
                          if k not in known or v != known[k]}
    return nb


def normalize(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """Renumber widget model ids in order of appearance, so a rebuild gives the same file;
    drop the widget state rendering does not need."""
    nb = drop_defaults(nb)
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    text = json.dumps(nb)
    for index, model_id in enumerate(state.get("state", {})):
        text = text.replace(model_id, uuid.uuid5(_NAMESPACE, f"{name}/{index}").hex)
    return nbformat.reads(text, as_version=4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-execute", action="store_true", help="write the sources only")
    parser.add_argument("names", nargs="*", help="notebooks to build (default: all)")
    args = parser.parse_args(argv)
    NOTEBOOKS.mkdir(exist_ok=True)
    failed = 0
    for name in args.names or names():
        started = time.monotonic()
        nb = build(name)
        status = "written"
        if not args.no_execute:
            try:
                nb = normalize(execute(nb), name)
                status = "executed"
            except Exception as err:  # noqa: BLE001 - keep going; report at the end
                failed += 1
                status = f"FAILED: {type(err).__name__}: {str(err).strip().splitlines()[-1]}"
        nbformat.validate(nb)
        nbformat.write(nb, str(NOTEBOOKS / f"{name}.ipynb"))
        print(f"{name:<28} {status} ({time.monotonic() - started:.1f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
