"""Issue 18.1: the share of generated policies :func:`ecsrole_lib.diagnose.access.evaluate` decides.

Policies are generated at random (seeded) within IAM's grammar: one to three identity
policies of one to four statements and, one time in three, a permissions boundary; Action
or NotAction, Resource or NotResource (with policy variables under ``2012-10-17``, as text
under ``2008-10-17``), and conditions of every operator family (String, Arn, Bool, Null,
Numeric, Date in ISO 8601 and epoch forms, IpAddress/NotIpAddress over IPv4 and IPv6,
BinaryEquals), with ``...IfExists`` and the set operators. Each is asked one of the
agent's calls with a request context that gives every key it names a value, most of them
one value (the documented rules decide those), some several (``aws:TagKeys``, or a
single-valued operator given two values, which the documentation leaves open).

A case is *decided* when ``evaluate`` answers; *undecided* when it raises
:class:`~ecsrole_lib.errors.UnsupportedPolicyError`, counted by its reason. Nothing is
asserted: the figures are reported (``python -m benchmarks --only decided``).
"""

from __future__ import annotations

import base64
import random
import re
from collections import Counter
from typing import Any

from .common import table

CASES = 25_000
ACCOUNT = "111122223333"
CLUSTER = f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/prod"
INSTANCE = f"arn:aws:ecs:us-east-1:{ACCOUNT}:container-instance/prod/0123"
REQUESTS = [("ecs:RegisterContainerInstance", CLUSTER), ("ecs:Poll", INSTANCE),
            ("ecs:DiscoverPollEndpoint", "*"), ("ecs:TagResource", INSTANCE),
            ("s3:GetObject", "arn:aws:s3:::config/ecs.config"), ("logs:PutLogEvents", "*")]
ACTIONS = ["ecs:*", "ecs:Poll", "ecs:Submit*", "ecs:Register*", "*", "s3:GetObject", "logs:*",
           "ecs:TagResource", "ec2:DescribeTags"]
RESOURCES = ["*", CLUSTER, "arn:aws:ecs:*:*:container-instance/*/*",
             "arn:aws:s3:::config-${aws:PrincipalAccount}/*",
             "arn:aws:s3:::config/${aws:PrincipalTag/team, 'ecs.config'}",
             "arn:aws:s3:::config/*", "arn:aws:ecs:*:*:cluster/${aws:PrincipalTag/team}"]
TEAMS = ["prod", "dev", "ecs.config"]


def _date(rng: random.Random) -> str:
    seconds = rng.randint(1_500_000_000, 2_000_000_000)
    if rng.random() < 0.5:
        return str(seconds)
    import datetime as dt
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ip(rng: random.Random, cidr: bool) -> str:
    if rng.random() < 0.7:
        text = ".".join(str(rng.randint(0, 255)) for _ in range(4))
        return f"{text}/{rng.randint(8, 32)}" if cidr else text
    text = ":".join(f"{rng.randint(0, 0xffff):x}" for _ in range(8))
    return f"{text}/{rng.randint(16, 128)}" if cidr else text


#: family -> (operators, key, policy value maker, request value maker)
FAMILIES: dict[str, tuple[list[str], str, Any, Any]] = {
    "String": (["StringEquals", "StringNotEquals", "StringLike", "StringNotLike",
                "StringEqualsIgnoreCase"], "ecs:CreateAction",
               lambda r: r.choice(["RegisterContainerInstance", "CreateCluster", "Run*"]),
               lambda r: r.choice(["RegisterContainerInstance", "CreateCluster"])),
    "Variable": (["StringEquals", "StringLike"], "aws:PrincipalTag/team",
                 lambda r: r.choice(["${aws:PrincipalTag/team}", "pro*", "${aws:userid, 'x'}"]),
                 lambda r: r.choice(TEAMS)),
    "Arn": (["ArnLike", "ArnEquals", "ArnNotLike"], "ecs:cluster",
            lambda r: r.choice([CLUSTER, "arn:aws:ecs:*:*:cluster/*", "cluster/prod"]),
            lambda r: CLUSTER),
    "Bool": (["Bool"], "aws:SecureTransport", lambda r: r.choice(["true", "false"]),
             lambda r: "true"),
    "Null": (["Null"], "aws:TokenIssueTime", lambda r: r.choice(["true", "false"]),
             lambda r: _date(r)),
    "Numeric": (["NumericEquals", "NumericNotEquals", "NumericLessThan",
                 "NumericGreaterThanEquals"], "aws:MultiFactorAuthAge",
                lambda r: str(r.randint(0, 7200)), lambda r: str(r.randint(0, 7200))),
    "Date": (["DateLessThan", "DateGreaterThan", "DateEquals", "DateNotEquals"],
             "aws:CurrentTime", _date, _date),
    "Ip": (["IpAddress", "NotIpAddress"], "aws:SourceIp", lambda r: _ip(r, True),
           lambda r: _ip(r, False)),
    "Binary": (["BinaryEquals"], "aws:SomeBinary",
               lambda r: base64.b64encode(r.choice([b"a", b"b"])).decode(),
               lambda r: base64.b64encode(r.choice([b"a", b"b"])).decode()),
    "Set": (["ForAllValues:StringEquals", "ForAnyValue:StringLike"], "aws:TagKeys",
            lambda r: r.choice(["team", "cost", "c*"]), lambda r: ["team", "cost"]),
}


def _statement(rng: random.Random, context: dict[str, Any]) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": rng.choice(["Allow", "Allow", "Deny"])}
    actions = rng.sample(ACTIONS, rng.randint(1, 3))
    statement["NotAction" if rng.random() < 0.1 else "Action"] = actions
    statement["NotResource" if rng.random() < 0.1 else "Resource"] = rng.sample(
        RESOURCES, rng.randint(1, 2))
    if rng.random() < 0.7:
        block: dict[str, dict[str, Any]] = {}
        for family in rng.sample(sorted(FAMILIES), rng.randint(1, 2)):
            operators, key, policy_value, request_value = FAMILIES[family]
            operator = rng.choice(operators)
            if family not in ("Null", "Set") and rng.random() < 0.2:
                operator += "IfExists"
            elif family not in ("Null", "Set") and rng.random() < 0.1:
                operator = rng.choice(["ForAnyValue:", "ForAllValues:"]) + operator
            values = [policy_value(rng) for _ in range(rng.randint(1, 2))]
            block.setdefault(operator, {})[key] = values if len(values) > 1 else values[0]
            if rng.random() < 0.9:  # a key the request has, one value (or the set's)
                context[key] = request_value(rng)
            elif family != "Set":  # a single-valued key given two values
                context[key] = [request_value(rng), request_value(rng)]
        statement["Condition"] = block
    return statement


def case(rng: random.Random) -> tuple[list[dict], dict | None, str, str, dict[str, Any]]:
    """One generated case: identity policies, a boundary or None, the call, its context."""
    context: dict[str, Any] = {"aws:PrincipalAccount": ACCOUNT, "aws:userid": "AROA1:i-1"}
    if rng.random() < 0.8:
        context["aws:PrincipalTag/team"] = rng.choice(TEAMS)

    def document() -> dict:
        version = "2012-10-17" if rng.random() < 0.9 else "2008-10-17"
        return {"Version": version,
                "Statement": [_statement(rng, context) for _ in range(rng.randint(1, 4))]}

    identity = [document() for _ in range(rng.randint(1, 3))]
    boundary = document() if rng.random() < 1 / 3 else None
    action, resource = rng.choice(REQUESTS)
    return identity, boundary, action, resource, context


def _reason(message: str) -> str:
    """The kind of reason an undecided case gives, for the table."""
    for pattern, reason in [
            (r"is not supported \(numeric|operator (Numeric|Date|Ip|NotIp|Binary)", "operator refused"),
            (r"policy variable .* (not supported|stands for)|before the fifth colon", "policy variable"),
            (r"values for .* has no ForAllValues|ForAllValues:/ForAnyValue:", "several values, single-valued operator"),
            (r"not an ARN of six parts", "ArnLike against a value that is not an ARN"),
            (r"depends on", "a key the guide cannot know")]:
        if re.search(pattern, message):
            return reason
    return "other: " + message.split(": ", 1)[-1][:60]


def run(cases: int = CASES, seed: int = 18) -> dict[str, Any]:
    from ecsrole_lib.diagnose.access import evaluate
    from ecsrole_lib.errors import UnsupportedPolicyError

    rng = random.Random(seed)
    decided, undecided = Counter(), Counter()
    for _ in range(cases):
        identity, boundary, action, resource, context = case(rng)
        try:
            decided[evaluate(identity, action, resource, context, boundary=boundary).kind] += 1
        except UnsupportedPolicyError as err:
            undecided[_reason(str(err))] += 1
    total = sum(decided.values())
    return {"cases": cases, "seed": seed, "decided": total, "share": round(total / cases, 4),
            "kinds": dict(decided), "undecided": dict(undecided.most_common())}


def render(result: dict[str, Any]) -> str:
    rows = [["decided", result["decided"], f"{100 * result['share']:.1f} %"]]
    rows += [[f"undecided: {reason}", n, f"{100 * n / result['cases']:.1f} %"]
             for reason, n in result["undecided"].items()]
    return table(["generated policies", "cases", "share"], rows,
                 f"Decided by access.evaluate: {result['cases']} generated cases (seed "
                 f"{result['seed']}); allow/deny: {result['kinds']}")


if __name__ == "__main__":
    print(render(run()))
