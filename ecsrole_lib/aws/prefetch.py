"""Reads made ahead: what a run's steps will read, read at once before they run.

On AWS a call costs tens of milliseconds, so a run feels as long as its
longest chain of calls made one after another. The steps read one resource at
a time (the role, the instance profile, each policy, the bucket ...), but
those reads depend on nothing but the spec, or on one earlier answer: whether
the role exists, the caller's account, a policy's default version. So
:func:`prefetch` makes them in at most three rounds of concurrent reads
(:meth:`~ecsrole_lib.aws.client.Context.read_ahead`), before the first step:

1. the caller, the role, the instance profile, the AWS managed policies, the bucket;
2. what needs round 1: the role's attached and inline policy lists, the account
   setting, the customer managed policy (its ARN holds the account), the
   managed policy's default version, the bucket's tags and public access
   block, the ``ecs.config`` object;
3. the customer managed policy's default version, the object's tags, the
   role's inline documents, and (for ``apply`` when nothing is created before
   it) the policy list the page's ``list-policies`` step reads.

For ``teardown`` round 1 also holds the instance profile associations (which
instances hold the profile) and the instances ``launch`` started, round 2 the lists its preflight reads (the role's
instance profiles, its inline policies) and round 3 their documents. After
``apply``'s writes, :func:`verify_ahead` reads what the read-back of the
written steps reads, in one round (what was just written is there).

The steps then make the same calls as before, in the same order, and find
each answer (or the error it met) waiting: results, errors and the counts in
the report are those of a run without it; only the waiting is shorter. It
reads only what the steps of that action read in that state, so nothing is
read twice; the writes keep the page's order; a write drops the answers it
could change (:meth:`~ecsrole_lib.aws.client.Context.read_ahead`). Two exceptions,
both shown by ``tests/test_prefetch.py``: a run refused by its checks leaves
what it would have read next unread (up to 8 answers unused), and an ``apply``
that repairs something before the page's ``list-policies`` step reads that
list again.

>>> from ecsrole_lib import RoleSpec, plan
>>> [r.operation for r in first_round(RoleSpec(), plan(RoleSpec()), "apply")]
['get_caller_identity', 'get_role', 'get_instance_profile', 'get_policy']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .. import policies
from ..hooks import provided
from ..plan import Plan
from ..spec import RoleSpec
from ..steps import ACCOUNT, CreateRole, Step, owned
from .client import Context, Read

__all__ = ["prefetch", "verify_ahead"]

#: The actions whose reads are known here; any other name reads nothing ahead.
ACTIONS = ("apply", "audit", "teardown")
#: Those whose reads are the steps' checks ("verify": apply's read-back of what it wrote).
CHECKS = ("apply", "audit", "verify")


def _has(steps: Iterable[Step], *reads: str) -> list[Any]:
    """The actions whose checks read any of ``reads`` (see ``Action.touches``)."""
    return [step.action for step in steps if step.action.touches & set(reads)]


def _ok(answer: Any) -> bool:
    return answer is not None and not isinstance(answer, Exception)


def _unique(reads: list[Read]) -> list[Read]:
    seen: dict[tuple, Read] = {}
    for read in reads:
        seen.setdefault(read.key, read)
    return list(seen.values())


def first_round(spec: RoleSpec, steps: Iterable[Step], action: str) -> list[Read]:
    """Reads that need nothing but the spec (the caller first, unless verifying)."""
    reads = [] if action == "verify" else [Read("sts", "get_caller_identity")]
    if action != "verify" or _has(steps, "role"):
        reads.append(Read("iam", "get_role", {"RoleName": spec.role_name}))
    if _has(steps, "instance_profile"):
        reads.append(Read("iam", "get_instance_profile",
                          {"InstanceProfileName": spec.instance_profile_name}))
    if action == "verify":
        # After the writes the role is there (this run made or fixed it): what depends on
        # it goes in the same round. Should IAM not show it yet, these answers go unused.
        if _has(steps, "attached"):
            reads.append(Read("iam", "list_attached_role_policies", {"RoleName": spec.role_name},
                              "AttachedPolicies"))
        if _has(steps, "inline"):
            reads.append(Read("iam", "list_role_policies", {"RoleName": spec.role_name},
                              "PolicyNames"))
    if action in CHECKS:
        # AWS managed policies: their ARNs hold the partition, known from the region
        # (a partition other than the credentials' is a conflict preflight reports).
        # Verifying, the read-back of the attachment shows the policy (Action.proven).
        for attach in _has(steps, "policy") if action != "verify" else ():
            if not attach.made_by_step and ACCOUNT not in attach.policy_arn:
                reads.append(Read("iam", "get_policy", {"PolicyArn": attach.policy_arn}))
        if _has(steps, "container_policy"):
            reads.append(Read("iam", "get_policy", {"PolicyArn": _container_policy(spec.partition)}))
    if action == "apply" and spec.permissions_boundary:
        reads.append(Read("iam", "get_policy", {"PolicyArn": spec.permissions_boundary}))
    if _has(steps, "bucket"):
        reads.append(Read("s3", "head_bucket", {"Bucket": spec.config_bucket}))
    if action == "teardown" and _has(steps, "instance_profile"):  # which instances hold it
        for reads_of in provided("teardown_reads").values():  # with diagnose.launch
            reads.extend(reads_of(spec))
    return _unique(reads)


def _container_policy(partition: str) -> str:
    return policies.managed_policy_arn(partition, policies.CONTAINER_INSTANCE_POLICY)


def prefetch(ctx: Context, spec: RoleSpec, the_plan: Plan, action: str) -> None:
    """Read ahead, concurrently, what ``action`` (apply, audit, teardown) will read."""
    if action in ACTIONS:
        _rounds(ctx, spec, list(the_plan), action)


def verify_ahead(ctx: Context, spec: RoleSpec, steps: Iterable[Step]) -> None:
    """Read ahead, concurrently, what the checks of ``steps`` read (apply's read-back)."""
    _rounds(ctx, spec, list(steps), "verify")


def _rounds(ctx: Context, spec: RoleSpec, steps: list[Step], action: str) -> None:
    checks = action in CHECKS  # the reads of the steps' checks, all before any write
    first = first_round(spec, steps, action)
    if action == "verify":
        # After the writes what they wrote is there: the reads that would wait for an
        # earlier answer go in the same round (should IAM not show it yet, they go unused).
        first += _with_account(ctx, spec, steps, action, True)
        if _has(steps, "bucket"):
            first += _bucket(spec, steps) + _object_tags(spec, steps)
    answers = dict(zip((r.key for r in first), ctx.read_ahead(first)))
    if action != "verify":
        identity = answers[first[0].key]
        if not _ok(identity):
            return  # the run stops at the caller; it reads nothing else
        # What _start learns from the same answer; the steps' ARNs need it.
        ctx.account, ctx.partition = identity["Account"], identity["Arn"].split(":")[1]

    def answer(service: str, operation: str, **params: Any) -> Any:
        return answers.get(Read(service, operation, params).key)

    role = spec.role_name
    found_role = answer("iam", "get_role", RoleName=role)
    role_found = _ok(found_role)
    # Teardown's preflight reads the lists of a role the guide owns, before any removal.
    owned_role = role_found and owned(found_role["Role"].get("Tags"))
    second: list[Read] = []
    if role_found and action != "verify":
        second.append(Read("iam", "list_attached_role_policies", {"RoleName": role},
                           "AttachedPolicies"))
        if action != "teardown" or owned_role:
            second.append(Read("iam", "list_role_policies", {"RoleName": role}, "PolicyNames"))
        if action == "teardown" and owned_role:
            second.append(Read("iam", "list_instance_profiles_for_role", {"RoleName": role},
                               "InstanceProfiles"))
    if action != "verify":  # verifying, the account is known: these went in round 1
        second += _with_account(ctx, spec, steps, action, role_found)
    if checks and _has(steps, "container_policy"):
        second += _default_version(answer("iam", "get_policy",
                                          PolicyArn=_container_policy(ctx.partition)),
                                   _container_policy(ctx.partition))
    if action != "verify" and _ok(answer("s3", "head_bucket", Bucket=spec.config_bucket)):
        second += _bucket(spec, steps)
    second = _unique(second)
    answers.update(zip((r.key for r in second), ctx.read_ahead(second)))

    third: list[Read] = []
    logs_found = False
    inline = answer("iam", "list_role_policies", RoleName=role)
    if checks:
        for logs in _has(steps, "customer_policy"):
            found = answer("iam", "get_policy", PolicyArn=logs.arn(ctx))
            logs_found = logs_found or _ok(found)
            third += _default_version(found, logs.arn(ctx))
        names = [name for step in steps for name in step.action.inline_checked]
    else:  # teardown's preflight: each inline policy named as one of the guide's, by document
        names = [name for step in steps for name in step.action.inline_documents]
    for name in names:
        if _ok(inline) and name in inline:
            third.append(Read("iam", "get_role_policy", {"RoleName": role, "PolicyName": name}))
    if action != "verify" and _ok(answer("s3", "get_object", Bucket=spec.config_bucket,
                                         Key=spec.config_key)):
        third += _object_tags(spec, steps)
    # The page's list-policies step reads after the writes before it; ahead only when the
    # policy it looks for exists already (a converged run). A create would make it stale.
    listed = action == "apply" and logs_found and _has(steps, "list_policies")
    # A policy not found by its ARN is looked for in another case or path: the check lists.
    twin = action != "verify" and checks and not logs_found and _has(steps, "customer_policy")
    if listed or twin:
        third.append(Read("iam", "list_policies", {"Scope": "Local"}, "Policies"))
    ctx.read_ahead(_unique(third))


def _bucket(spec: RoleSpec, steps: list[Step]) -> list[Read]:
    """The config bucket's tags and public access block, and the object, once it exists."""
    bucket = {"Bucket": spec.config_bucket}
    reads = [Read("s3", "get_bucket_tagging", bucket), Read("s3", "get_public_access_block", bucket)]
    if _has(steps, "object"):
        reads.append(Read("s3", "get_object", dict(bucket, Key=spec.config_key)))
    return reads


def _object_tags(spec: RoleSpec, steps: list[Step]) -> list[Read]:
    if not _has(steps, "object"):
        return []
    return [Read("s3", "get_object_tagging", {"Bucket": spec.config_bucket, "Key": spec.config_key})]


def _with_account(ctx: Context, spec: RoleSpec, steps: list[Step], action: str,
                  role_found: bool) -> list[Read]:
    """Reads whose parameters hold the account (customer managed policies, the principal)."""
    reads = []
    if role_found and _has(steps, "account_setting"):
        reads.append(Read("ecs", "list_account_settings",
                          {"name": "awsvpcTrunking", "principalArn": CreateRole(spec).arn(ctx)}))
    if action in CHECKS:
        for logs in _has(steps, "customer_policy"):
            reads.append(Read("iam", "get_policy", {"PolicyArn": logs.arn(ctx)}))
        for attach in _has(steps, "policy") if action != "verify" else ():
            if not attach.made_by_step and ACCOUNT in attach.policy_arn:
                reads.append(Read("iam", "get_policy", {"PolicyArn": attach.arn(ctx)}))
    return reads


def _default_version(policy: Any, arn: str) -> list[Read]:
    if not _ok(policy):
        return []
    return [Read("iam", "get_policy_version",
                 {"PolicyArn": arn, "VersionId": policy["Policy"]["DefaultVersionId"]})]
