"""Issue 17 item 2 and issue 18: IAM's wildcards, matched without backtracking.

IAM knows two wildcards, ``*`` (any run of characters) and ``?`` (one character); every
other character is itself (*IAM JSON policy elements: Resource*, *Action*, *Condition
operators*). In a Resource a wildcard stays inside its colon-separated segment, except a
``*`` that ends its segment, which may match beyond the colons. Under Version 2008-10-17
``${...}`` is plain text, so a ``*`` in it is still a wildcard. The matcher is checked
against a tiny recursive reference written from those words, through the evaluator, the
page's ECR question and the module itself; the hostile pattern of issue 17 goes through a
whole ``doctor()`` in a fresh process that must finish.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ecsrole_lib import policies
from ecsrole_lib.diagnose.access import evaluate

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"
ECS = f"arn:aws:ecs:us-east-1:{ACCOUNT}:"


def reference(pattern: str, value: str, arn: bool = False) -> bool:
    """IAM's wildcards read from the documentation, by plain recursion (small inputs only)."""

    @cache
    def at(i: int, j: int) -> bool:
        if i == len(pattern):
            return j == len(value)
        here = pattern[i]
        if here == "*":
            wide = not arn or i + 1 == len(pattern) or pattern[i + 1] == ":"
            if at(i + 1, j):  # the * matches nothing more
                return True
            return j < len(value) and (wide or value[j] != ":") and at(i, j + 1)
        if j == len(value):
            return False
        if here == "?":
            return (not arn or value[j] != ":") and at(i + 1, j + 1)
        return here == value[j] and at(i + 1, j + 1)

    return at(0, 0)


# Characters a regular expression, fnmatch or a policy variable would read specially.
CHARS = "ab:*?${}[].\\^"
PIECES = st.sampled_from(["a", "b", ":", "*", "?", "$", "{", "}", "[", "]", ".", "[ab]",
                          "${*}", "${?}", "${", "a*", "*?", "**", ".*"])
patterns = st.lists(PIECES, max_size=8).map("".join)


@st.composite
def pattern_and_value(draw) -> tuple[str, str]:
    """A pattern and a value: random, or the pattern with its wildcards filled in (a
    near-miss once in a while), so that matches and misses both come up often."""
    pattern = draw(patterns)
    if draw(st.booleans()):
        return pattern, draw(st.text(CHARS, max_size=12))
    fill = st.text(CHARS, max_size=3)
    value = "".join(draw(fill) if c == "*" else draw(st.text(CHARS, min_size=1, max_size=1))
                    if c == "?" else c for c in pattern)
    if value and draw(st.booleans()):
        cut = draw(st.integers(0, len(value) - 1))
        value = value[:cut] + value[cut + 1:]
    return pattern, value


@settings(max_examples=500, deadline=None)
@given(pattern_and_value(), st.sampled_from(["text", "arn"]))
def test_the_matcher_agrees_with_the_reference(case, style):
    from ecsrole_lib.wildcards import wildcard

    pattern, value = case
    assert wildcard(pattern, style).fullmatch(value) == reference(pattern, value, style == "arn")


@settings(max_examples=400, deadline=None)
@given(pattern_and_value())
def test_a_resource_matches_as_iam_reads_it(case):
    """Version 2008-10-17 (no Version): ``${...}`` is text, its wildcards are wildcards."""
    pattern, value = case
    allowed = evaluate({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                                       "Resource": pattern}]}, "s3:GetObject", value).allowed
    assert allowed == reference(pattern, value, arn=True)


@settings(max_examples=300, deadline=None)
@given(pattern_and_value())
def test_string_like_matches_as_iam_reads_it(case):
    pattern, value = case
    policy = {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                             "Condition": {"StringLike": {"aws:userid": pattern}}}]}
    allowed = evaluate(policy, "s3:GetObject", context={"aws:userid": value}).allowed
    assert allowed == reference(pattern, value)


@settings(max_examples=300, deadline=None)
@given(pattern_and_value())
def test_the_ecr_question_reads_action_wildcards_as_iam_does(case):
    """Action names are case-insensitive; ``[`` is a letter, not fnmatch's set."""
    pattern, name = case
    action = "ecr:" + name.upper()
    document = {"Statement": [{"Effect": "Allow", "Action": "ECR:" + pattern, "Resource": "*"}]}
    granted = policies.allowed_actions(document, (action,))
    assert (action in granted) == reference("ecr:" + pattern.lower(), action.lower())
    allowed = evaluate(document, action).allowed
    assert allowed == reference("ecr:" + pattern.lower(), action.lower())


def test_a_star_inside_dollar_braces_is_a_wildcard_under_2008_10_17():
    """Issue 18: ``arn:aws:s3:::b/${*}`` matches ``arn:aws:s3:::b/${x}`` without Version;
    under 2012-10-17 ``${*}`` is a literal ``*``."""
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/${*}"}
    old = {"Version": "2008-10-17", "Statement": [statement]}
    assert evaluate(old, "s3:GetObject", "arn:aws:s3:::b/${x}").allowed
    assert evaluate(old, "s3:GetObject", "arn:aws:s3:::b/${}").allowed
    assert not evaluate(old, "s3:GetObject", "arn:aws:s3:::b/x").allowed
    new = {"Version": "2012-10-17", "Statement": [statement]}
    assert not evaluate(new, "s3:GetObject", "arn:aws:s3:::b/${x}").allowed
    assert evaluate(new, "s3:GetObject", "arn:aws:s3:::b/*").allowed


# A long cluster name makes the agent's ARNs long: the backtracking grew ~9x per ``*?``.
CLUSTER = "production-web-services-cluster-eu"
_DOCTOR = f"""
import json
from ecsrole_lib import RoleSpec, connect, doctor
diagnosis = doctor(RoleSpec(cluster_name={CLUSTER!r}), connect("sandbox"))
print(json.dumps({{c.name: c.reason for c in diagnosis.failures}}))
"""


def test_doctor_finishes_on_a_hostile_deny(session, iam):
    """Issue 17: a Deny on ``arn:aws:ecs:REGION:ACCOUNT:`` + ``*?`` x 9 + ``X`` made one
    doctor() take minutes. It runs in a fresh process joining the test's sandbox, so that
    the old backtracking fails the test by the timeout instead of hanging it."""
    from ecsrole_lib import RoleSpec, apply

    apply(RoleSpec(cluster_name=CLUSTER), session)
    iam.put_role_policy(RoleName="ecsInstanceRole", PolicyName="guardrail",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                            # Matches none of the agent's ARNs: none ends with X.
                            {"Sid": "Hostile", "Effect": "Deny", "Action": "ecs:*",
                             "Resource": ECS + "*?" * 9 + "X"},
                            # 9+ characters, then /anything: the container instance, not
                            # the cluster (7 characters before the / of cluster/NAME).
                            {"Sid": "NoTelemetry", "Effect": "Deny",
                             "Action": "ecs:StartTelemetrySession",
                             "Resource": ECS + "*?" * 9 + "/*"}]}))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ran = subprocess.run([sys.executable, "-c", _DOCTOR], env=env,
                         capture_output=True, text=True, timeout=90, check=True)
    failures = json.loads(ran.stdout.strip().splitlines()[-1])
    assert list(failures) == ["ecs:StartTelemetrySession"]
    assert "NoTelemetry" in failures["ecs:StartTelemetrySession"]
