"""The page's steps as data, each with ``check``, ``do`` and ``undo``.

A :class:`Step` carries what a person reads (titles and console clicks in
English and Korean, the AWS CLI command as typed, the files the page writes)
and an action that knows the API calls. ``apply``, ``audit`` and
``teardown`` in :mod:`ecsrole_lib.converge` loop over steps and know none of
their details.
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError, WaiterError

from . import policies
from .errors import ConflictError, Problem, PropagationError
from .i18n.catalog import join, message, settle
from .marks import ADDED_TAG, INTENT, OWNER_TAG, USED_BY_TAG
from .shell import json_value
from .states import Kind, Made, Outcome, Seen, State

if TYPE_CHECKING:
    from .spec import RoleSpec

# The enums' members under their old names, so ``from .steps import CREATED`` keeps working.
CREATED, UPDATED, UNCHANGED, PLANNED, SKIPPED, REMOVED, KEPT, WAITED = (
    Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED, Outcome.PLANNED, Outcome.SKIPPED,
    Outcome.REMOVED, Outcome.KEPT, Outcome.WAITED)
OK, MISSING, DRIFT, CONFLICT, INFO = State.OK, State.MISSING, State.DRIFT, State.CONFLICT, State.INFO

ACCOUNT = "${ACCOUNT_ID}"
LOGS_INLINE_NAME = "ecs-cloudwatch-logs"
S3_INLINE_NAME = "ecs-config-read"
ECR_INLINE_NAME = "ecr-pull"
FORCE_HINT = "use force=True to remove it anyway"
NEVER_FORCED = "force never removes what the guide did not create"


@dataclass
class Check:
    """What a step found in AWS: ``ok``, ``missing``, ``drift``, ``conflict`` or ``info``."""

    state: State
    reason: str
    arn: str = ""
    owned: bool = False


def owned(tags: list[dict[str, str]] | None) -> bool:
    """Whether a resource carries the guide's own tag."""
    return any(t.get("Key") == OWNER_TAG[0] and t.get("Value") == OWNER_TAG[1] for t in tags or [])


def why_left(tags: list[dict[str, str]] | None) -> str:
    """Why a resource is there, as a list of what is left says it."""
    return "made by the guide (tagged)" if owned(tags) else "not made by the guide: kept"


def _notes(role: dict | None) -> list[str]:
    """Every token of the role's ``ADDED_TAG``, intents (``INTENT`` prefix) included."""
    for tag in (role or {}).get("Tags", []):
        if tag.get("Key") == ADDED_TAG:
            return tag.get("Value", "").split()
    return []


def used_by(tags: list[dict[str, str]] | None) -> list[str]:
    """The roles of the guide setups listed on the guide's ``ecs.config`` (``USED_BY_TAG``).

    >>> used_by([{"Key": "ecsrole-guide-used-by", "Value": "roleA a:b"}])
    ['roleA', 'a,b']
    """
    for tag in tags or []:
        if tag.get("Key") == USED_BY_TAG:
            return [name.replace(":", ",") for name in tag.get("Value", "").split()]
    return []


def _users_value(roles: list[str]) -> str:
    # IAM role names may hold ',', which an S3 tag may not; ':' is in no role name.
    return " ".join(role.replace(",", ":") for role in roles)


def _with_users(tags: list[dict[str, str]], roles: list[str]) -> list[dict[str, str]]:
    """The object's tags with ``USED_BY_TAG`` listing ``roles`` (its other tags kept)."""
    return [t for t in tags if t.get("Key") != USED_BY_TAG] + [
        {"Key": USED_BY_TAG, "Value": _users_value(roles)}]


def object_tagging(role_name: str) -> str:
    """The ``Tagging`` of the guide's ``ecs.config`` as put-object takes it (URL-encoded).

    >>> object_tagging("ecs+Role,1")
    'created-by=ecsrole-guide&ecsrole-guide-used-by=ecs%2BRole%3A1'
    """
    return urllib.parse.urlencode([OWNER_TAG, (USED_BY_TAG, _users_value([role_name]))],
                                  quote_via=urllib.parse.quote)


def added(role: dict | None) -> list[str]:
    """What the guide noted it added to a role that existed before it, once it was done."""
    return [t for t in _notes(role) if not t.startswith(INTENT)]


def intended(role: dict | None) -> list[str]:
    """What apply noted it was about to add, with no note that it was done."""
    return [t[len(INTENT):] for t in _notes(role) if t.startswith(INTENT)]


def _write_notes(ctx, spec: RoleSpec, role: dict, tokens: list[str], why: str) -> None:
    """Set the role's ``ADDED_TAG`` to ``tokens`` (untagged when none are left)."""
    if tokens:
        ctx.call("iam", "tag_role", why, RoleName=spec.role_name,
                 Tags=[{"Key": ADDED_TAG, "Value": " ".join(tokens)}])
    else:
        ctx.call("iam", "untag_role", why, RoleName=spec.role_name, TagKeys=[ADDED_TAG])
    # What the role's tags are now: the steps after this read them from the cache.
    kept = [t for t in role.get("Tags", []) if t.get("Key") != ADDED_TAG]
    ctx.cache[("role", spec.role_name)] = dict(role, Tags=kept + (
        [{"Key": ADDED_TAG, "Value": " ".join(tokens)}] if tokens else []))


def _noted_role(ctx, spec: RoleSpec) -> dict | None:
    """The spec's role when notes go on it: it exists and is not the guide's own."""
    if ctx.was_made(Made.ROLE):  # this run created it, with the guide's tag: nothing to note
        return None
    role = get_role(ctx, spec.role_name)
    return None if role is None or owned(role.get("Tags")) else role


def record(ctx, spec: RoleSpec, token: str) -> None:
    """Before the guide adds ``token`` to a role it did not create, note the intent.

    :func:`confirm` turns the intent into a note of the change once it is made.
    A crash in between leaves an intent: teardown cannot tell the change (if it
    was made) from the same change made by hand, so it keeps it and says so.
    """
    role = _noted_role(ctx, spec)
    if role is None or token in added(role) or token in intended(role):
        return
    _write_notes(ctx, spec, role, _notes(role) + [INTENT + token],
                 "noting what the guide is about to add to a role it did not create")


def confirm(ctx, spec: RoleSpec, token: str) -> None:
    """After the change: the intent ``record`` noted becomes a note of what the guide added."""
    role = _noted_role(ctx, spec)
    if role is None or token not in intended(role):
        return
    _write_notes(ctx, spec, role, [token if t == INTENT + token else t for t in _notes(role)],
                 "noting what the guide added to a role it did not create")


def note_keys(ctx, spec: RoleSpec) -> set[str]:
    """The tag keys :func:`record` may add to the spec's role (read only).

    Its note goes only on a role that exists and that the guide did not create.
    """
    role = get_role(ctx, spec.role_name)
    if role is None or owned(role.get("Tags")):
        return set()
    return {ADDED_TAG}


def unrecord(ctx, spec: RoleSpec, token: str) -> None:
    """Drop ``token`` (done or intended) from the note: undone, kept, or not there."""
    role = get_role(ctx, spec.role_name)
    if role is None or token not in added(role) + intended(role):
        return
    _write_notes(ctx, spec, role, [t for t in _notes(role) if t not in (token, INTENT + token)],
                 "dropping a note of what the guide added")


def ours(ctx, spec: RoleSpec, token: str) -> bool:
    """Whether the guide made ``token`` on the spec's role: its own role, or noted as done."""
    role = get_role(ctx, spec.role_name)
    return role is not None and (owned(role.get("Tags")) or token in added(role))


def unsure(ctx, spec: RoleSpec, token: str, what: str) -> tuple[str, str] | None:
    """Teardown's answer when ``token`` is only an intent: kept, said, and the note dropped."""
    role = get_role(ctx, spec.role_name)
    if role is None or owned(role.get("Tags")) or token not in intended(role):
        return None
    unrecord(ctx, spec, token)
    return KEPT, message("steps.unsure", what=what, role=spec.role_name)


def _policy_token(arn: str) -> str:
    """A short, tag-safe name for an attached policy (ARNs may hold ',', tags may not)."""
    return "policy:" + hashlib.sha256(arn.encode()).hexdigest()[:10]


def _code(err: ClientError) -> str:
    return err.response.get("Error", {}).get("Code", "")


def _tags(spec: RoleSpec) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in spec.tags.items()] + [
        {"Key": OWNER_TAG[0], "Value": OWNER_TAG[1]}]


# ---------------------------------------------------------------------------------------
# Reads shared by several steps, cached for one run so each resource is read once.
# ---------------------------------------------------------------------------------------
def cached(ctx, key, read):
    """``read()``'s value, read once per run: kept in ``ctx.cache`` under ``key``."""
    if key not in ctx.cache:
        ctx.cache[key] = read()
    return ctx.cache[key]


def get_role(ctx, name: str) -> dict | None:
    def read():
        try:
            return ctx.call("iam", "get_role", ok_codes=("NoSuchEntity",), RoleName=name)["Role"]
        except ClientError:
            return None
    return cached(ctx, ("role", name), read)


def attached_policies(ctx, role_name: str) -> list[str]:
    if get_role(ctx, role_name) is None:
        return []
    return cached(ctx, ("attached", role_name), lambda: [
        p["PolicyArn"] for p in ctx.pages("iam", "list_attached_role_policies",
                                           "AttachedPolicies", RoleName=role_name)])


def inline_policies(ctx, role_name: str) -> list[str]:
    if get_role(ctx, role_name) is None:
        return []
    return cached(ctx, ("inline", role_name), lambda: ctx.pages(
        "iam", "list_role_policies", "PolicyNames", RoleName=role_name))


def profiles_for_role(ctx, role_name: str) -> list[str]:
    """Names of the instance profiles that hold the role now (read each time: teardown
    reads it before and after its own removals)."""
    if get_role(ctx, role_name) is None:
        return []
    return [p["InstanceProfileName"] for p in ctx.pages(
        "iam", "list_instance_profiles_for_role", "InstanceProfiles", RoleName=role_name)]


def get_instance_profile(ctx, name: str) -> dict | None:
    def read():
        try:
            return ctx.call("iam", "get_instance_profile", ok_codes=("NoSuchEntity",),
                            InstanceProfileName=name)["InstanceProfile"]
        except ClientError:
            return None
    return cached(ctx, ("profile", name), read)


def get_policy(ctx, arn: str) -> dict | None:
    def read():
        try:
            return ctx.call("iam", "get_policy", ok_codes=("NoSuchEntity",), PolicyArn=arn)["Policy"]
        except ClientError:
            return None
    return cached(ctx, ("policy", arn), read)


def policy_document(ctx, arn: str) -> dict | None:
    policy = get_policy(ctx, arn)
    if policy is None:
        return None
    return cached(ctx, ("document", arn), lambda: policies.parse(ctx.call(
        "iam", "get_policy_version", PolicyArn=arn,
        VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]))


def forget(ctx, *keys) -> None:
    """Drop cached reads a write has made stale."""
    for key in keys:
        ctx.cache.pop(key, None)


def dropped(ctx, key, item) -> None:
    """A cached list after this run removed ``item`` itself (no need to read it again)."""
    if ctx.cache.get(key) is not None:
        ctx.cache[key] = [x for x in ctx.cache[key] if x != item]


# ---------------------------------------------------------------------------------------
# Actions: the API side of a step.
# ---------------------------------------------------------------------------------------
class Action:
    """What a step does in AWS. Subclasses override the three verbs."""

    #: How apply treats it (:class:`~ecsrole_lib.states.Kind`): only a write changes AWS.
    kind = Kind.WRITE
    #: The method of :class:`ecsrole_lib.render.base.Renderer` that renders this action.
    render_as = ""
    #: What the sandbox cannot show about this action (keys of ``sandbox.LIMITS``).
    sandbox_limits: tuple[str, ...] = ()
    #: Inline policies this action checks and reports on itself, by name.
    inline_checked: tuple[str, ...] = ()
    #: What its check reads, so those reads can be made ahead at once
    #: (:mod:`ecsrole_lib.aws.prefetch`): ``role``, ``instance_profile``, ``attached``,
    #: ``inline``, ``policy`` (the one it attaches), ``customer_policy`` (the one it
    #: creates), ``container_policy``, ``account_setting``, ``bucket``, ``object``,
    #: ``list_policies``.
    touches: frozenset[str] = frozenset()

    @property
    def settled_when_ok(self) -> bool:
        """Whether a check that finds ``ok`` leaves nothing for ``do`` (apply skips it)."""
        return self.kind == Kind.WRITE

    def needed(self, ctx) -> str:
        """Empty when apply runs ``do``; otherwise why there is nothing to do (a wait)."""
        return ""

    def first_look(self, ctx) -> tuple[str, str, dict[str, Any]] | None:
        """The read ``do`` starts with, when nothing the step before it writes can change
        its answer: (service, operation, parameters). Apply makes it during that write,
        and ``do`` finds it with ``ctx.looked``."""
        return None

    def proven(self, ctx) -> list[tuple]:
        """Cached reads that a ``do`` which succeeded shows to be still true: apply's
        read-back keeps them instead of reading them again."""
        return []

    def attaches(self, ctx) -> str | None:
        """The managed policy ARN this action attaches to the role, if any.

        With ``ctx=None``, the ARN as the plan shows it (``${ACCOUNT_ID}`` for an
        account not known yet).
        """
        return None

    @property
    def inline_documents(self) -> dict[str, dict]:
        """The inline policies this action may write on the role, by name."""
        return {}

    def audit(self, ctx, found: Check) -> tuple[str, str]:
        """Audit's outcome and reason for what ``check`` found."""
        return found.state, found.reason

    def role_tags(self, ctx, found: Check) -> set[str]:
        """The tag keys ``do`` would put on the spec's role after ``found`` (read only).

        Apply's preflight adds them to the role's own, against IAM's quota of tags
        per role, so that no run stops half-way at a ``TagRole``.
        """
        return set()

    def leftover(self, ctx) -> tuple[str, str, str] | None:
        """What this step leaves in AWS while it is there: (kind, name, why), read only."""
        return None

    def check(self, ctx) -> Check:
        raise NotImplementedError

    def do(self, ctx, found: Check) -> tuple[str, str]:
        raise NotImplementedError

    def undo(self, ctx, force: bool) -> tuple[str, str]:
        return SKIPPED, message("steps.nothing_to_undo")

    def arn(self, ctx) -> str:
        return ""


@dataclass
class CreateRole(Action):
    render_as = "create_role"
    sandbox_limits = ("iam_names",)
    touches = frozenset({"role"})
    spec: RoleSpec

    def arn(self, ctx) -> str:
        return f"arn:{ctx.partition}:iam::{ctx.account}:role{self.spec.path}{self.spec.role_name}"

    def trust(self, ctx) -> dict:
        return policies.trust_policy(self.spec.instance_kind, ctx.partition, ctx.account,
                                     self.spec.region)

    def _differences(self, ctx, role: dict) -> tuple[list[str], list[str]]:
        """What differs from the spec: (fixable on a role the guide owns, never fixable)."""
        spec = self.spec
        fixable, fixed_forever = [], []
        current = policies.parse(role["AssumeRolePolicyDocument"])
        if not policies.same_policy(current, self.trust(ctx)):
            principals = sorted({json.dumps(s.get("Principal")) for s in current.get("Statement", [])})
            fixable.append(message("steps.trust_differs", found=", ".join(principals),
                                   wanted=json.dumps(self.trust(ctx)["Statement"][0]["Principal"])))
        if role.get("Path", "/") != spec.path:
            fixed_forever.append(message("steps.path_differs", found=repr(role.get("Path")),
                                         wanted=repr(spec.path)))
        boundary = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
        if boundary != spec.permissions_boundary:
            fixable.append(message("steps.boundary_differs", found=boundary,
                                   wanted=spec.permissions_boundary))
        tags = {t["Key"]: t["Value"] for t in role.get("Tags", [])}
        wrong = sorted(k for k, v in spec.tags.items() if tags.get(k) != v)
        if wrong:
            fixable.append(message("steps.tags_differ", tags=", ".join(wrong)))
        if spec.description is not None and role.get("Description") != spec.description:
            fixable.append(message("steps.description_differs"))
        return fixable, fixed_forever

    def role_tags(self, ctx, found: Check) -> set[str]:
        role = get_role(ctx, self.spec.role_name)
        if found.state != DRIFT or role is None:
            return set()  # a role it creates gets its tags in CreateRole, counted by the spec
        tags = {t["Key"]: t["Value"] for t in role.get("Tags", [])}
        return {k for k, v in self.spec.tags.items() if tags.get(k) != v}

    def check(self, ctx) -> Check:
        role = get_role(ctx, self.spec.role_name)
        if role is None:
            return Check(MISSING, message("steps.role_missing", role=self.spec.role_name))
        mine = owned(role.get("Tags"))
        fixable, forever = self._differences(ctx, role)
        if forever or (fixable and not mine):
            return Check(CONFLICT, message("steps.role_not_ours", role=self.spec.role_name,
                                           problems=join("; ", forever + fixable))
                         if not mine else message("steps.role_conflict", role=self.spec.role_name,
                                                  problems=join("; ", forever)),
                         role["Arn"], mine)
        if fixable:
            return Check(DRIFT, message("steps.role_drifted", role=self.spec.role_name,
                                        problems=join("; ", fixable)), role["Arn"], mine)
        who = message("steps.by_guide" if mine else "steps.before_guide")
        return Check(OK, message("steps.role_ok", who=who), role["Arn"], mine)

    def do(self, ctx, found: Check) -> tuple[str, str]:
        spec = self.spec
        if found.state == MISSING:
            params: dict[str, Any] = {
                "RoleName": spec.role_name, "Path": spec.path, "Tags": _tags(spec),
                "AssumeRolePolicyDocument": json.dumps(self.trust(ctx))}
            if spec.description is not None:
                params["Description"] = spec.description
            if spec.permissions_boundary:
                params["PermissionsBoundary"] = spec.permissions_boundary
            try:
                ctx.call("iam", "create_role", "creating the role", ok_codes=("EntityAlreadyExists",),
                         **params)
            except ClientError:
                return _raced(ctx, self, ("role", spec.role_name))
            ctx.made(Made.ROLE)
            forget(ctx, ("role", spec.role_name))
            principal = self.trust(ctx)["Statement"][0]["Principal"]["Service"]
            return CREATED, message("steps.role_created", principal=principal)
        role = get_role(ctx, spec.role_name)
        done = []
        if not policies.same_policy(role["AssumeRolePolicyDocument"], self.trust(ctx)):
            ctx.call("iam", "update_assume_role_policy", "restoring the trust policy",
                     RoleName=spec.role_name, PolicyDocument=json.dumps(self.trust(ctx)))
            done.append(message("steps.trust_restored"))
        boundary = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
        if boundary != spec.permissions_boundary:
            if spec.permissions_boundary:
                ctx.call("iam", "put_role_permissions_boundary", RoleName=spec.role_name,
                         PermissionsBoundary=spec.permissions_boundary)
            else:
                ctx.call("iam", "delete_role_permissions_boundary", RoleName=spec.role_name)
            done.append(message("steps.boundary_set" if spec.permissions_boundary
                                else "steps.boundary_removed"))
        tags = {t["Key"]: t["Value"] for t in role.get("Tags", [])}
        wrong = [{"Key": k, "Value": v} for k, v in spec.tags.items() if tags.get(k) != v]
        if wrong:
            ctx.call("iam", "tag_role", RoleName=spec.role_name, Tags=wrong)
            done.append(message("steps.tags_restored"))
        if spec.description is not None and role.get("Description") != spec.description:
            ctx.call("iam", "update_role", RoleName=spec.role_name, Description=spec.description)
            done.append(message("steps.description_restored"))
        forget(ctx, ("role", spec.role_name))
        return UPDATED, message("steps.role_updated", done=join("; ", done))

    def leftover(self, ctx) -> tuple[str, str, str] | None:
        role = get_role(ctx, self.spec.role_name)
        return None if role is None else ("role", self.spec.role_name, why_left(role.get("Tags")))

    def audit(self, ctx, found: Check) -> tuple[str, str]:
        role = get_role(ctx, self.spec.role_name)
        if role is None or found.state == OK:
            return found.state, found.reason
        hints = [": ".join(policies.WRONG_PRINCIPALS[p]) for p in policies.named_principals(
            policies.parse(role["AssumeRolePolicyDocument"])) if p in policies.WRONG_PRINCIPALS]
        return found.state, join("; ", [found.reason, *hints]) if hints else found.reason

    def undo(self, ctx, force: bool) -> tuple[str, str]:
        name = self.spec.role_name
        role = get_role(ctx, name)
        if role is None:
            return SKIPPED, message("steps.role_absent")
        if not owned(role.get("Tags")):
            return KEPT, message("steps.role_kept", role=name)
        # The undos before this one kept the attached and inline lists in step (dropped()).
        left = attached_policies(ctx, name) + inline_policies(ctx, name)
        profiles = profiles_for_role(ctx, name)
        if (left or profiles) and not force:
            return KEPT, message("steps.role_still_holds", role=name,
                                 held=", ".join(left + profiles))
        if inline_policies(ctx, name):  # deleting the role would delete them with it
            return KEPT, message("steps.role_foreign_inline", role=name,
                                 names=", ".join(inline_policies(ctx, name)))
        for arn in attached_policies(ctx, name):  # detached, never deleted
            ctx.call("iam", "detach_role_policy", RoleName=name, PolicyArn=arn)
        for profile in profiles:
            ctx.call("iam", "remove_role_from_instance_profile", InstanceProfileName=profile,
                     RoleName=name)
        ctx.call("iam", "delete_role", "deleting the role", RoleName=name)
        forget(ctx, ("role", name))
        return REMOVED, message("steps.role_deleted_forced" if left or profiles
                                else "steps.role_deleted")


@dataclass
class CreateInstanceProfile(Action):
    render_as = "create_instance_profile"
    touches = frozenset({"instance_profile"})
    spec: RoleSpec

    def arn(self, ctx) -> str:
        return (f"arn:{ctx.partition}:iam::{ctx.account}:instance-profile{self.spec.path}"
                f"{self.spec.instance_profile_name}")

    def leftover(self, ctx) -> tuple[str, str, str] | None:
        profile = get_instance_profile(ctx, self.spec.instance_profile_name)
        return None if profile is None else (
            "instance profile", self.spec.instance_profile_name, why_left(profile.get("Tags")))

    def check(self, ctx) -> Check:
        profile = get_instance_profile(ctx, self.spec.instance_profile_name)
        if profile is None:
            return Check(MISSING, message("steps.profile_missing",
                                          profile=self.spec.instance_profile_name))
        mine = owned(profile.get("Tags"))
        who = message("steps.by_guide" if mine else "steps.before_guide")
        return Check(OK, message("steps.profile_ok", who=who), profile["Arn"], mine)

    def do(self, ctx, found: Check) -> tuple[str, str]:
        name = self.spec.instance_profile_name
        try:
            ctx.call("iam", "create_instance_profile", "creating the instance profile",
                     ok_codes=("EntityAlreadyExists",), InstanceProfileName=name,
                     Path=self.spec.path, Tags=_tags(self.spec))
        except ClientError:
            return _raced(ctx, self, ("profile", name))
        ctx.made(Made.INSTANCE_PROFILE)
        forget(ctx, ("profile", name))
        return CREATED, message("steps.profile_created")

    def undo(self, ctx, force: bool) -> tuple[str, str]:
        name = self.spec.instance_profile_name
        profile = get_instance_profile(ctx, name)
        if profile is None:
            return SKIPPED, message("steps.profile_absent")
        if not owned(profile.get("Tags")):
            return KEPT, message("steps.profile_kept", profile=name)
        roles = [r["RoleName"] for r in profile.get("Roles", [])]
        if roles and not force:
            return KEPT, message("steps.profile_holds", profile=name, roles=", ".join(roles))
        for role in roles:
            ctx.call("iam", "remove_role_from_instance_profile", InstanceProfileName=name,
                     RoleName=role)
        ctx.call("iam", "delete_instance_profile", "deleting the instance profile",
                 InstanceProfileName=name)
        forget(ctx, ("profile", name))
        return REMOVED, message("steps.profile_deleted")


@dataclass
class AddRoleToInstanceProfile(Action):
    render_as = "add_role_to_instance_profile"
    touches = frozenset({"instance_profile"})
    spec: RoleSpec

    def arn(self, ctx) -> str:
        return CreateInstanceProfile(self.spec).arn(ctx)

    def check(self, ctx) -> Check:
        profile = get_instance_profile(ctx, self.spec.instance_profile_name)
        if profile is None:
            return Check(MISSING, message("steps.profile_made_before"))
        roles = [r["RoleName"] for r in profile.get("Roles", [])]
        if self.spec.role_name in roles:
            return Check(OK, message("steps.profile_holds_role", role=self.spec.role_name),
                         profile["Arn"])
        if roles:
            return Check(CONFLICT, message("steps.profile_taken",
                                           profile=self.spec.instance_profile_name, role=roles[0]),
                         profile["Arn"])
        return Check(MISSING, message("steps.profile_empty"), profile["Arn"])

    def role_tags(self, ctx, found: Check) -> set[str]:
        profile = get_instance_profile(ctx, self.spec.instance_profile_name)
        if found.state != MISSING or profile is None or owned(profile.get("Tags")):
            return set()  # a profile this run creates is the guide's: nothing noted
        return note_keys(ctx, self.spec)

    def do(self, ctx, found: Check) -> tuple[str, str]:
        name = self.spec.instance_profile_name
        # A profile this run created is the guide's: no second read to learn that.
        profile = None if ctx.was_made(Made.INSTANCE_PROFILE) else get_instance_profile(ctx, name)
        if profile is not None and not owned(profile.get("Tags")):
            record(ctx, self.spec, "profile-role")
        try:
            ctx.call("iam", "add_role_to_instance_profile", "adding the role to the instance profile",
                     ok_codes=("LimitExceeded",), InstanceProfileName=name,
                     RoleName=self.spec.role_name)
        except ClientError:
            return _raced(ctx, self, ("profile", name))
        ctx.made(Made.INSTANCE_PROFILE_ROLE)
        forget(ctx, ("profile", name))
        confirm(ctx, self.spec, "profile-role")
        return CREATED, message("steps.role_added", role=self.spec.role_name, profile=name)

    def undo(self, ctx, force: bool) -> tuple[str, str]:
        spec = self.spec
        profile = get_instance_profile(ctx, spec.instance_profile_name)
        role = get_role(ctx, spec.role_name)
        if profile is None or spec.role_name not in [r["RoleName"] for r in profile.get("Roles", [])]:
            unrecord(ctx, spec, "profile-role")  # a note without its change would outlive it
            return SKIPPED, message("steps.profile_without_role")
        if not (owned(profile.get("Tags")) or (role is not None and ours(ctx, spec, "profile-role"))):
            return unsure(ctx, spec, "profile-role", message(
                "steps.membership", profile=spec.instance_profile_name)) or (
                    KEPT, message("steps.both_before"))
        ctx.call("iam", "remove_role_from_instance_profile",
                 InstanceProfileName=spec.instance_profile_name, RoleName=spec.role_name)
        unrecord(ctx, spec, "profile-role")
        ctx.cache[("profile", spec.instance_profile_name)] = dict(
            profile, Roles=[r for r in profile.get("Roles", []) if r["RoleName"] != spec.role_name])
        return REMOVED, message("steps.role_removed")


@dataclass
class WaitInstanceProfile(Action):
    render_as = "wait_instance_profile"
    spec: RoleSpec
    kind = Kind.WAIT
    sandbox_limits = ("propagation",)

    def arn(self, ctx) -> str:
        return CreateInstanceProfile(self.spec).arn(ctx)

    def needed(self, ctx) -> str:
        if ctx.was_made(Made.INSTANCE_PROFILE) or ctx.was_made(Made.INSTANCE_PROFILE_ROLE):
            return ""
        return message("steps.wait_not_needed")

    def audit(self, ctx, found: Check) -> tuple[str, str]:
        return INFO, message("steps.wait_audit")

    def check(self, ctx) -> Check:
        return Check(OK, message("steps.wait_ok"))

    def first_look(self, ctx) -> tuple[str, str, dict[str, Any]] | None:
        # Whether IAM shows the profile this run made: adding the role to it changes nothing
        # of that, so the look is made while the role is added (one round trip less).
        if not ctx.was_made(Made.INSTANCE_PROFILE):
            return None
        return "iam", "get_instance_profile", {"InstanceProfileName": self.spec.instance_profile_name}

    def do(self, ctx, found: Check) -> tuple[str, str]:
        ctx.progress(message("steps.waiting", profile=self.spec.instance_profile_name))
        started = time.monotonic()
        looked = ctx.looked("iam", "get_instance_profile",
                            InstanceProfileName=self.spec.instance_profile_name)
        if not isinstance(looked, dict):  # not looked at yet, or not visible: IAM's waiter
            self._wait(ctx)
        seconds = time.monotonic() - started
        ctx.progress(message("steps.visible", seconds=f"{seconds:.1f}"))
        return WAITED, message("steps.waited", seconds=f"{seconds:.1f}")

    def _wait(self, ctx) -> None:
        # One look a second, within the run's propagation_timeout like every other wait.
        attempts = max(1, int(ctx.propagation_timeout)) + 1
        try:
            ctx.wait("iam", "instance_profile_exists", "waiting for the instance profile",
                     InstanceProfileName=self.spec.instance_profile_name,
                     WaiterConfig={"Delay": 1, "MaxAttempts": attempts})
        except WaiterError as err:
            raise PropagationError(
                message("steps.wait_timeout", profile=self.spec.instance_profile_name,
                        seconds=attempts - 1),
                code="WaiterTimeout", operation="GetInstanceProfile") from err


@dataclass
class AttachPolicy(Action):
    render_as = "attach_policy"
    touches = frozenset({"role", "attached", "policy"})
    spec: RoleSpec
    policy_arn: str  # as shown; the ARN used is made_by's when an earlier step makes the policy
    made_by_step: str = ""  # set when an earlier step of the plan creates the policy
    made_by: Action | None = field(default=None, repr=False, compare=False)

    def arn(self, ctx) -> str:
        return self.made_by.arn(ctx) if self.made_by is not None else self.policy_arn

    def attaches(self, ctx) -> str | None:
        return self.policy_arn if ctx is None else self.arn(ctx)

    def check(self, ctx) -> Check:
        arn = self.arn(ctx)
        if not self.made_by_step and get_policy(ctx, arn) is None:
            return Check(CONFLICT, message("steps.policy_absent", arn=arn), arn)
        if arn in attached_policies(ctx, self.spec.role_name):
            return Check(OK, message("steps.attached"), arn)
        return Check(MISSING, message("steps.not_attached_yet"), arn)

    def role_tags(self, ctx, found: Check) -> set[str]:
        return note_keys(ctx, self.spec) if found.state == MISSING else set()

    def proven(self, ctx) -> list[tuple]:
        # IAM refuses to delete a policy while it is attached: the read-back of the
        # attachment shows that the policy exists as well.
        return [] if self.made_by_step else [("policy", self.arn(ctx))]

    def do(self, ctx, found: Check) -> tuple[str, str]:
        record(ctx, self.spec, _policy_token(self.arn(ctx)))
        ctx.call("iam", "attach_role_policy", f"attaching {self.arn(ctx)}",
                 RoleName=self.spec.role_name, PolicyArn=self.arn(ctx))
        forget(ctx, ("attached", self.spec.role_name))
        confirm(ctx, self.spec, _policy_token(self.arn(ctx)))
        return CREATED, message("steps.attached_to", role=self.spec.role_name)

    def undo(self, ctx, force: bool) -> tuple[str, str]:
        name = self.spec.role_name
        token = _policy_token(self.arn(ctx))
        if self.arn(ctx) not in attached_policies(ctx, name):
            unrecord(ctx, self.spec, token)  # a note without its change would outlive it
            return SKIPPED, message("steps.not_attached")
        if not ours(ctx, self.spec, token):
            return unsure(ctx, self.spec, token, message("steps.policy", arn=self.arn(ctx))) or (
                KEPT, message("steps.policy_kept", role=name))
        ctx.call("iam", "detach_role_policy", RoleName=name, PolicyArn=self.arn(ctx))
        dropped(ctx, ("attached", name), self.arn(ctx))
        unrecord(ctx, self.spec, token)
        return REMOVED, message("steps.detached_from", role=name)


@dataclass
class CheckManagedPolicy(Action):
    """Does the container instance managed policy grant a feature's actions?

    The page's ECR section asks this of the four ECR actions (erratum E6). When
    the policy lacks some, ``do`` writes the inline policy ``inline_name``
    granting them; ``what`` names the actions in a sentence.
    """

    render_as = "check_managed_policy"
    touches = frozenset({"container_policy"})
    spec: RoleSpec
    actions: tuple[str, ...]
    inline_name: str
    what: str
    erratum: str = ""
    symptom: str = ""  # what the instance sees without them
    kind = Kind.READ
    sandbox_limits = ("policy_simulator",)

    @property
    def settled_when_ok(self) -> bool:
        return True

    @property
    def inline_documents(self) -> dict[str, dict]:
        return {self.inline_name: policies.allow_policy(self.actions)}

    @property
    def covered(self) -> str:
        """What a rendering that attaches the managed policy says instead of a resource."""
        return (f"grants {self.what}; nothing to add"
                + (f" (erratum {self.erratum})" if self.erratum else ""))

    def arn(self, ctx) -> str:
        return policies.managed_policy_arn(ctx.partition, policies.CONTAINER_INSTANCE_POLICY)

    def check(self, ctx) -> Check:
        arn = self.arn(ctx)
        document = policy_document(ctx, arn)
        if document is None:
            return Check(CONFLICT, f"policy {arn} does not exist in this account", arn)
        granted = policies.allowed_actions(document, self.actions)
        version = get_policy(ctx, arn)["DefaultVersionId"]
        if len(granted) == len(self.actions):
            erratum = f" (erratum {self.erratum})" if self.erratum else ""
            return Check(OK, f"{policies.CONTAINER_INSTANCE_POLICY[1]} ({version}) already allows "
                         f"{self.what} on *, so nothing is added{erratum}", arn)
        lacking = [a for a in self.actions if a not in granted]
        return Check(MISSING, f"{policies.CONTAINER_INSTANCE_POLICY[1]} ({version}) lacks "
                     f"{', '.join(lacking)}; an inline policy {self.inline_name} adds them", arn)

    def audit(self, ctx, found: Check) -> tuple[str, str]:
        if found.arn not in attached_policies(ctx, self.spec.role_name):
            return MISSING, (f"the role does not hold {policies.CONTAINER_INSTANCE_POLICY[1]}, "
                             f"which grants {self.what}"
                             + (f"; {self.symptom}" if self.symptom else ""))
        return found.state, found.reason

    def role_tags(self, ctx, found: Check) -> set[str]:
        return note_keys(ctx, self.spec) if found.state == MISSING else set()

    def do(self, ctx, found: Check) -> tuple[str, str]:
        record(ctx, self.spec, f"inline:{self.inline_name}")
        ctx.call("iam", "put_role_policy", RoleName=self.spec.role_name,
                 PolicyName=self.inline_name,
                 PolicyDocument=json.dumps(self.inline_documents[self.inline_name]))
        confirm(ctx, self.spec, f"inline:{self.inline_name}")
        return CREATED, f"inline policy {self.inline_name} grants {self.what}"

    def undo(self, ctx, force: bool) -> tuple[str, str]:
        return InlinePolicy(self.spec, self.inline_name,
                            self.inline_documents[self.inline_name]).undo(ctx, force)


@dataclass
class InlinePolicy(Action):
    render_as = "inline_policy"
    touches = frozenset({"role", "inline"})
    spec: RoleSpec
    policy_name: str
    document: dict

    @property
    def inline_checked(self) -> tuple[str, ...]:
        return (self.policy_name,)

    @property
    def inline_documents(self) -> dict[str, dict]:
        return {self.policy_name: self.document}

    def arn(self, ctx) -> str:
        return f"{CreateRole(self.spec).arn(ctx)} (inline {self.policy_name})"

    def _document(self, ctx) -> dict:
        return self.document  # names no account: nothing in it is filled in

    def _current(self, ctx) -> dict | None:
        if self.policy_name not in inline_policies(ctx, self.spec.role_name):
            return None
        return policies.parse(ctx.call("iam", "get_role_policy", RoleName=self.spec.role_name,
                                       PolicyName=self.policy_name)["PolicyDocument"])

    def check(self, ctx) -> Check:
        current = self._current(ctx)
        if current is None:
            return Check(MISSING, f"inline policy {self.policy_name} not there yet")
        if policies.same_policy(current, self._document(ctx)):
            return Check(OK, f"inline policy {self.policy_name} grants what the spec says")
        role = get_role(ctx, self.spec.role_name)
        if owned(role.get("Tags")):
            return Check(DRIFT, f"inline policy {self.policy_name} holds a document the guide "
                         "did not write (changed, or someone else's under the guide's name): "
                         "apply writes the guide's again; teardown keeps it", owned=True)
        return Check(CONFLICT, f"role {self.spec.role_name} (not the guide's) has an inline "
                     f"policy {self.policy_name} that differs from the spec")

    def role_tags(self, ctx, found: Check) -> set[str]:
        return note_keys(ctx, self.spec) if found.state in (MISSING, DRIFT) else set()

    def do(self, ctx, found: Check) -> tuple[str, str]:
        record(ctx, self.spec, f"inline:{self.policy_name}")
        ctx.call("iam", "put_role_policy", f"writing inline policy {self.policy_name}",
                 RoleName=self.spec.role_name, PolicyName=self.policy_name,
                 PolicyDocument=json.dumps(self._document(ctx)))
        forget(ctx, ("inline", self.spec.role_name))
        confirm(ctx, self.spec, f"inline:{self.policy_name}")
        return (CREATED if found.state == MISSING else UPDATED), f"inline policy {self.policy_name} written"

    def undo(self, ctx, force: bool) -> tuple[str, str]:
        name = self.spec.role_name
        token = f"inline:{self.policy_name}"
        if self.policy_name not in inline_policies(ctx, name):
            unrecord(ctx, self.spec, token)  # a note without its change would outlive it
            return SKIPPED, f"no inline policy {self.policy_name}"
        if not ours(ctx, self.spec, token):
            return unsure(ctx, self.spec, token, f"inline policy {self.policy_name}") or (KEPT, (
                f"role {name} existed before the guide, and the guide did not write "
                f"its inline policy {self.policy_name}; {NEVER_FORCED}"))
        # Inline policies carry no tags: the guide's own is known by its document.
        if not policies.same_policy(self._current(ctx), self._document(ctx)):
            return KEPT, (f"inline policy {self.policy_name} holds a document the guide did not "
                          f"write; {NEVER_FORCED}")
        ctx.call("iam", "delete_role_policy", RoleName=name, PolicyName=self.policy_name)
        dropped(ctx, ("inline", name), self.policy_name)
        unrecord(ctx, self.spec, token)
        return REMOVED, f"inline policy {self.policy_name} deleted"


@dataclass
class CreateConfigBucket(Action):
    render_as = "create_config_bucket"
    touches = frozenset({"bucket"})
    spec: RoleSpec

    def arn(self, ctx) -> str:
        return f"arn:{ctx.partition}:s3:::{self.spec.config_bucket}"

    def leftover(self, ctx) -> tuple[str, str, str] | None:
        if self._state(ctx)[0] != "yes":
            return None  # none, or someone else's bucket of that name (not this account's)
        return ("bucket", self.spec.config_bucket, "the config bucket")

    def _state(self, ctx) -> tuple[str, bool, bool]:
        """(exists: "yes"/"no"/"foreign", owned, private)."""
        bucket = self.spec.config_bucket

        def read():
            try:
                ctx.call("s3", "head_bucket", ok_codes=("404", "NoSuchBucket", "403"), Bucket=bucket)
            except ClientError as err:
                return ("no" if _code(err) in ("404", "NoSuchBucket") else "foreign", False, False)
            try:
                tags = ctx.call("s3", "get_bucket_tagging", ok_codes=("NoSuchTagSet",),
                                Bucket=bucket)["TagSet"]
            except ClientError:
                tags = []
            try:
                block = ctx.call("s3", "get_public_access_block",
                                 ok_codes=("NoSuchPublicAccessBlockConfiguration",),
                                 Bucket=bucket)["PublicAccessBlockConfiguration"]
            except ClientError:
                block = {}
            return ("yes", owned(tags), all(block.get(k) for k in _PRIVATE))
        return cached(ctx, ("bucket", bucket), read)

    def check(self, ctx) -> Check:
        exists, mine, private = self._state(ctx)
        bucket = self.spec.config_bucket
        if exists == "no":
            return Check(MISSING, f"bucket {bucket} does not exist yet")
        if exists == "foreign":
            return Check(CONFLICT, f"bucket {bucket} belongs to another account (403); "
                         "bucket names are global, choose another config_bucket", self.arn(ctx))
        if not private:
            if mine:
                return Check(DRIFT, f"bucket {bucket} no longer blocks public access",
                             self.arn(ctx), True)
            return Check(CONFLICT, f"bucket {bucket} does not block all public access; the page "
                         "asks for a private bucket", self.arn(ctx))
        who = "created by the guide" if mine else "existed before the guide; teardown keeps it"
        return Check(OK, f"private bucket exists ({who})", self.arn(ctx), mine)

    def do(self, ctx, found: Check) -> tuple[str, str]:
        bucket = self.spec.config_bucket
        if found.state == MISSING:
            # Tagged in the same call (AWS supports it; needs s3:TagResource), so a crash
            # right after CreateBucket cannot leave a bucket that is not marked as the guide's.
            params: dict[str, Any] = {"Bucket": bucket,
                                      "CreateBucketConfiguration": {"Tags": _tags(self.spec)}}
            if self.spec.region != "us-east-1":
                params["CreateBucketConfiguration"]["LocationConstraint"] = self.spec.region
            try:
                ctx.call("s3", "create_bucket", "creating the config bucket",
                         ok_codes=("BucketAlreadyOwnedByYou",), **params)
            except ClientError:
                forget(ctx, ("bucket", bucket))
                return _raced(ctx, self, ("bucket", bucket))
            ctx.made(Made.BUCKET)
            forget(ctx, ("bucket", bucket))
            if self._new_bucket_private(ctx):
                return CREATED, "bucket created with its tags; it blocks all public access"
            self._block_public_access(ctx)
            return CREATED, ("bucket created; this endpoint made it without blocking public access "
                             "(new buckets on AWS block it), so the guide blocked all public access "
                             "itself (one more write)")
        self._block_public_access(ctx)
        return UPDATED, "public access blocked again"

    def _new_bucket_private(self, ctx) -> bool:
        """Whether the bucket this run has just made blocks all public access.

        AWS's new buckets do (its default since April 2023); an AWS-compatible endpoint
        that is not AWS (moto as released) may make them without a public access block.
        One read, so that only such an endpoint costs a write, never AWS.
        """
        try:
            block = ctx.call("s3", "get_public_access_block",
                             "reading the new bucket's public access block",
                             ok_codes=("NoSuchPublicAccessBlockConfiguration",),
                             Bucket=self.spec.config_bucket)["PublicAccessBlockConfiguration"]
        except ClientError:
            return False
        return all(block.get(k) for k in _PRIVATE)

    def _block_public_access(self, ctx) -> None:
        ctx.call("s3", "put_public_access_block", "blocking public access to the config bucket",
                 Bucket=self.spec.config_bucket,
                 PublicAccessBlockConfiguration={k: True for k in _PRIVATE})
        forget(ctx, ("bucket", self.spec.config_bucket))

    def undo(self, ctx, force: bool) -> tuple[str, str]:
        bucket = self.spec.config_bucket
        exists, mine, _ = self._state(ctx)
        if exists != "yes":
            return SKIPPED, "the bucket does not exist" if exists == "no" else "not this account's bucket"
        if not mine:
            return KEPT, f"bucket {bucket} existed before the guide; {NEVER_FORCED}"
        # Versions and delete markers too: a versioned bucket keeps every ecs.config the guide
        # wrote, and S3 deletes a bucket only when none is left.
        versions = ctx.pages("s3", "list_object_versions", "Versions", Bucket=bucket)
        markers = ctx.pages("s3", "list_object_versions", "DeleteMarkers", Bucket=bucket)
        key = self.spec.config_key
        foreign = [v for v in versions + markers if v["Key"] != key]
        users: list[str] = []
        for version in versions:
            if version["Key"] == key:  # "null" names the version made before versioning
                tags = ctx.call("s3", "get_object_tagging", Bucket=bucket, Key=key,
                                VersionId=version["VersionId"])["TagSet"]
                if not owned(tags):
                    foreign.append(version)
                elif version.get("IsLatest"):
                    users = [u for u in used_by(tags) if u != self.spec.role_name]
        if foreign:
            return KEPT, (f"bucket {bucket} still holds {len(foreign)} object(s) or version(s) "
                          f"the guide did not put there; {NEVER_FORCED}")
        if users:
            return KEPT, (f"bucket {bucket} holds {key}, which the guide setup(s) of role(s) "
                          f"{', '.join(users)} still use: kept for them, force or not")
        for version in versions + markers:
            ctx.call("s3", "delete_object", Bucket=bucket, Key=version["Key"],
                     VersionId=version["VersionId"])
        ctx.call("s3", "delete_bucket", "deleting the config bucket", Bucket=bucket)
        forget(ctx, ("bucket", bucket))
        return REMOVED, "bucket deleted"


_PRIVATE = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")


@dataclass
class UploadEcsConfig(Action):
    render_as = "upload_ecs_config"
    touches = frozenset({"bucket", "object"})
    spec: RoleSpec
    body: str  # the file's text, as the plan composes it from every feature

    def arn(self, ctx) -> str:
        return f"arn:{ctx.partition}:s3:::{self.spec.config_bucket}/{self.spec.config_key}"

    def _object(self, ctx) -> tuple[str | None, list[dict[str, str]]]:
        """(body, tags) of the object; ``None`` when it is not there."""
        spec = self.spec
        if CreateConfigBucket(spec)._state(ctx)[0] != "yes":
            return None, []

        def read():
            try:
                body = ctx.call("s3", "get_object", ok_codes=("NoSuchKey", "404"),
                                Bucket=spec.config_bucket, Key=spec.config_key)["Body"].read().decode()
            except ClientError:
                return None, []
            return body, ctx.call("s3", "get_object_tagging", Bucket=spec.config_bucket,
                                  Key=spec.config_key)["TagSet"]
        return cached(ctx, ("object", spec.config_bucket, spec.config_key), read)

    def check(self, ctx) -> Check:
        body, tags = self._object(ctx)
        spec, mine, users = self.spec, owned(tags), used_by(tags)
        url = f"s3://{spec.config_bucket}/{spec.config_key}"
        if body is None:
            return Check(MISSING, f"{spec.config_key} is not in the bucket yet")
        # Listed by other setups and not by this one: apply adds this one (one write), so
        # their teardown keeps the file while this setup's instances copy it too.
        unlisted = mine and bool(users) and spec.role_name not in users
        if body == self.body and not unlisted:
            return Check(OK, f"{spec.config_key} holds ECS_CLUSTER={spec.cluster_name}",
                         self.arn(ctx), mine)
        if body == self.body:
            return Check(DRIFT, f"{url} holds what the spec says, but lists only role(s) "
                         f"{', '.join(users)} as the guide setups that use it: apply adds role "
                         f"{spec.role_name}", self.arn(ctx), True)
        others = [u for u in users if u != spec.role_name]
        if mine and others:
            return Check(CONFLICT, f"{url} is the ecs.config of role(s) {', '.join(others)} "
                         f"(their instances copy it at launch); role {spec.role_name}'s spec "
                         "would write other content, so apply does not rewrite it: choose "
                         "another config_key or config_bucket", self.arn(ctx), True)
        if mine:
            return Check(DRIFT, f"{spec.config_key} was changed", self.arn(ctx), True)
        return Check(CONFLICT, f"{url} exists with other content that the guide did not write; "
                     "it is not overwritten", self.arn(ctx))

    def do(self, ctx, found: Check) -> tuple[str, str]:
        spec = self.spec
        # Missing: nothing to read again (the bucket may be new); otherwise the check's read.
        body, tags = (None, []) if found.state == MISSING else self._object(ctx)
        url = f"s3://{spec.config_bucket}/{spec.config_key}"
        listed = used_by(tags) if spec.role_name in used_by(tags) else used_by(tags) + [spec.role_name]
        forget(ctx, ("object", spec.config_bucket, spec.config_key))
        if body == self.body:  # only this setup's name is missing from the list
            ctx.call("s3", "put_object_tagging", "listing this setup as a user of ecs.config",
                     Bucket=spec.config_bucket, Key=spec.config_key,
                     Tagging={"TagSet": _with_users(tags, listed)})
            return UPDATED, f"role {spec.role_name} listed among the guide setups that use {url}"
        ctx.call("s3", "put_object", "uploading ecs.config", Bucket=spec.config_bucket,
                 Key=spec.config_key, Body=self.body.encode(),
                 Tagging=object_tagging(spec.role_name))
        return (CREATED if found.state == MISSING else UPDATED), (
            f"{url} holds ECS_CLUSTER={spec.cluster_name}")

    def undo(self, ctx, force: bool) -> tuple[str, str]:
        spec = self.spec
        body, tags = self._object(ctx)
        if body is None:
            return SKIPPED, "no config object"
        if not owned(tags):
            return KEPT, f"{spec.config_key} was not put there by the guide; {NEVER_FORCED}"
        others = [u for u in used_by(tags) if u != spec.role_name]
        forget(ctx, ("object", spec.config_bucket, spec.config_key))
        if others:  # another setup's instances copy it at launch
            if spec.role_name in used_by(tags):
                ctx.call("s3", "put_object_tagging", "taking this setup off the list of users",
                         Bucket=spec.config_bucket, Key=spec.config_key,
                         Tagging={"TagSet": _with_users(tags, others)})
            return KEPT, (f"{spec.config_key} is still used by the guide setup(s) of role(s) "
                          f"{', '.join(others)}, whose instances copy it at launch: kept for them, "
                          "force or not")
        ctx.call("s3", "delete_object", Bucket=spec.config_bucket, Key=spec.config_key)
        return REMOVED, "config object deleted"


@dataclass
class CreateLogsPolicy(Action):
    render_as = "create_logs_policy"
    touches = frozenset({"customer_policy"})
    spec: RoleSpec

    def arn(self, ctx) -> str:
        return f"arn:{ctx.partition}:iam::{ctx.account}:policy{self.spec.path}{self.spec.log_policy_name}"

    def leftover(self, ctx) -> tuple[str, str, str] | None:
        if get_policy(ctx, self.arn(ctx)) is None:
            return None
        tags = ctx.call("iam", "list_policy_tags", "reading the policy's tags",
                        PolicyArn=self.arn(ctx))["Tags"]
        return ("policy", self.spec.log_policy_name, why_left(tags))

    def document(self, ctx) -> dict:
        return policies.logs_policy(self.spec.least_privilege, ctx.partition, self.spec.region,
                                    ctx.account)

    def _twin(self, ctx) -> str | None:
        """The ARN of a customer managed policy of the account that holds the spec's name
        in another letter case or under another path: IAM names are unique in an account
        regardless of both, so CreatePolicy would fail (EntityAlreadyExists) on every run."""
        name = self.spec.log_policy_name.lower()
        return next((p["Arn"] for p in ctx.pages("iam", "list_policies", "Policies", Scope="Local")
                     if p["PolicyName"].lower() == name), None)

    def check(self, ctx) -> Check:
        arn = self.arn(ctx)
        policy = get_policy(ctx, arn)
        if policy is None:
            twin = self._twin(ctx)
            if twin is not None:
                return Check(CONFLICT, f"policy {twin} exists, and IAM policy names are unique in "
                             "an account whatever their letter case and path, so IAM cannot "
                             f"create {arn}; choose another log_policy_name", twin)
            return Check(MISSING, f"policy {self.spec.log_policy_name} does not exist yet")
        mine = owned(policy.get("Tags"))
        if policies.same_policy(policy_document(ctx, arn), self.document(ctx)):
            who = "created by the guide" if mine else "existed before the guide; teardown keeps it"
            return Check(OK, f"policy exists with the documented permissions ({who})", arn, mine)
        if not mine:
            return Check(CONFLICT, f"policy {self.spec.log_policy_name} exists, was not created "
                         "by the guide, and grants something else; choose another log_policy_name",
                         arn)
        held = self._held_by(ctx, policy)
        if held:  # a new version would change what they hold: another setup's, or by hand
            return Check(CONFLICT, f"{held} as it is now; role {self.spec.role_name}'s spec "
                         "grants something else, so apply does not rewrite it (that would change "
                         "what they hold): choose another log_policy_name, or detach it from "
                         "them first", arn, True)
        return Check(DRIFT, f"policy {self.spec.log_policy_name} grants something else now", arn, True)

    def _held_by(self, ctx, policy: dict) -> str:
        """Who else holds the policy, by name (one read, only when someone else does).

        Held: attached, or set as a permissions boundary (a new version changes both).
        """
        arn, name = self.arn(ctx), self.spec.log_policy_name
        others = (policy.get("AttachmentCount", 0) + policy.get("PermissionsBoundaryUsageCount", 0)
                  - (arn in attached_policies(ctx, self.spec.role_name)))
        if others <= 0:
            return ""
        entries = [r["RoleName"] for r in ctx.pages(
            "iam", "list_entities_for_policy", "PolicyRoles", PolicyArn=arn, EntityFilter="Role")
            if r["RoleName"] != self.spec.role_name]
        roles, rest = sorted(set(entries)), others - len(entries)
        if not roles:
            return f"policy {name} is held by {rest} user(s) or group(s)"
        return f"policy {name} is held by role(s) {', '.join(roles)}" + (
            f" and {rest} user(s) or group(s)" if rest > 0 else "")

    def do(self, ctx, found: Check) -> tuple[str, str]:
        spec, arn = self.spec, self.arn(ctx)
        document = json.dumps(self.document(ctx))
        if found.state == MISSING:
            try:
                ctx.call("iam", "create_policy", "creating the CloudWatch Logs policy",
                         ok_codes=("EntityAlreadyExists",), PolicyName=spec.log_policy_name,
                         Path=spec.path, PolicyDocument=document, Tags=_tags(spec))
            except ClientError:
                return _raced(ctx, self, ("policy", arn), ("document", arn))
            ctx.made(Made.LOGS_POLICY)
            forget(ctx, ("policy", arn), ("document", arn))
            return CREATED, "customer managed policy created"
        versions = ctx.call("iam", "list_policy_versions", PolicyArn=arn)["Versions"]
        if len(versions) >= 5:  # IAM keeps five versions; drop the oldest spare one
            oldest = min((v for v in versions if not v["IsDefaultVersion"]),
                         key=lambda v: v["CreateDate"])
            ctx.call("iam", "delete_policy_version", PolicyArn=arn, VersionId=oldest["VersionId"])
        ctx.call("iam", "create_policy_version", PolicyArn=arn, PolicyDocument=document,
                 SetAsDefault=True)
        forget(ctx, ("policy", arn), ("document", arn))
        return UPDATED, "a new default version restores the documented permissions"

    def undo(self, ctx, force: bool) -> tuple[str, str]:
        arn = self.arn(ctx)
        forget(ctx, ("policy", arn))
        policy = get_policy(ctx, arn)
        if policy is None:
            return SKIPPED, "the policy does not exist"
        if not owned(policy.get("Tags")):
            return KEPT, f"policy {self.spec.log_policy_name} existed before the guide; {NEVER_FORCED}"
        if policy.get("AttachmentCount", 0):  # shared since: never taken from the others
            return KEPT, (f"policy {self.spec.log_policy_name} is still attached to "
                          f"{policy['AttachmentCount']} other role(s), user(s) or group(s), "
                          f"which keep it; {NEVER_FORCED}")
        if policy.get("PermissionsBoundaryUsageCount", 0):  # it bounds someone: never lifted
            return KEPT, (f"policy {self.spec.log_policy_name} is the permissions boundary of "
                          f"{policy['PermissionsBoundaryUsageCount']} role(s) or user(s), which "
                          f"keep it; {NEVER_FORCED}")
        for version in ctx.call("iam", "list_policy_versions", PolicyArn=arn)["Versions"]:
            if not version["IsDefaultVersion"]:
                ctx.call("iam", "delete_policy_version", PolicyArn=arn, VersionId=version["VersionId"])
        ctx.call("iam", "delete_policy", "deleting the CloudWatch Logs policy", PolicyArn=arn)
        forget(ctx, ("policy", arn))
        return REMOVED, "customer managed policy deleted"


@dataclass
class FindLogsPolicy(Action):
    """The page's ``list-policies --scope Local --query`` (erratum E4)."""

    render_as = "find_logs_policy"
    touches = frozenset({"list_policies"})
    spec: RoleSpec
    kind = Kind.READ

    def _find(self, ctx) -> list[str]:
        return [p["Arn"] for p in ctx.pages("iam", "list_policies", "Policies", Scope="Local")
                if p["PolicyName"] == self.spec.log_policy_name]

    def arn(self, ctx) -> str:
        return CreateLogsPolicy(self.spec).arn(ctx)

    @property
    def settled_when_ok(self) -> bool:
        return False  # its check reads nothing: do looks the ARN up

    def check(self, ctx) -> Check:
        return Check(OK, "read only: looks the ARN up by name")

    def audit(self, ctx, found: Check) -> tuple[str, str]:
        return INFO, "the ARN is looked up by name when needed"

    def do(self, ctx, found: Check) -> tuple[str, str]:
        arns = self._find(ctx)
        if not arns:
            return UNCHANGED, f"no customer managed policy named {self.spec.log_policy_name} found yet"
        return UNCHANGED, (f"found {arns[0]} by name (the page's query spells 'cwlogsppolicy' and "
                           "finds nothing, erratum E4)")


@dataclass
class EnableTrunking(Action):
    render_as = "enable_trunking"
    touches = frozenset({"role", "account_setting"})
    spec: RoleSpec

    def arn(self, ctx) -> str:
        return CreateRole(self.spec).arn(ctx)

    def _enabled(self, ctx) -> bool:
        settings = ctx.call("ecs", "list_account_settings", name="awsvpcTrunking",
                            principalArn=self.arn(ctx))["settings"]
        return any(s.get("value") == "enabled" for s in settings)

    def leftover(self, ctx) -> tuple[str, str, str] | None:
        if not self._enabled(ctx):
            return None
        return ("ECS account setting", "awsvpcTrunking=enabled", self.arn(ctx))

    def check(self, ctx) -> Check:
        if get_role(ctx, self.spec.role_name) is None:
            return Check(MISSING, "the role is made first")
        if self._enabled(ctx):
            return Check(OK, "awsvpcTrunking is enabled for this role", self.arn(ctx))
        return Check(MISSING, "awsvpcTrunking is not enabled for this role yet", self.arn(ctx))

    def role_tags(self, ctx, found: Check) -> set[str]:
        return note_keys(ctx, self.spec) if found.state == MISSING else set()

    def do(self, ctx, found: Check) -> tuple[str, str]:
        record(ctx, self.spec, "trunking")
        ctx.call("ecs", "put_account_setting", "enabling awsvpcTrunking", name="awsvpcTrunking",
                 value="enabled", principalArn=self.arn(ctx))
        confirm(ctx, self.spec, "trunking")
        return CREATED, "awsvpcTrunking enabled for this role's principal only"

    def undo(self, ctx, force: bool) -> tuple[str, str]:
        role = get_role(ctx, self.spec.role_name)
        if role is None or not self._enabled(ctx):
            unrecord(ctx, self.spec, "trunking")  # a note without its change would outlive it
            return SKIPPED, "awsvpcTrunking is not set for this role"
        if not ours(ctx, self.spec, "trunking"):
            return unsure(ctx, self.spec, "trunking", "awsvpcTrunking") or (KEPT, (
                f"role {self.spec.role_name} existed before the guide and already had "
                f"awsvpcTrunking; {NEVER_FORCED}"))
        ctx.call("ecs", "delete_account_setting", name="awsvpcTrunking", principalArn=self.arn(ctx))
        unrecord(ctx, self.spec, "trunking")
        return REMOVED, "the role's awsvpcTrunking setting deleted"


@dataclass
class ShowActivation(Action):
    render_as = "show_activation"
    spec: RoleSpec
    kind = Kind.INFO
    sandbox_limits = ("ssm_activation",)

    def check(self, ctx) -> Check:
        return Check(INFO, "shown, not run: an activation registers real machines")

    def do(self, ctx, found: Check) -> tuple[str, str]:
        return SKIPPED, "shown, not run: run it when a machine is ready to register"


def _raced(ctx, action: Action, *stale) -> tuple[str, str]:
    """Another run made the resource between our check and our write: check again.

    AWS has just said the resource exists; a check that still finds it missing is
    IAM's eventual consistency, so look again within ``ctx.propagation_timeout``
    instead of writing again (which would only meet the same answer).
    """
    waited, delay = 0.0, 0.25
    while True:
        forget(ctx, *stale)
        again = action.check(ctx)
        if again.state != MISSING:
            break
        if waited >= ctx.propagation_timeout:
            raise PropagationError(
                f"AWS says {action.arn(ctx)} already exists, but IAM still does not show it "
                f"after {waited:.0f} s. Wait a minute and run again; apply is safe to re-run "
                "and continues where it stopped.", code="NoSuchEntity")
        ctx.progress(f"IAM has not caught up yet (exists, but not visible); retrying in {delay:.1f} s")
        time.sleep(delay)
        waited += delay
        delay = min(delay * 2, 4.0)
        ctx.made(Seen(action.arn(ctx)))  # so later NoSuchEntity is waited for too
    if again.state == OK:
        return UNCHANGED, "made by a concurrent run at the same moment; it matches the spec"
    if again.state == CONFLICT:
        raise ConflictError(Problem("role_name", action.spec.role_name, again.reason))
    return action.do(ctx, again)


# ---------------------------------------------------------------------------------------
# Steps: what a person reads.
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    """One documented step of the page.

    Attributes
    ----------
    id
        Stable name, after the page (``create_role``, ``attach_logs_policy`` ...).
    section
        The page section it belongs to.
    page_ref
        Where on the page: console and CLI step numbers.
    titles, console
        English and Korean title and console click path.
    cli
        AWS CLI commands as typed, corrected where the page is wrong.
    files
        Files the CLI commands read, by name.
    setup
        Shell lines that read what the commands need into the script's own
        variables (``ROLE_ARN=$(aws iam get-role ...)``); they only read.
    account_files
        The files that still say ``${ACCOUNT_ID}`` (the account was not known).
    report_note
        What apply's report notes about this step (a least-privilege cost, a next step).
    finding
        What an audit finding at this step means for the instances, and the fix.
    api
        The API operations it may call (``iam:CreateRole`` ...).
    errata
        Ids of the page's errors at this step (see :func:`ecsrole_lib.errata`).
    note
        What to know; for a least-privilege choice, what the narrowing costs.
    """

    id: str
    section: str
    page_ref: str
    titles: dict[str, str]
    console: dict[str, list[str]]
    cli: tuple[str, ...]
    action: Action = field(repr=False, compare=False)
    api: tuple[str, ...] = ()
    files: dict[str, str] = field(default_factory=dict)
    errata: tuple[str, ...] = ()
    note: str = ""
    spec_field: str = "role_name"
    setup: tuple[str, ...] = ()
    account_files: tuple[str, ...] = ()
    report_note: str = ""
    finding: str = ""

    def title(self, lang: str = "en") -> str:
        return self.titles.get(lang, self.titles["en"])

    def console_path(self, lang: str = "en") -> list[str]:
        # settle: a name filled into the page's Korean takes the particle that follows it
        return [settle(line) for line in self.console.get(lang, self.console["en"])]

    @property
    def command(self) -> str:
        """The CLI commands as one block of text (the setup reads first)."""
        return "\n".join(self.setup + self.cli)


def tags_json(spec: RoleSpec) -> str:
    """The spec's tags and the guide's own, as the JSON the AWS CLI's ``--tags`` takes.

    JSON carries every character exactly (an empty value, spaces at either end,
    characters outside the BMP), which the CLI's ``Key=k,Value=v`` shorthand does not.

    >>> from ecsrole_lib import RoleSpec
    >>> tags_json(RoleSpec(tags={"team": " a b "}))
    '[{"Key":"team","Value":" a b "},{"Key":"created-by","Value":"ecsrole-guide"}]'
    """
    return json_value(_tags(spec))
