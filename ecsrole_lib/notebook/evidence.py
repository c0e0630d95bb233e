"""Evidence readers: what the target holds, read (never written) to show it in a view.

The views (:mod:`ecsrole_lib.notebook.views`, :mod:`ecsrole_lib.notebook.diagram`) show what these
functions read: what an erratum does on the target, the effective ``awsvpcTrunking``
of a role's principal, what a role holds. Every read goes through the run's
:class:`~ecsrole_lib.aws.client.Context`: counted, retried, and an error arrives as the
guide's own (:mod:`ecsrole_lib.errors`).

>>> from ecsrole_lib import sandbox
>>> with sandbox() as session:
...     print(role_holdings(RoleSpec(role_name="noSuchRoleHere"), session).role)
None
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import jmespath
from botocore.exceptions import ClientError

from .. import policies
from ..aws.client import Context, Read
from ..errata import Erratum
from ..spec import RoleSpec

__all__ = ["RoleHoldings", "effective_trunking", "erratum_evidence", "iam_answer",
           "role_holdings"]


def iam_answer(session, spec: RoleSpec, arn: str) -> str:
    """What IAM itself answers to ``arn`` as written (``GetPolicy``: a read, nothing changes)."""
    ctx = Context(session, spec.region)
    try:
        ctx.call("iam", "get_policy", ok_codes=("InvalidInput", "NoSuchEntity", "ValidationError"),
                 PolicyArn=arn)
        answer = "accepted it (a policy by that ARN exists)"
    except ClientError as err:
        error = err.response.get("Error", {})
        answer = f"{error.get('Code')}: {error.get('Message')}"
    where = "The sandbox (moto)" if ctx.sandbox else "IAM"
    return f"{where} answers GetPolicy with the ARN as written: {answer}"


def erratum_evidence(item: Erratum, session, spec: RoleSpec) -> list[str]:
    """What erratum ``item`` does on ``session``'s target, one line each (read only).

    None without a session: the errata that need no AWS say their piece in the view.
    """
    if session is None:
        return []
    evidence: list[str] = []
    eid = item.id
    if eid in ("E3", "E5"):
        evidence.append(iam_answer(session, spec, item.as_written.split("--policy-arn ")[-1]))
    ctx = Context(session, spec.region)
    if eid == "E1" and spec.instance_profile_name:
        try:
            roles = [r["RoleName"] for r in ctx.call(
                "iam", "get_instance_profile", "reading the instance profile",
                ok_codes=("NoSuchEntity",),
                InstanceProfileName=spec.instance_profile_name)["InstanceProfile"]["Roles"]]
            evidence.append(f"Instance profile {spec.instance_profile_name} holds role(s): "
                            f"{', '.join(roles) or 'none'}")
        except ClientError:
            evidence.append(f"Instance profile {spec.instance_profile_name} does not exist yet")
    if eid == "E2":
        for label, name in (("as written", item.as_written), ("corrected", item.corrected)):
            arn = f"arn:aws:iam::aws:policy/service-role/{name}"
            try:
                ctx.call("iam", "get_policy", "reading the managed policy",
                         ok_codes=("NoSuchEntity",), PolicyArn=arn)
                evidence.append(f"GetPolicy {arn} ({label}): exists")
            except ClientError:
                evidence.append(f"GetPolicy {arn} ({label}): NoSuchEntity")
    if eid == "E4":
        local = ctx.pages("iam", "list_policies", "Policies", Scope="Local")
        for label, text in (("as written", item.as_written),
                            ("corrected", item.corrected.replace("cwlogspolicy",
                                                                 spec.log_policy_name))):
            query = text.split("--query ")[-1].strip("'")
            found = jmespath.search(query, {"Policies": local})
            evidence.append(f"{query} ({label}) returns {json.dumps(found)}")
    if eid == "E6":
        arn = policies.managed_policy_arn("aws", policies.CONTAINER_INSTANCE_POLICY)
        version = ctx.call("iam", "get_policy", "reading the managed policy",
                           PolicyArn=arn)["Policy"]["DefaultVersionId"]
        document = ctx.call("iam", "get_policy_version", "reading the managed policy",
                            PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
        granted = policies.allowed_actions(document, policies.ECR_ACTIONS)
        for action in policies.ECR_ACTIONS:
            how = f"granted by {json.dumps(granted[action])}" if action in granted else "NOT granted"
            evidence.append(f"{action}: {how} in {policies.CONTAINER_INSTANCE_POLICY[1]} "
                            f"({version})")
    return evidence


def effective_trunking(session, spec: RoleSpec) -> str:
    """The effective ``awsvpcTrunking`` of the role's principal on the target (read only).

    Read as ``aws ecs list-account-settings --effective-settings --principal-arn ARN``
    answers it; ``"disabled"`` when the answer holds no setting.
    """
    ctx = Context(session, spec.region)
    identity = ctx.call("sts", "get_caller_identity", "identifying the caller")
    partition = identity["Arn"].split(":")[1]
    arn = f"arn:{partition}:iam::{identity['Account']}:role{spec.path}{spec.role_name}"
    settings = ctx.call("ecs", "list_account_settings", "reading awsvpcTrunking",
                        name="awsvpcTrunking", principalArn=arn,
                        effectiveSettings=True)["settings"]
    return settings[0]["value"] if settings else "disabled"


@dataclass
class RoleHoldings:
    """What the target holds for a role: its trust policy, instance profiles and policies.

    ``role`` is ``None`` when the role does not exist (the lists are empty then);
    ``inline`` are the names of its inline policies.
    """

    account: str
    role: dict | None
    profiles: list[str] = field(default_factory=list)
    attached: list[str] = field(default_factory=list)
    inline: list[str] = field(default_factory=list)


def role_holdings(spec: RoleSpec, session) -> RoleHoldings:
    """Read the role of ``spec``, and what holds it and what it holds (read only).

    Two round trips: the caller and the role at once, then its three lists at once.
    """
    ctx = Context(session, spec.region)
    identity, role = ctx.read_concurrently([
        Read("sts", "get_caller_identity"), Read("iam", "get_role", {"RoleName": spec.role_name})])
    if isinstance(identity, Exception):
        raise identity
    if isinstance(role, Exception):
        if role.code != "NoSuchEntity":
            raise role
        return RoleHoldings(identity["Account"], None)
    name = {"RoleName": spec.role_name}
    lists = ctx.read_concurrently([
        Read("iam", "list_instance_profiles_for_role", name, "InstanceProfiles"),
        Read("iam", "list_attached_role_policies", name, "AttachedPolicies"),
        Read("iam", "list_role_policies", name, "PolicyNames")])
    for answer in lists:
        if isinstance(answer, Exception):
            raise answer
    profiles, attached, inline = lists
    return RoleHoldings(identity["Account"], role["Role"],
                        [p["InstanceProfileName"] for p in profiles],
                        [p["PolicyArn"] for p in attached], list(inline))
