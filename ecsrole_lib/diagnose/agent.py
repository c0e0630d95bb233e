"""What a container instance does with its role: every call, on which resource, and when.

The Amazon ECS container agent (and, on external instances, the AWS Systems Manager
Agent; around it the Docker ``awslogs`` driver and the user data) signs its calls with
the container instance role. :data:`CALLS` lists them as data, one row per action, with
the resource it names, the request context IAM sees, the condition under which it is
made, and where that comes from: a file of the agent's source
(https://github.com/aws/amazon-ecs-agent, read at commit 8dfceca6c, VERSION 1.105.1) or an
AWS page.
``[inferred]`` in a source marks what no source read states outright.

On an external instance (Amazon ECS Anywhere) the agent makes the same calls; its
credentials come, in order, from the environment, the Systems Manager Agent's rotating
shared credentials file, the shared credentials file (``~/.aws/credentials``), and only
then the Amazon EC2 role; on Amazon EC2 the SDK's default chain (environment, shared file,
EC2 role) comes first and the rotating file last; image pulls from Amazon ECR without an
execution role always use the Amazon EC2 order (``isExternal=false``)
(``ecs-agent/credentials/providers/instance_credentials_provider.go``,
``NewInstanceCredentialsCache``; ``agent/ecr/factory.go``).

Resources the agent cannot know before the call (the container instance's ID before
registration, a task, a repository) are written ``*``. :func:`~ecsrole_lib.diagnose.access.evaluate`
compares them literally, so a policy must cover *every* such resource for the call to be
allowed: ``container-instance/prod/*`` covers ``container-instance/prod/*``,
``container-instance/prod/0123`` does not.

>>> config = AgentConfig(cluster="prod", instance_tags=True)
>>> [c.action for c in agent_calls(config, partition="aws", region="eu-west-1",
...                                account="111122223333")][:5]
['ecs:RegisterContainerInstance', 'ecs:TagResource', 'ecs:DiscoverPollEndpoint', 'ecs:Poll', \
'ecs:StartTelemetrySession']
>>> config.env()[:2]
['ECS_CLUSTER=prod', 'ECS_CONTAINER_INSTANCE_TAGS={"created-by": "ecsrole-guide"}']
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..errors import Problem, ValidationError
from ..features import agent_settings
from ..marks import OWNER_TAG

if TYPE_CHECKING:
    from ..spec import RoleSpec

__all__ = ["CALLS", "AgentCall", "AgentConfig", "CallRow", "agent_calls"]

_AGENT = "https://github.com/aws/amazon-ecs-agent/blob/master/"
_ECS_CLIENT = _AGENT + "ecs-agent/api/ecs/client/ecs_client.go"
_AGENT_GO = _AGENT + "agent/app/agent.go"
_SAR = ("AWS page: Actions, resources, and condition keys for Amazon Elastic Container "
        "Service, https://docs.aws.amazon.com/service-authorization/latest/reference/"
        "list_amazonelasticcontainerservice.html (read in udondan/iam-floyd's copy generated "
        "from it)")
_TAG_ON_CREATE = ("AWS page: Grant permission to tag resources on creation (Amazon ECS), "
                  "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/"
                  "supported-iam-actions-tagging.html")

#: The tags ``instance_tags=True`` stands for: the guide's own marker.
DEFAULT_INSTANCE_TAGS = (OWNER_TAG,)


@dataclass(frozen=True)
class AgentConfig:
    """How the container instance is set up: what its agent will call.

    Attributes
    ----------
    cluster
        ``ECS_CLUSTER``; None leaves it unset, and the agent joins (or creates) ``default``.
    instance_tags
        ``ECS_CONTAINER_INSTANCE_TAGS``: False, True (the guide's ``created-by`` tag), or
        the tags as a mapping or ``(key, value)`` pairs.
    propagate_ec2_tags
        ``ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM=ec2_instance`` (needs ``ec2:DescribeTags``).
    spot_draining
        ``ECS_ENABLE_SPOT_INSTANCE_DRAINING=true`` (``ecs:UpdateContainerInstancesState``).
    awslogs
        Tasks log with the ``awslogs`` driver through the instance role.
    awslogs_create_group
        Tasks set ``awslogs-create-group=true`` (``logs:CreateLogGroup``).
    ecr_pulls
        Tasks pull from Amazon ECR without a task execution role.
    task_metadata_tags
        Containers ask the task metadata endpoint for tags (``ecs:ListTagsForResource``).
    service_connect
        Services in the cluster use Amazon ECS Service Connect.
    config_from_s3
        ``(bucket, key)`` of the ``ecs.config`` the user data copies, or None.
    instance_kind
        ``"ec2"`` or ``"external"`` (Amazon ECS Anywhere).
    """

    cluster: str | None = "default"
    instance_tags: Any = False
    propagate_ec2_tags: bool = False
    spot_draining: bool = False
    awslogs: bool = True
    awslogs_create_group: bool = False
    ecr_pulls: bool = True
    task_metadata_tags: bool = False
    service_connect: bool = False
    config_from_s3: tuple[str, str] | None = None
    instance_kind: Literal["ec2", "external"] = "ec2"

    def __post_init__(self) -> None:
        tags = self.instance_tags
        if tags is True:
            tags = DEFAULT_INSTANCE_TAGS
        elif not tags:
            tags = ()
        elif isinstance(tags, Mapping):
            tags = tuple(sorted(tags.items()))
        else:
            tags = tuple((str(k), str(v)) for k, v in tags)
        object.__setattr__(self, "instance_tags", tags)
        if self.config_from_s3 is not None:
            object.__setattr__(self, "config_from_s3", tuple(self.config_from_s3))
        problems = []
        if self.instance_kind not in ("ec2", "external"):
            problems.append(Problem("instance_kind", self.instance_kind,
                                    "must be 'ec2' or 'external'"))
        if self.instance_kind == "external":
            for name in ("propagate_ec2_tags", "spot_draining"):
                if getattr(self, name):
                    problems.append(Problem(name, True, "applies to Amazon EC2 instances only, "
                                                        "not to external instances"))
        if self.config_from_s3 is not None and (len(self.config_from_s3) != 2
                                                or not all(self.config_from_s3)):
            problems.append(Problem("config_from_s3", self.config_from_s3,
                                    "must be (bucket, key) or None"))
        if problems:
            raise ValidationError(problems)

    @classmethod
    def for_spec(cls, spec: RoleSpec, **changes: Any) -> AgentConfig:
        """The instance a :class:`~ecsrole_lib.RoleSpec` sets up: its cluster, its kind, and
        the ``ecs.config`` its user data reads from Amazon S3; ``changes`` override.

        >>> from ecsrole_lib import RoleSpec
        >>> spec = RoleSpec(features=["s3_config"], config_bucket="my-ecs-config", cluster_name="prod")
        >>> AgentConfig.for_spec(spec, spot_draining=True).config_from_s3
        ('my-ecs-config', 'ecs.config')
        """
        return cls(**{**agent_settings(spec), **changes})

    def env(self) -> list[str]:
        """The ``ecs.config`` lines this configuration implies, in the agent's own names.

        >>> AgentConfig(cluster=None, spot_draining=True, awslogs=False).env()
        ['ECS_ENABLE_SPOT_INSTANCE_DRAINING=true']
        """
        lines = []
        if self.cluster is not None:
            lines.append(f"ECS_CLUSTER={self.cluster}")
        if self.instance_tags:
            lines.append("ECS_CONTAINER_INSTANCE_TAGS=" + json.dumps(dict(self.instance_tags)))
        if self.propagate_ec2_tags:
            lines.append("ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM=ec2_instance")
        if self.spot_draining:
            lines.append("ECS_ENABLE_SPOT_INSTANCE_DRAINING=true")
        # No ECS_AVAILABLE_LOGGING_DRIVERS: ecs-init already starts the agent with
        # ["json-file","syslog","awslogs","fluentd","none"] (ecs-init/docker/docker.go,
        # getContainerConfig), and an ecs.config line would replace, so narrow, that list.
        if self.instance_kind == "external":
            lines.append("ECS_EXTERNAL=true")
        return lines

    @property
    def registers_with_tags(self) -> bool:
        """Whether registration carries tags (set here, or propagated from Amazon EC2)."""
        return bool(self.instance_tags) or self.propagate_ec2_tags


@dataclass(frozen=True)
class AgentCall:
    """One call the instance makes with its role, with concrete resource and context."""

    action: str
    resource: str
    context: tuple[tuple[str, Any], ...]
    caller: str
    when: str
    source: str

    @property
    def context_dict(self) -> dict[str, Any]:
        """The request context as :func:`~ecsrole_lib.diagnose.access.evaluate` takes it."""
        return dict(self.context)

    def __str__(self) -> str:
        ctx = f" with {dict(self.context)}" if self.context else ""
        return f"{self.action} on {self.resource}{ctx} ({self.caller}: {self.when})"


@dataclass(frozen=True)
class CallRow:
    """A row of the table: a call, as templates filled in by :func:`agent_calls`.

    ``resource`` and the context values are ``str.format`` templates over ``partition``,
    ``region``, ``account``, ``cluster``, ``cluster_arn``, ``container_instance_arn``,
    ``task_arn``, ``bucket``, ``key``; ``needed`` says, from an :class:`AgentConfig`,
    whether the call is made.
    """

    action: str
    resource: str
    caller: str
    when: str
    source: str
    needed: Callable[[AgentConfig], bool] = field(repr=False)
    context: tuple[tuple[str, str], ...] = ()
    tag_context: bool = False


def _always(_: AgentConfig) -> bool:
    return True


_LOGS_SOURCES = (
    "AWS page: https://repost.aws/knowledge-center/ecs-container-logs-cloudwatch (EC2 tasks "
    "without a task execution role log through AmazonEC2ContainerServiceforEC2Role: "
    "logs:CreateLogStream, logs:PutLogEvents); Docker's awslogs driver documentation (the "
    "daemon's credentials are the Amazon EC2 instance profile's)")
_AWSLOGS = "Docker awslogs driver"
_AWSLOGS_WHEN = ("tasks log with awslogs and have no task execution role (ecs-init sets "
                 "ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE=true by default, so a task with one "
                 "logs with it; on external instances Amazon ECS Anywhere requires one for "
                 "awslogs)")
_AWSLOGS_SOURCE = (f"{_AGENT}agent/config/config.go (ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE); "
                   f"{_AGENT}ecs-init/docker/docker_config.go (getPlatformSpecificEnvVariables: "
                   "ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE=true); AWS page: Amazon ECS task "
                   "execution IAM role (external instances: awslogs needs the task execution "
                   f"role); {_LOGS_SOURCES} [inferred: resource shape]")
_ECR_REPOSITORY = "arn:{partition}:ecr:{region}:{account}:repository/*"
_ECR_CALLER = "Docker (with the agent's token)"
_ECR_WHEN = "a task pulls an image from Amazon ECR and has no task execution role"
_ECR_SOURCE = (f"{_AGENT}agent/ecr/factory.go; AWS page: IAM permissions for pulling an image "
               "from Amazon ECR (repository resource)")
_CONTAINER_INSTANCE = "{container_instance_arn}"
_CLUSTER_VALUE = ("[inferred: ecs:cluster holds the cluster ARN, as aws-cdk's default instance "
                  "role assumes (ArnEquals ecs:cluster, aws/aws-cdk issue 28594)]")
_CLUSTER_KEY = (("ecs:cluster", "{cluster_arn}"),)

#: Every call, in the order an instance makes them.
CALLS: tuple[CallRow, ...] = (
    CallRow("ec2:DescribeTags", "*", "ecs-agent",
            "ECS_CONTAINER_INSTANCE_PROPAGATE_TAGS_FROM=ec2_instance: before registering; a "
            "failure stops the registration",
            f"{_AGENT_GO} (registerContainerInstance, getContainerInstanceTagsFromEC2API); "
            f"{_AGENT}ecs-agent/ec2/ec2_client.go (DescribeECSTagsForInstance); resource * "
            "[inferred]: ec2:DescribeTags names no resource",
            lambda c: c.propagate_ec2_tags),
    CallRow("ecs:CreateCluster", "arn:{partition}:ecs:{region}:{account}:cluster/default",
            "ecs-agent",
            "ECS_CLUSTER unset and no cluster named default: registration fails with "
            "ClusterNotFound, the agent creates default and registers again",
            f"{_ECS_CLIENT} (RegisterContainerInstance: clusterRef empty, "
            f"IsClusterNotFoundError, CreateCluster); {_SAR} (CreateCluster: cluster)",
            lambda c: c.cluster is None),
    CallRow("ecs:RegisterContainerInstance", "{cluster_arn}", "ecs-agent",
            "always, at start (and on every restart, with the checkpointed ARN)",
            f"{_ECS_CLIENT} (registerContainerInstance, Cluster: clusterRef); {_AGENT_GO} "
            f"(registerContainerInstance); {_SAR} (RegisterContainerInstance: cluster; "
            "aws:RequestTag, aws:TagKeys)",
            _always, tag_context=True),
    CallRow("ecs:TagResource", _CONTAINER_INSTANCE, "ecs-agent",
            "registration with tags (ECS_CONTAINER_INSTANCE_TAGS, or tags propagated from "
            "Amazon EC2): ECS tags the new container instance as part of "
            "RegisterContainerInstance",
            f"{_ECS_CLIENT} (registerContainerInstance: if len(tags) > 0, Tags); "
            f"{_TAG_ON_CREATE} (ecs:CreateAction); AmazonEC2ContainerServiceforEC2Role v10, "
            "statement 2 (moto's copy: StringEquals ecs:CreateAction CreateCluster, "
            f"RegisterContainerInstance); {_SAR} (TagResource: container-instance; "
            "aws:RequestTag, aws:TagKeys)",
            lambda c: c.registers_with_tags,
            context=(("ecs:CreateAction", "RegisterContainerInstance"),), tag_context=True),
    CallRow("ecs:DiscoverPollEndpoint", "*", "ecs-agent",
            "always: before opening the control-plane (ACS) and telemetry (TCS) sessions",
            f"{_ECS_CLIENT} (discoverPollEndpoint: ContainerInstance, Cluster); "
            f"{_AGENT}ecs-agent/acs/session/session.go (DiscoverPollEndpoint); {_SAR} "
            "(DiscoverPollEndpoint: no resource type, so *)",
            _always),
    CallRow("ecs:Poll", _CONTAINER_INSTANCE, "ecs-agent",
            "always: the control-plane (ACS) websocket that delivers tasks and credentials",
            f"{_AGENT}ecs-agent/acs/session/session.go (acsURL, containerInstance); {_SAR} "
            f"(Poll: container-instance; ecs:cluster) {_CLUSTER_VALUE}",
            _always, context=_CLUSTER_KEY),
    CallRow("ecs:StartTelemetrySession", _CONTAINER_INSTANCE, "ecs-agent",
            "always: metrics and health (TCS websocket)",
            f"{_AGENT}ecs-agent/tcs/handler/handler.go (StartTelemetrySession, "
            f"cluster, containerInstanceArn); {_SAR} (StartTelemetrySession: "
            f"container-instance; ecs:cluster) {_CLUSTER_VALUE}",
            _always, context=_CLUSTER_KEY),
    CallRow("ecs:SubmitTaskStateChange", "{cluster_arn}", "ecs-agent",
            "always, whenever a task changes state",
            f"{_ECS_CLIENT} (submitTaskStateChange); {_SAR} (SubmitTaskStateChange: cluster)",
            _always),
    CallRow("ecs:SubmitContainerStateChange", "{cluster_arn}", "ecs-agent",
            "always, whenever a container changes state",
            f"{_ECS_CLIENT} (SubmitContainerStateChange); {_SAR} "
            "(SubmitContainerStateChange: cluster)",
            _always),
    CallRow("ecs:SubmitAttachmentStateChanges", "{cluster_arn}", "ecs-agent",
            "an instance-level attachment changes state (a trunk ENI with awsvpcTrunking, an "
            "Amazon EBS volume attached for a task): not needed to register",
            f"{_ECS_CLIENT} (SubmitAttachmentStateChange); {_AGENT}agent/eni/watcher/watcher.go "
            f"(NewAttachmentStateChangeEvent); {_AGENT}agent/ebs/watcher.go (AttachmentStateChange); "
            f"{_AGENT}agent/eventhandler/attachment_handler.go; {_SAR} "
            "(SubmitAttachmentStateChanges: cluster)",
            _always),
    CallRow("ecs:Poll", "arn:{partition}:ecs:{region}:{account}:task-set/{cluster}/*",
            "Service Connect agent",
            "Service Connect: the Service Connect container polls for its configuration on the "
            "service's task set, with the instance role",
            f"{_AGENT}agent/engine/serviceconnect/manager_linux.go (CreateInstanceTask: the "
            "instance-service-connect-relay container, an internal host-network task with no "
            "task role, so with the instance's credentials; initRelayEnvironment: the ecs-sc "
            "endpoint from DiscoverPollEndpoint); aws/amazon-ecs-service-connect-agent issue 142 "
            "(Unauthorized to perform ecs:Poll for arn:aws:ecs:...:task-set/CLUSTER/SERVICE/"
            "ecs-svc/ID); aws/aws-cdk issue 28594 (an ecs:cluster condition on ecs:Poll breaks "
            "Service Connect)",
            lambda c: c.service_connect),
    CallRow("ecs:UpdateContainerInstancesState", _CONTAINER_INSTANCE, "ecs-agent",
            "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true, on a Spot interruption notice (DRAINING)",
            f"{_AGENT_GO} (startSpotInstanceDrainingPoller, spotInstanceDrainingPoller); "
            f"{_ECS_CLIENT} (UpdateContainerInstancesState: ContainerInstances, Cluster); "
            f"{_SAR} (UpdateContainerInstancesState: container-instance; ecs:cluster) "
            f"{_CLUSTER_VALUE}",
            lambda c: c.spot_draining, context=_CLUSTER_KEY),
    CallRow("ecs:ListTagsForResource", _CONTAINER_INSTANCE, "ecs-agent",
            "a container asks the task metadata endpoint for its task with tags",
            f"{_AGENT}agent/handlers/v2/response.go (GetResourceTags(containerInstanceARN)); "
            f"{_AGENT}agent/handlers/task_server_setup.go (TaskWithTagsMetadataPath); "
            f"{_ECS_CLIENT} (GetResourceTags: ListTagsForResource); {_SAR} "
            "(ListTagsForResource: container-instance)",
            lambda c: c.task_metadata_tags),
    CallRow("ecs:ListTagsForResource", "{task_arn}", "ecs-agent",
            "a container asks the task metadata endpoint for its task with tags",
            f"{_AGENT}agent/handlers/v2/response.go (GetResourceTags(taskARN)); {_ECS_CLIENT} "
            f"(GetResourceTags: ListTagsForResource); {_SAR} (ListTagsForResource: task)",
            lambda c: c.task_metadata_tags),
    CallRow("ecr:GetAuthorizationToken", "*", "ecs-agent", _ECR_WHEN,
            f"{_AGENT}agent/ecr/factory.go (getClientConfig: UseExecutionRole, else the "
            "instance credentials); AWS page: Amazon ECR interface, IAM permissions for "
            "pulling (GetAuthorizationToken names no resource)",
            lambda c: c.ecr_pulls),
    CallRow("ecr:BatchCheckLayerAvailability", _ECR_REPOSITORY, _ECR_CALLER, _ECR_WHEN,
            _ECR_SOURCE + " [inferred: which pull step calls which action]",
            lambda c: c.ecr_pulls),
    CallRow("ecr:GetDownloadUrlForLayer", _ECR_REPOSITORY, _ECR_CALLER, _ECR_WHEN,
            _ECR_SOURCE, lambda c: c.ecr_pulls),
    CallRow("ecr:BatchGetImage", _ECR_REPOSITORY, _ECR_CALLER, _ECR_WHEN, _ECR_SOURCE,
            lambda c: c.ecr_pulls),
    CallRow("logs:CreateLogGroup", "arn:{partition}:logs:{region}:{account}:log-group:*",
            _AWSLOGS, "a task's awslogs options set awslogs-create-group=true",
            f"{_LOGS_SOURCES}; awslogs-create-group needs logs:CreateLogGroup [inferred: "
            "resource shape]",
            lambda c: c.awslogs and c.awslogs_create_group),
    CallRow("logs:CreateLogStream", "arn:{partition}:logs:{region}:{account}:log-group:*",
            _AWSLOGS, _AWSLOGS_WHEN, _AWSLOGS_SOURCE, lambda c: c.awslogs),
    CallRow("logs:PutLogEvents",
            "arn:{partition}:logs:{region}:{account}:log-group:*:log-stream:*",
            _AWSLOGS, _AWSLOGS_WHEN, _AWSLOGS_SOURCE, lambda c: c.awslogs),
    CallRow("s3:GetObject", "arn:{partition}:s3:::{bucket}/{key}", "user data (AWS CLI)",
            "ecs.config is copied from a private Amazon S3 bucket at launch, before the agent "
            "starts",
            "AWS page: Storing Amazon ECS container instance configuration in Amazon S3 "
            "(aws s3 cp in the user data, with the instance's credentials); the guide's "
            "ecsrole_lib/userdata.py (user_data)",
            lambda c: c.config_from_s3 is not None),
    CallRow("ssm:UpdateInstanceInformation", "*", "SSM Agent",
            "external instances: the Systems Manager Agent's heartbeat, which keeps the "
            "managed instance online",
            "AWS page: Amazon ECS Anywhere IAM role (AmazonSSMManagedInstanceCore); "
            "AmazonSSMManagedInstanceCore (moto's copy) [inferred: resource *]",
            lambda c: c.instance_kind == "external"),
    CallRow("ec2messages:GetMessages", "*", "SSM Agent",
            "external instances: the Systems Manager Agent receives commands",
            "AWS page: AmazonSSMManagedInstanceCore [inferred]",
            lambda c: c.instance_kind == "external"),
    CallRow("ssmmessages:CreateControlChannel", "*", "SSM Agent",
            "external instances: the Systems Manager Agent's Session Manager channel",
            "AWS page: AmazonSSMManagedInstanceCore [inferred]",
            lambda c: c.instance_kind == "external"),
)


def agent_calls(config: AgentConfig | None = None, *, partition: str, region: str,
                account: str, container_instance_id: str = "*",
                task_id: str = "*") -> list[AgentCall]:
    """The calls an instance set up as ``config`` makes with its role, in order.

    Parameters
    ----------
    config
        The instance's setup; ``AgentConfig()`` when None.
    partition, region, account
        Where the instance runs.
    container_instance_id, task_id
        IDs for the container instance and task ARNs; ``*`` (every one) by default.

    >>> calls = agent_calls(AgentConfig(awslogs=False, ecr_pulls=False), partition="aws",
    ...                     region="us-east-1", account="111122223333")
    >>> print(calls[2])
    ecs:Poll on arn:aws:ecs:us-east-1:111122223333:container-instance/default/* with \
{'ecs:cluster': 'arn:aws:ecs:us-east-1:111122223333:cluster/default'} (ecs-agent: always: \
the control-plane (ACS) websocket that delivers tasks and credentials)
    """
    config = config or AgentConfig()
    cluster = config.cluster or "default"
    arn = f"arn:{partition}:ecs:{region}:{account}"
    bucket, key = config.config_from_s3 or ("", "")
    values = {
        "partition": partition, "region": region, "account": account, "cluster": cluster,
        "cluster_arn": f"{arn}:cluster/{cluster}",
        "container_instance_arn": f"{arn}:container-instance/{cluster}/{container_instance_id}",
        "task_arn": f"{arn}:task/{cluster}/{task_id}",
        "bucket": bucket, "key": key,
    }
    calls = []
    for row in CALLS:
        if not row.needed(config):
            continue
        context: list[tuple[str, Any]] = [(k, v.format(**values)) for k, v in row.context]
        if row.tag_context and config.instance_tags and not config.propagate_ec2_tags:
            # The request's tags are known only when none come from Amazon EC2.
            tags = dict(config.instance_tags)
            context.append(("aws:TagKeys", tuple(sorted(tags))))
            context.extend((f"aws:RequestTag/{k}", v) for k, v in sorted(tags.items()))
        calls.append(AgentCall(row.action, row.resource.format(**values), tuple(context),
                               row.caller, row.when, row.source))
    return calls
