"""Issue 17, item 10: every notebook parameter is parsed by RoleSpec's rules.

``papermill ... -p least_privilege false`` passes the string ``"false"`` (papermill reads only
``True`` and ``False`` as bools); ``bool("false")`` is True. Each such run must stop with a
``ValidationError`` naming the parameter, on the sandbox a user gets, before any write.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from ecsrole_lib import RoleSpec, ValidationError
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.notebook.quiz import Question

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"


def _papermill(name: str, out: Path, *args: str) -> subprocess.CompletedProcess:
    """The papermill command a user types, on the test's sandbox (ECSROLE_SANDBOX_ENDPOINT)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    return subprocess.run([str(Path(sys.executable).parent / "papermill"),
                           str(NOTEBOOK_DIR / f"{name}.ipynb"), str(out), "--cwd", str(NOTEBOOK_DIR),
                           "--no-progress-bar", "-k", "python3", *args],
                          check=False, env=env, capture_output=True, text=True, timeout=300)


def _errors(out: Path) -> list:
    return [o for c in nbformat.read(str(out), as_version=4).cells
            for o in c.get("outputs", []) if o.output_type == "error"]


@pytest.mark.parametrize(("name", "parameter"), [
    ("02_feature_permissions", "least_privilege"),
    ("04_eni_trunking", "trunking"),
    ("01_container_instance_role", "dry_run"),
    ("01_container_instance_role", "show_answers"),
])
def test_the_string_false_stops_the_notebook_naming_the_parameter(name, parameter, session,
                                                                   tmp_path, state, empty_state):
    out = tmp_path / "out.ipynb"
    done = _papermill(name, out, "-p", parameter, "false")
    assert done.returncode != 0, "the notebook ran with the string 'false' as a choice"
    errors = _errors(out)
    assert [e.ename for e in errors] == ["ValidationError"]
    assert f"{parameter}='false': must be True or False" in errors[0].evalue
    if parameter != "show_answers":  # the form is made first: nothing was written
        assert state(session) == empty_state


def test_papermills_own_false_is_a_bool_and_runs(session, tmp_path, iam):
    """``-p least_privilege False`` (papermill's spelling of a bool) applies the broad grants."""
    out = tmp_path / "out.ipynb"
    done = _papermill("02_feature_permissions", out, "-p", "least_privilege", "False",
                      "-y", "features: [cloudwatch_logs]")
    assert done.returncode == 0, done.stderr[-2000:]
    assert iam.list_role_policies(RoleName="ecsInstanceRole")["PolicyNames"] == []
    attached = [p["PolicyName"] for p in
                iam.list_attached_role_policies(RoleName="ecsInstanceRole")["AttachedPolicies"]]
    assert "cwlogspolicy" in attached


@pytest.mark.parametrize(("field", "value"), [
    ("least_privilege", "false"), ("trunking", "False"), ("dry_run", 0), ("least_privilege", None),
    ("features", "ecr"), ("region", 1), ("role_name", ["ecsInstanceRole"]),
])
def test_the_form_refuses_what_roleSpec_refuses(field, value):
    with pytest.raises(ValidationError) as raised:
        RoleForm(**{field: value})
    assert [p.field for p in raised.value.problems] == [field]
    if field in ("least_privilege", "trunking"):  # the very rule RoleSpec applies
        with pytest.raises(ValidationError) as spec_raised:
            RoleSpec(**{field: value})
        assert [p.rule for p in spec_raised.value.problems] == [raised.value.problems[0].rule]


def test_a_question_refuses_a_string_for_show_answers():
    with pytest.raises(ValidationError, match="show_answers='false': must be True or False"):
        Question("Why?", "Because.", show_answers="false")
