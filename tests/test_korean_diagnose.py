"""The doctor and the launch in Korean: no English sentence left (issue 19).

A broken role (its trust policy names ecs.amazonaws.com; an empty instance profile) and a
healthy one, made with plain boto3 and apply on the sandbox; what the doctor and the launch
show with lang="ko", text and HTML, must hold no run of four English words outside code,
commands, ARNs, URLs, product names and AWS's own answers.
"""

from __future__ import annotations

import html
import json
import re

import pytest

from ecsrole_lib import LaunchDeniedError, RoleSpec, ValidationError, apply, doctor, launch
from ecsrole_lib.diagnose.launch import launch_plan

HANGUL = re.compile("[\uac00-\ud7a3]")
#: What stays English: code, URLs, ARNs, commands, product names, AWS's own messages
#: and quoted error texts.
KEEP = re.compile(r"<code>.*?</code>|`[^`]*`|https?://\S+|arn:\S+|\baws [a-z0-9-]+ [^\n|;]*"
                  r"|(?:Amazon|AWS) [A-Z][\w-]*(?: [A-Z][\w-]*)*|User: [^\n]*|sudo [^\n;]*"
                  r"|NoCredentialProviders: no valid providers in chain|\"[^\"\n]*\""
                  r"|^\s*#[^\n]*",  # the last: user-data.sh's comments, a script's code
                  re.MULTILINE)
SENTENCE = re.compile(r"\b[A-Za-z][a-z']+(?: [A-Za-z][a-z']+){3,}\b")


def english(text: str) -> list[str]:
    """Runs of four or more English words left in ``text`` once what stays English is cut."""
    text = html.unescape(re.sub(r"<(?!/?code)[^>]+>", "\n", text))
    return [m.group() for line in KEEP.sub(" ", text).splitlines()
            for m in SENTENCE.finditer(line)]


def shown(obj) -> dict[str, str]:
    return {"text": str(obj), "html": obj._repr_html_()}


def test_the_measure_finds_an_english_sentence():
    assert english("역할 <code>aws iam get-role</code> the agent gets no credentials") == [
        "the agent gets no credentials"]
    assert english("Amazon ECS 최적화 AMI, arn:aws:iam::123456789012:role/x 역할") == []


def _trust_ecs(session, role: str) -> None:
    session.client("iam").update_assume_role_policy(RoleName=role, PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "ecs.amazonaws.com"}}]}))


def _empty_profile(session, role: str) -> None:
    session.client("iam").remove_role_from_instance_profile(
        InstanceProfileName=f"{role}-profile", RoleName=role)


@pytest.mark.parametrize("broken", [None, _trust_ecs, _empty_profile])
def test_the_doctor_and_the_launch_show_no_english_sentence_in_korean(session, broken):
    spec = RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs"],
                    config_bucket="ecsrole-guide-korean-diagnose")
    apply(spec, session)
    if broken is not None:
        broken(session, spec.role_name)
    diagnosis = doctor(spec, session, lang="ko")
    texts = {f"doctor {k}": v for k, v in shown(diagnosis).items()}
    texts |= {f"every row {k}": v for k, v in shown(diagnosis.whole()).items()}
    texts |= {f"plan {k}": v for k, v in shown(launch_plan(spec, lang="ko")).items()}
    try:
        report = launch(spec, session, lang="ko")
    except LaunchDeniedError as err:
        assert broken is not None
        report = err.report
        texts["error"] = str(err)
    else:
        assert broken is None and report.registered
    texts |= {f"launch {k}": v for k, v in shown(report).items()}
    left = {where: found for where, text in texts.items() if (found := english(text))}
    assert left == {}
    assert all(HANGUL.search(text) for text in texts.values())


@pytest.mark.parametrize("spec", [
    RoleSpec(role_name="ecsAnywhereRole", instance_kind="external", features=["cloudwatch_logs"]),
    RoleSpec(role_name="trunkingRole", trunking=True, features=["spot_draining"]),
], ids=["external", "trunking"])
def test_every_row_of_the_doctor_is_korean_for_other_instances(session, spec):
    apply(spec, session)
    diagnosis = doctor(spec, session, lang="ko").whole()
    left = {where: found for where, text in shown(diagnosis).items() if (found := english(text))}
    assert left == {}


def test_launch_and_its_plan_refuse_an_unknown_language_before_any_call(session):
    ec2 = session.client("ec2")
    before = ec2.describe_instances()["Reservations"]
    for run in (lambda: launch(RoleSpec(), session, lang="fr"),
                lambda: launch_plan(RoleSpec(), lang="fr")):
        with pytest.raises(ValidationError) as err:
            run()
        assert err.value.fields == ["lang"] and "must be one of en, ko" in str(err.value)
    assert ec2.describe_instances()["Reservations"] == before  # nothing was launched
