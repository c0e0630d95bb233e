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
from dataclasses import dataclass
from typing import Any

import yaml

from .. import policies
from ..errors import Problem, ValidationError
from ..plan import Plan, plan
from ..shell import ShellVar, Word, comment, heredoc, json_value, option, quote
from ..spec import OWNER_TAG, RoleSpec
from ..steps import S3_INLINE_NAME, Step
from ..userdata import user_data_parts
from .base import Renderer, check_spec

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
    role's ``ManagedPolicyArns`` and ``Policies``.
    """

    kind: str
    where: str
    resource: str | None = None
    managed: Any = None
    inline: dict[str, Any] | None = None


def _made(resource: str, **role_parts: Any) -> Placement:
    return Placement("resource", RESOURCES[resource], RESOURCES[resource], **role_parts)


class CloudFormationPlacement(Renderer):
    """Each plan step as the template holds it (:class:`Placement`)."""

    def __init__(self, spec: RoleSpec):
        self.spec = spec

    def create_role(self, step: Step) -> Placement:
        return _made("role")

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
        return _made("instance_profile")

    add_role_to_instance_profile = create_instance_profile

    def wait_instance_profile(self, step: Step) -> Placement:
        return Placement("covered", "CloudFormation waits until the instance profile exists "
                         "before CREATE_COMPLETE", RESOURCES["instance_profile"])

    def create_logs_policy(self, step: Step) -> Placement:
        return _made("logs_policy")

    def find_logs_policy(self, step: Step) -> Placement:
        return Placement("covered", f"!Ref {RESOURCES['logs_policy']} is the policy's ARN; no "
                         "lookup by name (erratum E4)", RESOURCES["logs_policy"])

    def create_config_bucket(self, step: Step) -> Placement:
        return _made("bucket")

    def upload_ecs_config(self, step: Step) -> Placement:
        return Placement("follow-up", "CloudFormation creates no S3 objects: upload ecs.config "
                         "after the stack (cloudformation_follow_up)")

    def enable_trunking(self, step: Step) -> Placement:
        return Placement("follow-up", "no resource type sets an ECS account setting for one "
                         "principal: aws ecs put-account-setting after the stack")

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
    entry = {"Step": step.id, "Title": step.title(), "PageRef": step.page_ref}
    if step.errata:
        entry["Errata"] = list(step.errata)
    return entry


# ---------------------------------------------------------------------------------------
# The template.
# ---------------------------------------------------------------------------------------
def _tags(spec: RoleSpec) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in spec.tags.items()] + [
        {"Key": OWNER_TAG[0], "Value": OWNER_TAG[1]}]


def _not_expressible(spec: RoleSpec) -> list[str]:
    items = []
    if spec.trunking:
        items.append("awsvpcTrunking for the role's principal (aws ecs put-account-setting)")
    if "s3_config" in spec.features:
        # Not the key itself: the template's Description cannot carry a value exactly.
        items.append("uploading ecs.config to the bucket under the spec's config_key "
                     "(aws s3api put-object)")
    if spec.instance_kind == "ec2":
        items.append("tags on the instance profile (aws iam tag-instance-profile)")
    if "cloudwatch_logs" in spec.features:
        items.append("tags on the logs policy (aws iam tag-policy)")
    return items


def _description(spec: RoleSpec) -> str:
    features = ", ".join(spec.features) or "no extra features"
    text = (f"Amazon ECS container instance IAM role {spec.role_name} ({spec.instance_kind}; "
            f"{features}{'; least privilege' if spec.least_privilege else ''}), as the AWS "
            "documentation creates it; made by ecsrole-guide from its plan. IAM is global: deploy "
            "one stack per account (StackSets: one Region per account).")
    missing = _not_expressible(spec)
    if missing:
        text += (" Not expressible in CloudFormation, done by the follow-up commands in "
                 f"Metadata: {'; '.join(missing)}.")
    if len(text.encode()) > DESCRIPTION_QUOTA:  # long role names: keep the essential part
        text = text.encode()[:DESCRIPTION_QUOTA - 3].decode(errors="ignore") + "..."
    return text


def _parameters(spec: RoleSpec) -> dict[str, Any]:
    params: dict[str, Any] = {
        "RoleName": {
            "Type": "String", "Default": spec.role_name, "MinLength": 1, "MaxLength": 64,
            "AllowedPattern": _IAM_NAME_PATTERN,
            "Description": "The container instance role (console step 8: Role name)."},
    }
    if spec.instance_kind == "ec2":
        params["InstanceProfileName"] = {
            "Type": "String", "Default": spec.instance_profile_name, "MinLength": 1,
            "MaxLength": 128, "AllowedPattern": _IAM_NAME_PATTERN,
            "Description": "The instance profile that hands the role to Amazon EC2 (CLI step 3)."}
    if "cloudwatch_logs" in spec.features:
        params["LogsPolicyName"] = {
            "Type": "String", "Default": spec.log_policy_name, "MinLength": 1, "MaxLength": 128,
            "AllowedPattern": _IAM_NAME_PATTERN,
            "Description": "The customer managed CloudWatch Logs policy (CLI step 2: "
                           "create-policy --policy-name)."}
    if "s3_config" in spec.features:
        params["ConfigBucketName"] = {
            "Type": "String", "Default": spec.config_bucket, "MinLength": 3, "MaxLength": 63,
            "AllowedPattern": _BUCKET_PATTERN,
            "Description": "The private bucket for ecs.config. Bucket names are global: with "
                           "StackSets, override it for each account."}
    return params


def _steps_of(placed: list[tuple[Step, Placement]], resource: str) -> list[dict[str, Any]]:
    """The metadata entries of the steps that ``resource`` (a key of ``RESOURCES``) makes."""
    return [_step_entry(step) for step, where in placed if where.resource == RESOURCES[resource]]


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
            "Metadata": {METADATA_KEY: {"Steps": _steps_of(placed, "role")}},
            "Properties": props}


def _resources(spec: RoleSpec, placed: list[tuple[Step, Placement]]) -> dict[str, Any]:
    partition = spec.partition
    resources: dict[str, Any] = {RESOURCES["role"]: _role(spec, placed, partition)}

    if spec.instance_kind == "ec2":
        resources[RESOURCES["instance_profile"]] = {
            "Type": "AWS::IAM::InstanceProfile",
            "Metadata": {METADATA_KEY: {"Steps": _steps_of(placed, "instance_profile")}},
            "Properties": {"InstanceProfileName": Ref("InstanceProfileName"),
                           "Path": _text(spec.path),
                           "Roles": [Ref(RESOURCES["role"])]}}
    if "cloudwatch_logs" in spec.features:
        document = policies.logs_policy(spec.least_privilege, _PARTITION, _REGION, _ACCOUNT)
        resources[RESOURCES["logs_policy"]] = {
            "Type": "AWS::IAM::ManagedPolicy",
            "Metadata": {METADATA_KEY: {"Steps": _steps_of(placed, "logs_policy")}},
            "Properties": {"ManagedPolicyName": Ref("LogsPolicyName"), "Path": _text(spec.path),
                           "PolicyDocument": _value(document)}}
    if "s3_config" in spec.features:
        resources[RESOURCES["bucket"]] = {
            "Type": "AWS::S3::Bucket",
            # It will hold ecs.config, and CloudFormation cannot delete a bucket with objects.
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Metadata": {METADATA_KEY: {"Steps": _steps_of(placed, "bucket")}},
            "Properties": {
                "BucketName": Ref("ConfigBucketName"),
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True, "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
                "Tags": _tags(spec)}}
    return resources


def _outputs(spec: RoleSpec) -> dict[str, Any]:
    role = RESOURCES["role"]
    outputs: dict[str, Any] = {
        "RoleArn": {"Description": "The container instance role", "Value": GetAtt(role, "Arn")},
        "RoleName": {"Description": "Its name", "Value": Ref(role)},
    }
    if spec.instance_kind == "ec2":
        profile = RESOURCES["instance_profile"]
        outputs["InstanceProfileArn"] = {
            "Description": "The instance profile to launch container instances with",
            "Value": GetAtt(profile, "Arn")}
        outputs["InstanceProfileName"] = {"Description": "Its name", "Value": Ref(profile)}
    if "cloudwatch_logs" in spec.features:
        outputs["LogsPolicyArn"] = {"Description": "The CloudWatch Logs policy (the ARN the page "
                                                   "looks up in CLI step 3)",
                                    "Value": Ref(RESOURCES["logs_policy"])}
    if "s3_config" in spec.features:
        outputs["ConfigBucketName"] = {"Description": "The private bucket for ecs.config",
                                       "Value": Ref(RESOURCES["bucket"])}
        outputs["ConfigBucketArn"] = {"Description": "Its ARN",
                                      "Value": GetAtt(RESOURCES["bucket"], "Arn")}
    return outputs


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
        "Description": _description(spec),
        "Metadata": metadata,
        "Parameters": _parameters(spec),
        "Resources": _resources(spec, placed),
        "Outputs": _outputs(spec),
    }



def export_cloudformation(spec: RoleSpec, the_plan: Plan | None = None) -> str:
    """A CloudFormation template (YAML) of ``spec``'s plan.

    Deploy it with ``CAPABILITY_NAMED_IAM`` (it names its IAM resources), in
    one Region per account: IAM is global. What it cannot express is listed in
    its ``Description`` and done by :func:`cloudformation_follow_up`.

    Parameters
    ----------
    spec
        The user's choices; invalid specs never get here (``RoleSpec`` raises).
    the_plan
        The plan to export; ``plan(spec)`` by default.
    """
    spec = check_spec(spec)
    return dump(_template(spec, the_plan or plan(spec)))


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


#: The follow-up script's own variables.
_VARS = {name: ShellVar(name) for name in (
    "ACCOUNT_ID", "PARTITION", "ROLE_NAME", "INSTANCE_PROFILE_NAME", "LOGS_POLICY_NAME",
    "CONFIG_BUCKET")}


def _follow_ups(spec: RoleSpec, the_plan: Plan) -> list[FollowUp]:
    v = _VARS
    tags = quote(json_value([{"Key": k, "Value": val} for k, val in
                             list(spec.tags.items()) + [OWNER_TAG]]))
    items = []
    if spec.instance_kind == "ec2":
        items.append(FollowUp(
            "tag_instance_profile", "Tags on the instance profile (AWS::IAM::InstanceProfile "
            "has no Tags property)",
            "aws iam tag-instance-profile --instance-profile-name "
            f"{quote(v['INSTANCE_PROFILE_NAME'])} --tags {tags}"))
    if "cloudwatch_logs" in spec.features:
        arn = Word("arn:", v["PARTITION"], ":iam::", v["ACCOUNT_ID"], f":policy{spec.path}",
                   v["LOGS_POLICY_NAME"])
        items.append(FollowUp(
            "tag_logs_policy", "Tags on the logs policy (AWS::IAM::ManagedPolicy has no Tags "
            "property)",
            f"aws iam tag-policy --policy-arn {arn.render()} --tags {tags}"))
    follow_up = CloudFormationFollowUp(spec, the_plan.lang)
    items += [item for item in map(follow_up.render, the_plan) if item is not None]
    return items


class CloudFormationFollowUp(Renderer):
    """The follow-up command of each step the template cannot express; None for the rest."""

    def __init__(self, spec: RoleSpec, lang: str = "en"):
        self.spec, self.lang = spec, lang

    def _title(self, step: Step) -> str:
        return f"{step.id}: {step.title(self.lang)} ({step.page_ref})"

    def _in_template(self, step: Step) -> None:
        return None

    # In the template (CloudFormationPlacement): nothing to follow up.
    create_role = create_instance_profile = add_role_to_instance_profile = _in_template
    wait_instance_profile = attach_policy = check_managed_policy = inline_policy = _in_template
    create_config_bucket = create_logs_policy = find_logs_policy = _in_template

    def upload_ecs_config(self, step: Step) -> FollowUp:
        spec, v = self.spec, _VARS
        files = tuple(
            (name, user_data_parts(spec, v["CONFIG_BUCKET"]) if name == "user-data.sh" else text)
            for name, text in step.files.items())
        bucket, key = quote(v["CONFIG_BUCKET"]), option("key", spec.config_key)
        return FollowUp(
            step.id, self._title(step),
            f"aws s3api put-object --bucket {bucket} {key} --body ecs.config "
            f"--tagging {OWNER_TAG[0]}={OWNER_TAG[1]}",
            f"! aws s3api head-object --bucket {bucket} {key} >/dev/null 2>&1",
            files)

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
    if spec.instance_kind == "ec2":
        lines.append(_default("INSTANCE_PROFILE_NAME", spec.instance_profile_name))
    if "cloudwatch_logs" in spec.features:
        lines.append(_default("LOGS_POLICY_NAME", spec.log_policy_name))
    if "s3_config" in spec.features:
        lines.append(_default("CONFIG_BUCKET", spec.config_bucket))
    for item in _follow_ups(spec, the_plan):
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


def rollout_commands(spec: RoleSpec, stack_set_name: str | None = None,
                     accounts: list[str] | tuple[str, ...] | None = None,
                     regions: list[str] | tuple[str, ...] | None = None,
                     organization: bool = False,
                     organizational_unit_ids: list[str] | tuple[str, ...] | None = None,
                     template_file: str = "ecsrole-role.cfn.yaml") -> str:
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
    if organization:
        problems += [Problem("organizational_unit_ids", ou, "must be an OU id (ou-xxxx-xxxxxxxx) "
                             "or a root id (r-xxxx)") for ou in ous if not _OU_ID.fullmatch(str(ou))]
        if not ous:
            problems.append(Problem("organizational_unit_ids", ous, "name at least one OU"))
    else:
        problems += [Problem("accounts", a, "must be a 12-digit AWS account id")
                     for a in accounts if not _ACCOUNT_ID.fullmatch(str(a))]
        if not accounts:
            problems.append(Problem("accounts", accounts, "name at least one account"))
    if problems:
        raise ValidationError(problems)

    name = quote(stack_set_name)
    region = quote(regions[0])
    body = f"file://{template_file}"
    lines = [
        "# Roll the container instance role out with CloudFormation StackSets.",
        f"# The template: {template_file} (export_cloudformation). It names IAM resources, hence",
        "# CAPABILITY_NAMED_IAM. IAM is global: one Region per account, or the second stack",
        "# instance in an account fails on the names the first one created.",
    ]
    if "s3_config" in spec.features:
        lines += ["# S3 bucket names are global: give each account its own ConfigBucketName",
                  "# (create-stack-instances --parameter-overrides, one call per account)."]
    if organization:
        lines += [
            "# Service-managed: run in the organization's management account (or a delegated",
            "# administrator, adding --call-as DELEGATED_ADMIN) with trusted access for",
            "# StackSets enabled. New accounts in the OUs get the role automatically; the",
            "# management account itself is never a target.",
            (f"aws cloudformation create-stack-set \\\n    --stack-set-name {name} \\\n"
            f"    --template-body {body} \\\n    --capabilities CAPABILITY_NAMED_IAM \\\n"
            "    --permission-model SERVICE_MANAGED \\\n"
            "    --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false \\\n"
            f"    --region {region}"),
            (f"aws cloudformation create-stack-instances \\\n    --stack-set-name {name} \\\n"
            f"    --deployment-targets OrganizationalUnitIds={','.join(ous)} \\\n"
            f"    --regions {region}"),
        ]
    else:
        lines += [
            "# Self-managed: the administrator account needs AWSCloudFormationStackSetAdministrationRole,",
            "# each target account AWSCloudFormationStackSetExecutionRole trusting it.",
            (f"aws cloudformation create-stack-set \\\n    --stack-set-name {name} \\\n"
            f"    --template-body {body} \\\n    --capabilities CAPABILITY_NAMED_IAM \\\n"
            f"    --region {region}"),
            (f"aws cloudformation create-stack-instances \\\n    --stack-set-name {name} \\\n"
            f"    --accounts {' '.join(accounts)} \\\n    --regions {region}"),
        ]
    lines += [
        "# Watch the operation; every instance should reach CURRENT:",
        f"aws cloudformation list-stack-instances --stack-set-name {name} --region {region}",
    ]
    follow = _not_expressible(spec)
    if follow:
        # comment(): the list names the config_key, which may hold a line break.
        lines.append(comment("Then, in each account, run the follow-up script "
                             "(cloudformation_follow_up) for what CloudFormation cannot "
                             f"express: {'; '.join(follow)}."))
    return "\n".join(lines)
