"""``plan(spec)``: the documented steps for a spec, in the page's order.

Everything a user sees or runs is read from this one list: the notebook's
text, the console clicks, the CLI commands, apply, audit, teardown and the
exports.

>>> from ecsrole_lib import RoleSpec, plan
>>> [s.id for s in plan(RoleSpec())]
['create_role', 'create_instance_profile', 'add_role_to_instance_profile', 'wait_instance_profile', 'attach_managed_policy']
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import features
from .i18n.catalog import message, render
from .report import CELL_STYLE
from .steps import Step

if TYPE_CHECKING:
    from .spec import RoleSpec

__all__ = ["LANGS", "Plan", "plan"]

LANGS = ("en", "ko")


def _fill_account(name: str) -> str:
    """A shell command that writes the preamble's account id into file ``name``."""
    return f'sed "s/\\${{ACCOUNT_ID}}/$ACCOUNT_ID/g" {name} > {name}.tmp && mv {name}.tmp {name}'


@dataclass
class Plan:
    """The ordered steps for a spec, and how to read them.

    ``str(plan)`` is a plain-text rendering; in Jupyter the plan shows as HTML.
    When the account is known (``plan(spec, account=...)``) the documents name
    it; otherwise they say ``${ACCOUNT_ID}``, which the CLI preamble sets and
    :meth:`commands` fills into the files that need it.
    """

    spec: RoleSpec
    steps: list[Step]
    lang: str = "en"
    account: str | None = None
    preamble: tuple[str, ...] = field(default=(
        "ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)",))

    def __iter__(self):
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.steps]

    def in_language(self, lang: str) -> Plan:
        """The same plan, rendered in ``lang`` (``"en"`` or ``"ko"``)."""
        return Plan(self.spec, self.steps, lang, self.account, self.preamble)

    def managed_policy_arns(self) -> list[str]:
        """Every managed policy the role will hold, in order, as the plan shows them.

        >>> from ecsrole_lib import RoleSpec
        >>> plan(RoleSpec(features=["cloudwatch_logs"])).managed_policy_arns()[-1]
        'arn:aws:iam::${ACCOUNT_ID}:policy/cwlogspolicy'
        """
        return [arn for s in self.steps if (arn := s.action.attaches(None)) is not None]

    def inline_documents(self) -> dict[str, dict]:
        """Every inline policy the guide may write on the role, by name, with its document."""
        documents: dict[str, dict] = {}
        for step in self.steps:
            documents.update(step.action.inline_documents)
        return documents

    def files(self) -> dict[str, str]:
        """Every file the CLI commands read, by name."""
        found: dict[str, str] = {}
        for step in self.steps:
            found.update(step.files)
        return found

    def commands(self) -> list[str]:
        """The AWS CLI commands in order, the preamble first.

        The shell expands ``${ACCOUNT_ID}`` in a command but not in a file read with
        ``file://``, so each file that names the account is filled in right after
        the preamble.
        """
        fill = [_fill_account(name) for s in self.steps for name in s.account_files]
        return list(self.preamble) + fill + [c for s in self.steps for c in s.setup + s.cli]

    def console(self) -> list[str]:
        """Every console instruction in order, in the plan's language."""
        return [line for s in self.steps for line in s.console_path(self.lang)]

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """IPython's text form (text/plain in a notebook) is the readable one."""
        printer.text(str(self))

    def __str__(self) -> str:
        from .i18n.messages import tr  # the page's references are older texts (KO)

        said = {k: render(message(f"plan.{k}"), self.lang) for k in ("console", "cli", "errata")}
        lines = [render(message("plan.header", role=self.spec.role_name,
                                kind=self.spec.instance_kind, n=len(self.steps)), self.lang)]
        for number, step in enumerate(self.steps, 1):
            lines.append(f"\n{number}. [{step.id}] {step.title(self.lang)}  ({tr(step.page_ref, self.lang)})")
            lines += [f"   {said['console']}: {line}" for line in step.console_path(self.lang)]
            lines += [f"   {said['cli']}: " + (_said(c, self.lang) if c.startswith("# ") else c)
                      for c in step.setup + step.cli]  # as typed; the guide's comments translated
            if step.errata:
                lines.append(f"   {said['errata']}: {', '.join(step.errata)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        left = CELL_STYLE
        rows = []
        for number, step in enumerate(self.steps, 1):
            console = "".join(f"<li>{esc(line)}</li>" for line in step.console_path(self.lang))
            errata = (f"<br><small>{esc(render(message('plan.errata'), self.lang))}: "
                      f"{esc(', '.join(step.errata))}</small>" if step.errata else "")
            # The commands get the notebook's whole width on a row of their own: in a column
            # they broke inside words ("ecsIn stanceRole"); here a line wraps only if it must.
            rows.append(
                f"<tr><td style='{left};width:1%' rowspan='2'>{number}</td>"
                f"<td style='{left};width:30%'>"
                f"<b>{esc(step.title(self.lang))}</b><br><code>{esc(step.id)}</code><br>"
                f"<small>{esc(_said(step.page_ref, self.lang))}</small>{errata}</td>"
                f"<td style='{left}'><ul style='margin:0'>{console}</ul></td></tr>"
                f"<tr><td style='{left}' colspan='2'><pre style='margin:0;white-space:pre-wrap;"
                f"overflow-wrap:normal;word-break:normal'>{esc(self._cli(step))}</pre></td></tr>")
        names = [render(message(f"plan.column_{k}"), self.lang) for k in ("plan", "step", "console")]
        head = "<tr>" + "".join(f"<th style='{left}'>{n}</th>" for n in names) + "</tr>"
        header = render(message("plan.header", role=f"<code>{esc(self.spec.role_name)}</code>",
                                kind=esc(self.spec.instance_kind), n=len(self.steps)), self.lang)
        return (f"<div class='ecsrole-plan'><p>{header}</p>"
                f"<table style='text-align:left;width:100%'>{head}{''.join(rows)}</table></div>")

    def _cli(self, step: Step) -> str:
        """The step's AWS CLI lines as typed; its comments in the plan's language."""
        return "\n".join(_said(line, self.lang) if line.startswith("# ") else line
                         for line in step.command.split("\n"))


def _said(text: str, lang: str) -> str:
    from .i18n.messages import tr  # page references and comments not yet by id (KO)

    return tr(text, lang)


def plan(spec: RoleSpec, lang: str = "en", account: str | None = None) -> Plan:
    """The documented steps for ``spec``, in the page's order.

    Parameters
    ----------
    spec
        The user's choices.
    lang
        ``"en"`` or ``"ko"``: the language of titles and console clicks.
    account
        The 12-digit account id, once known (``whoami``, apply): the documents
        then name it. ``None``: they say ``${ACCOUNT_ID}`` and say how to fill it in.
    """
    facts = features.Facts(spec, spec.partition, account, features.ecs_config(spec))
    steps = [step for f in features.applicable(spec) for step in f.steps(facts)]
    # An extra policy that a documented step already attaches is attached once, by that step.
    attached: set[str] = set()
    for step in list(steps):
        arn = step.action.attaches(None)
        if arn is not None:
            if arn in attached:
                steps.remove(step)
            attached.add(arn)
    return Plan(spec, steps, lang if lang in LANGS else "en", account)
