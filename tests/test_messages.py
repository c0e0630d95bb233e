"""Messages by id (ecsrole_lib/i18n/catalog.py): both catalogs, Korean particles.

Every id the library uses has an English and a Korean template with the same fields;
the Korean never hedges a particle ("을(를)") nor uses a term the glossary rules out;
a particle follows the final sound of the word before it, as that word is read.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ecsrole_lib import RoleSpec, apply, audit, teardown
from ecsrole_lib.errors import ConflictError
from ecsrole_lib.i18n.catalog import catalog, fields_of, korean, message, render
from ecsrole_lib.notebook.views import localize, localized_error
from ecsrole_lib.plan import plan

ROOT = Path(__file__).resolve().parent.parent
LIB = ROOT / "ecsrole_lib"
GLOSSARY = LIB / "i18n" / "glossary_ko.tsv"
#: A particle written both ways: 을(를), 이(가), 은(는), 과(와), (으)로, 를(을) ...
HEDGED = re.compile(r"[을를이가은는과와]\([을를이가은는과와]\)|\(으\)로|으\(로\)")
USED = re.compile(r"""\bmessage\(\s*["']([\w.]+)["']""")
#: Hangul syllables, each with and without a final consonant.
SYLLABLE = st.integers(0xAC00, 0xD7A3).map(chr)


def _ids_used() -> dict[str, str]:
    used = {}
    for path in LIB.rglob("*.py"):
        for found in USED.findall(path.read_text(encoding="utf-8")):
            used[found] = str(path.relative_to(ROOT))
    return used


def test_every_id_the_library_uses_has_an_english_and_a_korean_template():
    used = _ids_used()
    assert used, "no producer writes message(...)"
    missing = {i: where for i, where in used.items()
               if i not in catalog("en") or i not in catalog("ko")}
    assert missing == {}


def test_both_catalogs_hold_the_same_ids_with_the_same_fields():
    en, ko = catalog("en"), catalog("ko")
    assert sorted(set(en) ^ set(ko)) == []
    differ = {i: (sorted(fields_of(en[i])), sorted(fields_of(ko[i])))
              for i in en if fields_of(en[i]) != fields_of(ko[i])}
    assert differ == {}


def test_no_korean_template_hedges_a_particle_or_uses_a_term_the_glossary_rules_out():
    banned = {}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if line.startswith("#") or len(cells) < 3:
            continue
        banned.update({w.strip(): cells[1] for w in cells[2].split(",") if w.strip()})
    hedged = {i: t for i, t in catalog("ko").items() if HEDGED.search(t)}
    wrong = {i: [w for w in banned if w in t] for i, t in catalog("ko").items()
             if any(w in t for w in banned)}
    assert (hedged, wrong) == ({}, {})


def _has_final_consonant(syllable: str) -> bool:
    """From the syllable's decomposition (a trailing jamo U+11A8-U+11C2), not arithmetic."""
    return "\u11a8" <= unicodedata.normalize("NFD", syllable)[-1] <= "\u11c2"


def _ends_in_rieul(syllable: str) -> bool:
    return unicodedata.normalize("NFD", syllable)[-1] == "\u11af"


@given(st.text(min_size=0, max_size=6), SYLLABLE)
def test_a_particle_after_hangul_follows_its_final_consonant(before, last):
    word = before + last
    out = korean("{w:을} {w:이} {w:은} {w:과} {w:으로}", w=word)
    consonant, rieul = _has_final_consonant(last), _ends_in_rieul(last)
    expected = (["을", "이", "은", "과"] if consonant else ["를", "가", "는", "와"]) + [
        "으로" if consonant and not rieul else "로"]
    assert out == " ".join(word + p for p in expected)


@given(st.text(max_size=12), st.sampled_from(["이", "가", "을", "를", "은", "는", "과", "와",
                                             "으로", "로"]))
def test_a_particle_is_never_written_both_ways(word, form):
    out = korean("{w:" + form + "}", w=word)
    assert out.startswith(word)
    assert out[len(word):] in {"이", "가", "을", "를", "은", "는", "과", "와", "으로", "로"}
    # A value that itself holds "는(은)" keeps it (it is the value, not the template's choice);
    # none is made where the value meets its particle (but "(으)" followed by 로 reads as one).
    assume(not word.endswith("(으)"))
    assert len(HEDGED.findall(out)) == len(HEDGED.findall(word))


def test_names_digits_and_acronyms_take_the_particle_of_how_they_are_read():
    # How each reads in Korean: 롤, 버킷, 클러스터, 에이알엔, 이시에스, 아이엠, 삼, 이, 십, 백.
    said = {"ecsInstanceRole": "을", "AmazonEC2ContainerServiceforEC2Role": "을",
            "my-config-bucket": "을", "ecs-cluster": "를", "ARN": "을", "ECS": "를",
            "IAM": "을", "S3": "을", "EC2": "를", "10": "을", "100": "을", "2": "를",
            "AmazonSSMManagedInstanceCore": "를", "ecsInstanceRole (the page's name)": "을",
            "역할": "을", "정책": "을", "프로파일": "을", "RoleSpec": "을"}
    assert {w: korean("{w:을}", w=w)[len(w):] for w in said} == said
    assert [korean("{w:으로}", w=w) for w in ("ecsInstanceRole", "정책", "default", "10")] == [
        "ecsInstanceRole로", "정책으로", "default로", "10으로"]


def test_a_message_is_its_english_text_and_renders_in_korean_by_id():
    text = message("audit.findings", n=2)
    assert (text, text + "", render(text, "en")) == ("2 finding(s).",) * 3
    assert render(text, "ko") == "발견 사항 2개."


def test_apply_audit_and_teardown_around_a_policy_added_by_hand_read_in_korean(session):
    spec = RoleSpec()
    apply(spec, session)
    s3_read = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
    session.client("iam").attach_role_policy(RoleName=spec.role_name, PolicyArn=s3_read)
    applied = str(localize(apply(spec, session), "ko", spec))
    audited = str(localize(audit(spec, session), "ko", spec))
    with pytest.raises(ConflictError) as refused:
        teardown(spec, session)
    said = str(localized_error(refused.value, "ko"))
    # 액세스 ends in a vowel: 는, 가; ecsInstanceRole (롤) takes 에 either way.
    assert (f"참고: ecsInstanceRole에 연결된 관리형 정책 {s3_read}는 그대로 두었습니다: "
            "사양에 없으므로 apply는 건드리지 않습니다") in applied
    assert "발견 사항 1개." in audited and "연결되어 있지만 사양에 없습니다" in audited
    assert f"이 사양에 없는 관리형 정책 {s3_read}가 있습니다" in said
    assert not HEDGED.search(applied + audited + said)


def test_removing_a_permissions_boundary_is_reported_as_removed_in_both_languages(session):
    boundary = session.client("iam").create_policy(PolicyName="boundary", PolicyDocument=(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", '
        '"Resource": "*"}]}'))["Policy"]["Arn"]
    apply(RoleSpec(permissions_boundary=boundary), session)
    report = apply(RoleSpec(), session)
    assert report["create_role"].reason == (
        "permissions boundary removed (tags and policies the spec does not name are kept)")
    assert "권한 경계를 제거했습니다(사양에 없는 태그와 정책은 유지합니다)" in str(
        localize(report, "ko", RoleSpec()))


def test_the_plans_header_and_labels_read_in_korean_and_stay_as_they_were_in_english():
    korean_plan, english_plan = str(plan(RoleSpec(), "ko")), str(plan(RoleSpec()))
    assert korean_plan.splitlines()[0] == "역할 ecsInstanceRole의 계획(ec2, 5단계)"
    assert "\n   콘솔: " in korean_plan and "\n   console: " not in korean_plan
    assert english_plan.splitlines()[0] == "Plan for role ecsInstanceRole (ec2, 5 steps)"
    assert "<p>역할 <code>ecsInstanceRole</code>의 계획(ec2, 5단계)</p>" in plan(
        RoleSpec(), "ko")._repr_html_()
