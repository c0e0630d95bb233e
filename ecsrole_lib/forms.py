"""The guide's ipywidgets form, and the small views the notebooks display.

A :class:`RoleForm` is pre-filled from a notebook's parameters. It shows the
plan for the current choices (what will be created, the console clicks, the
AWS CLI commands) and renders it again whenever a value changes. Its button
applies the plan (or audits, or tears down) and shows the report in an
``Output`` widget. :meth:`RoleForm.run` does exactly what the button does,
from the form's current values, so a headless run (papermill, where nobody
clicks) follows the same path.

``method="console"`` applies through the library; ``method="cli"`` runs the
documented AWS CLI commands, as corrected, with the real ``aws`` executable
against the same target (the sandbox endpoint included).

>>> form = RoleForm(features=["ecr"], lang="ko")
>>> form.spec.features
('ecr',)
>>> form.plan()["create_role"].title("ko")
'신뢰 정책으로 역할 생성'
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import ipywidgets as widgets
import jmespath

from . import policies
from .aws import connect
from .converge import apply, audit, teardown
from .errata import Erratum, errata
from .errors import EcsRoleError, Problem, ValidationError
from .export import CliRun, export_cli, rollout_commands, run_cli, write_exports
from .features import feature as find_feature
from .i18n import tr, word
from .plan import LANGS, Plan, plan
from .report import CELL_STYLE, Report, pad, text_width
from .sandbox import LIMITS
from .spec import FEATURES, INSTANCE_KINDS, RoleSpec

__all__ = [
    "ACTIONS",
    "METHODS",
    "ErratumView",
    "ExportView",
    "Findings",
    "Identity",
    "RoleForm",
    "RunResult",
    "StepView",
    "Table",
    "erratum",
    "explain",
    "least_privilege_table",
    "localize",
    "localized_error",
    "sandbox_limits",
    "trunking_settings",
]

METHODS = ("console", "cli")
ACTIONS = ("apply", "audit", "teardown")

#: Form labels; the Korean ones are those the page and the Korean IAM console use.
#: A feature's checkbox label lives in its module (``ecsrole_lib/features/``).
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "target": "Target", "region": "Region", "role_name": "Role name",
        "instance_profile_name": "Instance profile", "instance_kind": "Instances",
        "features": "Features", "least_privilege": "Least privilege",
        "config_bucket": "Config bucket", "cluster_name": "Cluster", "trunking": "ENI trunking",
        "method": "Method", "dry_run": "Dry run (read only)", "lang": "Language",
        "apply": "Apply", "audit": "Audit", "teardown": "Tear down",
        "plan": "Plan", "console": "Console", "cli": "AWS CLI",
        "ready": "Ready: {n} steps for role {role}.", "invalid": "Fix the form first:",
        "export": "Export",
    },
    "ko": {
        "target": "대상", "region": "리전", "role_name": "역할 이름",
        "instance_profile_name": "인스턴스 프로파일", "instance_kind": "인스턴스",
        "features": "기능", "least_privilege": "최소 권한",
        "config_bucket": "구성 버킷", "cluster_name": "클러스터", "trunking": "ENI 트렁킹",
        "method": "방법", "dry_run": "시험 실행(읽기 전용)", "lang": "언어",
        "apply": "적용", "audit": "감사", "teardown": "정리",
        "plan": "계획", "console": "콘솔", "cli": "AWS CLI",
        "ready": "준비됨: 역할 {role}의 {n}단계.", "invalid": "먼저 양식을 고치십시오:",
        "export": "내보내기",
    },
}

_GREEN, _RED, _AMBER, _GREY = "#1a7f37", "#cf222e", "#9a6700", "#57606a"
_CELL = CELL_STYLE


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _choice(name: str, value: Any, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValidationError(Problem(name, value, "must be one of " +
                                      ", ".join(repr(a) for a in allowed)))


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
        new.args = (tr(str(err), lang),)
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
        """The same table with its words in ``lang`` (:func:`ecsrole_lib.i18n.tr`)."""
        if lang == "en":
            return self
        return Table(tr(self.title, lang), tuple(word(tr(h, lang), lang) for h in self.header),
                     [tuple(tr(str(c), lang) for c in row) for row in self.rows],
                     tr(self.note, lang))

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='{_CELL}'>{_esc(h)}</th>" for h in self.header)
        body = "".join("<tr>" + "".join(f"<td style='{_CELL}'>{_esc(c)}</td>" for c in row) + "</tr>"
                       for row in self.rows)
        table = (f"<table style='text-align:left'><tr>{head}</tr>{body}</table>"
                 if self.rows else "")
        note = f"<p><small>{_esc(self.note)}</small></p>" if self.note else ""
        return f"<div><p><b>{_esc(self.title)}</b></p>{table}{note}</div>"


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

    #: What a run of each action writes (a dry run writes nothing whatever the action).
    WRITES: ClassVar[dict[str, str]] = {"apply": "Writes: only what differs from the plan.",
              "audit": "Writes: none; an audit only reads.",
              "teardown": "Writes: removes only what the guide created (tag created-by=ecsrole-guide)."}

    def lines(self) -> list[str]:
        where = ("the sandbox (a moto server on 127.0.0.1; no AWS account is used)"
                 if self.target == "sandbox" else "AWS, with the standard credential chain")
        stand_in = " (the sandbox's stand-in, not an AWS account of yours)" \
            if self.target == "sandbox" else ""
        lines = [f"Target: {where}", f"Account: {self.account}{stand_in}",
                 f"Caller ARN: {self.arn}{stand_in}", f"Region: {self.region}"]
        if self.endpoint:
            lines.append(f"Endpoint: {self.endpoint} (AWS_ENDPOINT_URL)")
        lines.append("Dry run: the notebook only reads; apply reports what it would do."
                     if self.dry_run and self.action != "audit" else self.WRITES[self.action])
        return [tr(line, self.lang) for line in lines]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        return "<ul>" + "".join(f"<li>{_esc(line)}</li>" for line in self.lines()) + "</ul>"


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

    _WORDS: ClassVar[dict[str, tuple[str, ...]]] = {"en": ("Erratum", "step", "as written", "corrected", "why", "shown here"),
              "ko": ("정오표", "단계", "페이지에 적힌 것", "고친 것", "이유", "여기서 확인한 것")}

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
        name, step, written, corrected, why, shown = self._WORDS[self.lang]
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
        name, step, written, corrected, why, shown = self._WORDS[self.lang]
        where, fixed, because, evidence = self._texts()
        items = "".join(f"<li>{_esc(line)}</li>" for line in evidence)
        return (f"<div style='border-left:4px solid {_AMBER};padding-left:8px'>"
                f"<p><b>{name} {_esc(e.id)}</b> &middot; {_esc(where)} &middot; "
                f"{step} <code>{_esc(e.step)}</code></p><table style='text-align:left'>"
                f"<tr><th style='{_CELL}'>{written}</th><td style='{_CELL};color:{_RED}'>"
                f"<s>{_esc(self.as_written)}</s></td></tr>"
                f"<tr><th style='{_CELL}'>{corrected}</th><td style='{_CELL};color:{_GREEN}'>"
                f"{_esc(fixed)}</td></tr>"
                f"<tr><th style='{_CELL}'>{why}</th><td style='{_CELL}'>{_esc(because)}</td></tr></table>"
                + (f"<p>{shown}:</p><ul>{items}</ul>" if items else "") + "</div>")


@dataclass
class StepView:
    """One documented step: title, console clicks and CLI in one language, files, errata."""

    number: int
    step: Any
    lang: str = "en"
    alternative: str = ""

    #: The plan's own numbering, named so it is not taken for the page's step numbers.
    _WORDS: ClassVar[dict[str, tuple[str, ...]]] = {"en": ("Plan step", "Alternative", "Console", "File", "Note"),
              "ko": ("계획 단계", "대안", "콘솔", "파일", "참고")}

    def command(self) -> str:
        """The step's AWS CLI lines; the guide's comment lines in the view's language."""
        return "\n".join(tr(line, self.lang) if line.startswith("# ") else line
                         for line in self.step.command.splitlines())

    def __str__(self) -> str:
        s, lang = self.step, self.lang
        plan_step, alternative, console, file, note = self._WORDS[lang]
        lines = [f"{plan_step} {self.number}: {s.title(lang)}  [{s.id}]  ({tr(s.page_ref, lang)})"]
        if self.alternative:
            lines[0] = f"{alternative} ({tr(self.alternative, lang)}): {s.title(lang)}  [{s.id}]"
        lines.append(f"{console}:")
        lines += [f"  {line}" for line in s.console_path(lang)]
        for name, text in s.files.items():
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
        console = "".join(f"<li>{_esc(line)}</li>" for line in s.console_path(self.lang))
        files = "".join(f"<p>File <code>{_esc(n)}</code></p><pre>{_esc(t)}</pre>"
                        for n, t in s.files.items())
        lang = self.lang
        plan_step, alternative = self._WORDS[lang][:2]
        errata_html = "".join(erratum(eid, lang=lang)._repr_html_() for eid in s.errata)
        note = f"<p><i>{_esc(tr(s.note, lang))}</i></p>" if s.note else ""
        labels = LABELS[lang]
        number = (f"<span style='color:{_GREY}'>{alternative} ({_esc(tr(self.alternative, lang))}):"
                  "</span>" if self.alternative else f"{plan_step} {self.number}:")
        return (f"<div class='ecsrole-step'><h4>{number} {_esc(s.title(lang))} "
                f"<small><code>{_esc(s.id)}</code> &middot; {_esc(tr(s.page_ref, lang))}</small></h4>"
                f"<table><tr><th style='{_CELL}'>{labels['console']}</th>"
                f"<th style='{_CELL}'>{labels['cli']}</th></tr><tr><td style='{_CELL}'><ul>{console}</ul>"
                f"</td><td style='{_CELL}'>{files}<pre>{_esc(self.command())}</pre></td></tr>"
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
        how = {"console": "through the library", "cli": "with the AWS CLI"}[self.method]
        if self.action != "apply":
            how = "dry run, read only" if self.dry_run else ""
        elif self.dry_run:
            how = f"{how}, dry run (nothing written)"
        elif self.method == "cli":
            how = f"{how}, then audited"
        return f"{self.report.summary()}" + (f" ({tr(how, self.report.lang)})" if how else "")

    def __str__(self) -> str:
        parts = [self.summary, "", self.report.table()]
        if self.cli is not None:
            parts += ["", "AWS CLI output:", self.cli.stdout.rstrip()]
        elif self.script:
            parts += ["", "AWS CLI script (not run):", self.script]
        return "\n".join(parts)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        extra = ""
        if self.cli is not None:
            extra = ("<details><summary>AWS CLI output (the real <code>aws</code> executable)"
                     f"</summary><pre>{_esc(self.cli.stdout)}</pre></details>")
        elif self.script:
            extra = ("<details><summary>AWS CLI script (dry run: shown, not run)</summary>"
                     f"<pre>{_esc(self.script)}</pre></details>")
        # The report's own summary line would repeat the one above it.
        return (f"<div><p><b>{_esc(self.summary)}</b></p>{self.report.html(summary=False)}"
                f"{extra}</div>")


_EXPLAIN = {
    "create_role": "The role must exist and trust the right service. Amazon EC2 "
                   "(ec2.amazonaws.com) assumes it for an EC2 instance, Systems Manager "
                   "(ssm.amazonaws.com) for an external one. Fix: apply restores the trust policy "
                   "of a role the guide created; for another role, edit its trust policy "
                   "(IAM console: the role's Trust relationships tab, Edit trust policy).",
    "create_instance_profile": "Amazon EC2 hands a role to an instance only through an instance "
                               "profile: without one the role cannot be chosen at launch, and the "
                               "agent gets no credentials. Fix: apply (AWS CLI steps 3 and 4).",
    "add_role_to_instance_profile": "The instance profile is empty or missing, so an instance "
                                    "launched with it has no role. Fix: apply (AWS CLI step 4).",
    "attach_managed_policy": "Without AmazonEC2ContainerServiceforEC2Role the container agent "
                             "cannot register the instance with the cluster. Fix: apply (console "
                             "step 6, AWS CLI step 5).",
    "attach_ssm_managed_instance_core": "Without Systems Manager permissions an external instance "
                                        "cannot register. Fix: apply.",
    "check_ecr_permissions": "A missing feature permission: image pulls from Amazon ECR fail. "
                             "The four ECR actions come with AmazonEC2ContainerServiceforEC2Role. "
                             "Fix: apply.",
    "attach_s3_read_only": "A missing feature permission: the user data cannot copy ecs.config "
                           "from the bucket, so the instance joins the default cluster. Fix: apply.",
    "put_s3_config_policy": "A missing feature permission: the user data cannot copy ecs.config "
                            "from the bucket. Fix: apply.",
    "create_config_bucket": "The private bucket for ecs.config is missing. Fix: apply.",
    "upload_ecs_config": "ecs.config is not in the bucket (or differs). Fix: apply.",
    "create_logs_policy": "The CloudWatch Logs policy is missing or grants something else. "
                          "Fix: apply.",
    "attach_logs_policy": "A missing feature permission: the instance cannot send its logs to "
                          "CloudWatch Logs. Fix: apply.",
    "enable_awsvpc_trunking": "awsvpcTrunking is not enabled for this role: its instances get "
                              "no trunk ENI. Fix: apply.",
    "extra_policy": "More than the spec names: least privilege says remove what the instances "
                    "do not need. apply never removes it; teardown keeps the role while it is "
                    "attached.",
    "extra_inline_policy": "An inline policy the spec does not name: read what it grants.",
}


@dataclass
class Findings:
    """An audit's findings, each with what it means and how to fix it."""

    report: Report

    def rows(self) -> list[tuple[str, str, str, str]]:
        lang = self.report.lang
        return [(r.step, r.title, word(r.outcome, lang),
                 tr(r.reason, lang) + "\n" + tr(_EXPLAIN.get(r.step, ""), lang))
                for r in self.report.findings]

    def __str__(self) -> str:
        found, report = self.rows(), self.report
        lines = [tr(f"{len(found)} finding(s) in {report.action} of {report.target}", report.lang)]
        for step, title, outcome, text in found:
            lines += [f"- [{outcome}] {title} ({step})"] + [f"    {t}" for t in text.splitlines()]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour = {"missing": _RED, "conflict": _RED, "drift": _AMBER, "extra": _AMBER}
        lang = self.report.lang
        items = "".join(
            f"<li><b style='color:{colour.get(r.outcome, 'inherit')}'>{_esc(outcome)}</b> "
            f"{_esc(title)} <code>{_esc(step)}</code><br>{_esc(text.splitlines()[0])}<br>"
            f"<i>{_esc(' '.join(text.splitlines()[1:]))}</i></li>"
            for r, (step, title, outcome, text) in zip(self.report.findings, self.rows()))
        heading = tr(f"{len(self.report.findings)} finding(s).", lang).rstrip(".")
        return f"<div><p><b>{_esc(heading)}</b></p><ol>{items}</ol></div>"


def explain(report: Report) -> Findings:
    """Each finding of an audit report, with what it means and how to fix it."""
    return Findings(report)


def _by_id(eid: str) -> Erratum:
    for item in errata():
        if item.id == eid:
            return item
    raise ValidationError(Problem("erratum", eid, "must be one of "
                                  + ", ".join(repr(e.id) for e in errata())))


def _validation_text(arn: str) -> str:
    try:
        RoleSpec(extra_policy_arns=[arn])
    except ValidationError as err:
        return "; ".join(p.rule for p in err.problems)
    return "accepted"


def _iam_answer(session, spec: RoleSpec, arn: str) -> str:
    """What IAM itself answers to ``arn`` as written (``GetPolicy``: a read, nothing changes)."""
    from botocore.exceptions import ClientError

    from .aws import Context

    ctx = Context(session, spec.region)
    try:
        ctx.call("iam", "get_policy", ok_codes=("InvalidInput", "NoSuchEntity", "ValidationError"),
                 PolicyArn=arn)
        answer = "accepted it (a policy by that ARN exists)"
    except ClientError as err:
        error = err.response.get("Error", {})
        answer = f"{error.get('Code')}: {error.get('Message')}"
    where = "The sandbox (moto)" if ctx.sandbox else "IAM"
    return f"{where} answers GetPolicy with the ARN as written: {answer}"


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
        view.evidence.append(f"The guide's ARN check on the as-written ARN: {_validation_text(arn)}")
    if session is None:
        return view
    if eid in ("E3", "E5"):
        view.evidence.append(_iam_answer(session, spec, item.as_written.split("--policy-arn ")[-1]))
    iam = session.client("iam", region_name=spec.region)
    if eid == "E1" and spec.instance_profile_name:
        try:
            roles = [r["RoleName"] for r in iam.get_instance_profile(
                InstanceProfileName=spec.instance_profile_name)["InstanceProfile"]["Roles"]]
            view.evidence.append(f"Instance profile {spec.instance_profile_name} holds role(s): "
                                 f"{', '.join(roles) or 'none'}")
        except iam.exceptions.NoSuchEntityException:
            view.evidence.append(f"Instance profile {spec.instance_profile_name} does not exist yet")
    if eid == "E2":
        for label, name in (("as written", item.as_written), ("corrected", item.corrected)):
            arn = f"arn:aws:iam::aws:policy/service-role/{name}"
            try:
                iam.get_policy(PolicyArn=arn)
                view.evidence.append(f"GetPolicy {arn} ({label}): exists")
            except iam.exceptions.NoSuchEntityException:
                view.evidence.append(f"GetPolicy {arn} ({label}): NoSuchEntity")
    if eid == "E4":
        local = [p for page in iam.get_paginator("list_policies").paginate(Scope="Local")
                 for p in page["Policies"]]
        for label, text in (("as written", item.as_written),
                            ("corrected", item.corrected.replace("cwlogspolicy",
                                                                 spec.log_policy_name))):
            query = text.split("--query ")[-1].strip("'")
            found = jmespath.search(query, {"Policies": local})
            view.evidence.append(f"{query} ({label}) returns {json.dumps(found)}")
    if eid == "E6":
        arn = policies.managed_policy_arn("aws", policies.CONTAINER_INSTANCE_POLICY)
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        document = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
        granted = policies.allowed_actions(document, policies.ECR_ACTIONS)
        for action in policies.ECR_ACTIONS:
            how = f"granted by {json.dumps(granted[action])}" if action in granted else "NOT granted"
            view.evidence.append(f"{action}: {how} in {policies.CONTAINER_INSTANCE_POLICY[1]} "
                                 f"({version})")
    return view


def least_privilege_table(spec: RoleSpec, lang: str = "en") -> Table:
    """Each broad grant of the page beside its least-privilege alternative, and the cost."""
    region, bucket, key = spec.region, spec.config_bucket or "<config_bucket>", spec.config_key
    broad_logs = policies.logs_policy(False)["Statement"][0]["Resource"][0]
    narrow_logs = policies.logs_policy(True, spec.partition, region, "<account>")["Statement"][0]["Resource"][0]
    rows = [
        ("Amazon ECR", "the four ECR actions on * (they come with AmazonEC2ContainerServiceforEC2Role)",
         (f"ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer on "
          f"arn:{spec.partition}:ecr:{region}:<account>:repository/<name>; "
          "ecr:GetAuthorizationToken stays on *"),
         "not done by the guide: the managed policy is kept so AWS can add future permissions"),
        ("Amazon S3 (ecs.config)", "AmazonS3ReadOnlyAccess: every object of every bucket",
         (f"inline {policies.config_read_policy(spec.partition, bucket, key)['Statement'][0]['Action']}"
          f" on arn:{spec.partition}:s3:::{bucket}/{key} only"),
         "a new config object or bucket needs the policy edited"),
        ("CloudWatch Logs", f"{', '.join(policies.LOGS_ACTIONS)} on {broad_logs}",
         f"the same actions on {narrow_logs}",
         "instances in other Regions or accounts cannot use the policy"),
    ]
    chosen = "least privilege" if spec.least_privilege else "the page's broad grants"
    return Table("Broad grant (the page) beside its least-privilege alternative",
                 ("permission", "the page grants", "least privilege grants", "what it costs"),
                 rows, note=f"This run uses {chosen} (least_privilege={spec.least_privilege}).",
                 ).translated(lang)


TRUNKING_TAKES_EFFECT = (
    "The setting takes effect for container instances that register after it is set, launched "
    "with this role's instance profile, on instance types that support ENI trunking; tasks "
    "that use the awsvpc network mode then get a branch ENI on the instance's trunk ENI. "
    "Instances registered before keep their ENI limits until they are replaced.")


def trunking_settings(session, specs: Iterable[RoleSpec], lang: str = "en") -> Table:
    """The effective ``awsvpcTrunking`` for each role's principal, beside what AWS would say.

    Read as ``aws ecs list-account-settings --effective-settings --principal-arn ARN``
    answers it (read only, through the guide's client factory).
    """
    from .aws import Context

    rows = []
    for spec in specs:
        ctx = Context(session, spec.region)
        identity = ctx.call("sts", "get_caller_identity", "identifying the caller")
        partition = identity["Arn"].split(":")[1]
        arn = f"arn:{partition}:iam::{identity['Account']}:role{spec.path}{spec.role_name}"
        settings = ctx.call("ecs", "list_account_settings", "reading awsvpcTrunking",
                            name="awsvpcTrunking", principalArn=arn,
                            effectiveSettings=True)["settings"]
        value = settings[0]["value"] if settings else "disabled"
        on_aws = "enabled" if spec.trunking else "the account default (disabled unless set)"
        rows.append((spec.role_name, "yes" if spec.trunking else "no", value, on_aws))
    note = TRUNKING_TAKES_EFFECT
    return Table("awsvpcTrunking, effective for each role's principal",
                 ("role", "asked for trunking", "awsvpcTrunking (this target)", "on AWS"),
                 rows, note).translated(lang)


def sandbox_limits(*topics: str, lang: str = "en") -> Table:
    """What the sandbox (moto) cannot emulate, and how the guide deals with it.

    ``topics`` (keys of :data:`ecsrole_lib.sandbox.LIMITS`) keep only the limits a
    notebook meets; none means all of them.

    >>> [row[0] for row in sandbox_limits("propagation").rows]
    ['propagation']
    """
    for topic in topics:
        _choice("topics", topic, LIMITS)
    title = "What the sandbox cannot emulate here" if topics else "What the sandbox cannot emulate"
    return Table(tr(title, lang), (word("topic", lang), word("what happens", lang)),
                 [(tr(k.replace("_", " "), lang), tr(v, lang)) for k, v in LIMITS.items()
                  if not topics or k in topics])


# ---------------------------------------------------------------------------------------
# The form.
# ---------------------------------------------------------------------------------------
@dataclass
class ExportView:
    """The exports written for a spec: links to each file, and the StackSets rollout recipe."""

    folder: Path
    files: dict[str, Path]
    rollout: str

    def _relative(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)

    def __str__(self) -> str:
        lines = [f"Exports written to {self._relative(self.folder)}/:"]
        lines += [f"  {key:<34} {self._relative(path)}" for key, path in self.files.items()]
        return "\n".join(lines + ["", "Roll it out to many accounts (CloudFormation StackSets):",
                                  self.rollout])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        links = "".join(f"<li><a href='{_esc(self._relative(p))}' download>{_esc(p.name)}</a> "
                        f"<small>({_esc(key)})</small></li>" for key, p in self.files.items())
        return (f"<div class='ecsrole-export'><p><b>Exports</b>, written next to this notebook "
                f"in <code>{_esc(self._relative(self.folder))}/</code>:</p><ul>{links}</ul>"
                f"<p><b>Roll it out to many accounts</b> (CloudFormation StackSets):</p>"
                f"<pre>{_esc(self.rollout)}</pre></div>")


class RoleForm(widgets.VBox):
    """The form: pre-filled from the parameters, plan re-rendered on change, apply button.

    Parameters are the notebooks' parameters; ``action`` is what the button
    does: ``"apply"`` (default), ``"audit"`` or ``"teardown"``.

    Attributes
    ----------
    button
        The button; ``button.click()`` runs the same as :meth:`run`.
    output
        The ``Output`` widget that shows the last result.
    progress, status
        Progress bar and line of text, updated during a run (and long waits).
    last_result, last_error
        What the last button click produced.
    """

    def __init__(self, *, target: str = "sandbox", region: str = "us-east-1",
                 role_name: str | None = None, instance_profile_name: str | None = None,
                 instance_kind: str = "ec2", features: Iterable[str] = (),
                 least_privilege: bool = False, config_bucket: str | None = None,
                 cluster_name: str = "default", trunking: bool = False,
                 method: str = "console", dry_run: bool = False, lang: str = "en",
                 action: str = "apply"):
        _choice("target", target, ("sandbox", "aws"))
        _choice("method", method, METHODS)
        _choice("lang", lang, LANGS)
        _choice("action", action, ACTIONS)
        _choice("instance_kind", instance_kind, INSTANCE_KINDS)
        features = list(features or ())
        for feature in features:
            _choice("features", feature, FEATURES)
        self.action = action
        self._sessions: dict[tuple[str, str], Any] = {}
        self._identities: dict[tuple[str, str], dict[str, str]] = {}
        self.last_result: RunResult | None = None
        self.last_error: BaseException | None = None
        style = {"description_width": "9em"}
        text = {"style": style, "layout": widgets.Layout(width="34em")}
        self.w_target = widgets.ToggleButtons(options=["sandbox", "aws"], value=target, style=style)
        self.w_region = widgets.Text(value=region, **text)
        self.w_role_name = widgets.Text(value=role_name or "", **text)
        self.w_instance_profile_name = widgets.Text(value=instance_profile_name or "", **text)
        self.w_instance_kind = widgets.ToggleButtons(options=list(INSTANCE_KINDS),
                                                     value=instance_kind, style=style)
        self.w_features = {f: widgets.Checkbox(value=f in features, indent=False,
                                               layout=widgets.Layout(width="auto"))
                           for f in FEATURES}
        self.w_least_privilege = widgets.Checkbox(value=bool(least_privilege), style=style)
        self.w_config_bucket = widgets.Text(value=config_bucket or "", **text)
        self.w_cluster_name = widgets.Text(value=cluster_name, **text)
        self.w_trunking = widgets.Checkbox(value=bool(trunking), style=style)
        self.w_method = widgets.ToggleButtons(options=list(METHODS), value=method, style=style)
        self.w_dry_run = widgets.Checkbox(value=bool(dry_run), style=style)
        self.w_lang = widgets.ToggleButtons(options=list(LANGS), value=lang, style=style)
        self.features_label = widgets.Label()
        self.button = widgets.Button(button_style="primary", icon="play")
        self.export_button = widgets.Button(icon="download")
        self.progress = widgets.IntProgress(value=0, min=0, max=1)
        self.status = widgets.HTML()
        self.problems = widgets.HTML()
        self.tab_plan, self.tab_console, self.tab_cli = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self.tabs = widgets.Tab(children=[self.tab_plan, self.tab_console, self.tab_cli])
        self.output = widgets.Output()
        fields = [self.w_target, self.w_region, self.w_role_name, self.w_instance_profile_name,
                  self.w_instance_kind,
                  widgets.HBox([self.features_label, *self.w_features.values()]),
                  self.w_least_privilege, self.w_config_bucket, self.w_cluster_name,
                  self.w_trunking, self.w_method, self.w_dry_run, self.w_lang]
        super().__init__([*fields, self.problems, self.tabs,
                          widgets.HBox([self.button, self.export_button, self.progress,
                                        self.status]), self.output])
        for w in self._value_widgets():
            w.observe(self._changed, names="value")
        self.button.on_click(self._clicked)
        self.export_button.on_click(self._export_clicked)
        if target == "aws":
            # One read, so the first plan already names the real account; without usable
            # credentials the plan says ${ACCOUNT_ID}, and whoami() raises the error itself.
            try:
                self.whoami()
            except EcsRoleError:
                pass
        self._refresh()

    # -- values -------------------------------------------------------------------------
    def _value_widgets(self) -> list[widgets.Widget]:
        return [self.w_target, self.w_region, self.w_role_name, self.w_instance_profile_name,
                self.w_instance_kind, *self.w_features.values(), self.w_least_privilege,
                self.w_config_bucket, self.w_cluster_name, self.w_trunking, self.w_method,
                self.w_dry_run, self.w_lang]

    @property
    def target(self) -> str:
        return self.w_target.value

    @property
    def method(self) -> str:
        return self.w_method.value

    @property
    def dry_run(self) -> bool:
        return self.w_dry_run.value

    @property
    def lang(self) -> str:
        return self.w_lang.value

    @property
    def values(self) -> dict[str, Any]:
        """The form's current values, by parameter name."""
        return {
            "target": self.target, "region": self.w_region.value.strip(),
            "role_name": self.w_role_name.value.strip() or None,
            "instance_profile_name": self.w_instance_profile_name.value.strip() or None,
            "instance_kind": self.w_instance_kind.value,
            "features": [f for f, w in self.w_features.items() if w.value],
            "least_privilege": self.w_least_privilege.value,
            "config_bucket": self.w_config_bucket.value.strip() or self._default_bucket(),
            "cluster_name": self.w_cluster_name.value.strip(),
            "trunking": self.w_trunking.value, "method": self.method,
            "dry_run": self.dry_run, "lang": self.lang,
        }

    def _default_bucket(self) -> str | None:
        """An empty config bucket, with ``s3_config`` chosen: one named after the account.

        Bucket names are global, so on AWS the default is derived from your account;
        on the sandbox it says so (``ecsrole-guide-config-sandbox``), never the stand-in
        account's number.
        """
        if not self.w_features["s3_config"].value:
            return None
        if self.target == "sandbox":  # not the stand-in account's number: it is no one's
            return "ecsrole-guide-config-sandbox"
        try:
            return f"ecsrole-guide-config-{self.whoami().account}"
        except EcsRoleError:
            return None  # the spec then says config_bucket is required

    @property
    def spec(self) -> RoleSpec:
        """The :class:`RoleSpec` of the current values (raises ``ValidationError``)."""
        v = self.values
        external = v["instance_kind"] == "external"
        return RoleSpec(role_name=v["role_name"],
                        instance_profile_name=None if external else v["instance_profile_name"],
                        instance_kind=v["instance_kind"], features=v["features"],
                        least_privilege=v["least_privilege"], config_bucket=v["config_bucket"],
                        cluster_name=v["cluster_name"], trunking=v["trunking"],
                        region=v["region"])

    @property
    def session(self):
        """A session for the current target and region (``connect``), made once."""
        key = (self.target, self.w_region.value.strip())
        if key not in self._sessions:
            self._sessions[key] = connect(*key)
        return self._sessions[key]

    # -- rendering ----------------------------------------------------------------------
    def _changed(self, change: dict) -> None:
        self._refresh()

    def _refresh(self) -> None:
        labels = LABELS[self.lang]
        for name in ("target", "region", "role_name", "instance_profile_name", "instance_kind",
                     "least_privilege", "config_bucket", "cluster_name", "trunking", "method",
                     "dry_run", "lang"):
            getattr(self, f"w_{name}").description = labels[name]
        self.features_label.value = labels["features"]
        for name, w in self.w_features.items():
            w.description = find_feature(name).label(self.lang)  # its module names it
        external = self.w_instance_kind.value == "external"
        self.w_instance_profile_name.disabled = external
        self.w_trunking.disabled = external
        self.w_config_bucket.disabled = not self.w_features["s3_config"].value
        role = self.w_role_name.value.strip() or ("ecsAnywhereRole" if external else "ecsInstanceRole")
        self.w_instance_profile_name.placeholder = "" if external else f"{role}-profile"
        self.button.description = labels[self.action]
        self.export_button.description = labels["export"]
        for index, title in enumerate((labels["plan"], labels["console"], labels["cli"])):
            self.tabs.set_title(index, title)
        self.tabs.selected_index = 1 if self.method == "console" else 2
        try:
            the_plan = self.plan()
        except ValidationError as err:
            err = localized_error(err, self.lang)
            self.problems.value = (f"<div style='color:{_RED}'><b>{_esc(labels['invalid'])}</b>"
                                   "<ul>" + "".join(f"<li>{_esc(p)}</li>" for p in err.problems)
                                   + "</ul></div>")
            self.button.disabled = self.export_button.disabled = True
            for tab in (self.tab_plan, self.tab_console, self.tab_cli):
                tab.value = ""
            return
        self.problems.value = ""
        self.button.disabled = self.export_button.disabled = False
        self.status.value = _esc(labels["ready"].format(n=len(the_plan), role=the_plan.spec.role_name))
        self.progress.max, self.progress.value = max(len(the_plan), 1), 0
        self.tab_plan.value = the_plan._repr_html_()
        # The clicks carry the page's step numbers; the plan's steps are not numbered here.
        self.tab_console.value = "<ul>" + "".join(
            f"<li><b>{_esc(s.title(self.lang))}</b><ul>"
            + "".join(f"<li>{_esc(line)}</li>" for line in s.console_path(self.lang))
            + "</ul></li>" for s in the_plan) + "</ul>"
        files = "".join(f"<p><code>{_esc(n)}</code></p><pre>{_esc(t)}</pre>"
                        for n, t in the_plan.files().items())
        self.tab_cli.value = files + "<pre>" + _esc("\n\n".join(the_plan.commands())) + "</pre>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = str(self)
        # Where widgets cannot run (a code host, a static page): a snapshot of the values.
        values = ", ".join(f"<code>{_esc(k)}={_esc(repr(v))}</code>" for k, v in self._used().items())
        snapshot = tr("a snapshot: the live form needs a running kernel.", self.lang)
        bundle["text/html"] = (f"<div><p><b>RoleForm</b> ({_esc(LABELS[self.lang][self.action])}), "
                               f"{_esc(snapshot)}</p><p>{values}</p></div>")
        return bundle

    def _used(self) -> dict[str, Any]:
        """The values, with the names the plan uses where a field is left to its default."""
        used = dict(self.values)
        try:
            spec = self.spec
        except ValidationError:
            return used
        for name in ("role_name", "instance_profile_name", "config_bucket"):
            if used.get(name) is None:
                used[name] = getattr(spec, name)
        return used

    def __str__(self) -> str:
        v = self._used()
        shown = {k: v[k] for k in ("target", "role_name", "instance_kind", "features",
                                   "least_privilege", "trunking", "method", "dry_run", "lang")}
        return (f"RoleForm({', '.join(f'{k}={val!r}' for k, val in shown.items())}) "
                f"[button: {self.action}]")

    # -- what the notebook cells call -------------------------------------------------------
    def _known_account(self) -> str | None:
        """The real account, once ``whoami`` read it on AWS (the sandbox's stand-in never)."""
        if self.target != "aws":
            return None
        identity = self._identities.get((self.target, self.w_region.value.strip()))
        return identity["Account"] if identity else None

    def plan(self) -> Plan:
        """The plan for the current values, in the form's language.

        On AWS, once :meth:`whoami` has read the account, the documents and commands
        name it; before that, and on the sandbox, they say ``${ACCOUNT_ID}``.
        """
        return plan(self.spec, self.lang, account=self._known_account())

    def step(self, step_id: str) -> StepView | Table:
        """One step of the plan, with its console clicks and AWS CLI command.

        A step of the other least-privilege choice is shown too, marked as the
        alternative; a step of a feature not chosen says so.
        """
        the_plan = self.plan()
        if step_id in the_plan.ids:
            return StepView(the_plan.ids.index(step_id) + 1, the_plan[step_id], self.lang)
        spec = self.spec
        other = plan(dataclasses.replace(spec, least_privilege=not spec.least_privilege), self.lang,
                     account=self._known_account())
        if step_id in other.ids:
            return StepView(other.ids.index(step_id) + 1, other[step_id], self.lang,
                            alternative=f"not in this run's plan: the alternative with "
                                        f"least_privilege={not spec.least_privilege}")
        return Table(f"Step {step_id} is not in this run's plan", ("role", "features", "kind"),
                     [(spec.role_name, ", ".join(spec.features) or "-", spec.instance_kind)],
                     note="Choose its feature in the form (or as a parameter) to include it.")

    def view(self, shown: Any) -> Table:
        """``shown`` (a :class:`Table`, or anything with a ``table()`` such as the guide's
        roles, demo and leftovers) as a table in the form's language."""
        table = shown if isinstance(shown, Table) else shown.table()
        return table.translated(self.lang)

    def whoami(self) -> Identity:
        """The caller's account and ARN on the current target (read only)."""
        import os

        from .aws import whoami

        # Through the guide's client factory: retried, bounded, errors as CredentialsError
        # or AwsError (never a raw botocore traceback).
        key = (self.target, self.w_region.value.strip())
        if key not in self._identities:  # read once per target and Region
            self._identities[key] = whoami(self.session, key[1] or "us-east-1")
        identity = self._identities[key]
        endpoint = "" if self.target == "sandbox" else os.environ.get("AWS_ENDPOINT_URL", "")
        return Identity(self.target, self.w_region.value.strip(), identity["Account"],
                        identity["Arn"], endpoint, self.dry_run, self.action, self.lang)

    def erratum(self, eid: str) -> ErratumView:
        """Erratum ``eid``, shown on the current target (read only)."""
        return erratum(eid, self.session, self.spec, self.lang)

    def picture(self, spec: RoleSpec | None = None):
        """A picture of the role, its trust, instance profile and policies (read only)."""
        from .diagram import role_picture

        return role_picture(spec or self.spec, self.session)

    def run(self) -> RunResult:
        """Do what the button does, from the form's current values; return the result.

        Raises what the library raises (``ValidationError``, ``ConflictError`` ...),
        so a headless run stops at the first problem with its message.
        """
        with self._errors_in_language():
            result = self._execute(echo=True)
        self._show(result)
        return result

    @contextlib.contextmanager
    def _errors_in_language(self):
        """The library's errors, raised in the form's language (the English one chained)."""
        try:
            yield
        except EcsRoleError as err:
            if self.lang == "en":
                raise
            raise localized_error(err, self.lang) from err

    def apply(self, spec: RoleSpec | None = None, echo: bool = True) -> Report:
        """``apply`` of ``spec`` (default: the form's) on the form's target, honouring dry run.

        Long waits show in the form's progress line and, with ``echo``, are printed.
        """
        with self._errors_in_language():
            spec = spec or self.spec
            report = apply(spec, self.session, dry_run=self.dry_run,
                           progress=self._progress(spec, echo))
        return localize(report, self.lang, spec)

    def audit(self, spec: RoleSpec | None = None) -> Report:
        """``audit`` of ``spec`` (default: the form's) on the form's target (read only)."""
        with self._errors_in_language():
            spec = spec or self.spec
            return localize(audit(spec, self.session), self.lang, spec)

    def teardown(self, spec: RoleSpec | None = None, force: bool = False,
                 echo: bool = True) -> Report:
        """``teardown`` of ``spec`` (default: the form's); with dry run, an audit instead."""
        with self._errors_in_language():
            spec = spec or self.spec
            if self.dry_run:
                report = self.audit(spec)
                report.note("Dry run: nothing was removed; this audit shows what exists.")
                return report
            report = teardown(spec, self.session, force=force, progress=self._progress(spec, echo))
        return localize(report, self.lang, spec)

    def export(self, folder: str | Path = "exports", **rollout: Any) -> ExportView:
        """Write the exports of the form's spec into ``folder`` (next to the notebook).

        The guarded AWS CLI script, the CloudFormation template and its follow-up
        script, the StackSets rollout recipe, and the JSON documents the page
        writes; ``rollout`` keywords (``accounts``, ``regions``, ``organization``
        ...) go to :func:`ecsrole_lib.export.rollout_commands`.
        """
        spec = self.spec
        return ExportView(Path(folder), write_exports(spec, folder, **rollout),
                          rollout_commands(spec, **rollout))

    def _export_clicked(self, _button: widgets.Button) -> None:
        try:
            view = self.export()
        except Exception as err:  # noqa: BLE001 - shown in the form, like the main button
            self.status.value = _esc(f"{type(err).__name__}: {err}")
            return
        self.status.value = _esc(f"Exports written to {view._relative(view.folder)}/")
        self.output.outputs = ({"output_type": "display_data", "metadata": {},
                                "data": {"text/plain": str(view),
                                         "text/html": view._repr_html_()}},)

    # -- the button's path --------------------------------------------------------------
    def _progress(self, spec: RoleSpec, echo: bool = False) -> Callable[[str], None]:
        """Progress into the form; with ``echo``, waits are printed too (a headless run)."""
        ids = plan(spec).ids
        self.progress.max, self.progress.value = max(len(ids), 1), 0

        def show(message: str) -> None:
            match = re.match(r"(?:undo )?([a-z0-9_]+)(?::| \.\.\.)", message)
            if match and match.group(1) in ids:
                position = ids.index(match.group(1)) + 1
                self.progress.value = (len(ids) - position + 1 if message.startswith("undo ")
                                       else position)
            elif echo:  # not a step starting: a wait, or IAM catching up
                print(tr(message, self.lang), flush=True)
            self.status.value = _esc(tr(message, self.lang))
        return show

    def _execute(self, echo: bool = False) -> RunResult:
        spec = self.spec
        if self.action == "audit":
            result = RunResult("audit", self.method, self.dry_run, self.audit(spec))
        elif self.action == "teardown":
            result = RunResult("teardown", self.method, self.dry_run, self.teardown(spec, echo=echo))
        elif self.method == "console":
            result = RunResult("apply", "console", self.dry_run, self.apply(spec, echo))
        elif self.dry_run:
            result = RunResult("apply", "cli", True, self.apply(spec, echo), script=export_cli(spec))
        else:
            self.status.value = _esc("Running the AWS CLI script with the real aws executable ...")
            cli = run_cli(spec, self.session)
            result = RunResult("apply", "cli", False, self.audit(spec), cli=cli)
        self.progress.value = self.progress.max
        self.status.value = _esc(result.summary)
        return result

    def _show(self, result: RunResult) -> None:
        self.last_result, self.last_error = result, None
        self.output.outputs = ({"output_type": "display_data", "metadata": {},
                                "data": {"text/plain": str(result),
                                         "text/html": result._repr_html_()}},)

    def _clicked(self, _button: widgets.Button) -> None:
        self.button.disabled = True
        try:
            self._show(self._execute())
        except Exception as err:  # noqa: BLE001 - shown in the form: a click has nowhere else to report
            self.last_result, self.last_error = None, err
            kind = "" if isinstance(err, EcsRoleError) else " (unexpected)"
            if isinstance(err, EcsRoleError):
                err = localized_error(err, self.lang)
            self.status.value = _esc(f"{type(err).__name__}{kind}")
            self.output.outputs = ({"output_type": "display_data", "metadata": {},
                                    "data": {"text/plain": f"{type(err).__name__}: {err}",
                                             "text/html": f"<pre style='color:{_RED}'>"
                                                          f"{_esc(type(err).__name__)}: "
                                                          f"{_esc(err)}</pre>"}},)
        finally:
            self.button.disabled = False
