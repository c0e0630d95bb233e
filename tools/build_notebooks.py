"""Write the guide's notebooks from their sources and execute them on the sandbox.

``make notebooks`` runs this. Each source ``tools/notebook_src/<name>.py`` is in
the "percent" format::

    # %% [markdown]              a Markdown cell: its lines start with "# "
    # %% [markdown] lang=ko      the same cell in Korean, right after the English one
    # %% tags=["parameters"]     a code cell with tags
    # %% lang=ko tags=["parameters"]   the parameters with Korean comments, right after them
    # %%                         a code cell

Two editions come from one source: the English one in ``notebooks/`` and the Korean
one in ``notebooks/ko/`` (Korean Markdown, the parameter ``lang = "ko"``, the
parameters' comments in Korean; the same code). A Markdown cell without its other
language stops the build, and so does a Korean parameters cell whose code is not
the English one's (only the comments and ``lang``'s value may differ).

Each notebook is executed alone, in a fresh kernel on its own fresh sandbox,
exactly as ``pytest --nbval`` re-executes it, and written with its outputs.
The result is deterministic: cell ids are fixed, no timing metadata is kept,
and widget model ids are renumbered in order of appearance.

Usage::

    python tools/build_notebooks.py [--no-execute] [--lang en|ko|all] [name ...]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sys
import time
import tokenize
import uuid
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "notebook_src"
NOTEBOOKS = ROOT / "notebooks"
KERNEL = "python3"
_HEADER = re.compile(r"^# %%(?P<markdown> \[markdown\])?(?:\s+lang=(?P<lang>ko))?"
                     r"(?:\s+tags=(?P<tags>\[.*\]))?\s*$")
#: The editions: where each is written. A Markdown cell headed ``# %% [markdown] lang=ko`` is the
#: Korean of the English Markdown cell right above it; the code cells are the same in both.
EDITIONS = {"en": "", "ko": "ko"}
_NAMESPACE = uuid.UUID("6f1c2b1e-3d4a-4e55-9a1b-ec5e0e1e0001")
#: The kernel's own start-up warnings would only clutter the build's log.
QUIET_KERNEL = ["--IPKernelApp.log_level=ERROR"]
#: Variables that would make a kernel join another sandbox or endpoint.
_ISOLATE = ("ECSROLE_SANDBOX_ENDPOINT", "AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")


def names() -> list[str]:
    """The notebooks, by source file name, in order."""
    return sorted(p.stem for p in SOURCES.glob("*.py"))


def _cells(text: str) -> list[tuple[str, str, list[str], str]]:
    """Every cell of a percent-format source: (cell type, source, tags, language)."""
    cells: list[tuple[str, list[str], list[str], str]] = []
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            kind = "markdown" if match.group("markdown") else "code"
            cells.append((kind, [], json.loads(match.group("tags") or "[]"),
                          match.group("lang") or "en"))
        elif cells:
            cells[-1][1].append(line)
    result = []
    for kind, lines, tags, lang in cells:
        if kind == "markdown":
            lines = [line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines]
        result.append((kind, "\n".join(lines).strip("\n"), tags, lang))
    return result


def _code_only(source: str) -> list[tuple[int, str]]:
    """``source``'s tokens without its comments: what two editions of a cell must share."""
    tokens = tokenize.generate_tokens(io.StringIO(source + "\n").readline)
    return [(t.type, t.string) for t in tokens
            if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE)]


def _korean_code(cells: list, index: int) -> None:
    """Check that code cell ``index``, written in Korean, is the parameters cell before it."""
    _, source, tags, _ = cells[index]
    english = cells[index - 1] if index else None
    if not english or english[0] != "code" or english[3] != "en" or "parameters" not in english[2] \
            or tags != english[2]:
        raise ValueError(f"Korean code cell {index} follows no English parameters cell")
    if _code_only(_in_korean(english[1])) != _code_only(source):
        raise ValueError(f"Korean parameters cell {index} differs from the English one in more "
                         "than its comments and lang's value")


def _in_korean(parameters: str) -> str:
    """The parameters cell's code with ``lang`` set to the Korean edition's value."""
    return re.sub(r'^lang: str = "en"', 'lang: str = "ko"', parameters, flags=re.MULTILINE)


def parse(text: str, lang: str = "en") -> list[tuple[str, str, list[str]]]:
    """The cells of a percent-format source in edition ``lang``: (cell type, source, tags).

    Each English Markdown cell must be followed by its Korean (``lang=ko``) and each Korean
    one must follow an English one: a cell without its other language is a ``ValueError``
    naming it, so the two editions cannot drift apart.
    """
    cells, result = _cells(text), []
    for index, (kind, source, tags, cell_lang) in enumerate(cells):
        following = cells[index + 1] if index + 1 < len(cells) else None
        if cell_lang == "ko" and kind == "code":
            _korean_code(cells, index)
            if lang == "ko":
                result.append((kind, source, tags))
            continue
        if cell_lang == "ko":
            if index == 0 or cells[index - 1][0] != "markdown" or cells[index - 1][3] != "en":
                raise ValueError(f"Korean cell {index} follows no English Markdown cell")
            if lang == "ko":
                result.append((kind, source, tags))
            continue
        untranslated = kind == "markdown" and not (following and following[3] == "ko")
        # A source not yet translated at all still builds its English edition.
        if untranslated and (lang == "ko" or any(c[3] == "ko" for c in cells)):
            raise ValueError(f"Markdown cell {index} has no Korean (lang=ko) cell after it: "
                             f"{source.splitlines()[0] if source else ''!r}")
        written = following is not None and following[3] == "ko"
        if lang == "ko" and (kind == "markdown" or written):
            continue  # its Korean cell, next, stands in its place
        if lang == "ko" and "parameters" in tags:
            source = _in_korean(source)
        result.append((kind, source, tags))
    return result


def build(name: str, lang: str = "en") -> nbformat.NotebookNode:
    """The unexecuted notebook ``name`` of edition ``lang``, from its source."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                       "name": KERNEL},
        "language_info": {"name": "python"},
    }
    prefix = name.split("_", 1)[0]
    text = (SOURCES / f"{name}.py").read_text()
    for index, (kind, source, tags) in enumerate(parse(text, lang)):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        cell = make(source)
        cell.id = f"nb{prefix}{'' if lang == 'en' else '-' + lang}-cell{index:02d}"
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


def execute(nb: nbformat.NotebookNode, folder: Path = NOTEBOOKS) -> nbformat.NotebookNode:
    """Run ``nb`` alone in a fresh kernel with its own sandbox, as nbval does."""
    from nbclient import NotebookClient

    saved = {k: os.environ.pop(k) for k in _ISOLATE if k in os.environ}
    try:
        NotebookClient(nb, kernel_name=KERNEL, timeout=600, record_timing=False,
                       store_widget_state=True, extra_arguments=QUIET_KERNEL,
                       resources={"metadata": {"path": str(folder)}}).execute()
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


def _edition_names(name: str) -> list[str]:
    """The editions ``name``'s source can be built in (Korean once it holds Korean cells)."""
    text = (SOURCES / f"{name}.py").read_text()
    return ["en"] + (["ko"] if any(c[3] == "ko" for c in _cells(text)) else [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-execute", action="store_true", help="write the sources only")
    parser.add_argument("--lang", choices=["en", "ko", "all"], default="all",
                        help="which edition (default: both)")
    parser.add_argument("names", nargs="*", help="notebooks to build (default: all)")
    args = parser.parse_args(argv)
    failed = 0
    for name in args.names or names():
        for lang in _edition_names(name):
            if args.lang not in ("all", lang):
                continue
            folder = NOTEBOOKS / EDITIONS[lang]
            folder.mkdir(exist_ok=True)
            started = time.monotonic()
            nb = build(name, lang)
            status = "written"
            if not args.no_execute:
                try:
                    nb = normalize(execute(nb, folder), name if lang == "en" else f"{lang}/{name}")
                    status = "executed"
                except Exception as err:  # noqa: BLE001 - keep going; report at the end
                    failed += 1
                    status = f"FAILED: {type(err).__name__}: {str(err).strip().splitlines()[-1]}"
            nbformat.validate(nb)
            nbformat.write(nb, str(folder / f"{name}.ipynb"))
            label = f"{EDITIONS[lang]}/{name}" if EDITIONS[lang] else name
            print(f"{label:<31} {status} ({time.monotonic() - started:.1f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
