"""The guide notebooks, run headlessly with papermill on the moto server.

Every run uses ``target="aws"`` with ``AWS_ENDPOINT_URL`` pointing at the test
suite's moto server (the kernel inherits the environment), so it takes the
real-AWS path end to end; the state it leaves is read back with plain boto3.

The matrix (13 papermill runs): both kinds (01 ec2, 03 external); each
feature alone (02) and all together; least privilege off and on; trunking
(04); method console against cli on the same spec, same end state; lang en
and ko; dry run; a bad parameter; and the whole guide 02-05 then 99, which
leaves the server empty.

Beside the matrix: the committed notebooks are executed (every code cell has an
execution count: nbval passes unexecuted notebooks trivially), match their
sources in ``tools/notebook_src``, document their parameters for papermill,
pass ruff; and the form's button and its ``run()`` take the same path.
``make test`` also runs ``pytest --nbval`` on every committed notebook.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.teaching.guide import ANYWHERE_ROLE, NOTEBOOKS, TRUNKING_ROLE

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
CONTAINER_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
S3_READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
LOGS_POLICY = "arn:aws:iam::123456789012:policy/cwlogspolicy"
BUCKET = "ecsrole-guide-config-123456789012"
OWNER = {"created-by": "ecsrole-guide"}
PARAMETER_NAMES = {"target", "region", "role_name", "instance_profile_name", "instance_kind",
                   "features", "least_privilege", "config_bucket", "cluster_name", "trunking",
                   "method", "dry_run", "lang", "show_answers"}


def run(name: str, tmp_path: Path, **parameters) -> nbformat.NotebookNode:
    """Execute notebook ``name`` with papermill, target="aws"; the executed notebook."""
    out = tmp_path / f"{name}-{len(list(tmp_path.iterdir()))}.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK_DIR / f"{name}.ipynb"), str(out), parameters={"target": "aws", **parameters},
        kernel_name="python3", progress_bar=False, cwd=str(NOTEBOOK_DIR),
        request_save_on_cell_execute=False, extra_arguments=["--IPKernelApp.log_level=ERROR"])
    return nbformat.read(str(out), as_version=4)


def text(nb: nbformat.NotebookNode) -> str:
    """Every output of every code cell, as text (plain and HTML)."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts += [output.get("text", ""), data.get("text/plain", ""), data.get("text/html", ""),
                      output.get("evalue", "")]
    return "\n".join(p if isinstance(p, str) else "".join(p) for p in parts)


# ---------------------------------------------------------------------------------------
# The committed notebooks.
# ---------------------------------------------------------------------------------------
def _builder():
    spec = importlib.util.spec_from_file_location("build_notebooks",
                                                  ROOT / "tools" / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_notebooks_are_committed_in_the_guides_order():
    assert sorted(p.stem for p in NOTEBOOK_DIR.glob("*.ipynb")) == list(NOTEBOOKS)
    assert _builder().names() == list(NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook_is_executed(name):
    """nbval passes a notebook without outputs trivially: every code cell must have run."""
    nb = nbformat.read(str(NOTEBOOK_DIR / f"{name}.ipynb"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    missing = [i for i, c in enumerate(code) if not isinstance(c.get("execution_count"), int)]
    assert not missing, f"code cells without an execution count: {missing} (run make notebooks)"
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]


@pytest.mark.parametrize("edition", ["en", "ko"])
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook_matches_its_source(name, edition):
    built = _builder().build(name, edition)
    folder = NOTEBOOK_DIR / ("ko" if edition == "ko" else "")
    committed = nbformat.read(str(folder / f"{name}.ipynb"), as_version=4)
    assert ([(c.cell_type, c.source, c.metadata.get("tags", [])) for c in committed.cells]
            == [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in built.cells]), \
        "the notebook differs from tools/notebook_src: run make notebooks"


@pytest.mark.parametrize("edition", ["", "ko"])
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_parameters_are_typed_and_documented_for_papermill(name, edition):
    path = NOTEBOOK_DIR / edition / f"{name}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in first_code.metadata.get("tags", [])
    inferred = papermill.inspect_notebook(str(path))
    assert {"target", "region", "lang"} <= set(inferred) <= PARAMETER_NAMES
    for parameter in inferred.values():
        assert parameter["inferred_type_name"] not in ("None", None), parameter
        assert parameter["help"].strip(), parameter
        # papermill --help-notebook explains each parameter in the edition's language.
        assert bool(re.search("[가-힣]", parameter["help"])) == (edition == "ko"), parameter
    assert inferred["target"]["default"] == '"sandbox"'
    assert inferred["lang"]["default"] == f'"{edition or "en"}"'


def test_notebooks_pass_ruff():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is not installed")
    done = subprocess.run([ruff, "check", "--no-cache", str(NOTEBOOK_DIR)], check=False,
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


# ---------------------------------------------------------------------------------------
# The form, in process.
# ---------------------------------------------------------------------------------------
def test_form_button_and_run_take_the_same_path(aws_session, state, empty_state):
    form = RoleForm(target="aws", features=["ecr"], lang="ko")
    assert "역할 생성" in form.tab_console.value and not form.button.disabled
    form.button.click()
    assert form.last_error is None, form.last_error
    assert form.last_result.report.writes == 4
    shown = form.output.outputs[0]["data"]
    assert "AWS에서 적용" in shown["text/plain"] and "신뢰 정책으로 역할 생성" in shown["text/html"]
    assert form.progress.value == form.progress.max
    after_click = state(aws_session)
    assert after_click["roles"]["ecsInstanceRole"]["attached"] == [CONTAINER_POLICY]
    again = form.run()
    assert again.report.writes == 0 and state(aws_session) == after_click
    assert form.output.outputs[0]["data"]["text/plain"] == str(again)

    form.w_role_name.value = "bad name!"  # re-rendered on change: the problem, no button
    assert form.button.disabled and "role_name" in form.problems.value
    form.w_role_name.value = "ecsInstanceRole"
    form.w_features["cloudwatch_logs"].value = True
    assert "cwlogspolicy" in form.tab_cli.value and not form.button.disabled


def test_form_shows_an_error_from_a_click_instead_of_raising(aws_session, state, empty_state):
    form = RoleForm(target="aws", features=["s3_config"], config_bucket="ecsrole-guide-x")
    form.w_config_bucket.value = "Not_A_Bucket"
    form.button.disabled = False  # as if the click came before the re-render
    form.button.click()
    assert type(form.last_error).__name__ == "ValidationError"
    assert "config_bucket" in form.output.outputs[0]["data"]["text/plain"]
    assert state(aws_session) == empty_state


def test_form_export_button_writes_the_script_and_template_next_to_the_notebook(
        aws_session, tmp_path, monkeypatch, state, empty_state):
    monkeypatch.chdir(tmp_path)  # the notebook's folder
    form = RoleForm(target="aws", role_name="ecsExportRole", features=["cloudwatch_logs"])
    form.export_button.click()
    folder = tmp_path / "exports"
    script = (folder / "ecsrole-setup.sh").read_text()
    assert script.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in script
    assert "--role-name ecsExportRole" in script and "instance-cw-logs.json" in script
    template = (folder / "ecsrole-role.cfn.yaml").read_text()
    assert "AWS::IAM::Role" in template and "AWS::IAM::InstanceProfile" in template
    assert (folder / "instance-role-trust-policy.json").exists()
    shown = form.output.outputs[0]["data"]
    assert "create-stack-set" in shown["text/plain"] and "CAPABILITY_NAMED_IAM" in shown["text/plain"]
    assert "href='exports/ecsrole-setup.sh'" in shown["text/html"]
    assert state(aws_session) == empty_state  # exporting writes files, never AWS


# ---------------------------------------------------------------------------------------
# The papermill matrix, target="aws" on the moto server.
# ---------------------------------------------------------------------------------------
def test_01_makes_the_pages_role_and_shows_the_caller_first(aws_session, tmp_path, state):
    nb = run("01_container_instance_role", tmp_path)
    outputs = text(nb)
    assert "Caller ARN: arn:aws:sts::123456789012:user/moto" in outputs
    assert "Account: 123456789012" in outputs and "AWS_ENDPOINT_URL" in outputs
    assert outputs.index("Caller ARN") < outputs.index("Plan for role ecsInstanceRole")
    assert "Create the role with its trust policy" in outputs and "역할 생성" not in outputs
    held = state(aws_session)
    role = held["roles"]["ecsInstanceRole"]
    assert role["attached"] == [CONTAINER_POLICY] and role["tags"] == OWNER
    assert '"Service": ["ec2.amazonaws.com"]' in role["trust"][0]
    assert held["instance_profiles"]["ecsInstanceRole-profile"]["roles"] == ["ecsInstanceRole"]


@pytest.mark.parametrize("feature, lang", [("ecr", "ko"), ("s3_config", "en"),
                                           ("cloudwatch_logs", "en")])
def test_02_each_feature_alone(aws_session, tmp_path, state, feature, lang):
    nb = run("02_feature_permissions", tmp_path, features=[feature], lang=lang)
    outputs = text(nb)
    role = state(aws_session)["roles"]["ecsInstanceRole"]
    held = state(aws_session)
    if feature == "ecr":  # the managed policy has the four actions: nothing is added (E6)
        assert role["attached"] == [CONTAINER_POLICY] and role["inline"] == {}
        assert "역할 생성" in outputs and "Amazon ECR 권한 확인" in outputs
        assert "ecr:GetAuthorizationToken: AmazonEC2ContainerServiceforEC2Role(v" in outputs  # ko
        assert "NOT granted" not in outputs and "허용되지 않음" not in outputs
    if feature == "s3_config":  # the page's broad grant, E3 corrected
        assert role["attached"] == sorted([CONTAINER_POLICY, S3_READ_ONLY])
        assert held["buckets"][BUCKET]["objects"]["ecs.config"]["body"] == "ECS_CLUSTER=default\n"
        # Its least-privilege alternative is shown in the appendix, 07.
        beyond = text(run("07_beyond_the_page", tmp_path, features=[feature], lang=lang))
        assert "the alternative with least_privilege=True" in beyond
    if feature == "cloudwatch_logs":  # create, find by name (E4), attach (E5)
        assert role["attached"] == sorted([CONTAINER_POLICY, LOGS_POLICY])
        assert "arn:aws:logs:*:*:*" in held["local_policies"][LOGS_POLICY]["document"][0]
        assert "(as written) returns []" in outputs
    assert lang == "en" or "Create the role with its trust policy" not in outputs


def test_02_least_privilege_console_and_cli_end_in_the_same_state(aws_session, tmp_path, state,
                                                                  empty_state):
    everything = {"features": ["ecr", "s3_config", "cloudwatch_logs"], "least_privilege": True}
    run("02_feature_permissions", tmp_path, method="console", **everything)
    by_console = state(aws_session)
    role = by_console["roles"]["ecsInstanceRole"]
    assert role["attached"] == sorted([CONTAINER_POLICY, LOGS_POLICY])  # no AmazonS3ReadOnlyAccess
    assert list(role["inline"]) == ["ecs-config-read"]
    assert f"arn:aws:s3:::{BUCKET}/ecs.config" in role["inline"]["ecs-config-read"][0]
    assert "arn:aws:logs:us-east-1:123456789012:*" in \
        by_console["local_policies"][LOGS_POLICY]["document"][0]

    nb = run("99_cleanup", tmp_path, **everything)
    assert state(aws_session) == empty_state, text(nb)[-2000:]
    nb = run("02_feature_permissions", tmp_path, method="cli", **everything)
    assert "AWS CLI output" in text(nb) and "with the AWS CLI, then audited" in text(nb)
    assert state(aws_session) == by_console


def test_dry_run_shows_the_caller_and_the_plan_and_writes_nothing(aws_session, tmp_path, state,
                                                                  empty_state):
    nb = run("01_container_instance_role", tmp_path, dry_run=True, method="cli")
    outputs = text(nb)
    assert "Caller ARN: arn:aws:sts::123456789012:user/moto" in outputs
    assert "Plan for role ecsInstanceRole" in outputs and "planned" in outputs
    assert "AWS CLI script (not run)" in outputs
    assert state(aws_session) == empty_state


def test_a_bad_parameter_fails_with_the_librarys_message_and_writes_nothing(
        aws_session, tmp_path, state, empty_state):
    with pytest.raises(papermill.PapermillExecutionError) as raised:
        run("01_container_instance_role", tmp_path, role_name="bad name!")
    assert raised.value.ename == "ValidationError"
    out = max(tmp_path.glob("*.ipynb"))
    errors = [o for c in nbformat.read(str(out), as_version=4).cells
              for o in c.get("outputs", []) if o.output_type == "error"]
    assert len(errors) == 1 and errors[0].ename == "ValidationError"
    assert "invalid RoleSpec, nothing was sent to AWS" in errors[0].evalue
    assert "role_name='bad name!'" in errors[0].evalue
    assert state(aws_session) == empty_state


def test_the_guide_on_aws_then_cleanup_leaves_nothing(aws_session, tmp_path, state, empty_state):
    run("02_feature_permissions", tmp_path)
    run("03_ecs_anywhere", tmp_path)
    run("04_eni_trunking", tmp_path)
    held = state(aws_session)
    assert set(held["roles"]) == {"ecsInstanceRole", ANYWHERE_ROLE, TRUNKING_ROLE}
    anywhere = held["roles"][ANYWHERE_ROLE]
    assert anywhere["attached"] == sorted([CONTAINER_POLICY, SSM_CORE])
    assert '"Service": ["ssm.amazonaws.com"]' in anywhere["trust"][0]
    assert "aws:SourceAccount" in anywhere["trust"][0]
    assert not any(ANYWHERE_ROLE in p["roles"] for p in held["instance_profiles"].values())
    assert held["roles"][TRUNKING_ROLE]["trunking"] == ["enabled"]
    assert held["instance_profiles"][f"{TRUNKING_ROLE}-profile"]["roles"] == [TRUNKING_ROLE]
    assert held["roles"]["ecsInstanceRole"]["attached"] == sorted(
        [CONTAINER_POLICY, S3_READ_ONLY, LOGS_POLICY])

    audited = text(run("05_audit", tmp_path))
    assert "No findings: AWS matches the spec." in audited
    assert "not built" in audited  # the broken demo role is for the sandbox only
    assert state(aws_session) == held  # the audit wrote nothing

    beyond = text(run("07_beyond_the_page", tmp_path))
    assert "create-stack-set" in beyond  # the export section's rollout recipe
    assert (NOTEBOOK_DIR / "exports" / "ecsrole-setup.sh").exists()
    assert "ecsInstanceRole" in beyond and "holds AmazonEC2ContainerServiceforEC2Role" in beyond
    assert state(aws_session) == held  # the survey and the exports wrote nothing to AWS

    cleaned = text(run("99_cleanup", tmp_path))
    assert "Nothing the guide made is left on AWS." in cleaned
    assert state(aws_session) == empty_state


# ---------------------------------------------------------------------------------------
# 06: the doctor, the launch and the exercises.
# ---------------------------------------------------------------------------------------
#: Where each exercise's instance stops, in the order of the exercises (what the user sees).
EXERCISE_STOPS = ("assume_role", "assume_role", "ecs:TagResource", "ecs:RegisterContainerInstance",
                  "ecs:RegisterContainerInstance", "ecs:Poll (Service Connect agent)",
                  "s3:GetObject")


def _live_instances(session) -> list[dict]:
    ec2 = session.client("ec2")
    return [i for r in ec2.describe_instances(Filters=[{"Name": "instance-state-name", "Values": [
        "pending", "running", "stopping", "stopped"]}])["Reservations"] for i in r["Instances"]]


def test_06_on_the_sandbox_launches_breaks_and_fixes(session, tmp_path, state):
    nb = run("06_will_it_register", tmp_path, target="sandbox", show_answers=True)
    outputs = text(nb)
    assert "an ec2 instance with role ecsInstanceRole registers; 0 problem(s)" in outputs
    assert "aws ecs list-container-instances --cluster default" in outputs and "registered" in outputs
    stops = [line.split(": ", 1)[1] for line in outputs.splitlines()
             if line.startswith("- the instance stops at: ")]
    assert stops == list(EXERCISE_STOPS)  # each break as the user meets it, in order
    for n in range(1, 8):  # show_answers applied each reference fix, and the doctor agrees
        assert f"Fixed: the doctor finds no problem with ecsDoctorDemoRole{n}." in outputs, n
    assert "is not authorized to perform: ecs:RegisterContainerInstance" in outputs
    assert "Answer: `ec2.amazonaws.com`" in outputs  # show_answers reveals them
    assert "least_privilege:cwlogspolicy" in outputs and "narrows nothing" in outputs
    (instance,) = _live_instances(session)  # the guide's role's instance, for 99
    assert {"Key": "ecsrole-guide:role", "Value": "ecsInstanceRole"} in instance["Tags"]
    ecs = session.client("ecs")
    arns = ecs.list_container_instances(cluster="default")["containerInstanceArns"]
    described = ecs.describe_container_instances(cluster="default", containerInstances=arns)
    assert [c["ec2InstanceId"] for c in described["containerInstances"]] == [instance["InstanceId"]]
    assert not [r for r in state(session)["roles"] if r.startswith("ecsDoctorDemoRole")]

    # Teardown of the guide's role (what 99 runs) terminates and deregisters the instance too.
    from ecsrole_lib import RoleSpec, teardown

    removed = teardown(RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs"],
                                config_bucket=BUCKET), session)
    assert removed.outcomes["terminate_instances"] == "removed"
    assert removed.outcomes["deregister_container_instance"] == "removed"
    assert _live_instances(session) == []
    assert ecs.list_container_instances(cluster="default")["containerInstanceArns"] == []
    assert "ecsInstanceRole" not in state(session)["roles"]


def test_06_on_aws_only_shows_the_launch_and_breaks_nothing(aws_session, tmp_path, state):
    from ecsrole_lib import RoleSpec, apply

    apply(RoleSpec(features=["ecr"]), aws_session)
    before, instances = state(aws_session), _live_instances(aws_session)
    nb = run("06_will_it_register", tmp_path, features=["ecr"], lang="ko")
    outputs = text(nb)
    # The Korean edition says each of these in Korean (lang="ko").
    assert "실행하지 않았습니다. AWS에서는 요금이 부과되는 인스턴스가 시작됩니다" in outputs
    assert "연습은 샌드박스에서만 하며 AWS 계정에서는 절대 하지 않습니다" in outputs
    assert "이해도 확인" in outputs and "답이 숨겨져 있습니다" in outputs  # hidden, in Korean
    # moto has no simulator: said, not hidden, and in Korean too.
    assert "IAM 정책 시뮬레이터에 물을 수 없었습니다" in outputs
    assert "could not be asked" not in outputs and "<!doctype html>" not in outputs
    assert state(aws_session) == before and _live_instances(aws_session) == instances


# ---------------------------------------------------------------------------------------
# Issue 11: every notebook on target="aws" in an account other than moto's default shows
# that account: never moto's 123456789012, never an unfilled ${ACCOUNT_ID}.
# ---------------------------------------------------------------------------------------
def test_every_notebook_in_another_account_shows_that_account(other_account, tmp_path):
    other = other_account
    found = {}
    for name in NOTEBOOKS:  # least privilege wherever asked: its logs policy names the account
        asks = "least_privilege" in papermill.inspect_notebook(str(NOTEBOOK_DIR / f"{name}.ipynb"))
        shown = text(run(name, tmp_path, **({"least_privilege": True} if asks else {})))
        found[name] = (other in shown, "123456789012" in shown, "${ACCOUNT_ID}" in shown)
    assert all(ok and not moto and not unfilled for ok, moto, unfilled in found.values()), found
