"""The views the notebooks display: each has text (papermill logs, code hosts) and HTML.

A view only shows: :class:`Table`, :class:`Identity`, :class:`StepView`,
:class:`ErratumView`, :class:`RunResult`, :class:`Findings`, :class:`ExportView`,
and the functions that build them. What a view shows of the target is read by
:mod:`ecsrole_lib.notebook.evidence`; the form that shows them is :mod:`ecsrole_lib.notebook.forms`.
Nothing here imports ipywidgets.

>>> print(Table("Roles", ("role", "kind"), [("ecsInstanceRole", "ec2")]))
Roles
role             kind
ecsInstanceRole  ec2
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from .. import policies
from ..errata import Erratum, errata
from ..errors import EcsRoleError, Problem, ValidationError
from ..hooks import provided
from ..i18n.catalog import Message, catalog, join, message, render
from ..i18n.messages import comments, tr, word
from ..plan import plan
from ..report import CELL_STYLE, Report, pad, text_width
from ..spec import RoleSpec
from .evidence import effective_trunking, erratum_evidence

if TYPE_CHECKING:
    from ..render.export import CliRun

__all__ = [
    "RED",
    "TRUNKING_TAKES_EFFECT",
    "ErratumView",
    "ExportView",
    "Findings",
    "Identity",
    "RunResult",
    "StepView",
    "Table",
    "choice",
    "erratum",
    "esc",
    "explain",
    "least_privilege_table",
    "localize",
    "localized_error",
    "sandbox_limits",
    "trunking_settings",
]

#: The colour of what failed or is missing (the form's problems use it too).
RED = "#cf222e"
_GREEN, _AMBER, _GREY = "#1a7f37", "#9a6700", "#57606a"
_CELL = CELL_STYLE


def esc(value: Any) -> str:
    """``value`` as text, escaped for HTML.

    >>> esc("<b> & 'x'")
    '&lt;b&gt; &amp; &#x27;x&#x27;'
    """
    return html.escape(str(value))


def choice(name: str, value: Any, allowed: Iterable[str]) -> None:
    """Refuse ``value`` unless it is one of ``allowed``: a ``ValidationError`` naming ``name``.

    >>> choice("lang", "fr", ("en", "ko"))
    Traceback (most recent call last):
    ...
    ecsrole_lib.errors.ValidationError: ...lang='fr': must be one of 'en', 'ko'...
    """
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValidationError(Problem(name, value, message(
            "views.must_be_one_of", choices=", ".join(repr(a) for a in allowed))))


def localize(report: Report, lang: str, *specs: RoleSpec) -> Report:
    """``report`` with each step's title in ``lang`` (the plan of ``specs`` has the titles)."""
    titles: dict[str, str] = {}
    for spec in specs:
        titles.update({s.id: s.title(lang) for s in plan(spec, lang)})
    rows = [dataclasses.replace(r, title=titles.get(r.step, tr(r.title, lang))) for r in report.rows]
    return dataclasses.replace(report, rows=rows, notes=list(report.notes), lang=lang)


def localized_error(err: EcsRoleError, lang: str) -> EcsRoleError:
    """``err`` with its message in ``lang`` (field names and AWS's own words stay).

    The library raises its errors in English; a notebook in Korean shows this copy.
    """
    if lang == "en":
        return err
    import copy

    new = copy.copy(err)
    problems = getattr(err, "problems", None)
    if problems is not None:
        new.problems = [Problem(p.field, p.value, tr(p.rule, lang)) for p in problems]
        lines = "\n".join(f"  - {p}" for p in new.problems)
        new.args = (f"{tr(err.headline, lang)} ({len(problems)}):\n{lines}",)
    else:
        said = err.args[0] if len(err.args) == 1 and isinstance(err.args[0], Message) else str(err)
        new.args = (tr(said, lang),)  # a message keeps its id in args, not in str(err)
    return new


# ---------------------------------------------------------------------------------------
# Small views: each has text (for papermill logs and code hosts) and HTML (for Jupyter).
# ---------------------------------------------------------------------------------------
@dataclass
class Table:
    """A titled table with an optional note; shows as HTML in Jupyter."""

    title: str
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]
    note: str = ""

    def __str__(self) -> str:
        widths = [max([text_width(h)] + [text_width(str(r[i])) for r in self.rows])
                  for i, h in enumerate(self.header)]
        lines = [self.title]
        if self.rows:
            lines.append("  ".join(pad(h, w) for h, w in zip(self.header, widths)).rstrip())
        lines += ["  ".join(pad(str(c), w) for c, w in zip(row, widths)).rstrip()
                  for row in self.rows]
        if self.note:
            lines += ["", self.note]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def translated(self, lang: str) -> Table:
        """The same table with its words in ``lang`` (:func:`ecsrole_lib.i18n.messages.tr`)."""
        if lang == "en":
            return self
        return Table(tr(self.title, lang), tuple(word(tr(h, lang), lang) for h in self.header),
                     [tuple(tr(c if isinstance(c, str) else str(c), lang) for c in row)
                      for row in self.rows],
                     tr(self.note, lang))

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='{_CELL}'>{esc(h)}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(f"<td style='{_CELL}'>{esc(c)}</td>" for c in row) + "</tr>"
                       for row in self.rows)
        table = (f"<table style='text-align:left'><tr>{head}</tr>{body}</table>"
                 if self.rows else "")
        note = f"<p><small>{esc(self.note)}</small></p>" if self.note else ""
        return f"<div><p><b>{esc(self.title)}</b></p>{table}{note}</div>"


@dataclass
class Identity:
    """Who the notebook talks to: target, account and caller ARN."""

    target: str
    region: str
    account: str
    arn: str
    endpoint: str = ""
    dry_run: bool = False
    action: str = "apply"
    lang: str = "en"

    def lines(self) -> list[str]:
        # On the sandbox, the account and ARN are moto's stand-ins: say so beside each.
        sandbox = self.target == "sandbox"
        stand_in = "_stand_in" * sandbox
        lines = [message("views.identity.target_sandbox" if sandbox else "views.identity.target_aws"),
                 message("views.identity.account" + stand_in, account=self.account),
                 message("views.identity.caller" + stand_in, arn=self.arn),
                 message("views.identity.region", region=self.region)]
        if self.endpoint:
            lines.append(message("views.identity.endpoint", endpoint=self.endpoint))
        # What a run of each action writes (a dry run writes nothing whatever the action).
        lines.append(message("views.identity.dry_run") if self.dry_run and self.action != "audit"
                     else message(f"views.identity.writes_{self.action}"))
        return [render(line, self.lang) for line in lines]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return "<ul>" + "".join(f"<li>{esc(line)}</li>" for line in self.lines()) + "</ul>"


def _words(area: str, ids: Iterable[str], lang: str) -> list[str]:
    """The words ``views.{area}.{id}`` of a view, in ``lang``."""
    return [render(message(f"views.{area}.{i}"), lang) for i in ids]


def _words_with(area: str, fields: dict[str, dict[str, Any]], lang: str) -> list[str]:
    """The messages ``views.{area}.{id}`` with their fields, in ``lang``."""
    return [render(message(f"views.{area}.{i}", **f), lang) for i, f in fields.items()]


def _gloss_off(text: str, lang: str) -> str:
    """A quote of the Korean page without the English gloss the guide adds after it."""
    if lang == "ko" and re.search("[\uac00-\ud7a3]", text) and text.endswith(")") and " (" in text:
        return text[:text.rfind(" (")]
    return text


@dataclass
class ErratumView:
    """One of the page's errors: as written, corrected, why, and what it does."""

    erratum: Erratum
    evidence: list[str] = field(default_factory=list)
    lang: str = "en"

    _WORDS: ClassVar[tuple[str, ...]] = ("erratum", "step", "as_written", "corrected", "why", "shown")

    def _texts(self) -> tuple[str, str, str, list[str]]:
        """Where, corrected, why and the evidence, in the view's language."""
        e, lang = self.erratum, self.lang
        return (tr(e.where, lang), _gloss_off(tr(e.corrected, lang), lang), tr(e.why, lang),
                [tr(line, lang) for line in self.evidence])

    @property
    def as_written(self) -> str:
        return _gloss_off(self.erratum.as_written, self.lang)

    def __str__(self) -> str:
        e = self.erratum
        name, step, written, corrected, why, shown = _words("erratum", self._WORDS, self.lang)
        where, fixed, because, evidence = self._texts()
        lines = [f"{name} {e.id} ({where}; {step} {e.step})",
                 f"  {written}: {self.as_written}", f"  {corrected}: {fixed}",
                 f"  {why}: {because}"]
        lines += [f"  {shown}: {line}" for line in evidence]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        e = self.erratum
        name, step, written, corrected, why, shown = _words("erratum", self._WORDS, self.lang)
        where, fixed, because, evidence = self._texts()
        items = "".join(f"<li>{esc(line)}</li>" for line in evidence)
        return (f"<div style='border-left:4px solid {_AMBER};padding-left:8px'>"
                f"<p><b>{name} {esc(e.id)}</b> &middot; {esc(where)} &middot; "
                f"{step} <code>{esc(e.step)}</code></p><table style='text-align:left'>"
                f"<tr><th style='{_CELL}'>{written}</th><td style='{_CELL};color:{RED}'>"
                f"<s>{esc(self.as_written)}</s></td></tr>"
                f"<tr><th style='{_CELL}'>{corrected}</th><td style='{_CELL};color:{_GREEN}'>"
                f"{esc(fixed)}</td></tr>"
                f"<tr><th style='{_CELL}'>{why}</th><td style='{_CELL}'>{esc(because)}</td></tr></table>"
                + (f"<p>{shown}:</p><ul>{items}</ul>" if items else "") + "</div>")


@dataclass
class StepView:
    """One documented step: title, console clicks and CLI in one language, files, errata."""

    number: int
    step: Any
    lang: str = "en"
    alternative: str = ""

    #: The plan's own numbering, named so it is not taken for the page's step numbers.
    _WORDS: ClassVar[tuple[str, ...]] = ("plan_step", "alternative", "console", "file", "note")

    def command(self) -> str:
        """The step's AWS CLI lines; the guide's comment lines in the view's language."""
        return comments(self.step.command, self.lang)

    def files(self) -> dict[str, str]:
        """The files the step writes, by name; their comment lines in the view's language."""
        return {name: comments(text, self.lang) for name, text in self.step.files.items()}

    def __str__(self) -> str:
        s, lang = self.step, self.lang
        plan_step, alternative, console, file, note = _words("step", self._WORDS, lang)
        lines = [f"{plan_step} {self.number}: {s.title(lang)}  [{s.id}]  ({tr(s.page_ref, lang)})"]
        if self.alternative:
            lines[0] = f"{alternative} ({tr(self.alternative, lang)}): {s.title(lang)}  [{s.id}]"
        lines.append(f"{console}:")
        lines += [f"  {line}" for line in s.console_path(lang)]
        for name, text in self.files().items():
            lines += [f"{file} {name}:"] + [f"  {line}" for line in text.splitlines()]
        lines += ["AWS CLI:"] + [f"  {line}" for line in self.command().splitlines()]
        for eid in s.errata:
            lines += ["", str(erratum(eid, lang=lang))]
        if s.note:
            lines.append(f"{note}: {tr(s.note, lang)}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        s = self.step
        lang = self.lang
        console = "".join(f"<li>{esc(line)}</li>" for line in s.console_path(lang))
        file = _words("step", ("file",), lang)[0]
        files = "".join(f"<p>{file} <code>{esc(n)}</code></p><pre>{esc(t)}</pre>"
                        for n, t in self.files().items())
        plan_step, alternative, console_word = _words("step", self._WORDS, lang)[:3]
        errata_html = "".join(erratum(eid, lang=lang)._repr_html_() for eid in s.errata)
        note = f"<p><i>{esc(tr(s.note, lang))}</i></p>" if s.note else ""
        number = (f"<span style='color:{_GREY}'>{alternative} ({esc(tr(self.alternative, lang))}):"
                  "</span>" if self.alternative else f"{plan_step} {self.number}:")
        return (f"<div class='ecsrole-step'><h4>{number} {esc(s.title(lang))} "
                f"<small><code>{esc(s.id)}</code> &middot; {esc(tr(s.page_ref, lang))}</small></h4>"
                f"<table><tr><th style='{_CELL}'>{console_word}</th>"
                f"<th style='{_CELL}'>AWS CLI</th></tr><tr><td style='{_CELL}'><ul>{console}</ul>"
                f"</td><td style='{_CELL}'>{files}<pre>{esc(self.command())}</pre></td></tr>"
                f"</table>{note}{errata_html}</div>")


@dataclass
class RunResult:
    """What the form's button (or :meth:`RoleForm.run`) did."""

    action: str
    method: str
    dry_run: bool
    report: Report
    cli: CliRun | None = None
    script: str = ""

    @property
    def summary(self) -> str:
        lang, summary = self.report.lang, self.report.summary()
        if self.action == "apply" and self.method == "cli" and not self.dry_run:
            # The AWS CLI made the writes and an audit read them back: say both, in that order.
            return render(message("views.run.cli_then_audit", audit=summary), lang)
        how = message(f"views.run.{self.method}")
        if self.action != "apply":
            how = message("views.run.read_only") if self.dry_run else ""
        elif self.dry_run:
            how = message("views.run.dry_run", how=how)
        return render(message("views.run.with_how", summary=summary, how=how), lang) if how \
            else summary

    def __str__(self) -> str:
        parts = [self.summary, "", self.report.table()]
        output, script = _words("run", ("cli_output", "cli_script"), self.report.lang)
        if self.cli is not None:
            parts += ["", output, self.cli.stdout.rstrip()]
        elif self.script:
            parts += ["", script, self.script]
        return "\n".join(parts)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        extra = ""
        output, script = _words("run", ("cli_output_html", "cli_script_html"), self.report.lang)
        if self.cli is not None:
            extra = (f"<details><summary>{output}</summary><pre>{esc(self.cli.stdout)}</pre>"
                     "</details>")
        elif self.script:
            extra = f"<details><summary>{script}</summary><pre>{esc(self.script)}</pre></details>"
        # The report's own summary line would repeat the one above it.
        return (f"<div><p><b>{esc(self.summary)}</b></p>{self.report.html(summary=False)}"
                f"{extra}</div>")


@dataclass
class Findings:
    """An audit's findings, each with what it means and how to fix it."""

    report: Report

    def rows(self) -> list[tuple[str, str, str, str]]:
        lang = self.report.lang
        return [(r.step, r.title, word(r.outcome, lang),
                 tr(r.reason, lang) + "\n" + tr(r.meaning, lang))
                for r in self.report.findings]

    def __str__(self) -> str:
        found, report = self.rows(), self.report
        lines = [render(message("views.findings.heading", n=len(found),
                                action=_word(report.action), target=_word(report.target)),
                        report.lang)]
        for step, title, outcome, text in found:
            lines += [f"- [{outcome}] {title} ({step})"] + [f"    {t}" for t in text.splitlines()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = {"missing": RED, "conflict": RED, "drift": _AMBER, "extra": _AMBER}
        lang = self.report.lang
        items = "".join(
            f"<li><b style='color:{colour.get(r.outcome, 'inherit')}'>{esc(outcome)}</b> "
            f"{esc(title)} <code>{esc(step)}</code><br>{esc(text.splitlines()[0])}<br>"
            f"<i>{esc(' '.join(text.splitlines()[1:]))}</i></li>"
            for r, (step, title, outcome, text) in zip(self.report.findings, self.rows()))
        heading = tr(message("audit.findings", n=len(self.report.findings)), lang).rstrip(".")
        return f"<div><p><b>{esc(heading)}</b></p><ol>{items}</ol></div>"


def _word(value: str) -> str:
    """An action's or a target's name as a message (its Korean word), else as it is."""
    return message(f"views.word.{value}") if f"views.word.{value}" in catalog("en") else value


def explain(report: Report) -> Findings:
    """Each finding of an audit report, with what it means and how to fix it."""
    return Findings(report)


def _by_id(eid: str) -> Erratum:
    for item in errata():
        if item.id == eid:
            return item
    raise ValidationError(Problem("erratum", eid, message(
        "views.must_be_one_of", choices=", ".join(repr(e.id) for e in errata()))))


def _validation_text(arn: str) -> str:
    try:
        RoleSpec(extra_policy_arns=[arn])
    except ValidationError as err:
        return join("; ", [p.rule for p in err.problems])
    return message("views.erratum.accepted")



def erratum(eid: str, session=None, spec: RoleSpec | None = None, lang: str = "en") -> ErratumView:
    """Erratum ``eid`` (``"E1"`` ... ``"E9"``), with what it does on ``session`` (read only).

    >>> print(erratum("E3").evidence[0])
    The guide's ARN check on the as-written ARN: the service (3rd field) must be 'iam', found '' (an extra ':' after the partition? erratum E3)
    """
    item = _by_id(eid)
    spec = spec or RoleSpec()
    view = ErratumView(item, lang=lang)
    if eid in ("E3", "E5"):
        arn = item.as_written.split("--policy-arn ")[-1]
        view.evidence.append(message("views.erratum.arn_check", rule=_validation_text(arn)))
    view.evidence += erratum_evidence(item, session, spec)
    return view



def least_privilege_table(spec: RoleSpec, lang: str = "en") -> Table:
    """Each broad grant of the page beside its least-privilege alternative, and the cost."""
    region, bucket, key = spec.region, spec.config_bucket or "<config_bucket>", spec.config_key
    broad_logs = policies.logs_policy(False)["Statement"][0]["Resource"][0]
    narrow_logs = policies.logs_policy(True, spec.partition, region, "<account>")["Statement"][0]["Resource"][0]
    ecr_actions = "ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer"
    s3_actions = policies.config_read_policy(spec.partition, bucket, key)["Statement"][0]["Action"]
    m = _least
    rows = [
        ("Amazon ECR", m("ecr_broad"), m("ecr_narrow", actions=ecr_actions,
                                         arn=f"arn:{spec.partition}:ecr:{region}:<account>:repository/<name>"),
         m("ecr_cost")),
        ("Amazon S3 (ecs.config)", m("s3_broad"),
         m("s3_narrow", actions=s3_actions, arn=f"arn:{spec.partition}:s3:::{bucket}/{key}"),
         m("s3_cost")),
        ("CloudWatch Logs", m("logs_broad", actions=", ".join(policies.LOGS_ACTIONS), arn=broad_logs),
         m("logs_narrow", arn=narrow_logs), m("logs_cost")),
    ]
    note = m("uses_least" if spec.least_privilege else "uses_broad", value=spec.least_privilege)
    return Table(m("title"), (m("permission"), m("page_grants"), m("least_grants"), m("costs")),
                 rows, note=note).translated(lang)


def _least(key: str, **fields: Any) -> Message:
    return message(f"views.least.{key}", **fields)


TRUNKING_TAKES_EFFECT = message("views.trunking.takes_effect")


def trunking_settings(session, specs: Iterable[RoleSpec], lang: str = "en") -> Table:
    """The effective ``awsvpcTrunking`` for each role's principal, beside what AWS would say.

    Read as ``aws ecs list-account-settings --effective-settings --principal-arn ARN``
    answers it (read only, :func:`ecsrole_lib.notebook.evidence.effective_trunking`).
    """
    rows = []
    for spec in specs:
        value = effective_trunking(session, spec)
        on_aws = _trunk("enabled" if spec.trunking else "default")
        rows.append((spec.role_name, _trunk("yes" if spec.trunking else "no"), value, on_aws))
    return Table(_trunk("title"), tuple(map(_trunk, ("role", "asked", "effective", "on_aws"))),
                 rows, TRUNKING_TAKES_EFFECT).translated(lang)


def _trunk(key: str) -> Message:
    return message(f"views.trunking.{key}")



def sandbox_limits(*topics: str, lang: str = "en") -> Table:
    """What the sandbox (moto) cannot emulate, and how the guide deals with it.

    ``topics`` (keys of :data:`ecsrole_lib.sandbox.server.LIMITS`, which the sandbox
    registers as the ``sandbox_limits`` hook) keep only the limits a notebook meets; none
    means all of them.

    >>> [row[0] for row in sandbox_limits("propagation").rows]
    ['propagation']
    """
    limits = provided("sandbox_limits")
    limits = provided("sandbox_limits")
    for topic in topics:
        choice("topics", topic, limits)
    title, topic, what = _words("limits", ("title_here" if topics else "title", "topic",
                                           "what_happens"), lang)
    return Table(title, (topic, what),
                 [(tr(k.replace("_", " "), lang), tr(v, lang)) for k, v in limits.items()
                  if not topics or k in topics])


@dataclass
class ExportView:
    """The exports written for a spec: links to each file, and the StackSets rollout recipe."""

    folder: Path
    files: dict[str, Path]
    rollout: str
    lang: str = "en"

    def relative(self, path: Path) -> str:
        """``path`` relative to the working directory where it lies under it (as a link)."""
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)

    def __str__(self) -> str:
        folder = self.relative(self.folder)
        written, rollout = _words_with("export", {"written": {"folder": folder}, "rollout": {}},
                                       self.lang)
        lines = [written] + [f"  {key:<34} {self.relative(path)}" for key, path in self.files.items()]
        return "\n".join(lines + ["", rollout, self.rollout])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        links = "".join(f"<li><a href='{esc(self.relative(p))}' download>{esc(p.name)}</a> "
                        f"<small>({esc(key)})</small></li>" for key, p in self.files.items())
        written, rollout = _words_with("export", {
            "written_html": {"folder": esc(self.relative(self.folder))}, "rollout_html": {}},
            self.lang)
        return (f"<div class='ecsrole-export'><p>{written}</p><ul>{links}</ul>"
                f"<p>{rollout}</p><pre>{esc(self.rollout)}</pre></div>")


