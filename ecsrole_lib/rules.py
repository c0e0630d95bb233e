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
import regex

from .aws.client import botocore_data, service_model
from .errors import Problem

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
    # while \p{L} means any Unicode letter; the regex module reads \p{...}.
    return regex.compile(pattern.replace(r"\w", "a-zA-Z0-9_"))


#: What a character class of the model's patterns allows, in words (the rest are symbols).
_CLASS_WORDS = ((r"\w", "letters, digits"), (r"\p{L}", "letters"), (r"\p{Z}", "spaces"),
                (r"\p{N}", "digits"))
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
    match = _ONE_CLASS.match(pattern)
    if not match:
        return None
    body, words = match.group("body"), []
    for token, word in _CLASS_WORDS:
        if token in body:
            body = body.replace(token, "")
            words.append(word)
    # An escaped or a trailing '-' is the character itself; any other '-' makes a range.
    body = body.replace("\\-", "\0")
    if not words or "\\" in body or re.search(r".-.", body):
        return None  # an escape or a range this sentence cannot say
    symbols = list(body.replace("\0", "-"))
    if r"\w" in match.group("body"):
        symbols.insert(-1 if symbols[-1:] == ["-"] else len(symbols), "_")  # \w holds it
    return f"{', '.join(words)} and {' '.join(dict.fromkeys(symbols))}"


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
        words = allowed_in_words(pattern)
        # A learner reads the rule in words; the pattern stays for a pattern the words cannot say.
        rule = (f"may hold only {words} (IAM {shape.name})" if words
                else f"must match IAM's pattern {pattern} ({shape.name})")
        found.append(Problem(field_name, value, rule + which))
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
    return [Problem(field_name, arn, f"is in partition {partition}, but region {region} is in "
                    f"partition {wanted}: use arn:{wanted}:...")]
