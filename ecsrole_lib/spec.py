"""``RoleSpec``: the user's choices, checked in full before anything is sent.

Names, path, tags and description are checked against botocore's own IAM
service model (lengths and patterns), so the rules are AWS's, not ours.

>>> spec = RoleSpec(features=["ecr", "cloudwatch_logs"])
>>> spec.role_name, spec.instance_profile_name
('ecsInstanceRole', 'ecsInstanceRole-profile')
>>> RoleSpec(instance_kind="external").role_name
'ecsAnywhereRole'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any

from . import features
from .errors import Problem, ValidationError
from .i18n.catalog import message
from .marks import ADDED_TAG, OWNER_TAG
from .rules import (  # noqa: F401  (re-exported: the rules were first defined here)
    check_bucket_name,
    check_iam_name,
    check_policy_arn,
    check_shape,
    iam_member,
    partition_of,
    regions,
)

__all__ = ["ADDED_TAG", "FEATURES", "INSTANCE_KINDS", "OWNER_TAG", "RoleSpec", "flag_problems"]

INSTANCE_KINDS = ("ec2", "external")
FEATURES = features.SELECTABLE  # in the page's section order
DEFAULT_ROLE_NAMES = {"ec2": "ecsInstanceRole", "external": "ecsAnywhereRole"}

#: IAM's default quota of managed policies attached to one role.
DEFAULT_ATTACHED_POLICIES_QUOTA = 10
#: IAM's quota of tags on one role, which cannot be raised ("Tags per IAM role: 50", IAM
#: User Guide, IAM and AWS STS quotas,
#: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
TAGS_PER_ROLE_QUOTA = 50

_CLUSTER = re.compile(r"[A-Za-z0-9_-]{1,255}")


def flag_problems(values: Mapping[str, Any]) -> list[Problem]:
    """One problem per value that is not a real bool: the rule of every yes/no choice.

    A string is refused, not read: ``bool("false")`` is True, so a papermill
    ``-p least_privilege false`` (a string; papermill reads only ``True`` and
    ``False`` as bools) must stop with the parameter's name, not turn the choice on.

    >>> [str(p) for p in flag_problems({"dry_run": False, "trunking": "false"})]
    ["trunking='false': must be True or False"]
    """
    return [Problem(name, value, message("spec.flag"))
            for name, value in values.items() if not isinstance(value, bool)]


@dataclass(frozen=True)
class RoleSpec:
    """What the user chose: the role, its kind, the features it serves.

    Constructing one checks every rule that needs no AWS call and raises
    :class:`~ecsrole_lib.errors.ValidationError` listing every problem,
    each naming its field.

    Parameters
    ----------
    role_name
        The container instance role. Default: ``ecsInstanceRole`` (``ec2``) or
        ``ecsAnywhereRole`` (``external``), as the documentation names them.
    instance_profile_name
        The instance profile that carries the role to EC2. Default:
        ``<role_name>-profile``, as the CLI procedure names it. None for ``external``.
    instance_kind
        ``"ec2"`` (Amazon EC2 instances) or ``"external"`` (ECS Anywhere).
    features
        Any of ``"ecr"``, ``"s3_config"``, ``"cloudwatch_logs"``.
    least_privilege
        Scope S3 to the one config object and CloudWatch Logs to this account
        and region, instead of the page's broad grants.
    config_bucket, config_key
        Where ``ecs.config`` is kept (``s3_config``).
    cluster_name
        The cluster ``ecs.config`` names.
    log_policy_name
        The customer managed CloudWatch Logs policy (``cloudwatch_logs``).
    extra_policy_arns
        More managed policies to attach.
    trunking
        Enable ``awsvpcTrunking`` for this role's principal.
    path, tags, permissions_boundary, description
        Passed to IAM as they are.
    region
        Region for S3, ECS and the least-privilege ARNs.

    >>> RoleSpec(features=["s3_config"])
    Traceback (most recent call last):
    ...
    ecsrole_lib.errors.ValidationError: invalid RoleSpec, nothing was sent to AWS (1):
      - config_bucket=None: is required with the 's3_config' feature (the private bucket that holds ecs.config)
    """

    role_name: str | None = None
    instance_profile_name: str | None = None
    instance_kind: str = "ec2"
    features: tuple[str, ...] = ()
    least_privilege: bool = False
    config_bucket: str | None = None
    config_key: str = "ecs.config"
    cluster_name: str = "default"
    log_policy_name: str = "cwlogspolicy"
    extra_policy_arns: tuple[str, ...] = ()
    trunking: bool = False
    path: str = "/"
    tags: dict[str, str] = field(default_factory=dict)
    permissions_boundary: str | None = None
    region: str = "us-east-1"
    description: str | None = None

    def __post_init__(self) -> None:
        set_ = functools.partial(object.__setattr__, self)
        # Accept what papermill and widgets pass (lists), keep tuples.
        if isinstance(self.features, (list, tuple, set, frozenset)):
            set_("features", tuple(f for f in FEATURES if f in self.features)
                 + tuple(f for f in self.features if f not in FEATURES))
        if isinstance(self.extra_policy_arns, (list, tuple)):
            arns = tuple(self.extra_policy_arns)
            hashable = all(isinstance(a, str) for a in arns)
            set_("extra_policy_arns", tuple(dict.fromkeys(arns)) if hashable else arns)
        if isinstance(self.tags, Mapping):
            # Frozen like the rest of the spec: a tag cannot change after validation.
            set_("tags", MappingProxyType(dict(self.tags)))
        if self.role_name is None and self.instance_kind in INSTANCE_KINDS:
            set_("role_name", DEFAULT_ROLE_NAMES[self.instance_kind])
        if (self.instance_profile_name is None and self.instance_kind == "ec2"
                and isinstance(self.role_name, str)):
            set_("instance_profile_name", f"{self.role_name}-profile")
        problems = self._problems()
        if problems:
            raise ValidationError(problems)

    # -- derived facts ------------------------------------------------------------------
    @property
    def partition(self) -> str:
        """The partition of :attr:`region` (``aws``, ``aws-cn``, ``aws-us-gov`` ...)."""
        return partition_of(self.region)

    def replace(self, **changes: Any) -> RoleSpec:
        """A copy with ``changes``, validated again.

        Names derived from a default (the role name from the kind, the
        instance profile name from the role name) are derived again unless given.

        >>> RoleSpec().replace(instance_kind="external").role_name
        'ecsAnywhereRole'
        """
        kind = changes.get("instance_kind", self.instance_kind)
        if ("role_name" not in changes and kind != self.instance_kind
                and self.role_name == DEFAULT_ROLE_NAMES.get(self.instance_kind)):
            changes["role_name"] = None
        derived = (self.instance_profile_name == f"{self.role_name}-profile")
        if "instance_profile_name" not in changes and (derived or kind != self.instance_kind):
            changes["instance_profile_name"] = None
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        """The fields as plain values (lists for tuples), e.g. for papermill parameters."""
        return {f.name: (list(v) if isinstance(v := getattr(self, f.name), tuple)
                         else dict(v) if isinstance(v, Mapping) else v)
                for f in fields(self)}

    # -- validation ---------------------------------------------------------------------
    def _problems(self) -> list[Problem]:
        found: list[Problem] = []
        if self.instance_kind not in INSTANCE_KINDS:
            found.append(Problem("instance_kind", self.instance_kind, message("spec.instance_kind")))
        if not isinstance(self.features, tuple):
            found.append(Problem("features", self.features, message("spec.features_list")))
        else:
            for name in self.features:
                if not isinstance(name, str) or name not in FEATURES:
                    found.append(Problem("features", name, message("spec.unknown_feature",
                                                                   choices=", ".join(FEATURES))))
        found += check_iam_name("CreateRole", "Path", "path", self.path)
        found += self._tag_problems()
        if not isinstance(self.cluster_name, str) or not _CLUSTER.fullmatch(self.cluster_name):
            found.append(Problem("cluster_name", self.cluster_name, message("spec.cluster")))
        found += flag_problems({name: getattr(self, name) for name in ("least_privilege", "trunking")})
        if not isinstance(self.region, str) or self.region not in regions():
            found.append(Problem("region", self.region, message("spec.region")))
        chosen = features.applicable(self)
        for feature in chosen:
            found += feature.problems(self)
        if not found:
            for feature in chosen:
                found += feature.limits(self)
            found += self._quota_problems()
        return found

    def _tag_problems(self) -> list[Problem]:
        if not isinstance(self.tags, Mapping):
            return [Problem("tags", self.tags, message("spec.tags_dict"))]
        found: list[Problem] = []
        tag_shape = iam_member("CreateRole", "Tags")
        limit = tag_shape.metadata["max"] - 1  # the guide's own tag takes one place
        if len(self.tags) > limit:
            found.append(Problem("tags", f"{len(self.tags)} tags",
                                 message("spec.tags_count", max=limit + 1, limit=limit)))
        for key, value in self.tags.items():
            found += check_shape(tag_shape.member.members["Key"], f"tags[{key!r}]", key)
            found += check_shape(tag_shape.member.members["Value"], f"tags[{key!r}]", value)
            if isinstance(key, str) and key.lower().startswith("aws:"):
                found.append(Problem(f"tags[{key!r}]", key, message("spec.tag_reserved")))
            if isinstance(key, str) and key.lower() in (OWNER_TAG[0], ADDED_TAG):
                found.append(Problem(f"tags[{key!r}]", key, message("spec.tag_ours")))
        seen: dict[str, str] = {}
        for key in self.tags:
            if not isinstance(key, str):
                continue
            if key.lower() in seen and key.lower() not in (OWNER_TAG[0], ADDED_TAG):
                found.append(Problem(f"tags[{key!r}]", key, message(
                    "spec.tag_case", first=repr(seen[key.lower()]), second=repr(key))))
            seen.setdefault(key.lower(), key)
        return found

    def _quota_problems(self) -> list[Problem]:
        attached = len(self.managed_policy_names())
        if attached > DEFAULT_ATTACHED_POLICIES_QUOTA:
            return [Problem("extra_policy_arns", list(self.extra_policy_arns),
                            message("spec.policy_quota", n=attached,
                                    quota=DEFAULT_ATTACHED_POLICIES_QUOTA))]
        return []

    def managed_policy_names(self) -> list[str]:
        """Every managed policy the role will hold, as ARNs with ``${ACCOUNT_ID}`` for the account.

        The plan's own list (:meth:`ecsrole_lib.plan.Plan.managed_policy_arns`).

        >>> RoleSpec(instance_kind="external").managed_policy_names()[0]
        'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'
        """
        from .plan import plan  # the plan is built from a valid spec, so it comes after it

        return plan(self).managed_policy_arns()
