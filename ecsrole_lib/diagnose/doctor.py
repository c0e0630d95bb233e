"""``doctor``: will an instance holding this role register with its cluster and run tasks?

The audit proves that the role, its instance profile and its policies *exist*; the
doctor answers what an instance will *see*. It reads (only reads) the role: its trust
policy, the default version of every attached managed policy, its inline policies, its
permissions boundary, and the instance profiles that hold it. Then it evaluates, with the
guide's own IAM evaluator (:func:`ecsrole_lib.diagnose.access.evaluate`), every call the Amazon ECS
container agent makes with the role (:mod:`ecsrole_lib.diagnose.agent`), with the resource and the
request context the agent sends.

A failing row says what the instance would see, in AWS's words (``User: arn:aws:sts::...
is not authorized to perform: ecs:Poll on resource: ...``), the cause (no policy allows
it, which statement denies it, the boundary) and the fix. On AWS the doctor also asks
IAM's own policy simulator (``iam:SimulatePrincipalPolicy``) the same questions, with the
same context entries, and shows both answers side by side: a disagreement is a finding.
The sandbox has no simulator, and the doctor says so.

>>> from ecsrole_lib import RoleSpec, apply, doctor, sandbox
>>> with sandbox() as session:            # a sandbox of its own, stopped on leaving
...     _ = apply(RoleSpec(), session)
...     doctor("ecsInstanceRole", session).registers
True
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError
from botocore.parsers import ResponseParserError

from .. import policies
from ..aws.client import Context
from ..errors import AwsError, EcsRoleError, Problem, ValidationError
from ..features import agent_settings
from ..hooks import provided, register
from ..i18n import tr
from ..i18n.catalog import catalog, join, message
from ..plan import LANGS
from ..report import CELL_STYLE, Report
from ..spec import RoleSpec
from ..states import AuditOutcome
from ..steps import (
    attached_policies,
    cached,
    get_instance_profile,
    get_role,
    inline_policies,
    policy_document,
)
from .access import evaluate, statement_label, trusts
from .agent import AgentConfig, agent_calls

__all__ = ["CANNOT_TELL", "NOT_REGISTERS", "REGISTERS", "Diagnosis", "DoctorCheck", "Need",
           "Symptom", "agent_for", "audit_row", "boundary_of", "denied_message", "doctor", "explain_denial",
           "needs", "request_context", "role_facts", "symptom_text"]

#: Session names AWS gives the role's credentials, when no real instance is known.
EXAMPLE_INSTANCE = {"ec2": "i-0123456789abcdef0", "external": "mi-0123456789abcdef0"}
TRUSTED_SERVICE = {"ec2": "ec2.amazonaws.com", "external": "ssm.amazonaws.com"}
#: Calls made before or as part of the registration: denied, the instance does not join its
#: cluster (tags denied fail RegisterContainerInstance; without ecs.config it joins default).
#: On an external instance the Systems Manager Agent's heartbeat and message calls come first:
#: without them the managed instance never comes online and the agent gets no credentials
#: (AWS: Amazon ECS container instance IAM role, "requires Systems Manager permissions as
#: well"; Amazon ECS Anywhere IAM role: AmazonSSMManagedInstanceCore).
REGISTRATION = ("s3:getobject", "ec2:describetags", "ecs:createcluster", "ecs:tagresource",
                "ssm:updateinstanceinformation", "ec2messages:getmessages")
#: The doctor's three answers.
REGISTERS, NOT_REGISTERS, CANNOT_TELL = "registers", "does not register", "cannot tell"
#: Keys a request from an instance carries whose values the doctor cannot know (IAM, Global
#: condition context keys): the instance's address and network path, the resource's tags,
#: the organization. A decision that depends on one is "cannot tell", naming it.
UNKNOWN_KEYS = ("aws:SourceIp", "aws:SourceVpc", "aws:SourceVpce", "aws:VpcSourceIp",
                "aws:UserAgent", "aws:Ec2InstanceSourceVpc", "aws:Ec2InstanceSourcePrivateIPv4",
                "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:ResourceOrgID",
                "aws:ResourceOrgPaths", "aws:ResourceTag/*", "ecs:ResourceTag/*")
_SIMULATOR_KIND = {"allowed": "allow", "explicitDeny": "explicit_deny",
                   "implicitDeny": "implicit_deny"}


@dataclass(frozen=True)
class Need:
    """One call an instance makes with the role, as the doctor evaluates it."""

    name: str
    action: str
    resource: str
    context: dict[str, str]
    always: bool  # needed to register: made always, or as part of the registration
    source: str
    when: str = ""


@dataclass(frozen=True)
class DoctorCheck:
    """One row of a diagnosis.

    ``ok`` is ``True``, ``False``, or ``None`` for information (least privilege, what the
    sandbox cannot show). ``essential`` rows decide :attr:`Diagnosis.registers`.
    """

    name: str
    ok: bool | None
    action: str | None
    reason: str
    source: str
    fix: str = ""
    resource: str = ""
    symptom: str = ""
    iam: str = ""
    essential: bool = False


@dataclass(frozen=True)
class Symptom:
    """What the instance sees when a call is denied, and why (for :func:`ecsrole_lib.launch`)."""

    message: str
    cause: str
    fix: str


@dataclass(repr=False)
class Diagnosis:
    """The doctor's answer for one role.

    Attributes
    ----------
    registers
        Whether an instance holding the role registers with its cluster: the trust policy
        lets the instance kind's service assume it, an instance profile holds it (Amazon
        EC2), and every call the agent always makes is allowed (by the guide's evaluation
        and, on AWS, by IAM's simulator too).
    checks
        One :class:`DoctorCheck` per question, in the order an instance meets them.
    """

    role_name: str
    instance_kind: str
    target: str
    checks: list[DoctorCheck] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    role_arn: str = ""
    simulated: bool = False
    reads: int = 0
    writes: int = 0
    #: Show every row; by default the rows that pass are one line (:meth:`whole` shows them).
    all_rows: bool = False
    #: The language it is shown in (``"en"`` or ``"ko"``); the rows stay data in English.
    lang: str = "en"

    @property
    def registers(self) -> bool:
        return self.verdict == REGISTERS

    @property
    def verdict(self) -> str:
        """``"registers"``, ``"does not register"`` (an essential row fails: :attr:`blocking`)
        or ``"cannot tell"`` (none fails, but some are undecided: :attr:`undecided`)."""
        essential = [c for c in self.checks if c.essential]
        if not essential or any(c.ok is False for c in essential):
            return NOT_REGISTERS
        return CANNOT_TELL if any(c.ok is None for c in essential) else REGISTERS

    @property
    def failures(self) -> list[DoctorCheck]:
        """The rows that are not right."""
        return [c for c in self.checks if c.ok is False]

    @property
    def blocking(self) -> list[DoctorCheck]:
        """The failing rows without which an instance does not register."""
        return [c for c in self.checks if c.essential and c.ok is False]

    @property
    def undecided(self) -> list[DoctorCheck]:
        """The rows needed to register that the guide could not decide, each saying why."""
        return [c for c in self.checks if c.essential and c.ok is None]

    def because(self) -> str:
        """The verdict's reason: the failing calls, or the undecided ones with why.

        >>> Diagnosis("r", "ec2", "sandbox", [DoctorCheck("ecs:Poll", None, "ecs:Poll",
        ...     "depends on aws:SourceIp", "", essential=True)]).because()
        'undecided: ecs:Poll (depends on aws:SourceIp)'
        """
        ko = self.lang == "ko"
        if self.verdict == NOT_REGISTERS:
            names = ", ".join(c.name for c in self.blocking) or ("점검 없음" if ko else "no checks")
            return ("실패: " if ko else "fails: ") + names
        if self.verdict == CANNOT_TELL:
            return ("판단할 수 없음: " if ko else "undecided: ") + "; ".join(
                f"{c.name} ({tr(c.reason, self.lang)})" for c in self.undecided)
        return ""

    def __getitem__(self, name: str) -> DoctorCheck:
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    def summary(self) -> str:
        """The verdict in one line.

        >>> Diagnosis("ecsInstanceRole", "ec2", "sandbox", lang="ko").summary()
        '샌드박스의 doctor: 역할이 ecsInstanceRole인 ec2 인스턴스는 등록되지 않습니다 (실패: 점검 없음); 문제 0개; 읽기 API 호출 0회'
        """
        ko = self.lang == "ko"
        verdict = (_VERDICT_KO if ko else _VERDICT)[self.verdict]
        if self.because():
            verdict += f" ({self.because()})"
        failing = len(self.failures)
        if ko:
            where = {"sandbox": "샌드박스"}.get(self.target, self.target)
            return (f"{where}의 doctor: 역할이 {self.role_name}인 {self.instance_kind} 인스턴스는 "
                    f"{verdict}; 문제 {failing}개; 읽기 API 호출 {self.reads}회")
        return (f"doctor on {self.target}: an {self.instance_kind} instance with role "
                f"{self.role_name} {verdict}; {failing} problem(s); {self.reads} read API calls")

    def whole(self) -> Diagnosis:
        """The same diagnosis, shown with every row (the rows that pass included)."""
        return replace(self, all_rows=True)

    def _shown(self) -> tuple[list[DoctorCheck], list[DoctorCheck]]:
        """(rows shown in full, rows that pass, said in one line): a learner reads what is
        wrong or worth knowing, not fifteen rows of "allowed"."""
        if self.all_rows:
            return list(self.checks), []
        passed = [c for c in self.checks if c.ok is True and not c.symptom and not c.iam]
        return [c for c in self.checks if c not in passed], passed

    def _passed_line(self, passed: list[DoctorCheck]) -> str:
        names = ", ".join(c.name for c in passed)
        if self.lang == "ko":
            return f"통과한 점검 {len(passed)}개: {names} (모든 행: .whole())"
        return f"{len(passed)} check(s) pass: {names} (every row: .whole())"

    def _word(self, english: str) -> str:
        return _FRAME_KO.get(english, english) if self.lang == "ko" else english

    def __str__(self) -> str:
        shown, passed = self._shown()
        width = max([len(c.name) for c in shown] + [5])
        lines, say, lang = [self.summary(), ""], self._word, self.lang
        if passed:
            lines.append(f"{say('ok'):<4}  {self._passed_line(passed)}")
        for check in shown:
            mark = say({True: "ok", False: "FAIL", None: "info"}[check.ok])
            lines.append(f"{mark:<4}  {check.name:<{width}}  {tr(check.reason, lang)}")
            pad = " " * (width + 8)
            if check.symptom:
                lines.append(f"{pad}{say('the instance sees')}: {tr(check.symptom, lang)}")
            if check.iam:
                simulator = say("IAM's simulator")
                lines.append(f"{pad}{simulator}: {tr(check.iam, lang)}")
            if check.fix:
                lines.append(f"{pad}{say('fix')}: {tr(check.fix, lang)}")
        if self.notes:
            lines.append("")
            lines += [f"{say('note')}: {tr(n, lang)}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(str(self))

    def _html_row(self, c: DoctorCheck) -> str:
        esc, say, lang = html.escape, self._word, self.lang
        label = {True: say("ok"), False: say("fails"), None: say("info")}
        reason = esc(tr(c.reason, lang)) + (
            f"<br><small><code>{esc(tr(c.symptom, lang))}</code></small>" if c.symptom else "")
        # The source sits under the reason, not in a column of its own: four columns leave
        # each one wide enough that a row stays a few lines high.
        source = (f"<br><small style='color:#57606a'>{esc(say('source'))}: "
                  f"{esc(tr(c.source, lang))}</small>" if c.source else "")
        # The mark keeps its word on one line; long commands, ARNs and URLs wrap in their
        # cells, so the table stays as wide as the notebook.
        # A check's name may break after its colons (least_privilege:<wbr>cwlogspolicy): in a
        # fifth of the width a long one would otherwise run over the mark beside it.
        cells = [f"<code>{esc(c.name).replace(':', ':<wbr>')}</code>",
                 f"<b style='color:{_COLOUR[c.ok]};white-space:nowrap'>{label[c.ok]}</b>",
                 f"<div style='overflow-wrap:anywhere'>{reason}{source}</div>"]
        if self.simulated:
            cells.append(esc(tr(c.iam, lang)))
        cells.append(f"<div style='overflow-wrap:anywhere'>{esc(tr(c.fix, lang))}</div>")
        return "<tr>" + "".join(f"<td style='{CELL_STYLE}'>{x}</td>" for x in cells) + "</tr>"

    def _repr_html_(self) -> str:
        esc, say = html.escape, self._word
        colour = _COLOUR
        columns = ["check", "", "the guide's evaluation"] + (
            ["IAM's simulator"] if self.simulated else []) + ["fix"]
        # The evaluation gets half the width: it holds the reason, the symptom and the source.
        # JupyterLab lays its tables out fixed, by these widths: the mark's column is as wide
        # as its longest word ("fails", "정보"), or the word runs over the evaluation beside it.
        widths = {"check": "20%", "": "5em", "the guide's evaluation": "50%" if not
                  self.simulated else "30%", "IAM's simulator": "20%"}
        head = "".join(f"<th style='{CELL_STYLE};width:{widths.get(h, 'auto')}'>"
                       f"{esc(say(h))}</th>" for h in columns)
        shown, passed = self._shown()
        rows = [self._html_row(c) for c in shown]
        verdict = colour[{REGISTERS: True, NOT_REGISTERS: False}.get(self.verdict)]
        notes = "".join(f"<li>{esc(tr(n, self.lang))}</li>" for n in self.notes)
        passed_line = (f"<p style='color:{colour[True]}'>{esc(self._passed_line(passed))}</p>"
                       if passed else "")
        table = (f"<table style='text-align:left;width:100%'><tr>{head}</tr>"
                 f"{''.join(rows)}</table>"
                 if rows else "")
        # The notes explain how the rows were decided: folded, one click away.
        folded = (f"<details><summary>{esc(say('notes'))} ({len(self.notes)})</summary>"
                  f"<ul>{notes}</ul></details>" if notes else "")
        # A fix is often a shell command with $(...): MathJax must not typeset it as TeX.
        return (f"<div class='ecsrole-doctor tex2jax_ignore mathjax_ignore'><p><b "
                f"style='color:{verdict}'>{esc(self.summary())}</b></p>{passed_line}{table}"
                f"{folded}</div>")


#: The colour of a row's mark: ok, fails, info.
_COLOUR = {True: "#1a7f37", False: "#cf222e", None: "#57606a"}
#: The verdicts, said in a summary.
_VERDICT = {REGISTERS: "registers", NOT_REGISTERS: "does NOT register",
            CANNOT_TELL: "cannot tell whether it registers"}
_VERDICT_KO = {REGISTERS: "등록됩니다", NOT_REGISTERS: "등록되지 않습니다",
               CANNOT_TELL: "등록되는지 판단할 수 없습니다"}
#: The words around the rows, in Korean (the rows' reasons go through ``tr``).
_FRAME_KO = {
    "ok": "정상", "FAIL": "실패", "fails": "실패", "info": "정보", "note": "참고",
    "notes": "doctor가 판단한 방법",
    "the instance sees": "인스턴스가 보는 것", "IAM's simulator": "IAM 정책 시뮬레이터",
    "fix": "해결", "check": "점검", "the guide's evaluation": "가이드의 평가", "source": "출처",
}


# ---------------------------------------------------------------------------------------
# What the instance needs
# ---------------------------------------------------------------------------------------
def needs(agent: AgentConfig, instance_kind: str, partition: str, region: str, account: str,
          container_instance_id: str = "*") -> list[Need]:
    """The calls an instance of ``instance_kind`` makes with its role, for ``agent``'s settings,
    with their resources filled in, in the order the instance makes them
    (:func:`ecsrole_lib.diagnose.agent.agent_calls`); each named by its action, and where an action
    comes twice, by its caller or resource type too.

    >>> [n.name for n in needs(AgentConfig(service_connect=True), "ec2", "aws", "us-east-1",
    ...                        "111122223333") if n.action == "ecs:Poll"]
    ['ecs:Poll', 'ecs:Poll (Service Connect agent)']
    """
    if agent.instance_kind != instance_kind:
        agent = replace(agent, instance_kind=instance_kind)
    calls = agent_calls(agent, partition=partition, region=region, account=account,
                        container_instance_id=container_instance_id)
    # The user data copies ecs.config before the agent starts.
    calls.sort(key=lambda call: not call.caller.startswith("user data"))
    count: dict[str, int] = {}
    for call in calls:
        count[call.action] = count.get(call.action, 0) + 1
    out = []
    for call in calls:
        always = call.when.startswith("always")
        name = call.action
        if count[call.action] > 1 and not always:
            kind = call.resource.split(":", 5)[-1].split("/", 1)[0] if ":" in call.resource else ""
            name = f"{call.action} ({call.caller if call.caller != 'ecs-agent' else kind})"
        out.append(Need(name, call.action, call.resource, call.context_dict,
                        always or call.action.lower() in REGISTRATION, cited(call.source),
                        call.when))
    return out


def cited(source: str) -> str:
    """``source`` with each part the catalog holds (``doctor.cite.*``) made a message, so the
    citation reads in Korean around its URLs and code; its English text is unchanged.

    >>> from ecsrole_lib.i18n.catalog import render
    >>> render(cited("https://x.go (f); AWS page: AmazonSSMManagedInstanceCore [inferred]"), "ko")
    'https://x.go (f); AWS 페이지: AmazonSSMManagedInstanceCore [추론]'
    """
    found, parts, at = _citations(), [], 0
    pattern = re.compile("|".join(re.escape(text) for text in sorted(found, key=len, reverse=True)))
    for match in pattern.finditer(source):
        parts += [source[at:match.start()], message(found[match.group()])]
        at = match.end()
    return join("", [p for p in parts + [source[at:]] if p]) if parts else source


@cache
def _citations() -> dict[str, str]:
    """English text of each part of a source to its message id (``doctor.cite.*``)."""
    return {text: id for id, text in catalog("en").items() if id.startswith("doctor.cite.")}


def denied_message(account: str, partition: str, role_name: str, session_name: str,
                   action: str, resource: str, kind: str, boundary: bool = False) -> str:
    """AWS's AccessDenied message for a call made with the role's credentials.

    >>> denied_message("111122223333", "aws", "ecsInstanceRole", "i-0123456789abcdef0",
    ...                "ecs:Poll", "*", "implicit_deny")  # doctest: +NORMALIZE_WHITESPACE
    'User: arn:aws:sts::111122223333:assumed-role/ecsInstanceRole/i-0123456789abcdef0 is not
    authorized to perform: ecs:Poll on resource: * because no identity-based policy allows the
    ecs:Poll action'
    """
    user = f"arn:{partition}:sts::{account}:assumed-role/{role_name}/{session_name}"
    if kind == "explicit_deny":
        because = "with an explicit deny in an identity-based policy"
    elif boundary:
        because = f"because no permissions boundary allows the {action} action"
    else:
        because = f"because no identity-based policy allows the {action} action"
    return f"User: {user} is not authorized to perform: {action} on resource: {resource} {because}"


# ---------------------------------------------------------------------------------------
# Reading the role
# ---------------------------------------------------------------------------------------
@dataclass
class _Role:
    role: dict
    trust: dict
    documents: dict[str, Any]  # name as shown -> document
    managed: list[str]
    inline: list[str]
    boundary_arn: str | None
    boundary: dict | None
    profiles: list[dict]
    #: What the role's listing named but was deleted before it could be read (name as shown).
    gone: list[str] = field(default_factory=list)


class _Gone:
    """A read that met ``NoSuchEntity``: deleted since the listing that named it."""

    def __init__(self, err: EcsRoleError):
        self.error = err


def _present(read: Callable[[], Any]) -> Any:
    """``read()``; a :class:`_Gone` (or ``None`` as the read itself says) when IAM answers
    ``NoSuchEntity``: something listed a moment ago was deleted in between (a race with
    another person's cleanup, never an error of the role)."""
    try:
        return read()
    except EcsRoleError as err:
        if getattr(err, "code", "") == "NoSuchEntity":
            return _Gone(err)
        raise


def _parallel(*reads: Callable[[], Any]) -> list[Any]:
    """Independent reads at once: on AWS each is a round trip of tens of milliseconds."""
    if len(reads) <= 1:
        return [read() for read in reads]
    with ThreadPoolExecutor(max_workers=min(8, len(reads))) as pool:
        return [f.result() for f in [pool.submit(read) for read in reads]]


def _managed_name(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]


def role_facts(ctx: Context, role_name: str) -> _Role | None:
    """The role and everything that decides its permissions, read once per run."""
    return cached(ctx, ("doctor", role_name), lambda: _read_role(ctx, role_name))


def _read_role(ctx: Context, role_name: str) -> _Role | None:
    role = get_role(ctx, role_name)
    if role is None:
        return None
    boundary_arn = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
    listed = _parallel(
        lambda: _present(lambda: attached_policies(ctx, role_name)),
        lambda: _present(lambda: inline_policies(ctx, role_name)),
        lambda: _present(lambda: ctx.pages("iam", "list_instance_profiles_for_role",
                                           "InstanceProfiles", RoleName=role_name)),
        lambda: _present(lambda: policy_document(ctx, boundary_arn)) if boundary_arn else None)
    if any(isinstance(found, _Gone) for found in listed[:3]):
        return None  # the role itself was deleted while it was read
    managed, inline, profiles, boundary = listed
    documents = _parallel(
        *[(lambda arn=arn: _present(lambda: policy_document(ctx, arn))) for arn in managed],
        *[(lambda name=name: _present(lambda: policies.parse(ctx.call(
            "iam", "get_role_policy", RoleName=role_name, PolicyName=name)["PolicyDocument"])))
          for name in inline])
    names = [_managed_name(arn) for arn in managed]
    # An AWS managed and a customer managed policy may share a name: then the ARN tells them apart.
    shown = [name if names.count(name) == 1 else arn for name, arn in zip(names, managed)]
    shown += [f"inline policy {name}" for name in inline]
    # A policy detached and deleted since the listing no longer counts, in IAM either.
    named = {name: doc for name, doc in zip(shown, documents)
             if doc is not None and not isinstance(doc, _Gone)}
    gone = [name for name, doc in zip(shown, documents) if doc is None or isinstance(doc, _Gone)]
    if boundary_arn and (boundary is None or isinstance(boundary, _Gone)):
        gone.append(f"permissions boundary {_managed_name(boundary_arn)}")
        boundary = None
    return _Role(role, policies.parse(role["AssumeRolePolicyDocument"]), named, managed, inline,
                 boundary_arn, boundary, profiles, gone)


def _gone_rows(facts: _Role) -> list[DoctorCheck]:
    """A row for each policy the role's listing named that was deleted before it was read."""
    rows = []
    for name in facts.gone:
        boundary = name.startswith("permissions boundary ")
        if boundary:  # the role may still name it: what it caps cannot be known now
            reason = (f"{name} was deleted since the role was read: the guide cannot tell what "
                      "it caps; run the doctor again")
        else:
            reason = (f"{name} was deleted since the role's policies were listed: the calls "
                      "below are evaluated without it, as IAM now does")
        rows.append(DoctorCheck(f"deleted:{name}", None, None, reason,
                                "IAM: NoSuchEntity on a policy the role's listing named",
                                essential=boundary))
    return rows


# ---------------------------------------------------------------------------------------
# The request an instance-role session sends
# ---------------------------------------------------------------------------------------
_GLOBAL_KEYS = "IAM: AWS global condition context keys"
_EC2_KEYS = "Amazon EC2: condition keys for EC2 instance role credentials"
#: Every key the doctor fills, how, and where AWS documents that the request carries it.
REQUEST_KEYS = {
    "aws:RequestedRegion": ("the Region the agent calls (its instance's)", _GLOBAL_KEYS),
    "aws:SecureTransport": ("true: the agent and the AWS CLI call HTTPS endpoints", _GLOBAL_KEYS),
    "aws:CurrentTime": ("now", _GLOBAL_KEYS),
    "aws:EpochTime": ("now, in epoch seconds", _GLOBAL_KEYS),
    "aws:TokenIssueTime": ("now: the credentials of an instance that starts now",
                           _GLOBAL_KEYS + " (present for temporary credentials)"),
    "aws:PrincipalArn": ("the role's ARN (for an assumed role, the role, not the session)",
                         _GLOBAL_KEYS),
    "aws:PrincipalAccount": ("the role's account", _GLOBAL_KEYS),
    "aws:PrincipalType": ("AssumedRole", _GLOBAL_KEYS + "; IAM: Variables and tags "
                                         "(principal key values)"),
    "aws:userid": ("role-id:session name (the instance ID)",
                   "IAM: Variables and tags (principal key values: role-id:ec2-instance-id)"),
    "aws:PrincipalTag/*": ("the role's tags", _GLOBAL_KEYS),
    "aws:ViaAWSService": ("false: the instance calls itself, no service on its behalf",
                          _GLOBAL_KEYS),
    "aws:PrincipalIsAWSService": ("false", _GLOBAL_KEYS),
    "aws:ResourceAccount": ("the role's account (the guide's resources are in it)", _GLOBAL_KEYS),
    "ec2:SourceInstanceARN": ("the instance's ARN, when the instance is given (instance_id=)",
                              _EC2_KEYS + "; IAM: Variables and tags"),
    "ec2:RoleDelivery": (("2.0: the agent's aws-sdk-go-v2 ec2rolecreds reads the instance "
                          "metadata with an IMDSv2 session token "
                          "(ecs-agent/credentials/providers/instance_credentials_provider.go)"),
                         _EC2_KEYS),
}
_REGIONLESS = ("s3:getobject",)  # the user data's aws s3 cp: its Region is the CLI's, not known


def request_context(ctx: Context, role: dict, kind: str, session_name: str,
                    instance_known: bool, action: str = "",
                    now: float | None = None) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The global condition keys an instance-role session's request carries, as far as the
    doctor knows them (:data:`REQUEST_KEYS`), and the keys it carries that the doctor cannot
    know (:data:`UNKNOWN_KEYS`, the instance's ARN when no instance is given)."""
    at = time.time() if now is None else now
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))
    known: dict[str, Any] = {
        "aws:SecureTransport": "true", "aws:CurrentTime": stamp, "aws:EpochTime": str(int(at)),
        "aws:TokenIssueTime": stamp, "aws:PrincipalArn": role["Arn"],
        "aws:PrincipalAccount": ctx.account, "aws:PrincipalType": "AssumedRole",
        "aws:userid": f"{role.get('RoleId', '')}:{session_name}", "aws:ViaAWSService": "false",
        "aws:PrincipalIsAWSService": "false", "aws:ResourceAccount": ctx.account,
        **{f"aws:PrincipalTag/{t['Key']}": t["Value"] for t in role.get("Tags", [])}}
    unknown = list(UNKNOWN_KEYS)
    if action.lower() in _REGIONLESS:
        unknown.append("aws:RequestedRegion")
    else:
        known["aws:RequestedRegion"] = ctx.region
    if kind == "ec2":
        known["ec2:RoleDelivery"] = "2.0"
        if instance_known:
            known["ec2:SourceInstanceARN"] = (f"arn:{ctx.partition}:ec2:{ctx.region}:"
                                              f"{ctx.account}:instance/{session_name}")
        else:
            unknown.append("ec2:SourceInstanceARN")
    return known, tuple(unknown)


# ---------------------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------------------
def _trust_check(ctx: Context, facts: _Role, kind: str, role_name: str) -> DoctorCheck:
    service = TRUSTED_SERVICE[kind]
    context = ({"aws:SourceAccount": ctx.account,
                "aws:SourceArn": f"arn:{ctx.partition}:ssm:{ctx.region}:{ctx.account}:"
                                 f"managed-instance/{EXAMPLE_INSTANCE['external']}"}
               if kind == "external" else {})
    source = message("doctor.source.trust" if kind == "ec2" else "doctor.source.trust_anywhere")
    try:
        decision = trusts(facts.trust, service=service, context=context)
    except EcsRoleError as err:
        return DoctorCheck("trust", None, "sts:AssumeRole", f"the guide cannot decide: {err}",
                           source, essential=True)
    if decision.allowed:
        return DoctorCheck("trust", True, "sts:AssumeRole",
                           message("doctor.trusted", service=service), source, essential=True)
    named = policies.named_principals(facts.trust)
    hints = [message(f"doctor.wrong_principal.{p}") for p in named if p in policies.WRONG_PRINCIPALS]
    reason = join("; ", [message("doctor.untrusted", service=service, why=decision.why,
                                 named=", ".join(named) or message("doctor.no_principal"))]
                  + hints)
    if kind == "ec2":
        symptom = message("doctor.symptom.untrusted", role=role_name)
    else:
        symptom = ("aws ssm create-activation fails: ValidationException: Nonexistent role or "
                   "missing ssm service principal in trust policy")
    fix = message("doctor.fix.trust", role=role_name, service=service)
    return DoctorCheck("trust", False, "sts:AssumeRole", reason, source, fix,
                       symptom=symptom, essential=True)


def _profile_check(ctx: Context, facts: _Role, spec: RoleSpec | None,
                   role_name: str) -> DoctorCheck:
    source = message("doctor.source.profile")
    holders = [p["InstanceProfileName"] for p in facts.profiles]
    wanted = spec.instance_profile_name if spec is not None else None
    if holders:
        launch_with = wanted if wanted in holders else holders[0]
        extra = ("" if wanted is None or wanted in holders else
                 message("doctor.profile_not_spec", wanted=wanted, launch_with=launch_with))
        return DoctorCheck("instance_profile", True, None,
                           message("doctor.profile_holds", profiles=", ".join(holders),
                                   extra=extra), source, essential=True)
    fix_profile = wanted or f"{role_name}-profile"
    profile = get_instance_profile(ctx, fix_profile)
    if profile is None:
        reason = message("doctor.profile_missing", role=role_name, profile=fix_profile)
        symptom = message("doctor.symptom.no_profile", profile=fix_profile)
        fix = (f"aws iam create-instance-profile --instance-profile-name {fix_profile}; aws iam "
               f"add-role-to-instance-profile --instance-profile-name {fix_profile} "
               f"--role-name {role_name}")
    else:
        others = [r["RoleName"] for r in profile.get("Roles", [])]
        if others:
            reason = message("doctor.profile_other", profile=fix_profile, other=others[0],
                             role=role_name)
            fix = (f"aws iam remove-role-from-instance-profile --instance-profile-name "
                   f"{fix_profile} --role-name {others[0]}; ")
        else:
            reason = message("doctor.profile_empty", profile=fix_profile)
            fix = ""
        symptom = message("doctor.symptom.no_credentials")
        fix += (f"aws iam add-role-to-instance-profile --instance-profile-name {fix_profile} "
                f"--role-name {role_name}")
    return DoctorCheck("instance_profile", False, None, reason, source, fix, symptom=symptom,
                       essential=True)


def _candidates(kind: str, action: str) -> list[tuple[str, str]]:
    """The AWS managed policies the page attaches that may grant ``action``: (path, name)."""
    found = [policies.CONTAINER_INSTANCE_POLICY]
    if kind == "external":
        found.insert(0, policies.SSM_CORE_POLICY)
    return found


def _grant_fix(ctx: Context, facts: _Role, kind: str, need: Need, role_name: str) -> str:
    """Which managed policy of the page would allow ``need``, as the command that attaches it."""
    if need.action.lower() == "s3:getobject":
        read_only = policies.managed_policy_arn(ctx.partition, policies.S3_READ_ONLY_POLICY)
        return message("doctor.fix.config", resource=need.resource, role=role_name,
                       policy=read_only)
    for path_name in _candidates(kind, need.action):
        arn = policies.managed_policy_arn(ctx.partition, path_name)
        document = policy_document(ctx, arn)
        if document is None or not evaluate({path_name[1]: document}, need.action,
                                            need.resource, need.context).allowed:
            continue
        if arn in facts.managed:
            return ""  # attached already: the cause is elsewhere
        copy = False
        if path_name == policies.CONTAINER_INSTANCE_POLICY and facts.documents:
            try:  # another policy already allows the agent's registration: a copy, fallen behind
                copy = evaluate(facts.documents, "ecs:RegisterContainerInstance", "*").allowed
            except EcsRoleError:
                pass
        return message("doctor.fix.attach_copy" if copy else "doctor.fix.attach", role=role_name,
                       arn=arn, policy=path_name[1], action=need.action)
    return message("doctor.fix.statement", action=need.action, resource=need.resource)


def explain_denial(ctx: Context, facts: _Role, kind: str, need: Need, decision, role_name: str,
             session_name: str, allowed_elsewhere: list[str]) -> Symptom:
    """The message AWS gives for a denied ``need``, its cause and its fix."""
    identity_only = decision
    if decision.kind == "implicit_deny" and facts.boundary is not None:
        identity_only = evaluate(facts.documents, need.action, need.resource, need.context)
    by_boundary = decision.kind == "implicit_deny" and identity_only.allowed
    said = denied_message(ctx.account, ctx.partition, role_name, session_name, need.action,
                          need.resource, decision.kind, by_boundary)
    if decision.kind == "explicit_deny":
        cause = message("doctor.cause.explicit_deny", why=decision.why)
        fix = message("doctor.fix.deny",
                      statements=join(", ", [statement_label(x) for x in decision.statements]))
    elif by_boundary:
        cause = message("doctor.cause.boundary", boundary=_managed_name(facts.boundary_arn or ""),
                        action=need.action, why=identity_only.why)
        fix = message("doctor.fix.boundary", action=need.action, role=role_name)
    else:
        cause = message("doctor.cause.among", why=decision.why,
                        policies=join(", ", list(facts.documents)) if facts.documents
                        else message("doctor.no_policies"))
        if allowed_elsewhere:
            cause = join("; ", [cause, message("doctor.cause.elsewhere", action=need.action,
                                               resources=", ".join(allowed_elsewhere),
                                               resource=need.resource)])
        fix = _grant_fix(ctx, facts, kind, need, role_name)
    return Symptom(said, cause, fix)


def symptom_text(need: Need, said: str) -> str:
    """What the instance shows when ``need`` is denied with AWS's message ``said``."""
    if need.action.lower() == "s3:getobject":
        return message("doctor.symptom.config", message=said)
    return said


def _with_request(ctx: Context, facts: _Role, kind: str, wanted: list[Need],
                  session_name: str, instance_known: bool) -> list[tuple[Need, tuple[str, ...]]]:
    """Each call with the global keys of its request added to the agent's own keys, and
    the keys its request carries that the doctor cannot know."""
    out = []
    for need in wanted:
        known, unknown = request_context(ctx, facts.role, kind, session_name, instance_known,
                                         need.action)
        out.append((replace(need, context={**known, **need.context}), unknown))
    return out


def _call_checks(ctx: Context, facts: _Role, kind: str, wanted: list[Need], role_name: str,
                 session_name: str, instance_known: bool = False,
                 ) -> list[tuple[DoctorCheck, Need, Any]]:
    decisions: list[Any] = []
    asked = _with_request(ctx, facts, kind, wanted, session_name, instance_known)
    wanted = [need for need, _ in asked]
    for need, unknown in asked:
        try:
            decisions.append(evaluate(facts.documents, need.action, need.resource, need.context,
                                      boundary=boundary_of(facts), unknown=unknown))
        except EcsRoleError as err:
            decisions.append(err)
    rows = []
    for need, decision in zip(wanted, decisions):
        when = message("doctor.always") if need.when.startswith("always") else _when(need.when)
        if isinstance(decision, EcsRoleError):
            rows.append((DoctorCheck(need.name, None, need.action, _undecided(when, decision),
                                     need.source, resource=need.resource,
                                     essential=need.always),
                         need, None))
            continue
        if decision.allowed:
            rows.append((DoctorCheck(need.name, True, need.action,
                                     message("doctor.when", when=when, why=decision.why),
                                     need.source,
                                     resource=need.resource, essential=need.always),
                         need, decision))
            continue
        elsewhere = [n.resource for n, d in zip(wanted, decisions)
                     if n.action == need.action and n is not need and not isinstance(d, Exception)
                     and d.allowed]
        found = explain_denial(ctx, facts, kind, need, decision, role_name, session_name, elsewhere)
        rows.append((DoctorCheck(need.name, False, need.action,
                                 message("doctor.when", when=when, why=found.cause),
                                 need.source, found.fix, need.resource,
                                 symptom_text(need, found.message), essential=need.always),
                     need, decision))
    return rows


def _undecided(when: str, err: EcsRoleError) -> str:
    """Why a call is undecided: the request keys it depends on, or what the guide cannot
    evaluate; IAM's simulator can be asked either way."""
    keys = getattr(err, "depends_on", ())
    if keys:
        return (f"{when}: depends on {', '.join(keys)}: the instance's request carries "
                f"{'it' if len(keys) == 1 else 'them'}, but the doctor cannot know the value "
                f"({err}); ask IAM's simulator with the value (target='aws')")
    return f"{when}: the guide cannot decide ({err}); IAM's simulator can, with target='aws'"


def boundary_of(facts: _Role):
    """The role's permissions boundary as ``evaluate`` takes it (its name, its document)."""
    if facts.boundary is None:
        return None
    return (f"permissions boundary {_managed_name(facts.boundary_arn or '')}", facts.boundary)


def _scoped_rows(facts: _Role) -> list[DoctorCheck]:
    """Least privilege, honestly: a scoped grant narrows nothing when another policy allows the
    same action on every resource (effective permissions are the union of all policies)."""
    rows = []
    for name, document in facts.documents.items():
        statements = document.get("Statement", [])
        statements = [statements] if isinstance(statements, dict) else statements
        scoped: dict[str, str] = {}
        for statement in statements:
            resources = statement.get("Resource", [])
            resources = [resources] if isinstance(resources, str) else resources
            actions = statement.get("Action", [])
            actions = [actions] if isinstance(actions, str) else actions
            if (statement.get("Effect") != "Allow" or statement.get("Condition")
                    or not resources or "*" in resources):
                continue
            others = {n: d for n, d in facts.documents.items() if n != name}
            for action in actions:
                if "*" in action or "?" in action or not others:
                    continue
                try:
                    wide = evaluate(others, action, "*", boundary=boundary_of(facts))
                except EcsRoleError:
                    continue
                if wide.allowed:
                    scoped[action] = wide.why.removeprefix("allowed by ")
        if scoped:
            by = sorted(set(scoped.values()))
            rows.append(DoctorCheck(
                f"least_privilege:{name}", None, None,
                f"{name} scopes {', '.join(sorted(scoped))} to named resources, but "
                f"{'; '.join(by)} allows them on every resource (*): effective permissions are "
                "the union of all policies, so the scoped grant narrows nothing",
                message("doctor.source.union"),
                "to narrow them, the broad grant must go (for AmazonEC2ContainerServiceforEC2Role: "
                "a customer managed copy, which then no longer follows AWS's updates)"))
    return rows


#: The simulator's ContextKeyType of the global keys that are not text.
_SIMULATOR_TYPES = {"aws:CurrentTime": "date", "aws:TokenIssueTime": "date",
                    "aws:EpochTime": "numeric", "aws:SecureTransport": "boolean",
                    "aws:ViaAWSService": "boolean", "aws:PrincipalIsAWSService": "boolean"}


# ---------------------------------------------------------------------------------------
# Causes users report that the role's side can show (issue 18.6)
# ---------------------------------------------------------------------------------------
def _activation_row(ctx: Context, role_name: str) -> DoctorCheck:
    """External instances get the role an activation names (AWS: Amazon ECS Anywhere,
    registering an external instance; Systems Manager DescribeActivations, IamRole)."""
    source = message("doctor.source.activation")
    try:
        activations = ctx.pages("ssm", "describe_activations", "ActivationList")
    except (EcsRoleError, BotoCoreError, ResponseParserError) as err:
        return DoctorCheck("activation", None, None, f"the activations could not be read "
                           f"({err}): which role an activation names is not shown", source)
    ours = [a["ActivationId"] for a in activations
            if a.get("IamRole", "").rsplit("/", 1)[-1] == role_name]
    others = sorted({a.get("IamRole", "") for a in activations} - {role_name, ""})
    if ours:
        return DoctorCheck("activation", True, None, f"activation(s) {', '.join(ours)} name "
                           f"role {role_name}", source)
    if not others:
        return DoctorCheck("activation", None, None, "no activation yet: the next step after "
                           "the role (aws ssm create-activation --iam-role "
                           f"{role_name})", source)
    return DoctorCheck(
        "activation", False, None,
        f"no activation names role {role_name}; the activations name {', '.join(others)}: an "
        "instance registered with one of them gets that role, not this one", source,
        f"aws ssm create-activation --iam-role {role_name} --registration-limit 1, and "
        "register the instance with its code and ID")


def _trunking_row(ctx: Context, facts: _Role) -> DoctorCheck:
    """awsvpcTrunking is per principal: in effect for this role's instances only if set for
    the role (or the account default) before they register (AWS: Elastic network interface
    trunking; PutAccountSetting principalArn)."""
    source = message("doctor.source.trunking")
    settings = ctx.call("ecs", "list_account_settings", "reading awsvpcTrunking",
                        name="awsvpcTrunking", principalArn=facts.role["Arn"],
                        effectiveSettings=True)["settings"]
    if any(s.get("value") == "enabled" for s in settings):
        return DoctorCheck("awsvpcTrunking", True, None, message("doctor.trunking.on"), source)
    return DoctorCheck("awsvpcTrunking", False, None, message("doctor.trunking.off"), source,
                       message("doctor.trunking.fix", arn=facts.role["Arn"]))


def _ecs_config_row(ctx: Context, spec: RoleSpec) -> DoctorCheck:
    """The cluster the user data's ecs.config names: without ECS_CLUSTER, or naming another,
    the agent joins that cluster (default when unset) (AWS: Amazon ECS container agent
    configuration, ECS_CLUSTER)."""
    source = message("doctor.source.ecs_cluster")
    where = f"s3://{spec.config_bucket}/{spec.config_key}"
    try:
        body = ctx.call("s3", "get_object", "reading ecs.config", Bucket=spec.config_bucket,
                        Key=spec.config_key)["Body"].read().decode("utf-8", "replace")
    except EcsRoleError as err:
        return DoctorCheck("ecs.config", None, None, f"{where} could not be read ({err})",
                           source)
    named = [line.split("=", 1)[1].strip() for line in body.splitlines()
             if line.strip().startswith("ECS_CLUSTER=")]
    cluster = named[-1] if named else "default"
    if cluster == spec.cluster_name:
        return DoctorCheck("ecs.config", True, None,
                           message("doctor.config.names", where=where, cluster=cluster), source,
                           essential=True)
    said = (message("doctor.config.other", where=where, cluster=cluster, wanted=spec.cluster_name)
            if named else message("doctor.config.unset", where=where, wanted=spec.cluster_name))
    return DoctorCheck("ecs.config", False, None, said, source,
                       message("doctor.config.fix", cluster=spec.cluster_name), essential=True)


def _network_row(kind: str) -> DoctorCheck:
    """What IAM cannot show: the agent must reach the instance metadata and the endpoints."""
    proxy = ("behind an HTTP proxy, set NO_PROXY=169.254.169.254,169.254.170.2,"
             "/var/run/docker.sock in /etc/ecs/ecs.config and the Docker daemon's environment"
             if kind == "ec2" else "behind an HTTP proxy, the Systems Manager Agent and the "
             "container agent need the proxy for the AWS endpoints")
    check = ("TOKEN=$(curl -s -X PUT http://169.254.169.254/latest/api/token -H "
             "'X-aws-ec2-metadata-token-ttl-seconds: 60'); curl -s -H "
             "\"X-aws-ec2-metadata-token: $TOKEN\" http://169.254.169.254/latest/meta-data/"
             "iam/info" if kind == "ec2" else "sudo systemctl status amazon-ssm-agent ecs")
    return DoctorCheck("network", None, None,
                       f"outside IAM, not evaluated: the instance must reach the instance "
                       f"metadata and the Amazon ECS endpoints; {proxy}",
                       message("doctor.source.proxy"), f"check: {check}")


def _cause_rows(ctx: Context, facts: _Role, spec: RoleSpec | None, kind: str,
                role_name: str) -> list[DoctorCheck]:
    rows = []
    if kind == "external":
        rows.append(_activation_row(ctx, role_name))
    if spec is not None and spec.trunking is True:
        rows.append(_trunking_row(ctx, facts))
    if spec is not None and "s3_config" in spec.features and spec.config_bucket:
        rows.append(_ecs_config_row(ctx, spec))
    return rows + [_network_row(kind)]


def _simulate(ctx: Context, role_arn: str, rows: list[tuple[DoctorCheck, Need, Any]],
              ) -> tuple[list[DoctorCheck], list[str]]:
    """Ask IAM's simulator each question again; show both answers; a disagreement fails."""
    def ask(need: Need) -> dict:
        params: dict[str, Any] = {"PolicySourceArn": role_arn, "ActionNames": [need.action]}
        if need.resource != "*":
            params["ResourceArns"] = [need.resource]
        if need.context:
            params["ContextEntries"] = [
                {"ContextKeyName": k,
                 "ContextKeyValues": list(v) if isinstance(v, (list, tuple)) else [str(v)],
                 "ContextKeyType": _SIMULATOR_TYPES.get(k, "string") + (
                     "List" if isinstance(v, (list, tuple)) else "")}
                for k, v in need.context.items()]
        return ctx.call("iam", "simulate_principal_policy", f"simulating {need.action}",
                        **params)["EvaluationResults"][0]

    try:
        # One question first: a caller without iam:SimulatePrincipalPolicy (or an endpoint
        # without a simulator) answers the same to all of them.
        first = [ask(rows[0][1])] if rows else []
        answers = first + _parallel(*[(lambda need=need: ask(need)) for _, need, _ in rows[1:]])
    except (AwsError, BotoCoreError, ResponseParserError) as err:  # moto: no simulator
        # The error's first line: a parser error carries the whole HTML page it could not read.
        text = str(err)
        line = text.splitlines()[0][:160] if text else type(err).__name__
        return [check for check, _, _ in rows], [message("doctor.simulator_unasked", error=line)]
    out = []
    for (check, need, decision), answer in zip(rows, answers):
        said = answer.get("EvalDecision", "")
        iam_kind = _SIMULATOR_KIND.get(said, said)
        ours = decision.kind if decision is not None else "undecided"
        if decision is None:
            out.append(replace(check, iam=f"{said}", ok=iam_kind == "allow",
                               reason=check.reason + f"; IAM's simulator says {said}"))
        elif iam_kind == ours:
            out.append(replace(check, iam=f"{said} (agrees)"))
        else:
            out.append(replace(check, ok=False, iam=f"{said} (DISAGREES)",
                               reason=(f"the guide's evaluation says {ours}, IAM's simulator "
                                       f"says {said}: a disagreement, so this row fails until "
                                       f"it is understood; the guide's reason was: "
                                       f"{check.reason}")))
    return out, []


def _when(when: str) -> str:
    """When a call is needed (:func:`_condition`), as a message where the catalog holds it.

    >>> from ecsrole_lib.i18n.catalog import render
    >>> render(_when("external instances: the Systems Manager Agent's heartbeat"), "ko")
    '외부 인스턴스'
    """
    condition = _condition(when)
    found = _conditions().get(condition)
    return message(found) if found else condition


@cache
def _conditions() -> dict[str, str]:
    """English condition text to its message id (``doctor.condition.*``)."""
    return {text: id for id, text in catalog("en").items() if id.startswith("doctor.condition.")}


def _condition(when: str) -> str:
    """When a call is needed, without its explanation: up to the first ``": "`` outside brackets.

    >>> _condition("ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM=ec2_instance: before registering")
    'ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM=ec2_instance'
    >>> _condition("tasks log with awslogs (unless their execution role is used: X=true)")
    'tasks log with awslogs (unless their execution role is used: X=true)'
    """
    depth = 0
    for index, char in enumerate(when):
        depth += (char == "(") - (char == ")")
        if depth == 0 and when.startswith(": ", index):
            return when[:index]
    return when


def agent_for(spec: RoleSpec | None, agent: AgentConfig) -> AgentConfig:
    """``agent`` with the settings ``spec``'s features give the instance (``agent`` as is
    without a spec)."""
    if spec is None:
        return agent
    # The spec's features say what the instance has, except what the caller set itself.
    default = AgentConfig()
    changes: dict[str, Any] = {name: value for name, value in agent_settings(spec).items()
                               if getattr(agent, name) == getattr(default, name)}
    return replace(agent, **{**changes, "instance_kind": spec.instance_kind})


def _kind(facts: _Role | None, spec: RoleSpec | None) -> str:
    if spec is not None:
        return spec.instance_kind
    if facts is not None and "ssm.amazonaws.com" in policies.named_principals(facts.trust):
        return "external"
    return "ec2"


def _context_notes(ctx: Context, facts, kind: str, session_name: str,
                   real_instance: bool) -> list[str]:
    """What the calls were asked with (the request's keys), and what the doctor cannot see."""
    known, unknown = request_context(ctx, facts.role, kind, session_name, real_instance)
    notes = [
        "Each call was asked with the keys an instance-role session's request carries: "
        # The role ID and the times change from run to run: named, not shown.
        + ", ".join(f"{k}={v}" if k != "aws:userid" else f"{k}=<role ID>:{session_name}"
                    for k, v in known.items()
                    if k not in ("aws:CurrentTime", "aws:EpochTime", "aws:TokenIssueTime"))
        + ", aws:CurrentTime, aws:EpochTime and aws:TokenIssueTime now; the doctor cannot "
        f"know {', '.join(unknown)}: a call that depends on one says so."]
    if facts.boundary_arn:
        notes.append(f"Permissions boundary {facts.boundary_arn} is applied to every "
                     "call above.")
    notes.append("Service control policies and resource control policies of an "
                 "organization are not read; they can deny more.")
    return notes


def doctor(role_or_spec: str | RoleSpec, session: boto3.Session | None = None,
           agent: AgentConfig = AgentConfig(), instance_id: str | None = None,  # noqa: B008 - frozen
           _ctx: Context | None = None, lang: str = "en") -> Diagnosis:
    """Will an instance holding this role register with its cluster and run tasks? Read only.

    Parameters
    ----------
    role_or_spec
        A role name, or a :class:`RoleSpec` (its role, instance kind, instance profile,
        cluster and ``ecs.config`` location are used).
    session
        Where to look; ``None`` is the sandbox. On anything but the sandbox the doctor also
        asks IAM's policy simulator.
    agent
        How the container agent is configured (``ECS_CONTAINER_INSTANCE_TAGS``, Service
        Connect, ...): which calls it makes.
    instance_id
        The instance whose view to show in messages (default: an example ID).
    lang
        The language the diagnosis is shown in, ``"en"`` or ``"ko"`` (its rows stay the same).

    Returns
    -------
    Diagnosis
    """
    if lang not in LANGS:  # before any AWS call
        raise ValidationError([Problem("lang", lang, f"must be one of {', '.join(LANGS)}")])
    spec = role_or_spec if isinstance(role_or_spec, RoleSpec) else None
    role_name = spec.role_name if spec is not None else role_or_spec
    if not isinstance(role_name, str) or not role_name:
        raise TypeError(f"role_or_spec must be a role name or a RoleSpec, got {role_or_spec!r}")
    region = spec.region if spec is not None else (
        (session.region_name if session is not None else None) or "us-east-1")
    ctx = _ctx or Context(session, region)
    if not ctx.account:
        identity = ctx.call("sts", "get_caller_identity", "identifying the caller")
        ctx.account, ctx.caller_arn = identity["Account"], identity["Arn"]
        ctx.partition = identity["Arn"].split(":")[1]
    facts = role_facts(ctx, role_name)
    kind = _kind(facts, spec)
    agent = agent_for(spec, agent)
    if agent.instance_kind != kind:
        agent = replace(agent, instance_kind=kind)
    diagnosis = Diagnosis(role_name, kind, "sandbox" if ctx.sandbox else "AWS", lang=lang)
    if facts is None:
        gone = ctx.cache.get(("role", role_name)) is not None  # found, then deleted mid-read
        diagnosis.checks.append(DoctorCheck(
            "role", False, None, f"role {role_name} " + (
                "was deleted while the doctor read it" if gone else "does not exist"),
            "IAM: GetRole",
            "apply(RoleSpec(...)) or the page's aws iam create-role", essential=True))
        diagnosis.reads, diagnosis.writes = ctx.calls.reads, ctx.calls.writes
        return diagnosis
    diagnosis.role_arn = facts.role["Arn"]
    diagnosis.checks += _gone_rows(facts)
    diagnosis.checks.append(_trust_check(ctx, facts, kind, role_name))
    if kind == "ec2":
        diagnosis.checks.append(_profile_check(ctx, facts, spec, role_name))
    session_name = instance_id or EXAMPLE_INSTANCE[kind]
    wanted = needs(agent, kind, ctx.partition, ctx.region, ctx.account)
    calls = _call_checks(ctx, facts, kind, wanted, role_name, session_name, instance_id is not None)
    if ctx.sandbox:
        diagnosis.checks += [check for check, _, _ in calls]
        diagnosis.notes.append("Sandbox: " + provided("sandbox_limits")["policy_simulator"]
                               + " (the guide's own "
                               "evaluation of AWS's documented logic; on AWS the doctor asks "
                               "IAM's simulator too).")
    else:
        checked, notes = _simulate(ctx, facts.role["Arn"], calls)
        diagnosis.checks += checked
        diagnosis.notes += notes
        diagnosis.simulated = not notes
        diagnosis.notes.append("IAM's simulator evaluates the role's policies and boundary, "
                               "not its trust policy: the trust row is the guide's alone.")
    diagnosis.checks += _scoped_rows(facts)
    diagnosis.checks += _cause_rows(ctx, facts, spec, kind, role_name)
    diagnosis.notes += _context_notes(ctx, facts, kind, session_name, instance_id is not None)
    diagnosis.reads, diagnosis.writes = ctx.calls.reads, ctx.calls.writes
    return diagnosis


def audit_row(ctx: Context, spec: RoleSpec, report: Report) -> None:
    """The audit's last row: the doctor's verdict (existing is not working), one of three:
    registers, does not register (the failing calls), cannot tell (the undecided ones, why)."""
    diagnosis = doctor(spec, ctx.session, _ctx=ctx)
    failing = diagnosis.failures
    unsure = [c for c in diagnosis.checks if c.ok is None and c.action]  # undecided calls
    said = join("; ", [message("audit.doctor_check", name=c.name, reason=c.reason) for c in failing]
                + [message("audit.doctor_unsure", name=c.name, reason=c.reason) for c in unsure])
    gone = [c for c in failing if c.name == "role"]
    if diagnosis.verdict == REGISTERS and not said:
        outcome, reason = AuditOutcome.OK, message("audit.doctor_ok")
    elif gone:
        outcome, reason = AuditOutcome.MISSING, (message("audit.doctor_no_role")
                                                 if "does not exist" in gone[0].reason
                                                 else gone[0].reason)  # deleted while read
    elif diagnosis.verdict == CANNOT_TELL:
        outcome = AuditOutcome.FAILS if failing else AuditOutcome.INFO
        reason = message("audit.doctor_cannot_tell", said=said)
    else:
        outcome = AuditOutcome.FAILS if failing else AuditOutcome.INFO
        reason = message("audit.doctor_not_registers" if diagnosis.verdict == NOT_REGISTERS
                         else "audit.doctor_registers_but", said=said)
    # A policy deleted since the role was listed is no failure, but the reader should know.
    reason = join("; ", [reason] + [c.reason for c in diagnosis.checks
                                    if c.name.startswith("deleted:")])
    report.add("doctor", message("audit.doctor_title"), outcome, diagnosis.role_arn,
               reason)


# The doctor plugs into the core (ecsrole_lib/hooks.py): its verdict is the audit's last row.
register("audit", "doctor", audit_row)
