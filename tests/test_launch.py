"""launch on the sandbox: an instance with the profile joins its cluster, or stops as AWS would.

State is read back with plain boto3 (EC2 and ECS); every break is made with boto3.
"""

from __future__ import annotations

import itertools
import json

import pytest

from ecsrole_lib import (
    AgentConfig,
    ConflictError,
    LaunchDeniedError,
    RoleSpec,
    ValidationError,
    apply,
    launch,
    teardown,
)
from ecsrole_lib.diagnose.launch import launch_commands

ROLE = "ecsInstanceRole"
PROFILE = "ecsInstanceRole-profile"
CONTAINER_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
BUCKET = "ecsrole-guide-launch-test"
FEATURES = ("ecr", "s3_config", "cloudwatch_logs")
LIVE = ["pending", "running", "stopping", "stopped"]


def document(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def live_instances(session) -> list[dict]:
    ec2 = session.client("ec2")
    return [i for r in ec2.describe_instances(Filters=[
        {"Name": "instance-state-name", "Values": LIVE}])["Reservations"] for i in r["Instances"]]


def container_instances(session, cluster: str) -> list[dict]:
    ecs = session.client("ecs")
    arns = ecs.list_container_instances(cluster=cluster)["containerInstanceArns"]
    return ecs.describe_container_instances(cluster=cluster, containerInstances=arns)[
        "containerInstances"] if arns else []


def active_clusters(session) -> list[str]:
    ecs = session.client("ecs")
    arns = ecs.list_clusters()["clusterArns"]
    found = ecs.describe_clusters(clusters=arns)["clusters"] if arns else []
    return [c["clusterName"] for c in found if c["status"] == "ACTIVE"]


def _terminate_everything(session) -> None:
    ec2, ecs = session.client("ec2"), session.client("ecs")
    ids = [i["InstanceId"] for i in live_instances(session)]
    if ids:
        ec2.terminate_instances(InstanceIds=ids)
    for cluster in active_clusters(session):
        for item in container_instances(session, cluster):
            ecs.deregister_container_instance(cluster=cluster, force=True,
                                              containerInstance=item["containerInstanceArn"])
        ecs.delete_cluster(cluster=cluster)


@pytest.fixture(autouse=True)
def no_instances_left(session):
    """Each test starts with no instance and no cluster, and leaves none to the next."""
    _terminate_everything(session)
    yield
    _terminate_everything(session)


def assert_nothing_left(session):
    assert live_instances(session) == []
    assert active_clusters(session) == []


COMBINATIONS = [list(c) for n in range(len(FEATURES) + 1) for c in itertools.combinations(FEATURES, n)]


@pytest.mark.parametrize("features", COMBINATIONS, ids=lambda f: "+".join(f) or "base")
def test_launch_registers_for_every_feature_combination(session, features):
    spec = RoleSpec(features=features, config_bucket=BUCKET if "s3_config" in features else None,
                    cluster_name="prod")
    apply(spec, session)
    report = launch(spec, session)
    assert report.registered, str(report)
    (item,) = container_instances(session, "prod")
    assert item["ec2InstanceId"] == report.instance_id
    assert item["containerInstanceArn"] == report.container_instance_arn
    (instance,) = live_instances(session)
    assert instance["IamInstanceProfile"]["Arn"].endswith(f":instance-profile/{PROFILE}")
    assert {"Key": "created-by", "Value": "ecsrole-guide"} in instance["Tags"]
    outcomes = report.outcomes
    assert outcomes["assume_role"] == "allowed" and outcomes["list_container_instances"] == "registered"
    assert ("s3:GetObject" in outcomes) == ("s3_config" in features)
    assert f"assumed-role/{ROLE}/{report.instance_id}" in report["assume_role"].arn
    assert "iam:PassRole" in " ".join(report.notes) and "ten seconds" in " ".join(report.notes)

    removed = teardown(spec, session)
    assert removed.outcomes["terminate_instances"] == "removed"
    assert removed.outcomes["deregister_container_instance"] == "removed"
    assert container_instances(session, "prod") == []
    assert_nothing_left(session)


def test_every_agent_setting_on_the_default_cluster(session):
    spec = RoleSpec()
    apply(spec, session)
    agent = AgentConfig(instance_tags=True, propagate_ec2_tags=True, spot_draining=True,
                        service_connect=True, task_metadata_tags=True)
    report = launch(spec, session, agent)
    assert report.cluster == "default" and report.registered
    assert "ECS_CONTAINER_INSTANCE_TAGS=" in report.user_data
    assert "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true" in report.user_data
    assert report.outcomes["ec2:DescribeTags"] == "allowed"
    assert report.outcomes["ecs:Poll (Service Connect agent)"] == "allowed"
    teardown(spec, session)
    assert_nothing_left(session)


def test_the_commands_use_the_instance_profile_and_the_user_data(session):
    spec = RoleSpec(features=["s3_config"], config_bucket=BUCKET)
    text = "\n".join(launch_commands(spec))
    assert f"--iam-instance-profile Name={PROFILE}" in text
    assert "--user-data file://user-data.sh" in text
    assert "create-launch-template" in text and "LaunchTemplateName=" in text
    assert "/aws/service/ecs/optimized-ami/" in text


# ---------------------------------------------------------------------------------------
# The breaks: the launch stops where the instance would.
# ---------------------------------------------------------------------------------------
def _wrong_trust(iam):
    iam.update_assume_role_policy(RoleName=ROLE, PolicyDocument=document(
        {"Effect": "Allow", "Principal": {"Service": "ecs.amazonaws.com"}, "Action": "sts:AssumeRole"}))


def _empty_profile(iam):
    iam.remove_role_from_instance_profile(InstanceProfileName=PROFILE, RoleName=ROLE)


def _detached(iam):
    iam.detach_role_policy(RoleName=ROLE, PolicyArn=CONTAINER_POLICY)


def _explicit_deny(iam):
    iam.put_role_policy(RoleName=ROLE, PolicyName="guardrail", PolicyDocument=document(
        {"Sid": "NoRegistration", "Effect": "Deny", "Action": "ecs:RegisterContainerInstance",
         "Resource": "*"}))


def _boundary(iam):
    arn = iam.create_policy(PolicyName="no-ecs", PolicyDocument=document(
        {"Effect": "Allow", "Action": ["s3:*", "logs:*"], "Resource": "*"}))["Policy"]["Arn"]
    iam.put_role_permissions_boundary(RoleName=ROLE, PermissionsBoundary=arn)


def _stale_copy(iam):
    _detached(iam)
    iam.put_role_policy(RoleName=ROLE, PolicyName="copy", PolicyDocument=document({
        "Effect": "Allow", "Resource": "*", "Action": [
            "ec2:DescribeTags", "ecs:DiscoverPollEndpoint", "ecs:Poll",
            "ecs:RegisterContainerInstance", "ecs:StartTelemetrySession", "ecs:Submit*",
            "ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream",
            "logs:PutLogEvents"]}))


def _scoped_poll(iam):
    _detached(iam)
    cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/default"
    iam.put_role_policy(RoleName=ROLE, PolicyName="scoped", PolicyDocument=document(
        {"Effect": "Allow", "Action": ["ecs:RegisterContainerInstance", "ecs:Submit*"],
         "Resource": cluster},
        {"Effect": "Allow", "Action": "ecs:DiscoverPollEndpoint", "Resource": "*"},
        {"Effect": "Allow", "Action": ["ecs:Poll", "ecs:StartTelemetrySession"], "Resource": "*",
         "Condition": {"ArnEquals": {"ecs:cluster": cluster}}}))


def _config_unreadable(iam):
    iam.put_role_policy(RoleName=ROLE, PolicyName="ecs-config-read", PolicyDocument=document(
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}))


BREAKS = {
    # name: (break, agent, spec features, where it stops, error code, what the message says)
    "wrong trust": (_wrong_trust, AgentConfig(), [], "assume_role",
                    "AssumeRoleUnauthorizedAccess", "EC2 cannot assume the role"),
    "empty instance profile": (_empty_profile, AgentConfig(), [], "assume_role",
                               "NoCredentialProviders", "NoCredentialProviders"),
    "managed policy detached": (_detached, AgentConfig(), [], "ecs:RegisterContainerInstance",
                                "AccessDenied", "because no identity-based policy allows"),
    "explicit deny": (_explicit_deny, AgentConfig(), [], "ecs:RegisterContainerInstance",
                      "AccessDenied", "with an explicit deny in an identity-based policy"),
    "boundary": (_boundary, AgentConfig(), [], "ecs:RegisterContainerInstance", "AccessDenied",
                 "because no permissions boundary allows"),
    "stale copy with instance tags": (_stale_copy, AgentConfig(instance_tags=True), [],
                                      "ecs:TagResource", "AccessDenied", "ecs:TagResource"),
    "scoped poll with Service Connect": (_scoped_poll, AgentConfig(service_connect=True), [],
                                         "ecs:Poll (Service Connect agent)", "AccessDenied",
                                         "task-set/default/"),
    "ecs.config unreadable": (_config_unreadable, AgentConfig(), ["s3_config"], "s3:GetObject",
                              "AccessDenied", "HeadObject operation: Forbidden"),
}


@pytest.mark.parametrize("name", BREAKS)
def test_launch_stops_with_access_denied_for_every_break(session, iam, name):
    breaking, agent, features, step, code, words = BREAKS[name]
    spec = RoleSpec(features=features, config_bucket=BUCKET if features else None)
    apply(spec, session)
    breaking(iam)
    with pytest.raises(LaunchDeniedError) as raised:
        launch(spec, session, agent)
    err = raised.value
    assert err.code == code and words in str(err)
    assert "cause:" in str(err) and "fix:" in str(err)
    report = err.report
    assert report.rows[-1].step == step and report.rows[-1].outcome == "denied"
    registered = container_instances(session, "default")
    if step == "ecs:Poll (Service Connect agent)":  # it registered; Service Connect fails after
        assert [i["ec2InstanceId"] for i in registered] == [report.instance_id]
    else:
        assert registered == []
    for policy in iam.list_role_policies(RoleName=ROLE)["PolicyNames"]:  # undo the break first:
        iam.delete_role_policy(RoleName=ROLE, PolicyName=policy)  # teardown keeps foreign ones
    teardown(spec, session, force=True)
    assert_nothing_left(session)


def test_no_instance_profile_stops_before_run_instances(session, iam):
    apply(RoleSpec(), session)
    iam.remove_role_from_instance_profile(InstanceProfileName=PROFILE, RoleName=ROLE)
    iam.delete_instance_profile(InstanceProfileName=PROFILE)
    with pytest.raises(LaunchDeniedError) as raised:
        launch(RoleSpec(), session)
    assert "Invalid IAM Instance Profile name" in str(raised.value)
    assert live_instances(session) == []


def test_on_aws_launch_refuses_a_billed_instance_or_only_shows_it(aws_session, record_calls):
    calls = record_calls(aws_session)
    with pytest.raises(ValidationError) as raised:
        launch(RoleSpec(), aws_session)
    assert raised.value.fields == ["on_aws"]
    assert calls.since() == []  # nothing was called
    shown = launch(RoleSpec(), aws_session, on_aws="show")
    assert shown.outcomes == {"run_instances": "shown"} and not shown.registered
    assert "--iam-instance-profile Name=ecsInstanceRole-profile" in str(shown)
    assert calls.since() == []


def test_external_instances_are_not_launched(session):
    with pytest.raises(ValidationError) as raised:
        launch(RoleSpec(instance_kind="external"), session)
    assert raised.value.fields == ["instance_kind"]


def test_teardown_without_ec2_permissions_says_so_and_goes_on(session, state, empty_state):
    from botocore.awsrequest import AWSResponse

    apply(RoleSpec(), session)

    def denied(**_):
        return AWSResponse("https://ec2.amazonaws.com/", 403, {}, None), {"Error": {
            "Code": "UnauthorizedOperation",
            "Message": "You are not authorized to perform this operation."}}

    session.events.register("before-call.ec2.DescribeInstances", denied)
    try:
        report = teardown(RoleSpec(), session)
    finally:
        session.events.unregister("before-call.ec2.DescribeInstances", denied)
    row = report["terminate_instances"]
    assert row.outcome == "skipped" and "UnauthorizedOperation" in row.reason
    assert state(session) == empty_state  # the role's own steps still ran


def test_an_instance_profile_not_yet_in_ec2_is_waited_out_and_explained(session):
    """Issue 18.6. AWS (Using instance profiles; the page's "wait for IAM"): a new instance
    profile takes seconds to reach Amazon EC2, which until then answers run-instances with
    InvalidParameterValue "Invalid IAM Instance Profile name". The first run-instances here is
    answered so (a botocore stub, as Amazon EC2 would); the launch waits, runs it again, and
    says why. moto itself sees the profile at once."""
    from botocore.awsrequest import AWSResponse

    spec = RoleSpec()
    apply(spec, session)
    refused = []

    def not_yet(**_):
        if refused:
            return None  # from the second call on, moto answers
        refused.append(True)
        error = {"Error": {"Code": "InvalidParameterValue", "Message": (
            f"Value ({PROFILE}) for parameter iamInstanceProfile.name is invalid. Invalid IAM "
            "Instance Profile name")}, "ResponseMetadata": {"HTTPStatusCode": 400}}
        return AWSResponse("https://ec2.us-east-1.amazonaws.com/", 400, {}, None), error

    session.events.register("before-call.ec2.RunInstances", not_yet)
    report = launch(spec, session)
    assert refused and report.registered, str(report)
    row = report["wait_for_instance_profile"]
    assert row.outcome == "waited" and "Invalid IAM Instance Profile name" in row.reason
    assert "about ten seconds to reach Amazon EC2" in row.reason
    teardown(spec, session)


# Teardown keeps what launch made while something that is not the guide's uses it (issue 17)
def _fargate_task_definition(ecs) -> str:
    return ecs.register_task_definition(
        family="guide-user-web", requiresCompatibilities=["FARGATE"], networkMode="awsvpc",
        cpu="256", memory="512",
        containerDefinitions=[{"name": "web", "image": "nginx", "memory": 512}])[
        "taskDefinition"]["taskDefinitionArn"]


@pytest.mark.parametrize("holds", ["service", "task"])
def test_the_cluster_launch_made_is_kept_while_it_holds_a_service_or_a_task(holds, session):
    cluster = f"guide-holds-a-{holds}"  # a name of its own: moto keeps a deleted cluster's tasks
    spec = RoleSpec(cluster_name=cluster)
    apply(spec, session)
    assert launch(spec, session).registered
    ecs = session.client("ecs")
    task_definition = _fargate_task_definition(ecs)
    if holds == "service":
        ecs.create_service(cluster=cluster, serviceName="web", taskDefinition=task_definition,
                           desiredCount=0, launchType="FARGATE")
    else:
        ec2 = session.client("ec2")
        network = {"awsvpcConfiguration": {
            "subnets": [ec2.describe_subnets()["Subnets"][0]["SubnetId"]],
            "securityGroups": [ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]]}}
        (task,) = ecs.run_task(cluster=cluster, taskDefinition=task_definition, launchType="FARGATE",
                               networkConfiguration=network)["tasks"]

    report = teardown(spec, session)
    row = report["delete_cluster"]
    assert row.outcome == "kept" and f"1 {holds}" in row.reason, str(report)
    assert cluster in active_clusters(session)
    assert live_instances(session) == [] and container_instances(session, cluster) == []
    listed = (ecs.list_services(cluster=cluster)["serviceArns"] if holds == "service"
              else ecs.list_tasks(cluster=cluster)["taskArns"])
    assert len(listed) == 1  # the user's, untouched

    if holds == "service":  # once it is empty, teardown deletes it
        ecs.delete_service(cluster=cluster, service="web")
    else:
        ecs.stop_task(cluster=cluster, task=task["taskArn"])
    assert teardown(spec, session).outcomes["delete_cluster"] == "removed"
    assert cluster not in active_clusters(session)


def _someone_runs(session, profile: str = PROFILE, name: str = "web") -> str:
    """An instance the guide did not launch, started with ``profile`` as anyone would."""
    from ecsrole_lib.diagnose.launch import AMI_PARAMETER

    image = session.client("ssm").get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    return session.client("ec2").run_instances(
        ImageId=image, InstanceType="t3.micro", MinCount=1, MaxCount=1,
        IamInstanceProfile={"Name": profile},
        TagSpecifications=[{"ResourceType": "instance",
                            "Tags": [{"Key": "Name", "Value": name}]}])["Instances"][0]["InstanceId"]


def _role_and_profile(iam) -> tuple[list[str], list[str]]:
    return ([r["RoleName"] for r in iam.list_roles()["Roles"]],
            [(p["InstanceProfileName"], [r["RoleName"] for r in p["Roles"]])
             for p in iam.list_instance_profiles()["InstanceProfiles"]])


@pytest.mark.parametrize("force", [False, True], ids=["plain", "forced"])
@pytest.mark.parametrize("stopped", [False, True], ids=["running", "stopped"])
def test_teardown_refuses_while_an_instance_it_did_not_launch_holds_the_profile(
        force, stopped, session, record_calls):
    spec = RoleSpec()
    apply(spec, session)
    theirs = _someone_runs(session)
    if stopped:
        session.client("ec2").stop_instances(InstanceIds=[theirs])
    iam = session.client("iam")
    before = _role_and_profile(iam)
    calls = record_calls(session)
    with pytest.raises(ConflictError) as refused:
        teardown(spec, session, force=force)
    assert refused.value.fields == ["instance_profile_name"]
    assert theirs in str(refused.value) and "Name=web" in str(refused.value)
    assert ("stopped" if stopped else "running") in str(refused.value)
    assert calls.writes() == [] and _role_and_profile(iam) == before  # nothing removed
    assert [i["InstanceId"] for i in live_instances(session)] == [theirs]  # nor terminated

    session.client("ec2").terminate_instances(InstanceIds=[theirs])  # terminated: holds nothing
    teardown(spec, session, force=force)
    assert _role_and_profile(iam) == ([], [])


def test_only_the_instances_launch_did_not_start_stop_teardown(session):
    spec = RoleSpec()
    apply(spec, session)
    ours_ = launch(spec, session).instance_id
    theirs = _someone_runs(session)
    with pytest.raises(ConflictError) as refused:
        teardown(spec, session)
    assert theirs in str(refused.value) and ours_ not in str(refused.value)
    assert {i["InstanceId"] for i in live_instances(session)} == {ours_, theirs}
    session.client("ec2").terminate_instances(InstanceIds=[theirs])
    assert teardown(spec, session).outcomes["terminate_instances"] == "removed"  # ours, first
    assert_nothing_left(session)


def test_force_does_not_take_the_role_from_another_profile_an_instance_holds(session, iam):
    spec = RoleSpec()
    apply(spec, session)
    iam.create_instance_profile(InstanceProfileName="team-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="team-profile", RoleName=ROLE)
    theirs = _someone_runs(session, "team-profile")
    with pytest.raises(ConflictError) as refused:
        teardown(spec, session, force=True)
    assert refused.value.fields == ["role_name"]
    assert theirs in str(refused.value) and "team-profile" in str(refused.value)
    assert [r["RoleName"] for r in iam.get_instance_profile(
        InstanceProfileName="team-profile")["InstanceProfile"]["Roles"]] == [ROLE]
    assert iam.get_instance_profile(InstanceProfileName=PROFILE)  # the guide's too, untouched
    session.client("ec2").terminate_instances(InstanceIds=[theirs])
    teardown(spec, session, force=True)
    assert iam.get_instance_profile(InstanceProfileName="team-profile")["InstanceProfile"][
        "Roles"] == []
    iam.delete_instance_profile(InstanceProfileName="team-profile")


def test_teardown_that_cannot_see_the_profiles_holders_removes_nothing(session, iam):
    from botocore.awsrequest import AWSResponse

    spec = RoleSpec()
    apply(spec, session)
    before = _role_and_profile(iam)

    def denied(**_):
        return AWSResponse("https://ec2.amazonaws.com/", 403, {}, None), {"Error": {
            "Code": "UnauthorizedOperation",
            "Message": "You are not authorized to perform this operation."}}

    session.events.register("before-call.ec2.DescribeIamInstanceProfileAssociations", denied)
    try:
        with pytest.raises(ConflictError) as refused:
            teardown(spec, session, force=True)
    finally:
        session.events.unregister("before-call.ec2.DescribeIamInstanceProfileAssociations", denied)
    assert refused.value.fields == ["instance_profile_name"]
    assert "UnauthorizedOperation" in str(refused.value)
    assert "ec2:DescribeIamInstanceProfileAssociations" in str(refused.value)
    assert _role_and_profile(iam) == before


def test_each_instance_of_a_fleet_holding_the_profile_is_named(session):
    from ecsrole_lib.diagnose.launch import AMI_PARAMETER

    spec = RoleSpec()
    apply(spec, session)
    image = session.client("ssm").get_parameter(Name=AMI_PARAMETER)["Parameter"]["Value"]
    fleet = [i["InstanceId"] for i in session.client("ec2").run_instances(
        ImageId=image, MinCount=3, MaxCount=3, IamInstanceProfile={"Name": PROFILE})["Instances"]]
    with pytest.raises(ConflictError) as refused:
        teardown(spec, session)
    assert all(i in str(refused.value) for i in fleet), str(refused.value)
    session.client("ec2").terminate_instances(InstanceIds=fleet)

