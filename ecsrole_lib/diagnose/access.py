"""IAM policy evaluation: would AWS allow this request, and which statement decides?

The guide answers "will an instance holding this role work?" offline, so it evaluates
policy documents itself, following AWS's documented logic (moto has no policy simulator
and enforces nothing):

- *Policy evaluation logic* and *The difference between explicit and implicit denies*:
  an applicable ``Deny`` statement wins over every ``Allow``; with no applicable
  ``Allow`` the request is implicitly denied.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html
- *Permissions boundaries for IAM entities*: an entity may do only what both its
  identity-based policies and its boundary allow; a boundary grants nothing by itself.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
- *IAM JSON policy elements: Resource*: ``*`` and ``?`` inside the colon-separated
  segments of an ARN; a ``*`` that ends a segment may match beyond the colons.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
- *IAM JSON policy elements: Condition operators*: a key missing from the request makes a
  condition false, except for the negated operators (``StringNotEquals``, ``ArnNotLike``,
  ...), ``...IfExists`` (true when missing) and ``Null`` (which tests presence);
  ``ArnLike`` compares the six colon-delimited parts of the ARN one by one.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
- *Conditions with multiple context keys or values*: operators and keys are ANDed, the
  values of one key ORed, and NORed for a negated operator (none of them may match).
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
- *Single-valued vs. multivalued context keys*: ``ForAllValues`` is true when every value
  of the request matches one of the policy's, and also when the key is missing;
  ``ForAnyValue`` when at least one does, and false when the key is missing.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
- *IAM JSON policy elements: Version* and *Variables and tags*: without ``Version`` a
  policy is ``2008-10-17``, where ``${...}`` is plain text; under ``2012-10-17`` it is a
  policy variable.
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html

- *Condition operators*: ``Numeric*`` compare integers and decimals, ``Date*`` ISO 8601
  dates and times (UTC unless they say) and epoch seconds, ``IpAddress``/``NotIpAddress``
  an address with IPv4 and IPv6 CIDR blocks, ``BinaryEquals`` base-64 encoded bytes; each
  with ``...IfExists`` and the set operators, as the string operators.
- *Variables and tags*: under ``2012-10-17`` a ``${key}`` in a Resource (after the fifth
  colon) or a string or ARN condition value is the request's value of ``key`` (names are
  case-insensitive), or the default of ``${key, 'default'}``; a key the request lacks,
  without a default, makes the statement invalid: it does not apply.

What the guide cannot decide it never guesses: a value an operator cannot read (a number
that is not one), a policy variable standing for several values, a key the request
carries whose value the caller cannot know (``unknown=``, e.g. ``aws:SourceIp``: the error
names it in ``depends_on``), and several values for a key without ``ForAllValues``/
``ForAnyValue`` raise :class:`UnsupportedPolicyError` naming the statement, but only when
the answer depends on them (a statement already out of the question by its action,
resource or another condition is decided without them). A document IAM would not accept
(no ``Effect``, an unknown element or operator) raises the same error.

``policies`` may be one document, a list of documents (named ``policy #1``, ``#2``, ... in
``why``), a mapping of policy name to document, or a list of ``(name, document)`` pairs;
a document is a dict or the JSON text IAM returns (URL-encoded or not). Statements are
named by their ``Sid``, else ``statement #N`` (counting from 1).

>>> policy = {"Version": "2012-10-17", "Statement": [
...     {"Sid": "Agent", "Effect": "Allow", "Action": ["ecs:Poll", "ecs:Submit*"], "Resource": "*"},
...     {"Effect": "Allow", "Action": "ecs:TagResource", "Resource": "*",
...      "Condition": {"StringEquals": {"ecs:CreateAction": "RegisterContainerInstance"}}}]}
>>> evaluate({"agent": policy}, "ECS:submittaskstatechange").why
'allowed by agent, Agent'
>>> print(evaluate([policy], "ecs:TagResource"))
implicit_deny: ecs:TagResource on *: no statement allows it (policy #1, statement #2 \
matches but its condition is not met: StringEquals ecs:CreateAction)
>>> evaluate([policy], "ecs:TagResource",
...          context={"ecs:CreateAction": "RegisterContainerInstance"}).allowed
True
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import operator as _op
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from ..errors import UnsupportedPolicyError
from ..i18n.catalog import Message, join, message
from ..policies import parse
from ..wildcards import Wildcard, parts

__all__ = ["Decision", "UnsupportedPolicyError", "evaluate", "statement_label", "trusts"]

Kind = Literal["allow", "explicit_deny", "implicit_deny"]

_VERSIONS = ("2012-10-17", "2008-10-17")
_STATEMENT_KEYS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
                   "Principal", "NotPrincipal", "Condition"}

#: Condition operators evaluated here: name -> (how values compare, negated).
_OPERATORS: dict[str, tuple[str, bool]] = {
    "StringEquals": ("equals", False),
    "StringNotEquals": ("equals", True),
    "StringEqualsIgnoreCase": ("equals_ignore_case", False),
    "StringNotEqualsIgnoreCase": ("equals_ignore_case", True),
    "StringLike": ("like", False),
    "StringNotLike": ("like", True),
    "ArnEquals": ("arn", False),
    "ArnLike": ("arn", False),
    "ArnNotEquals": ("arn", True),
    "ArnNotLike": ("arn", True),
    "Bool": ("bool", False),
    "NumericEquals": ("numeric ==", False),
    "NumericNotEquals": ("numeric ==", True),
    "NumericLessThan": ("numeric <", False),
    "NumericLessThanEquals": ("numeric <=", False),
    "NumericGreaterThan": ("numeric >", False),
    "NumericGreaterThanEquals": ("numeric >=", False),
    "DateEquals": ("date ==", False),
    "DateNotEquals": ("date ==", True),
    "DateLessThan": ("date <", False),
    "DateLessThanEquals": ("date <=", False),
    "DateGreaterThan": ("date >", False),
    "DateGreaterThanEquals": ("date >=", False),
    "IpAddress": ("ip", False),
    "NotIpAddress": ("ip", True),
    "BinaryEquals": ("binary", False),
}
#: Operators whose values may hold policy variables (string, ARN and Boolean operators,
#: *Condition operators*: not Numeric, Date, Binary, IP address or Null).
_VARIABLE_COMPARES = ("equals", "equals_ignore_case", "like", "arn", "bool")
_SET_OPERATORS = ("ForAllValues", "ForAnyValue")
# The policy types as AWS's AccessDenied messages name them.
_IDENTITY, _BOUNDARY, _RESOURCE_BASED = (
    "identity-based policy", "permissions boundary", "resource-based policy")


@dataclass(frozen=True)
class Decision:
    """AWS's answer to one request, and why.

    Attributes
    ----------
    kind
        ``"allow"``, ``"explicit_deny"`` or ``"implicit_deny"``.
    action, resource
        The request decided.
    why
        Which policy and statement decided, in words.
    statements
        Labels (``policy, Sid`` or ``policy, statement #N``) of the statements that decided:
        the applicable Deny statements, or the Allow statements; empty for an implicit deny.
    unmet
        Statements that match the action and resource but whose condition is not met
        (they do not apply; they are not a deny), as ``label: operator key``.
    principal
        For a trust policy (:func:`trusts`): the principal asking to assume the role.
    policy_type
        For a deny: which kind of policy denied (``"identity-based policy"``,
        ``"permissions boundary"``, ``"resource-based policy"``), as AWS's message names it.
    """

    kind: Kind
    action: str
    resource: str
    why: str
    statements: tuple[str, ...] = ()
    unmet: tuple[str, ...] = ()
    principal: str | None = None
    policy_type: str | None = None

    @property
    def allowed(self) -> bool:
        """Whether AWS allows the request."""
        return self.kind == "allow"

    def access_denied(self, principal: str) -> str | None:
        """The AccessDenied message AWS gives ``principal`` for this request, or None when
        it is allowed, in the wording of *Access denied error messages*
        (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).

        >>> d = evaluate([], "ecs:Poll", "arn:aws:ecs:us-east-1:111122223333:cluster/prod")
        >>> print(d.access_denied("arn:aws:sts::111122223333:assumed-role/ecsInstanceRole/i-0abc"))
        User: arn:aws:sts::111122223333:assumed-role/ecsInstanceRole/i-0abc is not authorized \
to perform: ecs:Poll on resource: arn:aws:ecs:us-east-1:111122223333:cluster/prod because no \
identity-based policy allows the ecs:Poll action
        """
        if self.allowed:
            return None
        policy_type = self.policy_type or _IDENTITY
        if self.kind == "explicit_deny":
            article = "an" if policy_type[0] in "aeiou" else "a"
            reason = f"with an explicit deny in {article} {policy_type}"
        else:
            reason = f"because no {policy_type} allows the {self.action} action"
        return (f"User: {principal} is not authorized to perform: {self.action} on resource: "
                f"{self.resource} {reason}")

    def __str__(self) -> str:
        target = f"by {self.principal}" if self.principal else f"on {self.resource}"
        return f"{self.kind}: {self.action} {target}: {self.why}"


# ---------------------------------------------------------------------------------------
# Parsing


class _Undecidable(Exception):
    """Internal: this statement's answer depends on something the guide does not evaluate,
    or on the value of a request key the guide cannot know (``keys``)."""

    def __init__(self, message: str, keys: tuple[str, ...] = ()):
        super().__init__(message)
        self.keys = keys


class _NoValue(Exception):
    """Internal: a policy variable names a key the request does not have, and gives no
    default: *Variables and tags* says "any attempt to match it fails and causes the
    statement to be invalid", so the statement does not apply."""


def _malformed(label: str, rule: str) -> UnsupportedPolicyError:
    return UnsupportedPolicyError(f"{label}: {rule}; IAM would not accept this document")


@dataclass(frozen=True)
class _Statement:
    label: str
    effect: str
    version: str
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    principal: Any
    not_principal: Any
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...]


def _strings(label: str, element: str, value: Any) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) for v in values):
        raise _malformed(label, f"{element} must be a string or a non-empty list of strings")
    return tuple(values)


def _condition_value(value: Any) -> str:
    # JSON lets a policy write true or 5 where IAM compares the text "true" or "5".
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    raise UnsupportedPolicyError(f"condition value {value!r} is neither text, a number nor a bool")


def _conditions(label: str, block: Any) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    if block in (None, {}):
        return ()
    if not isinstance(block, dict):
        raise _malformed(label, "Condition must be an object of operator -> {key: values}")
    out = []
    for operator, pairs in block.items():
        _split_operator(label, operator)  # unknown operator names fail here, eagerly
        if not isinstance(pairs, dict) or not pairs:
            raise _malformed(label, f"Condition {operator} must map condition keys to values")
        for key, values in pairs.items():
            values = values if isinstance(values, list) else [values]
            out.append((operator, key, tuple(_condition_value(v) for v in values)))
    return tuple(out)


def _statements(name: str, document: Any, *, resource_based: bool) -> list[_Statement]:
    try:
        doc = parse(document)
    except ValueError as err:
        raise UnsupportedPolicyError(f"{name}: not a JSON policy document ({err})") from err
    if not isinstance(doc, dict):
        raise _malformed(name, "a policy document is a JSON object")
    unknown = set(doc) - {"Version", "Id", "Statement"}
    if unknown:
        raise _malformed(name, f"unknown top-level element(s) {sorted(unknown)}")
    version = doc.get("Version", "2008-10-17")  # IAM's default when Version is absent
    if version not in _VERSIONS:
        raise _malformed(name, f"Version {version!r} is not one of {list(_VERSIONS)}")
    raw = doc.get("Statement")
    if raw is None:
        raise _malformed(name, "no Statement")
    raw = [raw] if isinstance(raw, dict) else raw
    out = []
    for index, statement in enumerate(raw, start=1):
        if not isinstance(statement, dict):
            raise _malformed(f"{name}, statement #{index}", "a statement is a JSON object")
        label = f"{name}, {statement['Sid']}" if statement.get("Sid") else f"{name}, statement #{index}"
        unknown = set(statement) - _STATEMENT_KEYS
        if unknown:
            raise _malformed(label, f"unknown element(s) {sorted(unknown)}")
        effect = statement.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise _malformed(label, f"Effect must be Allow or Deny, not {effect!r}")
        if ("Action" in statement) == ("NotAction" in statement):
            raise _malformed(label, "exactly one of Action and NotAction is required")
        has_resource = "Resource" in statement or "NotResource" in statement
        has_principal = "Principal" in statement or "NotPrincipal" in statement
        if resource_based:
            if ("Principal" in statement) == ("NotPrincipal" in statement):
                raise _malformed(label, "a trust policy statement needs exactly one of "
                                        "Principal and NotPrincipal")
            if has_resource:
                raise _malformed(label, "a trust policy names no Resource (the role is the resource)")
        else:
            if has_principal:
                raise _malformed(label, "an identity-based policy names no Principal")
            if ("Resource" in statement) == ("NotResource" in statement):
                raise _malformed(label, "exactly one of Resource and NotResource is required")
        actions = {k: _strings(label, k, statement[k]) for k in ("Action", "NotAction")
                   if k in statement}
        for pattern in (p for ps in actions.values() for p in ps):
            if pattern != "*" and ":" not in pattern:
                raise _malformed(label, f"action {pattern!r} is not service:action")
        resources = {k: _strings(label, k, statement[k]) for k in ("Resource", "NotResource")
                     if k in statement}
        out.append(_Statement(
            label=label, effect=effect, version=version,
            actions=actions.get("Action"), not_actions=actions.get("NotAction"),
            resources=resources.get("Resource"), not_resources=resources.get("NotResource"),
            principal=statement.get("Principal"), not_principal=statement.get("NotPrincipal"),
            conditions=_conditions(label, statement.get("Condition"))))
    return out


def _is_document(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, Mapping)
                                      and ("Statement" in value or "Version" in value))


def _named(policies: Any) -> list[tuple[str, Any]]:
    """The policies as ``(name, document)`` pairs, whatever shape they came in."""
    if policies is None:
        return []
    if _is_document(policies):
        return [("policy #1", policies)]
    if isinstance(policies, Mapping):
        return [(str(name), doc) for name, doc in policies.items()]
    out = []
    for index, item in enumerate(policies, start=1):
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
            out.append(item)
        else:
            out.append((f"policy #{index}", item))
    return out


# ---------------------------------------------------------------------------------------
# Matching

_SPECIAL_VARIABLES = {"${*}": "*", "${?}": "?", "${$}": "$"}
_TOKENS = re.compile(r"\$\{[^}]*\}|\*|\?|[^*?$]+|\$")


def _tokens(pattern: str, version: str, where: str) -> list[str]:
    """``pattern`` as literal pieces and wildcards (``"\\0*"``, ``"\\0?"``); policy
    variables resolved (``${*}`` is a literal ``*``) or refused."""
    out = []
    for token in _TOKENS.findall(pattern):
        if token in ("*", "?"):
            out.append("\0" + token)
        elif token.startswith("${") and version == "2012-10-17":
            if token not in _SPECIAL_VARIABLES:
                raise _Undecidable(f"policy variable {token} in {where} is not supported "
                                   "(the guide does not know the request's value)")
            out.append(_SPECIAL_VARIABLES[token])
        elif token.startswith("${"):
            # Under 2008-10-17 ``${...}`` is plain text, and a ``*`` or ``?`` in it a wildcard.
            out.extend(parts(token))
        else:
            out.append(token)
    return out


@lru_cache(maxsize=4096)
def _glob(pattern: str, version: str, where: str, style: str) -> Wildcard:
    """An IAM wildcard pattern, compiled for :meth:`~.wildcards.Wildcard.fullmatch`.

    ``style`` is ``"text"`` (``*`` any run, ``?`` one character) or ``"arn"`` (a Resource
    element: wildcards stay inside a colon-separated segment, except a ``*`` that ends its
    segment, which may match beyond the colons). Matching takes time linear in the pattern
    and the value (no backtracking); characters are compared exactly, so for action names
    the caller lowercases both (``_any_match(..., ignore_case=True)``).
    """
    return Wildcard(_tokens(pattern, version, where), style)


def _any_match(patterns: Iterable[str], value: str, version: str, where: str, style: str,
               ignore_case: bool = False) -> bool:
    """Whether one of ``patterns`` matches ``value``; undecidable only if none matches and
    some pattern could not be read."""
    undecided: _Undecidable | None = None
    for pattern in patterns:
        try:
            if ignore_case:
                if _glob(pattern.lower(), version, where, style).fullmatch(value.lower()):
                    return True
            elif _glob(pattern, version, where, style).fullmatch(value):
                return True
        except _Undecidable as err:
            undecided = err
    if undecided:
        raise undecided
    return False


def _action_matches(statement: _Statement, action: str) -> bool:
    # Action names are case-insensitive; they never hold policy variables.
    if statement.actions is not None:
        return _any_match(statement.actions, action, "2008-10-17", "Action", "text", True)
    return not _any_match(statement.not_actions or (), action, "2008-10-17", "NotAction",
                          "text", True)


def _resource_matches(statement: _Statement, resource: str, request: _Request | None = None
                      ) -> bool:
    request = request or _Request({})
    if statement.resources is not None:
        where = f"Resource of {statement.label}"
        return _any_match([_resource_pattern(p, statement.version, request, where)
                           for p in statement.resources], resource, statement.version, where, "arn")
    where = f"NotResource of {statement.label}"
    return not _any_match([_resource_pattern(p, statement.version, request, where)
                           for p in statement.not_resources or ()], resource, statement.version,
                          where, "arn")


# ---------------------------------------------------------------------------------------
# The request, and policy variables


@dataclass(frozen=True)
class _Request:
    """The request's condition keys (lower-cased names), and the keys it carries whose value
    the guide cannot know (``unknown``: names, or prefixes ending in ``/*``)."""

    values: Mapping[str, Any]
    unknown: tuple[str, ...] = ()

    def get(self, key: str, where: str) -> list[str] | None:
        """The request's values of ``key``; None when it has none; undecidable when the
        request carries ``key`` but the guide cannot know its value."""
        name = key.lower()
        value = self.values.get(name)
        if value is None and any(name == u or (u.endswith("/*") and name.startswith(u[:-1]))
                                 for u in self.unknown):
            raise _Undecidable(f"{where}: depends on {key}, which the request carries but the "
                               "guide cannot know", (key,))
        if value is None:
            return None
        values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        return [v if isinstance(v, bytes) else _condition_value(v) for v in values] or None


#: ``${key}`` or ``${key, 'default'}`` (*Variables and tags*, Specifying default values: the
#: default in single quotes after a comma and a space; a quote inside it doubled).
_VARIABLE = re.compile(r"\$\{\s*([^\s,'{}][^,'{}]*?)\s*(?:,\s*'((?:[^']|'')*)'\s*)?\}")
#: A resolved value is text: its wildcard characters become the special variables.
_LITERAL = {"*": "${*}", "?": "${?}", "$": "${$}"}


def _resolve(pattern: str, version: str, request: _Request, where: str) -> str:
    """``pattern`` with its policy variables replaced by the request's values (2012-10-17
    only: under 2008-10-17 ``${...}`` is text). A key without a value and without a default
    makes the statement invalid (:class:`_NoValue`); a key of several values is undecided.

    >>> _resolve("home/${aws:username, 'anon'}/*", "2012-10-17", _Request({}), "x")
    'home/anon/*'
    """
    if version != "2012-10-17" or "${" not in pattern:
        return pattern

    def value(match: re.Match) -> str:
        key, default = match.group(1), match.group(2)
        if key in _LITERAL:  # ${*}, ${?}, ${$}: the matcher's own
            return match.group(0)
        values = request.get(key, where)
        if values is None and default is None:
            raise _NoValue(f"policy variable ${{{key}}} has no value in the request")
        if values is not None and len(values) > 1:
            raise _Undecidable(f"{where}: policy variable ${{{key}}} stands for {len(values)} "
                               "values; IAM documents no substitution of several", (key,))
        text = default.replace("''", "'") if values is None else str(values[0])
        return "".join(_LITERAL.get(c, c) for c in text)

    return _VARIABLE.sub(value, pattern)


def _resource_pattern(pattern: str, version: str, request: _Request, where: str) -> str:
    # *Variables and tags*: in a Resource, a variable only in the part after the fifth colon.
    parts = pattern.split(":", 5)
    if len(parts) < 6:
        return pattern  # not an ARN: a variable in it is left to the matcher, which refuses it
    head = ":".join(parts[:5])
    if version == "2012-10-17" and _VARIABLE.search(head + ":"):
        raise _Undecidable(f"{where}: {pattern!r} has a policy variable before the fifth colon, "
                           "where IAM documents none (Variables and tags: only in the resource "
                           "portion of the ARN); the guide does not guess")
    return ":".join([head, _resolve(parts[5], version, request, where)])


def _split_operator(label: str, operator: str) -> tuple[str | None, str, bool]:
    """``ForAnyValue:StringLikeIfExists`` -> ``("ForAnyValue", "StringLike", True)``."""
    qualifier, _, base = operator.rpartition(":")
    if qualifier and qualifier not in _SET_OPERATORS:
        raise _malformed(label, f"unknown set operator {qualifier!r} in {operator!r}")
    if_exists = base.endswith("IfExists") and base != "IfExists"
    if if_exists:
        base = base[: -len("IfExists")]
    if base == "Null" and (if_exists or qualifier):
        raise _malformed(label, f"{operator!r}: Null takes neither IfExists nor a set operator")
    if base not in _OPERATORS and base != "Null":
        raise _malformed(label, f"unknown condition operator {operator!r}")
    return (qualifier or None), base, if_exists


def _arn_like(pattern: str, value: str, version: str, where: str) -> bool:
    # ArnLike/ArnEquals: the six colon-delimited parts compared one by one, with wildcards.
    pattern_parts = pattern.split(":", 5)
    if len(pattern_parts) < 6:
        raise _Undecidable(f"{where}: {pattern!r} is not an ARN of six parts; the guide does "
                           "not guess how IAM compares it")
    value_parts = value.split(":", 5)
    if len(value_parts) < 6:
        return False
    return all(_glob(p, version, where, "text").fullmatch(v)
               for p, v in zip(pattern_parts, value_parts, strict=True))


def _value_matches(compare: str, policy_values: tuple[str, ...], value: Any, version: str,
                   where: str, request: _Request | None = None) -> bool:
    """Whether the request's ``value`` matches one of the policy's values (ORed)."""
    undecided: _Undecidable | None = None
    for expected in policy_values:
        try:
            if compare in _VARIABLE_COMPARES:
                expected = _resolve(expected, version, request or _Request({}), where)
            hit = _compare(compare, expected, value, version, where)
        except _Undecidable as err:
            undecided = err
            continue
        if hit:
            return True
    if undecided:
        raise undecided
    return False


_ORDER = {"==": _op.eq, "<": _op.lt, "<=": _op.le, ">": _op.gt, ">=": _op.ge}


def _compare(compare: str, expected: str, value: Any, version: str, where: str) -> bool:
    """One policy value against one request value, as the operator family compares them."""
    if isinstance(value, bytes) and compare != "binary":
        value = value.decode("utf-8", "replace")
    if compare == "equals":
        return _literal(expected, version, where) == value
    if compare == "equals_ignore_case":
        return _literal(expected, version, where).lower() == value.lower()
    if compare == "like":
        return bool(_glob(expected, version, where, "text").fullmatch(value))
    if compare == "arn":
        return _arn_like(expected, value, version, where)
    if compare == "bool":
        return _literal(expected, version, where).lower() == value.lower()
    family, _, order = compare.partition(" ")
    if family == "numeric":
        return _ORDER[order](_number(value, where, "request"), _number(expected, where, "policy"))
    if family == "date":
        return _ORDER[order](_date(value, where, "request"), _date(expected, where, "policy"))
    if compare == "ip":
        return _address(value, where) in _network(expected, where)
    return _binary(value, where, "request") == _binary(expected, where, "policy")


_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def _number(text: str, where: str, whose: str) -> Decimal:
    # Numeric condition operators: an integer or a decimal value, nothing else.
    if not _DECIMAL.fullmatch(text.strip()):
        raise _Undecidable(f"{where}: the {whose}'s value {text!r} is not an integer or decimal "
                           "number, which the Numeric operators compare")
    return Decimal(text.strip())


def _date(text: str, where: str, whose: str) -> datetime:
    """A date of a Date operator: ISO 8601 (a date, or a date and time; UTC unless it says)
    or epoch (Unix) seconds, the two forms *Condition operators* names."""
    text = text.strip()
    try:
        if re.fullmatch(r"[+-]?\d+(?:\.\d+)?", text):
            return datetime.fromtimestamp(float(text), tz=UTC)
        found = datetime.fromisoformat(text)
    except (ValueError, OverflowError, OSError) as err:
        raise _Undecidable(f"{where}: the {whose}'s value {text!r} is neither an ISO 8601 date "
                           "nor epoch seconds") from err
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _network(text: str, where: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    # IP address condition operators: a CIDR block (IPv4 or IPv6); an address is its /32, /128.
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError as err:
        raise _Undecidable(f"{where}: {text!r} is not an IPv4 or IPv6 CIDR block") from err


def _address(text: str, where: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError as err:
        raise _Undecidable(f"{where}: the request's value {text!r} is not an IP address") from err


def _binary(value: Any, where: str, whose: str) -> bytes:
    # BinaryEquals: the policy gives the bytes base-64 encoded; a request's text is too.
    if isinstance(value, bytes):
        return value
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as err:
        raise _Undecidable(f"{where}: the {whose}'s value {value!r} is not base-64") from err


def _literal(expected: str, version: str, where: str) -> str:
    # Without wildcards, a policy value is text once its variables are resolved.
    return "".join(t.removeprefix("\0") for t in _tokens(expected, version, where))


def _condition_holds(statement: _Statement, operator: str, key: str,
                     policy_values: tuple[str, ...], request: _Request) -> bool:
    qualifier, base, if_exists = _split_operator(statement.label, operator)
    where = f"{statement.label} ({operator} {key})"
    values = request.get(key, where)
    if base == "Null":
        wanted = {v.lower() for v in policy_values}
        if not wanted <= {"true", "false"}:
            raise _malformed(statement.label, f"Null takes true or false, not {policy_values}")
        return ("true" in wanted and values is None) or ("false" in wanted and values is not None)
    compare, negated = _OPERATORS[base]
    if compare in _VARIABLE_COMPARES:  # a variable without a value voids the statement
        policy_values = tuple(_resolved(v, statement.version, request, where)
                              for v in policy_values)
    if values is None:
        if qualifier == "ForAllValues" or if_exists:
            return True
        if qualifier == "ForAnyValue":
            return False
        return negated
    if qualifier is None and len(values) > 1:
        raise _Undecidable(f"{where}: the request gives {len(values)} values for {key} but the "
                           "operator has no ForAllValues:/ForAnyValue:, which the guide does "
                           "not guess at")

    def one(value: Any) -> bool:
        hit = _value_matches(compare, policy_values, value, statement.version, where, request)
        return not hit if negated else hit

    if qualifier == "ForAllValues":
        return all(one(v) for v in values)
    if qualifier == "ForAnyValue":
        return any(one(v) for v in values)
    return one(values[0])


def _resolved(value: str, version: str, request: _Request, where: str) -> str:
    """``value`` resolved, or as it is when that is undecided (the comparison says so, and
    only if no other value decides); a variable without a value raises :class:`_NoValue`."""
    try:
        return _resolve(value, version, request, where)
    except _Undecidable:
        return value


def _unmet_condition(statement: _Statement, request: _Request) -> str | None:
    """The first condition of ``statement`` that is not met (``operator key``), or None when
    all are; undecidable only when no decidable condition fails."""
    undecided: _Undecidable | None = None
    for operator, key, values in statement.conditions:
        try:
            if not _condition_holds(statement, operator, key, values, request):
                return f"{operator} {key}"
        except _Undecidable as err:
            undecided = undecided or err
    if undecided:
        raise undecided
    return None


# ---------------------------------------------------------------------------------------
# Deciding


@dataclass
class _Tally:
    """What the statements of one set of policies say about a request."""

    allow: list[str]
    deny: list[str]
    unmet: list[str]
    undecided_allow: list[str]
    undecided_deny: list[str]
    #: The request keys whose unknown values left a statement undecided.
    depends_on: list[str] = field(default_factory=list)


def _tally(statements: list[_Statement], matches_target, action: str,
           request: _Request) -> _Tally:
    tally = _Tally([], [], [], [], [])
    for statement in statements:
        try:
            if not _action_matches(statement, action) or not matches_target(statement):
                continue
            unmet = _unmet_condition(statement, request)
        except _Undecidable as err:
            bucket = tally.undecided_deny if statement.effect == "Deny" else tally.undecided_allow
            bucket.append(str(err))
            tally.depends_on += [k for k in err.keys if k not in tally.depends_on]
            continue
        except _NoValue as err:  # the statement is invalid for this request: it does not apply
            tally.unmet.append(f"{statement.label}: {err}")
            continue
        if unmet:
            tally.unmet.append(f"{statement.label}: {unmet}")
        elif statement.effect == "Deny":
            tally.deny.append(statement.label)
        else:
            tally.allow.append(statement.label)
    return tally


def _context(context: Mapping[str, Any] | None) -> dict[str, Any]:
    # Condition key names are not case-sensitive.
    return {str(k).lower(): v for k, v in (context or {}).items()}


def _undecidable(action: str, resource: str, reasons: list[str],
                 tallies: list[tuple[str, _Tally]]) -> UnsupportedPolicyError:
    keys = tuple(dict.fromkeys(k for _, t in tallies for k in t.depends_on))
    depends = f" (depends on {', '.join(keys)})" if keys else ""
    err = UnsupportedPolicyError(
        f"cannot decide {action} on {resource}{depends}: " + "; ".join(dict.fromkeys(reasons)))
    err.depends_on = keys  # the request keys the answer depends on, for "depends on" rows
    return err


def _unmet_note(unmet: list[str]) -> Message | str:
    """The statements that match but whose condition is not met, as ``" (...)"``."""
    if not unmet:
        return ""
    notes = [message("access.unmet", label=statement_label(u.split(": ", 1)[0]),
                     condition=u.split(": ", 1)[1]) if ": " in u else u for u in unmet]
    return message("access.unmet_note", notes=join(", ", notes))


def _labels(labels) -> Message:
    """Statement labels joined by ``"; "``, each to be shown in the reader's language."""
    return join("; ", [statement_label(label) for label in labels])


def statement_label(label: str) -> Message | str:
    """A statement's label (``policy, Sid`` or ``policy, statement #N``) as a message.

    >>> from ecsrole_lib.i18n.catalog import render
    >>> render(statement_label("inline policy guard, statement #2"), "ko")
    '인라인 정책 guard의 문 #2'
    """
    if ", " not in label:
        return label
    policy, which = label.rsplit(", ", 1)
    if which.startswith("statement #"):
        return message("access.statement_n", policy=policy, n=which.removeprefix("statement #"))
    return message("access.statement_sid", policy=policy, sid=which)


def _decide(tallies: list[tuple[str, _Tally]], action: str, resource: str) -> Decision:
    unmet = tuple(u for _, t in tallies for u in t.unmet)
    denies = [d for _, t in tallies for d in t.deny]
    if denies:
        denying = next(scope for scope, t in tallies if t.deny)
        return Decision("explicit_deny", action, resource,
                        message("access.explicit_deny", by=_labels(denies)), tuple(denies), unmet,
                        policy_type=denying)
    undecided_deny = [r for _, t in tallies for r in t.undecided_deny]
    if undecided_deny:
        raise _undecidable(action, resource, undecided_deny, tallies)
    # Every set of policies (the identity-based ones, then the boundary) must allow it.
    for scope, tally in tallies:
        if not tally.allow and not tally.undecided_allow:
            what = message("access.no_statement", unmet=_unmet_note(tally.unmet))
            if scope == _BOUNDARY:
                granted = _labels(tallies[0][1].allow)
                what = message("access.boundary_only" if granted else "access.boundary",
                               only=granted, unmet=_unmet_note(tally.unmet))
            return Decision("implicit_deny", action, resource, what, (), unmet, policy_type=scope)
    undecided = [r for _, t in tallies if not t.allow for r in t.undecided_allow]
    if undecided:
        raise _undecidable(action, resource, undecided, tallies)
    allows = tuple(a for _, t in tallies for a in t.allow)
    return Decision("allow", action, resource, message("access.allowed", by=_labels(allows)),
                    allows, unmet)


def evaluate(policies: Any, action: str, resource: str = "*",
             context: Mapping[str, Any] | None = None, boundary: Any = None,
             unknown: Iterable[str] = ()) -> Decision:
    """Whether a principal holding ``policies`` may perform ``action`` on ``resource``.

    Parameters
    ----------
    policies
        The principal's identity-based policies: one document, a list of documents, a
        mapping of name to document, or a list of ``(name, document)`` pairs.
    action
        ``service:Action``, e.g. ``"ecs:Poll"`` (case does not matter).
    resource
        The resource ARN the request names (case matters), ``"*"`` when it names none.
    context
        The request's condition keys: key -> value or list of values (``True`` and
        numbers are compared as IAM does, as text).
    boundary
        The permissions boundary document (or ``(name, document)``), or None.
    unknown
        Keys the request carries whose values the caller cannot know (``aws:SourceIp``; a
        prefix ending in ``/*`` stands for every key under it): a statement whose answer
        depends on one is undecided, and the error names the key (``depends_on``).

    Returns
    -------
    Decision

    Raises
    ------
    UnsupportedPolicyError
        When the answer depends on something the guide does not evaluate, or a document is
        not one IAM would accept.

    >>> allow = {"Statement": {"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}}
    >>> evaluate([allow], "ecs:Poll").kind
    'allow'
    >>> evaluate([allow], "ecs:Poll", boundary={"Statement": {
    ...     "Effect": "Allow", "Action": "s3:*", "Resource": "*"}}).why
    'the permissions boundary does not allow it (only policy #1, statement #1 does)'
    """
    request = _Request(_context(context), tuple(u.lower() for u in unknown))
    tallies = []
    statements = [s for name, doc in _named(policies)
                  for s in _statements(name, doc, resource_based=False)]
    tallies.append((_IDENTITY, _tally(statements,
                                       lambda s: _resource_matches(s, resource, request),
                                       action, request)))
    if boundary is not None:
        name, doc = (boundary if isinstance(boundary, tuple)
                     else ("permissions boundary", boundary))
        tallies.append((_BOUNDARY, _tally(_statements(name, doc, resource_based=False),
                                           lambda s: _resource_matches(s, resource, request),
                                           action, request)))
    return _decide(tallies, action, resource)


def _principal_matches(statement: _Statement, element: Any, service: str | None,
                       aws: str | None) -> bool:
    if element == "*":
        return True
    if not isinstance(element, dict):
        raise _malformed(statement.label, "Principal is \"*\" or an object of type -> values")
    for kind, values in element.items():
        values = values if isinstance(values, list) else [values]
        if kind == "Service" and service is not None and service in values:
            return True
        if kind == "AWS":
            if "*" in values:
                if aws is not None:
                    return True
                raise _Undecidable(f"{statement.label}: whether {{\"AWS\": \"*\"}} takes in the "
                                   f"service principal {service} is not decided by the guide")
            if aws is not None and _aws_principal_matches(values, aws):
                return True
        if kind not in ("Service", "AWS", "Federated", "CanonicalUser"):
            raise _malformed(statement.label, f"unknown principal type {kind!r}")
    return False


def _aws_principal_matches(values: list[str], arn: str) -> bool:
    account = arn.split(":")[4] if arn.count(":") >= 5 else arn
    partition = arn.split(":")[1] if arn.count(":") >= 5 else "aws"
    # An account (its ID or its root ARN) stands for every principal the account allows.
    return any(v in (arn, account, f"arn:{partition}:iam::{account}:root") for v in values)


def trusts(trust_policy: Any, service: str | None = None, action: str = "sts:AssumeRole",
           context: Mapping[str, Any] | None = None, *, aws: str | None = None) -> Decision:
    """Whether a role's trust policy lets a principal assume the role.

    The trust policy is a resource-based policy: ``Principal``/``NotPrincipal`` name who may
    call, an applicable Deny wins, and with no applicable Allow the call is implicitly denied.

    Parameters
    ----------
    trust_policy
        The role's ``AssumeRolePolicyDocument`` (dict or JSON text).
    service
        A service principal, e.g. ``"ec2.amazonaws.com"`` or ``"ssm.amazonaws.com"``.
    action
        ``"sts:AssumeRole"`` unless another STS action is asked about.
    context
        Condition keys of the request, e.g. ``{"aws:SourceAccount": "111122223333"}``.
    aws
        Instead of ``service``: the ARN of an IAM principal.

    >>> from ecsrole_lib.policies import trust_policy
    >>> trusts(trust_policy("ec2"), service="ec2.amazonaws.com").allowed
    True
    >>> print(trusts(trust_policy("ec2"), service="ecs.amazonaws.com"))
    implicit_deny: sts:AssumeRole by ecs.amazonaws.com: no statement allows it
    """
    if (service is None) == (aws is None):
        raise ValueError("give exactly one of service= and aws=")
    statements = _statements("trust policy", trust_policy, resource_based=True)

    def principal(statement: _Statement) -> bool:
        if statement.principal is not None:
            return _principal_matches(statement, statement.principal, service, aws)
        return not _principal_matches(statement, statement.not_principal, service, aws)

    decision = _decide([(_RESOURCE_BASED, _tally(statements, principal, action,
                                                  _Request(_context(context))))], action, "*")
    return replace(decision, principal=service or aws)
