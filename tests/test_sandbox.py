"""The sandbox behaves like AWS where the guide relies on it (issue 11 §2), and serves every
AWS managed policy lazily (issue 13).

Each correction in ``ecsrole_lib.sandbox_module.CORRECTIONS`` is checked against the
AWS behaviour it copies, on the tests' moto server (``_Server``, as users get
it), state read back with boto3. The lazily served AWS managed policies are
compared with moto's own eager load, served by a plain moto server in another
process.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import random
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from ecsrole_lib import SandboxSession

sandbox_module = importlib.import_module("ecsrole_lib.sandbox.server")  # the package exports sandbox()

ROLE_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
ECS_ROLE_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
ALL_BLOCKED = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
               "RestrictPublicBuckets": True}


def _code(err: ClientError) -> str:
    return err.response["Error"]["Code"]


def test_every_correction_is_named_applied_and_cites_aws():
    assert set(sandbox_module.CORRECTIONS) == set(sandbox_module._CORRECTORS)
    for name, (_, correct) in sandbox_module._CORRECTORS.items():
        doc = inspect.getdoc(correct) or ""
        assert "https://docs.aws.amazon.com/" in doc, f"{name} cites no AWS documentation page"
        assert sandbox_module.CORRECTIONS[name].strip(), name
    assert "account_setting_principal" not in sandbox_module.LIMITS  # emulated now, not a limit


def test_the_readme_lists_every_correction_and_limit():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme[readme.index("## What the sandbox cannot show"):]
    for name, text in sandbox_module.CORRECTIONS.items():
        assert f"| {name.replace('_', ' ')} | emulated like AWS: {text} |" in section, name
    for name, text in sandbox_module.LIMITS.items():
        assert f"| {name.replace('_', ' ')} | not emulated: {text} |" in section, name


# --------------------------------------------------------------------------------------
# Amazon S3
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_create_bucket_applies_the_tags_of_its_configuration(session, region):
    s3 = session.client("s3", region_name=region)
    config = {"Tags": [{"Key": "created-by", "Value": "ecsrole-guide"}, {"Key": "team", "Value": "a"}]}
    if region != "us-east-1":
        config["LocationConstraint"] = region
    s3.create_bucket(Bucket=f"sandbox-tags-{region}", CreateBucketConfiguration=config)
    tags = s3.get_bucket_tagging(Bucket=f"sandbox-tags-{region}")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("created-by", "ecsrole-guide"),
                                                            ("team", "a")]


def test_create_bucket_without_tags_has_none(session):
    s3 = session.client("s3")
    s3.create_bucket(Bucket="sandbox-no-tags")
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_tagging(Bucket="sandbox-no-tags")
    assert _code(caught.value) == "NoSuchTagSet"


def test_create_bucket_again_does_not_retag_the_existing_bucket(session):
    s3 = session.client("s3", region_name="eu-west-1")
    config = {"LocationConstraint": "eu-west-1", "Tags": [{"Key": "first", "Value": "1"}]}
    s3.create_bucket(Bucket="sandbox-retag", CreateBucketConfiguration=config)
    with pytest.raises(ClientError) as caught:
        s3.create_bucket(Bucket="sandbox-retag", CreateBucketConfiguration={
            "LocationConstraint": "eu-west-1", "Tags": [{"Key": "second", "Value": "2"}]})
    assert _code(caught.value) == "BucketAlreadyOwnedByYou"
    assert s3.get_bucket_tagging(Bucket="sandbox-retag")["TagSet"] == [{"Key": "first", "Value": "1"}]


@pytest.mark.parametrize("tagged", [False, True])
def test_a_new_bucket_blocks_all_public_access(session, tagged):
    s3 = session.client("s3")
    params = {"CreateBucketConfiguration": {"Tags": [{"Key": "k", "Value": "v"}]}} if tagged else {}
    s3.create_bucket(Bucket=f"sandbox-private-{tagged}".lower(), **params)
    block = s3.get_public_access_block(Bucket=f"sandbox-private-{tagged}".lower())
    assert block["PublicAccessBlockConfiguration"] == ALL_BLOCKED


def test_public_access_block_can_still_be_removed_and_restored(session):
    s3 = session.client("s3")
    s3.create_bucket(Bucket="sandbox-open")
    s3.delete_public_access_block(Bucket="sandbox-open")
    with pytest.raises(ClientError) as caught:
        s3.get_public_access_block(Bucket="sandbox-open")
    assert _code(caught.value) == "NoSuchPublicAccessBlockConfiguration"
    s3.put_public_access_block(Bucket="sandbox-open", PublicAccessBlockConfiguration=ALL_BLOCKED)
    assert s3.get_public_access_block(Bucket="sandbox-open")[
        "PublicAccessBlockConfiguration"] == ALL_BLOCKED


def test_a_deleted_bucket_hands_no_tags_to_the_next_bucket_of_its_name(session):
    s3 = session.client("s3")
    s3.create_bucket(Bucket="sandbox-reused", CreateBucketConfiguration={
        "Tags": [{"Key": "created-by", "Value": "ecsrole-guide"}]})
    s3.put_object(Bucket="sandbox-reused", Key="ecs.config", Body=b"ECS_CLUSTER=a\n",
                  Tagging="created-by=ecsrole-guide")
    s3.delete_object(Bucket="sandbox-reused", Key="ecs.config")
    s3.delete_bucket(Bucket="sandbox-reused")

    s3.create_bucket(Bucket="sandbox-reused")
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_tagging(Bucket="sandbox-reused")
    assert _code(caught.value) == "NoSuchTagSet"
    s3.put_object(Bucket="sandbox-reused", Key="ecs.config", Body=b"ECS_CLUSTER=b\n")
    assert s3.get_object_tagging(Bucket="sandbox-reused", Key="ecs.config")["TagSet"] == []


def test_a_bucket_that_is_not_empty_keeps_its_tags(session):
    s3 = session.client("s3")
    s3.create_bucket(Bucket="sandbox-full", CreateBucketConfiguration={
        "Tags": [{"Key": "k", "Value": "v"}]})
    s3.put_object(Bucket="sandbox-full", Key="a", Body=b"a")
    with pytest.raises(ClientError) as caught:
        s3.delete_bucket(Bucket="sandbox-full")
    assert _code(caught.value) == "BucketNotEmpty"
    assert s3.get_bucket_tagging(Bucket="sandbox-full")["TagSet"] == [{"Key": "k", "Value": "v"}]


# --------------------------------------------------------------------------------------
# Amazon ECS account settings
# --------------------------------------------------------------------------------------
def _role_arn(session, name: str) -> str:
    return session.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=ROLE_TRUST)[
        "Role"]["Arn"]


def _values(settings: list[dict]) -> list[tuple[str, str]]:
    return [(s["value"], s["principalArn"]) for s in settings]


def test_a_principals_setting_is_its_own(session):
    ecs = session.client("ecs")
    mine, other = _role_arn(session, "sandboxTrunkingRole"), _role_arn(session, "sandboxOtherRole")
    answer = ecs.put_account_setting(name="awsvpcTrunking", value="enabled", principalArn=mine)
    assert answer["setting"] == {"name": "awsvpcTrunking", "value": "enabled",
                                 "principalArn": mine, "type": "user"}

    assert _values(ecs.list_account_settings(name="awsvpcTrunking", principalArn=mine)[
        "settings"]) == [("enabled", mine)]
    # Other principals have no setting of their own and see the default (disabled).
    assert ecs.list_account_settings(name="awsvpcTrunking", principalArn=other)["settings"] == []
    assert _values(ecs.list_account_settings(name="awsvpcTrunking", principalArn=other,
                                             effectiveSettings=True)["settings"]) == [
        ("disabled", other)]
    # Nor is the account default changed.
    assert ecs.list_account_settings(name="awsvpcTrunking")["settings"] == []


def test_a_principals_own_setting_overrides_the_account_default(session):
    ecs = session.client("ecs")
    account = session.client("sts").get_caller_identity()["Account"]
    root = f"arn:aws:iam::{account}:root"
    mine, other = _role_arn(session, "sandboxOptOutRole"), _role_arn(session, "sandboxPlainRole")
    ecs.put_account_setting(name="awsvpcTrunking", value="enabled")  # the account default
    ecs.put_account_setting(name="awsvpcTrunking", value="disabled", principalArn=mine)

    def effective(arn: str) -> list[tuple[str, str]]:
        return _values(ecs.list_account_settings(name="awsvpcTrunking", principalArn=arn,
                                                 effectiveSettings=True)["settings"])

    assert effective(mine) == [("disabled", mine)]
    assert effective(other) == [("enabled", other)]
    assert _values(ecs.list_account_settings(name="awsvpcTrunking")["settings"]) == [
        ("enabled", root)]
    assert _values(ecs.list_account_settings(name="awsvpcTrunking", principalArn=root)[
        "settings"]) == [("enabled", root)]

    ecs.delete_account_setting(name="awsvpcTrunking", principalArn=mine)
    assert effective(mine) == [("enabled", mine)]  # the default again
    ecs.delete_account_setting(name="awsvpcTrunking")
    assert effective(other) == [("disabled", other)]


def test_account_settings_are_per_region(session):
    arn = _role_arn(session, "sandboxRegionRole")
    session.client("ecs", region_name="eu-west-1").put_account_setting(
        name="awsvpcTrunking", value="enabled", principalArn=arn)
    assert session.client("ecs").list_account_settings(name="awsvpcTrunking",
                                                       principalArn=arn)["settings"] == []
    session.client("ecs", region_name="eu-west-1").delete_account_setting(
        name="awsvpcTrunking", principalArn=arn)


def test_an_unknown_setting_name_is_still_refused(session):
    with pytest.raises(ClientError) as caught:
        session.client("ecs").list_account_settings(name="noSuchSetting")
    assert _code(caught.value) == "InvalidParameterException"


# --------------------------------------------------------------------------------------
# IAM AttachmentCount
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("managed_by", ["aws", "customer"])
def test_attachment_count_counts_each_attachment_once(session, iam, managed_by):
    if managed_by == "aws":
        arn = ECS_ROLE_POLICY
    else:
        arn = iam.create_policy(PolicyName="sandbox-count", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents",
                                                    "Resource": "*"}]}))["Policy"]["Arn"]
    iam.create_role(RoleName="sandboxCountRole", AssumeRolePolicyDocument=ROLE_TRUST)
    iam.create_role(RoleName="sandboxCountRole2", AssumeRolePolicyDocument=ROLE_TRUST)
    iam.create_user(UserName="sandbox-count-user")
    for _ in range(3):  # the same attachment again changes nothing (a retried request)
        iam.attach_role_policy(RoleName="sandboxCountRole", PolicyArn=arn)
        iam.attach_user_policy(UserName="sandbox-count-user", PolicyArn=arn)
    iam.attach_role_policy(RoleName="sandboxCountRole2", PolicyArn=arn)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 3
    entities = iam.list_entities_for_policy(PolicyArn=arn)
    assert sorted(r["RoleName"] for r in entities["PolicyRoles"]) == ["sandboxCountRole",
                                                                      "sandboxCountRole2"]
    iam.detach_role_policy(RoleName="sandboxCountRole", PolicyArn=arn)
    iam.detach_role_policy(RoleName="sandboxCountRole2", PolicyArn=arn)
    iam.detach_user_policy(UserName="sandbox-count-user", PolicyArn=arn)
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 0
    with pytest.raises(ClientError) as caught:
        iam.detach_role_policy(RoleName="sandboxCountRole", PolicyArn=arn)
    assert _code(caught.value) == "NoSuchEntity"
    iam.delete_user(UserName="sandbox-count-user")


def test_attaching_a_policy_that_does_not_exist_is_refused(iam):
    iam.create_role(RoleName="sandboxMissingRole", AssumeRolePolicyDocument=ROLE_TRUST)
    with pytest.raises(ClientError) as caught:
        iam.attach_role_policy(RoleName="sandboxMissingRole",
                               PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicyAnywhere")
    assert _code(caught.value) == "NoSuchEntity"


# --------------------------------------------------------------------------------------
# IAM PermissionsBoundaryUsageCount
# --------------------------------------------------------------------------------------
def test_permissions_boundary_usage_count_counts_the_roles_it_bounds(iam):
    arn = iam.create_policy(PolicyName="sandbox-boundary", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecs:*",
                                                "Resource": "*"}]}))["Policy"]["Arn"]

    def count() -> int:
        listed = {p["Arn"]: p for p in iam.list_policies(Scope="Local")["Policies"]}
        assert listed[arn]["PermissionsBoundaryUsageCount"] == \
            iam.get_policy(PolicyArn=arn)["Policy"]["PermissionsBoundaryUsageCount"]
        return listed[arn]["PermissionsBoundaryUsageCount"]

    assert count() == 0
    iam.create_role(RoleName="sandboxBoundedRole", AssumeRolePolicyDocument=ROLE_TRUST,
                    PermissionsBoundary=arn)
    iam.create_role(RoleName="sandboxLaterBounded", AssumeRolePolicyDocument=ROLE_TRUST)
    iam.put_role_permissions_boundary(RoleName="sandboxLaterBounded", PermissionsBoundary=arn)
    assert count() == 2
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 0  # a boundary is no attachment
    iam.delete_role_permissions_boundary(RoleName="sandboxLaterBounded")
    assert count() == 1
    iam.delete_role_permissions_boundary(RoleName="sandboxBoundedRole")
    assert count() == 0


# --------------------------------------------------------------------------------------
# Amazon ECS ListServices
# --------------------------------------------------------------------------------------
def test_a_deleted_service_is_no_longer_listed(session):
    ecs = session.client("ecs")
    ecs.create_cluster(clusterName="sandbox-services")
    family = ecs.register_task_definition(family="sandbox-web", containerDefinitions=[
        {"name": "web", "image": "nginx", "memory": 128}])["taskDefinition"]["taskDefinitionArn"]
    kept, gone = (ecs.create_service(cluster="sandbox-services", serviceName=name,
                                     taskDefinition=family, desiredCount=0)["service"]["serviceArn"]
                  for name in ("kept", "gone"))
    assert ecs.list_services(cluster="sandbox-services")["serviceArns"] == sorted([kept, gone])
    ecs.delete_service(cluster="sandbox-services", service="gone")
    assert ecs.list_services(cluster="sandbox-services")["serviceArns"] == [kept]
    (described,) = ecs.describe_services(cluster="sandbox-services", services=[gone])["services"]
    assert described["status"] == "INACTIVE"  # still described, as on AWS
    ecs.delete_service(cluster="sandbox-services", service="kept")
    ecs.delete_cluster(cluster="sandbox-services")


# --------------------------------------------------------------------------------------
# Amazon EC2 RunInstances with an instance profile
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("by", ["Name", "Arn"])
def test_every_instance_of_one_run_holds_the_instance_profile(by, session, iam):
    profile = iam.create_instance_profile(InstanceProfileName="sandbox-fleet")["InstanceProfile"]
    ec2 = session.client("ec2")
    image = ec2.describe_images()["Images"][0]["ImageId"]
    ids = sorted(i["InstanceId"] for i in ec2.run_instances(
        ImageId=image, MinCount=3, MaxCount=3,
        IamInstanceProfile={by: profile["InstanceProfileName" if by == "Name" else "Arn"]})[
        "Instances"])
    held = {a["InstanceId"]: a["IamInstanceProfile"]["Arn"] for a in ec2.describe_iam_instance_profile_associations(
        Filters=[{"Name": "instance-id", "Values": ids}])["IamInstanceProfileAssociations"]}
    assert held == dict.fromkeys(ids, profile["Arn"])
    described = [i for r in ec2.describe_instances(InstanceIds=ids)["Reservations"]
                 for i in r["Instances"]]
    assert {i["IamInstanceProfile"]["Arn"] for i in described} == {profile["Arn"]}
    ec2.terminate_instances(InstanceIds=ids)  # terminated instances hold nothing
    assert ec2.describe_iam_instance_profile_associations(Filters=[
        {"Name": "instance-id", "Values": ids}])["IamInstanceProfileAssociations"] == []


# --------------------------------------------------------------------------------------
# AWS managed policies: served lazily, the same as moto's eager load
# --------------------------------------------------------------------------------------
_EAGER = """
import logging, os, sys, time
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
logging.getLogger("werkzeug").setLevel(logging.ERROR)
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]), verbose=False)
server.start()
print("ready", flush=True)
sys.stdin.read()
"""


@pytest.fixture(scope="module")
def eager():
    """A plain moto server (moto's eager load of every AWS managed policy), in its own process."""
    port = sandbox_module._free_port()
    env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true")
    process = subprocess.Popen([sys.executable, "-c", _EAGER, str(port)], env=env,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    yield SandboxSession(f"http://127.0.0.1:{port}")
    process.stdin.close()
    process.wait(10)


def _arns(iam, **params) -> list[str]:
    pages = iam.get_paginator("list_policies").paginate(**params, PaginationConfig={"PageSize": 100})
    return [p["Arn"] for page in pages for p in page["Policies"]]


def _without_id(policy: dict) -> dict:
    # moto draws policy ids at random, eagerly or not.
    return {k: v for k, v in policy.items() if k != "PolicyId"}


def test_list_policies_lists_every_aws_managed_policy_in_moto_order(session, eager):
    lazy_arns = _arns(session.client("iam"), Scope="AWS")
    eager_arns = _arns(eager.client("iam"), Scope="AWS")
    assert len(eager_arns) > 1000
    assert lazy_arns == eager_arns
    assert _arns(session.client("iam"), Scope="All") == _arns(eager.client("iam"), Scope="All")


def test_managed_policies_by_arn_are_moto_s_own(session, eager):
    """A sample of AWS managed policies (and the guide's): metadata, versions, document."""
    lazy, eager_iam = session.client("iam"), eager.client("iam")
    every = _arns(eager_iam, Scope="AWS")
    guide = [ECS_ROLE_POLICY, "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
             "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
             "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"]
    sample = guide + random.Random(13).sample(every, 40) + [every[0], every[-1]]
    for arn in sample:
        want = eager_iam.get_policy(PolicyArn=arn)["Policy"]
        got = lazy.get_policy(PolicyArn=arn)["Policy"]
        # Its own correction (permissions_boundary_usage_count): bounds no role here.
        assert got.pop("PermissionsBoundaryUsageCount") == 0, arn
        assert _without_id(got) == _without_id(want), arn
        version = want["DefaultVersionId"]
        got_doc = lazy.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]
        want_doc = eager_iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]
        assert got_doc == want_doc, arn
        assert lazy.list_policy_versions(PolicyArn=arn)["Versions"] == \
            eager_iam.list_policy_versions(PolicyArn=arn)["Versions"], arn
    # The documents are the real ones, not empty shells.
    doc = lazy.get_policy_version(PolicyArn=ECS_ROLE_POLICY, VersionId=lazy.get_policy(
        PolicyArn=ECS_ROLE_POLICY)["Policy"]["DefaultVersionId"])["PolicyVersion"]["Document"]
    if isinstance(doc, str):
        doc = json.loads(urllib.parse.unquote(doc))
    actions = {a for s in doc["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str)
                                                       else s["Action"])}
    assert "ecs:RegisterContainerInstance" in actions


def test_attached_only_local_and_account_summary_answer_as_moto_does(session, eager):
    """The calls answered from what is built so far return what the eager load returns."""
    for target in (session, eager):
        iam = target.client("iam")
        iam.create_role(RoleName="sandboxSummaryRole", AssumeRolePolicyDocument=ROLE_TRUST)
        iam.attach_role_policy(RoleName="sandboxSummaryRole", PolicyArn=ECS_ROLE_POLICY)
        iam.create_policy(PolicyName="sandbox-summary", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                                    "Resource": "*"}]}))
    lazy, eager_iam = session.client("iam"), eager.client("iam")
    try:
        for params in ({"OnlyAttached": True}, {"Scope": "Local"},
                       {"Scope": "AWS", "OnlyAttached": True}, {"Scope": "All"}):
            assert _arns(lazy, **params) == _arns(eager_iam, **params), params
        assert lazy.get_account_summary()["SummaryMap"] == \
            eager_iam.get_account_summary()["SummaryMap"]
        assert lazy.get_policy(PolicyArn=ECS_ROLE_POLICY)["Policy"]["AttachmentCount"] == 1
    finally:
        account = eager.client("sts").get_caller_identity()["Account"]
        eager_iam.detach_role_policy(RoleName="sandboxSummaryRole", PolicyArn=ECS_ROLE_POLICY)
        eager_iam.delete_role(RoleName="sandboxSummaryRole")
        eager_iam.delete_policy(PolicyArn=f"arn:aws:iam::{account}:policy/sandbox-summary")


def test_lazy_policies_behave_as_a_dict_of_every_policy():
    """The backend's table itself: membership, length and order without building, then all."""
    from moto.iam.models import AWSManagedPolicy

    sandbox_module.correct_moto()
    aws_list: list = []
    table = sandbox_module._ManagedPolicies("123456789012", "global", aws_list)
    entries = sandbox_module._aws_policy_entries("global")
    assert "arn:aws:iam::123456789012:policy/absent" not in table
    assert table._order is None  # a customer managed policy's miss reads nothing of moto's data
    assert len(table) == len(entries) and not dict.__len__(table)
    assert ECS_ROLE_POLICY in table and dict.__len__(table) == 0  # nothing built to answer
    policy = table[ECS_ROLE_POLICY]
    assert isinstance(policy, AWSManagedPolicy) and policy.arn == ECS_ROLE_POLICY
    assert table.get("arn:aws:iam::aws:policy/NoSuch") is None
    table["arn:aws:iam::123456789012:policy/mine"] = "customer"
    assert list(table)[-1] == "arn:aws:iam::123456789012:policy/mine"
    assert list(table.values())[-1] == "customer"  # built all, moto's order
    assert [p.arn for p in aws_list] == [arn for arn, _, _ in entries]
    assert list(table)[:len(entries)] == [arn for arn, _, _ in entries]


def test_the_policy_index_matches_moto_s_parsed_data():
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    parsed = json.loads(aws_managed_policies_data)
    index = sandbox_module._index_policy_data(aws_managed_policies_data)
    assert [name for name, _, _ in index] == list(parsed)
    for name, path, source in index:
        assert path == (parsed[name].get("Path") or "/")
        assert sandbox_module._policy_data(source) == parsed[name], name


# --------------------------------------------------------------------------------------
# The standalone sandbox (make guide) is corrected too
# --------------------------------------------------------------------------------------
def test_the_standalone_sandbox_is_corrected():
    env = {k: v for k, v in os.environ.items() if k != "ECSROLE_SANDBOX_ENDPOINT"}
    process = subprocess.Popen([sys.executable, "-m", "ecsrole_lib.sandbox.server"], env=env,
                               stdout=subprocess.PIPE, text=True)
    try:
        endpoint = process.stdout.readline().strip()
        assert endpoint.startswith("http://127.0.0.1:")
        session = SandboxSession(endpoint)
        s3 = session.client("s3")
        s3.create_bucket(Bucket="sandbox-standalone", CreateBucketConfiguration={
            "Tags": [{"Key": "created-by", "Value": "ecsrole-guide"}]})
        assert s3.get_bucket_tagging(Bucket="sandbox-standalone")["TagSet"] == [
            {"Key": "created-by", "Value": "ecsrole-guide"}]
        assert s3.get_public_access_block(Bucket="sandbox-standalone")[
            "PublicAccessBlockConfiguration"] == ALL_BLOCKED
        arn = "arn:aws:iam::123456789012:role/ecsInstanceRole"
        ecs = session.client("ecs")
        ecs.put_account_setting(name="awsvpcTrunking", value="enabled", principalArn=arn)
        assert ecs.list_account_settings(name="awsvpcTrunking")["settings"] == []
        iam = session.client("iam")
        assert len(_arns(iam, Scope="AWS")) > 1000
    finally:
        process.terminate()
        process.wait(10)


def test_policies_served_to_concurrent_callers_while_they_are_built(reset_endpoint):
    """Right after a reset nothing is built: threads naming policies while one lists them all."""
    import threading

    session = SandboxSession(reset_endpoint)
    every = _arns(session.client("iam"), Scope="AWS")  # builds all in this reset's backend ...
    urllib.request.urlopen(urllib.request.Request(f"{reset_endpoint}/moto-api/reset",
                                                  method="POST"), timeout=60).close()
    sample = random.Random(11).sample(every, 60)  # ... so reset again: nothing built
    errors: list[str] = []
    listed: list[list[str]] = []

    def name(arns: list[str]) -> None:
        iam = SandboxSession(reset_endpoint).client("iam")
        for arn in arns:
            try:
                assert iam.get_policy(PolicyArn=arn)["Policy"]["Arn"] == arn
            except Exception as err:  # noqa: BLE001 - collected
                errors.append(f"{arn}: {err}")

    def list_all() -> None:
        listed.append(_arns(SandboxSession(reset_endpoint).client("iam"), Scope="AWS"))

    threads = [threading.Thread(target=name, args=(sample[i::4],)) for i in range(4)]
    threads.append(threading.Thread(target=list_all))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert listed == [every]


# ---------------------------------------------------------------------------------------
# policy_arn_validation: the page's errata E3 and E5 meet IAM's InvalidInput.
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("arn", [
    "arn:aws::iam::aws:policy/AmazonS3ReadOnlyAccess",        # E3: an extra ':'
    "arn:aws:iam:111122223333:aws:policy/cwlogspolicy",       # E5: account in the Region field
    "arn:aws:s3:::aws:policy/AmazonS3ReadOnlyAccess",         # not IAM
])
def test_a_malformed_policy_arn_is_invalid_input(arn, session, iam):
    iam.create_role(RoleName="arn-check", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "ec2.amazonaws.com"}}]}))
    for call in (lambda: iam.get_policy(PolicyArn=arn),
                 lambda: iam.attach_role_policy(RoleName="arn-check", PolicyArn=arn)):
        with pytest.raises(ClientError) as caught:
            call()
        assert caught.value.response["Error"]["Code"] == "InvalidInput"
        assert caught.value.response["Error"]["Message"] == f"ARN {arn} is not valid."
    # A well-formed ARN that names nothing is still NoSuchEntity.
    with pytest.raises(ClientError) as missing:
        iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicyAtAll")
    assert missing.value.response["Error"]["Code"] == "NoSuchEntity"


# --------------------------------------------------------------------------------------
# IAM: the quota of tags per role; customer managed policy names ignore case and path
# --------------------------------------------------------------------------------------
def _role_with_tags(iam, name: str, count: int) -> None:
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=ROLE_TRUST,
                    Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(count)])


def test_a_51st_tag_on_a_role_is_limit_exceeded(iam):
    _role_with_tags(iam, "fifty-tags", 50)
    with pytest.raises(ClientError) as caught:
        iam.tag_role(RoleName="fifty-tags", Tags=[{"Key": "one-more", "Value": "v"}])
    assert _code(caught.value) == "LimitExceeded"
    assert len(iam.list_role_tags(RoleName="fifty-tags")["Tags"]) == 50


def test_a_role_grows_to_50_tags_one_call_at_a_time_and_no_further(iam):
    _role_with_tags(iam, "growing", 30)
    iam.tag_role(RoleName="growing", Tags=[{"Key": f"more{i}", "Value": "v"} for i in range(20)])
    with pytest.raises(ClientError) as caught:
        iam.tag_role(RoleName="growing", Tags=[{"Key": "more20", "Value": "v"}])
    assert _code(caught.value) == "LimitExceeded"


def test_overwriting_a_tag_of_a_full_role_adds_nothing(iam):
    _role_with_tags(iam, "full-role", 50)
    iam.tag_role(RoleName="full-role", Tags=[{"Key": "k0", "Value": "changed"}])
    tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName="full-role")["Tags"]}
    assert len(tags) == 50 and tags["k0"] == "changed"


_LOGS_DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]})


@pytest.mark.parametrize("name, path", [("CWLogsPolicy", "/"), ("cwlogspolicy", "/team/"),
                                        ("CwLogsPolicy", "/team/")])
def test_a_policy_name_held_in_another_case_or_path_is_entity_already_exists(iam, name, path):
    iam.create_policy(PolicyName="cwlogspolicy", Path="/", PolicyDocument=_LOGS_DOCUMENT)
    with pytest.raises(ClientError) as caught:
        iam.create_policy(PolicyName=name, Path=path, PolicyDocument=_LOGS_DOCUMENT)
    assert _code(caught.value) == "EntityAlreadyExists"
    names = [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]]
    assert names == ["cwlogspolicy"]



def test_describe_activations_answers_an_empty_list(session):
    """AWS Systems Manager, DescribeActivations: an account without activations gets an empty
    ActivationList (moto answered a server error, NotImplementedError)."""
    assert session.client("ssm").describe_activations()["ActivationList"] == []
