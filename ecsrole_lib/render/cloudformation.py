"""The plan as infrastructure as code: a CloudFormation template, its follow-up, the rollout.

``export_cloudformation(spec)`` turns the same plan that ``apply`` runs into a
YAML template: the role (trust policy, managed policies in the stack's
partition, inline least-privilege policies, path, tags, permissions
boundary), the instance profile (``ec2``), the customer managed CloudWatch
Logs policy and the private config bucket. Every plan step is accounted for
in the template's ``Metadata``: the resource it became, or the follow-up
command that does what CloudFormation cannot express (``awsvpcTrunking`` for
one principal, uploading ``ecs.config``, tags on the instance profile and on
the managed policy). ``cloudformation_follow_up(spec)`` is that follow-up as
a guarded bash script; ``rollout_commands(spec, ...)`` is the StackSets recipe.

>>> from ecsrole_lib import RoleSpec
>>> template = export_cloudformation(RoleSpec())
>>> template.splitlines()[0]
"AWSTemplateFormatVersion: '2010-09-09'"
>>> print(rollout_commands(RoleSpec(), accounts=["111122223333"]).splitlines()[-4])
    --regions us-east-1
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .. import policies
from ..errors import Problem, ValidationError
from ..i18n.catalog import LANGS, join, message, render
from ..marks import USED_BY_TAG
from ..plan import Plan, plan
from ..shell import ShellVar, Word, comment, heredoc, json_value, option, quote
from ..spec import OWNER_TAG, RoleSpec
from ..steps import S3_INLINE_NAME, Step
from ..userdata import user_data_parts
from .base import Renderer, check_spec, checked

__all__ = [
    "RESOURCES",
    "cloudformation_follow_up",
    "export_cloudformation",
    "follow_up_steps",
    "rollout_commands",
]

#: Logical ids of the template's resources.
RESOURCES = {
    "role": "ContainerInstanceRole",
    "instance_profile": "ContainerInstanceProfile",
    "logs_policy": "CloudWatchLogsPolicy",
    "bucket": "ConfigBucket",
}
METADATA_KEY = "ecsrole-guide"
#: The CloudFormation ``Description`` quota, in bytes.
DESCRIPTION_QUOTA = 1024
#: IAM names as the CloudFormation resource specifications allow them.
_IAM_NAME_PATTERN = r"[\w+=,.@-]+"
_BUCKET_PATTERN = r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"


# ---------------------------------------------------------------------------------------
# Short-form intrinsic functions (!Ref, !Sub, !GetAtt), emitted as YAML tags.
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Intrinsic:
    """A CloudFormation intrinsic function in short form: ``!Ref x``, ``!Sub '...'``."""

    tag: str
    value: Any


def Ref(name: str) -> Intrinsic:
    return Intrinsic("!Ref", name)


def Sub(text: str) -> Intrinsic:
    return Intrinsic("!Sub", text)


def GetAtt(resource: str, attribute: str) -> Intrinsic:
    return Intrinsic("!GetAtt", f"{resource}.{attribute}")


def literal(text: str) -> str:
    """``text`` made safe inside ``!Sub``: ``${`` is written ``${!`` there."""
    return text.replace("${", "${!")


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # every repeat written out, no &anchors
        return True

    def choose_scalar_style(self) -> str:
        # YAML reads NEL, LS, PS (and CR, LF) as line breaks and folds them: a value holding
        # one is written double-quoted, where they are escapes (\N, \L, \P), so it reads
        # back exactly.
        if any(c in _LINE_BREAKS for c in self.event.value):
            return '"'
        # PyYAML quotes every explicitly tagged scalar; write !Ref x, not !Ref 'x', when a
        # plain scalar reads back the same.
        if self.analysis is None:
            self.analysis = self.analyze_scalar(self.event.value)
        tagged = (self.event.tag or "").startswith("!") and not self.event.style
        if tagged and not self.analysis.empty and not self.analysis.multiline and (
                self.analysis.allow_flow_plain if self.flow_level
                else self.analysis.allow_block_plain):
            return ""
        return super().choose_scalar_style()


_LINE_BREAKS = "\r\n\x85\u2028\u2029"


def _represent_intrinsic(dumper: yaml.SafeDumper, data: Intrinsic):
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value, flow_style=True)
    return dumper.represent_scalar(data.tag, data.value)


_Dumper.add_representer(Intrinsic, _represent_intrinsic)


def dump(template: dict[str, Any]) -> str:
    """A template as YAML, intrinsics in short form."""
    return yaml.dump(template, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


# Placeholders the plan's documents use, and what CloudFormation calls them.
_PARTITION, _ACCOUNT, _REGION = "${AWS::Partition}", "${AWS::AccountId}", "${AWS::Region}"


def _value(obj: Any) -> Any:
    """A policy document with placeholders, as template values (!Sub where needed)."""
    if isinstance(obj, dict):
        return {k: _value(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_value(v) for v in obj]
    if isinstance(obj, str) and "${" in obj:
        if obj == _ACCOUNT:
            return Ref("AWS::AccountId")
        return Sub(obj)
    return obj


def _text(value: str) -> Any:
    """A value from the spec, exactly: a ``${`` in it is no reference.

    A plain string holding ``${`` reads as a forgotten ``!Sub`` (cfn-lint), and
    ``!Sub`` with nothing to fill in is needless (cfn-lint W1020): the value is
    joined from pieces that split each ``${`` between its ``$`` and ``{``.

    >>> _text("costs ${5}")
    Intrinsic(tag='!Join', value=['', ['costs $', '{5}']])
    """
    if "${" not in value:
        return value
    return Intrinsic("!Join", ["", re.split(r"(?<=\$)(?=\{)", value)])


def _arn(arn: str, partition: str) -> Any:
    """An ARN from the spec, in the stack's partition (and account, for ``${ACCOUNT_ID}``)."""
    prefix = f"arn:{partition}:"
    if not arn.startswith(prefix):
        return arn
    rest = literal(arn[len(prefix):])
    return Sub(f"arn:{_PARTITION}:{rest}")


# ---------------------------------------------------------------------------------------
# Where each plan step goes.
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Placement:
    """Where a plan step went in the template.

    ``kind`` is ``resource`` (a resource makes it), ``covered`` (CloudFormation
    does it without a resource) or ``follow-up`` (the follow-up script does it);
    ``where`` names the resource or says why. ``resource``: the logical id whose
    ``Metadata`` lists the step. ``managed`` and ``inline``: what it adds to the
    role's ``ManagedPolicyArns`` and ``Policies``. ``body``: the resource it makes
    (the role's is assembled from every step's ``managed`` and ``inline``);
    ``parameters`` and ``outputs``: the stack's, for that resource; ``cannot``:
    what CloudFormation cannot express of the step (the follow-up does it).
    """

    kind: str
    where: str
    resource: str | None = None
    managed: Any = None
    inline: dict[str, Any] | None = None
    body: dict[str, Any] | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    cannot: str = ""


def _made(resource: str, **role_parts: Any) -> Placement:
    return Placement("resource", RESOURCES[resource], RESOURCES[resource], **role_parts)


def _name_parameter(name: str, default: str, max_length: int, description: str) -> dict[str, Any]:
    return {name: {"Type": "String", "Default": default, "MinLength": 1,
                   "MaxLength": max_length, "AllowedPattern": _IAM_NAME_PATTERN,
                   "Description": description}}


class CloudFormationPlacement(Renderer):
    """Each plan step as the template holds it (:class:`Placement`)."""

    def __init__(self, spec: RoleSpec):
        self.spec = spec

    def create_role(self, step: Step) -> Placement:
        role = RESOURCES["role"]
        return Placement(
            "resource", role, role,
            parameters=_name_parameter("RoleName", self.spec.role_name, 64,
                                       "The container instance role (console step 8: Role name)."),
            outputs={"RoleArn": {"Description": "The container instance role",
                                 "Value": GetAtt(role, "Arn")},
                     "RoleName": {"Description": "Its name", "Value": Ref(role)}})

    def attach_policy(self, step: Step) -> Placement:
        action = step.action
        return _made("role", managed=Ref(RESOURCES["logs_policy"]) if action.made_by_step
                     else _arn(action.policy_arn, self.spec.partition))

    def inline_policy(self, step: Step) -> Placement:
        action = step.action
        if action.policy_name != S3_INLINE_NAME:
            raise TypeError(f"no template for inline policy {action.policy_name}")
        document = policies.config_read_policy(
            _PARTITION, "${" + RESOURCES["bucket"] + "}", self.spec.config_key, escape=literal)
        return _made("role", inline={"PolicyName": action.policy_name,
                                     "PolicyDocument": _value(document)})

    def check_managed_policy(self, step: Step) -> Placement:
        return Placement("covered", f"{policies.CONTAINER_INSTANCE_POLICY[1]} (in "
                         f"ManagedPolicyArns) {step.action.covered}", RESOURCES["role"])

    def create_instance_profile(self, step: Step) -> Placement:
        profile = RESOURCES["instance_profile"]
        return Placement(
            "resource", profile, profile,
            body={"Type": "AWS::IAM::InstanceProfile",
                  "Properties": {"InstanceProfileName": Ref("InstanceProfileName"),
                                 "Path": _text(self.spec.path),
                                 "Roles": [Ref(RESOURCES["role"])]}},
            parameters=_name_parameter(
                "InstanceProfileName", self.spec.instance_profile_name, 128,
                "The instance profile that hands the role to Amazon EC2 (CLI step 3)."),
            outputs={"InstanceProfileArn": {
                         "Description": "The instance profile to launch container instances with",
                         "Value": GetAtt(profile, "Arn")},
                     "InstanceProfileName": {"Description": "Its name", "Value": Ref(profile)}},
            cannot=message("cannot.profile_tags"))

    def add_role_to_instance_profile(self, step: Step) -> Placement:
        return _made("instance_profile")

    def wait_instance_profile(self, step: Step) -> Placement:
        return Placement("covered", "CloudFormation waits until the instance profile exists "
                         "before CREATE_COMPLETE", RESOURCES["instance_profile"])

    def create_logs_policy(self, step: Step) -> Placement:
        spec, logs = self.spec, RESOURCES["logs_policy"]
        document = policies.logs_policy(spec.least_privilege, _PARTITION, _REGION, _ACCOUNT)
        return Placement(
            "resource", logs, logs,
            body={"Type": "AWS::IAM::ManagedPolicy",
                  "Properties": {"ManagedPolicyName": Ref("LogsPolicyName"),
                                 "Path": _text(spec.path), "PolicyDocument": _value(document)}},
            parameters=_name_parameter(
                "LogsPolicyName", spec.log_policy_name, 128,
                "The customer managed CloudWatch Logs policy (CLI step 2: create-policy "
                "--policy-name)."),
            outputs={"LogsPolicyArn": {"Description": "The CloudWatch Logs policy (the ARN the "
                                                      "page looks up in CLI step 3)",
                                       "Value": Ref(logs)}},
            cannot=message("cannot.logs_policy_tags"))

    def find_logs_policy(self, step: Step) -> Placement:
        return Placement("covered", f"!Ref {RESOURCES['logs_policy']} is the policy's ARN; no "
                         "lookup by name (erratum E4)", RESOURCES["logs_policy"])

    def create_config_bucket(self, step: Step) -> Placement:
        spec, bucket = self.spec, RESOURCES["bucket"]
        return Placement(
            "resource", bucket, bucket,
            body={"Type": "AWS::S3::Bucket",
                  # It will hold ecs.config, and CloudFormation cannot delete a bucket with objects.
                  "DeletionPolicy": "Retain",
                  "UpdateReplacePolicy": "Retain",
                  "Properties": {
                      "BucketName": Ref("ConfigBucketName"),
                      "PublicAccessBlockConfiguration": {
                          "BlockPublicAcls": True, "IgnorePublicAcls": True,
                          "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
                      "Tags": _tags(spec)}},
            parameters={"ConfigBucketName": {
                "Type": "String", "Default": spec.config_bucket, "MinLength": 3, "MaxLength": 63,
                "AllowedPattern": _BUCKET_PATTERN,
                "Description": "The private bucket for ecs.config. Bucket names are global: with "
                               "StackSets, override it for each account."}},
            outputs={"ConfigBucketName": {"Description": "The private bucket for ecs.config",
                                          "Value": Ref(bucket)},
                     "ConfigBucketArn": {"Description": "Its ARN", "Value": GetAtt(bucket, "Arn")}})

    def upload_ecs_config(self, step: Step) -> Placement:
        # Not the key itself: the template's Description cannot carry a value exactly.
        return Placement("follow-up", "CloudFormation creates no S3 objects: upload ecs.config "
                         "after the stack (cloudformation_follow_up)",
                         cannot=message("cannot.ecs_config"))

    def enable_trunking(self, step: Step) -> Placement:
        return Placement("follow-up", "no resource type sets an ECS account setting for one "
                         "principal: aws ecs put-account-setting after the stack",
                         cannot=message("cannot.trunking"))

    def show_activation(self, step: Step) -> Placement:
        return Placement("follow-up", "next step, shown, not run: an activation registers one "
                         "machine")


def _placed(spec: RoleSpec, the_plan: Plan) -> list[tuple[Step, Placement]]:
    placement = CloudFormationPlacement(spec)
    return [(step, placement.render(step)) for step in the_plan]


def follow_up_steps(the_plan: Plan) -> list[Step]:
    """The plan's steps that the template leaves to follow-up commands, in order."""
    return [step for step, where in _placed(the_plan.spec, the_plan) if where.kind == "follow-up"]


def _step_entry(step: Step) -> dict[str, Any]:
    entry = {"Step": step.id, "Title": step.title(), "PageRef": str(step.page_ref)}
    if step.errata:
        entry["Errata"] = list(step.errata)
    return entry


# ---------------------------------------------------------------------------------------
# The template.
# ---------------------------------------------------------------------------------------
def _tags(spec: RoleSpec) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in spec.tags.items()] + [
        {"Key": OWNER_TAG[0], "Value": OWNER_TAG[1]}]


def _not_expressible(placed: list[tuple[Step, Placement]]) -> list[str]:
    return [where.cannot for _, where in placed if where.cannot]


def _description(spec: RoleSpec, placed: list[tuple[Step, Placement]]) -> str:
    features = ", ".join(spec.features) or "no extra features"
    text = (f"Amazon ECS container instance IAM role {spec.role_name} ({spec.instance_kind}; "
            f"{features}{'; least privilege' if spec.least_privilege else ''}), as the AWS "
            "documentation creates it; made by ecsrole-guide from its plan. IAM is global: deploy "
            "one stack per account (StackSets: one Region per account).")
    missing = _not_expressible(placed)
    if missing:
        text += (" Not expressible in CloudFormation, done by the follow-up commands in "
                 f"Metadata: {'; '.join(missing)}.")
    if len(text.encode()) > DESCRIPTION_QUOTA:  # long role names: keep the essential part
        text = text.encode()[:DESCRIPTION_QUOTA - 3].decode(errors="ignore") + "..."
    return text


def _merged(placed: list[tuple[Step, Placement]], part: str) -> dict[str, Any]:
    """The steps' ``parameters`` or ``outputs``, in the plan's order."""
    merged: dict[str, Any] = {}
    for _, where in placed:
        merged.update(getattr(where, part))
    return merged


def _steps_of(placed: list[tuple[Step, Placement]], resource: str) -> list[dict[str, Any]]:
    """The metadata entries of the steps that ``resource`` (a logical id) makes."""
    return [_step_entry(step) for step, where in placed if where.resource == resource]


def _role(spec: RoleSpec, placed: list[tuple[Step, Placement]], partition: str) -> dict[str, Any]:
    managed = [where.managed for _, where in placed if where.managed is not None]
    inline = [where.inline for _, where in placed if where.inline is not None]
    trust = policies.trust_policy(spec.instance_kind, _PARTITION, _ACCOUNT, _REGION)
    props: dict[str, Any] = {
        "RoleName": Ref("RoleName"),
        "Path": _text(spec.path),
        "AssumeRolePolicyDocument": _value(trust),
    }
    if spec.description is not None:
        props["Description"] = _text(spec.description)
    props["ManagedPolicyArns"] = managed
    if inline:
        props["Policies"] = inline
    if spec.permissions_boundary:
        props["PermissionsBoundary"] = _arn(spec.permissions_boundary, partition)
    props["Tags"] = _tags(spec)
    return {"Type": "AWS::IAM::Role",
            "Metadata": {METADATA_KEY: {"Steps": _steps_of(placed, RESOURCES["role"])}},
            "Properties": props}


def _resources(spec: RoleSpec, placed: list[tuple[Step, Placement]]) -> dict[str, Any]:
    resources: dict[str, Any] = {RESOURCES["role"]: _role(spec, placed, spec.partition)}
    for _, where in placed:
        if where.body is not None:
            # Metadata first, as the role's: the steps this resource makes, then the resource.
            body = dict(where.body)
            kind = body.pop("Type")
            resources[where.resource] = {"Type": kind, **{
                k: v for k, v in body.items() if k != "Properties"},
                "Metadata": {METADATA_KEY: {"Steps": _steps_of(placed, where.resource)}},
                "Properties": body["Properties"]}
    return resources


def _template(spec: RoleSpec, the_plan: Plan) -> dict[str, Any]:
    placed = _placed(spec, the_plan)
    entries = []
    for step, where in placed:
        entry = _step_entry(step)
        entry[{"resource": "Resource", "covered": "Covered", "follow-up": "FollowUp"}[where.kind]] = (
            where.where)
        entries.append(entry)
    metadata = {METADATA_KEY: {
        "Source": "AWS documentation: Amazon ECS container instance IAM role",
        "Spec": {"instance_kind": spec.instance_kind, "features": list(spec.features),
                 "least_privilege": spec.least_privilege, "trunking": spec.trunking,
                 "region": spec.region},
        "Steps": entries,
        "FollowUp": [_text(c) for c in follow_up_commands(spec, the_plan)],
    }}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": _description(spec, placed),
        "Metadata": metadata,
        "Parameters": _merged(placed, "parameters"),
        "Resources": _resources(spec, placed),
        "Outputs": _merged(placed, "outputs"),
    }



def export_cloudformation(spec: RoleSpec, the_plan: Plan | None = None) -> str:
    """A CloudFormation template (YAML) of ``spec``'s plan.

    Deploy it with ``CAPABILITY_NAMED_IAM`` (it names its IAM resources), in
    one Region per account: IAM is global. What it cannot express is listed in
    its ``Description`` and done by :func:`cloudformation_follow_up`. It takes
    ``spec`` and ``the_plan`` as :func:`~ecsrole_lib.render.base.checked` does.
    """
    return dump(_template(*checked(spec, the_plan)))


# ---------------------------------------------------------------------------------------
# The follow-up: what CloudFormation cannot express, as a guarded script.
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FollowUp:
    """One follow-up command: why, the command, and the guard that skips it when done."""

    step: str
    comment: str
    command: str
    guard: str | None = None  # a shell condition, true while the command still has to run
    files: tuple[tuple[str, Any], ...] = ()  # (name, text or parts with the script's variables)
    prelude: str = ""  # runs before the guard (an assignment: a failing read stops the script)
    variables: tuple[tuple[str, str], ...] = ()  # the stack parameters it reads, with defaults


#: The follow-up script's own variables.
_VARS = {name: ShellVar(name) for name in (
    "ACCOUNT_ID", "PARTITION", "ROLE_NAME", "INSTANCE_PROFILE_NAME", "LOGS_POLICY_NAME",
    "CONFIG_BUCKET")}


def _follow_ups(spec: RoleSpec, the_plan: Plan) -> list[FollowUp]:
    follow_up = CloudFormationFollowUp(spec, the_plan.lang)
    return [item for item in map(follow_up.render, the_plan) if item is not None]


def _guide_tags(spec: RoleSpec) -> str:
    return quote(json_value([{"Key": k, "Value": val} for k, val in
                             list(spec.tags.items()) + [OWNER_TAG]]))


class CloudFormationFollowUp(Renderer):
    """The follow-up command of each step the template cannot express; None for the rest."""

    def __init__(self, spec: RoleSpec, lang: str = "en"):
        self.spec, self.lang = spec, lang

    def _title(self, step: Step) -> str:
        return f"{step.id}: {step.title(self.lang)} ({step.page_ref})"

    def _in_template(self, step: Step) -> None:
        return None

    # In the template (CloudFormationPlacement): nothing to follow up.
    create_role = add_role_to_instance_profile = wait_instance_profile = _in_template
    attach_policy = check_managed_policy = inline_policy = find_logs_policy = _in_template

    def create_instance_profile(self, step: Step) -> FollowUp:
        profile = _VARS["INSTANCE_PROFILE_NAME"]
        return FollowUp(
            "tag_instance_profile", "Tags on the instance profile (AWS::IAM::InstanceProfile "
            "has no Tags property)",
            "aws iam tag-instance-profile --instance-profile-name "
            f"{quote(profile)} --tags {_guide_tags(self.spec)}",
            variables=(("INSTANCE_PROFILE_NAME", self.spec.instance_profile_name),))

    def create_logs_policy(self, step: Step) -> FollowUp:
        v = _VARS
        arn = Word("arn:", v["PARTITION"], ":iam::", v["ACCOUNT_ID"], f":policy{self.spec.path}",
                   v["LOGS_POLICY_NAME"])
        return FollowUp(
            "tag_logs_policy", "Tags on the logs policy (AWS::IAM::ManagedPolicy has no Tags "
            "property)",
            f"aws iam tag-policy --policy-arn {arn.render()} --tags {_guide_tags(self.spec)}",
            variables=(("LOGS_POLICY_NAME", self.spec.log_policy_name),))

    def create_config_bucket(self, step: Step) -> None:
        return None  # the template makes it; the upload's follow-up names it

    def upload_ecs_config(self, step: Step) -> FollowUp:
        spec, v = self.spec, _VARS
        files = tuple(
            (name, user_data_parts(spec, v["CONFIG_BUCKET"]) if name == "user-data.sh" else text)
            for name, text in step.files.items())
        bucket, key = quote(v["CONFIG_BUCKET"]), option("key", spec.config_key)
        # The role whose instances copy the file, as steps.object_tagging writes it: ',' as
        # ':' (no S3 tag holds ','), then URL-encoded ('+', '=' and '@' are all a role name
        # holds beyond letters, digits and '._-').
        used_by = ('USED_BY=${ROLE_NAME//,/:}; USED_BY=${USED_BY//+/%2B}; '
                   'USED_BY=${USED_BY//=/%3D}; USED_BY=${USED_BY//@/%40}; USED_BY=${USED_BY//:/%3A}')
        return FollowUp(
            step.id, self._title(step),
            f"aws s3api put-object --bucket {bucket} {key} --body ecs.config "
            f'--tagging "{OWNER_TAG[0]}={OWNER_TAG[1]}&{USED_BY_TAG}=$USED_BY"',
            f"! aws s3api head-object --bucket {bucket} {key} >/dev/null 2>&1",
            files, prelude=used_by, variables=(("CONFIG_BUCKET", spec.config_bucket),))

    def enable_trunking(self, step: Step) -> FollowUp:
        v = _VARS
        arn = Word("arn:", v["PARTITION"], ":iam::", v["ACCOUNT_ID"], f":role{self.spec.path}",
                   v["ROLE_NAME"]).render()
        return FollowUp(
            step.id, self._title(step),
            f"aws ecs put-account-setting --name awsvpcTrunking --value enabled "
            f"--principal-arn {arn}",
            '[ "$enabled" = "0" ]',
            prelude=(f"enabled=$(aws ecs list-account-settings --name awsvpcTrunking "
                     f"--principal-arn {arn} --query \"length(settings[?value=='enabled'])\" "
                     "--output text)"))

    def show_activation(self, step: Step) -> FollowUp:
        return FollowUp(
            step.id, self._title(step) + "; shown, not run: an activation registers one machine",
            '# aws ssm create-activation --iam-role "$ROLE_NAME" --registration-limit 1')


def follow_up_commands(spec: RoleSpec, the_plan: Plan | None = None) -> list[str]:
    """The follow-up's commands, one string each (with the script's shell variables)."""
    return [item.command for item in _follow_ups(check_spec(spec), the_plan or plan(spec))]


def _default(variable: str, value: str) -> str:
    """``NAME="${NAME:-value}"``: the stack's parameter, overridable from the environment.

    >>> print(_default("ROLE_NAME", "a$b}"))
    ROLE_NAME="${ROLE_NAME:-a\\$b\\}}"
    """
    literal_value = "".join("\\" + c if c in '\\"`$}' else c for c in value)
    return f'{variable}="${{{variable}:-{literal_value}}}"'


def cloudformation_follow_up(spec: RoleSpec, the_plan: Plan | None = None) -> str:
    """A bash script that does what the template cannot, after the stack is created.

    Run it in each account where the stack (instance) is ``CREATE_COMPLETE``,
    with that account's credentials. Every write is guarded or idempotent, so
    running it again changes nothing. Names default to the template's
    parameter defaults; set ``ROLE_NAME``, ``CONFIG_BUCKET`` ... to what the
    stack was given.
    """
    spec = check_spec(spec)
    the_plan = the_plan or plan(spec)
    lines = [
        "#!/usr/bin/env bash",
        "set -euo pipefail",
        comment(f"Follow-up to the CloudFormation stack of role {spec.role_name}: what "
                "CloudFormation cannot express."),
        "# Run it in each account after its stack is CREATE_COMPLETE.",
        "# Made by ecsrole-guide from its plan; running it again changes nothing.",
        'cd "$(dirname "$0")"',
        f"export AWS_DEFAULT_REGION={quote(spec.region)}  # S3 and ECS are regional",
        'export AWS_PAGER=""',
        "CALLER=$(aws sts get-caller-identity --query '[Account,Arn]' --output text)",
        'read -r ACCOUNT_ID CALLER_ARN <<<"$CALLER"',
        'PARTITION=$(cut -d: -f2 <<<"$CALLER_ARN")',
        "# The stack's parameters; override them as the stack was given them:",
        _default("ROLE_NAME", spec.role_name),
    ]
    follow_ups = _follow_ups(spec, the_plan)
    lines += [_default(name, value) for item in follow_ups for name, value in item.variables]
    for item in follow_ups:
        lines += ["", comment(item.comment)]
        lines += [heredoc(name, text) for name, text in item.files]
        if item.prelude:
            lines.append(item.prelude)
        if item.guard is None:
            lines.append(item.command)
            if not item.command.startswith("#"):
                lines.append(f'echo "{item.step}: done"')
        else:
            lines += [f"if {item.guard}; then", f"    {item.command}", "else",
                      f'    echo "{item.step}: already done"', "fi"]
    lines += ["", 'echo "Follow-up for role $ROLE_NAME done."', ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# The rollout recipe: StackSets.
# ---------------------------------------------------------------------------------------
_STACK_SET_NAME = re.compile(r"[a-zA-Z][-a-zA-Z0-9]{0,127}")
_ACCOUNT_ID = re.compile(r"\d{12}")
_OU_ID = re.compile(r"ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32}")
EXAMPLE_ACCOUNTS = ("111122223333",)
EXAMPLE_OUS = ("ou-examplerootid111-exampleouid111",)

#: Per permission model (organization=True: service-managed): the id of its comments
#: (``i18n/*/render.toml``, as every comment of the recipe) and the options
#: create-stack-set adds for it.
ROLLOUT_MODELS = {
    True: {"comments": "rollout.service_managed",
           "options": ("    --permission-model SERVICE_MANAGED \\\n"
                       "    --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false \\\n")},
    False: {"comments": "rollout.self_managed", "options": ""},
}
#: The two commands, and the watch (shell words quoted before they are filled in).
ROLLOUT_CREATE_STACK_SET = (
    "aws cloudformation create-stack-set \\\n    --stack-set-name {name} \\\n"
    "    --template-body file://{template_file} \\\n    --capabilities CAPABILITY_NAMED_IAM \\\n"
    "{options}    --region {region}")
ROLLOUT_CREATE_INSTANCES = (
    "aws cloudformation create-stack-instances \\\n    --stack-set-name {name} \\\n"
    "    {targets} \\\n    --regions {region}")
ROLLOUT_WATCH = "aws cloudformation list-stack-instances --stack-set-name {name} --region {region}"


def rollout_commands(spec: RoleSpec, stack_set_name: str | None = None,
                     accounts: list[str] | tuple[str, ...] | None = None,
                     regions: list[str] | tuple[str, ...] | None = None,
                     organization: bool = False,
                     organizational_unit_ids: list[str] | tuple[str, ...] | None = None,
                     template_file: str = "ecsrole-role.cfn.yaml", lang: str = "en") -> str:
    """The AWS CLI commands that roll the template out with CloudFormation StackSets.

    Parameters
    ----------
    spec
        The user's choices (the template is ``export_cloudformation(spec)``).
    stack_set_name
        Default: ``ecsrole-<role name>`` (dots and the like become hyphens).
    accounts
        Target accounts (self-managed permissions). Default: the documentation's
        example account, to replace.
    regions
        Exactly one Region: IAM is global, so a second Region in the same
        account would create the same named role again and fail. Default: the
        spec's Region.
    organization
        The service-managed, organisation-wide variant: deploys to the
        organizational units and, automatically, to accounts that join them later.
    organizational_unit_ids
        Targets of the organisation-wide variant. Default: an example OU id.
    template_file
        Where the template is saved.
    lang
        The language of the recipe's comments (``"en"`` or ``"ko"``); its commands are the same.

    Raises
    ------
    ValidationError
        A name, account, OU id or the Region list is not valid.
    """
    spec = check_spec(spec)
    if stack_set_name is None:
        stack_set_name = re.sub(r"[^-a-zA-Z0-9]", "-", f"ecsrole-{spec.role_name}")[:128]
    regions = list(regions) if regions is not None else [spec.region]
    accounts = list(accounts) if accounts is not None else list(EXAMPLE_ACCOUNTS)
    ous = (list(organizational_unit_ids) if organizational_unit_ids is not None
           else list(EXAMPLE_OUS))
    problems = _rollout_problems(stack_set_name, regions, accounts if not organization else None,
                                 ous if organization else None)
    if lang not in LANGS:
        problems.append(Problem("lang", lang, f"must be one of {', '.join(LANGS)}"))
    if problems:
        raise ValidationError(problems)
    targets = (f"--deployment-targets OrganizationalUnitIds={','.join(ous)}" if organization
               else f"--accounts {' '.join(accounts)}")
    return "\n".join(_rollout_lines(spec, ROLLOUT_MODELS[bool(organization)], targets, lang,
                                    name=quote(stack_set_name), region=quote(regions[0]),
                                    template_file=template_file))



def _rollout_problems(stack_set_name: Any, regions: list[str], accounts: list[str] | None,
                      ous: list[str] | None) -> list[Problem]:
    """What is wrong with the rollout's names: ``accounts`` (self-managed) or ``ous``."""
    problems = []
    if not isinstance(stack_set_name, str) or not _STACK_SET_NAME.fullmatch(stack_set_name):
        problems.append(Problem("stack_set_name", stack_set_name,
                                "must start with a letter and hold only letters, digits and "
                                "hyphens, at most 128 characters"))
    if len(regions) != 1:
        problems.append(Problem("regions", regions,
                                "must name exactly one Region: IAM is global, so stack instances "
                                "in a second Region of the same account would create the same "
                                "named role, instance profile and policy again and fail"))
    if ous is not None:
        problems += [Problem("organizational_unit_ids", ou, "must be an OU id (ou-xxxx-xxxxxxxx) "
                             "or a root id (r-xxxx)") for ou in ous if not _OU_ID.fullmatch(str(ou))]
        if not ous:
            problems.append(Problem("organizational_unit_ids", ous, "name at least one OU"))
    else:
        problems += [Problem("accounts", a, "must be a 12-digit AWS account id")
                     for a in accounts or () if not _ACCOUNT_ID.fullmatch(str(a))]
        if not accounts:
            problems.append(Problem("accounts", accounts, "name at least one account"))
    return problems


def _rollout_lines(spec: RoleSpec, model: dict[str, Any], targets: str, lang: str,
                   **values: str) -> list[str]:
    """The rollout's lines: the tables above filled in, its comments in ``lang``, and the
    follow-up to run after."""
    fill = {**values, "options": model["options"], "targets": targets}

    def said(id: str, **fields: Any) -> list[str]:
        # comment() on each line: a value (the template's file name) can only be read.
        return [comment(line) for line in str(render(message(id, **fields), lang)).split("\n")]

    lines = said("rollout.head", template_file=values["template_file"])
    placed = _placed(spec, plan(spec))
    if "ConfigBucketName" in _merged(placed, "parameters"):
        lines += said("rollout.bucket_names")
    lines += said(model["comments"])
    lines += [ROLLOUT_CREATE_STACK_SET.format_map(fill), ROLLOUT_CREATE_INSTANCES.format_map(fill)]
    lines += said("rollout.watch") + [ROLLOUT_WATCH.format_map(fill)]
    follow = _not_expressible(placed)
    if follow:
        lines += said("rollout.follow_up", follow=join("; ", follow))
    return lines
