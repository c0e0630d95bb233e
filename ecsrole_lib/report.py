"""``Report``: what a run did or found, step by step, as a table in text and HTML.

>>> r = Report("apply", target="sandbox")
>>> r.add("create_role", "Create the role", "created", "arn:aws:iam::123456789012:role/r", "role created")
>>> r.outcomes
{'create_role': 'created'}
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

__all__ = ["Report", "Row"]

#: Notebook style sheets right-align table cells; the guide's tables read left to right.
CELL_STYLE = "text-align:left;vertical-align:top"


@dataclass(frozen=True)
class Row:
    """One step's line in a report."""

    step: str
    title: str
    outcome: str
    arn: str
    reason: str


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
    """

    action: str
    target: str = ""
    rows: list[Row] = field(default_factory=list)
    reads: int = 0
    writes: int = 0
    retries: int = 0
    notes: list[str] = field(default_factory=list)
    account: str = ""

    def add(self, step: str, title: str, outcome: str, arn: str = "", reason: str = "") -> None:
        self.rows.append(Row(step, title, outcome, arn, reason))

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
        return [r for r in self.rows if r.outcome not in ("ok", "info", "unchanged", "skipped")]

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.outcome] = counts.get(row.outcome, 0) + 1
        parts = ", ".join(f"{n} {o}" for o, n in counts.items())
        return (f"{self.action} on {self.target or 'AWS'}: {parts or 'no steps'}; "
                f"{self.reads} read and {self.writes} write API calls, {self.retries} retries")

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """IPython's text form (text/plain in a notebook) is the readable one."""
        printer.text(str(self))

    def __str__(self) -> str:
        widths = [max([len(h)] + [len(getattr(r, a)) for r in self.rows])
                  for h, a in (("step", "step"), ("outcome", "outcome"))]
        lines = [self.summary(), ""]
        lines.append(f"{'step':<{widths[0]}}  {'outcome':<{widths[1]}}  reason")
        for row in self.rows:
            lines.append(f"{row.step:<{widths[0]}}  {row.outcome:<{widths[1]}}  {row.reason}")
            if row.arn:
                lines.append(f"{'':<{widths[0]}}  {'':<{widths[1]}}  {row.arn}")
        if self.notes:
            lines.append("")
            lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        colour = {"created": "#1a7f37", "updated": "#9a6700", "removed": "#cf222e",
                  "kept": "#0969da", "missing": "#cf222e", "drift": "#9a6700",
                  "conflict": "#cf222e", "extra": "#9a6700"}
        left = CELL_STYLE
        rows = "".join(
            f"<tr><td style='{left}'><code>{esc(r.step)}</code><br>{esc(r.title)}</td>"
            f"<td style='{left};color:{colour.get(r.outcome, 'inherit')}'><b>{esc(r.outcome)}</b></td>"
            f"<td style='{left}'>{esc(r.reason)}<br><small><code>{esc(r.arn)}</code></small></td></tr>"
            for r in self.rows)
        notes = "".join(f"<li>{esc(n)}</li>" for n in self.notes)
        head = "".join(f"<th style='{left}'>{h}</th>" for h in ("step", "outcome", "reason"))
        return (f"<div class='ecsrole-report'><p><b>{esc(self.summary())}</b></p>"
                f"<table style='text-align:left'><tr>{head}</tr>"
                f"{rows}</table>" + (f"<ul>{notes}</ul>" if notes else "") + "</div>")
