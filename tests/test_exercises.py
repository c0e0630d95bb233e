"""Notebook 06's exercises as a learner meets them: the break, the fix the learner makes in the
workbench, the doctor's answer, and the AWS state read back with boto3."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecsrole_lib.teaching.exercises import EXERCISES, cleanup, exercise


def _bench(session, exercise_id: str, lang: str = "en"):
    return exercise(exercise_id, lang).break_it(session, "us-east-1")


def _trust_services(iam, role: str) -> list[str]:
    trust = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    return [s["Principal"]["Service"] for s in trust["Statement"]]


def test_each_exercise_starts_from_its_own_clean_role(session, iam):
    first, second = _bench(session, "explicit_deny"), _bench(session, "config_unreadable")
    assert first.spec.role_name != second.spec.role_name
    # Exercise 7's role holds its own break only, not exercise 4's guardrail.
    assert iam.list_role_policies(RoleName=second.spec.role_name)["PolicyNames"] == [
        "ecs-config-read"]
    assert iam.list_role_policies(RoleName=first.spec.role_name)["PolicyNames"] == ["guardrail"]


def test_the_break_shows_what_the_user_sees_and_not_what_was_broken(session):
    bench = _bench(session, "wrong_trust")
    shown = str(bench)
    assert "the new instance is not in cluster default" in shown
    assert "AssumeRoleUnauthorizedAccess" in shown  # the message the user gets
    assert "ecs.amazonaws.com (the service" not in shown  # the old break table's give-away
    assert bench.diagnosis is None  # nothing checked before the learner's fix


def test_a_wrong_principal_is_made_and_the_doctor_says_what_is_still_wrong(session, iam):
    bench = _bench(session, "wrong_trust")
    diagnosis = bench.check("ecs-tasks.amazonaws.com")
    assert _trust_services(iam, bench.spec.role_name) == ["ecs-tasks.amazonaws.com"]
    assert [c.name for c in diagnosis.failures] == ["trust"]
    assert bench.said.startswith("Not yet: the doctor still finds 1 problem(s)")
    diagnosis = bench.check("ec2.amazonaws.com")
    assert _trust_services(iam, bench.spec.role_name) == ["ec2.amazonaws.com"]
    assert diagnosis.registers and not diagnosis.failures
    assert bench.said == f"Fixed: the doctor finds no problem with {bench.spec.role_name}."


def test_the_profile_name_given_as_the_role_name_is_refused_as_aws_refuses_it(session, iam):
    bench = _bench(session, "empty_profile")
    profile = bench.spec.instance_profile_name
    assert bench.check(profile) is None  # no role of that name
    assert "The sandbox refused the change" in bench.said and profile in bench.said
    assert iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"] == []
    assert bench.check(bench.spec.role_name).registers
    held = iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]["Roles"]
    assert [r["RoleName"] for r in held] == [bench.spec.role_name]


def test_a_document_that_is_not_json_is_refused_before_any_call(session, iam, record_calls):
    calls = record_calls(session)  # before the bench makes its clients
    bench = _bench(session, "explicit_deny")
    before = iam.get_role_policy(RoleName=bench.spec.role_name, PolicyName="guardrail")
    mark = calls.mark()
    assert bench.check('{"Version": "2012-10-17", "Statement": [') is None
    assert calls.since(mark) == []
    assert bench.said == "guardrail: not JSON: the text stops making sense at line 1, column 41"  # where the text ends
    after = iam.get_role_policy(RoleName=bench.spec.role_name, PolicyName="guardrail")
    assert after["PolicyDocument"] == before["PolicyDocument"]


def test_emptying_the_box_deletes_the_learners_policy_and_fixes_the_deny(session, iam):
    bench = _bench(session, "explicit_deny")
    assert bench.check("").registers
    assert iam.list_role_policies(RoleName=bench.spec.role_name)["PolicyNames"] == []


def test_the_boundary_is_kept_and_its_new_version_allows_the_agent(session, iam):
    bench = _bench(session, "boundary")
    doc = json.loads(bench.editor.value)
    doc["Statement"][0]["Action"].append("ecs:*")
    assert not bench.check(json.dumps(doc)).failures
    role = iam.get_role(RoleName=bench.spec.role_name)["Role"]
    arn = role["PermissionsBoundary"]["PermissionsBoundaryArn"]  # still there
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    version = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])
    assert "ecs:*" in version["PolicyVersion"]["Document"]["Statement"][0]["Action"]


@pytest.mark.parametrize("item", EXERCISES, ids=lambda e: e.id)
def test_the_reference_fix_satisfies_the_doctor_and_a_second_check_writes_nothing(
        session, item, record_calls):
    calls = record_calls(session)
    bench = item.break_it(session, "us-east-1", show_answers=True)
    assert bench.diagnosis is not None and not bench.diagnosis.failures, bench.said
    mark = calls.mark()
    bench.check()
    assert calls.writes(mark) == []


def test_the_workbench_speaks_korean(session):
    bench = _bench(session, "stale_copy", lang="ko")
    assert "직접 고쳐 보기" in str(bench) and "사용자가 보는 것" in str(bench)
    bench.check()
    assert bench.said.startswith("아직 아닙니다. doctor가 여전히 문제 1개를 찾습니다.")
    assert bench.button.description == "확인"


def test_cleanup_removes_every_exercise_role_and_the_boundary_policy(session, iam):
    for item in EXERCISES:
        item.break_it(session, "us-east-1")
    bench = _bench(session, "boundary")
    bench.check('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", '
                '"Resource": "*"}]}')  # a second version of the boundary policy
    table = cleanup(session)
    assert table.rows == []  # nothing kept
    roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]
    assert not [r for r in roles if r.startswith("ecsDoctorDemoRole")]
    assert not [p for p in iam.list_policies(Scope="Local")["Policies"]
                if p["PolicyName"] == "ecsrole-guide-exercise-boundary"]


def test_any_text_in_the_policy_box_is_refused_or_made_never_raised(session, iam):
    bench = exercise("config_unreadable").break_it(session, "us-east-1")
    role = bench.spec.role_name

    @settings(max_examples=40, deadline=None)
    @given(text=st.text(max_size=60).filter(str.strip))
    def check(text):
        before = iam.list_role_policies(RoleName=role)["PolicyNames"]
        assert bench.check(text) is None  # no random text is a policy document
        assert bench.said.startswith("ecs-config-read: ")  # the field, then the rule
        assert iam.list_role_policies(RoleName=role)["PolicyNames"] == before

    check()
