"""ecsrole_lib.diagnose.agent: the container instance's calls, checked against AWS's managed policy
(moto's copy) with the guide's own evaluator, and the configuration -> calls mapping."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from ecsrole_lib import policies
from ecsrole_lib.diagnose.access import evaluate
from ecsrole_lib.diagnose.agent import CALLS, AgentConfig, agent_calls
from ecsrole_lib.errors import ValidationError
from tests.managed import managed_policy

WHERE = {"partition": "aws", "region": "eu-west-1", "account": "111122223333"}
ARN = "arn:aws:ecs:eu-west-1:111122223333"
ALWAYS = {"ecs:RegisterContainerInstance", "ecs:DiscoverPollEndpoint", "ecs:Poll",
          "ecs:StartTelemetrySession", "ecs:SubmitTaskStateChange",
          "ecs:SubmitContainerStateChange", "ecs:SubmitAttachmentStateChanges"}
FULL = AgentConfig(cluster=None, instance_tags={"team": "ecs"}, propagate_ec2_tags=True,
                   spot_draining=True, awslogs=True, awslogs_create_group=True, ecr_pulls=True,
                   task_metadata_tags=True, service_connect=True,
                   config_from_s3=("my-ecs-config", "ecs.config"))
#: Calls the page covers with its extra policies, not with the managed policy.
BEYOND_MANAGED = {"s3:GetObject", "logs:CreateLogGroup"}


@pytest.fixture(scope="module")
def managed():
    return {"AmazonEC2ContainerServiceforEC2Role":
            managed_policy("AmazonEC2ContainerServiceforEC2Role")}


def actions(config, **ids):
    return [c.action for c in agent_calls(config, **WHERE, **ids)]


def call(config, action, resource_part=""):
    found = [c for c in agent_calls(config, **WHERE)
             if c.action == action and resource_part in c.resource]
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------------------------------
# The table itself


def test_every_row_cites_a_source():
    for row in CALLS:
        assert row.source.strip(), row.action
        assert ("github.com/aws/amazon-ecs-agent" in row.source or "AWS page" in row.source
                or "issue" in row.source), row


MIRROR = "/work/.mirror/aws+amazon-ecs-agent/repo"


@pytest.mark.skipif(not os.path.isdir(MIRROR), reason="no local copy of aws/amazon-ecs-agent")
def test_every_cited_agent_file_exists_in_the_agent_repository():
    files = set(subprocess.run(["git", "--git-dir", MIRROR, "ls-tree", "-r", "--name-only", "HEAD"],
                               capture_output=True, text=True, check=True).stdout.split())
    cited = {path for row in CALLS
             for path in re.findall(r"amazon-ecs-agent/blob/master/(\S+?\.go)", row.source)}
    assert cited
    assert cited <= files, cited - files


def test_default_config_makes_the_always_needed_calls():
    assert ALWAYS <= set(actions(AgentConfig()))


def test_registration_comes_first_and_state_changes_after_polling():
    got = actions(AgentConfig(awslogs=False, ecr_pulls=False))
    assert got[0] == "ecs:RegisterContainerInstance"
    assert got.index("ecs:DiscoverPollEndpoint") < got.index("ecs:Poll")
    assert got.index("ecs:Poll") < got.index("ecs:SubmitTaskStateChange")


def test_arn_shapes():
    config = AgentConfig(cluster="prod", task_metadata_tags=True, service_connect=True)
    calls = agent_calls(config, **WHERE, container_instance_id="0123abcd", task_id="cafe")
    by = {(c.action, c.resource) for c in calls}
    assert ("ecs:RegisterContainerInstance", f"{ARN}:cluster/prod") in by
    assert ("ecs:Poll", f"{ARN}:container-instance/prod/0123abcd") in by
    assert ("ecs:Poll", f"{ARN}:task-set/prod/*") in by
    assert ("ecs:ListTagsForResource", f"{ARN}:task/prod/cafe") in by
    assert ("ecs:SubmitTaskStateChange", f"{ARN}:cluster/prod") in by


def test_partition_reaches_every_arn():
    calls = agent_calls(FULL, partition="aws-cn", region="cn-north-1", account="111122223333")
    for c in calls:
        if c.resource != "*":
            assert c.resource.startswith("arn:aws-cn:"), c


# ---------------------------------------------------------------------------------------
# Configuration -> calls


def test_instance_tags_register_with_tag_resource_on_creation():
    c = call(AgentConfig(instance_tags={"team": "ecs"}), "ecs:TagResource")
    assert c.context_dict == {"ecs:CreateAction": "RegisterContainerInstance",
                              "aws:TagKeys": ("team",), "aws:RequestTag/team": "ecs"}
    assert "ecs:TagResource" not in actions(AgentConfig())


def test_registration_with_tags_carries_them_in_its_context():
    c = call(AgentConfig(instance_tags={"team": "ecs"}), "ecs:RegisterContainerInstance")
    assert c.context_dict == {"aws:TagKeys": ("team",), "aws:RequestTag/team": "ecs"}
    assert call(AgentConfig(), "ecs:RegisterContainerInstance").context == ()


def test_propagated_ec2_tags_need_describe_tags_before_registering():
    got = actions(AgentConfig(propagate_ec2_tags=True))
    assert got.index("ec2:DescribeTags") < got.index("ecs:RegisterContainerInstance")
    c = call(AgentConfig(propagate_ec2_tags=True), "ecs:TagResource")
    # EC2's tags are not known in advance: only the documented creation key is given.
    assert c.context_dict == {"ecs:CreateAction": "RegisterContainerInstance"}


def test_spot_draining_updates_the_container_instance_state():
    c = call(AgentConfig(spot_draining=True), "ecs:UpdateContainerInstancesState")
    assert c.resource == f"{ARN}:container-instance/default/*"
    assert "ecs:UpdateContainerInstancesState" not in actions(AgentConfig())


def test_awslogs_and_ecr_pulls_can_be_off():
    got = actions(AgentConfig(awslogs=False, ecr_pulls=False))
    assert not [a for a in got if a.startswith(("logs:", "ecr:"))]
    on = actions(AgentConfig())
    assert {"logs:CreateLogStream", "logs:PutLogEvents", "ecr:GetAuthorizationToken",
            "ecr:BatchGetImage"} <= set(on)
    assert "logs:CreateLogGroup" not in on
    assert "logs:CreateLogGroup" in actions(AgentConfig(awslogs_create_group=True))


def test_task_metadata_tags_list_tags_of_task_and_container_instance():
    got = [c.resource for c in agent_calls(AgentConfig(task_metadata_tags=True), **WHERE)
           if c.action == "ecs:ListTagsForResource"]
    assert got == [f"{ARN}:container-instance/default/*", f"{ARN}:task/default/*"]


def test_service_connect_polls_on_the_task_set():
    c = call(AgentConfig(service_connect=True), "ecs:Poll", ":task-set/")
    assert c.resource == f"{ARN}:task-set/default/*"


def test_config_from_s3_reads_the_object():
    c = call(AgentConfig(config_from_s3=("my-ecs-config", "prod/ecs.config")), "s3:GetObject")
    assert c.resource == "arn:aws:s3:::my-ecs-config/prod/ecs.config"


def test_unset_cluster_may_create_default():
    c = call(AgentConfig(cluster=None), "ecs:CreateCluster")
    assert c.resource == f"{ARN}:cluster/default"
    assert "ecs:CreateCluster" not in actions(AgentConfig(cluster="default"))


def test_external_instances_add_the_ssm_agent():
    got = actions(AgentConfig(instance_kind="external"))
    assert "ssm:UpdateInstanceInformation" in got
    assert ALWAYS <= set(got)
    assert "ssm:UpdateInstanceInformation" not in actions(AgentConfig())


@pytest.mark.parametrize("field", ["propagate_ec2_tags", "spot_draining"])
def test_ec2_only_settings_on_external_instances_are_refused(field):
    with pytest.raises(ValidationError) as err:
        AgentConfig(instance_kind="external", **{field: True})
    assert err.value.fields == [field]


def test_bad_config_fields_are_named():
    with pytest.raises(ValidationError) as err:
        AgentConfig(instance_kind="fargate", config_from_s3=("bucket",))
    assert err.value.fields == ["instance_kind", "config_from_s3"]


def test_env_lines():
    assert AgentConfig().env() == ["ECS_CLUSTER=default"]
    assert FULL.env() == [
        'ECS_CONTAINER_INSTANCE_TAGS={"team": "ecs"}',
        "ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM=ec2_instance",
        "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true"]
    assert "ECS_EXTERNAL=true" in AgentConfig(instance_kind="external").env()


def test_ecs_config_never_narrows_the_logging_drivers_the_ami_allows():
    """Issue 18.5. ecs-init starts the agent with ECS_AVAILABLE_LOGGING_DRIVERS=
    ["json-file","syslog","awslogs","fluentd","none"] (amazon-ecs-agent v1.105.1,
    ecs-init/docker/docker.go, getContainerConfig), and what ecs.config sets replaces it
    (envVarsFromFiles is merged last): the guide's lines must not set it."""
    for config in (AgentConfig(), AgentConfig(awslogs=True), FULL,
                   AgentConfig(instance_kind="external")):
        assert not [line for line in config.env()
                    if line.startswith("ECS_AVAILABLE_LOGGING_DRIVERS=")]


def test_the_awslogs_rows_say_who_logs_and_apply_to_external_instances():
    """ecs-init sets ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE=true by default
    (ecs-init/docker/docker_config.go), so a task with an execution role logs with it; for
    Amazon ECS Anywhere the task execution role is required for awslogs (AWS: Amazon ECS
    task execution IAM role). The rows are made on both kinds of instance."""
    for kind in ("ec2", "external"):
        rows = [c for c in agent_calls(AgentConfig(instance_kind=kind), partition="aws",
                                       region="us-east-1", account="111122223333")
                if c.action.startswith("logs:")]
        assert [c.action for c in rows] == ["logs:CreateLogStream", "logs:PutLogEvents"]
        for row in rows:
            assert "ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE=true by default" in row.when
            assert "Amazon ECS Anywhere requires one" in row.when
            assert "docker_config.go" in row.source


def test_attachment_state_changes_are_not_needed_to_register():
    """The agent sends SubmitAttachmentStateChanges only for instance-level attachments:
    agent/eni/watcher/watcher.go (trunk ENIs) and agent/ebs/watcher.go (EBS volumes), through
    agent/eventhandler/attachment_handler.go (v1.105.1)."""
    row = next(c for c in agent_calls(AgentConfig(), partition="aws", region="us-east-1",
                                      account="111122223333")
               if c.action == "ecs:SubmitAttachmentStateChanges")
    assert not row.when.startswith("always") and "trunk ENI" in row.when
    assert "agent/eni/watcher/watcher.go" in row.source


def test_the_service_connect_poll_row_cites_the_agents_relay():
    row = next(c for c in agent_calls(AgentConfig(service_connect=True), partition="aws",
                                      region="us-east-1", account="111122223333")
               if c.caller == "Service Connect agent")
    assert "agent/engine/serviceconnect/manager_linux.go" in row.source
    assert "[inferred" not in row.source


def test_config_for_a_role_spec():
    from ecsrole_lib import RoleSpec

    spec = RoleSpec(features=["s3_config"], config_bucket="my-ecs-config",
                    config_key="prod/ecs.config", cluster_name="prod")
    config = AgentConfig.for_spec(spec, instance_tags=True)
    assert (config.cluster, config.instance_kind, config.config_from_s3, config.instance_tags) == (
        "prod", "ec2", ("my-ecs-config", "prod/ecs.config"), (("created-by", "ecsrole-guide"),))
    external = AgentConfig.for_spec(RoleSpec(instance_kind="external"))
    assert (external.instance_kind, external.config_from_s3) == ("external", None)


def test_calls_are_hashable_values():
    calls = agent_calls(AgentConfig(instance_tags=True), **WHERE)
    assert len(set(calls)) == len(calls)


def test_config_is_frozen_and_hashable():
    config = AgentConfig(instance_tags={"b": "2", "a": "1"})
    assert config.instance_tags == (("a", "1"), ("b", "2"))
    assert hash(config) == hash(AgentConfig(instance_tags=[("a", "1"), ("b", "2")]))
    with pytest.raises(AttributeError):
        config.cluster = "x"


# ---------------------------------------------------------------------------------------
# The table against AWS's managed policy, with the guide's evaluator


@pytest.mark.parametrize("config", [AgentConfig(), FULL,
                                    AgentConfig(instance_tags=True, task_metadata_tags=True)],
                         ids=["default", "full", "tags"])
def test_managed_policy_allows_every_agent_call(managed, config):
    for c in agent_calls(config, **WHERE):
        if c.action in BEYOND_MANAGED:
            continue
        assert evaluate(managed, c.action, c.resource, c.context_dict).allowed, c


def test_the_page_extra_policies_cover_the_rest(managed):
    bucket, key = FULL.config_from_s3
    extra = {**managed, "config": policies.config_read_policy("aws", bucket, key),
             "logs": policies.logs_policy(least_privilege=True, region="eu-west-1",
                                          account="111122223333")}
    for c in agent_calls(FULL, **WHERE):
        assert evaluate(extra, c.action, c.resource, c.context_dict).allowed, c


def test_external_instance_with_its_two_managed_policies(managed):
    both = {**managed, "AmazonSSMManagedInstanceCore": managed_policy("AmazonSSMManagedInstanceCore")}
    for c in agent_calls(AgentConfig(instance_kind="external"), **WHERE):
        assert evaluate(both, c.action, c.resource, c.context_dict).allowed, c


def test_tag_resource_needs_the_creation_context(managed):
    c = call(AgentConfig(instance_tags=True), "ecs:TagResource")
    assert evaluate(managed, c.action, c.resource, c.context_dict).allowed
    d = evaluate(managed, c.action, c.resource)
    assert d.kind == "implicit_deny"
    assert d.unmet


def test_a_hand_copied_policy_from_before_2024_breaks_tagged_registration():
    stale = policies.parse({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Resource": "*",
        "Action": ["ecs:CreateCluster", "ecs:DeregisterContainerInstance",
                   "ecs:DiscoverPollEndpoint", "ecs:Poll", "ecs:RegisterContainerInstance",
                   "ecs:StartTelemetrySession", "ecs:Submit*", "ecr:GetAuthorizationToken",
                   "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
                   "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"]}]})
    denied = [c.action for c in agent_calls(AgentConfig(instance_tags=True), **WHERE)
              if not evaluate([stale], c.action, c.resource, c.context_dict).allowed]
    assert denied == ["ecs:TagResource"]


def test_a_cluster_scoped_poll_breaks_service_connect_only():
    """aws-cdk issue 28594: ecs:Poll limited with ArnEquals ecs:cluster works for the agent
    but not for Service Connect."""
    scoped = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["ecs:Poll", "ecs:StartTelemetrySession"],
         "Resource": "*", "Condition": {"ArnEquals": {"ecs:cluster": f"{ARN}:cluster/default"}}},
        {"Effect": "Allow", "Action": ["ecs:RegisterContainerInstance", "ecs:Submit*",
                                       "ecs:DiscoverPollEndpoint"], "Resource": "*"}]}
    config = AgentConfig(awslogs=False, ecr_pulls=False, service_connect=True)
    denied = [c.resource for c in agent_calls(config, **WHERE)
              if not evaluate([scoped], c.action, c.resource, c.context_dict).allowed]
    assert denied == [f"{ARN}:task-set/default/*"]


def test_the_anywhere_trust_conditions_are_marked_as_the_guides_and_pin_one_region():
    """Issue 18.5: the Amazon ECS Anywhere IAM role page's trust policy has no conditions;
    the guide adds aws:SourceAccount and an aws:SourceArn of one Region (IAM: ArnLike
    compares each of the six parts), so an activation in another Region is refused."""
    from ecsrole_lib import RoleSpec, plan
    from ecsrole_lib.diagnose.access import trusts

    steps = plan(RoleSpec(instance_kind="external")).steps
    console = " ".join(next(s for s in steps if s.id == "create_role").console["en"])
    assert "the guide's addition, not on the page" in console
    assert "an activation created in another Region cannot assume the role" in console
    trust = policies.trust_policy("external", account="111122223333", region="us-east-1")
    here = {"aws:SourceAccount": "111122223333",
            "aws:SourceArn": "arn:aws:ssm:us-east-1:111122223333:activation/x"}
    there = {**here, "aws:SourceArn": "arn:aws:ssm:eu-west-1:111122223333:activation/x"}
    assert trusts(trust, service="ssm.amazonaws.com", context=here).allowed
    assert not trusts(trust, service="ssm.amazonaws.com", context=there).allowed
