"""Notebook 06's exercises: real breaks of a container instance role, on the sandbox only.

Each :class:`Exercise` has a role of its own (``ecsDoctorDemoRole1`` to ``7``, tagged as the
guide's), so each starts clean and none sees another's leftovers. In the notebook the
question comes first (:meth:`Exercise.question`); :meth:`Exercise.break_it` makes the role
as the guide makes it, breaks it the way people do and shows what the user then sees (a
launch that never shows up in the cluster, with the message AWS gives); the learner makes
the fix in the :class:`Workbench` it returns, whose Check button asks the doctor what is still
wrong. ``show_answers=True`` (a headless run) applies the reference fix. On AWS nothing is
broken: every method says so and does nothing.

>>> [e.id for e in EXERCISES][:3]
['wrong_trust', 'empty_profile', 'stale_copy']
>>> exercise("boundary").role_name
'ecsDoctorDemoRole5'
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from botocore.exceptions import ClientError

from ..aws.client import Context, is_sandbox
from ..converge import apply, teardown
from ..diagnose.agent import AgentConfig
from ..diagnose.launch import launch
from ..errors import EcsRoleError
from ..i18n.catalog import message, render
from ..i18n.messages import tr
from ..notebook.quiz import QUESTIONS, Question
from ..notebook.views import Table
from ..policies import CONTAINER_INSTANCE_POLICY, managed_policy_arn
from ..spec import OWNER_TAG, RoleSpec
from .workbench import Task, Workbench, document

__all__ = ["EXERCISES", "EXERCISE_ROLE", "Exercise", "cleanup", "exercise"]

#: The exercise roles' common name; exercise n breaks ``ecsDoctorDemoRole<n>`` (never the
#: guide's own ecsInstanceRole).
EXERCISE_ROLE = "ecsDoctorDemoRole"
EXERCISE_BUCKET = "ecsrole-guide-exercise-123456789012"
BOUNDARY_NAME = "ecsrole-guide-exercise-boundary"
_CONTAINER_POLICY = managed_policy_arn("aws", CONTAINER_INSTANCE_POLICY)
_CLUSTER = "arn:aws:ecs:{region}:{account}:cluster/default"


@dataclass
class _Context:
    ctx: Context
    account: str
    region: str
    spec: RoleSpec

    @property
    def role(self) -> str:
        return self.spec.role_name

    def iam(self, operation: str, **params) -> dict:
        """One IAM call of the break (through the guide's Context: counted, errors translated)."""
        return self.ctx.call("iam", operation, "breaking the exercise role", **params)


def _wrong_trust(c: _Context) -> None:
    c.iam("update_assume_role_policy", RoleName=c.role, PolicyDocument=json.dumps(document(
        {"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"},
         "Action": "sts:AssumeRole"})))


def _empty_profile(c: _Context) -> None:
    c.iam("remove_role_from_instance_profile", InstanceProfileName=c.spec.instance_profile_name,
          RoleName=c.role)


#: The managed policy's actions before its version 7 (2023-03-06): no ecs:TagResource.
_STALE = ["ec2:DescribeTags", "ecs:CreateCluster", "ecs:DeregisterContainerInstance",
          "ecs:DiscoverPollEndpoint", "ecs:Poll", "ecs:RegisterContainerInstance",
          "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState", "ecs:Submit*",
          "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream",
          "logs:PutLogEvents"]
_STALE_COPY = document({"Effect": "Allow", "Action": _STALE, "Resource": "*"})
_TAG_ON_REGISTER = {"Effect": "Allow", "Action": "ecs:TagResource", "Resource": "*",
                    "Condition": {"StringEquals": {
                        "ecs:CreateAction": "RegisterContainerInstance"}}}


def _stale_copy(c: _Context) -> None:
    c.iam("detach_role_policy", RoleName=c.role, PolicyArn=_CONTAINER_POLICY)
    c.iam("put_role_policy", RoleName=c.role, PolicyName="ecs-instance-copy-2023",
          PolicyDocument=json.dumps(_STALE_COPY))


_GUARDRAIL = document({"Sid": "NoEcsWrites", "Effect": "Deny", "Action": "ecs:Register*",
                       "Resource": "*"})


def _explicit_deny(c: _Context) -> None:
    c.iam("put_role_policy", RoleName=c.role, PolicyName="guardrail",
          PolicyDocument=json.dumps(_GUARDRAIL))


_BOUNDARY = document({"Effect": "Allow", "Resource": "*", "Action": ["s3:*", "logs:*", "ecr:*"]})


def _boundary(c: _Context) -> None:
    arn = f"arn:aws:iam::{c.account}:policy/{BOUNDARY_NAME}"
    try:
        c.ctx.call("iam", "get_policy", ok_codes=("NoSuchEntity",), PolicyArn=arn)
    except ClientError:
        c.iam("create_policy", PolicyName=BOUNDARY_NAME, PolicyDocument=json.dumps(_BOUNDARY),
              Tags=[{"Key": OWNER_TAG[0], "Value": OWNER_TAG[1]}])
    c.iam("put_role_permissions_boundary", RoleName=c.role, PermissionsBoundary=arn)


def _scoped(region: str, account: str, poll_condition: bool = True) -> dict:
    """The least-privilege copy of exercise 6; with ``poll_condition`` ecs:Poll needs
    ``ecs:cluster`` in the request."""
    cluster = _CLUSTER.format(region=region, account=account)
    poll = {"Effect": "Allow", "Resource": "*", "Action": ["ecs:Poll", "ecs:StartTelemetrySession"]}
    if poll_condition:
        poll["Condition"] = {"ArnEquals": {"ecs:cluster": cluster}}
    return document(
        {"Effect": "Allow", "Resource": cluster,
         "Action": ["ecs:RegisterContainerInstance", "ecs:Submit*"]},
        {"Effect": "Allow", "Action": "ecs:DiscoverPollEndpoint", "Resource": "*"},
        {"Effect": "Allow", "Resource": "*", "Action": [
            "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
            "logs:CreateLogStream", "logs:PutLogEvents"]},
        poll)


def _scoped_poll(c: _Context) -> None:
    c.iam("detach_role_policy", RoleName=c.role, PolicyArn=_CONTAINER_POLICY)
    c.iam("put_role_policy", RoleName=c.role, PolicyName="ecs-agent-scoped",
          PolicyDocument=json.dumps(_scoped(c.region, c.account)))


def _config_read(key: str) -> dict:
    return document({"Effect": "Allow", "Action": "s3:GetObject",
                     "Resource": f"arn:aws:s3:::{EXERCISE_BUCKET}/{key}"})


def _config_unreadable(c: _Context) -> None:
    c.iam("put_role_policy", RoleName=c.role, PolicyName="ecs-config-read",
          PolicyDocument=json.dumps(_config_read("ecs-old.config")))


@dataclass(frozen=True)
class Seen:
    """What the user sees after a break: a few short lines under a title (a list, not a
    table: each line is a sentence).

    >>> print(Seen("What the user sees", [("the instance stops at", "assume_role")]))
    What the user sees
    - the instance stops at: assume_role
    """

    title: str
    lines: list[tuple[str, str]]

    def __str__(self) -> str:
        return "\n".join([self.title] + [f"- {where}: {what}" for where, what in self.lines])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        def code(text: str) -> str:  # commands and step ids as code, sentences as text
            command = text.startswith("aws ") or (" " not in text and any(
                mark in text for mark in ":_."))
            return f"<code>{html.escape(text)}</code>" if command else html.escape(text)
        items = "".join(f"<li>{code(where)}: {code(what)}</li>" for where, what in self.lines)
        return f"<div><p><b>{html.escape(self.title)}</b></p><ul style='margin:0;line-height:1.4'>{items}</ul></div>"


@dataclass(frozen=True)
class Exercise:
    """One break: how it is made, what the learner is asked, what the learner fixes.

    ``task`` says what the workbench lets the learner change, and holds the reference fix
    (``show_answers=True``); the question and its answer are the catalog's ``q_ex_<id>``.
    """

    id: str
    number: int
    agent: AgentConfig
    breaks: Callable[[_Context], None] = field(repr=False)
    task: Task = field(repr=False)
    features: tuple[str, ...] = ()
    least_privilege: bool = False
    lang: str = "en"

    @property
    def role_name(self) -> str:
        """The exercise's own role."""
        return f"{EXERCISE_ROLE}{self.number}"

    @property
    def answer(self) -> str:
        """The answer to the exercise's question, in English (the catalog's)."""
        return QUESTIONS[f"q_ex_{self.id}"]["en"][1]

    def title(self) -> str:
        """The title in the exercise's language (``exercise(id, lang)``)."""
        return render(message(f"exercise.title.{self.id}"), self.lang)

    def spec(self, region: str = "us-east-1") -> RoleSpec:
        """The exercise role as it should be."""
        return RoleSpec(role_name=self.role_name, features=self.features, region=region,
                        least_privilege=self.least_privilege,
                        config_bucket=EXERCISE_BUCKET if "s3_config" in self.features else None)

    def _context(self, session, region: str) -> _Context:
        ctx = Context(session, region)
        account = ctx.call("sts", "get_caller_identity", "identifying the caller")["Account"]
        return _Context(ctx, account, region, self.spec(region))

    def _say(self, id: str, **fields) -> str:
        return render(message(f"exercise.{id}", **fields), self.lang)

    def question(self, show_answers: bool = False) -> Question:
        """"Check your understanding": asked before anything is shown; the answer behind a
        button, or shown (headless runs)."""
        return Question(f"q_ex_{self.id}", show_answers=show_answers, lang=self.lang)

    def break_it(self, session, region: str = "us-east-1", *,
                 show_answers: bool = False) -> Workbench | Table:
        """Make the role right (apply), break it, show what the user sees, and give the
        learner the :class:`Workbench` to fix it; sandbox only.

        What was broken is not shown: finding it is the exercise. ``show_answers=True``
        applies the reference fix and checks it (a headless run).
        """
        if not is_sandbox(session):
            return Table(self._say("not_on_aws", title=self.title()), (), [])
        apply(self.spec(region), session)
        self.breaks(self._context(session, region))
        return Workbench(self.task, self.spec(region), session, self.agent,
                         seen=self._seen(session, region), show_answers=show_answers,
                         lang=self.lang)

    def _seen(self, session, region: str) -> Seen:
        """The launch, where the instance stops, and the message the user gets."""
        try:
            report = launch(self.spec(region), session, self.agent, lang=self.lang)
        except EcsRoleError as err:
            report = getattr(err, "report", None)
            said = str(err).splitlines()[0]
            stopped = report.rows[-1].step if report is not None else "-"
        else:
            said, stopped = self._say("seen.every_call_allowed"), "-"
        cluster = (report.cluster if report is not None and report.cluster else "default")
        listed = Context(session, region).pages("ecs", "list_container_instances",
                                                "containerInstanceArns", cluster=cluster)
        joined = report is not None and report.container_instance_arn in listed
        return Seen(self._say("seen.title", role=self.role_name), [
            ("aws ecs list-container-instances",
             self._say("seen.listed" if joined else "seen.not_listed", cluster=cluster)),
            (self._say("seen.stops_at"), stopped),
            (self._say("seen.message"), said)])


def _principal() -> Task:
    return Task("trust_principal", answer="ec2.amazonaws.com",
                choices=("ecs.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com",
                         "ssm.amazonaws.com"))


EXERCISES: tuple[Exercise, ...] = (
    Exercise("wrong_trust", 1, AgentConfig(), _wrong_trust, _principal()),
    Exercise("empty_profile", 2, AgentConfig(), _empty_profile,
             Task("profile_role", answer="{role}", choices=("{role}-profile", "{role}"))),
    Exercise("stale_copy", 3, AgentConfig(instance_tags=True), _stale_copy,
             Task("inline_policy", "ecs-instance-copy-2023",
                  answer=document(*_STALE_COPY["Statement"], _TAG_ON_REGISTER))),
    Exercise("explicit_deny", 4, AgentConfig(), _explicit_deny,
             Task("inline_policy", "guardrail", answer=None)),
    Exercise("boundary", 5, AgentConfig(), _boundary,
             Task("boundary", BOUNDARY_NAME, answer=document(
                 {"Effect": "Allow", "Resource": "*",
                  "Action": ["s3:*", "logs:*", "ecr:*", "ecs:*"]}))),
    Exercise("scoped_poll", 6, AgentConfig(service_connect=True), _scoped_poll,
             Task("inline_policy", "ecs-agent-scoped",
                  answer=lambda region, account: _scoped(region, account, poll_condition=False))),
    Exercise("config_unreadable", 7, AgentConfig(), _config_unreadable,
             Task("inline_policy", "ecs-config-read", answer=_config_read("ecs.config")),
             features=("s3_config",), least_privilege=True),
)


def exercise(exercise_id: str, lang: str = "en") -> Exercise:
    """The exercise ``exercise_id``, its title and buttons in ``lang`` (``"en"`` or ``"ko"``).

    >>> exercise("boundary", "ko").title()
    'ecs:*가 없는 권한 경계'
    """
    for item in EXERCISES:
        if item.id == exercise_id:
            return replace(item, lang=lang)
    raise KeyError(exercise_id)


def _clear(ctx: Context, role: str) -> None:
    """What the exercises wrote that apply did not (teardown keeps such things)."""
    gone = ("NoSuchEntity",)
    try:
        ctx.call("iam", "delete_role_permissions_boundary", ok_codes=gone, RoleName=role)
        for name in ctx.call("iam", "list_role_policies", ok_codes=gone,
                             RoleName=role)["PolicyNames"]:
            ctx.call("iam", "delete_role_policy", ok_codes=gone, RoleName=role, PolicyName=name)
    except ClientError:
        pass


def cleanup(session, region: str = "us-east-1", lang: str = "en") -> Table:
    """Remove the exercise roles, their launched instances, the bucket and the boundary policy."""
    def say(id: str, **fields) -> str:
        return render(message(f"exercise.cleanup.{id}", **fields), lang)

    if not is_sandbox(session):
        return Table(say("not_on_aws"), (), [])
    ctx = Context(session, region)
    removed, kept = 0, {}
    for item in EXERCISES:
        _clear(ctx, item.role_name)
        report = teardown(item.spec(region), session, force=True)
        removed += sum(r.outcome == "removed" for r in report.rows)
        for row in report.rows:
            # The shared cluster is kept while another exercise's instance is in it, and
            # removed with the last one: only what is still kept at the end is reported.
            if row.outcome == "kept":
                kept[row.step, row.arn] = (item.role_name, f"{row.step}: {tr(row.reason, lang)}")
            elif row.outcome == "removed":
                kept.pop((row.step, row.arn), None)
    removed += _delete_boundary_policy(ctx)
    kept = list(kept.values())
    # One line when all went (the usual case); a row for each thing teardown kept.
    return Table(say("title", n=removed, first=EXERCISES[0].role_name,
                     last=EXERCISES[-1].role_name),
                 (say("what"), say("outcome")) if kept else (), kept)


def _delete_boundary_policy(ctx: Context) -> bool:
    """Delete exercise 5's boundary policy; IAM first wants its other versions gone (a learner's
    edits made them)."""
    account = ctx.call("sts", "get_caller_identity", "identifying the caller")["Account"]
    arn = f"arn:aws:iam::{account}:policy/{BOUNDARY_NAME}"
    gone = ("NoSuchEntity",)
    try:
        for version in ctx.call("iam", "list_policy_versions", ok_codes=gone,
                                PolicyArn=arn)["Versions"]:
            if not version["IsDefaultVersion"]:
                ctx.call("iam", "delete_policy_version", ok_codes=gone, PolicyArn=arn,
                         VersionId=version["VersionId"])
        ctx.call("iam", "delete_policy", ok_codes=gone, PolicyArn=arn)
    except ClientError:
        return False
    return True
