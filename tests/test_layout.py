"""Where things live: AWS clients only through ``aws.py``; progress as typed events."""

from __future__ import annotations

import importlib.util
import itertools
import re
from pathlib import Path

from ecsrole_lib import RoleSpec, apply, teardown
from ecsrole_lib.events import StepDone, StepStarted, Waiting
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.plan import plan

LIB = Path(__file__).resolve().parent.parent / "ecsrole_lib"
#: The modules that make boto3 clients: the client factory, and the sandbox's server
#: (by module name, so a move of either rewrites it like any other reference).
FACTORIES = {Path(importlib.util.find_spec(name).origin).relative_to(LIB).as_posix()
             for name in ("ecsrole_lib.aws.client", "ecsrole_lib.sandbox.server")}

SPEC = RoleSpec(role_name="eventsRole", features=["ecr", "s3_config", "cloudwatch_logs"],
                config_bucket="ecsrole-guide-events-test")


def test_clients_are_made_only_in_aws_and_sandbox():
    """Elsewhere a read goes through ``Context`` (counted, retried, errors translated).

    A waiter is ``ctx.wait(...)``, a paginated read ``ctx.pages(...)``.
    """
    raw = [f"{path.relative_to(LIB)}:{number}: {line.strip()}"
           for path in sorted(LIB.rglob("*.py")) if path.relative_to(LIB).as_posix() not in FACTORIES
           for number, line in enumerate(path.read_text().splitlines(), 1)
           if re.search(r"\.(?:client|resource)\(", line)]
    assert raw == []


def _steps_told(events: list) -> tuple[list[str], list[str]]:
    """The step ids of the StepStarted and the StepDone events, in order."""
    return ([e.step_id for e in events if isinstance(e, StepStarted)],
            [e.step_id for e in events if isinstance(e, StepDone)])


def test_apply_and_teardown_tell_each_step_as_typed_events(session):
    ids = [s.id for s in plan(SPEC)]
    events: list = []
    report = apply(SPEC, session, progress=events.append)
    started, done = _steps_told(events)
    assert done == ids  # every step, in the plan's order
    assert [e.outcome for e in events if isinstance(e, StepDone)] == [report.outcomes[i] for i in ids]
    assert started and set(started) <= set(ids)
    # A step that starts is done before the next one starts.
    told = [(type(e), e.step_id) for e in events if isinstance(e, (StepStarted, StepDone))]
    for (kind, step_id), (next_kind, next_id) in itertools.pairwise(told):
        if kind is StepStarted:
            assert (next_kind, next_id) == (StepDone, step_id)
    assert all(isinstance(e, (StepStarted, StepDone, Waiting, str)) for e in events)

    events.clear()
    again = apply(SPEC, session, progress=events.append)  # converged: only reads start
    started, done = _steps_told(events)
    reads = [s.id for s in plan(SPEC) if s.action.kind == "read"]
    assert done == ids and set(started) <= set(reads) and again.writes == 0

    events.clear()
    teardown(SPEC, session, progress=events.append)
    started, done = _steps_told(events)
    assert started == done == ids[::-1]
    assert all(e.undo for e in events if isinstance(e, StepStarted))


def _bar_values(form: RoleForm) -> list[int]:
    seen: list[int] = []
    form.progress.observe(lambda change: seen.append(change["new"]), names="value")
    return seen


def test_the_form_s_bar_counts_the_steps_done_up_to_its_max(session, capsys):
    form = RoleForm(features=list(SPEC.features), config_bucket=SPEC.config_bucket,
                    role_name=SPEC.role_name)
    form._sessions[(form.target, form.w_region.value)] = session
    n = len(plan(SPEC))
    for action in ("apply", "teardown"):
        form.action = action
        seen = _bar_values(form)
        form.run()
        # Set back to 0 as the run starts, then one step done at a time, reaching the end
        # before the run's last word (which sets it to the end anyway).
        assert seen[-n:] == list(range(1, n + 1)) and set(seen[:-n]) <= {0}, (action, seen)
        assert form.progress.value == form.progress.max == n
    printed = capsys.readouterr().out
    assert not re.search(r"^(undo )?[a-z0-9_]+(:| \.\.\.)", printed, re.MULTILINE), printed
