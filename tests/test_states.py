"""Issue 12: states, outcomes and kinds are enums, and what a person reads is unchanged.

A report built from the enums' members must print, render as HTML, translate and
serialise to exactly what the same report built from the bare words gives.
"""

from __future__ import annotations

import json

import pytest

from ecsrole_lib import RoleSpec, apply, plan
from ecsrole_lib.i18n.messages import word
from ecsrole_lib.report import Report
from ecsrole_lib.states import AuditOutcome, Kind, Made, Outcome, State

FULL = RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs"], trunking=True,
                config_bucket="ecsrole-states-test")


def _report(outcomes, lang: str) -> Report:
    report = Report("audit", target="sandbox", lang=lang, reads=3)
    for n, outcome in enumerate(outcomes):
        report.add(f"step_{n}", f"Step {n}", outcome, f"arn:aws:iam::123456789012:role/r{n}",
                   "role ecsInstanceRole does not exist yet")
    report.note("Run apply again at any time: it writes only what differs.")
    return report


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_report_of_members_reads_exactly_as_a_report_of_words(lang):
    members = [*Outcome, *AuditOutcome]
    words = [m.value for m in members]
    assert all(type(w) is str for w in words)
    ours, theirs = _report(members, lang), _report(words, lang)
    assert str(ours) == str(theirs)
    assert ours.html() == theirs.html()
    assert json.dumps(ours.outcomes) == json.dumps(theirs.outcomes)
    assert [r.step for r in ours.findings] == [r.step for r in theirs.findings]


def test_every_outcome_has_its_korean_word():
    untranslated = [o for o in [*Outcome, *AuditOutcome] if word(o, "ko") == o.value]
    assert not untranslated


def test_members_are_their_words():
    assert (State.OK, Outcome.CREATED, Kind.WAIT, AuditOutcome.EXTRA) == (
        "ok", "created", "wait", "extra")
    assert {"instance_profile", "instance_profile_role"} & {Made.INSTANCE_PROFILE} == {
        "instance_profile"}
    assert f"{Outcome.KEPT:>6}|{State.DRIFT}" == "  kept|drift"


def test_every_action_of_every_step_names_its_kind():
    for spec in (RoleSpec(), FULL, RoleSpec(instance_kind="external")):
        kinds = {step.id: step.action.kind for step in plan(spec)}
        assert all(isinstance(k, Kind) for k in kinds.values()), kinds


def test_apply_reports_members_and_waits_only_for_what_it_made(session):
    """The wait step looks at what the run made (``Context.made``): a first apply makes the
    instance profile and waits; a second makes nothing and says there is nothing to wait for."""
    first = apply(RoleSpec(), session)
    assert first["wait_instance_profile"].outcome == Outcome.WAITED
    assert all(isinstance(r.outcome, Outcome) for r in first.rows), first.outcomes
    again = apply(RoleSpec(), session)
    assert again["wait_instance_profile"].outcome == Outcome.UNCHANGED
    assert "nothing to wait for" in again["wait_instance_profile"].reason
