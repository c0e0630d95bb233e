"""Round trips under a fixed network latency: what a user on AWS waits for.

On AWS every request costs tens of milliseconds of network; the sandbox answers
in about one. This benchmark adds a fixed delay to every HTTP request the
library's clients send (a botocore ``before-send`` hook sleeps ``--latency``
seconds, 50 ms by default, in the thread that sends it, so concurrent reads
overlap as they would on AWS), then runs fresh ``apply``, converged ``apply``,
``audit`` and ``teardown`` of the base and the full spec on one sandbox.

For each run it reports the wall time and the **critical path**: the longest
chain of requests each sent after the previous one answered (from each
request's send and answer times), i.e. the round trips a user waits for one
after another. Beside it: the same run without reading ahead
(:func:`ecsrole_lib.aws.prefetch.prefetch` and ``verify_ahead`` switched off), the page's own CLI
sequence in round trips (one per command), and the raw boto3 floor: a plain
boto3 client making the page's calls one after another under the same latency.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from typing import Any
from unittest import mock

from .calls import OPERATIONS, _reset, page_writes, specs, warm
from .common import median, table

LATENCY = 0.05

#: Round-trip goals of issue 13: the most sequential round trips per run.
GOALS = {("base", "fresh apply"): 6, ("base", "converged apply"): 2, ("full", "converged apply"): 3}

_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


class Delay:
    """A botocore hook pair: sleep before each request is sent, record when it answered."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.spans: list[tuple[float, float, str]] = []
        self._lock = threading.Lock()
        self._local = threading.local()

    def attach(self, client) -> None:
        client.meta.events.register("before-send", self._send)
        client.meta.events.register("response-received", self._answered)

    def _send(self, event_name: str = "", **_: Any) -> None:
        self._local.started = (time.perf_counter(), event_name.split(".")[-1])
        time.sleep(self.seconds)

    def _answered(self, **_: Any) -> None:
        started, operation = self._local.started
        with self._lock:
            self.spans.append((started, time.perf_counter(), operation))

    def take(self) -> list[tuple[float, float, str]]:
        with self._lock:
            taken, self.spans = self.spans, []
        return taken


def critical_path(spans: list[tuple[float, float, str]]) -> int:
    """The longest chain of requests each sent after the one before it answered."""
    spans = sorted(spans)
    longest: list[int] = []
    for i, (start, _, _) in enumerate(spans):
        before = [longest[j] for j in range(i) if spans[j][1] <= start]
        longest.append(1 + max(before, default=0))
    return max(longest, default=0)


@contextlib.contextmanager
def delayed(seconds: float) -> Iterator[Delay]:
    """Every client ``ecsrole_lib`` makes while this is open gets the delay."""
    from ecsrole_lib.aws import client as aws

    delay = Delay(seconds)
    original = aws._client

    def client(session, service, region):
        made = original(session, service, region)
        delay.attach(made)
        return made

    aws._client = client
    try:
        yield delay
    finally:
        aws._client = original


def page_round_trips(spec, operation: str) -> int | None:
    """The page's own CLI sequence, one round trip per command (reads included)."""
    if operation == "fresh apply":
        return page_writes(spec) + (1 if "cloudwatch_logs" in spec.features else 0)  # list-policies
    if operation == "teardown":
        return page_writes(spec)
    return None


def floor(session, spec, delay: Delay, operation: str) -> tuple[float, int]:
    """A plain boto3 client making the page's calls (or their deletes) one after another."""
    clients = {}

    def client(service: str):
        if service not in clients:
            clients[service] = session.client(service, region_name=spec.region)
            delay.attach(clients[service])
        return clients[service]

    for service in ("iam", "s3", "ecs"):  # client construction is not a round trip
        client(service)
    delay.take()
    role, profile = spec.role_name, spec.instance_profile_name
    ecs_policy = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
    s3_policy = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    iam = client("iam")
    started = time.perf_counter()
    if operation == "fresh apply":
        iam.create_role(RoleName=role, AssumeRolePolicyDocument=json.dumps(_TRUST))
        iam.create_instance_profile(InstanceProfileName=profile)
        iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
        iam.attach_role_policy(RoleName=role, PolicyArn=ecs_policy)
        if "s3_config" in spec.features:
            iam.attach_role_policy(RoleName=role, PolicyArn=s3_policy)
            client("s3").create_bucket(Bucket=spec.config_bucket)
            client("s3").put_object(Bucket=spec.config_bucket, Key=spec.config_key, Body=b"ECS_CLUSTER=default\n")
        if "cloudwatch_logs" in spec.features:
            arn = iam.create_policy(PolicyName=spec.log_policy_name,
                                    PolicyDocument=json.dumps(_TRUST | {"Statement": [{
                                        "Effect": "Allow", "Action": "logs:PutLogEvents",
                                        "Resource": "*"}]}))["Policy"]["Arn"]
            iam.list_policies(Scope="Local")
            iam.attach_role_policy(RoleName=role, PolicyArn=arn)
        if spec.trunking:
            client("ecs").put_account_setting(name="awsvpcTrunking", value="enabled",
                                              principalArn=f"arn:aws:iam::123456789012:role/{role}")
    else:  # teardown: one delete per resource or attachment
        if spec.trunking:
            client("ecs").delete_account_setting(name="awsvpcTrunking",
                                                 principalArn=f"arn:aws:iam::123456789012:role/{role}")
        if "cloudwatch_logs" in spec.features:
            arn = f"arn:aws:iam::123456789012:policy/{spec.log_policy_name}"
            iam.detach_role_policy(RoleName=role, PolicyArn=arn)
            iam.delete_policy(PolicyArn=arn)
        if "s3_config" in spec.features:
            client("s3").delete_object(Bucket=spec.config_bucket, Key=spec.config_key)
            client("s3").delete_bucket(Bucket=spec.config_bucket)
            iam.detach_role_policy(RoleName=role, PolicyArn=s3_policy)
        iam.detach_role_policy(RoleName=role, PolicyArn=ecs_policy)
        iam.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=role)
        iam.delete_instance_profile(InstanceProfileName=profile)
        iam.delete_role(RoleName=role)
    seconds = time.perf_counter() - started
    return seconds, critical_path(delay.take())


def run(repeat: int = 3, latency: float = LATENCY) -> dict[str, Any]:
    """Wall time and critical path of each run, with and without reading ahead."""
    from ecsrole_lib import apply, audit, sandbox, teardown

    verbs = {"fresh apply": apply, "converged apply": apply, "audit": audit, "teardown": teardown}
    results: dict[str, Any] = {"latency_seconds": latency, "runs": {}}
    with delayed(latency) as delay, sandbox() as session:
        for name, spec in specs().items():
            for mode in ("ahead", "one by one"):
                for _round in range(repeat):
                    _reset(session.endpoint_url)
                    warm(session)
                    with contextlib.ExitStack() as switch:
                        if mode != "ahead":
                            for off in ("prefetch", "verify_ahead"):
                                switch.enter_context(mock.patch(f"ecsrole_lib.converge.{off}",
                                                                lambda *a: None))
                        for operation in OPERATIONS:
                            delay.take()
                            started = time.perf_counter()
                            report = verbs[operation](spec, session)
                            seconds = time.perf_counter() - started
                            spans = delay.take()
                            entry = results["runs"].setdefault(f"{name}/{operation}", {
                                "spec": name, "operation": operation,
                                "requests": report.reads + report.writes, "page": page_round_trips(spec, operation),
                                "goal": GOALS.get((name, operation))})
                            entry.setdefault(mode, {"seconds": [], "round_trips": []})
                            entry[mode]["seconds"].append(seconds)
                            entry[mode]["round_trips"].append(critical_path(spans))
                            if len(spans) != report.reads + report.writes:
                                entry["retried"] = True  # a retry is a request of its own
            for operation in ("fresh apply", "teardown"):
                samples = []
                for _round in range(repeat):
                    _reset(session.endpoint_url)
                    warm(session)
                    if operation == "teardown":
                        floor(session, spec, delay, "fresh apply")  # something to delete
                    samples.append(floor(session, spec, delay, operation))
                entry = results["runs"][f"{name}/{operation}"]
                entry["floor"] = {"seconds": [s for s, _ in samples], "round_trips": samples[0][1]}
    for entry in results["runs"].values():
        for mode in ("ahead", "one by one", "floor"):
            if mode in entry:
                entry[mode]["median_seconds"] = round(median(entry[mode]["seconds"]), 3)
                entry[mode]["seconds"] = [round(s, 3) for s in entry[mode]["seconds"]]
        for mode in ("ahead", "one by one"):
            entry[mode]["round_trips"] = max(entry[mode]["round_trips"])
        if entry["goal"] is not None:
            entry["met"] = entry["ahead"]["round_trips"] <= entry["goal"]
    return results


def render(results: dict[str, Any]) -> str:
    rows = []
    for entry in results["runs"].values():
        ahead, before = entry["ahead"], entry["one by one"]
        floor_ = entry.get("floor")
        goal = entry["goal"]
        rows.append([
            entry["spec"], entry["operation"], entry["requests"], ahead["round_trips"],
            before["round_trips"], entry["page"] if entry["page"] is not None else "-",
            f"<= {goal} {'met' if entry['met'] else 'missed'}" if goal is not None else "",
            f"{ahead['median_seconds'] * 1000:.0f}", f"{before['median_seconds'] * 1000:.0f}",
            f"{floor_['median_seconds'] * 1000:.0f}" if floor_ else "-",
            f"{ahead['median_seconds'] / floor_['median_seconds']:.2f}x" if floor_ else "-"])
    ms = round(results["latency_seconds"] * 1000)
    return table(["spec", "operation", "requests", "round trips", "one by one", "page CLI", "goal",
                  "ms", "ms one by one", "boto3 floor ms", "vs floor"], rows,
                 f"Sequential round trips and wall time with {ms} ms added to every request "
                 "(critical path; one by one = without reading ahead; floor = a plain boto3 "
                 "client making the page's calls)")
