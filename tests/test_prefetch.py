"""Reading ahead changes nothing but the waiting.

Each case runs an action on a prepared state twice, once as the steps read one
by one (``prefetch`` switched off) and once with the reads made ahead,
concurrently; the same state is prepared again in between. The report (every
row, outcome and reason), the API requests made (operation and parameters,
counted by our own hook), the counts in the report and the state left behind
must be the same. A read made ahead that no step takes would show as an extra
request; a stale answer taken after a write would show in the rows or the state.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import Counter
from unittest import mock

import pytest
from readback import read_state

from ecsrole_lib import AwsError, RoleSpec, SandboxSession, apply, audit, teardown
from ecsrole_lib.aws.client import WORKERS, Context, Read, is_read

FULL = RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs"], config_bucket="ecsrole-prefetch-config",
                trunking=True, tags={"team": "platform"})
SPECS = {
    "base": RoleSpec(),
    "full": FULL,
    "full least privilege": FULL.replace(least_privilege=True, config_bucket="ecsrole-prefetch-lp"),
    "external": RoleSpec(instance_kind="external", features=["ecr", "cloudwatch_logs"]),
}
FOREIGN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket",
                                                   "Resource": "*"}]}


def _drift(session: SandboxSession, spec: RoleSpec) -> None:
    """Someone else edits what the guide made: several facets at once."""
    apply(spec, session)
    iam = session.client("iam")
    iam.put_role_policy(RoleName=spec.role_name, PolicyName="someone-elses-inline",
                        PolicyDocument=json.dumps(FOREIGN))
    iam.tag_role(RoleName=spec.role_name, Tags=[{"Key": "team", "Value": "x"}])
    attached = iam.list_attached_role_policies(RoleName=spec.role_name)["AttachedPolicies"]
    iam.detach_role_policy(RoleName=spec.role_name, PolicyArn=attached[-1]["PolicyArn"])
    if spec.instance_kind == "ec2":
        iam.remove_role_from_instance_profile(InstanceProfileName=spec.instance_profile_name,
                                              RoleName=spec.role_name)
    if spec.config_bucket:
        session.client("s3").put_object(Bucket=spec.config_bucket, Key=spec.config_key,
                                        Body=b"ECS_CLUSTER=other\n", Tagging="created-by=ecsrole-guide")


def _foreign_role(session: SandboxSession, spec: RoleSpec) -> None:
    """The role exists, made by someone else, with the documented trust policy."""
    apply(RoleSpec(instance_kind=spec.instance_kind), session)  # the trust policy, then untag
    session.client("iam").untag_role(RoleName=spec.role_name, TagKeys=["created-by"])


STATES = {
    "empty": lambda session, spec: None,
    "converged": lambda session, spec: apply(spec, session),
    "base only": lambda session, spec: apply(RoleSpec(instance_kind=spec.instance_kind), session),
    "drifted": _drift,
    "foreign role": _foreign_role,
}
ACTIONS = {"apply": apply, "audit": audit, "teardown": teardown}


class Requests:
    """Every request the library's clients make: operation and parameters."""

    def __init__(self, session: SandboxSession):
        self.made: list[str] = []
        session.events.register("before-parameter-build", self._record)

    def _record(self, params=None, model=None, **_) -> None:
        self.made.append(f"{model.name} {json.dumps(params, sort_keys=True, default=_kind)}")


def _untimed(reason: str) -> str:
    return re.sub(r"\d+\.\d+ s\b", "<seconds> s", reason)  # the wait says how long it took


def _kind(value) -> str:
    return type(value).__name__  # a request body (a stream) by its kind, not its address


def _run(endpoint, wipe, spec, state, action, ahead: bool):
    wipe()
    setup = SandboxSession(endpoint)
    STATES[state](setup, spec)
    session = SandboxSession(endpoint)
    requests = Requests(session)
    with contextlib.ExitStack() as switch:
        if not ahead:
            for name in ("prefetch", "verify_ahead"):
                switch.enter_context(mock.patch(f"ecsrole_lib.converge.{name}", lambda *a: None))
        try:
            report = ACTIONS[action](spec, session)
            outcome = ([(r.step, r.outcome, _untimed(r.reason)) for r in report.rows], report.notes,
                       report.reads, report.writes)
        except Exception as err:  # noqa: BLE001 - the error itself is compared
            outcome = (type(err).__name__, str(err))
    return outcome, Counter(requests.made), read_state(setup, spec.region)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("label", SPECS)
def test_reading_ahead_changes_nothing_but_the_waiting(label, state, action, endpoint, wipe):
    spec = SPECS[label]
    one_by_one = _run(endpoint, wipe, spec, state, action, ahead=False)
    ahead = _run(endpoint, wipe, spec, state, action, ahead=True)
    assert ahead[2] == one_by_one[2]           # the same state left behind
    if len(ahead[0]) == 4:
        rows, notes, reads, writes = ahead[0]
        assert (rows, notes, writes) == one_by_one[0][:2] + one_by_one[0][3:]
        assert reads + writes == sum(ahead[1].values())  # the report counts the requests made
        extra = ahead[1] - one_by_one[1]
        assert not one_by_one[1] - ahead[1]
        # The page's list-policies step is read ahead in a run that finds its policy; a
        # repair made before that step drops the answer, and the step reads again.
        assert not extra or (writes and extra == Counter(['ListPolicies {"Scope": "Local"}'])), extra
        assert reads == one_by_one[0][2] + sum(extra.values())
    else:
        assert ahead[0] == one_by_one[0]       # the same error
        # A conflict stops the run after its checks (apply's, or teardown's preflight):
        # what the steps after them would have read was read ahead for nothing.
        extra = ahead[1] - one_by_one[1]
        assert not one_by_one[1] - ahead[1] and sum(extra.values()) <= 8, extra
        assert all(is_read(request.split()[0]) for request in extra), extra


def test_reads_ahead_run_at_once_on_a_bounded_pool(session):
    """Twenty reads ahead use at most WORKERS threads, and each answer is taken once."""
    import threading

    ctx = Context(session, "us-east-1")
    seen: set[int] = set()
    client = ctx.client("iam")
    client.meta.events.register("before-send", lambda **_: seen.add(threading.get_ident()))
    names = [f"no-such-role-{i}" for i in range(20)]
    answers = ctx.read_ahead([Read("iam", "get_role", {"RoleName": n}) for n in names])
    assert all(type(a).__name__ == "NoSuchEntityException" for a in answers)
    assert 1 < len(seen) <= WORKERS
    assert ctx.calls.reads == 20
    with pytest.raises(AwsError) as caught:  # the kept error, translated as a live one is
        ctx.call("iam", "get_role", "reading the role", RoleName=names[0])
    assert caught.value.code == "NoSuchEntity" and "GetRole failed while reading the role" in str(caught.value)
    with pytest.raises(AwsError):
        ctx.call("iam", "get_role", RoleName=names[0])  # taken once: this one asks AWS
    assert ctx.calls.reads == 21


def test_a_write_drops_the_answers_it_could_change(session):
    ctx = Context(session, "us-east-1")
    apply(RoleSpec(), session)
    ctx.read_ahead([Read("iam", "get_role", {"RoleName": "ecsInstanceRole"}),
                    Read("iam", "get_instance_profile", {"InstanceProfileName": "ecsInstanceRole-profile"}),
                    Read("iam", "list_policies", {"Scope": "Local"}, "Policies")])
    ctx.call("iam", "tag_role", RoleName="ecsInstanceRole", Tags=[{"Key": "k", "Value": "v"}])
    reads = ctx.calls.reads
    role = ctx.call("iam", "get_role", RoleName="ecsInstanceRole")["Role"]
    assert {"Key": "k", "Value": "v"} in role["Tags"] and ctx.calls.reads == reads + 1
    ctx.call("iam", "get_instance_profile", InstanceProfileName="ecsInstanceRole-profile")
    assert ctx.calls.reads == reads + 1  # another resource: the answer made ahead is taken
    ctx.pages("iam", "list_policies", "Policies", Scope="Local")
    assert ctx.calls.reads == reads + 2  # a listing: any write to IAM may change it
