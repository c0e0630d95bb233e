"""Reads made ahead: what a run's steps will read, read at once before they run.

On AWS a call costs tens of milliseconds, so a run feels as long as its
longest chain of calls made one after another. The steps read one resource at
a time (the role, the instance profile, each policy, the bucket ...), but
those reads depend on nothing but the spec, or on one earlier answer: whether
the role exists, the caller's account, a policy's default version. So
:func:`prefetch` makes them in at most three rounds of concurrent reads
(:meth:`~ecsrole_lib.aws.Context.read_ahead`), before the first step:

1. the caller, the role, the instance profile, the AWS managed policies, the bucket;
2. what needs round 1: the role's attached and inline policy lists, the account
   setting, the customer managed policy (its ARN holds the account), the
   managed policy's default version, the bucket's tags and public access
   block, the ``ecs.config`` object;
3. the customer managed policy's default version, the object's tags, the
   role's inline documents, and (for ``apply`` when nothing is created before
   it) the policy list the page's ``list-policies`` step reads.

The steps then make the same calls as before, in the same order, and find
each answer (or the error it met) waiting: results, errors and the counts in
the report are those of a run without it; only the waiting is shorter. It
reads only what the steps of that action read in that state, so nothing is
read twice; the writes keep the page's order.

>>> from ecsrole_lib import RoleSpec, plan
>>> [r.operation for r in first_round(RoleSpec(), plan(RoleSpec()), "apply")]
['get_caller_identity', 'get_role', 'get_instance_profile', 'get_policy']
"""

from __future__ import annotations

from typing import Any

from . import policies
from .aws import Context, Read
from .plan import Plan
from .spec import RoleSpec
from .steps import (
    ACCOUNT,
    AddRoleToInstanceProfile,
    AttachPolicy,
    CheckEcrPermissions,
    CreateConfigBucket,
    CreateInstanceProfile,
    CreateLogsPolicy,
    CreateRole,
    EnableTrunking,
    FindLogsPolicy,
    InlinePolicy,
    UploadEcsConfig,
)

__all__ = ["prefetch"]

#: The actions whose reads are known here; any other name reads nothing ahead.
ACTIONS = ("apply", "audit", "teardown")


def _has(the_plan: Plan, *kinds: type) -> list[Any]:
    return [step.action for step in the_plan if isinstance(step.action, kinds)]


def _ok(answer: Any) -> bool:
    return answer is not None and not isinstance(answer, Exception)


def _unique(reads: list[Read]) -> list[Read]:
    seen: dict[tuple, Read] = {}
    for read in reads:
        seen.setdefault(read.key, read)
    return list(seen.values())


def first_round(spec: RoleSpec, the_plan: Plan, action: str) -> list[Read]:
    """Reads that need nothing but the spec (the caller first)."""
    reads = [Read("sts", "get_caller_identity"), Read("iam", "get_role", {"RoleName": spec.role_name})]
    if _has(the_plan, CreateInstanceProfile, AddRoleToInstanceProfile):
        reads.append(Read("iam", "get_instance_profile",
                          {"InstanceProfileName": spec.instance_profile_name}))
    if action in ("apply", "audit"):
        # AWS managed policies: their ARNs hold the partition, known from the region
        # (a partition other than the credentials' is a conflict preflight reports).
        for attach in _has(the_plan, AttachPolicy):
            if not attach.made_by_step and ACCOUNT not in attach.policy_arn:
                reads.append(Read("iam", "get_policy", {"PolicyArn": attach.policy_arn}))
        if _has(the_plan, CheckEcrPermissions):
            reads.append(Read("iam", "get_policy", {"PolicyArn": _container_policy(spec.partition)}))
    if action == "apply" and spec.permissions_boundary:
        reads.append(Read("iam", "get_policy", {"PolicyArn": spec.permissions_boundary}))
    if _has(the_plan, CreateConfigBucket):
        reads.append(Read("s3", "head_bucket", {"Bucket": spec.config_bucket}))
    return _unique(reads)


def _container_policy(partition: str) -> str:
    return policies.managed_policy_arn(partition, policies.CONTAINER_INSTANCE_POLICY)


def prefetch(ctx: Context, spec: RoleSpec, the_plan: Plan, action: str) -> None:
    """Read ahead, concurrently, what ``action`` (apply, audit, teardown) will read."""
    if action not in ACTIONS:
        return
    early = action in ("apply", "audit")  # every read before the first write (preflight)
    first = first_round(spec, the_plan, action)
    answers = dict(zip((r.key for r in first), ctx.read_ahead(first)))
    identity = answers[first[0].key]
    if not _ok(identity):
        return  # the run stops at the caller; it reads nothing else
    # What _start learns from the same answer; the steps' ARNs need it.
    ctx.account, ctx.partition = identity["Account"], identity["Arn"].split(":")[1]

    def answer(service: str, operation: str, **params: Any) -> Any:
        return answers.get(Read(service, operation, params).key)

    role = spec.role_name
    role_found = _ok(answer("iam", "get_role", RoleName=role))
    second: list[Read] = []
    if role_found:
        second.append(Read("iam", "list_attached_role_policies", {"RoleName": role},
                           "AttachedPolicies"))
        if early:
            second.append(Read("iam", "list_role_policies", {"RoleName": role}, "PolicyNames"))
        if _has(the_plan, EnableTrunking):
            second.append(Read("ecs", "list_account_settings",
                               {"name": "awsvpcTrunking", "principalArn": CreateRole(spec).arn(ctx)}))
    if early:
        for logs in _has(the_plan, CreateLogsPolicy):
            second.append(Read("iam", "get_policy", {"PolicyArn": logs.arn(ctx)}))
        for attach in _has(the_plan, AttachPolicy):
            if not attach.made_by_step and ACCOUNT in attach.policy_arn:
                second.append(Read("iam", "get_policy", {"PolicyArn": attach.arn(ctx)}))
        if _has(the_plan, CheckEcrPermissions):
            second += _default_version(answer("iam", "get_policy",
                                              PolicyArn=_container_policy(ctx.partition)),
                                       _container_policy(ctx.partition))
    if _has(the_plan, CreateConfigBucket) and _ok(answer("s3", "head_bucket", Bucket=spec.config_bucket)):
        bucket = {"Bucket": spec.config_bucket}
        second += [Read("s3", "get_bucket_tagging", bucket), Read("s3", "get_public_access_block", bucket)]
        if _has(the_plan, UploadEcsConfig):
            second.append(Read("s3", "get_object", dict(bucket, Key=spec.config_key)))
    second = _unique(second)
    answers.update(zip((r.key for r in second), ctx.read_ahead(second)))

    third: list[Read] = []
    logs_found = False
    if early:
        for logs in _has(the_plan, CreateLogsPolicy):
            found = answer("iam", "get_policy", PolicyArn=logs.arn(ctx))
            logs_found = logs_found or _ok(found)
            third += _default_version(found, logs.arn(ctx))
        inline = answer("iam", "list_role_policies", RoleName=role) if role_found else None
        for document in _has(the_plan, InlinePolicy):
            if _ok(inline) and document.policy_name in inline:
                third.append(Read("iam", "get_role_policy",
                                  {"RoleName": role, "PolicyName": document.policy_name}))
    if _ok(answer("s3", "get_object", Bucket=spec.config_bucket, Key=spec.config_key)):
        third.append(Read("s3", "get_object_tagging",
                          {"Bucket": spec.config_bucket, "Key": spec.config_key}))
    # The page's list-policies step reads after the writes before it; ahead only when the
    # policy it looks for exists already (a converged run). A create would make it stale.
    if action == "apply" and logs_found and _has(the_plan, FindLogsPolicy):
        third.append(Read("iam", "list_policies", {"Scope": "Local"}, "Policies"))
    ctx.read_ahead(_unique(third))


def _default_version(policy: Any, arn: str) -> list[Read]:
    if not _ok(policy):
        return []
    return [Read("iam", "get_policy_version",
                 {"PolicyArn": arn, "VersionId": policy["Policy"]["DefaultVersionId"]})]
