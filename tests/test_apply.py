"""apply(spec): every documented step and feature combination, read back with boto3.

What each spec must produce is written here from procedure.md and issue 2 (trust
principals, the page's policy ARNs and documents, ecs.config, the guide's tag),
never read from the library. Writes are counted twice: by the report, and by our
own botocore hook on the session.
"""

from __future__ import annotations

import json

import pytest

from ecsrole_lib import ConflictError, RoleSpec, apply, plan, teardown

CONTAINER_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
S3_READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
AGENT_POLICY = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
PAGE_LOGS_ACTIONS = {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                     "logs:DescribeLogStreams"}
OWNER = ("created-by", "ecsrole-guide")
# The page's four CLI writes for the role (CLI steps 2-5).
PAGE_WRITES = ["CreateRole", "CreateInstanceProfile", "AddRoleToInstanceProfile",
               "AttachRolePolicy"]
# Steps that change AWS when there is something to do.
WRITE_STEPS = {"create_role", "create_instance_profile", "add_role_to_instance_profile",
               "attach_managed_policy", "attach_ssm_managed_instance_core",
               "attach_s3_read_only", "put_s3_config_policy", "create_config_bucket",
               "upload_ecs_config", "create_logs_policy", "attach_logs_policy",
               "enable_awsvpc_trunking"}
ALL = ["ecr", "s3_config", "cloudwatch_logs"]
BUCKET = "ecs-config-guide-test"


def as_list(value):
    return [value] if isinstance(value, str) else list(value)


def account_of(session) -> str:
    return session.client("sts").get_caller_identity()["Account"]


def expected_attached(spec: RoleSpec, account: str) -> set[str]:
    """The managed policies the page attaches for this spec."""
    arns = {CONTAINER_POLICY}
    if spec.instance_kind == "external":
        arns.add(SSM_CORE)  # the page's IMPORTANT note: Systems Manager permissions
    if "s3_config" in spec.features and not spec.least_privilege:
        arns.add(S3_READ_ONLY)  # E3, corrected
    if "cloudwatch_logs" in spec.features:
        arns.add(f"arn:aws:iam::{account}:policy{spec.path}{spec.log_policy_name}")  # E5, corrected
    return arns | set(spec.extra_policy_arns)


def verify(session, spec: RoleSpec, region: str = "us-east-1") -> None:
    """AWS holds what the documentation sets up for ``spec``."""
    iam = session.client("iam")
    account = account_of(session)
    role = iam.get_role(RoleName=spec.role_name)["Role"]
    assert role["Path"] == spec.path
    role_tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=spec.role_name)["Tags"]}
    assert role_tags == {**spec.tags, OWNER[0]: OWNER[1]}

    # Trust.
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow"
    assert as_list(statement["Action"]) == ["sts:AssumeRole"]
    if spec.instance_kind == "ec2":
        assert statement["Principal"] == {"Service": "ec2.amazonaws.com"}
        assert "Condition" not in statement
    else:
        assert statement["Principal"] == {"Service": "ssm.amazonaws.com"}
        conditions = {key: as_list(value) for pairs in statement["Condition"].values()
                      for key, value in pairs.items()}
        assert conditions["aws:SourceAccount"] == [account]
        (source_arn,) = conditions["aws:SourceArn"]
        assert source_arn.startswith(f"arn:aws:ssm:{spec.region}:{account}:")
    if spec.permissions_boundary:
        assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == spec.permissions_boundary
    else:
        assert "PermissionsBoundary" not in role
    if spec.description:
        assert role["Description"] == spec.description

    # Instance profile.
    profiles = iam.list_instance_profiles_for_role(RoleName=spec.role_name)["InstanceProfiles"]
    if spec.instance_kind == "ec2":
        assert [p["InstanceProfileName"] for p in profiles] == [spec.instance_profile_name]
        profile = iam.get_instance_profile(
            InstanceProfileName=spec.instance_profile_name)["InstanceProfile"]
        assert [r["RoleName"] for r in profile["Roles"]] == [spec.role_name]
        assert profile["Path"] == spec.path
        tags = {t["Key"]: t["Value"] for t in profile.get("Tags", [])}
        assert tags == {**spec.tags, OWNER[0]: OWNER[1]}
    else:
        assert profiles == []
        assert iam.list_instance_profiles()["InstanceProfiles"] == []

    # Managed policies, exactly.
    attached = {p["PolicyArn"] for p in
                iam.list_attached_role_policies(RoleName=spec.role_name)["AttachedPolicies"]}
    assert attached == expected_attached(spec, account)

    # Inline policies: only the least-privilege S3 read (ECR adds nothing, E6).
    inline = iam.list_role_policies(RoleName=spec.role_name)["PolicyNames"]
    if "s3_config" in spec.features and spec.least_privilege:
        (name,) = inline
        document = iam.get_role_policy(RoleName=spec.role_name, PolicyName=name)["PolicyDocument"]
        (grant,) = document["Statement"]
        assert grant["Effect"] == "Allow"
        assert as_list(grant["Action"]) == ["s3:GetObject"]
        object_arn = f"arn:aws:s3:::{spec.config_bucket}/{spec.config_key}"
        assert as_list(grant["Resource"]) == [object_arn]
    else:
        assert inline == []

    # The customer managed CloudWatch Logs policy.
    local = iam.list_policies(Scope="Local")["Policies"]
    if "cloudwatch_logs" in spec.features:
        (policy,) = [p for p in local if p["PolicyName"] == spec.log_policy_name]
        assert policy["Path"] == spec.path
        document = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy[
            "DefaultVersionId"])["PolicyVersion"]["Document"]
        (grant,) = document["Statement"]  # the page's document, by meaning
        assert grant["Effect"] == "Allow" and "Condition" not in grant
        assert set(as_list(grant["Action"])) == PAGE_LOGS_ACTIONS
        resources = as_list(grant["Resource"])
        if spec.least_privilege:  # narrowed to this account and Region
            assert resources and all(r.startswith(f"arn:aws:logs:{spec.region}:{account}:")
                                     for r in resources), resources
        else:
            assert resources == ["arn:aws:logs:*:*:*"]
        tags = {t["Key"]: t["Value"] for t in iam.list_policy_tags(PolicyArn=policy["Arn"])["Tags"]}
        assert tags.get(OWNER[0]) == OWNER[1]
    else:
        assert [p for p in local if p["PolicyName"] == spec.log_policy_name] == []

    # The private bucket with ecs.config.
    s3 = session.client("s3", region_name=region)
    buckets = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    if "s3_config" in spec.features:
        assert spec.config_bucket in buckets
        body = s3.get_object(Bucket=spec.config_bucket, Key=spec.config_key)["Body"].read().decode()
        assert body.strip() == f"ECS_CLUSTER={spec.cluster_name}"
        block = s3.get_public_access_block(Bucket=spec.config_bucket)[
            "PublicAccessBlockConfiguration"]
        assert block == {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                         "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
        tags = {t["Key"]: t["Value"] for t in s3.get_bucket_tagging(Bucket=spec.config_bucket)[
            "TagSet"]}
        assert tags.get(OWNER[0]) == OWNER[1]
        location = s3.get_bucket_location(Bucket=spec.config_bucket)["LocationConstraint"]
        assert (location or "us-east-1") == spec.region
    else:
        assert buckets == []

    # awsvpcTrunking for the role's principal.
    ecs = session.client("ecs", region_name=spec.region)
    settings = ecs.list_account_settings(name="awsvpcTrunking",
                                         principalArn=role["Arn"])["settings"]
    if spec.trunking:
        assert [s["value"] for s in settings] == ["enabled"]
    else:
        assert settings == []


def assert_fresh_apply(report, spec: RoleSpec) -> None:
    """Every step of the plan is reported, in order; each write step made its resource."""
    assert [r.step for r in report.rows] == plan(spec).ids
    for row in report.rows:
        if row.step in WRITE_STEPS or row.step.startswith("attach_extra_policy_"):
            assert row.outcome == "created", row
        elif row.step == "create_activation":
            assert row.outcome == "skipped", row  # shown, not run
        elif row.step == "wait_instance_profile":
            assert row.outcome == "waited", row  # a first apply made the profile, and waited
        else:
            assert row.outcome == "unchanged", row  # reads


COMBINATIONS = [
    pytest.param(RoleSpec(), id="ec2-base"),
    pytest.param(RoleSpec(features=["ecr"]), id="ec2-ecr"),
    pytest.param(RoleSpec(features=["s3_config"], config_bucket=BUCKET), id="ec2-s3"),
    pytest.param(RoleSpec(features=["s3_config"], config_bucket=BUCKET, least_privilege=True,
                          config_key="prod/ecs.config"), id="ec2-s3-least-privilege"),
    pytest.param(RoleSpec(features=["cloudwatch_logs"]), id="ec2-logs"),
    pytest.param(RoleSpec(features=["cloudwatch_logs"], least_privilege=True),
                 id="ec2-logs-least-privilege"),
    pytest.param(RoleSpec(features=ALL, config_bucket=BUCKET, cluster_name="prod"), id="ec2-all"),
    pytest.param(RoleSpec(features=ALL, config_bucket=BUCKET, least_privilege=True),
                 id="ec2-all-least-privilege"),
    pytest.param(RoleSpec(role_name="ecsInstanceRoleTrunking", trunking=True), id="ec2-trunking"),
    pytest.param(RoleSpec(extra_policy_arns=[AGENT_POLICY, SSM_CORE]), id="ec2-extra-policies"),
    pytest.param(RoleSpec(features=ALL, config_bucket=BUCKET, least_privilege=True, trunking=True,
                          extra_policy_arns=[AGENT_POLICY], path="/ecs/", tags={"team": "blue"},
                          description="Container instances of cluster prod",
                          permissions_boundary="arn:aws:iam::aws:policy/PowerUserAccess",
                          cluster_name="prod", log_policy_name="ecs-logs", region="eu-west-1"),
                 id="ec2-everything-eu-west-1"),
    pytest.param(RoleSpec(instance_kind="external"), id="external-base"),
    pytest.param(RoleSpec(instance_kind="external", features=["ecr"]), id="external-ecr"),
    pytest.param(RoleSpec(instance_kind="external", features=["cloudwatch_logs"]),
                 id="external-logs"),
    pytest.param(RoleSpec(instance_kind="external", features=["ecr", "cloudwatch_logs"],
                          least_privilege=True, extra_policy_arns=[AGENT_POLICY],
                          tags={"site": "factory-7"}), id="external-all-least-privilege"),
]


@pytest.mark.parametrize("spec", COMBINATIONS)
def test_apply_then_apply_again(spec, session, record_calls):
    calls = record_calls(session)
    report = apply(spec, session)
    assert_fresh_apply(report, spec)
    written = calls.writes()
    assert report.writes == len(written), (report.writes, written)
    verify(session, spec, spec.region)

    # A second apply writes nothing and finds everything in place.
    mark = calls.mark()
    again = apply(spec, session)
    assert calls.writes(mark) == []
    assert again.writes == 0
    for row in again.rows:
        expected = "skipped" if row.step == "create_activation" else "unchanged"
        assert row.outcome == expected, row
    verify(session, spec, spec.region)


def test_fresh_ec2_base_makes_the_pages_four_writes(session, iam, record_calls):
    calls = record_calls(session)
    report = apply(RoleSpec(), session)
    assert calls.writes() == PAGE_WRITES  # tags travel in the create calls
    assert report.writes == 4
    assert report.reads == len(calls.since()) - 4
    profile = iam.get_instance_profile(InstanceProfileName="ecsInstanceRole-profile")
    assert [r["RoleName"] for r in profile["InstanceProfile"]["Roles"]] == ["ecsInstanceRole"]


def test_role_arn_in_the_report_is_the_roles(session, iam):
    report = apply(RoleSpec(), session)
    assert report["create_role"].arn == iam.get_role(RoleName="ecsInstanceRole")["Role"]["Arn"]
    text, html = str(report), report._repr_html_()
    for row in report.rows:
        assert row.step in text and row.outcome in text and row.step in html
    assert "<table" in html


def test_wait_step_says_ec2_needs_about_ten_more_seconds(session):
    report = apply(RoleSpec(), session)
    said = " ".join([report["wait_instance_profile"].reason] + report.notes).lower()
    assert "ten" in said or "10" in said


def test_external_shows_the_activation_command_without_running_it(session, record_calls):
    calls = record_calls(session)
    report = apply(RoleSpec(instance_kind="external"), session)
    assert not [c for c in calls.since() if "Activation" in c]
    shown = " ".join(report.notes + [report["create_activation"].reason]).replace("\\\n", " ")
    assert "aws ssm create-activation" in shown and "ecsAnywhereRole" in shown


def test_least_privilege_report_says_what_narrowing_costs(session):
    spec = RoleSpec(features=["s3_config", "cloudwatch_logs"], config_bucket=BUCKET,
                    least_privilege=True)
    report = apply(spec, session)
    notes = " ".join(report.notes)
    assert BUCKET in notes            # the S3 grant is one object ...
    assert "Region" in notes or "region" in notes  # ... and logs one account and Region


def test_china_region_uses_the_aws_cn_partition(session):
    spec = RoleSpec(region="cn-north-1")
    apply(spec, session)
    iam = session.client("iam", region_name="cn-north-1")
    try:
        attached = [p["PolicyArn"] for p in
                    iam.list_attached_role_policies(RoleName="ecsInstanceRole")["AttachedPolicies"]]
        assert attached == [
            "arn:aws-cn:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"]
    finally:
        teardown(spec, session)  # the sandbox's aws-cn partition is not wiped between tests


# ---------------------------------------------------------------------------------------
# The real-AWS path: connect("aws") over HTTP with AWS_ENDPOINT_URL.
# ---------------------------------------------------------------------------------------
FULL_EC2 = RoleSpec(features=ALL, config_bucket=BUCKET, trunking=True,
                    extra_policy_arns=[AGENT_POLICY], tags={"team": "blue"})


def test_full_ec2_through_connect_aws(aws_session, session, record_calls):
    calls = record_calls(aws_session)
    report = apply(FULL_EC2, aws_session)
    assert report.target == "AWS"
    assert_fresh_apply(report, FULL_EC2)
    assert report.writes == len(calls.writes()) > 4
    verify(session, FULL_EC2)
    mark = calls.mark()
    again = apply(FULL_EC2, aws_session)
    assert again.writes == 0 and calls.writes(mark) == []
    assert set(again.outcomes.values()) == {"unchanged"}


def test_base_ec2_through_connect_aws_makes_four_writes(aws_session, record_calls):
    calls = record_calls(aws_session)
    report = apply(RoleSpec(), aws_session)
    assert calls.writes() == PAGE_WRITES
    assert report.writes == 4


def test_external_through_connect_aws(aws_session, session):
    spec = RoleSpec(instance_kind="external", features=["ecr", "cloudwatch_logs"])
    apply(spec, aws_session)
    verify(session, spec)


# ---------------------------------------------------------------------------------------
# Dry run.
# ---------------------------------------------------------------------------------------
def test_dry_run_on_a_fresh_account_plans_everything_and_writes_nothing(
        session, record_calls, state, empty_state):
    calls = record_calls(session)
    report = apply(FULL_EC2, session, dry_run=True)
    assert calls.writes() == [] and report.writes == 0
    assert [r.step for r in report.rows] == plan(FULL_EC2).ids
    assert set(report.outcomes.values()) == {"planned"}
    assert state(session) == empty_state


def test_dry_run_after_apply_plans_nothing(session, record_calls):
    apply(FULL_EC2, session)
    calls = record_calls(session)
    report = apply(FULL_EC2, session, dry_run=True)
    assert calls.writes() == []
    for row in report.rows:
        if row.step in WRITE_STEPS or row.step.startswith("attach_extra_policy_"):
            assert row.outcome == "unchanged", row


# ---------------------------------------------------------------------------------------
# Preflight: conflicts raise ConflictError, listing every problem, having written nothing.
# ---------------------------------------------------------------------------------------
def trust(service: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def conflict(session, spec, record_calls, state) -> ConflictError:
    before = state(session)
    calls = record_calls(session)
    with pytest.raises(ConflictError) as caught:
        apply(spec, session)
    assert calls.writes() == [], "a write was made before the conflict was raised"
    assert state(session) == before
    return caught.value


def test_conflict_existing_role_with_another_trust(session, iam, record_calls, state):
    iam.create_role(RoleName="ecsInstanceRole", AssumeRolePolicyDocument=trust("ecs.amazonaws.com"))
    error = conflict(session, RoleSpec(), record_calls, state)
    assert error.fields == ["role_name"]
    assert "ecs.amazonaws.com" in str(error) and "ecsInstanceRole" in str(error)


def test_conflict_instance_profile_holds_another_role(session, iam, record_calls, state):
    iam.create_role(RoleName="webRole", AssumeRolePolicyDocument=trust("ec2.amazonaws.com"))
    iam.create_instance_profile(InstanceProfileName="ecsInstanceRole-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="ecsInstanceRole-profile",
                                     RoleName="webRole")
    error = conflict(session, RoleSpec(), record_calls, state)
    assert error.fields == ["instance_profile_name"]
    assert "webRole" in str(error)


def test_conflict_missing_extra_policy(session, record_calls, state):
    missing = "arn:aws:iam::123456789012:policy/NotMadeYet"
    error = conflict(session, RoleSpec(extra_policy_arns=[AGENT_POLICY, missing]), record_calls,
                     state)
    assert error.fields == ["extra_policy_arns[1]"]
    assert missing in str(error)


def test_conflict_missing_permissions_boundary(session, record_calls, state):
    boundary = "arn:aws:iam::123456789012:policy/EcsBoundary"
    error = conflict(session, RoleSpec(permissions_boundary=boundary), record_calls, state)
    assert "permissions_boundary" in error.fields
    assert boundary in str(error)


def test_conflict_lists_every_problem(session, iam, record_calls, state):
    iam.create_role(RoleName="ecsInstanceRole", AssumeRolePolicyDocument=trust("ecs.amazonaws.com"))
    iam.create_role(RoleName="webRole", AssumeRolePolicyDocument=trust("ec2.amazonaws.com"))
    iam.create_instance_profile(InstanceProfileName="ecsInstanceRole-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="ecsInstanceRole-profile",
                                     RoleName="webRole")
    spec = RoleSpec(extra_policy_arns=["arn:aws:iam::123456789012:policy/NotMadeYet"],
                    permissions_boundary="arn:aws:iam::123456789012:policy/EcsBoundary")
    error = conflict(session, spec, record_calls, state)
    assert set(error.fields) >= {"role_name", "instance_profile_name", "extra_policy_arns[0]",
                                 "permissions_boundary"}
    for text in ("ecs.amazonaws.com", "webRole", "NotMadeYet", "EcsBoundary"):
        assert text in str(error), text


def test_conflict_dry_run_raises_too(session, iam, record_calls, state):
    iam.create_role(RoleName="ecsInstanceRole", AssumeRolePolicyDocument=trust("ecs.amazonaws.com"))
    calls = record_calls(session)
    with pytest.raises(ConflictError):
        apply(RoleSpec(), session, dry_run=True)
    assert calls.writes() == []


def test_conflict_foreign_logs_policy_with_other_permissions(session, iam, record_calls, state):
    iam.create_policy(PolicyName="cwlogspolicy", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}))
    error = conflict(session, RoleSpec(features=["cloudwatch_logs"]), record_calls, state)
    assert "log_policy_name" in error.fields


def test_conflict_public_bucket_not_the_guides(session, record_calls, state):
    # A new bucket blocks public access (AWS since April 2023); someone else lifted the block.
    session.client("s3").create_bucket(Bucket=BUCKET)
    session.client("s3").delete_public_access_block(Bucket=BUCKET)
    error = conflict(session, RoleSpec(features=["s3_config"], config_bucket=BUCKET),
                     record_calls, state)
    assert "config_bucket" in error.fields and BUCKET in str(error)


def test_conflict_other_ecs_config_is_not_overwritten(session, record_calls, state):
    s3 = session.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    s3.put_object(Bucket=BUCKET, Key="ecs.config", Body=b"ECS_CLUSTER=someone-elses\n")
    error = conflict(session, RoleSpec(features=["s3_config"], config_bucket=BUCKET),
                     record_calls, state)
    assert "config_key" in error.fields


# ---------------------------------------------------------------------------------------
# What exists already and fits.
# ---------------------------------------------------------------------------------------
def test_compatible_role_made_by_someone_else_is_used_as_it_is(session, iam, record_calls):
    iam.create_role(RoleName="ecsInstanceRole", AssumeRolePolicyDocument=trust("ec2.amazonaws.com"))
    calls = record_calls(session)
    report = apply(RoleSpec(), session)
    assert report["create_role"].outcome == "unchanged"
    assert "CreateRole" not in calls.writes()
    # Not claimed as the guide's: only a note of what the guide added to it (issue 9), written
    # before the attachment it notes, so teardown can remove exactly that.
    tags = iam.list_role_tags(RoleName="ecsInstanceRole")["Tags"]
    assert [t["Key"] for t in tags] == ["ecsrole-guide-added"]
    writes = calls.writes()
    assert writes.index("TagRole") < writes.index("AttachRolePolicy")
    assert apply(RoleSpec(), session).writes == 0
    attached = [p["PolicyArn"] for p in
                iam.list_attached_role_policies(RoleName="ecsInstanceRole")["AttachedPolicies"]]
    assert attached == [CONTAINER_POLICY]


def test_drifted_trust_on_the_guides_role_is_restored(session, iam, record_calls):
    apply(RoleSpec(), session)
    iam.update_assume_role_policy(RoleName="ecsInstanceRole",
                                  PolicyDocument=trust("ecs.amazonaws.com"))
    calls = record_calls(session)
    report = apply(RoleSpec(), session)
    assert report["create_role"].outcome == "updated"
    assert calls.writes() == ["UpdateAssumeRolePolicy"] and report.writes == 1
    statement = iam.get_role(RoleName="ecsInstanceRole")["Role"]["AssumeRolePolicyDocument"][
        "Statement"][0]
    assert statement["Principal"] == {"Service": "ec2.amazonaws.com"}


def test_detached_policy_is_attached_again(session, iam, record_calls):
    spec = RoleSpec(features=["cloudwatch_logs"])
    apply(spec, session)
    logs_arn = f"arn:aws:iam::{account_of(session)}:policy/cwlogspolicy"
    iam.detach_role_policy(RoleName="ecsInstanceRole", PolicyArn=logs_arn)
    calls = record_calls(session)
    report = apply(spec, session)
    assert calls.writes() == ["AttachRolePolicy"]
    assert report["attach_logs_policy"].outcome == "created"
    verify(session, spec)


def test_removing_the_boundary_says_removed(session, iam):
    """Issue 19 (words that mislead): a re-apply without the boundary the role had says it
    removed it, and the role has none."""
    boundary = iam.create_policy(PolicyName="EcsBoundary", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
    )["Policy"]["Arn"]
    apply(RoleSpec(permissions_boundary=boundary), session)
    report = apply(RoleSpec(), session)
    reason = next(r.reason for r in report.rows if r.step == "create_role")
    assert "permissions boundary removed" in reason and "boundary set" not in reason
    assert "PermissionsBoundary" not in iam.get_role(RoleName="ecsInstanceRole")["Role"]
    report.lang = "ko"
    assert "권한 경계를 제거했습니다" in str(report)
