"""The doctor: will an instance holding the role register? Each break of the issue, on the sandbox.

Every break is made with plain boto3, the way a person (or a script) gets there; the
assertions are on what a user reads: which row fails, AWS's words, the cause and the fix.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from botocore.awsrequest import AWSResponse

from ecsrole_lib import AgentConfig, RoleSpec, ValidationError, apply, audit, doctor

ACCOUNT = "123456789012"
ROLE = "ecsInstanceRole"
PROFILE = "ecsInstanceRole-profile"
CONTAINER_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
BUCKET = "ecsrole-guide-doctor-test"
CLUSTER_ARN = f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/default"


def document(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def trust(service: str) -> str:
    return document({"Effect": "Allow", "Principal": {"Service": service},
                     "Action": "sts:AssumeRole"})


def failing(diagnosis) -> dict:
    return {c.name: c for c in diagnosis.failures}


# An ecs.amazonaws.com-era copy of the managed policy: everything but the 2024 TagResource
# statement (and the 2025 ListTagsForResource one).
STALE_COPY = document({"Effect": "Allow", "Action": [
    "ec2:DescribeTags", "ecs:CreateCluster", "ecs:DeregisterContainerInstance",
    "ecs:DiscoverPollEndpoint", "ecs:Poll", "ecs:RegisterContainerInstance",
    "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState", "ecs:Submit*",
    "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream",
    "logs:PutLogEvents"], "Resource": "*"})


def swap_for_stale_copy(iam):
    iam.detach_role_policy(RoleName=ROLE, PolicyArn=CONTAINER_POLICY)
    iam.put_role_policy(RoleName=ROLE, PolicyName="ecs-instance-copy", PolicyDocument=STALE_COPY)


# ---------------------------------------------------------------------------------------
# Right roles are green.
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("spec", [
    RoleSpec(),
    RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs"], config_bucket=BUCKET),
    RoleSpec(features=["s3_config", "cloudwatch_logs"], config_bucket=BUCKET,
             least_privilege=True, cluster_name="prod"),
    RoleSpec(instance_kind="external"),
], ids=["base", "all-features", "least-privilege", "external"])
def test_the_guides_roles_register(session, spec, record_calls):
    apply(spec, session)
    calls = record_calls(session)
    everything = AgentConfig(instance_tags=True, service_connect=True, task_metadata_tags=True,
                             spot_draining=spec.instance_kind == "ec2",
                             propagate_ec2_tags=spec.instance_kind == "ec2")
    diagnosis = doctor(spec, session, everything)
    assert diagnosis.registers, str(diagnosis)
    assert diagnosis.failures == []
    assert calls.writes() == []  # read only
    names = [c.name for c in diagnosis.checks]
    assert names[0] == "trust" and "ecs:RegisterContainerInstance" in names
    assert ("instance_profile" in names) == (spec.instance_kind == "ec2")
    if "s3_config" in spec.features:
        assert diagnosis["s3:GetObject"].ok
    if spec.instance_kind == "external":
        assert diagnosis["ssm:UpdateInstanceInformation"].ok
    assert "no IAM policy simulator" in " ".join(diagnosis.notes)  # said once, on the sandbox
    assert sum("simulator" in n for n in diagnosis.notes) == 1


def test_a_role_name_is_enough(session):
    apply(RoleSpec(instance_kind="external"), session)
    diagnosis = doctor("ecsAnywhereRole", session)
    assert diagnosis.instance_kind == "external" and diagnosis.registers


def test_a_missing_role(session):
    diagnosis = doctor("noSuchRole", session)
    assert not diagnosis.registers
    assert "does not exist" in failing(diagnosis)["role"].reason


# ---------------------------------------------------------------------------------------
# The breaks.
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("principal", ["ecs.amazonaws.com", "ecs-tasks.amazonaws.com",
                                       "ssm.amazonaws.com"])
def test_wrong_trust_principal(session, iam, principal):
    apply(RoleSpec(), session)
    iam.update_assume_role_policy(RoleName=ROLE, PolicyDocument=trust(principal))
    diagnosis = doctor(RoleSpec(), session)
    assert not diagnosis.registers
    assert list(failing(diagnosis)) == ["trust"]
    row = diagnosis["trust"]
    assert principal in row.reason and "ec2.amazonaws.com" in row.reason
    assert "AssumeRoleUnauthorizedAccess" in row.symptom
    assert "update-assume-role-policy" in row.fix


def test_external_role_trusting_ec2(session, iam):
    apply(RoleSpec(instance_kind="external"), session)
    iam.update_assume_role_policy(RoleName="ecsAnywhereRole", PolicyDocument=trust("ec2.amazonaws.com"))
    diagnosis = doctor(RoleSpec(instance_kind="external"), session)
    assert list(failing(diagnosis)) == ["trust"]
    assert "ssm.amazonaws.com" in diagnosis["trust"].reason
    assert "missing ssm service principal" in diagnosis["trust"].symptom


def test_empty_instance_profile(session, iam):
    apply(RoleSpec(), session)
    iam.remove_role_from_instance_profile(InstanceProfileName=PROFILE, RoleName=ROLE)
    diagnosis = doctor(RoleSpec(), session)
    assert list(failing(diagnosis)) == ["instance_profile"]
    row = diagnosis["instance_profile"]
    assert "empty" in row.reason and "NoCredentialProviders" in row.symptom
    assert f"add-role-to-instance-profile --instance-profile-name {PROFILE} --role-name {ROLE}" in row.fix


def test_no_instance_profile_at_all(session, iam):
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=trust("ec2.amazonaws.com"))
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=CONTAINER_POLICY)
    diagnosis = doctor(ROLE, session)
    row = failing(diagnosis)["instance_profile"]
    assert "does not exist" in row.reason and "Invalid IAM Instance Profile name" in row.symptom
    assert "create-instance-profile" in row.fix


def test_profile_holds_another_role(session, iam):
    apply(RoleSpec(), session)
    iam.remove_role_from_instance_profile(InstanceProfileName=PROFILE, RoleName=ROLE)
    iam.create_role(RoleName="someOtherRole", AssumeRolePolicyDocument=trust("ec2.amazonaws.com"))
    iam.add_role_to_instance_profile(InstanceProfileName=PROFILE, RoleName="someOtherRole")
    row = failing(doctor(RoleSpec(), session))["instance_profile"]
    assert "holds role someOtherRole" in row.reason
    assert "remove-role-from-instance-profile" in row.fix


def test_managed_policy_detached_and_nothing_instead(session, iam):
    apply(RoleSpec(), session)
    iam.detach_role_policy(RoleName=ROLE, PolicyArn=CONTAINER_POLICY)
    diagnosis = doctor(RoleSpec(), session)
    found = failing(diagnosis)
    assert {"ecs:RegisterContainerInstance", "ecs:Poll", "ecs:DiscoverPollEndpoint"} <= set(found)
    row = found["ecs:RegisterContainerInstance"]
    assert row.symptom == (
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE}/i-0123456789abcdef0 is not authorized "
        f"to perform: ecs:RegisterContainerInstance on resource: {CLUSTER_ARN} because no "
        "identity-based policy allows the ecs:RegisterContainerInstance action")
    assert f"attach-role-policy --role-name {ROLE} --policy-arn {CONTAINER_POLICY}" in row.fix


def test_a_failing_rows_condition_is_said_whole(session, iam):
    """The audit's doctor row names when each failing call is made, brackets and all."""
    apply(RoleSpec(), session)
    iam.detach_role_policy(RoleName=ROLE, PolicyArn=CONTAINER_POLICY)
    reason = audit(RoleSpec(), session)["doctor"].reason
    assert ("logs:PutLogEvents: tasks log with awslogs and have no task execution role "
            "(ecs-init sets ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE=true by default, so a task "
            "with one logs with it; on external instances Amazon ECS Anywhere requires one for "
            "awslogs): ") in reason
    assert reason.count("(") == reason.count(")")


def test_explicit_deny_names_the_statement(session, iam):
    apply(RoleSpec(), session)
    iam.put_role_policy(RoleName=ROLE, PolicyName="guardrail", PolicyDocument=document(
        {"Sid": "NoTelemetry", "Effect": "Deny", "Action": "ecs:StartTelemetrySession",
         "Resource": "*"}))
    diagnosis = doctor(RoleSpec(), session)
    assert list(failing(diagnosis)) == ["ecs:StartTelemetrySession"]
    row = diagnosis["ecs:StartTelemetrySession"]
    assert "guardrail" in row.reason and "NoTelemetry" in row.reason
    assert row.symptom.endswith("with an explicit deny in an identity-based policy")
    assert "Deny statement" in row.fix


def test_boundary_that_omits_ecs(session, iam):
    boundary = iam.create_policy(PolicyName="only-logs", PolicyDocument=document(
        {"Effect": "Allow", "Action": ["logs:*", "ecr:*"], "Resource": "*"}))["Policy"]["Arn"]
    spec = RoleSpec(permissions_boundary=boundary)
    apply(spec, session)
    diagnosis = doctor(spec, session)
    found = failing(diagnosis)
    assert "ecs:RegisterContainerInstance" in found and "ecr:BatchGetImage" not in found
    row = found["ecs:Poll"]
    assert "boundary only-logs" in row.reason
    assert row.symptom.endswith("because no permissions boundary allows the ecs:Poll action")
    assert "delete-role-permissions-boundary" in row.fix


def test_stale_hand_copied_policy_without_tag_resource(session, iam):
    apply(RoleSpec(), session)
    swap_for_stale_copy(iam)
    assert doctor(RoleSpec(), session).registers  # without instance tags, the copy still works
    diagnosis = doctor(RoleSpec(), session, AgentConfig(instance_tags=True))
    assert not diagnosis.registers
    assert list(failing(diagnosis)) == ["ecs:TagResource"]
    row = diagnosis["ecs:TagResource"]
    assert "ecs:TagResource" in row.symptom
    assert CONTAINER_POLICY in row.fix and "AWS keeps the managed one current" in row.fix


def test_scoped_poll_breaks_service_connect(session, iam):
    apply(RoleSpec(), session)
    iam.detach_role_policy(RoleName=ROLE, PolicyArn=CONTAINER_POLICY)
    iam.put_role_policy(RoleName=ROLE, PolicyName="scoped-agent", PolicyDocument=document(
        {"Effect": "Allow", "Action": ["ecs:RegisterContainerInstance", "ecs:DiscoverPollEndpoint",
                                       "ecs:Submit*", "ecs:StartTelemetrySession", "ecs:Poll"],
         "Resource": "*", "Condition": {"ArnEquals": {"ecs:cluster": CLUSTER_ARN}}},
        {"Effect": "Allow", "Action": "ecs:DiscoverPollEndpoint", "Resource": "*"}))
    plain = AgentConfig(awslogs=False, ecr_pulls=False)
    assert doctor(RoleSpec(), session, plain).registers is False  # RegisterContainerInstance: no ecs:cluster
    iam.put_role_policy(RoleName=ROLE, PolicyName="register", PolicyDocument=document(
        {"Effect": "Allow", "Action": ["ecs:RegisterContainerInstance", "ecs:Submit*"],
         "Resource": CLUSTER_ARN}))
    assert doctor(RoleSpec(), session, plain).registers
    connect = AgentConfig(awslogs=False, ecr_pulls=False, service_connect=True)
    diagnosis = doctor(RoleSpec(), session, connect)
    assert diagnosis.registers  # it registers, and Service Connect then fails
    (row,) = diagnosis.failures
    assert row.name == "ecs:Poll (Service Connect agent)" and row.action == "ecs:Poll"
    assert "task-set/default/" in row.symptom
    assert "condition is not met" in row.reason


def test_ecs_config_unreadable(session, iam):
    spec = RoleSpec(features=["s3_config"], config_bucket=BUCKET, least_privilege=True)
    apply(spec, session)
    iam.put_role_policy(RoleName=ROLE, PolicyName="ecs-config-read", PolicyDocument=document(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/old.config"}))
    diagnosis = doctor(spec, session)
    assert list(failing(diagnosis)) == ["s3:GetObject"]
    row = diagnosis["s3:GetObject"]
    assert f"arn:aws:s3:::{BUCKET}/ecs.config" in row.symptom and "403" in row.symptom
    assert "s3:GetObject" in row.fix


def test_external_role_without_ssm_core(session, iam):
    apply(RoleSpec(instance_kind="external"), session)
    iam.detach_role_policy(RoleName="ecsAnywhereRole", PolicyArn=SSM_CORE)
    diagnosis = doctor(RoleSpec(instance_kind="external"), session)
    found = failing(diagnosis)
    assert "ssm:UpdateInstanceInformation" in found and "ecs:Poll" not in found
    assert SSM_CORE in found["ssm:UpdateInstanceInformation"].fix


def test_external_role_without_ssm_core_does_not_register(session, iam):
    """AWS, Amazon ECS container instance IAM role: "If you are registering external instances
    to your cluster, the IAM role you use requires Systems Manager permissions as well" (the
    Amazon ECS Anywhere IAM role page attaches AmazonSSMManagedInstanceCore). Without the
    Systems Manager Agent's heartbeat the managed instance never comes online, and the agent
    gets no credentials: the instance does not register."""
    apply(RoleSpec(instance_kind="external"), session)
    iam.detach_role_policy(RoleName="ecsAnywhereRole", PolicyArn=SSM_CORE)
    diagnosis = doctor(RoleSpec(instance_kind="external"), session)
    assert diagnosis.verdict == "does not register" and not diagnosis.registers
    blocking = {c.name for c in diagnosis.blocking}
    assert {"ssm:UpdateInstanceInformation", "ec2messages:GetMessages"} <= blocking
    assert "ssmmessages:CreateControlChannel" not in blocking  # Session Manager only
    assert diagnosis.summary().startswith(
        "doctor on sandbox: an external instance with role ecsAnywhereRole does NOT register "
        "(fails: ssm:UpdateInstanceInformation, ec2messages:GetMessages)")
    assert audit(RoleSpec(instance_kind="external"), session)["doctor"].reason.startswith(
        "an instance with this role does not register: ssm:UpdateInstanceInformation: ")


#: IAM, Condition operators (IP address): aws:SourceIp is the requester's address, which an
#: instance's role cannot tell the guide.
SOURCE_IP_ONLY = document({"Effect": "Allow", "Action": "*", "Resource": "*",
                           "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}})


def test_a_policy_the_guide_cannot_decide_is_cannot_tell(session, iam):
    """Issue 18.3: undecided is neither "registers" nor "does not register"; the summary, the
    audit's row and the survey say "cannot tell", each undecided call with why."""
    apply(RoleSpec(), session)
    iam.detach_role_policy(RoleName=ROLE, PolicyArn=CONTAINER_POLICY)
    iam.put_role_policy(RoleName=ROLE, PolicyName="from-the-vpc", PolicyDocument=SOURCE_IP_ONLY)
    diagnosis = doctor(RoleSpec(), session)
    assert diagnosis.verdict == "cannot tell" and not diagnosis.registers
    assert not diagnosis.blocking and diagnosis.failures == []
    register = diagnosis["ecs:RegisterContainerInstance"]
    assert register in diagnosis.undecided and "aws:SourceIp" in register.reason
    assert "cannot tell whether it registers (undecided: ecs:RegisterContainerInstance (" in (
        diagnosis.summary())
    row = audit(RoleSpec(), session)["doctor"]
    assert row.reason.startswith("cannot tell whether an instance with this role registers: "
                                 "ecs:RegisterContainerInstance: cannot tell: ")
    assert "does not register" not in row.reason


def test_scoped_logs_policy_narrows_nothing(session):
    spec = RoleSpec(features=["cloudwatch_logs"], least_privilege=True)
    apply(spec, session)
    diagnosis = doctor(spec, session)
    assert diagnosis.registers
    row = diagnosis["least_privilege:cwlogspolicy"]
    assert row.ok is None  # information, not a failure
    assert "logs:CreateLogStream" in row.reason and "logs:PutLogEvents" in row.reason
    assert "AmazonEC2ContainerServiceforEC2Role" in row.reason and "narrows nothing" in row.reason


def test_text_and_html(session, iam):
    apply(RoleSpec(), session)
    iam.update_assume_role_policy(RoleName=ROLE, PolicyDocument=trust("ecs.amazonaws.com"))
    diagnosis = doctor(RoleSpec(), session)
    text, page = str(diagnosis), diagnosis._repr_html_()
    assert "does NOT register" in text and "FAIL  trust" in text and "fix:" in text
    assert "<table" in page and "ecs.amazonaws.com" in page


def test_audit_ends_with_the_doctors_verdict(session, iam):
    apply(RoleSpec(), session)
    assert audit(RoleSpec(), session).rows[-1].outcome == "ok"
    iam.remove_role_from_instance_profile(InstanceProfileName=PROFILE, RoleName=ROLE)
    report = audit(RoleSpec(), session)
    last = report.rows[-1]
    assert last.step == "doctor" and last.outcome == "fails"
    assert "instance_profile" in last.reason


# ---------------------------------------------------------------------------------------
# Off the sandbox: IAM's simulator is asked too, and a disagreement shows.
# ---------------------------------------------------------------------------------------
def stub_simulator(session, answer: dict[str, str]):
    """Answer SimulatePrincipalPolicy from ``answer`` (action -> EvalDecision), default allowed."""
    asked = []

    def reply(params=None, **_):
        body = params["body"]  # the query protocol's form fields, as sent
        action = body["ActionNames.member.1"]
        asked.append(body)
        parsed = {"EvaluationResults": [{"EvalActionName": action,
                                         "EvalDecision": answer.get(action, "allowed")}]}
        return AWSResponse("https://iam.amazonaws.com/", 200, {}, None), parsed

    session.events.register("before-call.iam.SimulatePrincipalPolicy", reply)
    return asked


def test_on_aws_the_simulator_answers_beside_the_guide(aws_session):
    apply(RoleSpec(), aws_session)
    asked = stub_simulator(aws_session, {"ecs:Poll": "implicitDeny"})
    diagnosis = doctor(RoleSpec(), aws_session, AgentConfig(instance_tags=True))
    assert diagnosis.simulated and diagnosis.target == "AWS"
    row = diagnosis["ecs:Poll"]
    assert row.ok is False and "DISAGREES" in row.iam
    assert "the guide's evaluation says allow" in row.reason and "implicitDeny" in row.reason
    assert not diagnosis.registers  # the stricter answer decides
    assert "agrees" in diagnosis["ecs:RegisterContainerInstance"].iam
    tag = next(b for b in asked if b["ActionNames.member.1"] == "ecs:TagResource")
    entries = {tag[k]: tag[k.replace("ContextKeyName", "ContextKeyValues.member.1")]
               for k in tag if k.endswith("ContextKeyName")}
    assert entries["ecs:CreateAction"] == "RegisterContainerInstance"
    assert tag["ResourceArns.member.1"].startswith(
        f"arn:aws:ecs:us-east-1:{ACCOUNT}:container-instance/default/")
    assert "simulator</th>" in diagnosis._repr_html_() and "DISAGREES" in diagnosis._repr_html_()
    assert not any("no IAM policy simulator" in n for n in diagnosis.notes)


def test_on_aws_a_denied_simulator_is_said_not_hidden(aws_session):
    apply(RoleSpec(), aws_session)
    # moto has no SimulatePrincipalPolicy: the doctor says it could not ask, and answers alone.
    diagnosis = doctor(RoleSpec(), aws_session)
    assert diagnosis.registers and not diagnosis.simulated
    assert any("could not be asked" in n for n in diagnosis.notes)


# ---------------------------------------------------------------------------------------
# A property: with a right trust and profile, the role registers exactly when every call the
# issue names as always needed is allowed, and each missing one is a failing row.
# ---------------------------------------------------------------------------------------
ALWAYS = ("ecs:RegisterContainerInstance", "ecs:DiscoverPollEndpoint", "ecs:Poll",
          "ecs:StartTelemetrySession", "ecs:SubmitTaskStateChange",
          "ecs:SubmitContainerStateChange")
NOT_NEEDED = ("ecs:ListClusters", "s3:ListAllMyBuckets", "ecs:DeregisterContainerInstance")
#: Made, but not needed to register: only for instance-level attachments (trunk ENIs, EBS).
ATTACHMENTS = "ecs:SubmitAttachmentStateChanges"


def test_registers_exactly_when_every_always_needed_call_is_allowed(session, iam):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=trust("ec2.amazonaws.com"))
    iam.create_instance_profile(InstanceProfileName=PROFILE)
    iam.add_role_to_instance_profile(InstanceProfileName=PROFILE, RoleName=ROLE)
    quiet = AgentConfig(awslogs=False, ecr_pulls=False)

    @settings(max_examples=15, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.sets(st.sampled_from(ALWAYS + NOT_NEEDED), min_size=1),
           st.sampled_from(["exact", "lower", "wildcard"]))
    def check(allowed, spelling):
        actions = sorted(allowed)
        if spelling == "lower":  # action names are case-insensitive
            actions = [a.lower() for a in actions]
        if spelling == "wildcard" and {a for a in ALWAYS if a.startswith("ecs:Submit")} <= allowed:
            actions = [a for a in actions if not a.startswith("ecs:Submit")] + ["ecs:Submit*"]
        iam.put_role_policy(RoleName=ROLE, PolicyName="agent", PolicyDocument=document(
            {"Effect": "Allow", "Action": actions, "Resource": "*"}))
        diagnosis = doctor(ROLE, session, quiet)
        missing = {a for a in ALWAYS if a not in allowed}
        assert diagnosis.registers == (not missing)
        attachments = set() if "ecs:Submit*" in actions else {ATTACHMENTS}
        assert {c.action for c in diagnosis.failures} == missing | attachments

    check()


# ---------------------------------------------------------------------------------------
# The request an instance-role session carries (issue 18.2): IAM, "AWS global condition
# context keys" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html)
# and "Variables and tags" (principal key values); ec2:RoleDelivery and
# ec2:SourceInstanceARN: the Amazon EC2 User Guide's keys for instance role credentials.
# ---------------------------------------------------------------------------------------
AGENT_ACTIONS = ["ecs:*", "ecr:*", "logs:*"]
NOW_ISH = "2020-01-01T00:00:00Z"


def _only_under(session, iam, condition, effect="Allow", tags=None):
    """The documented role, its managed policy swapped for the agent's actions under
    ``condition`` (or beside a Deny under it)."""
    apply(RoleSpec(), session)
    iam.detach_role_policy(RoleName=ROLE, PolicyArn=CONTAINER_POLICY)
    statements = [{"Effect": "Allow", "Action": AGENT_ACTIONS, "Resource": "*",
                   **({"Condition": condition} if effect == "Allow" else {})}]
    if effect == "Deny":
        statements.append({"Effect": "Deny", "Action": "*", "Resource": "*",
                           "Condition": condition})
    iam.put_role_policy(RoleName=ROLE, PolicyName="agent", PolicyDocument=document(*statements))
    if tags:
        iam.tag_role(RoleName=ROLE, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])


@pytest.mark.parametrize("condition,effect,tags,verdict", [
    # aws:RequestedRegion: the Region the request is made to (the instance's).
    ({"StringEquals": {"aws:RequestedRegion": "us-east-1"}}, "Allow", None, "registers"),
    ({"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}, "Allow", None, "does not register"),
    # aws:SecureTransport: whether the request was sent with TLS (the agent's always is).
    ({"Bool": {"aws:SecureTransport": "false"}}, "Deny", None, "registers"),
    # aws:PrincipalArn: for a role session, the role's ARN; aws:PrincipalType AssumedRole.
    ({"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/ecs*"}}, "Allow", None,
     "registers"),
    ({"StringEquals": {"aws:PrincipalType": "AssumedRole",
                       "aws:PrincipalAccount": ACCOUNT}}, "Allow", None, "registers"),
    ({"StringEquals": {"aws:PrincipalType": "User"}}, "Allow", None, "does not register"),
    # aws:userid of an EC2 role session: role-id:ec2-instance-id.
    ({"StringLike": {"aws:userid": "*:i-*"}}, "Allow", None, "registers"),
    # aws:PrincipalTag/*: the role's own tags.
    ({"StringEquals": {"aws:PrincipalTag/team": "platform"}}, "Allow", {"team": "platform"},
     "registers"),
    ({"StringEquals": {"aws:PrincipalTag/team": "platform"}}, "Allow", None, "does not register"),
    # aws:CurrentTime: a grant that has expired, one that holds.
    ({"DateGreaterThan": {"aws:CurrentTime": NOW_ISH}}, "Allow", None, "registers"),
    ({"DateLessThan": {"aws:CurrentTime": NOW_ISH}}, "Allow", None, "does not register"),
    # aws:TokenIssueTime: revoking older sessions does not stop an instance that starts now.
    ({"DateLessThan": {"aws:TokenIssueTime": NOW_ISH}}, "Deny", None, "registers"),
    # aws:ViaAWSService: false for a call the principal makes itself.
    ({"Bool": {"aws:ViaAWSService": "true"}}, "Deny", None, "registers"),
    # ec2:RoleDelivery: 2.0 when the credentials came from IMDSv2 (the agent's SDK uses it).
    ({"NumericLessThan": {"ec2:RoleDelivery": "2.0"}}, "Deny", None, "registers"),
    # The instance's address is not knowable: "depends on aws:SourceIp".
    ({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, "Deny", None, "cannot tell"),
], ids=["region", "other-region", "tls", "principal-arn", "principal-type", "not-a-user",
        "userid", "tag", "untagged", "date-holds", "date-expired", "token-revoked",
        "via-service", "imdsv2", "source-ip"])
def test_the_request_carries_the_global_keys_of_an_instance_role_session(
        session, iam, condition, effect, tags, verdict):
    _only_under(session, iam, condition, effect, tags)
    diagnosis = doctor(RoleSpec(), session)
    assert diagnosis.verdict == verdict, str(diagnosis)
    if verdict == "registers":
        assert diagnosis.failures == []  # not one invented "is not authorized" row
    if verdict == "cannot tell":
        row = diagnosis["ecs:RegisterContainerInstance"]
        assert row.ok is None and "depends on aws:SourceIp" in row.reason


def test_the_instances_arn_is_known_only_when_the_instance_is_given(session, iam):
    """ec2:SourceInstanceARN: "the ARN of the Amazon EC2 instance from which the request is
    made" (Variables and tags); the doctor knows it for instance_id=, else it depends on it."""
    _only_under(session, iam, {"ArnLike": {
        "ec2:SourceInstanceARN": f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-0aaa*"}})
    unknown = doctor(RoleSpec(), session)
    assert unknown.verdict == "cannot tell"
    assert "depends on ec2:SourceInstanceARN" in unknown["ecs:Poll"].reason
    assert doctor(RoleSpec(), session, instance_id="i-0aaa1111").verdict == "registers"
    assert doctor(RoleSpec(), session, instance_id="i-0bbb2222").verdict == "does not register"


# ---------------------------------------------------------------------------------------
# Deleted while the doctor reads (issue 17, item 14): someone else's cleanup races the
# doctor. IAM lists a policy, then answers NoSuchEntity for it; the doctor says so in a row.
# ---------------------------------------------------------------------------------------
ECS_ALL = document({"Effect": "Allow", "Action": "ecs:*", "Resource": "*"})


def delete_before(session, operation: str, delete, about: str = "") -> None:
    """Run ``delete`` (with a client of its own) once, just before the first ``operation``
    the code under test sends about ``about``: the listing has named the thing, the read
    finds it gone (the hook runs on the sending thread, before the request leaves)."""
    done = []

    def hook(params=None, **_):
        if not done and about in str(params.get("body", "")):
            done.append(operation)
            delete()

    session.events.register(f"before-call.iam.{operation}", hook)


def _extra_policies(iam) -> str:
    arn = iam.create_policy(PolicyName="extra-ecs", PolicyDocument=ECS_ALL)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName=ROLE, PolicyArn=arn)
    iam.put_role_policy(RoleName=ROLE, PolicyName="extra-inline", PolicyDocument=ECS_ALL)
    return arn


@pytest.mark.parametrize("operation,gone", [
    ("GetPolicy", "extra-ecs"), ("GetPolicyVersion", "extra-ecs"),
    ("GetRolePolicy", "inline policy extra-inline")])
def test_a_policy_deleted_while_the_doctor_reads_it_is_a_row(session, iam, operation, gone):
    """IAM: a managed policy must be detached before DeletePolicy; a deleted inline policy is
    no longer the role's. What is gone no longer grants anything, and the doctor says so."""
    apply(RoleSpec(), session)
    arn = _extra_policies(iam)

    def delete():
        if gone.startswith("inline"):
            iam.delete_role_policy(RoleName=ROLE, PolicyName="extra-inline")
        else:
            iam.detach_role_policy(RoleName=ROLE, PolicyArn=arn)
            iam.delete_policy(PolicyArn=arn)

    delete_before(session, operation, delete, "extra")
    diagnosis = doctor(RoleSpec(), session)
    row = diagnosis[f"deleted:{gone}"]
    assert row.ok is None and "was deleted since the role's policies were listed" in row.reason
    assert diagnosis.registers  # the documented policy is still there and still allows it all
    assert gone not in diagnosis["ecs:RegisterContainerInstance"].reason


def test_a_role_deleted_while_the_doctor_reads_it(session, iam):
    apply(RoleSpec(), session)

    def delete():  # IAM: a role's policies and instance profiles go before DeleteRole
        iam.detach_role_policy(RoleName=ROLE, PolicyArn=CONTAINER_POLICY)
        iam.remove_role_from_instance_profile(InstanceProfileName=PROFILE, RoleName=ROLE)
        iam.delete_role(RoleName=ROLE)

    delete_before(session, "ListAttachedRolePolicies", delete)
    diagnosis = doctor(ROLE, session)
    assert not diagnosis.registers
    assert diagnosis["role"].reason == f"role {ROLE} was deleted while the doctor read it"


def test_the_audit_says_what_was_deleted_while_it_read(session, iam):
    """The audit's rows after the role went say so, and its doctor row names the deletion."""
    apply(RoleSpec(), session)
    arn = _extra_policies(iam)

    def delete():
        iam.detach_role_policy(RoleName=ROLE, PolicyArn=arn)
        iam.delete_policy(PolicyArn=arn)

    delete_before(session, "GetPolicyVersion", delete, "extra-ecs")
    report = audit(RoleSpec(), session)
    assert report["doctor"].outcome == "ok"
    assert "extra-ecs was deleted since the role's policies were listed" in report["doctor"].reason


def test_the_stale_copy_exercise_dates_tag_resource_as_aws_did():
    """Issue 18.5: ecs:TagResource came into AmazonEC2ContainerServiceforEC2Role with policy
    version 7 on 2023-03-06 (Amazon ECS: AWS managed policy updates); what came by
    2024-03-29 was the enforcement of tagging authorization (Grant permission to tag
    resources on creation)."""
    from ecsrole_lib.teaching.exercises import exercise

    answer = exercise("stale_copy").answer
    assert "version 7 on 2023-03-06" in answer and "2024-03-29" in answer
    assert "in 2024" not in answer


# ---------------------------------------------------------------------------------------
# Causes users report that the role's side can show (issue 18.6).
# ---------------------------------------------------------------------------------------
def stub_activations(session, roles):
    """Answer DescribeActivations (moto has no SSM activations) with one per role name."""
    def reply(**_):
        parsed = {"ActivationList": [{"ActivationId": f"act-{i}", "IamRole": role}
                                     for i, role in enumerate(roles)]}
        return AWSResponse("https://ssm.us-east-1.amazonaws.com/", 200, {}, None), parsed

    session.events.register("before-call.ssm.DescribeActivations", reply)


def test_an_activation_that_names_another_role(session):
    """AWS Systems Manager, DescribeActivations: each activation's IamRole is the role its
    managed instances get; an external instance registered with it gets that role."""
    spec = RoleSpec(instance_kind="external")
    apply(spec, session)
    stub_activations(session, ["someOtherRole"])
    row = doctor(spec, session)["activation"]
    assert row.ok is False and "the activations name someOtherRole" in row.reason
    assert "aws ssm create-activation --iam-role ecsAnywhereRole" in row.fix


def test_an_activation_that_names_this_role_and_none_at_all(session):
    spec = RoleSpec(instance_kind="external")
    apply(spec, session)
    stub_activations(session, ["ecsAnywhereRole"])
    assert doctor(spec, session)["activation"].ok is True


def test_without_the_activations_the_row_says_so(session):
    """The activations cannot be read (no ssm:DescribeActivations): the row says so."""
    from botocore.awsrequest import AWSResponse

    spec = RoleSpec(instance_kind="external")
    apply(spec, session)

    def denied(**_):
        return AWSResponse("https://ssm.amazonaws.com/", 400, {}, None), {"Error": {
            "Code": "AccessDeniedException", "Message": "not authorized"}}

    session.events.register("before-call.ssm.DescribeActivations", denied)
    row = doctor(spec, session)["activation"]
    assert row.ok is None and "could not be read" in row.reason


def test_trunking_not_in_effect_for_the_roles_principal(session):
    """Amazon ECS: awsvpcTrunking is an account setting per principal; instances get a trunk
    ENI only when it is in effect for their role when they register."""
    spec = RoleSpec(trunking=True)
    apply(spec, session)
    assert doctor(spec, session)["awsvpcTrunking"].ok is True
    role_arn = session.client("iam").get_role(RoleName=ROLE)["Role"]["Arn"]
    session.client("ecs").delete_account_setting(name="awsvpcTrunking", principalArn=role_arn)
    row = doctor(spec, session)["awsvpcTrunking"]
    assert row.ok is False and "not in effect for this role's principal" in row.reason
    assert "registered before it was set keep their ENI limits" in row.reason
    assert f"--principal-arn {role_arn}" in row.fix


@pytest.mark.parametrize("body,joins", [(b"ECS_CLUSTER=elsewhere\n", "elsewhere"),
                                        (b"ECS_ENABLE_TASK_IAM_ROLE=true\n", "default")])
def test_an_ecs_config_that_names_another_cluster(session, body, joins):
    """AWS, Amazon ECS container agent configuration: ECS_CLUSTER names the cluster the agent
    registers with; unset, it is default. The instance registers, but not with its cluster."""
    spec = RoleSpec(features=["s3_config"], config_bucket=BUCKET, cluster_name="prod")
    apply(spec, session)
    assert doctor(spec, session)["ecs.config"].ok is True
    session.client("s3").put_object(Bucket=BUCKET, Key="ecs.config", Body=body)
    diagnosis = doctor(spec, session)
    row = diagnosis["ecs.config"]
    assert row.ok is False and f"instances join {joins}, not prod" in row.reason
    assert diagnosis.verdict == "does not register"


def test_network_causes_are_named_as_outside_iam(session):
    """AWS, Amazon ECS container agent configuration (HTTP proxy): NO_PROXY must keep the
    instance metadata (169.254.169.254) and the task metadata endpoint off the proxy."""
    apply(RoleSpec(), session)
    diagnosis = doctor(RoleSpec(), session)
    row = diagnosis["network"]
    assert row.ok is None and not row.essential and "outside IAM" in row.reason
    assert "NO_PROXY=169.254.169.254" in row.reason
    assert "http://169.254.169.254/latest/meta-data/iam/info" in row.fix
    assert diagnosis.verdict == "registers"


def test_the_new_rows_read_in_korean_in_the_audit(session):
    """The audit's doctor row, in Korean, names the cluster ecs.config joins, with no English
    sentence left (i18n: the doctor's row of the audit is translated)."""
    from ecsrole_lib.i18n.messages import tr, untranslated

    spec = RoleSpec(features=["s3_config"], config_bucket=BUCKET, cluster_name="prod")
    apply(spec, session)
    session.client("s3").put_object(Bucket=BUCKET, Key="ecs.config", Body=b"ECS_CLUSTER=elsewhere\n")
    reason = audit(spec, session)["doctor"].reason
    korean = tr(reason, "ko")
    assert "인스턴스는 prod가 아니라 elsewhere에 등록합니다" in korean  # a particle, never 이(가)
    assert untranslated(korean) == []


def test_an_external_role_on_the_sandbox_is_diagnosed_without_a_server_traceback(session, capfd):
    """The sandbox has no Systems Manager activations (its limit ``ssm_activation``): the
    activation row says none exists yet, in English and Korean, and the sandbox's server
    prints no traceback into the learner's notebook (moto answered a server error)."""
    from ecsrole_lib.i18n.messages import tr, untranslated

    spec = RoleSpec(instance_kind="external")
    apply(spec, session)
    capfd.readouterr()
    row = doctor(spec, session)["activation"]
    assert row.ok is None and row.reason.startswith("no activation yet"), row.reason
    assert untranslated(tr(row.reason, "ko")) == []
    assert "Error on request" not in capfd.readouterr().err


def test_the_doctor_shows_what_is_wrong_and_one_line_for_what_passes(session, iam):
    """Issue 19: each thing once; a learner reads the failing rows in full, the passing ones
    in one line, and every row on request (``.whole()``)."""
    apply(RoleSpec(), session)
    iam.detach_role_policy(RoleName=ROLE, PolicyArn=CONTAINER_POLICY)
    diagnosis = doctor(RoleSpec(), session)
    text = str(diagnosis)
    failing = [c for c in diagnosis.checks if c.ok is False]
    passing = [c for c in diagnosis.checks if c.ok is True]
    assert failing and passing
    assert all(f"FAIL  {c.name}" in text for c in failing)
    assert not any(line.startswith("ok    trust ") for line in text.splitlines())
    assert f"{len(passing)} check(s) pass: trust, instance_profile" in text
    whole = str(diagnosis.whole())
    assert all(f"  {c.name}  " in whole for c in diagnosis.checks)
    assert len(whole.splitlines()) > len(text.splitlines())
    assert "overflow-wrap:anywhere" in diagnosis.whole()._repr_html_()


def test_the_doctor_speaks_korean_with_lang_ko(session):
    """Issue 19: a Korean learner's doctor: the verdict, the row marks, the sandbox's and the
    request's notes in Korean; what stays English is code (names, ARNs, commands)."""
    from ecsrole_lib.i18n import untranslated

    spec = RoleSpec(features=["cloudwatch_logs"], least_privilege=True)
    apply(spec, session)
    diagnosis = doctor(spec, session, lang="ko")
    text = str(diagnosis)
    assert text.splitlines()[0].startswith(
        "샌드박스의 doctor: 역할이 ecsInstanceRole인 ec2 인스턴스는 등록됩니다; 문제 0개;")
    assert "통과한 점검" in text and "정보  " in text and "참고: 샌드박스: " in text
    assert untranslated(text) == []
    # The source column cites AWS's pages by their titles: a citation, left as it is.
    cited = re.sub(r"<small style='overflow-wrap:anywhere'>.*?</small>", "", diagnosis._repr_html_())
    shown = html.unescape(re.sub(r"<[^>]+>", "\n", cited))
    assert "가이드의 평가" in shown and "출처" in shown
    assert [line for line in shown.splitlines() if untranslated(line)] == []
    assert str(doctor(spec, session)).startswith("doctor on sandbox: an ec2 instance")


def test_the_doctor_refuses_a_language_it_does_not_have(session, record_calls):
    calls = record_calls(session)
    with pytest.raises(ValidationError, match="lang='fr': must be one of en, ko"):
        doctor(RoleSpec(), session, lang="fr")
    assert calls.since() == []
