"""The quiz widget: the answer stays hidden until the button is clicked, or show_answers."""

from __future__ import annotations

from ecsrole_lib.quiz import Question

PROMPT = "Which service principal does the trust policy name for Amazon EC2?"
ANSWER = "`ec2.amazonaws.com`, the service that launches the instance."


def test_the_answer_is_hidden_until_the_button_is_clicked():
    question = Question(PROMPT, ANSWER)
    bundle = question._repr_mimebundle_()
    assert PROMPT in bundle["text/plain"] and "ec2.amazonaws.com" not in bundle["text/plain"]
    assert "ec2.amazonaws.com" not in bundle["text/html"]  # a static page gives nothing away
    assert "show_answers=True" in str(question)
    question.button.click()
    assert question.revealed and question.button.disabled
    assert "ec2.amazonaws.com" in str(question)
    assert "<code>ec2.amazonaws.com</code>" in question._repr_mimebundle_()["text/html"]


def test_show_answers_reveals_for_a_headless_run():
    assert Question(PROMPT, ANSWER, show_answers=True).revealed
    assert not Question(PROMPT, ANSWER, show_answers=False).revealed


def test_korean_labels():
    question = Question("신뢰 정책?", "ec2.amazonaws.com", lang="ko")
    assert question.button.description == "답 보기"
    assert str(question).startswith("이해도 확인: 신뢰 정책?")


def test_prompt_and_answer_are_escaped():
    question = Question("<script>x</script>?", "a & b", show_answers=True)
    html = question._repr_mimebundle_()["text/html"]
    assert "<script>" not in html and "&lt;script&gt;" in html and "a &amp; b" in html
