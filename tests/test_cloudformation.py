"""export_cloudformation(spec): the plan as a CloudFormation template, linted and deployed.

The template is deployed with moto's CloudFormation on the moto server and the state it
leaves is compared with the state ``apply`` leaves (test_export.snapshot). Where moto's
CloudFormation falls short of AWS, the part is checked from the parsed template instead
(resolved as CloudFormation resolves it); each such place says so. The follow-up script
(what CloudFormation cannot express) runs with the real ``aws`` executable.
"""

from __future__ import annotations

import copy
import re

import boto3
import pytest
import yaml
from cfnlint.api import ManualArgs, lint
from test_export import COMBOS, applied_state, reset, run_script, snapshot

from ecsrole_lib import RoleSpec, ValidationError, export_cloudformation, plan
from ecsrole_lib.render.cloudformation import cloudformation_follow_up, rollout_commands
from ecsrole_lib.render.export import write_exports

ACCOUNT = "123456789012"  # moto's account
#: Combinations whose follow-up script also runs (tags, upload, trunking: all it does).
FOLLOW_UP = {"ec2-all-broad-trunking"}


# ---------------------------------------------------------------------------------------
# Reading a template as CloudFormation does
# ---------------------------------------------------------------------------------------
class CfnLoader(yaml.SafeLoader):
    """yaml.safe_load plus CloudFormation's short tags (!Ref, !Sub, !GetAtt ...)."""


def _short_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        return {"Fn::GetAtt": value.split(".", 1)}
    return {f"Fn::{suffix}": value}


CfnLoader.add_multi_constructor("!", _short_tag)


def load(template: str) -> dict:
    return yaml.load(template, Loader=CfnLoader)  # a SafeLoader that knows the short tags


def resolve(value, names: dict[str, str]):
    """``value`` with Ref and Fn::Sub resolved against ``names`` (parameters, pseudo
    parameters and the physical ids of resources)."""
    if isinstance(value, list):
        return [resolve(v, names) for v in value]
    if isinstance(value, dict):
        if set(value) == {"Ref"}:
            return names[value["Ref"]]
        if set(value) == {"Fn::Sub"}:
            def variable(match):
                inner = match.group(1)
                return "${" + inner[1:] + "}" if inner.startswith("!") else names[inner]
            return re.sub(r"\$\{([^}]*)\}", variable, value["Fn::Sub"])
        return {k: resolve(v, names) for k, v in value.items()}
    return value


def names_for(template: dict, spec: RoleSpec, partition: str = "aws",
              account: str = ACCOUNT) -> dict[str, str]:
    """What Ref and ${...} stand for in a stack of ``template`` with default parameters."""
    names = {"AWS::Partition": partition, "AWS::AccountId": account, "AWS::Region": spec.region}
    names.update({k: p["Default"] for k, p in template["Parameters"].items()})
    # Physical ids: Ref of a role, profile or bucket is its name; of a managed policy, its ARN.
    names["ContainerInstanceRole"] = names["RoleName"]
    names["ContainerInstanceProfile"] = names.get("InstanceProfileName")
    names["ConfigBucket"] = names.get("ConfigBucketName")
    if "LogsPolicyName" in names:
        names["CloudWatchLogsPolicy"] = (f"arn:{partition}:iam::{account}:policy{spec.path}"
                                         f"{names['LogsPolicyName']}")
    return names


def role_properties(template: dict) -> dict:
    return template["Resources"]["ContainerInstanceRole"]["Properties"]


# ---------------------------------------------------------------------------------------
# cfn-lint
# ---------------------------------------------------------------------------------------
EXTRA_LINTED = {  # cheap to lint: more shapes than the deployed set
    "china": {"region": "cn-north-1", "features": ["cloudwatch_logs", "s3_config"],
              "config_bucket": "ecsrole-cfg-cn", "least_privilege": True},
    "govcloud-external": {"instance_kind": "external", "region": "us-gov-west-1",
                          "features": ["ecr", "cloudwatch_logs"]},
    "ec2-everything-named": {"role_name": "ecs.Instance+Role@x", "path": "/a/b/",
                             "features": ["ecr", "s3_config", "cloudwatch_logs"],
                             "config_bucket": "a.b-c", "config_key": "x/${not-a-variable}.conf",
                             "least_privilege": True, "trunking": True,
                             "description": "Long " * 40,
                             "permissions_boundary": "arn:aws:iam::111122223333:policy/boundary",
                             "extra_policy_arns": ["arn:aws:iam::111122223333:policy/p/extra"]},
}


@pytest.mark.parametrize("name", list(COMBOS) + list(EXTRA_LINTED))
def test_template_passes_cfn_lint_without_errors_or_warnings(name):
    spec = RoleSpec(**{**COMBOS, **EXTRA_LINTED}[name])
    template = export_cloudformation(spec)
    matches = lint(template, config=ManualArgs(regions=[spec.region]))
    assert [(m.rule.id, m.message, m.linenumber) for m in matches] == []


def test_cfn_lint_executable_passes_the_written_template(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    written = write_exports(RoleSpec(**COMBOS["ec2-all-broad-trunking"]), tmp_path)
    cfn_lint = Path(sys.executable).parent / "cfn-lint"
    done = subprocess.run([str(cfn_lint), str(written["template"])], capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


# ---------------------------------------------------------------------------------------
# Deployed with moto's CloudFormation: the state apply leaves
# ---------------------------------------------------------------------------------------
def _without_moto_gaps(state: dict, follow_up_ran: bool) -> dict:
    """``state`` without what moto's CloudFormation cannot show (checked from the template
    instead) and, before the follow-up, without what only the follow-up does."""
    state = copy.deepcopy(state)
    for role in state["roles"].values():
        role.pop("Attached")  # moto ignores ManagedPolicyArns
        role["Inline"] = sorted(role["Inline"])  # moto stores Policies' documents as repr()
        role["Description"] = role["Description"] or None  # moto gives "" for none at all
    for policy in state["customer_policies"].values():
        policy.pop("AttachmentCount")  # follows from the ignored ManagedPolicyArns
    for bucket in state["buckets"].values():
        bucket.pop("PublicAccessBlock")  # moto ignores PublicAccessBlockConfiguration
    if not follow_up_ran:
        for profile in state["instance_profiles"].values():
            profile.pop("Tags")
        for policy in state["customer_policies"].values():
            policy.pop("Tags")
        for bucket in state["buckets"].values():
            bucket.pop("Objects")
        state.pop("awsvpcTrunking")
    return state


@pytest.mark.parametrize("name", list(COMBOS))
def test_template_deployed_gives_what_apply_gives(name, endpoint, session, cli_env, tmp_path):
    spec = RoleSpec(**COMBOS[name])
    by_apply = applied_state(name, endpoint, session)
    text = export_cloudformation(spec)
    cloudformation = session.client("cloudformation", region_name=spec.region)
    cloudformation.create_stack(StackName="ecsrole", TemplateBody=text,
                                Capabilities=["CAPABILITY_NAMED_IAM"])
    stack = cloudformation.describe_stacks(StackName="ecsrole")["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    role = by_apply["roles"][spec.role_name]
    assert outputs["RoleArn"] == role["Arn"]
    if spec.instance_kind == "ec2":
        assert outputs["InstanceProfileArn"] == by_apply["instance_profiles"][
            spec.instance_profile_name]["Arn"]
    if "cloudwatch_logs" in spec.features:
        assert outputs["LogsPolicyArn"] == by_apply["customer_policies"][spec.log_policy_name]["Arn"]
    if "s3_config" in spec.features:
        assert outputs["ConfigBucketName"] == spec.config_bucket

    follow_up = name in FOLLOW_UP
    if follow_up:
        script = tmp_path / "ecsrole-cfn-follow-up.sh"
        script.write_text(cloudformation_follow_up(spec))
        first = run_script(script, cli_env)
        assert first.returncode == 0, first.stderr
    by_stack = snapshot(session, spec.region)
    assert _without_moto_gaps(by_stack, follow_up) == _without_moto_gaps(by_apply, follow_up)

    # Where moto's CloudFormation falls short of AWS, the parsed template, resolved as
    # CloudFormation resolves it, must give what apply gives.
    template = load(text)
    names = names_for(template, spec)
    properties = role_properties(template)
    # moto ignores ManagedPolicyArns (the deployed role holds no managed policy) ...
    assert by_stack["roles"][spec.role_name]["Attached"] == []
    assert sorted(resolve(properties["ManagedPolicyArns"], names)) == role["Attached"]
    # ... and stores inline Policies' documents as Python repr() strings.
    inline = {p["PolicyName"]: resolve(p["PolicyDocument"], names)
              for p in properties.get("Policies", [])}
    assert inline == role["Inline"]
    # moto ignores the bucket's PublicAccessBlockConfiguration.
    for bucket, state in by_apply["buckets"].items():
        block = template["Resources"]["ConfigBucket"]["Properties"][
            "PublicAccessBlockConfiguration"]
        assert names["ConfigBucketName"] == bucket and block == state["PublicAccessBlock"]

    if follow_up:  # a second run of the follow-up changes nothing
        second = run_script(script, cli_env)
        assert second.returncode == 0, second.stderr
        assert snapshot(session, spec.region) == by_stack
        guarded = [s.id for s in plan(spec) if s.id in ("upload_ecs_config",
                                                        "enable_awsvpc_trunking")]
        assert [line for line in second.stdout.splitlines() if "already done" in line] == [
            f"{step}: already done" for step in guarded]


# ---------------------------------------------------------------------------------------
# What the template says
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(COMBOS))
def test_metadata_accounts_for_every_plan_step_and_description_for_the_rest(name):
    spec = RoleSpec(**COMBOS[name])
    template = load(export_cloudformation(spec))
    placed = template["Metadata"]["ecsrole-guide"]["Steps"]
    the_plan = plan(spec)
    assert [p["Step"] for p in placed] == the_plan.ids
    for entry, step in zip(placed, the_plan):
        assert entry["PageRef"] == step.page_ref
        assert len({"Resource", "Covered", "FollowUp"} & set(entry)) == 1
        if "Resource" in entry:  # the resource names the step in its own Metadata
            resource = template["Resources"][entry["Resource"]]
            assert step.id in [s["Step"] for s in resource["Metadata"]["ecsrole-guide"]["Steps"]]
    follow_ups = {p["Step"] for p in placed if "FollowUp" in p}
    description = template["Description"]
    assert len(description.encode()) <= 1024
    assert ("enable_awsvpc_trunking" in follow_ups) == spec.trunking == (
        "awsvpcTrunking" in description)
    assert ("upload_ecs_config" in follow_ups) == ("s3_config" in spec.features) == (
        "uploading ecs.config to the bucket under the spec's config_key" in description)
    # Everything the page's role needs is a resource: role, profile (ec2), logs policy, bucket.
    types = sorted(r["Type"] for r in template["Resources"].values())
    expected = ["AWS::IAM::Role"] + (["AWS::IAM::InstanceProfile"]
                                     if spec.instance_kind == "ec2" else [])
    expected += ["AWS::IAM::ManagedPolicy"] if "cloudwatch_logs" in spec.features else []
    expected += ["AWS::S3::Bucket"] if "s3_config" in spec.features else []
    assert types == sorted(expected)


def test_every_arn_is_in_the_stacks_partition_and_names_are_parameters():
    spec = RoleSpec(**EXTRA_LINTED["ec2-everything-named"])
    text = export_cloudformation(spec)
    assert not re.search(r"arn:aws(-[a-z]+)*:", text)  # no partition written out
    template = load(text)
    assert {k: p["Default"] for k, p in template["Parameters"].items()} == {
        "RoleName": spec.role_name, "InstanceProfileName": spec.instance_profile_name,
        "LogsPolicyName": spec.log_policy_name, "ConfigBucketName": spec.config_bucket}
    properties = role_properties(template)
    china = names_for(template, spec, partition="aws-cn", account="210987654321")
    assert resolve(properties["ManagedPolicyArns"], china) == [
        "arn:aws-cn:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
        "arn:aws-cn:iam::210987654321:policy/a/b/cwlogspolicy",
        "arn:aws-cn:iam::111122223333:policy/p/extra"]
    assert resolve(properties["PermissionsBoundary"], china) == \
        "arn:aws-cn:iam::111122223333:policy/boundary"
    # A '${' in the S3 key is the key's: neither a CloudFormation variable nor an IAM policy
    # variable (IAM's ${$} stands for a literal '$', issue 9).
    document = resolve(properties["Policies"][0]["PolicyDocument"], china)
    assert document["Statement"][0]["Resource"] == \
        "arn:aws-cn:s3:::a.b-c/x/${$}{not-a-variable}.conf"
    assert {"Key": "created-by", "Value": "ecsrole-guide"} in properties["Tags"]
    assert properties["Path"] == "/a/b/" and properties["Description"] == spec.description


def test_bad_specs_never_reach_the_template():
    with pytest.raises(ValidationError):
        RoleSpec(features=["s3_config"], config_bucket="Not_A_Bucket")
    for export in (export_cloudformation, cloudformation_follow_up, rollout_commands):
        with pytest.raises(TypeError):
            export({"role_name": "ecsInstanceRole"})


# ---------------------------------------------------------------------------------------
# The rollout recipe (StackSets)
# ---------------------------------------------------------------------------------------
def test_rollout_recipe_self_managed_and_organisation_wide():
    spec = RoleSpec(features=["cloudwatch_logs"], trunking=True)
    recipe = rollout_commands(spec, stack_set_name="ecs-role", accounts=["111122223333"],
                              regions=["eu-west-1"])
    flat = recipe.replace("\\\n", " ")
    assert re.search(r"aws cloudformation create-stack-set +--stack-set-name ecs-role +"
                     r"--template-body file://\S+ +--capabilities CAPABILITY_NAMED_IAM", flat)
    assert re.search(r"aws cloudformation create-stack-instances +--stack-set-name ecs-role +"
                     r"--accounts 111122223333 +--regions eu-west-1", flat)
    assert "awsvpcTrunking" in recipe  # the follow-up is named
    org = rollout_commands(spec, organization=True,
                           organizational_unit_ids=["ou-ab12-cdef3456"]).replace("\\\n", " ")
    assert "--permission-model SERVICE_MANAGED" in org
    assert "--auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false" in org
    assert re.search(r"create-stack-instances .*--deployment-targets "
                     r"OrganizationalUnitIds=ou-ab12-cdef3456 +--regions us-east-1", org)
    assert "--accounts" not in org
    # IAM is global: a second Region in the same accounts would collide on the names.
    with pytest.raises(ValidationError, match="IAM is global"):
        rollout_commands(spec, regions=["us-east-1", "eu-west-1"])
    with pytest.raises(ValidationError):
        rollout_commands(spec, accounts=["12345"])
    with pytest.raises(ValidationError):
        rollout_commands(spec, organization=True, organizational_unit_ids=["engineering"])


@pytest.mark.cli
def test_rollout_recipe_runs_and_puts_the_role_in_the_target_account(endpoint, cli_env,
                                                                     tmp_path, monkeypatch):
    # Without AWS managed policies the target account's IAM starts at once; moto's
    # CloudFormation does not attach ManagedPolicyArns anyway.
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")
    reset(endpoint)
    spec = RoleSpec(features=["ecr"])
    written = write_exports(spec, tmp_path, accounts=["111122223333"])
    done = run_script(written["rollout"], cli_env)
    assert done.returncode == 0, done.stderr
    assert '"Account": "111122223333"' in done.stdout and '"Status": "CURRENT"' in done.stdout
    sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1")
    credentials = sts.assume_role(RoleArn="arn:aws:iam::111122223333:role/OrganizationAccountAccessRole",
                                  RoleSessionName="check-rollout")["Credentials"]
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id=credentials["AccessKeyId"],
                       aws_secret_access_key=credentials["SecretAccessKey"],
                       aws_session_token=credentials["SessionToken"])
    role = iam.get_role(RoleName="ecsInstanceRole")["Role"]
    assert role["Arn"] == "arn:aws:iam::111122223333:role/ecsInstanceRole"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "ec2.amazonaws.com"}
    profile = iam.get_instance_profile(InstanceProfileName="ecsInstanceRole-profile")
    assert [r["RoleName"] for r in profile["InstanceProfile"]["Roles"]] == ["ecsInstanceRole"]
    reset(endpoint)
