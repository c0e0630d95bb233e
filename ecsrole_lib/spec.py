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

import botocore.exceptions
import regex

from . import policies
from .aws import botocore_data, service_model
from .errors import Problem, ValidationError

__all__ = ["ADDED_TAG", "FEATURES", "INSTANCE_KINDS", "OWNER_TAG", "RoleSpec"]

INSTANCE_KINDS = ("ec2", "external")
FEATURES = ("ecr", "s3_config", "cloudwatch_logs")  # in the page's section order
DEFAULT_ROLE_NAMES = {"ec2": "ecsInstanceRole", "external": "ecsAnywhereRole"}

#: The tag that marks what the guide created; teardown removes only what carries it.
OWNER_TAG = ("created-by", "ecsrole-guide")
#: On a role that existed before the guide: what the guide added to it, so teardown
#: removes exactly that (space-separated tokens, see ``ecsrole_lib.steps.record``).
ADDED_TAG = "ecsrole-guide-added"

#: IAM's default quota of managed policies attached to one role.
DEFAULT_ATTACHED_POLICIES_QUOTA = 10

_PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f",
               "aws-eusc")
_CLUSTER = re.compile(r"[A-Za-z0-9_-]{1,255}")


@functools.cache
def _iam_member(operation: str, member: str):
    return service_model("iam").operation_model(operation).input_shape.members[member]


@functools.cache
def _compiled(pattern: str):
    # The model's patterns are Java-style: \w means ASCII word characters there,
    # while \p{L} means any Unicode letter; the regex module reads \p{...}.
    return regex.compile(pattern.replace(r"\w", "a-zA-Z0-9_"))


def check_shape(shape, field_name: str, value: str) -> list[Problem]:
    """Problems of ``value`` against a botocore string shape's length and pattern."""
    meta = shape.metadata
    found: list[Problem] = []
    if not isinstance(value, str):
        return [Problem(field_name, value, f"must be a string ({shape.name})")]
    low, high = meta.get("min", 0), meta.get("max")
    if len(value) < low or (high is not None and len(value) > high):
        bounds = f"{low} to {high}" if high is not None else f"at least {low}"
        found.append(Problem(field_name, value,
                             f"must be {bounds} characters long, is {len(value)} "
                             f"(IAM {shape.name})"))
    pattern = meta.get("pattern")
    if pattern and value and not _compiled(pattern).fullmatch(value):
        bad = sorted({c for c in value if not _compiled(pattern).fullmatch(c)}) \
            if pattern.startswith("[") else []
        which = f"; not allowed: {' '.join(repr(c) for c in bad)}" if bad else ""
        found.append(Problem(field_name, value,
                             f"must match IAM's pattern {pattern} ({shape.name}){which}"))
    return found


def check_iam_name(operation: str, member: str, field_name: str, value: str) -> list[Problem]:
    """Check a value against the IAM API's own rule for ``operation``'s ``member``."""
    return check_shape(_iam_member(operation, member), field_name, value)


def check_policy_arn(field_name: str, arn: str) -> list[Problem]:
    """Strict check of an IAM policy ARN, pointing at the first bad part.

    The expected form is ``arn:<partition>:iam::<account id or aws>:policy/<path><name>``.

    >>> check_policy_arn("extra_policy_arns[0]", "arn:aws::iam::aws:policy/AmazonS3ReadOnlyAccess")[0].rule
    "the service (3rd field) must be 'iam', found '' (an extra ':' after the partition? erratum E3)"
    """
    rule_form = "arn:<partition>:iam::<account id or aws>:policy/<path><name>"
    if not isinstance(arn, str):
        return [Problem(field_name, arn, f"must be a string of the form {rule_form}")]
    parts = arn.split(":", 5)
    checks = [
        (len(parts) == 6, f"must have 6 ':'-separated fields ({rule_form}), has {len(parts)}"),
    ]
    if len(parts) == 6:
        prefix, partition, service, region, account, resource = parts
        checks += [
            (prefix == "arn", f"must start with 'arn:', found '{prefix}:'"),
            (partition in _PARTITIONS,
             f"the partition (2nd field) must be one of {', '.join(_PARTITIONS)}, found '{partition}'"),
            (service == "iam",
             f"the service (3rd field) must be 'iam', found '{service}'"
             + (" (an extra ':' after the partition? erratum E3)" if service == "" else "")),
            (region == "",
             f"the region (4th field) must be empty for IAM, found '{region}'"
             + (" (the account belongs in the 5th field? erratum E5)" if region.isdigit() else "")),
            (account == "aws" or re.fullmatch(r"\d{12}", account) is not None,
             f"the account (5th field) must be 12 digits or 'aws', found '{account}'"),
            (resource.startswith("policy/"),
             f"the resource must start with 'policy/', found '{resource}'"
             + (" (a stray 'aws:' before it? erratum E5)" if resource.startswith("aws:") else "")),
        ]
        if resource.startswith("policy/"):
            path, _, name = resource[len("policy"):].rpartition("/")
            checks.append((bool(name), "the policy name after the last '/' is empty"))
            if name:
                found = check_iam_name("CreatePolicy", "PolicyName", field_name, name)
                checks += [(False, f"the policy name '{name}': {p.rule}") for p in found]
            path = path + "/"
            found = check_iam_name("CreatePolicy", "Path", field_name, path)
            checks += [(False, f"the policy path '{path}': {p.rule}") for p in found]
    for ok, rule in checks:
        if not ok:
            return [Problem(field_name, arn, rule)]
    return []


def check_bucket_name(field_name: str, name: str) -> list[Problem]:
    """Amazon S3's rules for general purpose bucket names.

    >>> check_bucket_name("config_bucket", "My_Bucket")[0].rule
    'must use only lowercase letters, digits, dots and hyphens; found uppercase or other characters'
    """
    if not isinstance(name, str):
        return [Problem(field_name, name, "must be a string (an S3 bucket name)")]
    rules = [
        (3 <= len(name) <= 63, f"must be 3 to 63 characters long, is {len(name)}"),
        (re.fullmatch(r"[a-z0-9.-]*", name) is not None,
         ("must use only lowercase letters, digits, dots and hyphens; "
         "found uppercase or other characters")),
        (re.fullmatch(r"[a-z0-9].*[a-z0-9]|[a-z0-9]", name) is not None,
         "must begin and end with a lowercase letter or digit"),
        (".." not in name, "must not contain two adjacent dots"),
        (not _IP_SHAPED.fullmatch(name), "must not be formatted as an IP address"),
        (not name.startswith(("xn--", "sthree-", "amzn-s3-demo-")),
         "must not start with 'xn--', 'sthree-' or 'amzn-s3-demo-' (reserved by S3)"),
        (not name.endswith(("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")),
         ("must not end with '-s3alias', '--ol-s3', '.mrap', '--x-s3' or '--table-s3' "
         "(reserved by S3)")),
    ]
    return [Problem(field_name, name, rule) for ok, rule in rules if not ok][:1]


# Four groups of digits, leading zeros or not: S3 refuses every name shaped like an address.
_IP_SHAPED = re.compile(r"\d+\.\d+\.\d+\.\d+")


@functools.cache
def regions() -> dict[str, str]:
    """Every Region botocore's partition data lists, with its partition.

    >>> regions()["eusc-de-east-1"], regions()["cn-north-1"]
    ('aws-eusc', 'aws-cn')
    """
    data = botocore_data("partitions")
    return {region: partition["id"] for partition in data["partitions"]
            for region in partition.get("regions", {}) if not region.endswith("-global")}


def partition_of(region: str) -> str:
    """The AWS partition a Region belongs to (botocore's partition data).

    >>> partition_of("cn-north-1"), partition_of("eu-west-1")
    ('aws-cn', 'aws')
    """
    try:
        return regions()[region]
    except KeyError:
        raise botocore.exceptions.UnknownRegionError(
            region_name=region, error_msg="not in botocore's partition data") from None


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
        profile_given = self.instance_profile_name is not None
        if not profile_given and self.instance_kind == "ec2" and isinstance(self.role_name, str):
            set_("instance_profile_name", f"{self.role_name}-profile")
        problems = self._problems(profile_given)
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

    def _features(self) -> tuple[str, ...]:
        """The features, or none while they are not a list (validation reports that once)."""
        return self.features if isinstance(self.features, tuple) else ()

    # -- validation ---------------------------------------------------------------------
    def _problems(self, profile_given: bool) -> list[Problem]:
        found: list[Problem] = []
        if self.instance_kind not in INSTANCE_KINDS:
            found.append(Problem("instance_kind", self.instance_kind,
                                 "must be 'ec2' (Amazon EC2 instances) or 'external' (ECS Anywhere)"))
        if not isinstance(self.features, tuple):
            found.append(Problem("features", self.features, "must be a list of feature names"))
        else:
            for feature in self.features:
                if not isinstance(feature, str) or feature not in FEATURES:
                    found.append(Problem("features", feature,
                                         f"unknown feature; choose from {', '.join(FEATURES)}"))
        role_problems = check_iam_name("CreateRole", "RoleName", "role_name", self.role_name)
        found += role_problems
        if self.instance_kind == "external" and profile_given:
            found.append(Problem("instance_profile_name", self.instance_profile_name,
                                 "external instances (ECS Anywhere) use no instance profile; "
                                 "leave it None"))
        elif self.instance_profile_name is not None and (profile_given or not role_problems):
            # A name derived from a bad role name is reported once, as the role name.
            found += check_iam_name("CreateInstanceProfile", "InstanceProfileName",
                                    "instance_profile_name", self.instance_profile_name)
        path_problems = check_iam_name("CreateRole", "Path", "path", self.path)
        if not path_problems and "cloudwatch_logs" in self._features():
            # The logs policy gets the same path, and policy paths allow fewer characters.
            path_problems = check_iam_name("CreatePolicy", "Path", "path", self.path)
        found += path_problems
        if self.description is not None:
            found += check_iam_name("CreateRole", "Description", "description", self.description)
        found += self._tag_problems()
        if "cloudwatch_logs" in self._features():
            found += check_iam_name("CreatePolicy", "PolicyName", "log_policy_name",
                                    self.log_policy_name)
        found += self._s3_problems()
        if not isinstance(self.extra_policy_arns, tuple):
            found.append(Problem("extra_policy_arns", self.extra_policy_arns,
                                 "must be a list of policy ARNs"))
        else:
            for index, arn in enumerate(self.extra_policy_arns):
                found += (check_policy_arn(f"extra_policy_arns[{index}]", arn)
                          or self._partition_problems(f"extra_policy_arns[{index}]", arn))
        if self.permissions_boundary is not None:
            found += (check_policy_arn("permissions_boundary", self.permissions_boundary)
                      or self._partition_problems("permissions_boundary", self.permissions_boundary))
        if not isinstance(self.cluster_name, str) or not _CLUSTER.fullmatch(self.cluster_name):
            found.append(Problem("cluster_name", self.cluster_name,
                                 "must be 1 to 255 letters, digits, hyphens or underscores "
                                 "(Amazon ECS cluster names)"))
        for name in ("least_privilege", "trunking"):
            if not isinstance(getattr(self, name), bool):
                found.append(Problem(name, getattr(self, name), "must be True or False"))
        if self.trunking is True and self.instance_kind == "external":
            found.append(Problem("trunking", True,
                                 "ENI trunking is for Amazon EC2 instance types; external "
                                 "instances cannot use it"))
        if not isinstance(self.region, str) or self.region not in regions():
            found.append(Problem("region", self.region,
                                 "must be an AWS Region code that botocore's partition data "
                                 "lists, such as 'us-east-1' (check the spelling; a Region newer "
                                 "than this botocore needs an update)"))
        if not found:
            found += self._quota_problems()
        return found

    def _partition_problems(self, field_name: str, arn: str) -> list[Problem]:
        """An ARN must be in the partition of the spec's Region (IAM is per partition)."""
        if not isinstance(self.region, str) or self.region not in regions():
            return []
        partition = arn.split(":")[1]
        if partition == self.partition:
            return []
        return [Problem(field_name, arn, f"is in partition {partition}, but region "
                        f"{self.region} is in partition {self.partition}: use "
                        f"arn:{self.partition}:...")]

    def _tag_problems(self) -> list[Problem]:
        if not isinstance(self.tags, Mapping):
            return [Problem("tags", self.tags, "must be a dict of tag keys to values")]
        found: list[Problem] = []
        tag_shape = _iam_member("CreateRole", "Tags")
        limit = tag_shape.metadata["max"] - 1  # the guide's own tag takes one place
        if len(self.tags) > limit:
            found.append(Problem("tags", f"{len(self.tags)} tags",
                                 f"IAM allows {limit + 1} tags; the guide adds one, so at most {limit}"))
        for key, value in self.tags.items():
            found += check_shape(tag_shape.member.members["Key"], f"tags[{key!r}]", key)
            found += check_shape(tag_shape.member.members["Value"], f"tags[{key!r}]", value)
            if isinstance(key, str) and key.lower().startswith("aws:"):
                found.append(Problem(f"tags[{key!r}]", key, "keys starting with 'aws:' are reserved by AWS"))
            if isinstance(key, str) and key.lower() in (OWNER_TAG[0], ADDED_TAG):
                found.append(Problem(f"tags[{key!r}]", key,
                                     "this key is the guide's own mark of what it created (IAM tag "
                                     "keys ignore case); choose another"))
        seen: dict[str, str] = {}
        for key in self.tags:
            if not isinstance(key, str):
                continue
            if key.lower() in seen and key.lower() not in (OWNER_TAG[0], ADDED_TAG):
                found.append(Problem(f"tags[{key!r}]", key,
                                     f"IAM tag keys ignore case: {seen[key.lower()]!r} and "
                                     f"{key!r} are the same key"))
            seen.setdefault(key.lower(), key)
        return found

    def _s3_problems(self) -> list[Problem]:
        if "s3_config" not in self._features():
            return []
        found: list[Problem] = []
        if self.instance_kind == "external":
            found.append(Problem("features", "s3_config",
                                 "ecs.config is copied by Amazon EC2 user data at launch; external "
                                 "instances (ECS Anywhere) are configured by their install script"))
        if self.config_bucket is None:
            found.append(Problem("config_bucket", None,
                                 "is required with the 's3_config' feature (the private bucket "
                                 "that holds ecs.config)"))
        else:
            found += check_bucket_name("config_bucket", self.config_bucket)
        key = self.config_key
        if not isinstance(key, str) or not 1 <= len(key.encode()) <= 1024 or key.startswith("/"):
            found.append(Problem("config_key", key,
                                 "must be an S3 object key of 1 to 1,024 bytes, not starting with '/'"))
        elif any(ord(c) < 0x20 or c == "\x7f" for c in key):
            # Amazon S3 User Guide, "Naming Amazon S3 objects": ASCII control characters need
            # special handling, and XML end-of-line handling rewrites carriage returns in keys
            # (ListObjects, DeleteObjects); a NUL cannot travel in a shell argument at all.
            found.append(Problem("config_key", key,
                                 "must not hold ASCII control characters (0x00-0x1F, 0x7F): "
                                 "Amazon S3 asks to avoid them in object keys (XML rewrites a "
                                 "carriage return), and no shell argument can carry a NUL"))
        return found

    def _quota_problems(self) -> list[Problem]:
        # Sizes are those of the documents the guide will send, with a 12-digit account.
        account = "123456789012"
        found: list[Problem] = []
        trust = policies.trust_policy(self.instance_kind, self.partition, account, self.region)
        if policies.size(trust) > policies.TRUST_POLICY_QUOTA:
            found.append(Problem("instance_kind", self.instance_kind,
                                 f"the trust policy would be {policies.size(trust)} characters; "
                                 f"IAM allows {policies.TRUST_POLICY_QUOTA}"))
        if "s3_config" in self.features and self.least_privilege:
            inline = policies.config_read_policy(self.partition, self.config_bucket, self.config_key)
            if policies.size(inline) > policies.INLINE_POLICIES_QUOTA:
                found.append(Problem("config_key", self.config_key,
                                     f"the inline policy would be {policies.size(inline)} characters; "
                                     f"IAM allows {policies.INLINE_POLICIES_QUOTA} in all"))
        attached = len(self.managed_policy_names())
        if attached > DEFAULT_ATTACHED_POLICIES_QUOTA:
            found.append(Problem("extra_policy_arns", list(self.extra_policy_arns),
                                 f"the role would hold {attached} managed policies; IAM's default "
                                 f"quota is {DEFAULT_ATTACHED_POLICIES_QUOTA} per role"))
        return found

    def managed_policy_names(self) -> list[str]:
        """Every managed policy the role will hold, as ARNs with ``${ACCOUNT_ID}`` for the account."""
        partition = self.partition
        arns = []
        if self.instance_kind == "external":
            arns.append(policies.managed_policy_arn(partition, policies.SSM_CORE_POLICY))
        arns.append(policies.managed_policy_arn(partition, policies.CONTAINER_INSTANCE_POLICY))
        if "s3_config" in self.features and not self.least_privilege:
            arns.append(policies.managed_policy_arn(partition, policies.S3_READ_ONLY_POLICY))
        if "cloudwatch_logs" in self.features:
            arns.append(f"arn:{partition}:iam::${{ACCOUNT_ID}}:policy{self.path}{self.log_policy_name}")
        arns += [a for a in self.extra_policy_arns if a not in arns]
        return arns
