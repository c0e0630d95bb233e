"""With lang="ko" every text the library produces is Korean (ecsrole_lib/i18n/messages.py).

The operations the notebooks run (apply, a second apply, a dry run, audit, teardown,
teardown kept and forced) run for several specs on the sandbox; everything their
reports, findings, step views, errata and the sandbox's limits show in Korean must
hold no English sentence. A message added to the library without its Korean form
fails here, with the message.
"""

from __future__ import annotations

import html
import json
import re
import string
from pathlib import Path

import pytest
from page import PAGE_TRUST_POLICY

from ecsrole_lib import RoleSpec, apply, audit, teardown
from ecsrole_lib.diagnose.launch import launch_plan
from ecsrole_lib.errata import errata
from ecsrole_lib.errors import ConflictError, Problem, ValidationError
from ecsrole_lib.i18n.catalog import message as catalog_message
from ecsrole_lib.i18n.messages import CONSOLE_LABELS, KO, PAGE, tr, untranslated
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.notebook.views import (
    StepView,
    erratum,
    explain,
    least_privilege_table,
    localize,
    localized_error,
    sandbox_limits,
    trunking_settings,
)
from ecsrole_lib.plan import plan
from ecsrole_lib.render.cloudformation import rollout_commands
from ecsrole_lib.report import Report
from ecsrole_lib.teaching.guide import broken_demo, ensure_on_sandbox, guide_roles, leftovers

PAGE_FILE = Path("/work/shared/reference/container-instance-role.ko.txt")
HANGUL = re.compile("[\uac00-\ud7a3]")

SPECS = [
    RoleSpec(),
    RoleSpec(role_name="allFeatures", features=["ecr", "s3_config", "cloudwatch_logs"],
             config_bucket="ecsrole-guide-config-ko-1"),
    # Its own logs policy: the broad one of allFeatures is not rewritten under it (issue 17).
    RoleSpec(role_name="leastPrivilege", features=["ecr", "s3_config", "cloudwatch_logs"],
             least_privilege=True, config_bucket="ecsrole-guide-config-ko-2",
             log_policy_name="cwlogspolicy-scoped"),
    RoleSpec(role_name="ecsAnywhereRole", instance_kind="external"),
    RoleSpec(role_name="trunkingRole", trunking=True),
]


def _english(texts: dict[str, str]) -> dict[str, list[str]]:
    return {where: left for where, text in texts.items() if (left := untranslated(text))}


def test_the_notebooks_operations_show_no_english_sentence_in_korean(session):
    shown: dict[str, str] = {}

    def show(label, report, spec):
        report = localize(report, "ko", spec)
        shown[label] = _without_doctor_details(str(report))
        shown[label + " html"] = _without_doctor_details(
            re.sub(r"<[^>]+>", "\n", report._repr_html_()))
        shown[label + " findings"] = _without_doctor_details(str(explain(report)))

    for spec in SPECS:
        name = spec.role_name
        for number, step in enumerate(plan(spec, "ko"), 1):
            view = StepView(number, step, "ko")
            shown[f"{name} {step.id} view"] = str(view)  # its files' comments too
        for organization in (False, True):
            shown[f"{name} rollout {organization}"] = rollout_commands(
                spec, organization=organization, lang="ko")
        shown[f"{name} launch plan"] = str(launch_plan(spec, lang="ko"))
        show(f"{name} audit before", audit(spec, session), spec)
        show(f"{name} dry run", apply(spec, session, dry_run=True), spec)
        show(f"{name} apply", apply(spec, session), spec)
        show(f"{name} apply again", apply(spec, session), spec)
        show(f"{name} audit", audit(spec, session), spec)
    demo = broken_demo(session)
    roles = guide_roles(SPECS[0])
    shown["guide roles"] = str(roles.table().translated("ko"))
    shown["guide set-up"] = str(ensure_on_sandbox(session, roles).translated("ko"))
    shown["demo"] = str(demo.table().translated("ko"))
    show("demo audit", audit(demo.spec, session), demo.spec)
    with pytest.raises(ConflictError) as refused:  # it holds what its spec does not describe
        teardown(demo.spec, session)
    shown["demo teardown refused"] = str(localized_error(refused.value, "ko"))
    show("demo teardown forced", teardown(demo.spec, session, force=True), demo.spec)
    for spec in SPECS:
        show(f"{spec.role_name} teardown", teardown(spec, session), spec)
        show(f"{spec.role_name} teardown again", teardown(spec, session), spec)
    shown["leftovers"] = str(leftovers(session, roles).table().translated("ko"))
    for item in errata():
        shown[f"erratum {item.id}"] = str(erratum(item.id, session, SPECS[1], "ko"))
    shown["sandbox limits"] = str(sandbox_limits(lang="ko"))
    for spec in SPECS[1:3]:
        shown[f"{spec.role_name} least privilege"] = str(least_privilege_table(spec, "ko"))
    shown["trunking settings"] = str(trunking_settings(session, [SPECS[0], SPECS[4]], "ko"))
    assert _english(shown) == {}
    assert all(HANGUL.search(text) for text in shown.values())


def _without_doctor_details(text: str) -> str:
    """``text`` with the doctor's per-check reasons cut from its verdict row (see below); cut
    from the Korean shown, since the verdict row is rendered from the catalog by id."""
    return re.sub(r": [^\n]* \(doctor\(spec\)", ": ... (doctor(spec)", text)


def test_the_doctors_reasons_are_korean(session):
    demo = broken_demo(session)
    report = localize(audit(demo.spec, session), "ko", demo.spec)
    assert untranslated(report["doctor"].reason and str(report)) == []


def test_a_korean_form_shows_the_identity_the_summary_and_progress_in_korean(session, capsys):
    form = RoleForm(lang="ko")
    form._sessions[("sandbox", "us-east-1")] = session
    texts = {"whoami": str(form.whoami()), "run": str(form.run()),
             "printed": capsys.readouterr().out, "snapshot": form._repr_mimebundle_()["text/html"]}
    assert _english(texts) == {}
    assert "샌드박스에서 적용" in texts["run"]


def test_a_korean_forms_aws_cli_tab_writes_its_comments_in_korean():
    form = RoleForm(lang="ko", features=["s3_config", "cloudwatch_logs"],
                    config_bucket="ecsrole-guide-config-ko-3")
    shown = html.unescape(re.sub(r"<[^>]+>", "\n", form.tab_cli.value))
    comments = [line for line in shown.splitlines() if line.startswith("# ")]
    assert len(comments) >= 4 and not [line for line in comments if not HANGUL.search(line)]
    assert "# AWS CLI를 설치한 다음, 프라이빗 버킷에서 컨테이너 에이전트의 구성 파일을 복사합니다." in comments
    assert "aws s3 cp 's3://ecsrole-guide-config-ko-3/ecs.config' /etc/ecs/ecs.config" in shown


def test_errors_a_korean_form_raises_are_korean_and_keep_the_field_names(session):
    form = RoleForm(lang="ko", role_name="bad name!")
    with pytest.raises(ValidationError) as err:
        form.run()
    assert err.value.fields == ["role_name"]
    assert untranslated(str(err.value)) == []
    assert "role_name='bad name!'" in str(err.value)
    assert isinstance(err.value.__cause__, ValidationError)  # the English original, chained
    assert "invalid RoleSpec" in str(err.value.__cause__)
    assert HANGUL.search(form.problems.value)


def test_a_conflict_from_the_forms_apply_is_korean(session):
    session.client("iam").create_role(RoleName="ecsInstanceRole", Path="/",
                                      AssumeRolePolicyDocument=json.dumps(PAGE_TRUST_POLICY))
    form = RoleForm(lang="ko", features=["cloudwatch_logs"])
    form._sessions[("sandbox", "us-east-1")] = session
    session.client("iam").create_policy(PolicyName="cwlogspolicy", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*",
                                                 "Resource": "*"}]}))
    with pytest.raises(ConflictError) as err:
        form.apply()
    assert "log_policy_name" in err.value.fields
    assert untranslated(str(err.value)) == [] and HANGUL.search(str(err.value))


def test_every_validation_rule_of_a_bad_spec_has_a_korean_form():
    bad = [{"role_name": "x" * 65}, {"instance_kind": "vm"}, {"features": ["nope"]},
           {"extra_policy_arns": ["arn:aws::iam::aws:policy/X"]},
           {"extra_policy_arns": ["arn:aws:iam:111122223333:aws:policy/cwlogspolicy"]},
           {"config_bucket": "Bad_Bucket", "features": ["s3_config"]},
           {"features": ["s3_config"]}, {"cluster_name": "bad name"}, {"region": "mars"},
           {"trunking": True, "instance_kind": "external", "role_name": "r"},
           {"tags": {"aws:x": "1"}}, {"least_privilege": "yes"}]
    for values in bad:
        with pytest.raises(ValidationError) as err:
            RoleSpec(**values)
        korean = localized_error(err.value, "ko")
        assert untranslated(str(korean)) == [], values
        assert korean.fields == err.value.fields


def test_a_conflict_keeps_the_field_and_translates_the_rule():
    err = ConflictError([Problem("log_policy_name", "cwlogspolicy",
                                 "policy cwlogspolicy exists, was not created by the guide, and "
                                 "grants something else; choose another log_policy_name")])
    korean = localized_error(err, "ko")
    assert korean.fields == ["log_policy_name"] and untranslated(str(korean)) == []


def test_english_stays_english():
    message = catalog_message("steps.role_missing", role="ecsInstanceRole")
    assert tr(message, "en") == message
    report = Report("audit", target="sandbox")
    report.add("create_role", "Create the role", "missing", "", message)
    assert str(localize(report, "en")).startswith("audit on sandbox: 1 missing")
    assert message in str(localize(report, "en"))
    assert "역할 ecsInstanceRole이 아직 없습니다" in str(localize(report, "ko"))  # 롤: 이


def test_each_korean_template_uses_the_english_templates_placeholders():
    def names(template):
        return sorted(f for _, f, _, _ in string.Formatter().parse(template) if f)

    assert [t for t, k in KO.items() if names(t) != names(k)] == []


def test_each_korean_console_label_is_the_korean_consoles_own():
    page = PAGE_FILE.read_text() if PAGE_FILE.exists() else pytest.skip("the page is missing")
    for english, (korean, source) in CONSOLE_LABELS.items():
        assert source == PAGE, f"{english}: only the page is a verified source so far"
        assert korean in page, f"{english} -> {korean} is not on the page"
    used = {m for template in KO.values() for m in re.findall(r"\[\[(.+?)\]\]", template)}
    assert used <= set(CONSOLE_LABELS)


def test_the_catalog_names_no_console_label_it_cannot_verify():
    # Console screens the page does not show (a role's trust relationships tab, for one)
    # are described in Korean words, not given a label the Korean console may not use.
    unverified = {"신뢰 관계", "신뢰 정책 편집", "버킷 만들기", "하이브리드 활성화"}
    assert not [k for k in KO.values() if any(label in k for label in unverified)]
