"""Issue 17, items 11 and 12: the exports write inside their folder only, and the AWS CLI
on the sandbox gets the sandbox's environment, not the caller's.
"""

from __future__ import annotations

import socket
import stat

import pytest

from ecsrole_lib import RoleSpec
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.plan import plan
from ecsrole_lib.render.export import SCRIPT_NAME, TEMPLATE_NAME, run_cli

MANAGED_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"


# ---------------------------------------------------------------------------------------
# Item 11: a link named like an export file is replaced, never written through.
# ---------------------------------------------------------------------------------------
@pytest.fixture
def planted(tmp_path):
    """An export folder whose export names are links to files outside it; the outside files."""
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "exports"
    folder.mkdir()
    names = [SCRIPT_NAME, TEMPLATE_NAME, *plan(RoleSpec()).files()]
    victims = {}
    for index, name in enumerate(names):
        victim = outside / f"precious-{index}.txt"
        victim.write_text(f"someone's file {index}\n")
        victim.chmod(0o600)
        (folder / name).symlink_to(victim)
        victims[name] = victim
    return folder, victims


def test_the_export_button_never_writes_through_a_link(planted, monkeypatch):
    folder, victims = planted
    monkeypatch.chdir(folder.parent)
    form = RoleForm()
    form.export_button.click()  # what a person does: Export, into ./exports
    assert form.status.value.startswith("Exports written to"), form.status.value
    for index, (name, victim) in enumerate(victims.items()):
        assert victim.read_text() == f"someone's file {index}\n"
        assert stat.S_IMODE(victim.stat().st_mode) == 0o600
        written = folder / name
        assert not written.is_symlink() and written.is_file()
    assert (folder / SCRIPT_NAME).read_text().startswith("#!/usr/bin/env bash")
    assert stat.S_IMODE((folder / SCRIPT_NAME).stat().st_mode) == 0o755
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]  # no temporary left


def test_run_cli_never_writes_its_script_through_a_link(session, tmp_path):
    victim = tmp_path / "precious.txt"
    victim.write_text("keep\n")
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / SCRIPT_NAME).symlink_to(victim)
    run_cli(RoleSpec(role_name="ecsLinkRole"), session, workdir=workdir)
    assert victim.read_text() == "keep\n"
    assert not (workdir / SCRIPT_NAME).is_symlink()


# ---------------------------------------------------------------------------------------
# Item 12: the caller's AWS settings do not follow the CLI to the sandbox.
# ---------------------------------------------------------------------------------------
def _dead_endpoint() -> str:
    with socket.socket() as sock:  # a port nobody listens on once closed
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS"])
def test_method_cli_on_the_sandbox_ignores_the_callers_endpoints(variable, monkeypatch, session,
                                                                 iam):
    monkeypatch.setenv(variable, _dead_endpoint())
    name = "ecsCliEnvRole"
    form = RoleForm(role_name=name, method="cli")
    result = form.run()  # what the notebook's cell after the form does, with method="cli"
    assert iam.get_role(RoleName=name)["Role"]["Arn"] == f"arn:aws:iam::123456789012:role/{name}"
    profile = iam.get_instance_profile(InstanceProfileName=f"{name}-profile")["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == [name]
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [MANAGED_POLICY]
    assert "missing" not in str(result.report).lower()

