"""``launch``: what comes after the page, an instance with the profile joining its cluster.

It shows the AWS CLI commands (``aws ec2 run-instances ... --iam-instance-profile
Name=<profile> --user-data file://user-data.sh``, and the launch template form), the
``iam:PassRole`` permission the person launching needs, and the wait for a new instance
profile. On the sandbox it runs them: the instance starts (Amazon EC2 in moto), then the
guide plays the container agent. It assumes the role as Amazon EC2 would (the trust
policy evaluated by the guide, since moto does not), reads ``ecs.config`` from Amazon S3
when the spec keeps it there, and makes the agent's calls in order, each first evaluated
against the role's policies: an allowed call is made against the sandbox with the
instance's credentials (the instance appears in ``ecs list-container-instances``); a
denied one stops the launch with :class:`~ecsrole_lib.errors.LaunchDeniedError`, which
carries AWS's AccessDenied message and the doctor's explanation.

On AWS, ``launch`` would start a real, billed instance, so it refuses unless asked:
``on_aws="show"`` returns the commands only (the notebooks do that), ``on_aws="run"``
launches, the real agent makes the calls, and ``launch`` waits for the container instance
to appear. ``teardown`` terminates what ``launch`` started and
deregisters its container instance (both carry ``created-by=ecsrole-guide``).

>>> from ecsrole_lib import AgentConfig, RoleSpec
>>> print(launch_user_data(RoleSpec(cluster_name="prod"), AgentConfig(awslogs=False)), end="")
#!/bin/bash
# The container agent reads /etc/ecs/ecs.config when it starts.
echo ECS_CLUSTER=prod >> /etc/ecs/ecs.config
"""

from __future__ import annotations

import base64
import json
import shlex
import time
from dataclasses import dataclass, field, replace
from typing import Any

import boto3

from ..aws.client import Context, Read, with_credentials
from ..errors import AccessDeniedError, AwsError, LaunchDeniedError, Problem, ValidationError
from ..events import Waiting
from ..hooks import register
from ..i18n.catalog import LANGS, join, message, render
from ..i18n.messages import comments, tr, word
from ..report import Report
from ..spec import OWNER_TAG, RoleSpec
from ..steps import get_instance_profile, get_role, ours, owned
from ..userdata import user_data
from .agent import AgentConfig
from .doctor import (
    Diagnosis,
    Need,
    agent_for,
    doctor,
    explain_denial,
    needs,
    role_facts,
    symptom_text,
)

__all__ = ["LaunchPlan", "LaunchReport", "instances_holding", "launch", "launch_commands",
           "launch_plan", "launch_user_data", "remove_launched"]

#: The Amazon ECS-optimized AMI, as AWS publishes it in Systems Manager Parameter Store.
AMI_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id"
#: Tags on the instance: the guide's own, and which role and cluster it was launched for.
ROLE_TAG = "ecsrole-guide:role"
CLUSTER_TAG = "ecsrole-guide:cluster"
INSTANCE_TYPE = "t3.micro"
_LIVE_STATES = ["pending", "running", "stopping", "stopped"]
#: The states of an instance profile association in which the instance holds the profile.
ASSOCIATED = ["associating", "associated"]

#: The notes of a launch (i18n/en/diagnose.toml, ``launch.pass_role`` takes ``role_arn``).
PASS_ROLE_NOTE = "launch.pass_role"
WAIT_NOTE = message("launch.wait")


def launch_user_data(spec: RoleSpec, agent: AgentConfig = AgentConfig()) -> str:  # noqa: B008
    """The instance's user data: ``ecs.config`` copied from Amazon S3 (``s3_config``) or
    written in place, then the agent settings ``agent`` asks for (:meth:`AgentConfig.env`)."""
    agent = agent_for(spec, agent)
    settings = agent.env()
    if agent.config_from_s3:
        # The copied file names the cluster; the settings after it add to it.
        lines = [user_data(spec)]
        settings = [s for s in settings if not s.startswith("ECS_CLUSTER=")]
    else:
        lines = ["#!/bin/bash", "# The container agent reads /etc/ecs/ecs.config when it starts."]
    lines += [f"echo {shlex.quote(line)} >> /etc/ecs/ecs.config" for line in settings]
    return "\n".join(lines) + "\n"


def launch_commands(spec: RoleSpec, agent: AgentConfig = AgentConfig(),  # noqa: B008
                    instance_type: str = INSTANCE_TYPE) -> list[str]:
    """The AWS CLI commands that launch a container instance with the spec's profile:
    the AMI lookup, ``run-instances``, and the same as a launch template."""
    profile = spec.instance_profile_name
    tags = (f"ResourceType=instance,Tags=[{{Key={OWNER_TAG[0]},Value={OWNER_TAG[1]}}},"
            f"{{Key={ROLE_TAG},Value={spec.role_name}}}]")
    data = base64.b64encode(launch_user_data(spec, agent).encode()).decode()
    template = json.dumps({"ImageId": "${AMI_ID}", "InstanceType": instance_type,
                           "IamInstanceProfile": {"Name": profile}, "UserData": data},
                          separators=(",", ":")).replace('"', '\\"')
    return [
        (f"AMI_ID=$(aws ssm get-parameters --names {AMI_PARAMETER} "
        "--query 'Parameters[0].Value' --output text)"),
        ("aws ec2 run-instances \\\n    --image-id \"$AMI_ID\" \\\n"
        f"    --instance-type {instance_type} \\\n"
        f"    --iam-instance-profile Name={shlex.quote(profile)} \\\n"
        "    --user-data file://user-data.sh \\\n"
        f"    --tag-specifications {shlex.quote(tags)}"),
        "# or, as a launch template:",
        (f"aws ec2 create-launch-template \\\n    --launch-template-name {spec.role_name}-template "
        f"\\\n    --launch-template-data \"{template}\""),
        f"aws ec2 run-instances --launch-template LaunchTemplateName={spec.role_name}-template",
    ]


@dataclass
class LaunchPlan:
    """What launching takes, before anything runs: ``user-data.sh``, the commands, the notes."""

    user_data: str
    commands: list[str]
    notes: list[str]
    #: The language the notes are shown in (``"en"`` or ``"ko"``).
    lang: str = "en"

    def __str__(self) -> str:
        say = word("note", self.lang)
        return (_scripts(self.user_data, self.commands, self.lang)
                + "\n\n" + "\n".join(f"{say}: {tr(n, self.lang)}" for n in self.notes))

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        import html

        notes = "".join(f"<li>{html.escape(tr(n, self.lang))}</li>" for n in self.notes)
        return (f"<div>{_scripts_html(self.user_data, self.commands, self.lang)}"
                f"<ul>{notes}</ul></div>")


def _scripts(user_data: str, commands: list[str], lang: str) -> str:
    """The user data and the AWS CLI commands as a person runs them; comments in ``lang``."""
    return ("user-data.sh:\n" + comments(user_data, lang)
            + "\nAWS CLI:\n" + comments("\n".join(commands), lang))


def _scripts_html(user_data: str, commands: list[str], lang: str) -> str:
    import html

    return ("<p><b>user-data.sh</b></p><pre>" + html.escape(comments(user_data, lang))
            + "</pre><p><b>AWS CLI</b></p><pre>"
            + html.escape(comments("\n".join(commands), lang)) + "</pre>")


def launch_plan(spec: RoleSpec, agent: AgentConfig = AgentConfig(),  # noqa: B008
                instance_type: str = INSTANCE_TYPE, lang: str = "en") -> LaunchPlan:
    """The user data, the commands and what the person launching needs, for ``spec``;
    the notes in ``lang`` (``"en"`` or ``"ko"``)."""
    _check_lang(lang)
    # The account as a wildcard: the statement is valid as it is, in any account.
    role_arn = f"arn:{spec.partition}:iam::*:role{spec.path}{spec.role_name}"
    return LaunchPlan(launch_user_data(spec, agent), launch_commands(spec, agent, instance_type),
                      [message(PASS_ROLE_NOTE, role_arn=role_arn), WAIT_NOTE], lang)


def _check_lang(lang: str) -> None:
    if lang not in LANGS:  # before any AWS call
        raise ValidationError([Problem("lang", lang, f"must be one of {', '.join(LANGS)}")])


@dataclass
class LaunchReport(Report):
    """What :func:`launch` did: one row per step the instance took, and what it runs on."""

    instance_id: str = ""
    container_instance_arn: str = ""
    cluster: str = ""
    user_data: str = ""
    commands: list[str] = field(default_factory=list)
    diagnosis: Diagnosis | None = None

    @property
    def registered(self) -> bool:
        return bool(self.container_instance_arn)

    def _word(self, text: str) -> str:
        """A launch's own outcomes (``allowed``, ``registered`` ...) in its language."""
        if self.lang != "en" and f"launch.outcome.{text}" in _OUTCOME_IDS:
            return render(message(f"launch.outcome.{text}"), self.lang)
        return super()._word(text)

    def __str__(self) -> str:
        return super().__str__() + "\n\n" + _scripts(self.user_data, self.commands, self.lang)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        import html

        # The agent's calls that were allowed are the doctor's rows again: one line names
        # them; the table keeps what the launch made, what stopped it, and the registration.
        allowed = [r.step for r in self.rows if r.outcome == "allowed"]
        shown = replace(self, rows=[r for r in self.rows if r.outcome != "allowed"])
        said = render(message("launch.allowed_calls", n=len(allowed), names=", ".join(allowed)),
                      self.lang)
        line = f"<p style='color:#1a7f37'>{html.escape(said)}</p>" if allowed else ""
        # What the launch ran, as a person would on AWS: open where only the commands are
        # shown (on AWS), folded on the sandbox, where the rows above say what happened.
        commands = (f"<details{' open' if self.target != 'sandbox' else ''}><summary><b>"
                    + html.escape(render(message("launch.commands_shown"), self.lang))
                    + "</b></summary>" + _scripts_html(self.user_data, self.commands, self.lang)
                    + "</details>")
        return (f"<div><p><b>{html.escape(self.summary())}</b></p>{line}"
                + shown.html(summary=False) + commands + "</div>")


def _stop(report: LaunchReport, ctx: Context, step: str, title: str, said: str, cause: str,
          fix: str, code: str, operation: str) -> LaunchDeniedError:
    report.add(step, title, "denied", "",
               message("launch.stop_reason", message=said, cause=cause, fix=fix))
    report.note(message("launch.stopped", step=step))
    report.reads, report.writes, report.retries = ctx.calls.reads, ctx.calls.writes, ctx.calls.retries
    text = message("launch.stop_error", message=said, cause=cause, fix=fix)
    return LaunchDeniedError(str(render(text, report.lang)), code=code,
                             operation=operation, report=report)


def _cluster(ctx: Context, report: LaunchReport, name: str) -> None:
    """The cluster must exist before the agent registers (it creates only ``default``, and
    only without ECS_CLUSTER): the person launching makes it, tagged as the guide's."""
    found = ctx.call("ecs", "describe_clusters", clusters=[name])["clusters"]
    if found and found[0].get("status") == "ACTIVE":
        report.add("create_cluster", message("launch.cluster_title", name=name), "unchanged",
                   found[0]["clusterArn"], message("launch.cluster_exists"))
        return
    made = ctx.call("ecs", "create_cluster", "creating the cluster", clusterName=name,
                    tags=[{"key": OWNER_TAG[0], "value": OWNER_TAG[1]}])["cluster"]
    report.add("create_cluster", message("launch.cluster_title", name=name), "created",
               made["clusterArn"], message("launch.cluster_created", name=name))


def _run_instance(ctx: Context, report: LaunchReport, spec: RoleSpec, text: str,
                  cluster: str, instance_type: str) -> dict:
    image = ctx.call("ssm", "get_parameter", "looking up the Amazon ECS-optimized AMI",
                     Name=AMI_PARAMETER)["Parameter"]["Value"]
    tags = [{"Key": OWNER_TAG[0], "Value": OWNER_TAG[1]}, {"Key": ROLE_TAG, "Value": spec.role_name},
            {"Key": CLUSTER_TAG, "Value": cluster}, {"Key": "Name", "Value": f"{spec.role_name}-instance"}]
    instance = _run_waiting(ctx, report, spec, ImageId=image, InstanceType=instance_type,
                            MinCount=1, MaxCount=1, UserData=text,
                            IamInstanceProfile={"Name": spec.instance_profile_name},
                            TagSpecifications=[{"ResourceType": "instance", "Tags": tags}])
    report.instance_id = instance["InstanceId"]
    report.add("run_instances", message("launch.run_title"), "created", instance["InstanceId"],
               message("launch.run", instance_type=instance_type, image=image,
                       profile=spec.instance_profile_name))
    return instance


_NOT_YET = "Invalid IAM Instance Profile name"


def _run_waiting(ctx: Context, report: LaunchReport, spec: RoleSpec, **params: Any) -> dict:
    """run-instances, waiting out the seconds a new instance profile takes to reach Amazon
    EC2 (AWS: Using instance profiles; "Invalid IAM Instance Profile name" until then): only
    while IAM has the profile, and at most the run's propagation bound."""
    waited, delay = 0.0, 0.5
    while True:
        try:
            instance = ctx.call("ec2", "run_instances", "launching the instance",
                                **params)["Instances"][0]
        except AwsError as err:
            exists = get_instance_profile(ctx, spec.instance_profile_name) is not None
            if _NOT_YET not in str(err) or not exists or waited >= ctx.propagation_timeout:
                raise
            ctx.progress(Waiting(err.code or "InvalidParameterValue", delay))
            time.sleep(delay)
            waited, delay = waited + delay, min(delay * 2, 4.0)
            continue
        if waited:
            report.add("wait_for_instance_profile", message("launch.wait_title"), "waited",
                       spec.instance_profile_name,
                       message("launch.waited", error=_NOT_YET, profile=spec.instance_profile_name,
                               seconds=f"{waited:.1f}"))
        return instance


def _identity_document(ctx: Context, instance: dict) -> str:
    """The instance identity document, as the instance metadata gives it to the agent."""
    return json.dumps({
        "accountId": ctx.account, "architecture": "x86_64",
        "availabilityZone": instance["Placement"]["AvailabilityZone"],
        "imageId": instance["ImageId"], "instanceId": instance["InstanceId"],
        "instanceType": instance["InstanceType"], "privateIp": instance.get("PrivateIpAddress"),
        "region": ctx.region, "version": "2017-09-30"})


def _made(need: Need) -> bool:
    """Calls the sandbox can take: the rest are websocket sessions or happen when tasks run."""
    return need.action.lower() in ("s3:getobject", "ec2:describetags",
                                   "ecs:registercontainerinstance", "ecs:discoverpollendpoint")


def launch(spec: RoleSpec, session: boto3.Session | None = None,
           agent: AgentConfig = AgentConfig(), *, on_aws: str = "refuse",  # noqa: B008
           instance_type: str = INSTANCE_TYPE, timeout: float = 300.0,
           lang: str = "en") -> LaunchReport:
    """Launch an Amazon EC2 instance with the spec's instance profile; see it join the cluster.

    Parameters
    ----------
    spec
        The role (an ``ec2`` one) and its instance profile, cluster and ``ecs.config``.
    session
        ``None`` is the sandbox, where the guide plays the container agent.
    agent
        The agent's settings (``instance_tags`` ...), which decide the calls it makes.
    on_aws
        On AWS the instance is real and billed: ``"refuse"`` (the default) raises before any
        call; ``"show"`` returns the commands and runs nothing (what the notebooks do);
        ``"run"`` launches it, and the real agent registers.
    instance_type
        The instance type to launch.
    timeout
        On AWS, seconds to wait for the real agent to register.
    lang
        The language the report is shown in, ``"en"`` or ``"ko"`` (its rows stay the same).

    Raises
    ------
    ValidationError
        External instances (they register through an SSM activation), or AWS with
        ``on_aws="refuse"``. Nothing was called.
    LaunchDeniedError
        A call the instance makes is denied (or it gets no credentials): AWS's message,
        the cause and the fix; ``.report`` holds what was done until then.
    """
    _check_lang(lang)
    ctx = _launch_context(spec, session, on_aws)
    if not ctx.sandbox and on_aws == "show":
        return replace(_shown(spec, agent, instance_type), lang=lang)
    identity = ctx.call("sts", "get_caller_identity", "identifying the caller")
    ctx.account, ctx.caller_arn = identity["Account"], identity["Arn"]
    ctx.partition = identity["Arn"].split(":")[1]
    agent = agent_for(spec, agent)
    report = LaunchReport("launch", target="sandbox" if ctx.sandbox else "AWS",
                          account=ctx.account, user_data=launch_user_data(spec, agent),
                          commands=launch_commands(spec, agent, instance_type), lang=lang)
    role_arn = f"arn:{ctx.partition}:iam::{ctx.account}:role{spec.path}{spec.role_name}"
    report.note(message(PASS_ROLE_NOTE, role_arn=role_arn))
    report.note(WAIT_NOTE)
    facts = role_facts(ctx, spec.role_name)
    if facts is None:
        raise _stop(report, ctx, "role", message("launch.role_title"),
                    message("launch.no_role", role=spec.role_name), message("launch.nothing_made"),
                    message("launch.apply_first"), "NoSuchEntity", "GetRole")
    if get_instance_profile(ctx, spec.instance_profile_name) is None:
        check = doctor(spec, agent=agent, _ctx=ctx)["instance_profile"]
        raise _stop(report, ctx, "run_instances", message("launch.run_title"), check.symptom,
                    check.reason, check.fix, "InvalidParameterValue", "RunInstances")
    if agent.cluster is None:  # the agent registers with, or creates, default
        agent = replace(agent, cluster="default")
    _cluster(ctx, report, agent.cluster)
    report.cluster = agent.cluster
    instance = _run_instance(ctx, report, spec, report.user_data, agent.cluster, instance_type)
    if not ctx.sandbox:
        return _wait_on_aws(ctx, report, spec, agent, timeout)
    instance_ctx = _become_instance(ctx, report, spec, agent, facts, instance)
    _play_agent(ctx, instance_ctx, report, spec, agent, facts, instance)
    report.reads, report.writes, report.retries = (ctx.calls.reads + instance_ctx.calls.reads,
                                                   ctx.calls.writes + instance_ctx.calls.writes,
                                                   ctx.calls.retries + instance_ctx.calls.retries)
    return report


def _launch_context(spec: Any, session: boto3.Session | None, on_aws: str) -> Context:
    """The context to launch in, once the spec and ``on_aws`` allow it (no call made)."""
    if not isinstance(spec, RoleSpec):
        raise TypeError(f"spec must be a RoleSpec, got {type(spec).__name__}")
    if spec.instance_kind != "ec2":
        raise ValidationError(Problem("instance_kind", spec.instance_kind,
                                      "launch starts an Amazon EC2 instance; an external "
                                      "instance registers with an SSM activation (notebook 03)"))
    if on_aws not in ("refuse", "show", "run"):
        raise ValidationError(Problem("on_aws", on_aws, "must be 'refuse', 'show' or 'run'"))
    ctx = Context(session, spec.region)
    if not ctx.sandbox and on_aws == "refuse":
        raise ValidationError(Problem("on_aws", on_aws,
                                      "on AWS, launch starts a real, billed Amazon EC2 instance; "
                                      "pass on_aws='run' to do that (teardown terminates it), or "
                                      "on_aws='show' for the commands only"))
    return ctx


def _shown(spec: RoleSpec, agent: AgentConfig, instance_type: str) -> LaunchReport:
    """On AWS with ``on_aws="show"``: the commands, nothing run."""
    report = LaunchReport("launch", target="AWS", user_data=launch_user_data(spec, agent),
                          commands=launch_commands(spec, agent, instance_type))
    report.add("run_instances", message("launch.run_title"), "shown", "",
               message("launch.not_run"))
    report.note(WAIT_NOTE)
    return report


def _become_instance(ctx: Context, report: LaunchReport, spec: RoleSpec, agent: AgentConfig,
                     facts, instance: dict) -> Context:
    """The instance's credentials: Amazon EC2 assumes the role of the instance profile."""
    diagnosis = doctor(spec, agent=agent, instance_id=instance["InstanceId"], _ctx=ctx)
    report.diagnosis = diagnosis
    for name in ("instance_profile", "trust"):
        check = diagnosis[name]
        if check.ok is not True:
            raise _stop(report, ctx, "assume_role", message("launch.assume_title"), check.symptom,
                        check.reason, check.fix,
                        "AssumeRoleUnauthorizedAccess" if name == "trust" else "NoCredentialProviders",
                        "AssumeRole")
    # moto does not evaluate the trust policy: the doctor's trust row above did.
    assumed = ctx.call("sts", "assume_role", "assuming the role as Amazon EC2",
                       RoleArn=facts.role["Arn"], RoleSessionName=instance["InstanceId"])
    report.add("assume_role", message("launch.assume_title"), "allowed",
               assumed["AssumedRoleUser"]["Arn"],
               message("launch.assumed", trust=diagnosis["trust"].reason))
    # The instance's session: on the sandbox's server, holding the assumed role's credentials.
    return Context(with_credentials(ctx.session, ctx.region, assumed["Credentials"]), ctx.region)


def _play_agent(ctx: Context, me: Context, report: LaunchReport, spec: RoleSpec,
                agent: AgentConfig, facts, instance: dict) -> None:
    """The user data's and the agent's calls, in order, each evaluated first."""
    from .access import evaluate
    from .doctor import boundary_of

    me.account, me.partition = ctx.account, ctx.partition
    run = _AgentRun(agent.cluster, instance)
    while (need := _next_need(ctx, agent, run)) is not None:
        run.done.add(need.name)
        decision = evaluate(facts.documents, need.action, need.resource, need.context,
                            boundary=boundary_of(facts))
        if not decision.allowed:
            found = explain_denial(ctx, facts, "ec2", need, decision, spec.role_name,
                             instance["InstanceId"], [])
            raise _stop(report, ctx, need.name, need.action,
                        symptom_text(need, found.message), found.cause, found.fix,
                        "AccessDenied", need.action.split(":")[1])
        action = need.action.lower()
        if not _made(need):
            later = message(NOT_SENT.get(action, "launch.tasks_run"))
            report.add(need.name, need.action, "allowed", need.resource,
                       message("launch.not_sent", why=decision.why, later=later))
            continue
        reason = _AGENT_CALLS[action](ctx, me, report, agent, run)
        report.add(need.name, need.action, "allowed",
                   report.container_instance_arn if action.startswith("ecs:") else need.resource,
                   message("launch.made", why=decision.why, reason=reason))
    _registered(ctx, report, run)


#: Why a call the instance makes is evaluated but not sent, by its action (lower case);
#: any other is made when tasks run.
NOT_SENT = {"ecs:poll": "launch.websocket", "ecs:starttelemetrysession": "launch.websocket",
            "ecs:tagresource": "launch.with_registration"}
SANDBOX_AGENT_NOTE = message("launch.sandbox_agent")
#: The ids of the launch's own outcomes (:meth:`LaunchReport._word`).
_OUTCOME_IDS = {f"launch.outcome.{o}" for o in ("allowed", "denied", "registered", "shown", "launch")}


@dataclass
class _AgentRun:
    """What the played agent has learned so far, and the calls it has made."""

    cluster: str | None
    instance: dict
    container_instance_id: str = "*"  # until the registration names it
    tags: list[dict[str, str]] = field(default_factory=list)
    done: set[str] = field(default_factory=set)


def _next_need(ctx: Context, agent: AgentConfig, run: _AgentRun) -> Need | None:
    """The next call the instance makes, or None when it has made them all."""
    pending = [n for n in needs(agent, "ec2", ctx.partition, ctx.region, ctx.account,
                                run.container_instance_id) if n.name not in run.done]
    if not pending:
        return None
    tagging = [n for n in pending if n.action == "ecs:TagResource"]
    if pending[0].action == "ecs:RegisterContainerInstance" and tagging:
        return tagging[0]  # ECS authorizes the tags as part of the registration
    return pending[0]


def _copy_config(ctx: Context, me: Context, report: LaunchReport, agent: AgentConfig,
                 run: _AgentRun) -> str:
    """The user data copies ecs.config from Amazon S3; it names the cluster."""
    bucket, key = agent.config_from_s3
    body = me.call("s3", "get_object", "copying ecs.config (user data)", Bucket=bucket,
                   Key=key)["Body"].read().decode()
    for line in body.splitlines():
        if line.startswith("ECS_CLUSTER="):
            run.cluster = line.split("=", 1)[1].strip()
    if run.cluster != agent.cluster:  # the copied file names another cluster: it must exist
        _cluster(ctx, report, run.cluster)
    return message("launch.copied", cluster=run.cluster)


def _read_tags(ctx: Context, me: Context, report: LaunchReport, agent: AgentConfig,
               run: _AgentRun) -> str:
    """The agent reads the instance's tags, to propagate them to the container instance."""
    found_tags = me.call("ec2", "describe_tags", Filters=[
        {"Name": "resource-id", "Values": [run.instance["InstanceId"]]}])["Tags"]
    run.tags += [{"key": t["Key"], "value": t["Value"]} for t in found_tags
                 if not t["Key"].startswith("aws:")]
    return message("launch.tags_read", n=len(found_tags))


def _register(ctx: Context, me: Context, report: LaunchReport, agent: AgentConfig,
              run: _AgentRun) -> str:
    """The agent registers the instance with the cluster, with its tags."""
    run.tags += [{"key": k, "value": v} for k, v in agent.instance_tags]
    params: dict[str, Any] = {
        "cluster": run.cluster, "instanceIdentityDocument": _identity_document(ctx, run.instance),
        "instanceIdentityDocumentSignature": "not signed: the sandbox has no instance "
                                             "metadata service"}
    if run.tags:
        params["tags"] = run.tags
    made = me.call("ecs", "register_container_instance",
                   "registering the container instance", **params)["containerInstance"]
    report.container_instance_arn = made["containerInstanceArn"]
    run.container_instance_id = made["containerInstanceArn"].rsplit("/", 1)[-1]
    return message("launch.registered_in", cluster=run.cluster)


def _discover_poll_endpoint(ctx: Context, me: Context, report: LaunchReport,
                            agent: AgentConfig, run: _AgentRun) -> str:
    """The agent asks where to open its control-plane session."""
    me.call("ecs", "discover_poll_endpoint", containerInstance=report.container_instance_arn,
            cluster=run.cluster)
    return message("launch.endpoint")


#: The calls the sandbox takes (see :func:`_made`), each made as the instance.
_AGENT_CALLS = {"s3:getobject": _copy_config, "ec2:describetags": _read_tags,
                "ecs:registercontainerinstance": _register,
                "ecs:discoverpollendpoint": _discover_poll_endpoint}


def _registered(ctx: Context, report: LaunchReport, run: _AgentRun) -> None:
    """The cluster lists the container instance: the launch's last row."""
    cluster = run.cluster
    listed = ctx.call("ecs", "list_container_instances", cluster=cluster)["containerInstanceArns"]
    report.cluster = cluster
    if report.container_instance_arn in listed:
        report.add("list_container_instances", f"aws ecs list-container-instances --cluster {cluster}",
                   "registered", report.container_instance_arn,
                   message("launch.listed", instance=run.instance["InstanceId"], cluster=cluster))
    report.note(SANDBOX_AGENT_NOTE)

def _wait_on_aws(ctx: Context, report: LaunchReport, spec: RoleSpec, agent: AgentConfig,
                 timeout: float) -> LaunchReport:
    """On AWS the real agent registers; wait for its container instance to appear."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        arns = ctx.call("ecs", "list_container_instances", cluster=agent.cluster,
                        filter=f"ec2InstanceId == {report.instance_id}")["containerInstanceArns"]
        if arns:
            report.container_instance_arn = arns[0]
            report.add("list_container_instances", message("launch.agent_title"), "registered",
                       arns[0], message("launch.joined", instance=report.instance_id,
                                        cluster=agent.cluster))
            break
        time.sleep(10)
    else:
        report.diagnosis = doctor(spec, ctx.session, agent, instance_id=report.instance_id)
        report.add("list_container_instances", message("launch.agent_title"), "missing", "",
                   message("launch.not_registered", seconds=f"{timeout:.0f}",
                           summary=report.diagnosis.summary()))
    report.reads, report.writes, report.retries = (ctx.calls.reads, ctx.calls.writes,
                                                   ctx.calls.retries)
    return report


# ---------------------------------------------------------------------------------------
# Teardown: what launch started
# ---------------------------------------------------------------------------------------
def remove_launched(ctx: Context, spec: RoleSpec, force: bool = False) -> list[tuple[str, ...]]:
    """Deregister and terminate the instances ``launch`` started for ``spec``'s role, and
    delete the cluster ``launch`` created once it holds no other container instance, no
    service and no task (otherwise it is kept, and the report says what it holds).

    Returns report rows ``(step, title, outcome, arn, reason)``; ``teardown`` calls it first.
    Only what carries ``created-by=ecsrole-guide`` is touched (``force`` changes nothing here:
    an instance the guide did not start is never terminated).
    """
    if spec.instance_kind != "ec2":
        return []
    try:
        return _remove_launched(ctx, spec)
    except AccessDeniedError as err:  # a caller without EC2 or ECS permissions: say so, go on
        return [("terminate_instances", "Instances launched with the role", "skipped", "",
                 f"could not look for instances launch started: {err}")]


def teardown_reads(spec: RoleSpec) -> list[Read]:
    """What teardown reads ahead when it removes an instance profile: which instances hold
    one (:func:`instances_holding`), and the live ones ``launch`` started (removed first)."""
    return [Read("ec2", "describe_iam_instance_profile_associations", {"Filters": [
                {"Name": "state", "Values": ASSOCIATED}]}, "IamInstanceProfileAssociations"),
            Read("ec2", "describe_instances", {"Filters": launched_filters(spec)},
                 "Reservations")]


def launched_filters(spec: RoleSpec) -> list[dict]:
    """``DescribeInstances`` filters of the live instances ``launch`` started for the role."""
    return [{"Name": f"tag:{OWNER_TAG[0]}", "Values": [OWNER_TAG[1]]},
            {"Name": f"tag:{ROLE_TAG}", "Values": [spec.role_name]},
            {"Name": "instance-state-name", "Values": _LIVE_STATES}]


def _launched(ctx: Context, spec: RoleSpec) -> list[dict]:
    """The live instances launch started for the role: read once a run (the preflight and
    the removal both need them)."""
    key = ("launched", spec.role_name)
    if key not in ctx.cache:
        ctx.cache[key] = [i for r in ctx.pages("ec2", "describe_instances", "Reservations",
                                               Filters=launched_filters(spec))
                          for i in r["Instances"]]
    return ctx.cache[key]


def _remove_launched(ctx: Context, spec: RoleSpec) -> list[tuple[str, ...]]:
    instances = _launched(ctx, spec)
    clusters = {spec.cluster_name} | {t["Value"] for i in instances for t in i.get("Tags", [])
                                      if t["Key"] == CLUSTER_TAG}
    rows: list[tuple[str, ...]] = []
    ids = [i["InstanceId"] for i in instances]
    for cluster in sorted(clusters):
        rows += _clear_cluster(ctx, cluster, ids)
    if ids:
        ctx.call("ec2", "terminate_instances", "terminating the instances", InstanceIds=ids)
        rows.append(("terminate_instances", message("launch.teardown.terminated_title"),
                     "removed", ", ".join(ids), message("launch.teardown.terminated", n=len(ids))))
    return rows


def _clear_cluster(ctx: Context, cluster: str, ids: list[str]) -> list[tuple[str, ...]]:
    """Deregister the launched instances ``ids`` from ``cluster``; delete it if launch made it
    and nothing else is in it: no other container instance, no service, no task."""
    found = ctx.call("ecs", "describe_clusters", clusters=[cluster], include=["TAGS"])["clusters"]
    if not found or found[0].get("status") != "ACTIVE":
        return []
    mine = owned([{"Key": t["key"], "Value": t["value"]} for t in found[0].get("tags", [])])
    # What else the cluster holds, read at once; services and tasks matter only to its deletion.
    ctx.read_ahead([Read("ecs", "list_container_instances", {"cluster": cluster})] + ([
        Read("ecs", "list_services", {"cluster": cluster}, "serviceArns"),
        Read("ecs", "list_tasks", {"cluster": cluster, "desiredStatus": "RUNNING"}, "taskArns")]
        if mine else []))
    arns = ctx.call("ecs", "list_container_instances", cluster=cluster)["containerInstanceArns"]
    held = [] if not mine else [message(f"launch.teardown.{what}", n=len(listed)) for what, listed in (
        ("services", ctx.pages("ecs", "list_services", "serviceArns", cluster=cluster)),
        ("tasks", ctx.pages("ecs", "list_tasks", "taskArns", cluster=cluster,
                            desiredStatus="RUNNING"))) if listed]
    described = ctx.call("ecs", "describe_container_instances", cluster=cluster,
                         containerInstances=arns)["containerInstances"] if arns else []
    rows: list[tuple[str, ...]] = []
    left = []
    for item in described:
        if item["ec2InstanceId"] in ids:
            ctx.call("ecs", "deregister_container_instance", "deregistering", cluster=cluster,
                     containerInstance=item["containerInstanceArn"], force=True)
            rows.append(("deregister_container_instance",
                         message("launch.teardown.deregistered_title", cluster=cluster), "removed",
                         item["containerInstanceArn"],
                         message("launch.teardown.deregistered", instance=item["ec2InstanceId"])))
        else:
            left.append(item["containerInstanceArn"])
    if left:
        held.insert(0, message("launch.teardown.others", n=len(left)))
    if mine and not held:
        ctx.call("ecs", "delete_cluster", "deleting the cluster", cluster=cluster)
        rows.append(("delete_cluster", message("launch.teardown.cluster_title", cluster=cluster),
                     "removed", found[0]["clusterArn"], message("launch.teardown.cluster_removed")))
    elif mine:
        rows.append(("delete_cluster", message("launch.teardown.cluster_title", cluster=cluster),
                     "kept", found[0]["clusterArn"],
                     message("launch.teardown.cluster_kept", held=join(", ", held))))
    return rows


# ---------------------------------------------------------------------------------------
# Teardown's preflight: instances launch did not start that hold the instance profile
# ---------------------------------------------------------------------------------------
def instances_holding(ctx: Context, spec: RoleSpec, others: tuple[str, ...] | list[str] = ()
                      ) -> list[Problem]:
    """The instances ``launch`` did not start that hold an instance profile teardown would
    delete or take the role from: one :class:`Problem` per profile, for ``teardown`` to refuse
    before any removal, ``force`` or not.

    The spec's instance profile counts when teardown would remove it or the role from it;
    ``others`` are the other profiles holding the role that ``force`` takes it out of. The
    holders are read with ``DescribeIamInstanceProfileAssociations`` (one listing, read ahead
    by :mod:`ecsrole_lib.aws.prefetch` with the instances launch started, which teardown removes
    first), then ``DescribeInstances`` of the others only when there are any: pending,
    running, stopping or stopped ones count, terminated ones do not.
    """
    if spec.instance_kind != "ec2":
        return []
    try:
        held = {a["InstanceId"]: a["IamInstanceProfile"]["Arn"].rsplit("/", 1)[-1]
                for a in ctx.pages("ec2", "describe_iam_instance_profile_associations",
                                   "IamInstanceProfileAssociations",
                                   Filters=[{"Name": "state", "Values": ASSOCIATED}])}
        stake = _at_stake(ctx, spec, set(held.values()), others)
        candidates = sorted(i for i, name in held.items() if name in stake)
        launched = {i["InstanceId"] for i in _launched(ctx, spec)} if candidates else set()
        instances = _holders(ctx, [i for i in candidates if i not in launched])  # ours go first
    except AccessDeniedError as err:  # unknown is not free: nothing at stake is removed blind
        return [Problem(*_named(spec, name), f"teardown cannot tell which instances hold "
                        f"instance profile {name} ({err}): it reads "
                        "ec2:DescribeIamInstanceProfileAssociations and ec2:DescribeInstances "
                        "before it removes an instance profile or the role in it")
                for name in sorted(_at_stake(ctx, spec, {spec.instance_profile_name, *others},
                                             others))]
    return [Problem(*_named(spec, name),
                    _held_rule(name, [i for i in instances if held[i["InstanceId"]] == name]))
            for name in sorted({held[i["InstanceId"]] for i in instances})]


def _named(spec: RoleSpec, profile: str) -> tuple[str, str]:
    """The spec field a problem with ``profile`` names: the profile, or the role in another."""
    if profile == spec.instance_profile_name:
        return "instance_profile_name", profile
    return "role_name", spec.role_name


def _at_stake(ctx: Context, spec: RoleSpec, names: set[str], others) -> set[str]:
    """Of the instance profiles ``names``, those teardown would delete or take the role from."""
    stake = set(names) & set(others)
    profile = get_instance_profile(ctx, spec.instance_profile_name)
    if profile is not None and spec.instance_profile_name in names:
        holds_role = spec.role_name in [r["RoleName"] for r in profile.get("Roles", [])]
        if owned(profile.get("Tags")) or (holds_role and get_role(ctx, spec.role_name) is not None
                                          and ours(ctx, spec, "profile-role")):
            stake.add(spec.instance_profile_name)
    return stake


def _holders(ctx: Context, ids: list[str]) -> list[dict]:
    """The live (pending, running, stopping, stopped) instances among ``ids``."""
    found: list[dict] = []
    for start in range(0, len(ids), 200):  # at most 200 values in one filter
        found += [i for r in ctx.pages("ec2", "describe_instances", "Reservations", Filters=[
            {"Name": "instance-id", "Values": ids[start:start + 200]},
            {"Name": "instance-state-name", "Values": _LIVE_STATES}]) for i in r["Instances"]]
    return found


def _held_rule(profile: str, instances: list[dict]) -> str:
    named = [f"{i['InstanceId']} ({i['State']['Name']}"
             + "".join(f", Name={t['Value']}" for t in i.get("Tags", []) if t["Key"] == "Name") + ")"
             for i in instances]
    return (f"instance profile {profile} is held by {len(instances)} instance(s) the guide did "
            f"not launch: {', '.join(named)}; teardown (even with force=True) would leave them "
            "without the role's credentials: terminate them or give them another instance "
            "profile (aws ec2 replace-iam-instance-profile-association) first")


# launch plugs into the core (ecsrole_lib/hooks.py): teardown removes what it started first,
# and refuses while an instance it did not start holds the instance profile.
register("teardown_reads", "launch", teardown_reads)
register("teardown_refusals", "launch", instances_holding)
register("teardown_first", "launch", remove_launched)
