"""Issue 17, items 8, 9 and 13: refused before the first write, or done right, where IAM's
quotas, IAM's name rules and an endpoint that is not AWS would otherwise stop apply
half-way.

State is read back with boto3 from a moto server on 127.0.0.1: the sandbox users get
(with its corrections), or, for item 13, moto as released in a process of its own.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from ecsrole_lib import ConflictError, QuotaError, RoleSpec, apply, audit, connect, policies
from ecsrole_lib.i18n.messages import untranslated
from ecsrole_lib.notebook.views import localized_error

ALL_BLOCKED = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
               "RestrictPublicBuckets": True}


# --------------------------------------------------------------------------------------
# 13. An AWS-compatible endpoint that is not AWS: its new buckets are not private
# --------------------------------------------------------------------------------------
@pytest.fixture
def released_session(released_moto, monkeypatch, share_models):
    """``connect("aws")`` with ``AWS_ENDPOINT_URL`` at moto as released."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", released_moto)
    return share_models(connect("aws", "us-east-1"))


def test_a_full_apply_on_moto_as_released_blocks_public_access_itself(released_session,
                                                                      record_calls):
    s3 = released_session.client("s3")
    s3.create_bucket(Bucket="released-moto-probe")  # the endpoint as it is: no block at all
    with pytest.raises(ClientError) as caught:
        s3.get_public_access_block(Bucket="released-moto-probe")
    assert caught.value.response["Error"]["Code"] == "NoSuchPublicAccessBlockConfiguration"

    spec = RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs", "spot_draining"],
                    trunking=True, config_bucket="released-moto-config")
    calls = record_calls(released_session)
    report = apply(spec, released_session)
    row = next(r for r in report.rows if r.step == "create_config_bucket")
    assert row.outcome == "created"
    assert "the guide blocked all public access itself (one more write)" in row.reason
    assert "another writer" not in str(report)
    assert calls.writes().count("PutPublicAccessBlock") == 1
    block = s3.get_public_access_block(Bucket="released-moto-config")
    assert block["PublicAccessBlockConfiguration"] == ALL_BLOCKED

    mark = calls.mark()
    again = apply(spec, released_session)
    assert again.writes == 0 and calls.writes(mark) == []


def test_on_an_endpoint_whose_new_buckets_are_private_no_block_is_written(session, record_calls):
    """AWS's new buckets block public access (the sandbox does as AWS does): 0 writes for it."""
    calls = record_calls(session)
    report = apply(RoleSpec(features=["s3_config"], config_bucket="private-by-default"), session)
    assert "PutPublicAccessBlock" not in calls.writes()
    row = next(r for r in report.rows if r.step == "create_config_bucket")
    assert row.reason == "bucket created with its tags; it blocks all public access"


# --------------------------------------------------------------------------------------
# 8. A role that already holds 50 tags: the note of what the guide adds has no room
# --------------------------------------------------------------------------------------
TRUST = json.dumps(policies.trust_policy("ec2", "aws", "123456789012", "us-east-1"))


def _role(iam, name: str, tags: int, owned: bool = False) -> None:
    given = [{"Key": f"team-tag-{i}", "Value": "x"} for i in range(tags)]
    if owned:
        given[-1] = {"Key": "created-by", "Value": "ecsrole-guide"}
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST, Tags=given)


def test_an_adopted_role_with_50_tags_is_refused_before_any_write(session, iam, record_calls,
                                                                   state):
    _role(iam, "ecsInstanceRole", 50)
    before = state(session)
    calls = record_calls(session)
    with pytest.raises(QuotaError) as caught:
        apply(RoleSpec(), session)
    assert calls.writes() == []
    assert state(session) == before  # no instance profile left behind
    message = str(caught.value)
    assert "role ecsInstanceRole holds 50 tags and apply would add ecsrole-guide-added" in message
    assert "IAM allows 50 tags per role" in message and "Nothing was written" in message
    assert caught.value.code == "LimitExceeded" and caught.value.operation == "TagRole"
    korean = str(localized_error(caught.value, "ko"))
    assert "역할당 태그를 50개까지" in korean and untranslated(korean) == []


def test_a_dry_run_is_refused_the_same_way(session, iam, record_calls):
    _role(iam, "ecsInstanceRole", 50)
    calls = record_calls(session)
    with pytest.raises(QuotaError):
        apply(RoleSpec(), session, dry_run=True)
    assert calls.writes() == []


def test_the_guides_own_role_whose_spec_tags_have_no_room_is_refused(session, iam, record_calls):
    """The guide's role (tagged) with 50 tags: restoring the spec's missing tag would be a 51st."""
    _role(iam, "ecsInstanceRole", 50, owned=True)
    calls = record_calls(session)
    with pytest.raises(QuotaError) as caught:
        apply(RoleSpec(tags={"team": "a"}), session)
    assert calls.writes() == [] and "would add team" in str(caught.value)


def test_an_adopted_role_with_49_tags_gets_its_note_as_the_50th(session, iam):
    _role(iam, "ecsInstanceRole", 49)
    apply(RoleSpec(), session)
    tags = {t["Key"] for t in iam.list_role_tags(RoleName="ecsInstanceRole")["Tags"]}
    assert len(tags) == 50 and "ecsrole-guide-added" in tags


def test_a_full_role_that_needs_nothing_noted_applies_with_no_write(session, iam, record_calls):
    """Everything already there, made by someone else: no note is needed, nothing refused."""
    _role(iam, "ecsInstanceRole", 50)
    iam.attach_role_policy(RoleName="ecsInstanceRole", PolicyArn=policies.managed_policy_arn(
        "aws", policies.CONTAINER_INSTANCE_POLICY))
    iam.create_instance_profile(InstanceProfileName="ecsInstanceRole-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="ecsInstanceRole-profile",
                                     RoleName="ecsInstanceRole")
    calls = record_calls(session)
    assert apply(RoleSpec(), session).writes == 0 and calls.writes() == []


# --------------------------------------------------------------------------------------
# 9. The logs policy's name, held in another letter case or under another path
# --------------------------------------------------------------------------------------
LOGS_SPEC = RoleSpec(features=["cloudwatch_logs"])
OTHER_DOCUMENT = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "logs:CreateLogGroup", "Resource": "*"}]})


@pytest.mark.parametrize("name, path", [("CWLogsPolicy", "/"), ("cwlogspolicy", "/team/")])
def test_a_logs_policy_name_taken_in_another_case_or_path_is_refused_before_any_write(
        session, iam, record_calls, state, name, path):
    existing = iam.create_policy(PolicyName=name, Path=path,
                                 PolicyDocument=OTHER_DOCUMENT)["Policy"]["Arn"]
    before = state(session)
    calls = record_calls(session)
    with pytest.raises(ConflictError) as caught:
        apply(LOGS_SPEC, session)
    assert calls.writes() == [] and state(session) == before
    assert caught.value.fields == ["log_policy_name"]
    rule = caught.value.problems[0].rule
    assert rule == (f"policy {existing} exists, and IAM policy names are unique in an account "
                    "whatever their letter case and path, so IAM cannot create "
                    "arn:aws:iam::123456789012:policy/cwlogspolicy; choose another log_policy_name")
    assert "wait a minute" not in str(caught.value).lower()
    korean = str(localized_error(caught.value, "ko"))
    assert existing in korean and untranslated(korean) == []


def test_audit_names_the_policy_that_holds_the_name(session, iam):
    existing = iam.create_policy(PolicyName="CWLogsPolicy",
                                 PolicyDocument=OTHER_DOCUMENT)["Policy"]["Arn"]
    row = next(r for r in audit(LOGS_SPEC, session).rows if r.step == "create_logs_policy")
    assert row.outcome == "conflict" and existing in row.reason


def test_another_log_policy_name_applies_beside_it(session, iam):
    iam.create_policy(PolicyName="CWLogsPolicy", PolicyDocument=OTHER_DOCUMENT)
    apply(RoleSpec(features=["cloudwatch_logs"], log_policy_name="ecs-instance-logs"), session)
    names = sorted(p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"])
    assert names == ["CWLogsPolicy", "ecs-instance-logs"]
