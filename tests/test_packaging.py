"""The wheel is the library: built, installed into a fresh virtual environment, it runs.

The environment is new (``python -m venv``, no pip, no site packages of its own but the
wheel's); the wheel is installed with ``--no-deps``, and its dependencies (boto3, moto ...)
come from the environment running the tests through a ``.pth`` line, which adds their
directory and nothing else: an editable install of this repository there is not loaded
(its finder is started by a ``.pth`` file of that directory, which a ``.pth`` line does not
read). The run starts outside the repository, so only the installed package can answer.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import boto3
import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.heavy

RUN = """
import json, boto3, ecsrole_lib as L
spec = L.RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs", "spot_draining"],
                  config_bucket="ecsrole-guide-wheel-test", trunking=True)
out = {"file": L.__file__}
with L.sandbox(spec.region) as session:
    iam = session.client("iam")
    out["applied"] = str(L.apply(spec, session)).splitlines()[0]
    out["role_after_apply"] = iam.get_role(RoleName=spec.role_name)["Role"]["RoleName"]
    out["profile_roles"] = [r["RoleName"] for r in iam.get_instance_profile(
        InstanceProfileName=spec.instance_profile_name)["InstanceProfile"]["Roles"]]
    out["audit_findings"] = [r.step for r in L.audit(spec, session).findings]
    L.teardown(spec, session)
    out["roles_after_teardown"] = [r["RoleName"] for r in iam.list_roles()["Roles"]]
template = L.export_cloudformation(spec)  # the renderers, and YAML, from the wheel
out["template_resources"] = [name for name in ("ContainerInstanceRole", "ContainerInstanceProfile")
                             if f"  {name}:" in template]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment holding the wheel built from this checkout: its python."""
    tmp = tmp_path_factory.mktemp("wheel")
    # A clean copy: setuptools would reuse a build/ left in the checkout by an earlier build.
    source = tmp / "source"
    shutil.copytree(ROOT / "ecsrole_lib", source / "ecsrole_lib",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--wheel-dir", str(tmp / "dist"), str(source)], check=True, timeout=300)
    wheel, = (tmp / "dist").glob("ecsrole_guide-*.whl")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp / "venv")],
                   check=True, timeout=120)
    python = tmp / "venv" / "bin" / "python"
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(subprocess.run([str(python), "-c", where], check=True, capture_output=True,
                               text=True).stdout.strip())
    # The dependencies' directory (where boto3 is), as a path only.
    (site / "dependencies.pth").write_text(str(Path(boto3.__file__).parent.parent) + "\n")
    # --target: pip would otherwise see the editable install through the .pth and skip it.
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--target", str(site), str(wheel)], check=True, timeout=300)
    assert sysconfig.get_paths()["purelib"] != str(site)
    return python


def test_the_installed_wheel_plans_applies_audits_and_tears_down(installed, tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([str(installed), "-c", RUN], check=False, cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["file"].startswith(str(installed.parent.parent)), out["file"]
    assert out["role_after_apply"] == "ecsInstanceRole"
    assert out["profile_roles"] == ["ecsInstanceRole"]
    assert out["audit_findings"] == []
    assert "ecsInstanceRole" not in out["roles_after_teardown"]
    assert out["template_resources"] == ["ContainerInstanceRole", "ContainerInstanceProfile"]
