"""Issue 4: crashes, throttling, propagation delay and concurrent runs leave nothing half-made."""

from __future__ import annotations

import urllib.request

import pytest

pytest.register_assert_rewrite("faults")
pytest_plugins = ["faults"]

from ecsrole_lib import RoleSpec, SandboxSession, apply, teardown  # noqa: E402
from faults import FIGURES, Crash, empty_state, snapshot  # noqa: E402

SPECS = {
    "ec2 (ecr, s3_config, cloudwatch_logs, trunking)": RoleSpec(
        features=["ecr", "s3_config", "cloudwatch_logs"], config_bucket="ecsrole-faults-config",
        trunking=True),
    "external (ecr, cloudwatch_logs)": RoleSpec(
        instance_kind="external", features=["ecr", "cloudwatch_logs"]),
}


def _reset(endpoint: str) -> None:
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=60).close()


def differences(got: dict, want: dict, where: str = "") -> list[str]:
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


def _case(spec: RoleSpec, case: str) -> RoleSpec:
    if spec.config_bucket is None:
        return spec
    return spec.replace(config_bucket=f"{spec.config_bucket}-{case}")


def _normalised(state: dict, spec: RoleSpec) -> dict:
    """The snapshot with the case's own bucket name replaced by a placeholder."""
    if spec.config_bucket and spec.config_bucket in state["buckets"]:
        state = dict(state, buckets=dict(state["buckets"]))
        state["buckets"]["<config_bucket>"] = state["buckets"].pop(spec.config_bucket)
    return state


def _crash(spec, endpoint, faults, n, when):
    session = SandboxSession(endpoint)
    injector = faults(session)
    injector.crash(nth=n, when=when)
    with pytest.raises(Crash):
        apply(spec, session)
    return injector


@pytest.mark.parametrize("label", list(SPECS))
def test_crash_at_every_write_then_rerun_and_teardown(label, endpoint, faults,
                                                      s3_tags_at_creation):
    base = SPECS[label]
    spec = _case(base, "clean")
    clean = SandboxSession(endpoint)
    recorder = faults(clean)
    apply(spec, clean)
    reference = _normalised(snapshot(clean), spec)
    writes = list(recorder.writes)
    assert writes and reference != empty_state()
    teardown(spec, SandboxSession(endpoint))
    assert snapshot(clean) == empty_state(), "teardown after a clean run left something"

    figures = FIGURES["crash_positions"].setdefault(label, {"crashed": 0, "survived": 0, "failed": []})
    cases = [(n, "before") for n in range(1, len(writes) + 1)] + [(len(writes), "after")]
    failed: list[str] = []
    for n, when in cases:
        # moto keeps a deleted bucket's tags and gives them to the next bucket of that
        # name, which would hide an untagged bucket: every case gets its own bucket.
        spec = _case(base, f"{n}{when[0]}")
        name = f"write #{n} {writes[n - 1]} ({when})"
        problems: list[str] = []
        # 1. Crash, then teardown from the crashed state.
        _crash(spec, endpoint, faults, n, when)
        try:
            teardown(spec, SandboxSession(endpoint))
            left = snapshot(clean)
            if left != empty_state():
                problems.append("teardown left " + "; ".join(differences(left, empty_state())))
        except Exception as err:  # noqa: BLE001 - recorded as a failure of this position
            problems.append(f"teardown raised {type(err).__name__}: {err}")
        if problems:
            _reset(endpoint)
        # 2. Crash again, then apply with a clean session: the state of a clean run.
        _crash(spec, endpoint, faults, n, when)
        try:
            report = apply(spec, SandboxSession(endpoint))
            got = _normalised(snapshot(clean), spec)
            if got != reference:
                problems.append("re-run state differs: " + "; ".join(differences(got, reference)))
            again = apply(spec, SandboxSession(endpoint))
            if again.writes:
                problems.append(f"a third apply wrote {again.writes} time(s)")
            assert report.rows
        except Exception as err:  # noqa: BLE001
            problems.append(f"re-run raised {type(err).__name__}: {err}")
        try:
            teardown(spec, SandboxSession(endpoint))
        except Exception as err:  # noqa: BLE001
            problems.append(f"final teardown raised {type(err).__name__}: {err}")
        if snapshot(clean) != empty_state():
            _reset(endpoint)
        figures["crashed"] += 1
        if problems:
            failed.append(f"{name}: " + " | ".join(problems))
            figures["failed"].append(f"#{n}{'' if when == 'before' else ' after'}")
        else:
            figures["survived"] += 1
    assert not failed, "\n".join(failed)
