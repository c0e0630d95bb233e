"""``Report``: what a run did or found, step by step, as a table in text and HTML.

>>> r = Report("apply", target="sandbox")
>>> r.add("create_role", "Create the role", "created", "arn:aws:iam::123456789012:role/r", "role created")
>>> r.outcomes
{'create_role': 'created'}
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from .i18n.catalog import render
from .i18n.messages import tr, word
from .states import AuditOutcome, Outcome

__all__ = ["Report", "Row", "pad", "text_width"]

#: Notebook style sheets right-align table cells; the guide's tables read left to right.
CELL_STYLE = "text-align:left;vertical-align:top"

#: Outcomes that need no attention (:attr:`Report.findings` leaves them out).
_FINE = frozenset({AuditOutcome.OK, AuditOutcome.INFO, Outcome.UNCHANGED, Outcome.SKIPPED,
                   Outcome.WAITED})
_GREEN, _AMBER, _RED, _BLUE = "#1a7f37", "#9a6700", "#cf222e", "#0969da"
_COLOUR = {Outcome.CREATED: _GREEN, Outcome.UPDATED: _AMBER, Outcome.REMOVED: _RED,
           Outcome.KEPT: _BLUE, AuditOutcome.MISSING: _RED, AuditOutcome.DRIFT: _AMBER,
           AuditOutcome.CONFLICT: _RED, AuditOutcome.EXTRA: _AMBER}


@dataclass(frozen=True)
class Row:
    """One step's line in a report."""

    step: str
    title: str
    #: An :class:`~ecsrole_lib.states.Outcome` (apply, teardown) or an
    #: :class:`~ecsrole_lib.states.AuditOutcome` (audit); either is its text.
    outcome: str
    arn: str
    reason: str
    meaning: str = ""  # for a finding: what it means for the instances, and the fix


@dataclass
class Report:
    """The result of ``apply``, ``audit`` or ``teardown``.

    Attributes
    ----------
    action
        ``"apply"``, ``"audit"`` or ``"teardown"``.
    rows
        One per step, in the order the run took them.
    reads, writes, retries
        API calls the run made, and the retries botocore made for them.
    notes
        What the reader should know about this run (sandbox limits, costs of
        least privilege, the next command).
    lang
        The language it is shown in (``"en"`` or ``"ko"``); the data (steps,
        outcomes, reasons) stays English, the text and HTML are translated.
    """

    action: str
    target: str = ""
    rows: list[Row] = field(default_factory=list)
    reads: int = 0
    writes: int = 0
    retries: int = 0
    notes: list[str] = field(default_factory=list)
    account: str = ""
    lang: str = "en"

    def add(self, step: str, title: str, outcome: str, arn: str = "", reason: str = "",
            meaning: str = "") -> None:
        self.rows.append(Row(step, title, outcome, arn, reason, meaning))

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    @property
    def outcomes(self) -> dict[str, str]:
        """Step id to outcome."""
        return {row.step: row.outcome for row in self.rows}

    def __getitem__(self, step: str) -> Row:
        for row in self.rows:
            if row.step == step:
                return row
        raise KeyError(step)

    @property
    def findings(self) -> list[Row]:
        """Audit rows that need attention (anything but ``ok`` and ``info``)."""
        return [r for r in self.rows if r.outcome not in _FINE]

    def _word(self, text: str) -> str:
        """An outcome or the action in the report's language (a subclass adds its own)."""
        return word(text, self.lang)

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.outcome] = counts.get(row.outcome, 0) + 1
        if self.lang == "ko":
            parts = ", ".join(f"{self._word(o)} {n}" for o, n in counts.items())
            return (f"{word(self.target or 'AWS', 'ko')}에서 {self._word(self.action)}: "
                    f"{parts or word('no steps', 'ko')}; 읽기 API 호출 {self.reads}회, "
                    f"쓰기 API 호출 {self.writes}회, 재시도 {self.retries}회")
        parts = ", ".join(f"{n} {o}" for o, n in counts.items())
        return (f"{self.action} on {self.target or 'AWS'}: {parts or 'no steps'}; "
                f"{self.reads} read and {self.writes} write API calls, {self.retries} retries")

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """IPython's text form (text/plain in a notebook) is the readable one."""
        printer.text(str(self))

    def table(self) -> str:
        """The rows as text, without the summary line."""
        lang = self.lang
        outcomes = [self._word(r.outcome) for r in self.rows]
        head = [word(h, lang) for h in ("step", "outcome", "reason")]
        widths = [max([text_width(head[0])] + [len(r.step) for r in self.rows]),
                  max([text_width(head[1])] + [text_width(o) for o in outcomes])]
        lines = [f"{pad(head[0], widths[0])}  {pad(head[1], widths[1])}  {head[2]}"]
        for row, outcome in zip(self.rows, outcomes):
            lines.append(f"{pad(row.step, widths[0])}  {pad(outcome, widths[1])}  "
                         f"{tr(row.reason, lang)}")
            if row.arn:
                lines.append(f"{'':<{widths[0]}}  {'':<{widths[1]}}  {row.arn}")
        if self.notes:
            lines.append("")
            lines += [f"{word('note', lang)}: {tr(n, lang)}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return f"{self.summary()}\n\n{self.table()}"

    def _repr_html_(self) -> str:
        return self.html()

    def html(self, summary: bool = True) -> str:
        """The report as HTML; ``summary=False`` leaves out the summary line (for a view
        that shows its own summary above the table)."""
        esc, lang = html.escape, self.lang
        left = CELL_STYLE
        rows = "".join(
            f"<tr><td style='{left}'><code>{esc(r.step)}</code><br>{esc(render(r.title, lang))}</td>"
            # nowrap: in a narrow column Korean would break inside the word (생/성/됨)
            f"<td style='{left};white-space:nowrap;color:{_COLOUR.get(r.outcome, 'inherit')}'>"
            f"<b>{esc(self._word(r.outcome))}</b></td>"
            f"<td style='{left}'>{esc(tr(r.reason, lang))}"
            # A step with no resource (skipped, nothing to undo) shows no empty code box.
            + (f"<br><small><code>{esc(r.arn)}</code></small>" if r.arn else "") + "</td></tr>"
            for r in self.rows)
        notes = "".join(f"<li>{esc(tr(n, lang))}</li>" for n in self.notes)
        head = "".join(f"<th style='{left}'>{esc(word(h, lang))}</th>"
                       for h in ("step", "outcome", "reason"))
        top = f"<p><b>{esc(self.summary())}</b></p>" if summary else ""
        return (f"<div class='ecsrole-report'>{top}"
                f"<table style='text-align:left'><tr>{head}</tr>"
                f"{rows}</table>" + (f"<ul>{notes}</ul>" if notes else "") + "</div>")


def text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Hangul syllables are two wide."""
    return sum(2 if "\uac00" <= c <= "\ud7a3" else 1 for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - text_width(text))
