"""The quiz widget: the answer stays hidden until the button is clicked, and hides again;
the questions come from the catalog (ecsrole_lib/notebook/questions.toml), in English and Korean."""

from __future__ import annotations

import tomllib

import pytest

from ecsrole_lib.notebook.quiz import CATALOG, Question, answer_key

PROMPT = "Which service principal does the trust policy name for Amazon EC2?"
ANSWER = "`ec2.amazonaws.com`, the service that launches the instance."


def test_the_answer_is_hidden_until_the_button_is_clicked():
    question = Question(PROMPT, ANSWER)
    bundle = question._repr_mimebundle_()
    assert PROMPT in bundle["text/plain"] and "ec2.amazonaws.com" not in bundle["text/plain"]
    assert "ec2.amazonaws.com" not in bundle["text/html"]  # a static page gives nothing away
    assert "show_answers=True" in str(question)
    question.button.click()
    assert question.revealed
    assert "ec2.amazonaws.com" in str(question)
    assert "<code>ec2.amazonaws.com</code>" in question._repr_mimebundle_()["text/html"]


@pytest.mark.parametrize(("lang", "show", "hide"), [("en", "Show the answer", "Hide the answer"),
                                                     ("ko", "답 보기", "답 숨기기")])
def test_the_button_shows_and_hides_and_says_which(lang, show, hide):
    question = Question("q_passrole", lang=lang)
    assert question.button.description == show and not question.button.disabled
    question.button.click()
    assert question.revealed and question.button.description == hide
    question.button.click()
    assert not question.revealed and question.button.description == show
    assert "iam:PassRole" not in question._repr_mimebundle_()["text/html"].split("</p>", 1)[1]


def test_the_button_is_as_wide_as_its_label():
    # A default-width button cut its label to "Show the ans..." in JupyterLab.
    assert Question("q_passrole").button.layout.width == "max-content"


def test_show_answers_reveals_for_a_headless_run():
    assert Question(PROMPT, ANSWER, show_answers=True).revealed
    assert not Question(PROMPT, ANSWER, show_answers=False).revealed
    assert Question("q_passrole", show_answers=True).button.description == "Hide the answer"


def test_a_catalog_question_is_asked_in_the_notebooks_language():
    table = tomllib.loads(CATALOG.read_text())["q_confused_deputy"]
    english, korean = Question("q_confused_deputy"), Question("q_confused_deputy", lang="ko")
    assert english.prompt == table["en"]["question"] and korean.prompt == table["ko"]["question"]
    assert korean.answer == table["ko"]["answer"]
    assert str(korean).startswith("이해도 확인: ")


def test_every_catalog_question_has_both_languages_and_a_notebook():
    tables = tomllib.loads(CATALOG.read_text())
    assert len(tables) >= 9
    for key, table in tables.items():
        assert key.startswith("q_") and table["notebook"].isdigit(), key
        for lang in ("en", "ko"):
            assert table[lang]["question"].strip() and table[lang]["answer"].strip(), (key, lang)
        assert any("\uac00" <= ch <= "\ud7a3" for ch in table["ko"]["answer"]), key


def test_an_unknown_id_says_where_the_catalog_is():
    with pytest.raises(KeyError, match="no question 'q_nope' in the catalog"):
        Question("q_nope")


def test_the_answer_key_lists_every_question_with_its_answer():
    tables = tomllib.loads(CATALOG.read_text())
    key_ko = answer_key("ko")
    for table in tables.values():
        assert table["ko"]["answer"] in key_ko and f"## {table['notebook']}" in key_ko


def test_prompt_and_answer_are_escaped():
    question = Question("<script>x</script>?", "a & b", show_answers=True)
    html = question._repr_mimebundle_()["text/html"]
    assert "<script>" not in html and "&lt;script&gt;" in html and "a &amp; b" in html
