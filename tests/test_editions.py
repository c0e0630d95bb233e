"""Issue 19: a Korean edition of every notebook, from the same sources as the English one.

Read from the sources (``tools/notebook_src``) and the committed editions (``notebooks/``,
``notebooks/ko/``). The glossary (``ecsrole_lib/i18n/glossary_ko.tsv``) holds the Korean page's
terms and the alternatives it does not use; the checks on Korean text are the ones a Korean
reviewer would make: no English sentence, the page's terms, no "을(를)".
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
import tokenize
from pathlib import Path

import pytest

from ecsrole_lib.i18n import untranslated

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "notebook_src"
NAMES = sorted(p.stem for p in SOURCES.glob("*.py"))
GLOSSARY = ROOT / "ecsrole_lib" / "i18n" / "glossary_ko.tsv"
#: Particles written for either final consonant: Korean writing picks one.
BOTH_PARTICLES = re.compile(r"을\(를\)|를\(을\)|이\(가\)|가\(이\)|은\(는\)|는\(은\)|\(으\)로|과\(와\)|와\(과\)")


def _builder():
    spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "tools" / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _committed(name: str, edition: str = "") -> dict:
    return json.loads((ROOT / "notebooks" / edition / f"{name}.ipynb").read_text(encoding="utf-8"))


def _prose(markdown: str) -> str:
    """Markdown without what stays as typed: code blocks, code spans, links' targets, URLs."""
    text = re.sub(r"```.*?```", " ", markdown, flags=re.DOTALL)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return re.sub(r"https?://\S+", " ", text)


def _glossary() -> list[dict[str, str]]:
    lines = [line for line in GLOSSARY.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    return list(csv.DictReader(lines, fieldnames=["term", "ko", "not", "source"], delimiter="\t"))


@pytest.mark.parametrize("name", NAMES)
def test_every_markdown_cell_is_written_in_both_languages(name):
    text = (SOURCES / f"{name}.py").read_text(encoding="utf-8")
    english = _builder().parse(text, "en")
    korean = _builder().parse(text, "ko")  # raises, naming the cell, where one is missing
    assert [k for k, _, _ in english] == [k for k, _, _ in korean]


def _code(source: str) -> list[str]:
    """The code of a cell: its tokens without comments (a comment is prose, written per edition)."""
    tokens = tokenize.generate_tokens(io.StringIO(source + "\n").readline)
    return [t.string for t in tokens if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE)]


def _parameters(notebook: dict) -> str:
    return next("".join(c["source"]) for c in notebook["cells"]
                if "parameters" in c.get("metadata", {}).get("tags", []))


@pytest.mark.parametrize("name", NAMES)
def test_the_korean_edition_has_the_same_code_and_only_lang_differs(name):
    english, korean = _committed(name), _committed(name, "ko")
    code = [(_code("".join(c["source"])), c.get("metadata", {}).get("tags"))
            for c in english["cells"] if c["cell_type"] == "code"]
    code_ko = [(_code("".join(c["source"]).replace('lang: str = "ko"', 'lang: str = "en"')),
                c.get("metadata", {}).get("tags"))
               for c in korean["cells"] if c["cell_type"] == "code"]
    assert code == code_ko
    assert 'lang: str = "ko"' in _parameters(korean)
    # Only the parameters cell has comments written per edition; every other cell is the same.
    sources = ["".join(c["source"]) for c in english["cells"] if c["cell_type"] == "code"
               and "parameters" not in c.get("metadata", {}).get("tags", [])]
    sources_ko = ["".join(c["source"]) for c in korean["cells"] if c["cell_type"] == "code"
                  and "parameters" not in c.get("metadata", {}).get("tags", [])]
    assert sources == sources_ko


@pytest.mark.parametrize("name", NAMES)
def test_the_korean_parameters_are_explained_in_korean(name):
    """What ``papermill --help-notebook`` and the first code cell say, in the edition's language."""
    comments = [line.split("  # ", 1)[1] for line in _parameters(_committed(name, "ko")).splitlines()
                if "  # " in line]
    assert comments and all(re.search(r"[가-힣]", c) for c in comments), comments
    assert [c for c in comments if untranslated(c)] == []


@pytest.mark.parametrize("name", NAMES)
def test_the_code_both_editions_share_has_no_comment_in_one_language(name):
    """A comment in a shared code cell would be English in the Korean edition: the Markdown
    around the cell explains it, in each language."""
    for cell in _committed(name, "ko")["cells"]:
        if cell["cell_type"] == "code" and "parameters" not in cell.get("metadata", {}).get("tags", []):
            tokens = tokenize.generate_tokens(io.StringIO("".join(cell["source"]) + "\n").readline)
            assert [t.string for t in tokens if t.type == tokenize.COMMENT] == [], name


def test_a_korean_parameters_cell_with_other_code_stops_the_build():
    source = ('# %% tags=["parameters"]\nregion: str = "us-east-1"  # AWS Region\n'
              '# %% lang=ko tags=["parameters"]\nregion: str = "eu-west-1"  # AWS 리전\n')
    with pytest.raises(ValueError, match="differs from the English one"):
        _builder().parse(source, "ko")


@pytest.mark.parametrize("name", NAMES)
def test_no_english_sentence_in_the_korean_markdown(name):
    for cell in _committed(name, "ko")["cells"]:
        if cell["cell_type"] == "markdown":
            prose = _prose("".join(cell["source"]))
            assert untranslated(prose) == [], (name, untranslated(prose))
            assert re.search(r"[가-힣]", prose), (name, prose[:200])


#: AWS's own answer, quoted as AWS writes it (an exercise shows the error the instance met).
AWS_SAYS = re.compile(r"is not authorized to perform: ")


@pytest.mark.parametrize("name", NAMES)
def test_no_english_sentence_in_the_korean_notebooks_text_outputs(name):
    """What a cell printed, or showed as text/plain (papermill's and a terminal's reader's view)."""
    left = []
    for number, cell in enumerate(_committed(name, "ko")["cells"]):
        for output in cell.get("outputs", []):
            text = "".join(output.get("text") or output.get("data", {}).get("text/plain", ""))
            left += [(number, line) for line in untranslated(text) if not AWS_SAYS.search(line)]
    assert left == []


@pytest.mark.parametrize("name", NAMES)
def test_the_korean_markdown_uses_the_pages_terms_and_writes_its_particles(name):
    prose = "\n".join(_prose("".join(c["source"])) for c in _committed(name, "ko")["cells"]
                      if c["cell_type"] == "markdown")
    assert not BOTH_PARTICLES.findall(prose), BOTH_PARTICLES.findall(prose)
    for entry in _glossary():
        for banned in filter(None, (entry["not"] or "").split(",")):
            assert banned.strip() not in prose, (name, entry["term"], banned)


def test_each_glossary_term_the_english_edition_uses_is_in_the_korean_edition():
    english = " ".join(_prose("".join(c["source"])).lower() for n in NAMES
                       for c in _committed(n)["cells"] if c["cell_type"] == "markdown")
    korean = " ".join(_prose("".join(c["source"])) for n in NAMES
                      for c in _committed(n, "ko")["cells"] if c["cell_type"] == "markdown")
    missing = [e["term"] for e in _glossary()
               if re.search(rf"\b{re.escape(e['term'])}\b", english) and e["ko"] not in korean]
    assert not missing, missing


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("edition", ["", "ko"])
def test_no_markdown_cell_strikes_its_text_through_or_typesets_tex(name, edition):
    """Issue 19 (rendering): JupyterLab strikes text between two tildes ("1~4단계와 8~9단계")
    and typesets text between dollars; a range is written 1\\~4 (or 1-4), a price in code."""
    for cell in _committed(name, edition)["cells"]:
        if cell["cell_type"] == "markdown":
            for line in _prose("".join(cell["source"])).splitlines():
                assert len(re.findall(r"(?<!\\)~", line)) < 2, (name, edition, line)
                assert len(re.findall(r"(?<!\\)\$", line)) < 2, (name, edition, line)
