"""The role's picture (``form.picture()`` in 01, 03, 04 and 05): what it shows, in the
learner's language.

The picture is read from the sandbox, the way a notebook cell reads it; a Korean learner
sees every word of the SVG in Korean, only names, ARNs and API actions as AWS writes them.
"""

from __future__ import annotations

import html
import re

import pytest

from ecsrole_lib import RoleSpec, apply
from ecsrole_lib.notebook.diagram import role_picture

#: What stays as AWS writes it in either language: names, principals, API actions.
NAMES = re.compile(r"ecs\w*Role(?:-profile)?|Amazon\w+(?:Role|Core)|AWS|IAM|SSM|"
                   r"Amazon EC2|[a-z0-9.]+\.amazonaws\.com|sts:AssumeRole|ec2|external|→|[()\[\]:]")


def _texts(svg: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def _picture(session, lang: str, **spec):
    return role_picture(RoleSpec(**spec), session, lang)


def test_a_role_the_guide_made_is_pictured_ok_and_a_missing_one_missing(session):
    before = _picture(session, "en")
    assert "role ecsInstanceRole  [missing]" in str(before)
    apply(RoleSpec(), session)
    after = _picture(session, "en")
    assert str(after).splitlines() == [
        "role ecsInstanceRole  [ok]",
        "  trusted by ec2.amazonaws.com  [ok]",
        "  instance profile ecsInstanceRole-profile  [ok]",
        "  policy AmazonEC2ContainerServiceforEC2Role (AWS managed)  [ok]"]


def test_a_wrong_principal_is_pictured_wrong_and_names_the_one_expected(session, iam):
    apply(RoleSpec(), session)
    iam.update_assume_role_policy(RoleName="ecsInstanceRole", PolicyDocument=(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]}'))
    lines = str(_picture(session, "ko")).splitlines()
    assert "  신뢰하는 보안 주체 ecs.amazonaws.com  [잘못됨]  필요한 보안 주체: ec2.amazonaws.com" in lines
    assert "  신뢰하는 보안 주체 ec2.amazonaws.com  [없음]" in lines


@pytest.mark.parametrize("kind", ["ec2", "external"])
def test_every_word_of_the_korean_picture_is_korean(session, kind):
    spec = {"instance_kind": kind, "role_name": "ecsAnywhereRole" if kind == "external"
            else "ecsInstanceRole"}
    apply(RoleSpec(**spec), session)
    texts = _texts(_picture(session, "ko", **spec)._repr_svg_())
    english = [t for t in texts if re.search(r"[A-Za-z]{2,}", NAMES.sub(" ", t))]
    assert english == [], english
    assert {"IAM 역할", "권한 정책", "정상", "없음", "추가됨", "잘못됨"} <= set(texts)
    english_texts = _texts(_picture(session, "en", **spec)._repr_svg_())
    assert len(texts) == len(english_texts)  # the same picture, in other words
