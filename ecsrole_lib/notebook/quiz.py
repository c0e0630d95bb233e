""""Check your understanding": a question whose answer stays hidden until a button is clicked.

The guide's questions are data: ``questions.toml`` (:data:`QUESTIONS`) holds each by id, with its
question and answer in English and Korean, so no notebook cell holds an answer
(``Question("q_passrole")``), and an instructor's answer key is made from the
same catalog (:func:`answer_key`). :class:`Question` shows the question and a
button; the button shows the answer and hides it again. A headless run
(papermill, nbval) has nobody to click, so ``show_answers=True`` shows the
answer from the start; the text form says how to see a hidden answer.

>>> q = Question("q_passrole")
>>> q.revealed, q.button.description
(False, 'Show the answer')
>>> q.button.click()
>>> q.revealed, q.button.description
(True, 'Hide the answer')
>>> q.button.click()
>>> q.revealed
False
>>> print(Question("Why?", "Because.", show_answers=True))
Check your understanding: Why?
Answer: Because.
>>> Question("q_passrole", lang="ko").button.description
'답 보기'
"""

from __future__ import annotations

import html
import re
import tomllib
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..errors import ValidationError
from ..spec import flag_problems

__all__ = ["CATALOG", "QUESTIONS", "Question", "answer_key", "quiz"]

LABELS = {
    "en": {"heading": "Check your understanding", "button": "Show the answer",
           "hide": "Hide the answer", "answer": "Answer",
           "hidden": "(the answer is hidden: click the button, or run with show_answers=True)"},
    "ko": {"heading": "이해도 확인", "button": "답 보기", "hide": "답 숨기기", "answer": "답",
           "hidden": "(답이 숨겨져 있습니다. 버튼을 누르거나 show_answers=True로 실행하십시오)"},
}

#: The catalog's file: one table per question id (``notebook``, ``en`` and ``ko``).
CATALOG = Path(__file__).with_name("questions.toml")


def _load(path: Path = CATALOG) -> dict[str, dict[str, Any]]:
    """The catalog: id -> {"notebook": "01", "en": (question, answer), "ko": (...)}."""
    with path.open("rb") as handle:
        tables = tomllib.load(handle)
    return {key: {"notebook": table["notebook"],
                  **{lang: (table[lang]["question"], table[lang]["answer"])
                     for lang in LABELS if lang in table}}
            for key, table in tables.items()}


#: The guide's questions: id -> the notebook that asks it, and (question, answer) per language.
QUESTIONS: dict[str, dict[str, Any]] = _load()

_CODE = re.compile(r"`([^`]+)`")


def _inline(text: str) -> str:
    """Escaped HTML of ``text``, with Markdown's `code` spans kept as code."""
    return _CODE.sub(r"<code>\1</code>", html.escape(text))


def _lookup(key: str, lang: str) -> tuple[str, str]:
    """The (question, answer) of catalog entry ``key`` in ``lang`` (English if it has none)."""
    try:
        entry = QUESTIONS[key]
    except KeyError:
        raise KeyError(f"no question {key!r} in the catalog (ecsrole_lib.notebook.quiz.QUESTIONS)") from None
    return entry.get(lang, entry["en"])


class Question(widgets.VBox):
    """A question with a button that shows its answer and hides it again.

    Parameters
    ----------
    prompt, answer
        An id of :data:`QUESTIONS` alone (``Question("q_passrole")``), or a question and
        its answer as plain text; `backticks` mark code.
    show_answers
        Reveal the answer at once (for a headless run, where nobody clicks); True or
        False, as RoleSpec's choices (a string raises ``ValidationError`` naming it).
    lang
        ``"en"`` or ``"ko"``: the language of the catalog's text, the heading and the button.
    """

    def __init__(self, prompt: str, answer: str | None = None, *, show_answers: bool = False,
                 lang: str = "en"):
        problems = flag_problems({"show_answers": show_answers})  # "false" is no answer hidden
        if problems:
            raise ValidationError(problems)
        self.key = prompt if answer is None else None
        if answer is None:
            prompt, answer = _lookup(prompt, lang)
        self.prompt, self.answer = prompt, answer
        self.labels = LABELS.get(lang, LABELS["en"])
        # Wide enough for the longer label: a default-width button cuts "Show the answer".
        self.button = widgets.Button(description=self.labels["button"],
                                     layout=widgets.Layout(width="max-content"))
        self.answer_box = widgets.HTML(
            f"<p style='line-height:1.5'><b>{html.escape(self.labels['answer'])}:</b> "
            f"{_inline(answer)}</p>", layout=widgets.Layout(display="none"))
        # A widget's HTML has the line height of a button (28 px): a question needs less.
        prompt_box = widgets.HTML(f"<p style='line-height:1.5'><b>{html.escape(self.labels['heading'])}:</b> "
                                  f"{_inline(prompt)}</p>")
        super().__init__([prompt_box, self.button, self.answer_box])
        self.button.on_click(lambda _button: self.toggle())
        if show_answers:
            self.reveal()

    @property
    def revealed(self) -> bool:
        """Whether the answer shows."""
        return self.answer_box.layout.display != "none"

    def reveal(self) -> None:
        """Show the answer; the button then hides it."""
        self.answer_box.layout.display = None
        self.button.description = self.labels["hide"]

    def hide(self) -> None:
        """Hide the answer; the button then shows it."""
        self.answer_box.layout.display = "none"
        self.button.description = self.labels["button"]

    def toggle(self) -> None:
        """What the button does: show a hidden answer, hide a shown one."""
        self.hide() if self.revealed else self.reveal()

    def __str__(self) -> str:
        answer = (f"{self.labels['answer']}: {self.answer}" if self.revealed
                  else self.labels["hidden"])
        return f"{self.labels['heading']}: {self.prompt}\n{answer}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = str(self)
        # Where widgets cannot run (a static page, a code host): the question, and the
        # answer only if it was revealed, so a page exported from a quiz gives nothing away.
        answer = (f"<p><b>{html.escape(self.labels['answer'])}:</b> {_inline(self.answer)}</p>"
                  if self.revealed else f"<p><i>{html.escape(self.labels['hidden'])}</i></p>")
        bundle["text/html"] = (f"<div><p><b>{html.escape(self.labels['heading'])}:</b> "
                               f"{_inline(self.prompt)}</p>{answer}</div>")
        return bundle


def quiz(notebook: str, *, show_answers: bool = False, lang: str = "en") -> widgets.VBox:
    """Every catalog question notebook ``notebook`` (``"01"``) asks, one below the other.

    >>> len(quiz("01").children) >= 1
    True
    """
    keys = [key for key, entry in QUESTIONS.items() if entry["notebook"] == notebook]
    if not keys:
        raise KeyError(f"no question of notebook {notebook!r} in the catalog")
    return widgets.VBox([Question(key, show_answers=show_answers, lang=lang) for key in keys])


def answer_key(lang: str = "en") -> str:
    """The instructor's answer key: every catalog question and its answer, by notebook, in
    Markdown.

    >>> print(answer_key("en").splitlines()[0])
    ## 01
    """
    lines: list[str] = []
    for key, entry in sorted(QUESTIONS.items(), key=lambda item: item[1]["notebook"]):
        heading = f"## {entry['notebook']}"
        if heading not in lines:
            lines += [heading, ""]
        question, answer = _lookup(key, lang)
        lines += [f"- **{question}** ({key})", f"  {answer}", ""]
    return "\n".join(lines).rstrip() + "\n"
