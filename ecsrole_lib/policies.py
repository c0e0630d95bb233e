"""Policy documents from the page, AWS managed policy ARNs, and comparison by meaning.

>>> trust_policy("ec2")["Statement"][0]["Principal"]
{'Service': 'ec2.amazonaws.com'}
>>> same_policy({"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}},
...             {"Version": "2012-10-17",
...              "Statement": [{"Resource": ["*"], "Action": ["S3:getobject"], "Effect": "Allow"}]})
True
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from .wildcards import matches

VERSION = "2012-10-17"

#: AWS managed policies the page names, as (path, name).
CONTAINER_INSTANCE_POLICY = ("/service-role/", "AmazonEC2ContainerServiceforEC2Role")
SSM_CORE_POLICY = ("/", "AmazonSSMManagedInstanceCore")
S3_READ_ONLY_POLICY = ("/", "AmazonS3ReadOnlyAccess")

#: The four actions the page's ECR section asks for.
ECR_ACTIONS = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
    "ecr:GetAuthorizationToken",
)
LOGS_ACTIONS = (
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "logs:DescribeLogStreams",
)

#: IAM's size quotas, counted in characters without whitespace.
TRUST_POLICY_QUOTA = 2048
MANAGED_POLICY_QUOTA = 6144
INLINE_POLICIES_QUOTA = 10240


def managed_policy_arn(partition: str, path_name: tuple[str, str]) -> str:
    """ARN of an AWS managed policy in ``partition``.

    >>> managed_policy_arn("aws-cn", CONTAINER_INSTANCE_POLICY)
    'arn:aws-cn:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role'
    """
    path, name = path_name
    return f"arn:{partition}:iam::aws:policy{path}{name}"


def trust_policy(instance_kind: str, partition: str = "aws", account: str = "${ACCOUNT_ID}",
                 region: str = "us-east-1") -> dict[str, Any]:
    """The role's trust policy: EC2 for ``ec2``; Systems Manager for ``external``.

    The ECS Anywhere role carries the confused-deputy conditions
    (``aws:SourceAccount``, ``aws:SourceArn``) so only this account's
    Systems Manager can assume it: the guide's addition (the Amazon ECS Anywhere IAM
    role page's trust policy has none). ``aws:SourceArn`` names ``region`` only: an
    activation created in another Region cannot assume the role.
    """
    if instance_kind == "ec2":
        statement: dict[str, Any] = {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    else:
        statement = {
            "Effect": "Allow",
            "Principal": {"Service": "ssm.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": account},
                "ArnLike": {"aws:SourceArn": f"arn:{partition}:ssm:{region}:{account}:*"},
            },
        }
    return {"Version": VERSION, "Statement": [statement]}


def logs_policy(least_privilege: bool = False, partition: str = "aws", region: str = "*",
                account: str = "${ACCOUNT_ID}") -> dict[str, Any]:
    """The page's CloudWatch Logs policy; narrowed to one account and region on request."""
    resource = (f"arn:{partition}:logs:{region}:{account}:*" if least_privilege
                else f"arn:{partition}:logs:*:*:*")  # the page's, in the role's partition
    return {"Version": VERSION, "Statement": [
        {"Effect": "Allow", "Action": list(LOGS_ACTIONS), "Resource": [resource]}]}


def arn_literal(text: str) -> str:
    """``text`` inside a resource ARN, matching only itself.

    ``*`` and ``?`` are wildcards in an IAM resource and ``${`` starts a policy
    variable; IAM's special variables ``${*}``, ``${?}`` and ``${$}`` stand for
    the characters themselves (policy Version 2012-10-17).

    >>> arn_literal("prod/*.config")
    'prod/${*}.config'
    """
    return "".join({"*": "${*}", "?": "${?}", "$": "${$}"}.get(c, c) for c in text)


def config_read_policy(partition: str, bucket: str, key: str,
                       escape: Any = None) -> dict[str, Any]:
    """Least-privilege alternative to ``AmazonS3ReadOnlyAccess``: read one object.

    The object's key matches itself only (:func:`arn_literal`); ``escape`` is
    applied to it after that (the CloudFormation template's ``!Sub`` escaping).

    >>> config_read_policy("aws", "b", "a?.config")["Statement"][0]["Resource"]
    'arn:aws:s3:::b/a${?}.config'
    """
    literal_key = arn_literal(key)
    if escape is not None:
        literal_key = escape(literal_key)
    return {"Version": VERSION, "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject",
         "Resource": f"arn:{partition}:s3:::{bucket}/{literal_key}"}]}


def allow_policy(actions) -> dict[str, Any]:
    """One statement allowing ``actions`` on every resource.

    >>> allow_policy(["ecs:UpdateContainerInstancesState"])["Statement"][0]["Action"]
    ['ecs:UpdateContainerInstancesState']
    """
    return {"Version": VERSION, "Statement": [
        {"Effect": "Allow", "Action": list(actions), "Resource": "*"}]}


def ecr_policy() -> dict[str, Any]:
    """The page's ECR permissions, as one policy."""
    return allow_policy(ECR_ACTIONS)


def as_json(document: dict[str, Any]) -> str:
    """The document as the page writes it to a file (indented JSON)."""
    return json.dumps(document, indent=4)


def size(document: dict[str, Any]) -> int:
    """Characters IAM counts against its quotas: whitespace is not counted."""
    return len("".join(json.dumps(document).split()))


def parse(document: Any) -> dict[str, Any]:
    """A policy document as a dict, whether boto3 gave a dict or (URL-encoded) JSON."""
    if isinstance(document, dict):
        return document
    text = urllib.parse.unquote(document) if document.lstrip().startswith("%") else document
    return json.loads(text)


def named_principals(trust: dict[str, Any]) -> list[str]:
    """Every principal a trust policy's statements name, in order (``"*"`` as itself).

    >>> named_principals({"Statement": {"Principal": {"Service": ["ecs.amazonaws.com"]}}})
    ['ecs.amazonaws.com']
    """
    statements = trust.get("Statement", [])
    found: list[str] = []
    for statement in [statements] if isinstance(statements, dict) else statements:
        principal = statement.get("Principal", {})
        if not isinstance(principal, dict):
            found.append(str(principal))
            continue
        for values in principal.values():
            found += [values] if isinstance(values, str) else list(values)
    return found


#: Trust principals people pick for a container instance role by mistake: what each is,
#: and what an instance with the role then sees.
WRONG_PRINCIPALS = {
    "ecs.amazonaws.com": (
        "ecs.amazonaws.com is the Amazon ECS service itself, not the instance",
        ("Amazon EC2 cannot assume this role, so the container agent gets no credentials and "
         "the instance never joins the cluster")),
    "ecs-tasks.amazonaws.com": (
        "ecs-tasks.amazonaws.com is for task roles, not container instances",
        "the agent on the instance gets no credentials"),
}


def _as_set(value: Any, lower: bool = False) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    return tuple(sorted({(v.lower() if lower else v) for v in values}))


def _normal_statement(statement: dict[str, Any]) -> str:
    normal: dict[str, Any] = {"Effect": statement.get("Effect")}
    for key in ("Action", "NotAction"):
        if key in statement:
            normal[key] = _as_set(statement[key], lower=True)  # IAM actions ignore case
    for key in ("Resource", "NotResource"):
        if key in statement:
            normal[key] = _as_set(statement[key])
    for key in ("Principal", "NotPrincipal"):
        if key in statement:
            principal = statement[key]
            normal[key] = (principal if isinstance(principal, str)
                           else {k: _as_set(v) for k, v in sorted(principal.items())})
    if statement.get("Condition"):
        normal["Condition"] = {
            op: {k: _as_set(v) for k, v in sorted(pairs.items())}
            for op, pairs in sorted(statement["Condition"].items())}
    return json.dumps(normal, sort_keys=True)


def normalize(document: Any) -> tuple[str, ...]:
    """The meaning of a policy: its statements, order and spelling aside (``Sid`` ignored)."""
    statements = parse(document).get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    return tuple(sorted(_normal_statement(s) for s in statements))


def same_policy(left: Any, right: Any) -> bool:
    """Whether two policy documents mean the same."""
    return normalize(left) == normalize(right)


def _matches(pattern: str, action: str) -> bool:
    """Whether an IAM wildcard pattern matches, letter case ignored (for action names, and
    here for resources too: only ``*`` and ``?`` are wildcards, ``[`` is itself)."""
    return matches(pattern, action, ignore_case=True)


def allowed_actions(document: Any, actions: tuple[str, ...], resource: str = "*") -> dict[str, str]:
    """Which of ``actions`` an Allow statement grants on ``resource``, with the grant's wording.

    Only plain Allow statements without conditions count; a Deny anywhere that
    matches removes the action. This is what the page's ECR question needs,
    not a policy simulator.

    >>> allowed_actions({"Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]},
    ...                 ("ecr:BatchGetImage",))
    {'ecr:BatchGetImage': 'ecr:*'}
    """
    statements = parse(document).get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    granted: dict[str, str] = {}
    denied: set[str] = set()
    for statement in statements:
        resources = _as_set(statement.get("Resource", []))
        if not any(_matches(r, resource) for r in resources) or "Condition" in statement:
            continue
        for pattern in _as_set(statement.get("Action", [])):
            for action in actions:
                if _matches(pattern, action):
                    if statement.get("Effect") == "Deny":
                        denied.add(action)
                    else:
                        granted.setdefault(action, pattern)
    return {a: p for a, p in granted.items() if a not in denied}
