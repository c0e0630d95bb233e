"""export_cli(spec): the page's CLI procedure as a guarded script, run with the real ``aws``.

The script runs with the real AWS CLI against the moto server (``AWS_ENDPOINT_URL``,
fake credentials). ``apply`` runs first on the same server; the server is emptied in
between, and the state each leaves is read back with boto3, so "the same state" means
the same roles, trust, policies, instance profiles, buckets, objects and settings.
Expected documents and the order of commands are the page's (procedure.md).
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from page import PAGE_LOGS_POLICY, PAGE_TRUST_POLICY

from ecsrole_lib import RoleSpec, ValidationError, apply, plan
from ecsrole_lib.render.export import export_cli, run_cli, write_exports

BIN = str(Path(sys.executable).parent)  # the venv's bin: the aws executable the guide runs


# A covering set, kept small because every aws command costs a CLI start-up: both kinds;
# no feature, ECR alone, all three features (with least privilege on and off), ECR with
# logs, logs alone; trunking on and off; default and chosen names and paths; and the values
# a shell could misread (quotes, '$', backquotes, spaces, non-ASCII tags, an S3 key with a
# space and '$').
COMBOS = {
    "ec2-base": {},
    "ec2-all-least-privilege-eu": {
        "features": ["ecr", "s3_config", "cloudwatch_logs"], "least_privilege": True,
        "config_bucket": "ecsrole-cfg-lp", "config_key": "conf dir/ecs $HOME.config",
        "region": "eu-west-1", "path": "/ecs/"},
    "ec2-all-broad-trunking": {
        "features": ["ecr", "s3_config", "cloudwatch_logs"], "config_bucket": "ecsrole-cfg-all",
        "cluster_name": "prod", "trunking": True, "path": "/ecs/team-a/",
        "log_policy_name": "ecs-logs",
        "tags": {"team": "a b", "cost:center": "x=y/z+1@q.r_s-t", "팀": "컨테이너"},
        "description": 'Costs $5 "per" `day` \\ said the page',
        "permissions_boundary": "arn:aws:iam::aws:policy/PowerUserAccess",
        "extra_policy_arns": ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"]},
    "ec2-ecr-trunking-named": {"role_name": "ecsTrunkRole", "instance_profile_name": "ecsTrunkIP",
                               "features": ["ecr"], "trunking": True},
    "external-base": {"instance_kind": "external"},
    "external-ecr-logs-least-privilege": {
        "instance_kind": "external", "features": ["ecr", "cloudwatch_logs"],
        "least_privilege": True, "tags": {"env": "lab"}},
    "external-logs-extra": {
        "instance_kind": "external", "features": ["cloudwatch_logs"],
        "extra_policy_arns": ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"]},
}
#: Combinations run a second time (between them, every kind of guard the script has).
TWICE = {"ec2-all-least-privilege-eu", "ec2-all-broad-trunking"}


# ---------------------------------------------------------------------------------------
# Helpers shared with test_cloudformation.py
# ---------------------------------------------------------------------------------------
def reset(endpoint: str) -> None:
    """Empty the moto server."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=60).close()


def _document(value):
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:  # not JSON at all (moto's CloudFormation stores inline policies so)
        return value


def _tags(tags) -> list[tuple[str, str]]:
    return sorted((t["Key"], t["Value"]) for t in tags or [])


def _pages(client, operation: str, key: str, **params) -> list:
    return [item for page in client.get_paginator(operation).paginate(**params)
            for item in page.get(key, [])]


def snapshot(session, region: str) -> dict:
    """Everything the guide can create, read back with boto3 (ids and dates left out)."""
    iam = session.client("iam", region_name=region)
    roles = {}
    for listed in _pages(iam, "list_roles", "Roles"):
        name = listed["RoleName"]
        role = iam.get_role(RoleName=name)["Role"]
        roles[name] = {
            "Arn": role["Arn"], "Path": role["Path"],
            "Trust": _document(role["AssumeRolePolicyDocument"]),
            "Description": role.get("Description"),
            "MaxSessionDuration": role.get("MaxSessionDuration"),
            "PermissionsBoundary": role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn"),
            "Tags": _tags(role.get("Tags")),
            "Attached": sorted(p["PolicyArn"] for p in _pages(
                iam, "list_attached_role_policies", "AttachedPolicies", RoleName=name)),
            "Inline": {policy: _document(iam.get_role_policy(
                RoleName=name, PolicyName=policy)["PolicyDocument"])
                for policy in _pages(iam, "list_role_policies", "PolicyNames", RoleName=name)},
            "InstanceProfiles": sorted(p["InstanceProfileName"] for p in _pages(
                iam, "list_instance_profiles_for_role", "InstanceProfiles", RoleName=name)),
        }
    profiles = {}
    for profile in _pages(iam, "list_instance_profiles", "InstanceProfiles"):
        name = profile["InstanceProfileName"]
        profiles[name] = {
            "Arn": profile["Arn"], "Path": profile["Path"],
            "Roles": sorted(r["RoleName"] for r in profile["Roles"]),
            # moto has no ListInstanceProfileTags; GetInstanceProfile carries the tags.
            "Tags": _tags(iam.get_instance_profile(
                InstanceProfileName=name)["InstanceProfile"].get("Tags")),
        }
    customer = {}
    for policy in _pages(iam, "list_policies", "Policies", Scope="Local"):
        arn = policy["Arn"]
        customer[policy["PolicyName"]] = {
            "Arn": arn, "Path": policy["Path"], "AttachmentCount": policy["AttachmentCount"],
            "Document": _document(iam.get_policy_version(
                PolicyArn=arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]),
            "Versions": len(iam.list_policy_versions(PolicyArn=arn)["Versions"]),
            "Tags": _tags(iam.list_policy_tags(PolicyArn=arn)["Tags"]),
        }
    s3 = session.client("s3", region_name=region)
    buckets = {}
    for bucket in s3.list_buckets()["Buckets"]:
        name = bucket["Name"]
        try:
            tags = _tags(s3.get_bucket_tagging(Bucket=name)["TagSet"])
        except ClientError:
            tags = []
        try:
            block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
        except ClientError:
            block = None
        objects = {}
        for item in _pages(s3, "list_objects_v2", "Contents", Bucket=name):
            objects[item["Key"]] = {
                "Body": s3.get_object(Bucket=name, Key=item["Key"])["Body"].read().decode(),
                "Tags": _tags(s3.get_object_tagging(Bucket=name, Key=item["Key"])["TagSet"]),
            }
        buckets[name] = {
            "Location": s3.get_bucket_location(Bucket=name).get("LocationConstraint"),
            "Tags": tags, "PublicAccessBlock": block, "Objects": objects,
        }
    ecs = session.client("ecs", region_name=region)
    trunking = {name: sorted((s["name"], s["value"]) for s in ecs.list_account_settings(
        name="awsvpcTrunking", principalArn=role["Arn"])["settings"])
        for name, role in roles.items()}
    return {"roles": roles, "instance_profiles": profiles, "customer_policies": customer,
            "buckets": buckets, "awsvpcTrunking": trunking}


_APPLIED: dict[str, dict] = {}


def applied_state(name: str, endpoint: str, session) -> dict:
    """The state ``apply`` leaves for combination ``name`` on an empty server (read once).

    The server is empty afterwards.
    """
    if name not in _APPLIED:
        spec = RoleSpec(**COMBOS[name])
        reset(endpoint)
        apply(spec, session)
        _APPLIED[name] = snapshot(session, spec.region)
        assert spec.role_name in _APPLIED[name]["roles"]
    reset(endpoint)
    return _APPLIED[name]


def run_script(script: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a script with the real aws executable (the venv's) first on PATH."""
    env = dict(env, PATH=os.pathsep.join([BIN, env.get("PATH", "")]), AWS_PAGER="")
    return subprocess.run(["bash", str(script)], check=False, env=env, capture_output=True, text=True,
                          timeout=300)


def writes_of(spec: RoleSpec) -> list[str]:
    """The plan's steps that change AWS (the ones the script must guard)."""
    return [step.id for step in plan(spec) if step.action.kind == "write"]


# ---------------------------------------------------------------------------------------
# The script leaves the state apply leaves; a second run changes nothing.
# ---------------------------------------------------------------------------------------
@pytest.mark.cli
@pytest.mark.parametrize("name", list(COMBOS))
def test_script_leaves_exactly_the_state_apply_leaves(name, endpoint, session, cli_env, tmp_path):
    spec = RoleSpec(**COMBOS[name])
    by_apply = applied_state(name, endpoint, session)
    assert snapshot(session, spec.region)["roles"] == {}

    if name == "ec2-base":  # the library's own way to run it: run_cli, on the session's server
        first = run_cli(spec, session, workdir=tmp_path)
        script = first.script
        assert script == tmp_path / "ecsrole-setup.sh"
    else:
        script = tmp_path / "ecsrole-setup.sh"
        script.write_text(export_cli(spec))
        first = run_script(script, cli_env)
        assert first.returncode == 0, first.stderr
    assert snapshot(session, spec.region) == by_apply
    for step in writes_of(spec):
        assert f"{step}: done" in first.stdout.splitlines()
    # The documents are written beside the script, under the page's names.
    if spec.instance_kind == "ec2":
        assert json.loads((tmp_path / "instance-role-trust-policy.json").read_text()) \
            == PAGE_TRUST_POLICY
    if "cloudwatch_logs" in spec.features and not spec.least_privilege:
        assert json.loads((tmp_path / "instance-cw-logs.json").read_text()) == PAGE_LOGS_POLICY

    if name in TWICE:
        second = run_script(script, cli_env)
        assert second.returncode == 0, second.stderr
        assert snapshot(session, spec.region) == by_apply
        already = [line for line in second.stdout.splitlines() if line.endswith(": already done")]
        assert already == [f"{step}: already done" for step in writes_of(spec)]
        assert not any(line.endswith(": done") and not line.endswith("already done")
                       for line in second.stdout.splitlines())


@pytest.mark.cli
def test_a_failing_read_stops_the_script_instead_of_passing_for_done(endpoint, cli_env, tmp_path):
    # An aws that fails on one read (as a throttled or denied call would): the script must
    # stop there with an error, not take the failure for "already attached".
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "aws").write_text(
        "#!/usr/bin/env bash\n"
        'for a in "$@"; do [ "$a" = list-attached-role-policies ] && '
        '{ echo "AccessDenied" >&2; exit 255; }; done\n'
        f'exec {BIN}/aws "$@"\n')
    (shim / "aws").chmod(0o755)
    script = tmp_path / "ecsrole-setup.sh"
    script.write_text(export_cli(RoleSpec()))
    env = dict(cli_env, PATH=os.pathsep.join([str(shim), BIN, cli_env["PATH"]]))
    done = subprocess.run(["bash", str(script)], check=False, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0
    assert "AccessDenied" in done.stderr
    assert "attach_managed_policy: already done" not in done.stdout
    assert "all 5 steps done" not in done.stdout


# ---------------------------------------------------------------------------------------
# What the script says, without running it.
# ---------------------------------------------------------------------------------------
def aws_commands(script: str) -> list[str]:
    """The script's ``aws`` commands that stand alone (not the reads inside guards), in order."""
    lines = script.replace("\\\n", " ").splitlines()
    # A read whose answer the script keeps (NAME=$(aws ...)) stands alone too.
    unwrapped = [re.sub(r"^\s*[A-Z_]+=\$\((aws .*)\)$", r"\1", line) for line in lines]
    return [" ".join(line.split()) for line in unwrapped if line.strip().startswith("aws ")]


def test_commands_follow_the_pages_order():
    script = export_cli(RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs"],
                                 config_bucket="ecsrole-cfg", trunking=True))
    assert script.startswith("#!/usr/bin/env bash\nset -euo pipefail\n")
    commands = aws_commands(script)
    # AWS CLI steps 1-5, then the ECR, S3 and CloudWatch Logs sections (steps 2-4), in the
    # page's order; trunking last.
    order = ["aws iam create-role", "aws iam create-instance-profile",
             "aws iam add-role-to-instance-profile",
             ("aws iam attach-role-policy --policy-arn arn:aws:iam::aws:policy/service-role/"
             "AmazonEC2ContainerServiceforEC2Role"),
             "aws iam get-policy-version",
             ("aws iam attach-role-policy --role-name ecsInstanceRole --policy-arn "
             "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"),
             "aws iam create-policy --policy-name cwlogspolicy",
             "aws iam list-policies",
             ('aws iam attach-role-policy --role-name ecsInstanceRole --policy-arn '
             '"$POLICY_ARN"'),
             "aws ecs put-account-setting"]
    positions = [next(i for i, c in enumerate(commands) if c.startswith(o)) for o in order]
    assert positions == sorted(positions)
    assert script.index("cat > instance-role-trust-policy.json") < script.index("aws iam create-role")
    assert script.index("cat > instance-cw-logs.json") < script.index("aws iam create-policy")


def test_every_write_is_guarded_by_a_read_before_it_and_commented_with_the_page_step():
    spec = RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs"], config_bucket="ecsrole-cfg",
                    least_privilege=True, trunking=True)
    script = export_cli(spec)
    guards = {  # the write, and the read that must come before it
        "aws iam create-role": "aws iam get-role",
        "aws iam create-instance-profile": "aws iam get-instance-profile",
        "aws iam add-role-to-instance-profile": "aws iam get-instance-profile",
        "aws iam attach-role-policy": "aws iam list-attached-role-policies",
        "aws iam put-role-policy": "aws iam get-role-policy",
        "aws s3api create-bucket": "aws s3api head-bucket",
        "aws s3api put-object": "aws s3api head-object",
        "aws iam create-policy": "aws iam get-policy",
        "aws ecs put-account-setting": "aws ecs list-account-settings",
    }
    blocks = script.split("\n\n")
    for write, read in guards.items():
        block = next(b for b in blocks if write in b)
        assert block.index(read) < block.index(write), write
        assert "# The page:" in block
    # The corrected commands, with the page's error named beside them.
    assert "# Erratum E4:" in script and "cwlogsppolicy" not in script
    assert "arn:aws::iam::" not in script and "111122223333" not in script


def test_spec_values_stay_literal_in_the_script():
    description = 'Costs $5 "per" `day` \\ $(touch /tmp/x)'
    script = export_cli(RoleSpec(description=description, features=["s3_config"],
                                 config_bucket="ecsrole-cfg", config_key="a $b.config"))
    # bash -n: the script parses; echoing the description's word gives the value back.
    assert subprocess.run(["bash", "-n"], check=False, input=script, text=True).returncode == 0
    word = next(line for line in script.splitlines() if "--description" in line)
    word = word.split("--description ", 1)[1].rstrip(" \\")
    echoed = subprocess.run(["bash", "-c", f"printf %s {word}"], check=False, capture_output=True, text=True)
    assert echoed.stdout == description


def test_bad_specs_never_reach_an_export(tmp_path):
    bad = [{"role_name": "bad name"}, {"features": ["s3_config"]},
           {"instance_kind": "external", "trunking": True}, {"features": ["teleport"]},
           {"extra_policy_arns": ["arn:aws::iam::aws:policy/AmazonS3ReadOnlyAccess"]}]
    for kwargs in bad:
        with pytest.raises(ValidationError):
            RoleSpec(**kwargs)
    # Anything that is not a RoleSpec is refused as apply refuses it, before any file.
    for export in (export_cli, lambda spec: write_exports(spec, tmp_path / "never")):
        with pytest.raises(TypeError):
            export({"role_name": "ecsInstanceRole"})
    assert not (tmp_path / "never").exists()
    with pytest.raises(TypeError):
        apply({"role_name": "ecsInstanceRole"})


def test_write_exports_writes_script_template_recipe_and_documents(tmp_path):
    spec = RoleSpec(features=["s3_config", "cloudwatch_logs"], config_bucket="ecsrole-cfg",
                    trunking=True)
    written = write_exports(spec, tmp_path / "exports", accounts=["111122223333", "444455556666"])
    assert {"script", "template", "follow_up", "rollout", "instance-role-trust-policy.json",
            "instance-cw-logs.json", "ecs.config", "user-data.sh"} <= set(written)
    for path in written.values():
        assert path.parent == tmp_path / "exports" and path.stat().st_size > 0
    assert written["script"].stat().st_mode & stat.S_IXUSR
    assert written["script"].read_text() == export_cli(spec)
    assert json.loads(written["instance-role-trust-policy.json"].read_text()) == PAGE_TRUST_POLICY
    assert json.loads(written["instance-cw-logs.json"].read_text()) == PAGE_LOGS_POLICY
    assert written["ecs.config"].read_text() == "ECS_CLUSTER=default\n"
    recipe = written["rollout"].read_text()
    assert "--template-body file://ecsrole-role.cfn.yaml" in recipe
    assert "--accounts 111122223333 444455556666" in recipe
    assert written["template"].name == "ecsrole-role.cfn.yaml"
