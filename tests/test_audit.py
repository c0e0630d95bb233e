"""audit(spec): a read-only check of AWS against the spec, each finding explained."""

from __future__ import annotations

import json

import pytest

from ecsrole_lib import RoleSpec, apply, audit

CONTAINER_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
S3_READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
BUCKET = "ecs-config-audit-test"
ALL = ["ecr", "s3_config", "cloudwatch_logs"]
FULL = RoleSpec(features=ALL, config_bucket=BUCKET, trunking=True)


def trust(service: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]})


def findings(report) -> dict[str, object]:
    return {row.step: row for row in report.findings}


@pytest.mark.parametrize("spec", [
    pytest.param(FULL, id="ec2-full"),
    pytest.param(RoleSpec(features=ALL, config_bucket=BUCKET, least_privilege=True),
                 id="ec2-full-least-privilege"),
    pytest.param(RoleSpec(instance_kind="external", features=["ecr", "cloudwatch_logs"]),
                 id="external"),
])
def test_converged_setup_has_no_findings(spec, session, record_calls):
    apply(spec, session)
    calls = record_calls(session)
    report = audit(spec, session)
    assert report.findings == [], str(report)
    assert calls.writes() == [] and report.writes == 0
    assert set(report.outcomes.values()) <= {"ok", "info"}


def test_nothing_there_is_all_missing(session, record_calls):
    calls = record_calls(session)
    report = audit(RoleSpec(), session)
    assert calls.writes() == []
    for step in ("create_role", "create_instance_profile", "attach_managed_policy"):
        assert report[step].outcome == "missing", report[step]


def test_ecr_question_is_answered_from_the_managed_policy(session):
    """E6: the page links to itself; the audit answers from the policy document."""
    spec = RoleSpec(features=["ecr"])
    apply(spec, session)
    row = audit(spec, session)["check_ecr_permissions"]
    assert row.outcome == "ok"
    assert "AmazonEC2ContainerServiceforEC2Role" in row.reason


def test_wrong_principal_on_someone_elses_role(session, iam):
    iam.create_role(RoleName="ecsInstanceRole", AssumeRolePolicyDocument=trust("ecs.amazonaws.com"))
    report = audit(RoleSpec(), session)
    row = findings(report)["create_role"]
    assert "ecs.amazonaws.com" in row.reason
    assert "ec2.amazonaws.com" in row.reason  # what it should trust


def test_wrong_principal_on_the_guides_role(session, iam):
    apply(RoleSpec(), session)
    iam.update_assume_role_policy(RoleName="ecsInstanceRole",
                                  PolicyDocument=trust("ecs.amazonaws.com"))
    row = findings(audit(RoleSpec(), session))["create_role"]
    assert "ecs.amazonaws.com" in row.reason and "trust" in row.reason


def test_missing_instance_profile(session, iam):
    apply(RoleSpec(), session)
    iam.remove_role_from_instance_profile(InstanceProfileName="ecsInstanceRole-profile",
                                          RoleName="ecsInstanceRole")
    iam.delete_instance_profile(InstanceProfileName="ecsInstanceRole-profile")
    found = findings(audit(RoleSpec(), session))
    assert found["create_instance_profile"].outcome == "missing"
    assert "ecsInstanceRole-profile" in found["create_instance_profile"].reason
    assert "add_role_to_instance_profile" in found


def test_missing_logs_permission(session, iam):
    apply(FULL, session)
    logs_arn = f"arn:aws:iam::{session.client('sts').get_caller_identity()['Account']}" \
               ":policy/cwlogspolicy"
    iam.detach_role_policy(RoleName="ecsInstanceRole", PolicyArn=logs_arn)
    found = findings(audit(FULL, session))
    assert list(found) == ["attach_logs_policy"]
    assert found["attach_logs_policy"].arn == logs_arn
    assert "attached" in found["attach_logs_policy"].reason


def test_missing_s3_read_permission(session, iam):
    apply(FULL, session)
    iam.detach_role_policy(RoleName="ecsInstanceRole", PolicyArn=S3_READ_ONLY)
    found = findings(audit(FULL, session))
    assert list(found) == ["attach_s3_read_only", "doctor"]  # the doctor: ecs.config unreadable
    assert "s3:GetObject" in found["doctor"].reason
    assert found["attach_s3_read_only"].arn == S3_READ_ONLY


def test_missing_least_privilege_inline_policy(session, iam):
    spec = RoleSpec(features=["s3_config"], config_bucket=BUCKET, least_privilege=True)
    apply(spec, session)
    (name,) = iam.list_role_policies(RoleName="ecsInstanceRole")["PolicyNames"]
    iam.delete_role_policy(RoleName="ecsInstanceRole", PolicyName=name)
    found = findings(audit(spec, session))
    assert list(found) == ["put_s3_config_policy", "doctor"]
    assert "s3:GetObject" in found["doctor"].reason
    assert name in found["put_s3_config_policy"].reason


def test_missing_managed_policy_means_no_ecr_permissions(session, iam):
    spec = RoleSpec(features=["ecr"])
    apply(spec, session)
    iam.detach_role_policy(RoleName="ecsInstanceRole", PolicyArn=CONTAINER_POLICY)
    found = findings(audit(spec, session))
    assert set(found) == {"attach_managed_policy", "check_ecr_permissions", "doctor"}
    assert "does not register" in found["doctor"].reason
    assert "ECR" in found["check_ecr_permissions"].reason


def test_extra_attached_policy(session, iam):
    apply(FULL, session)
    iam.attach_role_policy(RoleName="ecsInstanceRole", PolicyArn=ADMIN)
    report = audit(FULL, session)
    (row,) = report.findings
    assert row.outcome == "extra" and row.arn == ADMIN
    assert "AdministratorAccess" in row.title + row.reason + row.arn
    assert "spec" in row.reason


def test_extra_inline_policy(session, iam):
    apply(RoleSpec(), session)
    iam.put_role_policy(RoleName="ecsInstanceRole", PolicyName="wide-open",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                            {"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    (row,) = audit(RoleSpec(), session).findings
    assert row.outcome == "extra" and "wide-open" in row.title + row.reason


def test_changed_ecs_config_and_public_bucket(session):
    apply(FULL, session)
    s3 = session.client("s3")
    s3.put_object(Bucket=BUCKET, Key="ecs.config", Body=b"ECS_CLUSTER=elsewhere\n")
    s3.delete_public_access_block(Bucket=BUCKET)
    found = findings(audit(FULL, session))
    # The doctor too: the agent reads ECS_CLUSTER from it (issue 18.6).
    assert set(found) == {"upload_ecs_config", "create_config_bucket", "doctor"}
    assert "public" in found["create_config_bucket"].reason
    assert "instances join elsewhere, not " in found["doctor"].reason


def test_trunking_not_enabled(session):
    apply(FULL, session)
    role_arn = session.client("iam").get_role(RoleName=FULL.role_name)["Role"]["Arn"]
    # The setting is the role's own (as on AWS), so that is the one someone deletes.
    session.client("ecs").delete_account_setting(name="awsvpcTrunking", principalArn=role_arn)
    found = findings(audit(FULL, session))
    assert list(found) == ["enable_awsvpc_trunking", "doctor"]  # the doctor's row too (18.6)
    assert "awsvpcTrunking" in found["enable_awsvpc_trunking"].reason
    assert found["doctor"].reason.startswith("an instance with this role registers, but "
                                             "awsvpcTrunking: awsvpcTrunking is not in effect")


def test_report_renders_findings(session, iam):
    iam.create_role(RoleName="ecsInstanceRole", AssumeRolePolicyDocument=trust("ecs.amazonaws.com"))
    report = audit(RoleSpec(), session)
    text, html = str(report), report._repr_html_()
    assert "ecs.amazonaws.com" in text and "create_role" in html and "<table" in html
