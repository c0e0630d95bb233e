"""Issue 19: an instructor runs a workshop from the kit alone (notebooks/workshop/).

The answer key is made from the question catalog, so it holds every question the notebooks
ask with its answer, in both languages; each agenda names only notebooks that exist, covers
its length without a gap, and the long one takes the group through every notebook; the
timing per notebook is what the agendas give each; the kit says what to do for a stuck attendee.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ecsrole_lib.notebook.quiz import QUESTIONS

ROOT = Path(__file__).resolve().parent.parent
KIT = ROOT / "notebooks" / "workshop"
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: Named by the agendas while another branch adds it; once its notebook exists, it is
#: checked like every other one (the long agenda must then include it).
COMING = {"07_beyond_the_page"} - set(NOTEBOOKS)


def test_the_answer_keys_hold_every_question_and_answer(tmp_path):
    subprocess.run([sys.executable, "tools/workshop.py", str(tmp_path)], cwd=ROOT, check=True)
    for lang in ("en", "ko"):
        key = (tmp_path / f"answer-key.{lang}.md").read_text(encoding="utf-8")
        for name, entry in QUESTIONS.items():
            question, answer = entry[lang]
            assert question in key and answer in key, (lang, name)


def _agenda(text: str, minutes: int) -> list[tuple[int, int, str]]:
    """The rows (start, end, notebook) of the agenda headed '...: <minutes> ...'."""
    section = re.search(rf"^## [^\n]*: {minutes}[^\n]*\n(.*?)(?=^## |\Z)", text, re.DOTALL | re.MULTILINE)
    assert section, f"no {minutes}-minute agenda"
    rows = re.findall(r"^\| (\d+)-(\d+) \| ([^|]*) \|", section.group(1), re.MULTILINE)
    return [(int(a), int(b), cell.strip().strip("`")) for a, b, cell in rows]


@pytest.mark.parametrize("readme", ["README.md", "README.ko.md"])
@pytest.mark.parametrize("minutes", [60, 120])
def test_each_agenda_fills_its_time_with_notebooks_that_exist(readme, minutes):
    rows = _agenda((KIT / readme).read_text(encoding="utf-8"), minutes)
    assert rows[0][0] == 0 and rows[-1][1] == minutes
    assert all(a[1] == b[0] for a, b in itertools.pairwise(rows)), rows  # no gap, no overlap
    named = {name for _, _, name in rows if re.match(r"\d\d_", name)} - COMING
    assert named <= set(NOTEBOOKS), named - set(NOTEBOOKS)
    if minutes == 120:
        assert named == set(NOTEBOOKS)


def _timing(text: str) -> dict[str, tuple[int, int]]:
    """The table of minutes per notebook: {notebook: (in 60 minutes, in 120 minutes)}."""
    rows = re.findall(r"^\| `(\d\d_\w+)` \|[^|\n]*\| (\d+|-) \| (\d+|-) \|$", text, re.MULTILINE)
    return {name: tuple(0 if m == "-" else int(m) for m in minutes) for name, *minutes in rows}


@pytest.mark.parametrize("readme", ["README.md", "README.ko.md"])
def test_the_timing_per_notebook_is_what_each_agenda_gives_it(readme):
    text = (KIT / readme).read_text(encoding="utf-8")
    timing = _timing(text)
    assert set(NOTEBOOKS) <= set(timing), set(NOTEBOOKS) - set(timing)
    for column, minutes in enumerate((60, 120)):
        given: dict[str, int] = {}
        for start, end, name in _agenda(text, minutes):
            given[name] = given.get(name, 0) + end - start
        for name, both in timing.items():
            assert both[column] == given.get(name, 0), (readme, minutes, name)


@pytest.mark.parametrize("readme", ["README.md", "README.ko.md"])
def test_the_kit_says_how_to_isolate_reset_and_unstick_an_attendee(readme):
    text = (KIT / readme).read_text(encoding="utf-8")
    for needed in ("make lab", "jupyter lab", "99_cleanup", "make workshop", "show_answers=True",
                   "show_answers=False"):
        assert needed in text, (readme, needed)


def test_the_kit_exists_in_both_languages_with_the_same_sections():
    english = re.findall(r"^## ", (KIT / "README.md").read_text(), re.MULTILINE)
    korean = re.findall(r"^## ", (KIT / "README.ko.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert len(english) == len(korean) >= 5
