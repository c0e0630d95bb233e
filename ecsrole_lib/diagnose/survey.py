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
from ..errors import EcsRoleError, UnsupportedPolicyError, ValidationError
from ..report import CELL_STYLE, Report
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
    """One role an instance could use with Amazon ECS, and what the audit says of it."""

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


@dataclass
class Survey:
    """The roles an instance could use with Amazon ECS, in one or more accounts."""

    accounts: tuple[str, ...]
    rows: list[SurveyRow] = field(default_factory=list)
    roles_listed: int = 0
    reads: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

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
    def merge(cls, surveys: Iterable[Survey]) -> Survey:
        """One survey of several accounts."""
        surveys = list(surveys)
        merged = cls(tuple(a for s in surveys for a in s.accounts))
        for one in surveys:
            merged.rows += one.rows
            merged.roles_listed += one.roles_listed
            merged.reads += one.reads
            merged.seconds = max(merged.seconds, one.seconds)
            merged.notes += [n for n in one.notes if n not in merged.notes]
        return merged

    def summary(self) -> str:
        ok = sum(r.verdict == "ok" for r in self.rows)
        return (f"Survey of {len(self.accounts)} account(s): {len(self.rows)} of "
                f"{self.roles_listed} roles an instance could use with Amazon ECS; {ok} ok; "
                f"{self.reads} reads")

    def _columns(self) -> list[tuple[str, list[str]]]:
        columns = [("account", [r.account for r in self.rows]),
                   ("role", [r.role_name for r in self.rows]),
                   ("found because", [r.found_because for r in self.rows]),
                   ("instance profiles", [", ".join(r.instance_profiles) or "none" for r in self.rows]),
                   ("audit", [r.verdict for r in self.rows])]
        if any(r.doctor for r in self.rows):
            columns.append(("doctor", [r.doctor for r in self.rows]))
        return columns

    def __str__(self) -> str:
        columns = self._columns()
        widths = [max([len(h)] + [len(v) for v in values]) for h, values in columns]
        lines = [self.summary(), "  ".join(h.ljust(w) for (h, _), w in zip(columns, widths)).rstrip()]
        for i, row in enumerate(self.rows):
            lines.append("  ".join(values[i].ljust(w) for (_, values), w in zip(columns, widths)).rstrip())
            lines += [" " * 4 + finding for finding in row.findings]
            if row.doctor_reason:
                lines.append(" " * 4 + "doctor: " + row.doctor_reason)
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        esc = html.escape
        columns = self._columns()
        head = "".join(f"<th style='{CELL_STYLE}'>{esc(h)}</th>" for h, _ in columns)
        body = ""
        for i, row in enumerate(self.rows):
            cells = [esc(values[i]) for _, values in columns]
            cells[1] = f"<code>{cells[1]}</code>"
            audit_cell = [h for h, _ in columns].index("audit")
            colour = "#1a7f37" if row.verdict == "ok" else "#cf222e"
            cells[audit_cell] = (f"<b style='color:{colour}'>{cells[audit_cell]}</b>"
                                 + "".join(f"<br><small>{esc(f)}</small>" for f in row.findings))
            if row.doctor:
                good = {"registers": "#1a7f37", "cannot tell": "#9a6700"}.get(row.doctor, "#cf222e")
                cells[-1] = (f"<b style='color:{good}'>{cells[-1]}</b>"
                             + (f"<br><small>{esc(row.doctor_reason)}</small>" if row.doctor_reason else ""))
            body += "<tr>" + "".join(f"<td style='{CELL_STYLE}'>{c}</td>" for c in cells) + "</tr>"
        notes = "".join(f"<li>{esc(n)}</li>" for n in self.notes)
        return (f"<div class='ecsrole-survey'><p><b>{esc(self.summary())}</b></p>"
                f"<table style='text-align:left'><tr>{head}</tr>{body}</table>"
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
    """The doctor's verdict from the audit's last row: short, and why when it is not right."""
    try:
        row = report["doctor"]
    except KeyError:
        return "", ""
    if row.outcome == AuditOutcome.OK:  # with what was deleted since the listing, if anything
        return "registers", row.reason.partition("; ")[2]
    if row.reason.startswith("cannot tell"):
        return "cannot tell", row.reason
    if "does not register" in row.reason:
        return "does not register", row.reason
    if row.outcome == AuditOutcome.MISSING:
        return "no role", row.reason
    return "registers, some calls denied", row.reason


# ---------------------------------------------------------------------------------------
# The survey.
# ---------------------------------------------------------------------------------------
def survey(session: boto3.Session | None = None, region: str = "us-east-1",
           progress: Callable[[str], None] | None = None) -> Survey:
    """Every role an instance could use with Amazon ECS in the account, each with a verdict.

    Parameters
    ----------
    session
        Where to look; ``None`` is the sandbox. Read only: nothing is written.
    region
        The Region for the audits (IAM is global; the partition follows the Region).
    progress
        Called with a line of text as the survey goes.

    Returns
    -------
    Survey
        One row per role, in name order: why it was found, the instance
        profiles holding it, the audit's verdict and its findings.
    """
    started = time.perf_counter()
    ctx = Context(session, region, progress)
    say = ctx.progress
    container_policy = policies.managed_policy_arn(partition_of(region),
                                                   policies.CONTAINER_INSTANCE_POLICY)
    # One listing has it all for each role: its trust policy, instance profiles, attached
    # managed policies and inline documents; and the customer managed policies' documents.
    identity, roles, local = _raise_first(ctx.read_concurrently([
        Read("sts", "get_caller_identity"),
        Read("iam", "get_account_authorization_details", {"Filter": ["Role"]}, "RoleDetailList"),
        Read("iam", "get_account_authorization_details", {"Filter": ["LocalManagedPolicy"]},
             "Policies")]))
    account = identity["Account"]
    ctx.account, ctx.partition = account, identity["Arn"].split(":")[1]
    say(f"{len(roles)} roles in account {account}")
    by_name = {r["RoleName"]: r for r in roles}
    trusted = {r["RoleName"]: _instance_principals(r.get("AssumeRolePolicyDocument", {})) for r in roles}
    found: dict[str, str] = {}
    for role in roles:
        if any(p["PolicyArn"] == container_policy for p in role.get("AttachedManagedPolicies", [])):
            found[role["RoleName"]] = f"holds {policies.CONTAINER_INSTANCE_POLICY[1]}"
    undecided = [by_name[n] for n in sorted(trusted) if trusted[n] and n not in found]
    for name, answer in _allowing(ctx, undecided, _default_documents(local), trusted).items():
        found[name] = (f"trusted by {', '.join(trusted[name])}; its policies allow {REGISTER}"
                       if answer == "allow" else f"trusted by {', '.join(trusted[name])}; its "
                       f"policies may allow {REGISTER} (cannot tell: {answer})")
    say(f"{len(found)} roles an instance could use with Amazon ECS; auditing them")

    def verdict(name: str) -> SurveyRow:
        role = by_name[name]
        principals = trusted[name]
        kind = INSTANCE_PRINCIPALS[principals[0]] if principals else "ec2"
        held = tuple(sorted(p["InstanceProfileName"] for p in role.get("InstanceProfileList", [])))
        try:
            spec = RoleSpec(role_name=name, instance_kind=kind, path=role.get("Path", "/"),
                            region=region, **({"instance_profile_name": held[0]}
                                              if held and kind == "ec2" else {}))
        except ValidationError as err:
            return SurveyRow(account, name, role["Arn"], found[name], principals, held,
                             "not audited", (str(err).splitlines()[-1].strip(),))
        report = audit(spec, ctx.session)
        if report.outcomes.get("create_role") == AuditOutcome.MISSING:  # deleted since the listing
            return SurveyRow(account, name, role["Arn"], found[name], principals, held, _GONE,
                             reads=report.reads)
        findings = tuple(f"{r.step}: {r.outcome}: " + (f"{r.title}: " if r.step.startswith("extra") else "")
                         + r.reason for r in report.findings if r.step != "doctor")
        doctor, why = _doctor(report)
        return SurveyRow(account, name, role["Arn"], found[name], principals, held,
                         "ok" if not findings else f"{len(findings)} finding(s)", findings,
                         doctor, report.reads, why)

    with ThreadPoolExecutor(WORKERS, initializer=keep_clients) as pool:
        audited = list(pool.map(verdict, sorted(found)))
    rows = [row for row in audited if row.verdict != _GONE]
    result = Survey((account,), rows, roles_listed=len(roles),
                    reads=ctx.calls.reads + sum(r.reads for r in audited),
                    seconds=round(time.perf_counter() - started, 3))
    result.notes.extend(_notes(ctx.sandbox))
    return result


def _notes(sandbox: bool) -> list[str]:
    # The survey cannot know which features a role was made for: say what "finding" means here.
    notes = [("The audit column compares each role with the page's base setup "
             "(RoleSpec(role_name=...)): a policy a feature adds (Amazon ECR, "
             "ecs.config, CloudWatch Logs) is a finding there, an extra policy.")]
    if sandbox:
        notes.append("Sandbox: moto has no IAM policy simulator; whether a role's policies "
                     f"allow {REGISTER} is decided from the policy documents.")
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
                        progress: Callable[[str], None] | None = None) -> Survey:
    """The same survey in every account of an organization, merged.

    From the management account (or a delegated administrator), ``role_name``
    is assumed in each member account (``OrganizationAccountAccessRole`` is
    what AWS Organizations creates in the accounts it creates); the caller's
    own account is surveyed with the caller's own credentials.

    Parameters
    ----------
    accounts
        The account ids to survey; ``None`` lists the organization's ``ACTIVE`` accounts.
    """
    ctx = Context(session, region, progress)
    caller = ctx.call("sts", "get_caller_identity", "identifying the caller")
    partition = caller["Arn"].split(":")[1]
    if accounts is None:
        accounts = [a["Id"] for a in ctx.pages("organizations", "list_accounts", "Accounts")
                    if a.get("Status", "ACTIVE") == "ACTIVE"]

    def one(account: str) -> Survey:
        if account == caller["Account"]:
            return survey(ctx.session, region, progress)
        member = assumed(ctx, f"arn:{partition}:iam::{account}:role/{role_name}", "ecsrole-survey")
        return survey(member, region, progress)

    # Each account's survey is concurrent inside; accounts go one after another so the
    # bounded pools do not multiply.
    merged = Survey.merge(one(account) for account in sorted(accounts))
    merged.reads += ctx.calls.reads
    return merged
