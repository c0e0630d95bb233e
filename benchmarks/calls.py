"""API calls per operation, reads and writes apart, against the page's own CLI sequence.

For the base spec (``RoleSpec()``) and the full spec (``ec2``; ``ecr``,
``s3_config`` with a config bucket, ``cloudwatch_logs``; ``trunking=True``),
on one sandbox: a fresh ``apply``, a converged ``apply`` (the same spec again),
``audit`` and ``teardown``.

The counts are the library's own (``Report.reads`` / ``Report.writes``); each
API call is also recorded with its parameters, so a read can be put down to the
resource it reads: the role, the instance profile, a policy, the bucket, the
``ecs.config`` object, the account setting, the caller. Goals (issue 6):

* writes equal the page's own CLI sequence (4 for the base role);
* reads no more than one per resource checked. The ratio reads/resources is
  reported; where it is above 1 the resources read more than once are listed,
  and a read repeated with the very same parameters in one run is counted apart
  (``repeats``): that is the avoidable kind.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import partial
from typing import Any

from .common import median, table, timed

FULL_BUCKET = "ecsrole-guide-config-123456789012"

#: The page's own AWS CLI sequence, in write commands, by what the spec asks for.
#: Base role (page section 2): create-role, create-instance-profile,
#: add-role-to-instance-profile, attach-role-policy = 4.
#: ECR: nothing to write, the managed policy already grants it (erratum E6).
#: S3 read-only: attach-role-policy AmazonS3ReadOnlyAccess (1), and the page's
#: prose asks for ecs.config in a private bucket, which it gives no command
#: for: create-bucket and put-object (2).
#: CloudWatch Logs: create-policy and attach-role-policy (2); list-policies is a read.
#: ENI trunking: the page's introduction asks for awsvpcTrunking on one role: put-account-setting (1).
PAGE_WRITES = {"base": 4, "ecr": 0, "s3_config": 3, "cloudwatch_logs": 2, "trunking": 1}
#: What teardown has to delete for the same resources: detach each policy, remove
#: the role from the profile, delete profile and role (base: 4); the logs policy,
#: the object, the bucket and the account setting each one delete.
TEARDOWN_WRITES = {"base": 4, "ecr": 0, "s3_config": 3, "cloudwatch_logs": 2, "trunking": 1}

_READ_VERBS = ("get-", "list-", "describe-", "head-", "wait")


def specs() -> dict[str, Any]:
    from ecsrole_lib import RoleSpec

    return {
        "base": RoleSpec(),
        "full": RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs"],
                         config_bucket=FULL_BUCKET, trunking=True),
    }


def page_writes(spec, table_: dict[str, int] = PAGE_WRITES) -> int:
    total = table_["base"] + sum(table_[f] for f in spec.features)
    return total + (table_["trunking"] if spec.trunking else 0)


def plan_cli_writes(spec) -> int:
    """Write commands in the guide's own rendering of the page (``plan(spec)``'s CLI)."""
    from ecsrole_lib import plan

    count = 0
    for step in plan(spec):
        if step.action.kind == "info":
            continue
        for text in step.cli:
            words = text.split()
            if len(words) > 2 and words[0] == "aws" and not words[2].startswith(_READ_VERBS):
                count += 1
    return count


# --------------------------------------------------------------------------------------
# Recording every API call with its parameters.
# --------------------------------------------------------------------------------------
class Recorder:
    """Every API call the library's clients make, with the operation's parameters."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self._lock = threading.Lock()

    def _record(self, params: dict[str, Any] | None = None, model: Any = None, **_: Any) -> None:
        with self._lock:
            self.calls.append((model.service_model.service_id, model.name, dict(params or {})))

    def take(self) -> list[tuple[str, str, dict[str, Any]]]:
        with self._lock:
            taken, self.calls = self.calls, []
        return taken


@contextlib.contextmanager
def recording() -> Iterator[Recorder]:
    """Record the calls of every client ``ecsrole_lib`` makes while this is open."""
    from ecsrole_lib.aws import client as aws

    recorder = Recorder()
    original = aws._client

    def client(session, service, region):
        made = original(session, service, region)
        made.meta.events.register("before-parameter-build.*.*", recorder._record)
        return made

    aws._client = client
    try:
        yield recorder
    finally:
        aws._client = original


def resource(service: str, operation: str, params: dict[str, Any]) -> str:
    """The AWS resource a call reads or writes, named from its parameters."""
    if service == "STS":
        return "caller"
    if "RoleName" in params:
        return f"role {params['RoleName']}"
    if "InstanceProfileName" in params:
        return f"instance profile {params['InstanceProfileName']}"
    if "PolicyArn" in params:
        return f"policy {params['PolicyArn'].rsplit('/', 1)[-1]}"
    if "Key" in params:
        return f"object s3://{params['Bucket']}/{params['Key']}"
    if "Bucket" in params:
        return f"bucket {params['Bucket']}"
    if service == "ECS" and "name" in params:
        return f"account setting {params.get('name')}"
    if service == "ECS":
        return f"cluster {params.get('cluster') or params.get('clusterName') or params.get('clusters')}"
    if service == "EC2":
        return "instances"
    if operation == "ListPolicies":
        return f"policy list ({params.get('Scope', 'All')})"
    if operation == "GetAccountSummary":
        return "account summary (quota)"
    return f"{service}:{operation}"


def analyse(calls: list[tuple[str, str, dict[str, Any]]]) -> dict[str, Any]:
    from ecsrole_lib.aws.client import is_read

    reads = [(s, o, p) for s, o, p in calls if is_read(o)]
    per_resource: dict[str, list[str]] = defaultdict(list)
    for service, operation, params in reads:
        per_resource[resource(service, operation, params)].append(operation)
    identical = Counter((o, resource(s, o, p), repr(sorted(p.items()))) for s, o, p in reads)
    repeats = {f"{o} ({where})": n - 1 for (o, where, _), n in identical.items() if n > 1}
    return {
        "reads": len(reads),
        "writes": len(calls) - len(reads),
        "resources": len(per_resource),
        "over": {r: ops for r, ops in per_resource.items() if len(ops) > 1},
        "repeats": repeats,
        "log": [f"{s}:{o}" for s, o, _ in calls],
    }


# --------------------------------------------------------------------------------------
# The benchmark.
# --------------------------------------------------------------------------------------
OPERATIONS = ("fresh apply", "converged apply", "audit", "teardown")


def run(repeat: int = 3) -> dict[str, Any]:
    """Counts and medians of ``repeat`` rounds; each round starts from an empty sandbox."""
    from ecsrole_lib import apply, audit, sandbox, teardown

    verbs = {"fresh apply": apply, "converged apply": apply, "audit": audit, "teardown": teardown}
    results: dict[str, Any] = {}
    with recording() as recorder, sandbox() as session:
        for name, spec in specs().items():
            for _round in range(repeat):
                _reset(session.endpoint_url)
                warm(session)
                for operation in OPERATIONS:
                    verb = verbs[operation]
                    seconds, report = timed(partial(verb, spec, session))
                    found = analyse(recorder.take())
                    if (found["reads"], found["writes"]) != (report.reads, report.writes):
                        raise AssertionError(f"{name} {operation}: recorded {found['reads']}/"
                                             f"{found['writes']}, report says "
                                             f"{report.reads}/{report.writes}")
                    entry = results.setdefault(f"{name}/{operation}", {
                        "spec": name, "operation": operation, "seconds": [], **found})
                    if (entry["reads"], entry["writes"]) != (found["reads"], found["writes"]):
                        entry["unstable"] = True
                    entry["seconds"].append(seconds)
                _after_the_page(name, spec, session, recorder, results)
            for operation in OPERATIONS + AFTER_THE_PAGE:
                entry = results[f"{name}/{operation}"]
                entry["page_writes"] = _reference_writes(spec, operation)
                entry["plan_cli_writes"] = (plan_cli_writes(spec) if operation == "fresh apply"
                                            else entry["page_writes"])
                entry["reads_per_resource"] = round(entry["reads"] / entry["resources"], 2)
                entry["median_seconds"] = round(median(entry["seconds"]), 4)
                entry["seconds"] = [round(s, 4) for s in entry["seconds"]]
    return results


#: Issue 10: the doctor (read only) and a launch on the sandbox, on a converged setup.
AFTER_THE_PAGE = ("doctor", "launch")


def _after_the_page(name: str, spec, session, recorder: Recorder, results: dict[str, Any]) -> None:
    """doctor and launch of a converged ``spec``; the setup and its teardown are not counted."""
    from ecsrole_lib import apply, doctor, launch, teardown

    apply(spec, session)
    recorder.take()
    for operation, verb in (("doctor", doctor), ("launch", launch)):
        seconds, report = timed(partial(verb, spec, session))
        found = analyse(recorder.take())
        if (found["reads"], found["writes"]) != (report.reads, report.writes):
            raise AssertionError(f"{name} {operation}: recorded {found['reads']}/"
                                 f"{found['writes']}, report says {report.reads}/{report.writes}")
        entry = results.setdefault(f"{name}/{operation}", {
            "spec": name, "operation": operation, "seconds": [], **found})
        entry["seconds"].append(seconds)
    teardown(spec, session)
    recorder.take()


def _reference_writes(spec, operation: str) -> int:
    if operation == "fresh apply":
        return page_writes(spec)
    if operation == "teardown":
        return page_writes(spec, TEARDOWN_WRITES)
    if operation == "launch":  # the launcher: create-cluster, run-instances (the rest: the instance)
        return 2
    return 0


def warm(session) -> None:
    """After a reset: make moto rebuild IAM now, unrecorded, not in the first operation.

    moto rebuilds its IAM backend (every AWS managed policy) on the first IAM call after a
    reset, and after a second reset part of that work waits for the first write; both
    here cost seconds that are the sandbox's, not the operation's.
    """
    iam = session.client("iam")
    iam.get_account_summary()
    iam.create_role(RoleName="ecsrole-bench-warm-up", AssumeRolePolicyDocument="{}")
    iam.delete_role(RoleName="ecsrole-bench-warm-up")


def _reset(endpoint: str) -> None:
    import urllib.request

    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=60).close()


def render(results: dict[str, Any]) -> str:
    rows = []
    for entry in results.values():
        rows.append([entry["spec"], entry["operation"], entry["writes"], entry["page_writes"],
                     entry["plan_cli_writes"], entry["reads"], entry["resources"],
                     f"{entry['reads_per_resource']:.2f}x", sum(entry["repeats"].values()),
                     f"{entry['median_seconds'] * 1000:.0f}"])
    text = table(["spec", "operation", "writes", "page", "plan CLI", "reads", "resources",
                  "reads/res", "repeats", "ms"], rows,
                 "API calls per operation (writes vs the page's CLI sequence; reads vs resources read)")
    notes = []
    for entry in results.values():
        if entry["over"]:
            over = "; ".join(f"{r}: {' + '.join(ops)}" for r, ops in entry["over"].items())
            notes.append(f"  {entry['spec']} {entry['operation']}: {over}")
    if notes:
        text += "\nresources read more than once:\n" + "\n".join(notes)
    repeats = [f"  {e['spec']} {e['operation']}: " + ", ".join(f"{k} x{n + 1}" for k, n in e["repeats"].items())
               for e in results.values() if e["repeats"]]
    if repeats:
        text += "\nthe same read repeated in one run:\n" + "\n".join(repeats)
    return text
