"""Issue 12: the Terraform rendering parses, equals the CloudFormation template, and carries
every value exactly.

The HCL is read with python-hcl2, which returns strings as written (quotes and escapes
kept); :func:`hcl_value` reads them as Terraform does, after the HCL native syntax
specification (escapes, ``$${`` and ``%%{``, interpolations, heredocs). Not applied:
nothing here runs Terraform.
"""

from __future__ import annotations

import json
import re

import hcl2
import pytest
import yaml
from hypothesis import given, settings
from test_security import _CfnLoader, specs, template_text

from ecsrole_lib import RoleSpec, export_cloudformation, plan
from ecsrole_lib.render.export import export_terraform, write_exports
from ecsrole_lib.render.terraform import Ref, string

ACCOUNT = "123456789012"

SPECS = [
    RoleSpec(),
    RoleSpec(features=["ecr"]),
    RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs"], config_bucket="my-bucket-1"),
    RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs"], least_privilege=True,
             config_bucket="my-bucket-1", trunking=True, tags={"team": "a b", "empty": ""}),
    RoleSpec(instance_kind="external", features=["ecr", "cloudwatch_logs"], least_privilege=True),
    RoleSpec(role_name="myRole", instance_profile_name="myProf", path="/x/$y/",
             description="desc ${x} %{y} \"q\" \\ end\n", trunking=True),
    RoleSpec(permissions_boundary="arn:aws:iam::123456789012:policy/bound", region="eu-west-1",
             features=["cloudwatch_logs", "s3_config"], log_policy_name="lp", config_bucket="bkt",
             config_key="prod/*?$x${y}.config"),
    RoleSpec(region="cn-north-1", features=["ecr", "cloudwatch_logs", "s3_config"],
             config_bucket="cn-bucket", trunking=True),
    RoleSpec(extra_policy_arns=["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
                                "arn:aws:iam::123456789012:policy/p-x"],
             features=["cloudwatch_logs"]),
    RoleSpec(features=["s3_config", "spot_draining"], config_bucket="spot-bucket"),
]


# ---------------------------------------------------------------------------------------
# Reading HCL as Terraform does.
# ---------------------------------------------------------------------------------------
_TEMPLATE = r'(?P<lit>\$\$\{|%%\{)|\$\{(?P<expr>"(?:[^"\\]|\\.)*"|[^}]*)\}|(?P<char>.)'
#: A quoted string also has backslash escapes; a heredoc has none.
_QUOTED = re.compile(r'\\u(?P<u>[0-9a-fA-F]{4})|\\U(?P<u8>[0-9a-fA-F]{8})|\\(?P<esc>["\\nrt])|'
                     + _TEMPLATE, re.DOTALL)
_HEREDOC = re.compile(_TEMPLATE, re.DOTALL)
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _interpolation(expression: str, refs: dict[str, str]) -> str:
    if expression.startswith('"'):
        return hcl_value(expression, refs)
    assert expression in refs, f"unknown reference {expression}"
    return refs[expression]


def _template(text: str, pattern: re.Pattern, refs: dict[str, str]) -> str:
    out = []
    for m in pattern.finditer(text):
        found = m.groupdict()
        if found.get("u") or found.get("u8"):
            out.append(chr(int(found.get("u") or found["u8"], 16)))
        elif found.get("esc"):
            out.append(_SIMPLE[found["esc"]])
        elif found["lit"]:
            out.append(found["lit"][1:])  # $${ is ${, %%{ is %{
        elif found["expr"] is not None:
            out.append(_interpolation(found["expr"], refs))
        else:
            out.append(found["char"])
    return "".join(out)


def hcl_value(raw, refs: dict[str, str]):
    """What Terraform makes of one value as python-hcl2 returns it."""
    if isinstance(raw, dict):
        return {hcl_value(k, refs): hcl_value(v, refs) for k, v in raw.items()
                if k != "__is_block__"}
    if isinstance(raw, list):
        return [hcl_value(v, refs) for v in raw]
    if not isinstance(raw, str):
        return raw
    if raw.startswith('"<<'):  # a heredoc: the first line opens it, the last closes it
        return _template("\n".join(raw[1:-1].split("\n")[1:-1]), _HEREDOC, refs)
    if raw.startswith('"') and raw.endswith('"'):
        return _template(raw[1:-1], _QUOTED, refs)
    if raw.startswith("${") and raw.endswith("}"):
        return _interpolation(raw[2:-1], refs)
    return raw


def _blocks(parsed: dict, kind: str) -> dict[tuple[str, ...], dict]:
    """``resource``, ``variable`` ... blocks by their (unquoted) labels."""
    found = {}
    for entry in parsed.get(kind, []):
        for label, body in entry.items():
            if kind in ("resource", "data"):
                for name, inner in body.items():
                    found[(label.strip('"'), name.strip('"'))] = inner
            else:
                found[(label.strip('"'),)] = body
    return found


def terraform_model(spec: RoleSpec) -> dict:
    """The Terraform rendering, every reference filled in as AWS would fill it."""
    parsed = hcl2.loads(export_terraform(spec))
    variables = {f"var.{name}": hcl_value(body["default"], {})
                 for (name,), body in _blocks(parsed, "variable").items()}
    refs = {**variables,
            "data.aws_partition.current.partition": spec.partition,
            "data.aws_caller_identity.current.account_id": ACCOUNT,
            "aws_iam_role.container_instance_role.name": variables["var.role_name"],
            "aws_s3_bucket.config.id": variables.get("var.config_bucket", ""),
            "var.trunking_account_default ? 1 : 0": "0"}
    if "var.logs_policy_name" in variables:
        refs["aws_iam_policy.cloudwatch_logs.arn"] = (
            f"arn:{spec.partition}:iam::{ACCOUNT}:policy{spec.path}"
            f"{variables['var.logs_policy_name']}")
    resources = {key: hcl_value(body, refs) for key, body in _blocks(parsed, "resource").items()}
    by_type: dict[str, list[dict]] = {}
    for (kind, _), body in resources.items():
        by_type.setdefault(kind, []).append(body)
    model: dict = {}
    (role,) = by_type.pop("aws_iam_role")
    model["role"] = {
        "name": role["name"], "path": role["path"], "description": role.get("description"),
        "trust": json.loads(role["assume_role_policy"]),
        "boundary": role.get("permissions_boundary"), "tags": role["tags"],
        "managed": [a["policy_arn"] for a in by_type.pop("aws_iam_role_policy_attachment", [])],
        "inline": {p["name"]: json.loads(p["policy"])
                   for p in by_type.pop("aws_iam_role_policy", [])}}
    for attachment_or_inline in resources.values():
        if "role" in attachment_or_inline and "policy_arn" in attachment_or_inline:
            assert attachment_or_inline["role"] == role["name"]
    if "aws_iam_instance_profile" in by_type:
        (profile,) = by_type.pop("aws_iam_instance_profile")
        model["instance_profile"] = {"name": profile["name"], "path": profile["path"],
                                     "roles": [profile["role"]]}
    if "aws_iam_policy" in by_type:
        (logs,) = by_type.pop("aws_iam_policy")
        model["logs_policy"] = {"name": logs["name"], "path": logs["path"],
                                "document": json.loads(logs["policy"])}
    if "aws_s3_bucket" in by_type:
        (bucket,) = by_type.pop("aws_s3_bucket")
        (block,) = by_type.pop("aws_s3_bucket_public_access_block")
        assert block.pop("bucket") == bucket["bucket"]
        model["bucket"] = {"name": bucket["bucket"], "tags": bucket["tags"],
                           "public_access_block": block}
    model["left"] = sorted(by_type)  # only what CloudFormation leaves to its follow-up
    return model


def _cfn(value, refs: dict[str, str]):
    if isinstance(value, dict):
        return {k: _cfn(v, refs) for k, v in value.items()}
    if isinstance(value, list):
        return [_cfn(v, refs) for v in value]
    if isinstance(value, tuple) and value[0] == "Ref":
        return refs[value[1]]
    if isinstance(value, tuple) and value[0] == "GetAtt":
        raise AssertionError(value)
    return template_text(value, **refs)


def cloudformation_model(spec: RoleSpec) -> dict:
    """The CloudFormation template, every reference filled in as CloudFormation would."""
    template = yaml.load(export_cloudformation(spec), Loader=_CfnLoader)
    params = {name: p["Default"] for name, p in template["Parameters"].items()}
    refs = {**params, "AWS::Partition": spec.partition, "AWS::AccountId": ACCOUNT,
            "AWS::Region": spec.region, "ConfigBucket": params.get("ConfigBucketName", ""),
            "ContainerInstanceRole": params["RoleName"]}
    if "LogsPolicyName" in params:
        refs["CloudWatchLogsPolicy"] = (f"arn:{spec.partition}:iam::{ACCOUNT}:policy"
                                        f"{spec.path}{params['LogsPolicyName']}")
    by_type = {}
    for resource in template["Resources"].values():
        by_type[resource["Type"]] = _cfn(resource["Properties"], refs)
    role = by_type.pop("AWS::IAM::Role")
    model: dict = {"role": {
        "name": role["RoleName"], "path": role["Path"], "description": role.get("Description"),
        "trust": role["AssumeRolePolicyDocument"], "boundary": role.get("PermissionsBoundary"),
        "tags": {t["Key"]: t["Value"] for t in role["Tags"]}, "managed": role["ManagedPolicyArns"],
        "inline": {p["PolicyName"]: p["PolicyDocument"] for p in role.get("Policies", [])}}}
    if "AWS::IAM::InstanceProfile" in by_type:
        profile = by_type.pop("AWS::IAM::InstanceProfile")
        model["instance_profile"] = {"name": profile["InstanceProfileName"],
                                     "path": profile["Path"], "roles": profile["Roles"]}
    if "AWS::IAM::ManagedPolicy" in by_type:
        logs = by_type.pop("AWS::IAM::ManagedPolicy")
        model["logs_policy"] = {"name": logs["ManagedPolicyName"], "path": logs["Path"],
                                "document": logs["PolicyDocument"]}
    if "AWS::S3::Bucket" in by_type:
        bucket = by_type.pop("AWS::S3::Bucket")
        block = bucket["PublicAccessBlockConfiguration"]
        model["bucket"] = {"name": bucket["BucketName"],
                           "tags": {t["Key"]: t["Value"] for t in bucket["Tags"]},
                           "public_access_block": {
                               re.sub(r"(?<!^)(?=[A-Z])", "_", k).lower(): v
                               for k, v in block.items()}}
    assert not by_type, by_type
    # What the template leaves to its follow-up and Terraform makes as resources.
    follow_up = {s.id for s in plan(spec)} & {"upload_ecs_config", "enable_awsvpc_trunking"}
    model["left"] = sorted({"upload_ecs_config": "aws_s3_object",
                            "enable_awsvpc_trunking": "aws_ecs_account_setting_default"}[s]
                           for s in follow_up)
    return model


# ---------------------------------------------------------------------------------------
# The tests.
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("spec", SPECS, ids=range(len(SPECS)))
def test_terraform_equals_the_cloudformation_template(spec):
    assert terraform_model(spec) == cloudformation_model(spec)


@pytest.mark.parametrize("spec", SPECS, ids=range(len(SPECS)))
def test_every_plan_step_is_accounted_for_once(spec):
    text = export_terraform(spec)
    for step in plan(spec):
        assert text.count(f"# Plan step {step.id}:") == 1, step.id


def test_the_documented_policies_arrive_as_the_page_has_them():
    spec = RoleSpec(features=["cloudwatch_logs"])
    model = terraform_model(spec)
    assert model["role"]["trust"]["Statement"] == [{
        "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
        "Action": "sts:AssumeRole"}]
    assert model["role"]["managed"] == [
        "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
        f"arn:aws:iam::{ACCOUNT}:policy/cwlogspolicy"]
    assert model["logs_policy"]["document"]["Statement"][0]["Resource"] == ["arn:aws:logs:*:*:*"]
    assert model["role"]["tags"] == {"created-by": "ecsrole-guide"}


def test_trunking_is_a_follow_up_and_the_account_default_is_off():
    parsed = hcl2.loads(export_terraform(RoleSpec(trunking=True)))
    variables = _blocks(parsed, "variable")
    assert hcl_value(variables[("trunking_account_default",)]["default"], {}) is False
    (setting,) = [body for (kind, _), body in _blocks(parsed, "resource").items()
                  if kind == "aws_ecs_account_setting_default"]
    assert setting["count"] == "${var.trunking_account_default ? 1 : 0}"
    (follow_up,) = [o for o in parsed["output"] if '"follow_up"' in o]
    command = follow_up['"follow_up"']["value"][0]
    assert "put-account-setting" in command and "--principal-arn '" in command
    assert "awsvpcTrunking for the role's principal" in export_terraform(
        RoleSpec(trunking=True)).split("terraform {")[0]


def test_a_dollar_before_an_interpolation_stays_a_dollar():
    assert hcl_value(string("a$", Ref("var.x"), "%"), {"var.x": "X"}) == "a$X%"
    assert hcl_value(string("$${", "%{"), {}) == "$${%{"
    assert hcl_value(string("a$", "{b}", "%", "{c}"), {}) == "a${b}%{c}"


@settings(max_examples=60, deadline=None)
@given(spec=specs())
def test_terraform_carries_every_value_exactly(spec):
    model = terraform_model(spec)
    role = model["role"]
    assert role["description"] == spec.description
    assert role["path"] == spec.path
    assert role["tags"] == {**spec.tags, "created-by": "ecsrole-guide"}
    assert model["bucket"]["tags"] == {**spec.tags, "created-by": "ecsrole-guide"}
    parsed = hcl2.loads(export_terraform(spec))
    (ecs_config,) = [b for (kind, _), b in _blocks(parsed, "resource").items()
                     if kind == "aws_s3_object"]
    assert hcl_value(ecs_config["key"], {}) == spec.config_key
    if spec.least_privilege:
        (document,) = role["inline"].values()
        assert document == plan(spec)["put_s3_config_policy"].action.document
    assert model == cloudformation_model(spec)


def test_write_exports_writes_the_terraform_file(tmp_path):
    written = write_exports(RoleSpec(features=["ecr"]), tmp_path)
    assert written["terraform"] == tmp_path / "ecsrole-role.tf"
    hcl2.loads(written["terraform"].read_text(encoding="utf-8"))
