"""Issue 4: crashes, throttling, propagation delay and concurrent runs leave nothing half-made.

Every fault is injected by the harness in ``tests/faults.py`` into a real boto3
session talking to the moto server (botocore event hooks), so botocore's own
retry handler, parsers and waiters do the work they do against AWS. Figures
(write positions crashed and survived, faults per kind, retries counted, drift
cases) are printed at the end of the run.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

pytest.register_assert_rewrite("faults")
pytest_plugins = ["faults"]

from faults import FIGURES, Crash, fresh, nothing, snapshot

from ecsrole_lib import (
    AwsError,
    ConflictError,
    EcsRoleError,
    PropagationError,
    RoleSpec,
    apply,
    audit,
    teardown,
)
from ecsrole_lib.aws.client import _CONFIG

FULL_EC2 = RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs"],
                    config_bucket="ecsrole-faults-config", trunking=True)
EXTERNAL = RoleSpec(instance_kind="external", features=["ecr", "cloudwatch_logs"])
SPECS = {
    "ec2 (ecr, s3_config, cloudwatch_logs, trunking)": FULL_EC2,
    "external (ecr, cloudwatch_logs)": EXTERNAL,
}
_names = itertools.count(1)
ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------
def _reset(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=60).close()


def _case(spec: RoleSpec, case: str = "") -> RoleSpec:
    """The spec with a bucket name of its own, so each case's bucket is told apart in failures."""
    if spec.config_bucket is None:
        return spec
    return spec.replace(config_bucket=f"ecsrole-faults-{case or next(_names)}-{next(_names)}")


def _normalised(state: dict, spec: RoleSpec) -> dict:
    """The snapshot with the case's own bucket name replaced by a placeholder."""
    if spec.config_bucket and spec.config_bucket in state["buckets"]:
        state = dict(state, buckets=dict(state["buckets"]))
        state["buckets"]["<config_bucket>"] = state["buckets"].pop(spec.config_bucket)
    return state


def differences(got, want, where: str = "") -> list[str]:
    """Readable differences between two snapshots."""
    if isinstance(got, dict) and isinstance(want, dict):
        found = []
        for key in sorted(set(got) | set(want), key=str):
            path = f"{where}/{key}"
            if key not in got:
                found.append(f"{path}: missing")
            elif key not in want:
                found.append(f"{path}: unexpected {got[key]!r}"[:300])
            else:
                found += differences(got[key], want[key], path)
        return found
    return [] if got == want else [f"{where}: {got!r} != {want!r}"[:300]]


_REFERENCE: dict[str, dict] = {}


def reference(base: RoleSpec, endpoint: str) -> dict:
    """The (normalised) state a clean run of ``base`` makes; the server is left empty."""
    if repr(base) not in _REFERENCE:
        spec = _case(base)
        session = fresh(endpoint)
        apply(spec, session)
        _REFERENCE[repr(base)] = _normalised(snapshot(session), spec)
        teardown(spec, fresh(endpoint))
        if snapshot(session) != nothing():
            _reset(endpoint)
    return _REFERENCE[repr(base)]


def assert_state(endpoint: str, spec: RoleSpec, want: dict) -> None:
    got = _normalised(snapshot(fresh(endpoint)), spec)
    assert got == want, "state differs from a clean run's:\n" + "\n".join(differences(got, want))


def count_retries(report) -> int:
    FIGURES["retries_counted"] += report.retries
    return report.retries


# --------------------------------------------------------------------------------------
# 1. Crash at every write
# --------------------------------------------------------------------------------------
def _crash(spec, endpoint, faults, n, when):
    session = fresh(endpoint)
    injector = faults(session)
    injector.crash(nth=n, when=when)
    with pytest.raises(Crash):
        apply(spec, session)
    return injector


@pytest.mark.parametrize("label", list(SPECS))
def test_crash_at_every_write_then_rerun_and_teardown(label, endpoint, faults):
    """Crash at each write N (before it is sent; and after the last one reached AWS).

    From the crashed state: ``teardown`` leaves nothing. From the same crashed
    state made again: ``apply`` with a clean session gives exactly the state of
    a clean run, and a further ``apply`` writes nothing.
    """
    base = SPECS[label]
    want = reference(base, endpoint)
    spec = _case(base)
    recorder = faults(fresh(endpoint))
    apply(spec, recorder.session)
    writes = list(recorder.writes)
    teardown(spec, fresh(endpoint))
    assert snapshot(fresh(endpoint)) == nothing(), "teardown after a clean run left something"

    figures = FIGURES["crash_positions"].setdefault(label, {"crashed": 0, "survived": 0, "failed": []})
    # A crash after write N leaves what a crash before write N+1 leaves (apply's reads
    # change nothing), so "before" at every N plus "after" at the last covers every prefix.
    cases = [(n, "before") for n in range(1, len(writes) + 1)] + [(len(writes), "after")]
    failed: list[str] = []
    for n, when in cases:
        spec = _case(base, f"{n}{when[0]}")
        name = f"write #{n} {writes[n - 1]} ({when})"
        problems: list[str] = []
        injector = _crash(spec, endpoint, faults, n, when)
        assert injector.writes[-1] == writes[n - 1], "the crash hit another write than planned"
        try:
            teardown(spec, fresh(endpoint))
            left = snapshot(fresh(endpoint))
            if left != nothing():
                problems.append("teardown left " + "; ".join(differences(left, nothing())))
        except Exception as err:  # noqa: BLE001 - recorded as this position's failure
            problems.append(f"teardown raised {type(err).__name__}: {err}")
        if problems:
            _reset(endpoint)
        _crash(spec, endpoint, faults, n, when)
        try:
            apply(spec, fresh(endpoint))
            got = _normalised(snapshot(fresh(endpoint)), spec)
            if got != want:
                problems.append("re-run state differs: " + "; ".join(differences(got, want)))
            again = apply(spec, fresh(endpoint))
            if again.writes:
                problems.append(f"a further apply wrote {again.writes} time(s)")
        except Exception as err:  # noqa: BLE001
            problems.append(f"re-run raised {type(err).__name__}: {err}")
        try:
            teardown(spec, fresh(endpoint))
        except Exception as err:  # noqa: BLE001
            problems.append(f"final teardown raised {type(err).__name__}: {err}")
        if snapshot(fresh(endpoint)) != nothing():
            _reset(endpoint)
        figures["crashed"] += 1
        if problems:
            failed.append(f"{name}: " + " | ".join(problems))
            figures["failed"].append(f"#{n}{'' if when == 'before' else ' after'}")
        else:
            figures["survived"] += 1
    assert not failed, "\n".join(failed)


#: A user's next process: ``apply`` on the same sandbox, outcomes (or the error) as JSON.
_NEXT_PROCESS = """
import json, sys
from ecsrole_lib import RoleSpec, apply, connect
spec = RoleSpec(**json.loads(sys.argv[1]))
try:
    report = apply(spec, connect("sandbox"))
except Exception as err:
    print(json.dumps({"error": type(err).__name__, "message": str(err)}))
else:
    print(json.dumps({"outcomes": report.outcomes, "writes": report.writes}))
"""


def _apply_in_a_new_process(spec: RoleSpec, endpoint: str) -> dict:
    env = dict(os.environ, ECSROLE_SANDBOX_ENDPOINT=endpoint,
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-c", _NEXT_PROCESS, json.dumps(spec.as_dict())],
                          env=env, capture_output=True, text=True, timeout=120, cwd=ROOT,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("label", list(SPECS))
def test_crash_at_every_write_then_apply_in_a_new_process(label, endpoint, faults):
    """The process dies at write N; the user's next process runs ``apply`` on the same sandbox.

    It meets what a crash leaves on the sandbox as users get it (no test-side
    patch of moto): no ConflictError, exactly a clean run's state, and a
    further apply writes nothing.
    """
    base = SPECS[label]
    want = reference(base, endpoint)
    writes = _writes_of(base, endpoint, faults)
    failed: list[str] = []
    for n, when in [(n, "before") for n in range(1, len(writes) + 1)] + [(len(writes), "after")]:
        spec = _case(base, f"proc{n}{when[0]}")
        _crash(spec, endpoint, faults, n, when)
        result = _apply_in_a_new_process(spec, endpoint)
        name = f"write #{n} {writes[n - 1]} ({when})"
        if "error" in result:
            failed.append(f"{name}: the next process's apply raised {result['error']}: "
                          f"{result['message']}")
        else:
            got = _normalised(snapshot(fresh(endpoint)), spec)
            if got != want:
                failed.append(f"{name}: state differs: " + "; ".join(differences(got, want)))
            elif apply(spec, fresh(endpoint)).writes:
                failed.append(f"{name}: a further apply wrote")
        teardown(spec, fresh(endpoint))
        if snapshot(fresh(endpoint)) != nothing():
            failed.append(f"{name}: teardown left something")
            _reset(endpoint)
    assert not failed, "\n".join(failed)


# --------------------------------------------------------------------------------------
# 2. Throttling, 5xx, connection errors, hangs: retried by botocore's standard mode
# --------------------------------------------------------------------------------------
def test_the_library_configures_standard_retries():
    assert _CONFIG.retries["mode"] == "standard"
    assert _total_attempts() >= 3


def _total_attempts() -> int:
    # botocore turns the client config's max_attempts (retries) into total_max_attempts.
    retries = _CONFIG.retries
    return retries.get("total_max_attempts") or retries["max_attempts"] + 1


@pytest.mark.parametrize("kind", ["throttling", "5xx"])
def test_every_call_fails_once_and_the_run_succeeds(kind, endpoint, faults, fast_backoff):
    """Every API call of a full run (reads, writes, the waiter, pagination) fails once."""
    want = reference(FULL_EC2, endpoint)
    spec = _case(FULL_EC2)
    injector = faults(fresh(endpoint))
    injector.fail(error=kind, writes_only=False)
    report = apply(spec, injector.session)
    calls = report.reads + report.writes
    assert injector.injected[kind] == calls == len(injector.log)
    assert count_retries(report) == injector.total == calls
    assert f"{calls} retries" in report.summary()
    assert_state(endpoint, spec, want)


def test_connection_errors_and_hangs_are_retried(endpoint, faults, fast_backoff):
    """A connection error on every write; two named calls hang past a read timeout."""
    want = reference(FULL_EC2, endpoint)
    spec = _case(FULL_EC2)
    injector = faults(fresh(endpoint))
    injector.fail(error="connection")
    injector.hang("GetCallerIdentity", timeout=0.2)
    injector.hang("PutAccountSetting", timeout=0.2)
    started = time.monotonic()
    report = apply(spec, injector.session)
    assert time.monotonic() - started >= 0.4  # the hangs did wait for their timeouts
    assert injector.injected["timeout"] == 2
    assert injector.injected["connection"] == report.writes
    assert count_retries(report) == injector.total
    assert_state(endpoint, spec, want)


@pytest.mark.parametrize("label", list(SPECS))
def test_lost_answer_at_every_write_is_retried_safely(label, endpoint, faults):
    """AWS applies write N, its answer is lost (read timeout), botocore sends it again.

    The repeated write meets what the first one made (EntityAlreadyExists,
    LimitExceeded, an idempotent S3 or ECS write): the run still succeeds
    with exactly a clean run's state.
    """
    base = SPECS[label]
    want = reference(base, endpoint)
    positions = len([op for op in _writes_of(base, endpoint, faults)])
    failed = []
    for n in range(1, positions + 1):
        spec = _case(base, f"lost{n}")
        injector = faults(fresh(endpoint))
        injector.fail(nth=n, error="lost")
        try:
            report = apply(spec, injector.session)
            assert count_retries(report) == 1
            got = _normalised(snapshot(fresh(endpoint)), spec)
            if got != want:
                failed.append(f"lost #{n} {injector.writes[n - 1]}: "
                              + "; ".join(differences(got, want)))
        except Exception as err:  # noqa: BLE001 - collected
            failed.append(f"lost #{n} {injector.writes[n - 1]}: {type(err).__name__}: {err}")
        left = _leftovers(spec, endpoint)
        if left:
            failed.append(f"lost #{n} {injector.writes[n - 1]}: teardown left " + "; ".join(left))
            _reset(endpoint)
    assert not failed, "\n".join(failed)


def _writes_of(base: RoleSpec, endpoint: str, faults) -> list[str]:
    spec = _case(base)
    injector = faults(fresh(endpoint))
    apply(spec, injector.session)
    teardown(spec, fresh(endpoint))
    if snapshot(fresh(endpoint)) != nothing():
        _reset(endpoint)
    return list(injector.writes)


def _leftovers(spec: RoleSpec, endpoint: str) -> list[str]:
    """Tear down (not forced); what is left.

    A repeated AttachRolePolicy counts once in the policy's AttachmentCount (as on
    AWS), so teardown does not take the logs policy for one attached elsewhere.
    """
    teardown(spec, fresh(endpoint))
    return differences(snapshot(fresh(endpoint)), nothing())


@pytest.mark.parametrize("kind", ["throttling", "5xx", "connection", "timeout"])
def test_a_fault_that_outlasts_the_retries_is_a_clear_error_and_a_rerun_converges(
        kind, endpoint, faults, fast_backoff):
    want = reference(FULL_EC2, endpoint)
    spec = _case(FULL_EC2)
    injector = faults(fresh(endpoint))
    attempts = _total_attempts()
    if kind == "timeout":
        injector.hang("CreatePolicy", timeout=0.1, times=attempts)
    else:
        injector.fail(operation="CreatePolicy", error=kind, times=attempts)
    with pytest.raises(EcsRoleError) as caught:
        apply(spec, injector.session)
    err = caught.value
    assert isinstance(err, AwsError)
    assert "CreatePolicy" in str(err), str(err)
    assert err.__cause__ is not None  # botocore's own error stays chained
    assert injector.injected[kind] == attempts
    report = apply(spec, fresh(endpoint))
    assert report.outcomes["create_logs_policy"] == "created"
    assert_state(endpoint, spec, want)


# --------------------------------------------------------------------------------------
# 3. IAM propagation delay
# --------------------------------------------------------------------------------------
def test_propagation_delay_within_the_bound_is_waited_out(endpoint, faults):
    """NoSuchEntity for the first call naming each resource this run created."""
    want = reference(FULL_EC2, endpoint)
    spec = _case(FULL_EC2)
    injector = faults(fresh(endpoint))
    injector.not_yet_visible(k=1)
    lines: list[str] = []
    report = apply(spec, injector.session, propagation_timeout=10, progress=lambda e: lines.append(str(e)))
    assert injector.injected["no_such_entity"] >= 3, injector.injected
    assert any("IAM has not caught up" in line for line in lines), lines
    assert report.outcomes["add_role_to_instance_profile"] == "created"
    assert report.outcomes["attach_logs_policy"] == "created"
    assert_state(endpoint, spec, want)


def test_propagation_delay_past_the_bound_says_wait_and_run_again(endpoint, faults):
    want = reference(FULL_EC2, endpoint)
    spec = _case(FULL_EC2)
    injector = faults(fresh(endpoint))
    injector.not_yet_visible(k=10**6)
    started = time.monotonic()
    with pytest.raises(PropagationError) as caught:
        apply(spec, injector.session, propagation_timeout=1)
    assert time.monotonic() - started < 12  # the bound (1 s) and a busy machine, far from unbounded
    message = str(caught.value).lower()
    assert "wait" in message and "run again" in message, message
    assert caught.value.code == "NoSuchEntity"
    report = apply(spec, fresh(endpoint))  # IAM has caught up: the re-run converges
    assert "created" in report.outcomes.values()
    assert_state(endpoint, spec, want)


def test_the_instance_profile_wait_keeps_to_the_bound(endpoint, faults):
    """The waiter for a new instance profile gives up at ``propagation_timeout``, not later."""
    spec = RoleSpec()
    injector = faults(fresh(endpoint))
    injector.not_yet_visible(k=10**6, operations={"GetInstanceProfile"})
    started = time.monotonic()
    with pytest.raises(PropagationError) as caught:
        apply(spec, injector.session, propagation_timeout=2)
    # The bound is 2 s (the waiter used to look 30 times, a second apart, whatever the bound).
    assert time.monotonic() - started < 12, "the wait ran past propagation_timeout"
    assert "run again" in str(caught.value).lower()
    apply(spec, fresh(endpoint))
    assert snapshot(fresh(endpoint))["instance_profiles"]["ecsInstanceRole-profile"]["roles"] == [
        "ecsInstanceRole"]


@pytest.mark.parametrize("k", [3, 10**6])
def test_a_rerun_right_after_a_crash_waits_for_what_the_crashed_run_made(k, endpoint, faults):
    """Run 1 dies right after CreateRole; run 2 starts while IAM does not show the role yet.

    Run 2's GetRole says NoSuchEntity, CreateRole says EntityAlreadyExists:
    within the bound it waits for IAM and converges; past it, PropagationError.
    """
    spec = RoleSpec(features=["cloudwatch_logs"])
    _crash(spec, endpoint, faults, 1, "after")
    injector = faults(fresh(endpoint))
    injector.created.add(spec.role_name)  # made a moment ago, by the crashed run
    injector.not_yet_visible(k=k)
    if k < 100:
        report = apply(spec, injector.session, propagation_timeout=10)
        assert report.outcomes["create_role"] in ("unchanged", "created")
    else:
        started = time.monotonic()
        with pytest.raises(PropagationError) as caught:
            apply(spec, injector.session, propagation_timeout=1)
        assert time.monotonic() - started < 12  # the bound (1 s), not hundreds of CreateRole calls
        assert "run again" in str(caught.value).lower()
        apply(spec, fresh(endpoint))
    assert injector.writes.count("CreateRole") <= 5, injector.writes
    state = snapshot(fresh(endpoint))
    assert set(state["roles"]) == {spec.role_name}
    assert len(state["roles"][spec.role_name]["attached"]) == 2


# --------------------------------------------------------------------------------------
# 4. Two runs at once
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("round_", range(3))
def test_two_runs_at_once_make_what_one_run_makes(round_, endpoint, faults):
    want = reference(FULL_EC2, endpoint)
    spec = _case(FULL_EC2, f"twins{round_}")
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def run(name: str) -> None:
        injector = faults(fresh(endpoint))
        injector.jitter(0.01)
        barrier.wait()
        try:
            results[name] = apply(spec, injector.session)
        except BaseException as err:  # noqa: BLE001 - inspected below
            results[name] = err

    threads = [threading.Thread(target=run, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    errors = {name: r for name, r in results.items() if isinstance(r, BaseException)}
    assert not errors, {name: f"{type(e).__name__}: {e}" for name, e in errors.items()}
    assert len(results) == 2
    assert_state(endpoint, spec, want)
    role = snapshot(fresh(endpoint))["roles"][spec.role_name]
    assert role["attached_count"] == len(set(role["attached"]))  # no duplicate attachment
    assert apply(spec, fresh(endpoint)).writes == 0


# --------------------------------------------------------------------------------------
# 5. Drift is named by audit; apply restores only what the spec owns
# --------------------------------------------------------------------------------------
FOREIGN_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*"}]}


def test_drift_is_named_and_apply_restores_only_what_the_spec_owns(endpoint):
    spec = _case(FULL_EC2.replace(trunking=False, tags={"team": "platform"}))
    session = fresh(endpoint)
    apply(spec, session)
    before = snapshot(session)
    role = spec.role_name
    iam, s3 = session.client("iam"), session.client("s3")
    account = session.client("sts").get_caller_identity()["Account"]
    logs_arn = f"arn:aws:iam::{account}:policy/{spec.log_policy_name}"
    s3_read_only = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"

    # Someone else edits what the guide made.
    foreign_arn = iam.create_policy(PolicyName="someone-elses-policy",
                                    PolicyDocument=json.dumps(FOREIGN_POLICY))["Policy"]["Arn"]
    cases = {
        "trust policy changed": lambda: iam.update_assume_role_policy(
            RoleName=role, PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                "Action": "sts:AssumeRole"}]})),
        "spec policy detached": lambda: iam.detach_role_policy(RoleName=role,
                                                               PolicyArn=s3_read_only),
        "unknown policy attached": lambda: iam.attach_role_policy(RoleName=role,
                                                                  PolicyArn=foreign_arn),
        "unknown inline policy added": lambda: iam.put_role_policy(
            RoleName=role, PolicyName="someone-elses-inline", PolicyDocument=json.dumps(FOREIGN_POLICY)),
        "spec tag changed": lambda: iam.tag_role(RoleName=role, Tags=[{"Key": "team", "Value": "x"}]),
        "logs policy document changed": lambda: iam.create_policy_version(
            PolicyArn=logs_arn, PolicyDocument=json.dumps(FOREIGN_POLICY), SetAsDefault=True),
        "role removed from the instance profile": lambda: iam.remove_role_from_instance_profile(
            InstanceProfileName=spec.instance_profile_name, RoleName=role),
        "ecs.config edited": lambda: s3.put_object(
            Bucket=spec.config_bucket, Key=spec.config_key, Body=b"ECS_CLUSTER=other\n",
            Tagging="created-by=ecsrole-guide"),
        "bucket made public-capable": lambda: s3.delete_public_access_block(Bucket=spec.config_bucket),
    }
    for edit in cases.values():
        edit()
    FIGURES["drift_cases"] += list(cases)

    found = audit(spec, fresh(endpoint))
    rows = {row.step: row for row in found.rows}
    named = {
        "trust policy changed": rows["create_role"].outcome == "drift"
        and "trust policy" in rows["create_role"].reason
        and "ecs-tasks.amazonaws.com" in rows["create_role"].reason,
        "spec tag changed": "team" in rows["create_role"].reason,
        "spec policy detached": rows["attach_s3_read_only"].outcome == "missing",
        "unknown policy attached": any(r.step == "extra_policy" and r.arn == foreign_arn
                                       for r in found.rows),
        "unknown inline policy added": any(r.step == "extra_inline_policy"
                                           and r.title == "someone-elses-inline" for r in found.rows),
        "logs policy document changed": rows["create_logs_policy"].outcome == "drift",
        "role removed from the instance profile":
            rows["add_role_to_instance_profile"].outcome == "missing",
        "ecs.config edited": rows["upload_ecs_config"].outcome == "drift",
        "bucket made public-capable": rows["create_config_bucket"].outcome == "drift",
    }
    assert all(named.values()), ("audit does not name: "
                                 + ", ".join(k for k, ok in named.items() if not ok) + "\n" + str(found))

    report = apply(spec, fresh(endpoint))
    outcomes = report.outcomes
    assert outcomes["create_role"] == "updated"
    assert "trust policy restored" in report["create_role"].reason
    assert "tags restored" in report["create_role"].reason
    assert outcomes["attach_s3_read_only"] == "created"
    assert outcomes["create_logs_policy"] == "updated"
    assert outcomes["add_role_to_instance_profile"] == "created"
    assert outcomes["upload_ecs_config"] == "updated"
    assert outcomes["create_config_bucket"] == "updated"
    assert outcomes["attach_managed_policy"] == "unchanged"
    # The foreign attachment and inline policy are kept, and the report says so.
    text = str(report)
    assert "someone-elses-policy" in text and "someone-elses-inline" in text, text

    after = snapshot(fresh(endpoint))
    want = json.loads(json.dumps(before))
    want["roles"][role]["attached"] = sorted(want["roles"][role]["attached"] + [foreign_arn])
    want["roles"][role]["attached_count"] += 1
    want["roles"][role]["inline"]["someone-elses-inline"] = after["roles"][role]["inline"].get(
        "someone-elses-inline")
    want["policies"][foreign_arn] = after["policies"][foreign_arn]
    want["policies"][logs_arn]["versions"] = after["policies"][logs_arn]["versions"]
    assert after["roles"][role]["inline"]["someone-elses-inline"]["Statement"][0]["Action"] == \
        "sqs:ListQueues"
    assert after == want, "\n".join(differences(after, want))
    left = audit(spec, fresh(endpoint))
    assert {r.outcome for r in left.findings} == {"extra"}

    # Teardown refuses, removing nothing, while the role holds what the spec does not describe.
    with pytest.raises(ConflictError) as caught:
        teardown(spec, fresh(endpoint))
    assert "someone-elses-inline" in str(caught.value)
    assert "someone-elses-policy" in str(caught.value)
    assert snapshot(fresh(endpoint)) == after


# --------------------------------------------------------------------------------------
# 6. Notes on a role the guide did not create (issue 17, item 4)
# --------------------------------------------------------------------------------------
ADOPTED = "adoptedRole"
CONTAINER_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
EC2_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def _by_hand_attach(session, spec):
    session.client("iam").attach_role_policy(RoleName=spec.role_name, PolicyArn=CONTAINER_POLICY)


def _by_hand_inline(session, spec):
    from ecsrole_lib import plan
    document = plan(spec).inline_documents()["ecs-config-read"]
    session.client("iam").put_role_policy(RoleName=spec.role_name, PolicyName="ecs-config-read",
                                          PolicyDocument=json.dumps(document))


def _by_hand_trunking(session, spec):
    arn = session.client("iam").get_role(RoleName=spec.role_name)["Role"]["Arn"]
    session.client("ecs").put_account_setting(name="awsvpcTrunking", value="enabled",
                                              principalArn=arn)


def _still_there(session, spec, step: str) -> bool:
    iam = session.client("iam")
    if step == "attach_managed_policy":
        return CONTAINER_POLICY in [p["PolicyArn"] for p in iam.list_attached_role_policies(
            RoleName=spec.role_name)["AttachedPolicies"]]
    if step == "put_s3_config_policy":
        return "ecs-config-read" in iam.list_role_policies(RoleName=spec.role_name)["PolicyNames"]
    arn = iam.get_role(RoleName=spec.role_name)["Role"]["Arn"]
    settings = session.client("ecs").list_account_settings(
        name="awsvpcTrunking", principalArn=arn)["settings"]
    return any(s["value"] == "enabled" for s in settings)


#: (spec, the write a crash stops at, the same change made by hand, the step)
ADDITIONS = {
    "managed policy": (RoleSpec(role_name=ADOPTED), "AttachRolePolicy", _by_hand_attach,
                       "attach_managed_policy"),
    "inline policy": (RoleSpec(role_name=ADOPTED, features=["s3_config"], least_privilege=True,
                               config_bucket="ecsrole-faults-adopted"), "PutRolePolicy",
                      _by_hand_inline, "put_s3_config_policy"),
    "trunking": (RoleSpec(role_name=ADOPTED, trunking=True), "PutAccountSetting",
                 _by_hand_trunking, "enable_awsvpc_trunking"),
}


def _role_notes(session, spec) -> list[str]:
    tags = session.client("iam").list_role_tags(RoleName=spec.role_name)["Tags"]
    return [v for t in tags if t["Key"] == "ecsrole-guide-added" for v in t["Value"].split()]


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("label", list(ADDITIONS))
def test_a_crash_between_note_and_change_never_lets_teardown_undo_what_it_cannot_show(
        label, when, endpoint, faults):
    """A role someone else made; apply is killed at the write that adds to it.

    Before the write: the change never happened, and the user then makes the same
    change by hand. After it: the change is there, but nothing says it was done.
    Either way teardown cannot tell the guide's change from the user's: it keeps
    it, says so, and leaves no note of the guide's on the role.
    """
    spec, operation, by_hand, step = ADDITIONS[label]
    session = fresh(endpoint)
    session.client("iam").create_role(RoleName=spec.role_name, AssumeRolePolicyDocument=EC2_TRUST)
    faults(session).crash(nth=1, when=when, operation=operation)
    with pytest.raises(Crash):
        apply(spec, session)
    if when == "before":
        assert not _still_there(session, spec, step)
        by_hand(session, spec)

    report = teardown(spec, fresh(endpoint))
    assert report[step].outcome == "kept", str(report)
    assert "cannot tell" in report[step].reason and spec.role_name in report[step].reason
    assert _still_there(session, spec, step), "teardown undid a change it cannot show was its own"
    assert _role_notes(session, spec) == []  # the role is left without the guide's notes


@pytest.mark.parametrize("label", list(ADDITIONS))
def test_the_note_says_intent_first_and_done_after_and_teardown_undoes_what_is_done(
        label, endpoint, faults):
    """Killed before the write, then run again: the note turns from intent to done; teardown undoes it."""
    spec, operation, _, step = ADDITIONS[label]
    session = fresh(endpoint)
    session.client("iam").create_role(RoleName=spec.role_name, AssumeRolePolicyDocument=EC2_TRUST)
    faults(session).crash(nth=1, operation=operation)
    with pytest.raises(Crash):
        apply(spec, session)
    notes = _role_notes(session, spec)
    assert notes and notes[-1].startswith("adding:"), notes  # the intent, not a change

    again = apply(spec, fresh(endpoint))
    assert again[step].outcome == "created", str(again)
    assert not any(n.startswith("adding:") for n in _role_notes(session, spec))
    assert apply(spec, fresh(endpoint)).writes == 0

    report = teardown(spec, fresh(endpoint))
    assert report[step].outcome == "removed", str(report)
    assert not _still_there(session, spec, step)
    assert _role_notes(session, spec) == []
