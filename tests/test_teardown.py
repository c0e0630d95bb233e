"""teardown(spec): removes only what the guide created, from any state, in reverse order."""

from __future__ import annotations

import json

import pytest

from ecsrole_lib import (
    AwsError,
    ConflictError,
    RoleSpec,
    SandboxSession,
    apply,
    audit,
    plan,
    teardown,
)

CONTAINER_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
AGENT_POLICY = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
BUCKET = "ecs-config-teardown-test"
ALL = ["ecr", "s3_config", "cloudwatch_logs"]
OWNER_TAG = [{"Key": "created-by", "Value": "ecsrole-guide"}]  # the guide's record (issue 2)


def trust(service: str = "ec2.amazonaws.com") -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def account_of(session) -> str:
    return session.client("sts").get_caller_identity()["Account"]


@pytest.mark.parametrize("spec", [
    pytest.param(RoleSpec(features=ALL, config_bucket=BUCKET, trunking=True,
                          extra_policy_arns=[AGENT_POLICY], tags={"team": "blue"}), id="ec2-full"),
    pytest.param(RoleSpec(features=ALL, config_bucket=BUCKET, least_privilege=True, trunking=True,
                          path="/ecs/"), id="ec2-full-least-privilege"),
    pytest.param(RoleSpec(instance_kind="external", features=["ecr", "cloudwatch_logs"],
                          extra_policy_arns=[AGENT_POLICY]), id="external-full"),
])
def test_teardown_of_a_full_setup_leaves_nothing(spec, session, state, empty_state, record_calls):
    apply(spec, session)
    report = teardown(spec, session)
    assert state(session) == empty_state
    assert [r.step for r in report.rows] == list(reversed(plan(spec).ids))
    assert set(report.outcomes.values()) <= {"removed", "skipped"}
    assert "kept" not in report.outcomes.values()
    # Again: nothing left to do, nothing written.
    calls = record_calls(session)
    again = teardown(spec, session)
    assert set(again.outcomes.values()) == {"skipped"}
    assert calls.writes() == [] and again.writes == 0


def test_teardown_keeps_a_role_that_existed_before(session, iam, state):
    iam.create_role(RoleName="ecsInstanceRole", AssumeRolePolicyDocument=trust(),
                    Description="made by hand")
    apply(RoleSpec(), session)
    report = teardown(RoleSpec(), session)
    assert report["create_role"].outcome == "kept"
    assert "before" in report["create_role"].reason or "force" in report["create_role"].reason
    role = iam.get_role(RoleName="ecsInstanceRole")["Role"]
    assert role["Description"] == "made by hand"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "ec2.amazonaws.com"}
    # What the guide made beside it is gone.
    assert state(session)["instance_profiles"] == {}


def test_teardown_of_only_a_foreign_role_writes_nothing(session, iam, record_calls):
    iam.create_role(RoleName="ecsInstanceRole", AssumeRolePolicyDocument=trust())
    calls = record_calls(session)
    report = teardown(RoleSpec(), session)
    assert report["create_role"].outcome == "kept"
    assert calls.writes() == []
    iam.get_role(RoleName="ecsInstanceRole")


def test_teardown_undoes_exactly_what_apply_added_to_a_role_that_existed_before(
        session, iam, state):
    """Issue 9: apply attached the policy and made the profile; teardown takes exactly those.

    Force changes nothing about a role the guide did not create: it is never deleted.
    """
    iam.create_role(RoleName="ecsInstanceRole", AssumeRolePolicyDocument=trust(),
                    Description="made by hand")
    iam.put_role_policy(RoleName="ecsInstanceRole", PolicyName="their-own",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]}))
    applied = apply(RoleSpec(), session)
    assert applied["attach_managed_policy"].outcome == "created"
    for force in (False, True):
        report = teardown(RoleSpec(), session, force=force)
        assert report["create_role"].outcome in ("kept", "skipped")
        role = iam.get_role(RoleName="ecsInstanceRole")["Role"]
        assert role["Description"] == "made by hand"
        assert iam.list_attached_role_policies(RoleName="ecsInstanceRole")["AttachedPolicies"] == []
        assert iam.list_role_policies(RoleName="ecsInstanceRole")["PolicyNames"] == ["their-own"]
        assert state(session)["instance_profiles"] == {}
        assert [t["Key"] for t in role.get("Tags", [])] == []  # the guide's note is gone too


def test_a_policy_already_on_a_role_that_existed_before_stays(session, iam):
    iam.create_role(RoleName="ecsInstanceRole", AssumeRolePolicyDocument=trust())
    iam.attach_role_policy(RoleName="ecsInstanceRole", PolicyArn=CONTAINER_POLICY)
    apply(RoleSpec(), session)
    report = teardown(RoleSpec(), session, force=True)
    assert report["attach_managed_policy"].outcome == "kept"
    attached = iam.list_attached_role_policies(RoleName="ecsInstanceRole")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [CONTAINER_POLICY]


def test_a_policy_someone_else_attached_stops_teardown_before_it_removes_anything(
        session, iam, state):
    apply(RoleSpec(), session)
    iam.attach_role_policy(RoleName="ecsInstanceRole", PolicyArn=ADMIN)
    before = state(session)
    with pytest.raises(ConflictError) as caught:
        teardown(RoleSpec(), session)
    assert "AdministratorAccess" in str(caught.value) and "force" in str(caught.value)
    assert caught.value.problems[0].field == "role_name"
    assert state(session) == before  # nothing removed: no role left without its profile

    forced = teardown(RoleSpec(), session, force=True)
    assert forced["create_role"].outcome == "removed"
    assert iam.list_roles()["Roles"] == []
    assert iam.get_policy(PolicyArn=ADMIN)["Policy"]["Arn"] == ADMIN  # detached, not deleted


def test_a_setup_made_with_other_features_is_not_half_torn(session, iam, state):
    """Issue 9: ``teardown(RoleSpec())`` of a setup applied with more features."""
    apply(RoleSpec(features=("ecr", "cloudwatch_logs")), session)
    before = state(session)
    with pytest.raises(ConflictError) as caught:
        teardown(RoleSpec(), session)
    assert "cwlogspolicy" in str(caught.value)
    assert state(session) == before


def test_an_inline_policy_someone_else_added_stops_teardown_even_forced(session, iam, state):
    apply(RoleSpec(), session)
    iam.put_role_policy(RoleName="ecsInstanceRole", PolicyName="team-extra",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]}))
    before = state(session)
    for force in (False, True):
        with pytest.raises(ConflictError) as caught:
            teardown(RoleSpec(), session, force=force)
        assert "team-extra" in str(caught.value)
        assert state(session) == before


@pytest.mark.parametrize("name,spec", [
    ("ecr-pull", RoleSpec(features=["ecr"])),
    ("ecs-config-read", RoleSpec(features=["s3_config"], least_privilege=True,
                                 config_bucket=BUCKET)),
])
def test_a_foreign_inline_policy_under_the_guides_name_is_not_deleted(name, spec, session, iam,
                                                                      state):
    """Inline policies carry no tags: the guide's own is known by its document."""
    apply(spec, session)
    foreign = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]}
    iam.put_role_policy(RoleName="ecsInstanceRole", PolicyName=name,
                        PolicyDocument=json.dumps(foreign))
    before = state(session)
    with pytest.raises(ConflictError) as caught:
        teardown(spec, session, force=True)
    assert name in str(caught.value) and "did not write" in str(caught.value)
    assert state(session) == before
    finding = [r for r in audit(spec, session).rows if name in r.reason]
    assert finding and "did not write" in finding[0].reason


def test_an_extra_customer_policy_is_detached_but_kept(session, iam, state):
    arn = iam.create_policy(PolicyName="team-policy", PolicyDocument=json.dumps(
        {"Version": "2012-10-17",
         "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]}))[
        "Policy"]["Arn"]
    spec = RoleSpec(extra_policy_arns=[arn])
    apply(spec, session)
    report = teardown(spec, session)
    assert report["attach_extra_policy_1"].outcome == "removed"
    after = state(session)
    assert after["roles"] == {} and list(after["local_policies"]) == [arn]


@pytest.mark.parametrize("force", [False, True], ids=["plain", "forced"])
def test_the_logs_policy_stays_while_another_role_has_it_as_its_boundary(force, session, iam):
    spec = RoleSpec(features=["cloudwatch_logs"])
    apply(spec, session)
    arn = f"arn:aws:iam::{account_of(session)}:policy/{spec.log_policy_name}"
    iam.create_role(RoleName="appRole", AssumeRolePolicyDocument=trust(), PermissionsBoundary=arn)
    report = teardown(spec, session, force=force)
    row = report["create_logs_policy"]
    assert row.outcome == "kept"
    assert "permissions boundary" in row.reason and "appRole" not in row.reason  # says why
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Arn"] == arn  # still there
    bounded = iam.get_role(RoleName="appRole")["Role"]
    assert bounded["PermissionsBoundary"]["PermissionsBoundaryArn"] == arn
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["appRole"]  # the rest went
    iam.delete_role(RoleName="appRole")
    assert teardown(spec, session).outcomes["create_logs_policy"] == "removed"  # unused now


def test_bucket_holding_someone_elses_object_is_kept(session):
    spec = RoleSpec(features=["s3_config"], config_bucket=BUCKET)
    apply(spec, session)
    s3 = session.client("s3")
    s3.put_object(Bucket=BUCKET, Key="other/notes.txt", Body=b"not the guide's")
    report = teardown(spec, session)
    assert report["upload_ecs_config"].outcome == "removed"
    assert report["create_config_bucket"].outcome == "kept"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == ["other/notes.txt"]


# ---------------------------------------------------------------------------------------
# Partial states: what a stopped run, or a person, left behind.
# ---------------------------------------------------------------------------------------
FULL = RoleSpec(features=ALL, config_bucket=BUCKET, trunking=True)


def only_the_role(session, iam):
    iam.create_role(RoleName="ecsInstanceRole", AssumeRolePolicyDocument=trust(), Tags=OWNER_TAG)


def role_with_policy_no_profile(session, iam):
    only_the_role(session, iam)
    iam.attach_role_policy(RoleName="ecsInstanceRole", PolicyArn=CONTAINER_POLICY)


def only_the_profile(session, iam):
    iam.create_instance_profile(InstanceProfileName="ecsInstanceRole-profile", Tags=OWNER_TAG)


def profile_with_role_no_policies(session, iam):
    only_the_role(session, iam)
    only_the_profile(session, iam)
    iam.add_role_to_instance_profile(InstanceProfileName="ecsInstanceRole-profile",
                                     RoleName="ecsInstanceRole")


def only_the_logs_policy(session, iam):
    apply(RoleSpec(features=["cloudwatch_logs"]), session)
    iam.detach_role_policy(RoleName="ecsInstanceRole", PolicyArn=CONTAINER_POLICY)
    iam.detach_role_policy(RoleName="ecsInstanceRole",
                           PolicyArn=f"arn:aws:iam::{account_of(session)}:policy/cwlogspolicy")
    iam.remove_role_from_instance_profile(InstanceProfileName="ecsInstanceRole-profile",
                                          RoleName="ecsInstanceRole")
    iam.delete_instance_profile(InstanceProfileName="ecsInstanceRole-profile")
    iam.delete_role(RoleName="ecsInstanceRole")


def only_the_bucket_and_config(session, iam):
    apply(RoleSpec(features=["s3_config"], config_bucket=BUCKET), session)
    teardown(RoleSpec(), session, force=True)  # the role part only
    assert iam.list_roles()["Roles"] == []


def full_setup_without_the_profile(session, iam):
    apply(FULL, session)
    iam.remove_role_from_instance_profile(InstanceProfileName="ecsInstanceRole-profile",
                                          RoleName="ecsInstanceRole")
    iam.delete_instance_profile(InstanceProfileName="ecsInstanceRole-profile")


def run_stopped_at_create_policy(session, iam):
    """An apply that stopped half-way: IAM refused CreatePolicy."""
    def refuse(**_):
        response = {"Error": {"Code": "ServiceFailure", "Message": "injected"},
                    "ResponseMetadata": {"HTTPStatusCode": 500}}
        return type("Http", (), {"status_code": 500, "headers": {}})(), response

    stopping = SandboxSession(session.endpoint_url, "us-east-1")
    stopping.events.register("before-call.iam.CreatePolicy", refuse)
    with pytest.raises(AwsError):
        apply(FULL, stopping)
    assert iam.get_role(RoleName="ecsInstanceRole")  # the run got this far


@pytest.mark.parametrize("make_state", [
    only_the_role, role_with_policy_no_profile, only_the_profile, profile_with_role_no_policies,
    only_the_logs_policy, only_the_bucket_and_config, full_setup_without_the_profile,
    run_stopped_at_create_policy,
], ids=lambda f: f.__name__)
def test_teardown_from_a_partial_state(make_state, session, iam, state, empty_state):
    make_state(session, iam)
    assert state(session) != empty_state
    report = teardown(FULL, session)
    assert "kept" not in report.outcomes.values(), str(report)
    assert state(session) == empty_state
