"""Seed an account with roles for the survey: container instance roles with faults, and others.

Made with plain boto3 (not the guide), as people make roles by hand, so the
survey meets what it would meet in an account. Each kind of role is one way of
setting up (or getting wrong) the container instance role; ``seed`` cycles
through them. Used by ``tests/test_survey.py`` (which writes the expected
verdict of each kind itself) and ``benchmarks/survey_scale.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

ECS_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
SSM_POLICY = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
S3_POLICY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


def trust(service: str, condition: dict[str, Any] | None = None) -> str:
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _anywhere(account: str) -> dict[str, Any]:
    """The documented ECS Anywhere trust conditions (confused deputy)."""
    return {"StringEquals": {"aws:SourceAccount": account},
            "ArnLike": {"aws:SourceArn": f"arn:aws:ssm:us-east-1:{account}:*"}}


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ALLOW_ECS = {"Effect": "Allow", "Action": ["ecs:RegisterContainerInstance", "ecs:DiscoverPollEndpoint",
                                           "ecs:Poll", "ecs:StartTelemetrySession", "ecs:Submit*"],
             "Resource": "*"}
DENY_REGISTER = {"Effect": "Deny", "Action": "ecs:RegisterContainerInstance", "Resource": "*"}


def _role(iam, name: str, service: str, attach: tuple[str, ...] = (), inline: str = "",
          profile: str | None = "", into_profile: bool = True, condition: dict | None = None) -> None:
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust(service, condition))
    for arn in attach:
        iam.attach_role_policy(RoleName=name, PolicyArn=arn)
    if inline:
        iam.put_role_policy(RoleName=name, PolicyName="instance", PolicyDocument=inline)
    if profile is not None:
        profile = profile or f"{name}-profile"
        iam.create_instance_profile(InstanceProfileName=profile)
        if into_profile:
            iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=name)


def _customer_policy(iam, name: str) -> str:
    return iam.create_policy(PolicyName=f"{name}-agent",
                             PolicyDocument=document(ALLOW_ECS))["Policy"]["Arn"]


#: kind -> how to make a role of that kind (iam client, role name, account id).
#: Container instance roles first (ECS_KINDS), then others (OTHER_KINDS).
KINDS: dict[str, Callable[[Any, str, str], None]] = {
    # As the page makes it: trusted by EC2, the managed policy, an instance profile holding it.
    "documented": lambda iam, n, account: _role(iam, n, "ec2.amazonaws.com", (ECS_POLICY,)),
    "no instance profile": lambda iam, n, account: _role(iam, n, "ec2.amazonaws.com", (ECS_POLICY,), profile=None),
    "empty instance profile": lambda iam, n, account: _role(iam, n, "ec2.amazonaws.com", (ECS_POLICY,),
                                                   into_profile=False),
    "trusted by ecs-tasks": lambda iam, n, account: _role(iam, n, "ecs-tasks.amazonaws.com", (ECS_POLICY,)),
    "inline policy instead": lambda iam, n, account: _role(iam, n, "ec2.amazonaws.com", inline=document(ALLOW_ECS)),
    "customer managed policy instead": lambda iam, n, account: _role(
        iam, n, "ec2.amazonaws.com", (_customer_policy(iam, n),)),
    "extra managed policy": lambda iam, n, account: _role(iam, n, "ec2.amazonaws.com", (ECS_POLICY, S3_POLICY)),
    "ecs anywhere": lambda iam, n, account: _role(iam, n, "ssm.amazonaws.com", (SSM_POLICY, ECS_POLICY),
                                         profile=None, condition=_anywhere(account)),
    "ecs anywhere without ssm core": lambda iam, n, account: _role(
        iam, n, "ssm.amazonaws.com", (ECS_POLICY,), profile=None, condition=_anywhere(account)),
    "ecs anywhere without conditions": lambda iam, n, account: _role(iam, n, "ssm.amazonaws.com",
                                                            (SSM_POLICY, ECS_POLICY), profile=None),
    # Not roles an instance could use with Amazon ECS:
    "register denied": lambda iam, n, account: _role(iam, n, "ec2.amazonaws.com",
                                            inline=document(ALLOW_ECS, DENY_REGISTER)),
    "ec2 without ecs": lambda iam, n, account: _role(iam, n, "ec2.amazonaws.com", (S3_POLICY,)),
    "lambda": lambda iam, n, account: _role(iam, n, "lambda.amazonaws.com", (S3_POLICY,), profile=None),
    "lambda allowed ecs": lambda iam, n, account: _role(iam, n, "lambda.amazonaws.com",
                                               inline=document(ALLOW_ECS), profile=None),
}
ECS_KINDS = tuple(list(KINDS)[:10])
OTHER_KINDS = tuple(list(KINDS)[10:])





def plan_roles(count: int, prefix: str = "r") -> dict[str, str]:
    """``count`` role names to kinds: half container instance roles (cycling through the
    faults), half other roles."""
    names = {}
    for i in range(count):
        kinds = ECS_KINDS if i % 2 == 0 else OTHER_KINDS
        kind = kinds[(i // 2) % len(kinds)]
        names[f"{prefix}{i:04d}-{kind.replace(' ', '-')}"[:64]] = kind
    return names


def seed(session, roles: dict[str, str]) -> None:
    """Make each role of ``roles`` (name -> kind) in the account of ``session``.

    One after another: moto's IAM is not safe for concurrent writes (a role created
    while another request looks roles up fails with "dictionary changed size").
    """
    iam = session.client("iam")
    account = session.client("sts").get_caller_identity()["Account"]
    for name, kind in roles.items():
        KINDS[kind](iam, name, account)
