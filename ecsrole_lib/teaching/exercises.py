"""Notebook 06's exercises: real breaks of a container instance role, on the sandbox only.

Each :class:`Exercise` breaks its own role (``ecsDoctorDemoRole``, tagged as the guide's)
the way people do, shows the symptom as the user meets it (a launch that never shows up in
the cluster, with the message AWS gives), asks a question, and knows its fix. The
notebook's cells call one method each: :meth:`Exercise.break_it`, :meth:`Exercise.symptom`,
:meth:`Exercise.question`, then :func:`ecsrole_lib.doctor`, :meth:`Exercise.fix` and the
doctor again. On AWS nothing is broken: every method says so and does nothing.

>>> [e.id for e in EXERCISES][:3]
['wrong_trust', 'empty_profile', 'stale_copy']
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from botocore.exceptions import ClientError

from ..aws.client import Context, is_sandbox
from ..converge import apply, teardown
from ..diagnose.agent import AgentConfig
from ..diagnose.launch import launch
from ..errors import EcsRoleError
from ..notebook.quiz import Question
from ..notebook.views import Table
from ..policies import CONTAINER_INSTANCE_POLICY, managed_policy_arn
from ..spec import OWNER_TAG, RoleSpec

__all__ = ["EXERCISES", "EXERCISE_ROLE", "Exercise", "cleanup", "exercise"]

#: The role the exercises break (never the guide's own ecsInstanceRole).
EXERCISE_ROLE = "ecsDoctorDemoRole"
EXERCISE_BUCKET = "ecsrole-guide-exercise-123456789012"
BOUNDARY_NAME = "ecsrole-guide-exercise-boundary"
_CONTAINER_POLICY = managed_policy_arn("aws", CONTAINER_INSTANCE_POLICY)
_CLUSTER = "arn:aws:ecs:{region}:{account}:cluster/default"


def _document(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@dataclass
class _Context:
    ctx: Context
    account: str
    region: str
    spec: RoleSpec

    def iam(self, operation: str, **params) -> dict:
        """One IAM call of the break (through the guide's Context: counted, errors translated)."""
        return self.ctx.call("iam", operation, "breaking the exercise role", **params)


def _wrong_trust(c: _Context) -> list[tuple[str, str]]:
    c.iam("update_assume_role_policy", RoleName=EXERCISE_ROLE, PolicyDocument=_document(
        {"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"},
         "Action": "sts:AssumeRole"}))
    return [("trust policy", "Principal: ecs.amazonaws.com (the service, not the instance)")]


def _empty_profile(c: _Context) -> list[tuple[str, str]]:
    c.iam("remove_role_from_instance_profile", InstanceProfileName=c.spec.instance_profile_name,
          RoleName=EXERCISE_ROLE)
    return [("instance profile", f"{c.spec.instance_profile_name} holds no role")]


_STALE = ["ec2:DescribeTags", "ecs:CreateCluster", "ecs:DeregisterContainerInstance",
          "ecs:DiscoverPollEndpoint", "ecs:Poll", "ecs:RegisterContainerInstance",
          "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState", "ecs:Submit*",
          "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream",
          "logs:PutLogEvents"]


def _stale_copy(c: _Context) -> list[tuple[str, str]]:
    c.iam("detach_role_policy", RoleName=EXERCISE_ROLE, PolicyArn=_CONTAINER_POLICY)
    c.iam("put_role_policy", RoleName=EXERCISE_ROLE, PolicyName="ecs-instance-copy-2023",
          PolicyDocument=_document({"Effect": "Allow", "Action": _STALE, "Resource": "*"}))
    return [("managed policy", "AmazonEC2ContainerServiceforEC2Role detached"),
            ("inline policy ecs-instance-copy-2023", ("a copy of the managed policy from before "
             "its version 7 (2023-03-06): no ecs:TagResource")),
            ("user data", "ECS_CONTAINER_INSTANCE_TAGS set")]


def _explicit_deny(c: _Context) -> list[tuple[str, str]]:
    c.iam("put_role_policy", RoleName=EXERCISE_ROLE, PolicyName="guardrail",
          PolicyDocument=_document({"Sid": "NoEcsWrites", "Effect": "Deny",
                                    "Action": "ecs:Register*", "Resource": "*"}))
    return [("inline policy guardrail", ("Deny ecs:Register* on * (meant for people, attached "
             "to the instance role)"))]


def _boundary(c: _Context) -> list[tuple[str, str]]:
    arn = f"arn:aws:iam::{c.account}:policy/{BOUNDARY_NAME}"
    try:
        c.ctx.call("iam", "get_policy", ok_codes=("NoSuchEntity",), PolicyArn=arn)
    except ClientError:
        c.iam("create_policy", PolicyName=BOUNDARY_NAME,
              Tags=[{"Key": OWNER_TAG[0], "Value": OWNER_TAG[1]}],
              PolicyDocument=_document({"Effect": "Allow", "Resource": "*",
                                        "Action": ["s3:*", "logs:*", "ecr:*"]}))
    c.iam("put_role_permissions_boundary", RoleName=EXERCISE_ROLE, PermissionsBoundary=arn)
    return [("permissions boundary", f"{BOUNDARY_NAME}: allows s3:*, logs:*, ecr:*, no ecs:*")]


def _scoped_poll(c: _Context) -> list[tuple[str, str]]:
    cluster = _CLUSTER.format(region=c.region, account=c.account)
    c.iam("detach_role_policy", RoleName=EXERCISE_ROLE, PolicyArn=_CONTAINER_POLICY)
    c.iam("put_role_policy", RoleName=EXERCISE_ROLE, PolicyName="ecs-agent-scoped",
          PolicyDocument=_document(
              {"Effect": "Allow", "Resource": cluster,
               "Action": ["ecs:RegisterContainerInstance", "ecs:Submit*"]},
              {"Effect": "Allow", "Action": "ecs:DiscoverPollEndpoint", "Resource": "*"},
              {"Effect": "Allow", "Resource": "*", "Action": [
                  "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
                  "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage",
                  "logs:CreateLogStream", "logs:PutLogEvents"]},
              {"Effect": "Allow", "Resource": "*",
               "Action": ["ecs:Poll", "ecs:StartTelemetrySession"],
               "Condition": {"ArnEquals": {"ecs:cluster": cluster}}}))
    return [("managed policy", "AmazonEC2ContainerServiceforEC2Role detached"),
            ("inline policy ecs-agent-scoped", "ecs:Poll only with ecs:cluster = the cluster")]


def _config_unreadable(c: _Context) -> list[tuple[str, str]]:
    c.iam("put_role_policy", RoleName=EXERCISE_ROLE, PolicyName="ecs-config-read",
          PolicyDocument=_document({
              "Effect": "Allow", "Action": "s3:GetObject",
              "Resource": f"arn:aws:s3:::{EXERCISE_BUCKET}/ecs-old.config"}))
    return [("inline policy ecs-config-read", ("s3:GetObject on ecs-old.config, while the user "
             "data copies ecs.config"))]


def _delete_inline(name: str) -> Callable[[_Context], list[str]]:
    def fix(c: _Context) -> list[str]:
        c.iam("delete_role_policy", RoleName=EXERCISE_ROLE, PolicyName=name)
        return [f"aws iam delete-role-policy --role-name {EXERCISE_ROLE} --policy-name {name}"]
    return fix


@dataclass(frozen=True)
class Exercise:
    """One break: how it is made, what to ask, how it is fixed.

    ``fix_first`` runs before the form's apply (what apply rightly keeps: a policy it did
    not write); apply then restores what the spec says.
    """

    id: str
    titles: dict[str, str]
    agent: AgentConfig
    prompt: str
    answer: str
    breaks: Callable[[_Context], list[tuple[str, str]]] = field(repr=False)
    features: tuple[str, ...] = ()
    least_privilege: bool = False
    fix_first: Callable[[_Context], list[str]] | None = field(default=None, repr=False)
    lang: str = "en"

    def title(self) -> str:
        """The title in the exercise's language (``exercise(id, lang)``)."""
        return self.titles.get(self.lang, self.titles["en"])

    def spec(self, region: str = "us-east-1") -> RoleSpec:
        """The exercise role as it should be."""
        return RoleSpec(role_name=EXERCISE_ROLE, features=self.features, region=region,
                        least_privilege=self.least_privilege,
                        config_bucket=EXERCISE_BUCKET if "s3_config" in self.features else None)

    def _context(self, session, region: str) -> _Context:
        ctx = Context(session, region)
        account = ctx.call("sts", "get_caller_identity", "identifying the caller")["Account"]
        return _Context(ctx, account, region, self.spec(region))

    def break_it(self, session, region: str = "us-east-1") -> Table:
        """Make the role right (apply), then break it as described; sandbox only."""
        if not is_sandbox(session):
            return Table(f"{self.title()}: not broken (exercises run on the sandbox only, never "
                         "in an AWS account)", ("what", "as broken"), [])
        apply(self.spec(region), session)
        rows = self.breaks(self._context(session, region))
        return Table(f"{self.title()}: broken on purpose", ("what", "as broken"), rows)

    def symptom(self, session, region: str = "us-east-1") -> Table:
        """What the user sees: the launch, and where the instance stops."""
        if not is_sandbox(session):
            return Table("Not launched: on AWS launch starts a billed instance", ("", ""), [])
        try:
            report = launch(self.spec(region), session, self.agent)
        except EcsRoleError as err:
            report = getattr(err, "report", None)
            message = str(err).splitlines()[0]
            joined = report.registered if report is not None else False
            stopped = report.rows[-1].step if report is not None else ""
        else:
            message, joined, stopped = "every call allowed", True, ""
        cluster = (report.cluster if report is not None and report.cluster else "default")
        listed = Context(session, region).pages("ecs", "list_container_instances",
                                                "containerInstanceArns", cluster=cluster)
        shown = report is not None and report.container_instance_arn in listed
        return Table("What the user sees", ("where", "what"), [
            ("aws ecs list-container-instances",
             f"the new instance is {'' if joined and shown else 'not '}in cluster {cluster}"),
            ("the instance stops at", stopped or "-"),
            ("the message", message)])

    def question(self, show_answers: bool = False) -> Question:
        """"Check your understanding": the answer behind a button, or shown (headless runs)."""
        return Question(self.prompt, self.answer, show_answers=show_answers, lang=self.lang)

    def fix(self, form) -> Table:
        """The fix: what apply rightly keeps is removed first; then the form applies the spec."""
        if not is_sandbox(form.session):
            return Table("Nothing to fix on AWS: nothing was broken", ("step", "what"), [])
        region = form.w_region.value.strip() or "us-east-1"
        rows = []
        if self.fix_first is not None:
            rows += [("first", command) for command in
                     self.fix_first(self._context(form.session, region))]
        report = form.apply(self.spec(region), echo=False)
        rows += [(r.step, f"{r.outcome}: {r.reason}") for r in report.rows
                 if r.outcome not in ("unchanged", "skipped", "waited")]
        return Table(f"Fixed: {report.summary()}", ("step", "what"), rows)


EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        "wrong_trust", {"en": "Wrong trust principal", "ko": "잘못된 신뢰 주체"}, AgentConfig(),
        "The role holds every permission the agent needs, yet the instance never joins the "
        "cluster. Which service must the trust policy name, and why not `ecs.amazonaws.com`?",
        "`ec2.amazonaws.com`: Amazon EC2 assumes the role and puts its credentials into the "
        "instance metadata. `ecs.amazonaws.com` is the Amazon ECS service; it never hands "
        "credentials to an instance, so the agent finds none.",
        _wrong_trust),
    Exercise(
        "empty_profile", {"en": "Empty instance profile", "ko": "빈 인스턴스 프로파일"},
        AgentConfig(),
        "`run-instances --iam-instance-profile Name=...` succeeds, yet the agent has no "
        "credentials. What is an instance profile, and what does an empty one give the instance?",
        "The instance profile is the container Amazon EC2 attaches to an instance; it holds at "
        "most one role. Empty, it gives the instance nothing: no role, no credentials.",
        _empty_profile),
    Exercise(
        "stale_copy", {"en": "A hand-copied policy that fell behind",
                       "ko": "뒤처진 수동 복사 정책"},
        AgentConfig(instance_tags=True),
        "A copy of `AmazonEC2ContainerServiceforEC2Role` worked for years. With "
        "`ECS_CONTAINER_INSTANCE_TAGS` set, registration fails. What did the copy miss?",
        "`ecs:TagResource` with the condition `ecs:CreateAction = RegisterContainerInstance`, "
        "which AWS added to the managed policy with its version 7 on 2023-03-06; since "
        "2024-03-29 Amazon ECS enforces tagging authorization, so tags on a registration are "
        "authorized as `ecs:TagResource`. The managed policy follows such changes; a copy does "
        "not.",
        _stale_copy, fix_first=_delete_inline("ecs-instance-copy-2023")),
    Exercise(
        "explicit_deny", {"en": "An explicit deny", "ko": "명시적 거부"}, AgentConfig(),
        "The managed policy is attached and allows `ecs:RegisterContainerInstance`. Why does "
        "attaching another Allow not help?",
        "An explicit Deny that applies wins over every Allow, in any policy: the only fix is to "
        "remove or narrow the Deny.",
        _explicit_deny, fix_first=_delete_inline("guardrail")),
    Exercise(
        "boundary", {"en": "A permissions boundary without ecs:*",
                     "ko": "ecs:*가 없는 권한 경계"}, AgentConfig(),
        "The role's policies allow every agent call, and nothing denies them. How can the calls "
        "still be denied?",
        "A permissions boundary caps the role: a call must be allowed by the policies AND by "
        "the boundary. This one allows no `ecs:` action, so every agent call is implicitly "
        "denied.",
        _boundary),
    Exercise(
        "scoped_poll", {"en": "A scoped policy that breaks Service Connect",
                        "ko": "Service Connect를 막는 범위 제한 정책"},
        AgentConfig(service_connect=True),
        "A least-privilege policy allows `ecs:Poll` only with `ecs:cluster` equal to the "
        "cluster. The instance registers. What breaks, and why?",
        "Amazon ECS Service Connect polls for its configuration on the service's task set, a "
        "request without `ecs:cluster` in its context: the condition is not met, so nothing "
        "allows it (a condition not met is not a deny, but it is not an allow either).",
        _scoped_poll),
    Exercise(
        "config_unreadable", {"en": "ecs.config unreadable", "ko": "읽을 수 없는 ecs.config"},
        AgentConfig(), "The bucket is private and `ecs.config` is in it. The user data's "
        "`aws s3 cp` fails with 403. What must the role allow, on which resource?",
        "`s3:GetObject` on `arn:aws:s3:::BUCKET/ecs.config`, the object the user data copies. "
        "The least-privilege policy named another key; without the file, the agent joins the "
        "`default` cluster, not yours.",
        _config_unreadable, features=("s3_config",), least_privilege=True),
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


def cleanup(session, region: str = "us-east-1") -> Table:
    """Remove the exercise role, its launched instances, its bucket and the boundary policy."""
    if not is_sandbox(session):
        return Table("Nothing to clean up on AWS: the exercises ran on the sandbox only",
                     ("step", "outcome"), [])
    spec = RoleSpec(role_name=EXERCISE_ROLE, features=["s3_config"], least_privilege=True,
                    config_bucket=EXERCISE_BUCKET, region=region)
    ctx = Context(session, region)
    gone = ("NoSuchEntity",)
    try:
        ctx.call("iam", "delete_role_permissions_boundary", ok_codes=gone, RoleName=EXERCISE_ROLE)
        # The exercises wrote these inline policies, not apply: teardown would keep them.
        for name in ctx.call("iam", "list_role_policies", ok_codes=gone,
                             RoleName=EXERCISE_ROLE)["PolicyNames"]:
            ctx.call("iam", "delete_role_policy", ok_codes=gone, RoleName=EXERCISE_ROLE,
                     PolicyName=name)
    except ClientError:
        pass
    report = teardown(spec, session, force=True)
    rows = [(r.step, r.outcome) for r in report.rows if r.outcome != "skipped"]
    account = ctx.call("sts", "get_caller_identity", "identifying the caller")["Account"]
    arn = f"arn:aws:iam::{account}:policy/{BOUNDARY_NAME}"
    try:
        ctx.call("iam", "delete_policy", ok_codes=gone, PolicyArn=arn)
        rows.append(("delete boundary policy", "removed"))
    except ClientError:
        pass
    return Table(f"The exercise role {EXERCISE_ROLE}, cleaned up", ("step", "outcome"), rows)
