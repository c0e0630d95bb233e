"""The notebooks teach the concepts, define their jargon, and leave nothing of the page out.

Read from the notebook sources (what the lead rebuilds) and from the committed notebooks;
the page's words are read from ``/work/shared/reference`` (or the copy beside the repo),
never from the code under test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import papermill
import pytest

from ecsrole_lib import RoleSpec
from ecsrole_lib.errata import errata
from ecsrole_lib.plan import plan

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "tools" / "notebook_src"
PAGE_FILE = Path("/work/shared/reference/container-instance-role.ko.txt")
TAUGHT = ("01_container_instance_role", "02_feature_permissions", "03_ecs_anywhere",
          "04_eni_trunking", "05_audit")


def _builder():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_notebooks", ROOT / "tools" / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cells(name: str) -> list[tuple[str, str]]:
    """(kind, source) of each cell of notebook ``name``, from its source file."""
    return [(kind, source) for kind, source, _tags in
            _builder().parse((SOURCES / f"{name}.py").read_text())]


def markdown(name: str) -> str:
    return "\n\n".join(source for kind, source in cells(name) if kind == "markdown")


def _page() -> str:
    if not PAGE_FILE.exists():
        pytest.skip(f"the page is not at {PAGE_FILE}")
    return PAGE_FILE.read_text()


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# ---------------------------------------------------------------------------------------
# §3: each concept where it first matters, with a question; jargon defined at first use.
# ---------------------------------------------------------------------------------------
#: concept -> (words that must be taught in Markdown, words the question must use)
CONCEPTS = {
    "trust vs permissions policy": (("trust policy", "permissions polic"), ("trust policy",)),
    "managed, customer managed, inline": (("AWS managed", "customer managed", "inline"),
                                          ("customer managed",)),
    "union and boundary": (("union", "permissions boundary", "intersection"), ("boundary",)),
    "iam:PassRole": (("iam:PassRole",), ("iam:PassRole",)),
    "three roles": (("task role", "task execution role", "container instance role"), ()),
    "metadata from containers": (("169.254.169.254", "ECS_AWSVPC_BLOCK_IMDS", "hop limit"),
                                 ("hop limit", "ECS_AWSVPC_BLOCK_IMDS")),
    "confused deputy": (("confused deputy", "aws:SourceAccount", "aws:SourceArn"),
                        ("aws:SourceAccount",)),
    "eventual consistency": (("eventually consistent",), ("eventually consistent",)),
}


_ASKED = re.compile(r'Question\("(q_\w+)"')


def _question_cells(name: str) -> list[str]:
    return [source for kind, source in cells(name) if kind == "code" and "Question(" in source]


def _questions(name: str) -> list[str]:
    """The English question and answer each question cell of ``name`` asks, from the catalog
    (a cell names its question by id: the answer is in no cell)."""
    from ecsrole_lib.notebook.quiz import QUESTIONS

    asked = [key for cell in _question_cells(name) for key in _ASKED.findall(cell)]
    return [" ".join(QUESTIONS[key]["en"]) for key in asked]


def test_no_cell_of_any_notebook_holds_an_answer():
    """Issue 19: no answer shown before its question, so no answer in any cell's source (the
    learner reads the cells above the button). Checked on the committed notebooks of every
    edition, against every answer of the catalog in every language."""
    from ecsrole_lib.notebook.quiz import QUESTIONS

    answers = {(key, lang): _flat(entry[lang][1]) for key, entry in QUESTIONS.items()
               for lang in ("en", "ko") if lang in entry}
    for path in sorted((ROOT / "notebooks").rglob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            source = _flat("".join(cell["source"]))
            held = [key for key, answer in answers.items() if answer[:60] in source]
            assert not held, f"{path.name}: a cell holds the answer of {held}"


@pytest.mark.parametrize("concept", sorted(CONCEPTS))
def test_each_concept_is_taught_with_a_question_in_one_notebook(concept):
    taught, asked = CONCEPTS[concept]
    where = [n for n in TAUGHT if all(w in _flat(markdown(n)) for w in taught)]
    assert where, f"no notebook teaches {concept} ({', '.join(taught)})"
    first = where[0]
    questions = " ".join(_questions(first))
    assert questions, f"{first} teaches {concept} without a question"
    assert all(w in questions for w in asked), f"no question in {first} on {concept}"


@pytest.mark.parametrize("name", TAUGHT)
def test_questions_reveal_with_the_show_answers_parameter(name):
    code = "\n".join(source for kind, source in cells(name) if kind == "code")
    assert "show_answers: bool = False" in code
    questions = _question_cells(name)
    assert questions, name
    assert all("show_answers=show_answers" in q for q in questions)


#: term -> how its definition reads (the first mention must come with it, or after it)
JARGON = {
    "moto": r"\*moto\* server: moto is",
    "papermill": r"\*papermill\* is",
    "idempotent": r"called\s+\*idempotent\*",
    "principal": r"A \*principal\* is",
    "ENI": r"An \*ENI\* is",
    "awsvpc": r"\*`awsvpc`\* network mode",
    "drift": r"\*drift\*:",
}


@pytest.mark.parametrize("term", sorted(JARGON))
def test_jargon_is_defined_where_it_first_appears(term):
    word = re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])")
    for name in TAUGHT:
        for kind, source in cells(name):
            if kind == "markdown" and word.search(source):
                assert re.search(JARGON[term], _flat(source)), (
                    f"{term} first appears in {name} without its definition:\n{source[:300]}")
                return
    pytest.fail(f"{term} appears in no notebook")


def test_a_headless_run_with_show_answers_shows_every_answer(tmp_path):
    out = tmp_path / "03.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / "03_ecs_anywhere.ipynb"), str(out),
        parameters={"show_answers": True}, kernel_name="python3", progress_bar=False,
        cwd=str(ROOT / "notebooks"), extra_arguments=["--IPKernelApp.log_level=ERROR"])
    nb = json.loads(out.read_text())
    shown = [o["data"]["text/plain"] for c in nb["cells"] if "Question(" in "".join(c["source"])
             for o in c.get("outputs", []) if "text/plain" in o.get("data", {})]
    assert shown and all("Answer:" in "".join(t) for t in shown)
    committed = json.loads((ROOT / "notebooks" / "03_ecs_anywhere.ipynb").read_text())
    hidden = [o["data"]["text/plain"] for c in committed["cells"] if "Question(" in "".join(c["source"])
              for o in c.get("outputs", []) if "text/plain" in o.get("data", {})]
    assert hidden and not any("Answer:" in "".join(t) for t in hidden)


# ---------------------------------------------------------------------------------------
# §4: the page, complete.
# ---------------------------------------------------------------------------------------
def _json_blocks(text: str) -> list:
    blocks = re.findall(r"```json\n(.*?)```", text, re.DOTALL)
    return [json.loads(re.sub(r"^\s*", "", b, flags=re.MULTILINE)) for b in blocks]


def test_01_shows_cli_step_3s_example_response_as_the_page_writes_it():
    page = _page()
    example = json.loads(re.search(r"응답의 예\s+(\{.*?\} \})", page, re.DOTALL).group(1))
    assert example in _json_blocks(markdown("01_container_instance_role"))


def test_02_shows_the_ecr_document_and_that_the_managed_policy_holds_it():
    page = _page()
    ecr = json.loads(re.search(r"보유해야 합니다\.\s+(\{.*?\] \})", page, re.DOTALL).group(1))
    text = markdown("02_feature_permissions")
    assert ecr in _json_blocks(text)
    assert "already holds these four" in _flat(text)


def test_the_pages_remaining_sentences_are_in_the_notebooks():
    page = _flat(_page())
    one, two = _flat(markdown("01_container_instance_role")), _flat(markdown("02_feature_permissions"))
    for quote, where in (("모든 사용자 입력을 고유한 값으로 바꿉니다", one),
                         ("사용자 지정 정책을 생성할 때 관리형 정책을 가이드로 사용할 수 있습니다", one),
                         ("이 정책에 정의된 권한을 검토하여 정책이 부여한 권한을 확인합니다", two)):
        assert quote in page  # quoted from the page, not made up
        assert quote in where
    assert "use the managed policy as a guide for a custom policy" in one
    assert "review the permissions the policy grants" in two


def test_cloudwatch_logs_console_steps_are_labelled_and_step_7_reviews_the_permissions():
    the_plan = plan(RoleSpec(features=["cloudwatch_logs"]))
    logs = the_plan["create_logs_policy"]
    assert logs.page_ref.startswith("CloudWatch Logs")
    role_steps = {s.page_ref for s in the_plan if s.id in ("create_role", "attach_managed_policy")}
    assert not any(ref.startswith("CloudWatch Logs") for ref in role_steps)
    assert all(the_plan[s].page_ref.startswith("CloudWatch Logs")
               for s in ("find_logs_policy", "attach_logs_policy"))
    assert "review the permissions" in logs.console_path("en")[6]
    assert "권한을 검토" in logs.console_path("ko")[6]


def test_errata_e7_to_e9_quote_the_page_exactly_and_belong_to_a_step():
    page = _flat(_page())
    later = [e for e in errata() if int(e.id[1:]) >= 7]
    assert [e.id for e in later] == ["E7", "E8", "E9"]
    every_step = {s.id for spec in (RoleSpec(), RoleSpec(trunking=True)) for s in plan(spec)}
    for item in later:
        quote = item.as_written[:item.as_written.rfind(" (")]  # the English gloss follows
        assert quote in page, item.id
        assert item.step in every_step
        assert item.where and item.corrected and item.why


def test_no_committed_notebook_shows_a_traceback_or_an_error_stream():
    """What the learner sees is the product: no output of any committed notebook is a
    traceback or a stderr stream (the sandbox's server once logged one into 05's survey)."""
    for path in sorted((ROOT / "notebooks").rglob("[0-9][0-9]_*.ipynb")):
        for index, cell in enumerate(json.loads(path.read_text())["cells"]):
            for output in cell.get("outputs", []):
                text = "".join(output.get("text", ""))
                assert output.get("name") != "stderr", f"{path.name} cell {index}: {text[:300]}"
                assert output.get("output_type") != "error", f"{path.name} cell {index}"
                assert "Traceback (most recent call last)" not in text, f"{path.name} {index}"
