"""`make guide`: every notebook, in order, on one sandbox; what it prints and leaves behind."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ("01_container_instance_role", "02_feature_permissions", "03_ecs_anywhere",
             "04_eni_trunking", "05_audit", "06_will_it_register", "07_beyond_the_page",
             "99_cleanup")


def guide(out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ecsrole_lib.teaching.guide", "--out", str(out), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_make_guide_runs_every_notebook_on_one_sandbox_and_leaves_it_empty(tmp_path):
    done = guide(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for name in NOTEBOOKS:
        row = next(line for line in lines if line.startswith(name))
        assert row.split()[1] == "ok", row
        executed = nbformat.read(str(tmp_path / f"{name}.ipynb"), as_version=4)
        assert not [o for c in executed.cells for o in c.get("outputs", [])
                    if o.output_type == "error"]
        assert (tmp_path / f"{name}.html").stat().st_size > 0
    # 05 audits what 01-04 made: the shared sandbox, not a fresh one (its last row: the doctor).
    assert "audit on sandbox: 11 ok, 2 info" in next(x for x in lines if x.startswith("05_audit"))
    assert "empty" in next(x for x in lines if x.startswith("sandbox after the guide"))
    # 06's instance of the guide's role registered, and 99 terminated it.
    assert "ecsInstanceRole registers; 0 problem(s)" in next(
        x for x in lines if x.startswith("06_will_it_register"))
    assert lines[-1].startswith("8/8 notebooks ran")
    # 07's exports land next to the executed notebook, not in the source folder.
    assert (tmp_path / "exports" / "ecsrole-setup.sh").exists()
    assert (tmp_path / "exports" / "ecsrole-role.cfn.yaml").exists()


def test_make_guide_fails_when_a_notebook_fails(tmp_path):
    done = guide(tmp_path, "--kernel", "no-such-kernel", "01_container_instance_role")
    assert done.returncode == 1
    assert "FAILED" in done.stdout and "failed: 01_container_instance_role" in done.stdout


def test_leftovers_on_aws_name_what_each_step_left(aws_session, iam):
    """Off the sandbox, 99 lists only what the guide's specs make, each step asked for what it left."""
    from ecsrole_lib import RoleSpec, apply, teardown
    from ecsrole_lib.teaching.guide import guide_roles, leftovers

    spec = RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs"],
                    config_bucket="ecsrole-guide-leftover-test", trunking=True)
    iam.create_role(RoleName="someoneElsesRole", AssumeRolePolicyDocument="{}")  # not listed
    apply(spec, aws_session)
    found = leftovers(aws_session, guide_roles(spec))
    assert not found.empty
    kinds = {(kind, name) for kind, name, _ in found.rows}
    assert {("role", "ecsInstanceRole"), ("instance profile", "ecsInstanceRole-profile"),
            ("policy", "cwlogspolicy"), ("bucket", "ecsrole-guide-leftover-test"),
            ("ECS account setting", "awsvpcTrunking=enabled")} == kinds
    assert {why for kind, _, why in found.rows if kind in ("role", "policy")} == {
        "made by the guide (tagged)"}
    teardown(spec, aws_session)
    assert leftovers(aws_session, guide_roles(spec)).empty
