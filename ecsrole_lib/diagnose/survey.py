"""Every role an instance could use with Amazon ECS in an account, each with a verdict.

:func:`survey` finds the roles a container instance could hold:

* roles holding ``AmazonEC2ContainerServiceforEC2Role`` (whatever trusts them);
* roles trusted by ``ec2.amazonaws.com`` or ``ssm.amazonaws.com`` whose own
  policies allow ``ecs:RegisterContainerInstance`` on a cluster (``default`` or one
  they name), or may: decided as the doctor decides it, by
  :func:`ecsrole_lib.diagnose.access.evaluate` with the request an instance-role session
  carries (:func:`ecsrole_lib.diagnose.doctor.request_context`), so a grant scoped to a
  cluster, given by ``NotAction`` or under a condition is found, and one that depends
  on what the doctor cannot know is found as "may allow (cannot tell: ...)";

with the instance profiles holding them, and gives each the audit's verdict
(:func:`ecsrole_lib.audit` of the documented setup for that role, its kind and
its instance profile), and the doctor's (:func:`ecsrole_lib.doctor`, the audit's last
row): whether an instance holding the role registers with its cluster.

It stays fast as the account grows. One paginated listing
(``GetAccountAuthorizationDetails``) gives each role's trust policy, instance
profiles, attached managed policies and inline documents, and the customer
managed policies' documents: about one read per 100 roles. A role is read on
its own only when it is found: the audit's 6 reads and the doctor's (each
attached policy's default version, each inline document, the instance profiles
holding it): at most 8, plus 2 per attached managed policy and 1 per inline
policy. An AWS managed policy that a trusted role attaches, other than the
container instance one, is read once for the whole account (2 reads). The
listings run at once, the audits :data:`~ecsrole_lib.aws.client.WORKERS` at a time on
threads that keep their clients.

Across many accounts, :func:`survey_organization` assumes a role in each
account of an AWS Organizations organization (or the accounts given) and
merges the surveys.

>>> row = SurveyRow("123456789012", "ecsInstanceRole", "arn:aws:iam::123456789012:role/ecsInstanceRole",
...                 "holds AmazonEC2ContainerServiceforEC2Role", ("ec2.amazonaws.com",),
...                 ("ecsInstanceRole-profile",), "ok")
>>> print(Survey(("123456789012",), [row], roles_listed=3))  # doctest: +NORMALIZE_WHITESPACE
Survey of 1 account(s): 1 of 3 roles an instance could use with Amazon ECS; 1 ok; 0 reads
account       role             found because                             instance profiles        audit
123456789012  ecsInstanceRole  holds AmazonEC2ContainerServiceforEC2Role  ecsInstanceRole-profile  ok
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import boto3

from .. import policies
from ..aws.client import WORKERS, Context, Read, assumed, keep_clients
from ..converge import audit
from ..errors import EcsRoleError, Problem, UnsupportedPolicyError, ValidationError
from ..i18n.catalog import LANGS, Message, join, message
from ..i18n.messages import tr
from ..report import CELL_STYLE, Report, pad, text_width
from ..spec import RoleSpec, partition_of
from ..states import AuditOutcome
from .access import evaluate
from .doctor import EXAMPLE_INSTANCE, request_context

__all__ = ["Survey", "SurveyRow", "survey", "survey_organization"]

#: The action the Amazon ECS container agent needs first, to join a cluster.
REGISTER = "ecs:RegisterContainerInstance"
#: The principals an instance's role is trusted by, and the guide's instance kind for each.
INSTANCE_PRINCIPALS = {"ec2.amazonaws.com": "ec2", "ssm.amazonaws.com": "external"}
_GONE = "deleted since it was listed"
#: What an organization's member accounts let the management account assume by default.
ORGANIZATION_ROLE = "OrganizationAccountAccessRole"


@dataclass(frozen=True)
class SurveyRow:
    """One role an instance could use with Amazon ECS, and what the audit says of it.

    The texts are data in English (messages by id, :mod:`ecsrole_lib.i18n.catalog`):
    a :class:`Survey` shows them in its language.
    """

    account: str
    role_name: str
    arn: str
    found_because: str
    trusted_by: tuple[str, ...]
    instance_profiles: tuple[str, ...]
    verdict: str
    findings: tuple[str, ...] = ()
    doctor: str = ""
    reads: int = 0
    doctor_reason: str = ""


#: The HTML table's column widths: the long texts wrap inside them (overflow-wrap), so the
#: table stays as wide as the notebook.
_WIDTHS = {"account": "10%", "role": "15%", "found_because": "19%", "instance_profiles": "14%",
           "audit": "21%", "doctor": "21%"}
_WRAP = "overflow-wrap:anywhere"
#: The cells of names and reasons, which wrap anywhere (a verdict keeps its words whole).
_LONG = dict.fromkeys(("role", "found_because", "instance_profiles"), ";" + _WRAP)
_DOCTOR_COLOUR = {"registers": "#1a7f37", "cannot tell": "#9a6700"}


@dataclass
class Survey:
    """The roles an instance could use with Amazon ECS, in one or more accounts.

    Attributes
    ----------
    lang
        The language it is shown in, ``"en"`` or ``"ko"``: the summary, the column
        headers, the verdicts, the reasons and the notes. The rows stay data in English.
    """

    accounts: tuple[str, ...]
    rows: list[SurveyRow] = field(default_factory=list)
    roles_listed: int = 0
    reads: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    lang: str = "en"

    def __getitem__(self, role_name: str) -> SurveyRow:
        for row in self.rows:
            if row.role_name == role_name:
                return row
        raise KeyError(role_name)

    @property
    def verdicts(self) -> dict[tuple[str, str], str]:
        """(account, role name) to the audit's verdict."""
        return {(r.account, r.role_name): r.verdict for r in self.rows}

    @classmethod
    def merge(cls, surveys: Iterable[Survey], lang: str | None = None) -> Survey:
        """One survey of several accounts, shown in ``lang`` (by default the first one's)."""
        surveys = list(surveys)
        lang = lang or (surveys[0].lang if surveys else "en")
        merged = cls(tuple(a for s in surveys for a in s.accounts), lang=lang)
        for one in surveys:
            merged.rows += one.rows
            merged.roles_listed += one.roles_listed
            merged.reads += one.reads
            merged.seconds = max(merged.seconds, one.seconds)
            merged.notes += [n for n in one.notes if n not in merged.notes]
        return merged

    def _t(self, text: str) -> str:
        """``text`` in the survey's language (a message by id, other text by the patterns)."""
        return tr(text, self.lang)

    def summary(self) -> str:
        """The survey in one line, in its language."""
        ok = sum(r.verdict == "ok" for r in self.rows)
        return self._t(message("survey.summary", accounts=len(self.accounts), found=len(self.rows),
                               listed=self.roles_listed, ok=ok, reads=self.reads))

    def _columns(self, every: bool = True) -> list[tuple[str, str, list[str]]]:
        """``(key, header, values)`` of each column, in the survey's language; without the
        account column unless ``every``."""
        t, rows = self._t, self.rows
        columns = [("account", [r.account for r in rows]),
                   ("role", [r.role_name for r in rows]),
                   ("found_because", [t(r.found_because) for r in rows]),
                   ("instance_profiles", [", ".join(r.instance_profiles) or t(message("survey.none"))
                                          for r in rows]),
                   ("audit", [t(r.verdict) for r in rows])]
        if any(r.doctor for r in rows):
            columns.append(("doctor", [t(r.doctor) for r in rows]))
        return [(key, t(message(f"survey.column.{key}")), values) for key, values in columns
                if every or key != "account"]

    def __str__(self) -> str:
        t, columns = self._t, self._columns()
        widths = [max([text_width(h)] + [text_width(v) for v in values]) for _, h, values in columns]
        lines = [self.summary(), "  ".join(pad(h, w) for (_, h, _), w in zip(columns, widths)).rstrip()]
        for i, row in enumerate(self.rows):
            lines.append("  ".join(pad(values[i], w) for (_, _, values), w in zip(columns, widths)).rstrip())
            lines += [" " * 4 + t(finding) for finding in row.findings]
            if row.doctor_reason:
                lines.append(" " * 4 + t(message("survey.doctor_line", reason=row.doctor_reason)))
        lines += [t(message("survey.note_line", note=n)) for n in self.notes]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(str(self))

    def _html_cell(self, key: str, value: str, row: SurveyRow) -> str:
        """One cell: the verdicts in colour, their reasons small under them; the long texts
        (names, reasons) wrap anywhere, so no cell widens the table past the notebook."""
        esc, t = html.escape, self._t
        if key == "role":
            return f"<code>{esc(value)}</code>"
        if key == "audit":
            colour = "#1a7f37" if row.verdict == "ok" else "#cf222e"
            return (f"<b style='color:{colour}'>{esc(value)}</b>" + "".join(
                f"<br><small style='{_WRAP}'>{esc(t(f))}</small>" for f in row.findings))
        if key == "doctor" and row.doctor:
            colour = _DOCTOR_COLOUR.get(row.doctor, "#cf222e")
            why = (f"<br><small style='{_WRAP}'>{esc(t(row.doctor_reason))}</small>"
                   if row.doctor_reason else "")
            return f"<b style='color:{colour}'>{esc(value)}</b>{why}"
        return esc(value)

    def _repr_html_(self) -> str:
        esc, t = html.escape, self._t
        # One account: its id once, by the summary, not on every row.
        every = len(set(self.accounts) | {r.account for r in self.rows}) > 1
        columns = self._columns(every)
        head = "".join(f"<th style='{CELL_STYLE};width:{_WIDTHS[key]}'>{esc(h)}</th>"
                       for key, h, _ in columns)
        body = "".join(
            "<tr>" + "".join(f"<td style='{CELL_STYLE}{_LONG.get(key, '')}'>"
                             f"{self._html_cell(key, values[i], row)}</td>"
                             for key, _, values in columns) + "</tr>"
            for i, row in enumerate(self.rows))
        account = ("" if every or not self.accounts else
                   f" <small style='color:#57606a'>({esc(t(message('survey.one_account', account=self.accounts[0])))})</small>")
        notes = "".join(f"<li>{esc(t(n))}</li>" for n in self.notes)
        return (f"<div class='ecsrole-survey'><p><b>{esc(self.summary())}</b>{account}</p>"
                f"<table style='text-align:left;width:100%'><tr>{head}</tr>{body}</table>"
                + (f"<ul>{notes}</ul>" if notes else "") + "</div>")


# ---------------------------------------------------------------------------------------
# What a role's policies allow: the doctor's evaluator, with the doctor's request.
# ---------------------------------------------------------------------------------------
def allows(documents: Sequence[Any], action: str = REGISTER, resource: str = "*") -> bool:
    """Whether policy documents, taken together, allow ``action`` on ``resource`` (an
    explicit Deny wins; :func:`ecsrole_lib.diagnose.access.evaluate`, undecided counts as no).

    >>> allows([{"Statement": [{"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}]},
    ...         {"Statement": [{"Effect": "Deny", "Action": "ecs:Register*", "Resource": "*"}]}])
    False
    """
    try:
        return evaluate(list(documents), action, resource).allowed
    except UnsupportedPolicyError:
        return False


def _clusters(ctx: Context, documents: Sequence[Any]) -> list[str]:
    """The clusters to ask about: ``default``, and one of each cluster ARN pattern the
    documents name (wildcards filled in), so an Allow scoped to a cluster is found."""
    base = f"arn:{ctx.partition}:ecs:{ctx.region}:{ctx.account}:cluster/"
    found = [base + "default"]
    for document in documents:
        for statement in _statements(document):
            resources = statement.get("Resource", [])
            for pattern in [resources] if isinstance(resources, str) else resources:
                _, _, name = pattern.partition(":cluster/")
                if name and "${" not in name:
                    arn = base + name.replace("*", "x").replace("?", "x")
                    found += [arn] if arn not in found else []
    return found


def _may_register(ctx: Context, role: dict, kind: str, documents: list[Any]) -> str | None:
    """Whether the role's own policies let an instance register, as the doctor asks it (the
    request an instance-role session carries): ``"allow"``, why it cannot tell, or None."""
    known, unknown = request_context(ctx, role, kind, EXAMPLE_INSTANCE[kind], False, REGISTER)
    why = None
    for cluster in _clusters(ctx, documents):
        try:
            if evaluate(documents, REGISTER, cluster, known, unknown=unknown).allowed:
                return "allow"
        except UnsupportedPolicyError as err:
            why = why or str(err)
    return why


def _instance_principals(trust: Any) -> tuple[str, ...]:
    """The instance principals (ec2, ssm) a trust policy lets assume the role."""
    found = []
    for statement in _statements(trust):
        if statement.get("Effect") != "Allow":
            continue
        services = statement.get("Principal", {})
        services = services.get("Service", []) if isinstance(services, dict) else []
        for service in [services] if isinstance(services, str) else services:
            if service in INSTANCE_PRINCIPALS and service not in found:
                found.append(service)
    return tuple(found)


def _statements(document: Any) -> list[dict]:
    found = policies.parse(document).get("Statement", [])
    return [found] if isinstance(found, dict) else list(found)


def _doctor(report: Report) -> tuple[str, str]:
    """The doctor's verdict from the audit's last row: short, and why when it is not right
    (the doctor's own message, :func:`ecsrole_lib.diagnose.doctor.audit_row`)."""
    try:
        row = report["doctor"]
    except KeyError:
        return "", ""
    if row.outcome == AuditOutcome.OK:  # with what was deleted since the listing, if anything
        return message("survey.doctor.registers"), _after_first(row.reason)
    if row.reason.startswith("cannot tell"):
        return message("survey.doctor.cannot_tell"), row.reason
    if "does not register" in row.reason:
        return message("survey.doctor.not_registers"), row.reason
    if row.outcome == AuditOutcome.MISSING:
        return message("survey.doctor.no_role"), row.reason
    return message("survey.doctor.denied"), row.reason


def _after_first(reason: str) -> str:
    """What follows the first ``"; "``-part of a reason, kept a message if it is one.

    >>> _after_first(join("; ", [message("survey.ok"), "a", "b"])), _after_first("a")
    ('a; b', '')
    """
    if isinstance(reason, Message) and not reason.id and reason.fields.get("parts"):  # join(...)
        parts = reason.fields["parts"]
        return join("; ", parts[1:]) if len(parts) > 1 else ""
    return reason.partition("; ")[2]


def _check_lang(lang: str) -> None:
    """Refuse a language the catalogs do not hold: a ``ValidationError`` naming ``lang``."""
    if lang not in LANGS:
        raise ValidationError(Problem("lang", lang, message(
            "views.must_be_one_of", choices=", ".join(repr(a) for a in LANGS))))


# ---------------------------------------------------------------------------------------
# The survey.
# ---------------------------------------------------------------------------------------
def survey(session: boto3.Session | None = None, region: str = "us-east-1",
           progress: Callable[[str], None] | None = None, *, lang: str = "en") -> Survey:
    """Every role an instance could use with Amazon ECS in the account, each with a verdict.

    Parameters
    ----------
    session
        Where to look; ``None`` is the sandbox. Read only: nothing is written.
    region
        The Region for the audits (IAM is global; the partition follows the Region).
    progress
        Called with a line of text as the survey goes (in ``lang``).
    lang
        The language the survey is shown in, ``"en"`` or ``"ko"``; anything else is a
        ``ValidationError`` before any AWS call.

    Returns
    -------
    Survey
        One row per role, in name order: why it was found, the instance
        profiles holding it, the audit's verdict and its findings.
    """
    _check_lang(lang)
    started = time.perf_counter()
    ctx = Context(session, region, progress)
    # One listing has it all for each role: its trust policy, instance profiles, attached
    # managed policies and inline documents; and the customer managed policies' documents.
    identity, roles, local = _raise_first(ctx.read_concurrently([
        Read("sts", "get_caller_identity"),
        Read("iam", "get_account_authorization_details", {"Filter": ["Role"]}, "RoleDetailList"),
        Read("iam", "get_account_authorization_details", {"Filter": ["LocalManagedPolicy"]},
             "Policies")]))
    account = identity["Account"]
    ctx.account, ctx.partition = account, identity["Arn"].split(":")[1]
    ctx.progress(tr(message("survey.progress.roles", n=len(roles), account=account), lang))
    by_name = {r["RoleName"]: r for r in roles}
    trusted = {r["RoleName"]: _instance_principals(r.get("AssumeRolePolicyDocument", {})) for r in roles}
    found = _found(ctx, roles, local, trusted)
    ctx.progress(tr(message("survey.progress.found", n=len(found)), lang))

    def verdict(name: str) -> SurveyRow:
        return _audited(ctx, by_name[name], found[name], trusted[name])

    with ThreadPoolExecutor(WORKERS, initializer=keep_clients) as pool:
        audited = list(pool.map(verdict, sorted(found)))
    rows = [row for row in audited if row.verdict != _GONE]
    result = Survey((account,), rows, roles_listed=len(roles),
                    reads=ctx.calls.reads + sum(r.reads for r in audited),
                    seconds=round(time.perf_counter() - started, 3), lang=lang)
    result.notes.extend(_notes(ctx.sandbox))
    return result


def _found(ctx: Context, roles: list[dict], local: list[dict],
           trusted: dict[str, tuple[str, ...]]) -> dict[str, Message]:
    """The roles an instance could use with Amazon ECS: name -> why it was found."""
    container_policy = policies.managed_policy_arn(partition_of(ctx.region),
                                                   policies.CONTAINER_INSTANCE_POLICY)
    found: dict[str, Message] = {}
    for role in roles:
        if any(p["PolicyArn"] == container_policy for p in role.get("AttachedManagedPolicies", [])):
            found[role["RoleName"]] = message("survey.found.holds",
                                              policy=policies.CONTAINER_INSTANCE_POLICY[1])
    by_name = {r["RoleName"]: r for r in roles}
    undecided = [by_name[n] for n in sorted(trusted) if trusted[n] and n not in found]
    for name, answer in _allowing(ctx, undecided, _default_documents(local), trusted).items():
        principals = ", ".join(trusted[name])
        found[name] = (message("survey.found.allows", principals=principals, action=REGISTER)
                       if answer == "allow" else
                       message("survey.found.may_allow", principals=principals, action=REGISTER,
                               why=answer))
    return found


def _audited(ctx: Context, role: dict, found_because: str, principals: tuple[str, ...]) -> SurveyRow:
    """The row of one role found: the audit of the page's setup for its kind, and the doctor's
    verdict (the audit's last row)."""
    name, account = role["RoleName"], ctx.account
    kind = INSTANCE_PRINCIPALS[principals[0]] if principals else "ec2"
    held = tuple(sorted(p["InstanceProfileName"] for p in role.get("InstanceProfileList", [])))
    try:
        spec = RoleSpec(role_name=name, instance_kind=kind, path=role.get("Path", "/"),
                        region=ctx.region, **({"instance_profile_name": held[0]}
                                              if held and kind == "ec2" else {}))
    except ValidationError as err:
        return SurveyRow(account, name, role["Arn"], found_because, principals, held,
                         message("survey.not_audited"), (str(err).splitlines()[-1].strip(),))
    report = audit(spec, ctx.session)
    if report.outcomes.get("create_role") == AuditOutcome.MISSING:  # deleted since the listing
        return SurveyRow(account, name, role["Arn"], found_because, principals, held, _GONE,
                         reads=report.reads)
    findings = tuple(_finding(r) for r in report.findings if r.step != "doctor")
    doctor, why = _doctor(report)
    return SurveyRow(account, name, role["Arn"], found_because, principals, held,
                     message("survey.ok") if not findings else message("survey.findings", n=len(findings)),
                     findings, doctor, report.reads, why)


def _finding(row: Any) -> Message:
    """One finding of the audit: its step, outcome (and title, for an extra policy), reason."""
    outcome = message(f"survey.outcome.{row.outcome}")
    if row.step.startswith("extra"):
        return message("survey.finding_titled", step=row.step, outcome=outcome, title=row.title,
                       reason=row.reason)
    return message("survey.finding", step=row.step, outcome=outcome, reason=row.reason)


def _notes(sandbox: bool) -> list[str]:
    # The survey cannot know which features a role was made for: say what "finding" means here.
    notes = [message("survey.note.audit")]
    if sandbox:
        notes.append(message("survey.note.sandbox", action=REGISTER))
    return notes


def _raise_first(answers: list[Any]) -> list[Any]:
    for answer in answers:
        if isinstance(answer, Exception):
            raise answer
    return answers


def _value(answer: Any) -> Any:
    """An answer of read_concurrently; ``None`` for a role or policy deleted since it was
    listed (skipped); any other error is raised."""
    if isinstance(answer, EcsRoleError) and getattr(answer, "code", "") == "NoSuchEntity":
        return None
    return _raise_first([answer])[0]


def _default_documents(local: list[dict]) -> dict[str, Any]:
    """Customer managed policy ARN to the document of its default version."""
    return {p["Arn"]: v["Document"] for p in local for v in p.get("PolicyVersionList", [])
            if v.get("IsDefaultVersion")}


def _allowing(ctx: Context, roles: list[dict], documents: dict[str, Any],
              trusted: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """The ``roles`` whose own policies allow ecs:RegisterContainerInstance on a cluster, or
    may (the doctor's evaluator cannot tell): name -> ``"allow"`` or why.

    Inline and customer managed documents come with the listing; an AWS managed policy
    they attach is read once for the whole account (its default version: 2 reads).
    """
    aws_managed = sorted({p["PolicyArn"] for r in roles for p in r.get("AttachedManagedPolicies", [])
                          if p["PolicyArn"] not in documents})
    found = [_value(a) for a in ctx.read_concurrently(
        [Read("iam", "get_policy", {"PolicyArn": arn}) for arn in aws_managed])]
    versions = [Read("iam", "get_policy_version", {"PolicyArn": arn,
                                                   "VersionId": p["Policy"]["DefaultVersionId"]})
                for arn, p in zip(aws_managed, found) if p is not None]
    documents = dict(documents)
    for read, answer in zip(versions, ctx.read_concurrently(versions)):
        if _value(answer) is not None:
            documents[read.params["PolicyArn"]] = answer["PolicyVersion"]["Document"]
    found = {}
    for role in roles:
        own = ([documents[p["PolicyArn"]] for p in role.get("AttachedManagedPolicies", [])
                if p["PolicyArn"] in documents]
               + [p["PolicyDocument"] for p in role.get("RolePolicyList", [])])
        kind = INSTANCE_PRINCIPALS[trusted[role["RoleName"]][0]]
        answer = _may_register(ctx, role, kind, [policies.parse(d) for d in own])
        if answer is not None:
            found[role["RoleName"]] = answer
    return found


def survey_organization(session: boto3.Session | None = None, role_name: str = ORGANIZATION_ROLE,
                        accounts: Sequence[str] | None = None, region: str = "us-east-1",
                        progress: Callable[[str], None] | None = None, *,
                        lang: str = "en") -> Survey:
    """The same survey in every account of an organization, merged.

    From the management account (or a delegated administrator), ``role_name``
    is assumed in each member account (``OrganizationAccountAccessRole`` is
    what AWS Organizations creates in the accounts it creates); the caller's
    own account is surveyed with the caller's own credentials.

    Parameters
    ----------
    accounts
        The account ids to survey; ``None`` lists the organization's ``ACTIVE`` accounts.
    lang
        The language the survey is shown in, ``"en"`` or ``"ko"``; anything else is a
        ``ValidationError`` before any AWS call.
    """
    _check_lang(lang)
    ctx = Context(session, region, progress)
    caller = ctx.call("sts", "get_caller_identity", "identifying the caller")
    partition = caller["Arn"].split(":")[1]
    if accounts is None:
        accounts = [a["Id"] for a in ctx.pages("organizations", "list_accounts", "Accounts")
                    if a.get("Status", "ACTIVE") == "ACTIVE"]

    def one(account: str) -> Survey:
        if account == caller["Account"]:
            return survey(ctx.session, region, progress, lang=lang)
        member = assumed(ctx, f"arn:{partition}:iam::{account}:role/{role_name}", "ecsrole-survey")
        return survey(member, region, progress, lang=lang)

    # Each account's survey is concurrent inside; accounts go one after another so the
    # bounded pools do not multiply.
    merged = Survey.merge((one(account) for account in sorted(accounts)), lang)
    merged.reads += ctx.calls.reads
    return merged
