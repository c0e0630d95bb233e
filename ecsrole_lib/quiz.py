""""Check your understanding": a question whose answer stays hidden until a button is clicked.

Generic and small, for any notebook: :class:`Question` shows its prompt and a
button; clicking it reveals the answer. A headless run (papermill, nbval)
has nobody to click, so ``show_answers=True`` shows the answer from the start;
the text form says how to see a hidden answer.

>>> q = Question("Which service assumes the role of an Amazon EC2 container instance?",
...              "Amazon EC2: `ec2.amazonaws.com`.")
>>> q.revealed
False
>>> q.button.click()
>>> q.revealed
True
>>> print(Question("Why?", "Because.", show_answers=True))
Check your understanding: Why?
Answer: Because.
"""

from __future__ import annotations

import html
import re
from typing import Any

import ipywidgets as widgets

from .errors import ValidationError
from .spec import flag_problems

__all__ = ["Question"]

LABELS = {
    "en": {"heading": "Check your understanding", "button": "Show the answer",
           "answer": "Answer",
           "hidden": "(the answer is hidden: click the button, or run with show_answers=True)"},
    "ko": {"heading": "이해도 확인", "button": "답 보기", "answer": "답",
           "hidden": "(답이 숨겨져 있습니다: 버튼을 누르거나 show_answers=True로 실행하십시오)"},
}

_CODE = re.compile(r"`([^`]+)`")


def _inline(text: str) -> str:
    """Escaped HTML of ``text``, with Markdown's `code` spans kept as code."""
    return _CODE.sub(r"<code>\1</code>", html.escape(text))


class Question(widgets.VBox):
    """A question with a button that reveals its answer.

    Parameters
    ----------
    prompt, answer
        Plain text; `backticks` mark code.
    show_answers
        Reveal the answer at once (for a headless run, where nobody clicks); True or
        False, as RoleSpec's choices (a string raises ``ValidationError`` naming it).
    lang
        ``"en"`` or ``"ko"``: the language of the heading and the button.
    """

    def __init__(self, prompt: str, answer: str, *, show_answers: bool = False,
                 lang: str = "en"):
        problems = flag_problems({"show_answers": show_answers})  # "false" is no answer hidden
        if problems:
            raise ValidationError(problems)
        self.prompt, self.answer = prompt, answer
        self.labels = LABELS.get(lang, LABELS["en"])
        self.button = widgets.Button(description=self.labels["button"], icon="eye")
        self.answer_box = widgets.HTML(
            f"<p><b>{html.escape(self.labels['answer'])}:</b> {_inline(answer)}</p>",
            layout=widgets.Layout(display="none"))
        prompt_box = widgets.HTML(f"<p><b>{html.escape(self.labels['heading'])}:</b> "
                                  f"{_inline(prompt)}</p>")
        super().__init__([prompt_box, self.button, self.answer_box])
        self.button.on_click(lambda _button: self.reveal())
        if show_answers:
            self.reveal()

    @property
    def revealed(self) -> bool:
        """Whether the answer shows."""
        return self.answer_box.layout.display != "none"

    def reveal(self) -> None:
        """Show the answer (what the button does)."""
        self.answer_box.layout.display = None
        self.button.disabled = True

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
