"""AWS's own rules for the names and values the guide sends, checked before any call.

Names, paths, tags and descriptions are checked against botocore's IAM service
model (lengths and patterns), bucket names against Amazon S3's naming rules and
Regions against botocore's partition data, so the rules are AWS's, not ours.
Every check returns :class:`~ecsrole_lib.errors.Problem` s naming the field.

>>> check_iam_name("CreateRole", "RoleName", "role_name", "my role")[0].field
'role_name'
"""

from __future__ import annotations

import functools
import re

import botocore.exceptions

from .aws.models import botocore_data, service_model
from .errors import Problem
from .i18n.catalog import join, message

__all__ = ["check_bucket_name", "check_iam_name", "check_partition", "check_policy_arn", "check_shape",
           "iam_member", "partition_of", "regions"]

_PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f",
               "aws-eusc")


@functools.cache
def iam_member(operation: str, member: str):
    """The shape of ``member`` in the input of IAM's ``operation``, from botocore's model.

    >>> iam_member("CreateRole", "RoleName").metadata["max"]
    64
    """
    return service_model("iam").operation_model(operation).input_shape.members[member]


@functools.cache
def _compiled(pattern: str):
    # The model's patterns are Java-style: \w means ASCII word characters there,
    # while \p{L} means any Unicode letter; the regex module reads \p{...}. Only such a
    # pattern (a tag's) loads it: a process that never validates a tag saves its import.
    ascii_words = pattern.replace(r"\w", "a-zA-Z0-9_")
    if r"\p{" not in pattern:
        return re.compile(ascii_words)
    import regex

    return regex.compile(ascii_words)


#: What a character class of the model's patterns allows, by message id (the rest are
#: symbols): ``\w`` is ASCII letters and digits, ``\p{L}`` any letter.
_CLASS_WORDS = ((r"\w", ("ascii_letters", "digits")), (r"\p{L}", ("letters",)),
                (r"\p{Z}", ("spaces",)), (r"\p{N}", ("digits",)))
_ONE_CLASS = re.compile(r"^\[(?P<body>[^\]]+)\][+*]$")


def allowed_in_words(pattern: str) -> str | None:
    r"""What a pattern made of one character class allows, in words; None for any other.

    >>> allowed_in_words(r"[\w+=,.@-]+")
    'letters, digits and + = , . @ _ -'
    >>> allowed_in_words(r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+")
    'letters, spaces, digits and _ . : / = + - @'
    >>> allowed_in_words(r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)") is None
    True
    """
    allowed = _allowed(pattern)
    return None if allowed is None else f"{allowed[0]} and {allowed[1]}"


def _allowed(pattern: str):
    """What a one-class pattern allows: the classes (a message) and the symbols; or None."""
    match = _ONE_CLASS.match(pattern)
    if not match:
        return None
    body, words = match.group("body"), []
    for token, ids in _CLASS_WORDS:
        if token in body:
            body = body.replace(token, "")
            words += [message(f"rules.class.{i}") for i in ids]
    # An escaped or a trailing '-' is the character itself; any other '-' makes a range.
    body = body.replace("\\-", "\0")
    if not words or "\\" in body or re.search(r".-.", body):
        return None  # an escape or a range this sentence cannot say
    symbols = list(body.replace("\0", "-"))
    if r"\w" in match.group("body"):
        symbols.insert(-1 if symbols[-1:] == ["-"] else len(symbols), "_")  # \w holds it
    return join(", ", words), " ".join(dict.fromkeys(symbols))


def check_shape(shape, field_name: str, value: str) -> list[Problem]:
    """Problems of ``value`` against a botocore string shape's length and pattern."""
    meta = shape.metadata
    found: list[Problem] = []
    if not isinstance(value, str):
        return [Problem(field_name, value, message("rules.not_string", shape=shape.name))]
    low, high = meta.get("min", 0), meta.get("max")
    if len(value) < low or (high is not None and len(value) > high):
        said = (message("rules.length", low=low, high=high, n=len(value), shape=shape.name)
                if high is not None else
                message("rules.length_min", low=low, n=len(value), shape=shape.name))
        found.append(Problem(field_name, value, said))
    pattern = meta.get("pattern")
    if pattern and value and not _compiled(pattern).fullmatch(value):
        bad = sorted({c for c in value if not _compiled(pattern).fullmatch(c)}) \
            if pattern.startswith("[") else []
        chars = {"chars": " ".join(repr(c) for c in bad)} if bad else {}
        allowed = _allowed(pattern)
        # A learner reads the rule in words; the pattern stays for a pattern the words cannot say.
        rule = (message("rules.only" + "_found" * bool(bad), classes=allowed[0],
                        symbols=allowed[1], shape=shape.name, **chars) if allowed
                else message("rules.pattern" + "_found" * bool(bad), pattern=pattern,
                             shape=shape.name, **chars))
        found.append(Problem(field_name, value, rule))
    return found


def check_iam_name(operation: str, member: str, field_name: str, value: str) -> list[Problem]:
    """Check a value against the IAM API's own rule for ``operation``'s ``member``."""
    return check_shape(iam_member(operation, member), field_name, value)


def check_policy_arn(field_name: str, arn: str) -> list[Problem]:
    """Strict check of an IAM policy ARN, pointing at the first bad part.

    The expected form is ``arn:<partition>:iam::<account id or aws>:policy/<path><name>``.

    >>> check_policy_arn("extra_policy_arns[0]", "arn:aws::iam::aws:policy/AmazonS3ReadOnlyAccess")[0].rule
    "the service (3rd field) must be 'iam', found '' (an extra ':' after the partition? erratum E3)"
    """
    rule_form = "arn:<partition>:iam::<account id or aws>:policy/<path><name>"
    if not isinstance(arn, str):
        return [Problem(field_name, arn, message("rules.arn.not_string", form=rule_form))]
    parts = arn.split(":", 5)
    checks = [
        (len(parts) == 6, message("rules.arn.fields", form=rule_form, n=len(parts))),
    ]
    if len(parts) == 6:
        prefix, partition, service, region, account, resource = parts
        checks += [
            (prefix == "arn", message("rules.arn.prefix", found=prefix)),
            (partition in _PARTITIONS, message("rules.arn.partition", found=partition,
                                               choices=", ".join(_PARTITIONS))),
            (service == "iam", message("rules.arn.service" + "_e3" * (service == ""), found=service)),
            (region == "", message("rules.arn.region" + "_e5" * region.isdigit(), found=region)),
            (account == "aws" or re.fullmatch(r"\d{12}", account) is not None,
             message("rules.arn.account", found=account)),
            (resource.startswith("policy/"),
             message("rules.arn.resource" + "_e5" * resource.startswith("aws:"), found=resource)),
        ]
        if resource.startswith("policy/"):
            path, _, name = resource[len("policy"):].rpartition("/")
            checks.append((bool(name), message("rules.arn.name_empty")))
            if name:
                found = check_iam_name("CreatePolicy", "PolicyName", field_name, name)
                checks += [(False, message("rules.arn.name", name=name, rule=p.rule)) for p in found]
            path = path + "/"
            found = check_iam_name("CreatePolicy", "Path", field_name, path)
            checks += [(False, message("rules.arn.path", path=path, rule=p.rule)) for p in found]
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
        return [Problem(field_name, name, message("rules.bucket.not_string"))]
    rules = [
        (3 <= len(name) <= 63, "length"),
        (re.fullmatch(r"[a-z0-9.-]*", name) is not None, "characters"),
        (re.fullmatch(r"[a-z0-9].*[a-z0-9]|[a-z0-9]", name) is not None, "ends"),
        (".." not in name, "dots"),
        (not _IP_SHAPED.fullmatch(name), "ip"),
        (not name.startswith(("xn--", "sthree-", "amzn-s3-demo-")), "prefix"),
        (not name.endswith(("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")), "suffix"),
    ]
    said = [message(f"rules.bucket.{rule}", **({"n": len(name)} if rule == "length" else {}))
            for ok, rule in rules if not ok]
    return [Problem(field_name, name, rule) for rule in said[:1]]


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


def check_partition(field_name: str, arn: str, region: object) -> list[Problem]:
    """An ARN must be in the partition of the spec's Region (IAM is per partition).

    >>> check_partition("permissions_boundary", "arn:aws:iam::aws:policy/X", "cn-north-1")[0].rule
    'is in partition aws, but region cn-north-1 is in partition aws-cn: use arn:aws-cn:...'
    """
    if not isinstance(region, str) or region not in regions():
        return []
    partition, wanted = arn.split(":")[1], partition_of(region)
    if partition == wanted:
        return []
    return [Problem(field_name, arn, message("rules.arn.other_partition", partition=partition,
                                             region=region, wanted=wanted))]
