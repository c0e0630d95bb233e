"""A fresh process, as a script or a notebook kernel pays it: imports, then one apply.

Each figure is the median of ``repeat`` fresh Python processes (this venv,
bytecode cached under ``build/pycache`` as an installed package would have it,
a warm-up run first):

* ``import``: ``import boto3`` against ``import ecsrole_lib`` (the package loads
  its modules when a name is first used), and ``from ecsrole_lib import RoleSpec,
  apply`` (what a run needs: boto3, the spec, the plan and the steps). Each
  probe also lists the heavy modules it loaded (the CloudFormation renderer,
  yaml, ipywidgets, moto, jupyter), which must be none.
* ``apply``: a process that applies the base spec (``RoleSpec()``, ``connect("sandbox")``
  joining a running sandbox through ``ECSROLE_SANDBOX_ENDPOINT``) against a raw
  boto3 process making the page's 4 calls (create-role, create-instance-profile,
  add-role-to-instance-profile, attach-role-policy) on the same moto server.
  Whole process wall time, interpreter start included. Goal (issue 13): 1.3x.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

from .common import BUILD, ROOT, median, table

APPLY_GOAL = 1.3
IMPORT_GOAL_MS = 30
HEAVY = ("ecsrole_lib.render.cloudformation", "yaml", "ipywidgets", "moto", "jupyter_client", "jupyter_core",
         "IPython")

_IMPORT = """
import sys, time, json
started = time.perf_counter()
{statement}
took = time.perf_counter() - started
heavy = sorted({{m.split(".")[0] if not m.startswith("ecsrole_lib") else m for m in sys.modules
                 if m.startswith({heavy!r})}})
print(json.dumps({{"seconds": took, "heavy": heavy}}))
"""

RAW = """
import json, sys
import boto3
name = sys.argv[1]
iam = boto3.client("iam", endpoint_url=sys.argv[2], region_name="us-east-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
         "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
iam.create_instance_profile(InstanceProfileName=name + "-profile")
iam.add_role_to_instance_profile(InstanceProfileName=name + "-profile", RoleName=name)
iam.attach_role_policy(RoleName=name,
    PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role")
"""

GUIDE = """
import sys
from ecsrole_lib import RoleSpec, apply, connect
report = apply(RoleSpec(role_name=sys.argv[1]), connect("sandbox"))
assert report.writes == 4, report
"""

STATEMENTS = {
    "import boto3": "import boto3",
    "import ecsrole_lib": "import ecsrole_lib",
    "from ecsrole_lib import RoleSpec, apply": "from ecsrole_lib import RoleSpec, apply",
    "import ecsrole_lib.notebook.forms (a notebook's form)": "import ecsrole_lib.notebook.forms",
}


def _environment(endpoint: str = "") -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(BUILD / "pycache")
    env["PYTHONPATH"] = str(ROOT)
    env.pop("ECSROLE_SANDBOX_ENDPOINT", None)
    if endpoint:
        env["ECSROLE_SANDBOX_ENDPOINT"] = endpoint
    return env


def _python(source: str, *args: str, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", source, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=True)
    return time.perf_counter() - started, done.stdout


def run(repeat: int = 5) -> dict[str, Any]:
    from ecsrole_lib.sandbox.server import _Server

    repeat = max(repeat, 5)
    env = _environment()
    results: dict[str, Any] = {"repeat": repeat, "imports": {}}
    for name, statement in STATEMENTS.items():
        source = _IMPORT.format(statement=statement, heavy=HEAVY)
        _python(source, env=env)  # warm-up: bytecode written, files in the page cache
        samples = [json.loads(_python(source, env=env)[1]) for _ in range(repeat)]
        results["imports"][name] = {
            "median_ms": round(median(s["seconds"] for s in samples) * 1000, 1),
            "heavy": samples[-1]["heavy"]}
    boto3_ms = results["imports"]["import boto3"]["median_ms"]
    package_ms = results["imports"]["import ecsrole_lib"]["median_ms"]
    results["import_goal_met"] = package_ms <= boto3_ms + IMPORT_GOAL_MS

    server = _Server()
    try:
        env = _environment(server.endpoint_url)
        _python(RAW, "warm-raw", server.endpoint_url, env=env)
        _python(GUIDE, "warm-guide", env=env)
        raw, guide = [], []
        for i in range(repeat):  # interleaved, so a busy moment hits both alike
            raw.append(_python(RAW, f"raw{i}", server.endpoint_url, env=env)[0])
            guide.append(_python(GUIDE, f"guide{i}", env=env)[0])
    finally:
        server.stop()
    results["apply"] = {"raw_seconds": [round(s, 3) for s in raw],
                        "guide_seconds": [round(s, 3) for s in guide],
                        "raw_median": round(median(raw), 3), "guide_median": round(median(guide), 3)}
    results["apply"]["ratio"] = round(results["apply"]["guide_median"] / results["apply"]["raw_median"], 2)
    results["apply"]["met"] = results["apply"]["ratio"] <= APPLY_GOAL
    return results


def render(results: dict[str, Any]) -> str:
    rows = [[name, f"{entry['median_ms']:.0f}", ", ".join(entry["heavy"]) or "none"]
            for name, entry in results["imports"].items()]
    text = table(["import (fresh process)", "median ms", "heavy modules loaded"], rows,
                 f"Imports (median of {results['repeat']} fresh processes, bytecode cached)")
    apply_ = results["apply"]
    text += "\n\n" + table(
        ["process (same moto server)", "median s", "ratio"],
        [["raw boto3: the page's 4 calls", apply_["raw_median"], "1.00x"],
         ["ecsrole_lib: apply(RoleSpec())", apply_["guide_median"],
          f"{apply_['ratio']:.2f}x ({'met' if apply_['met'] else 'missed'}, goal {APPLY_GOAL}x)"]],
        "A fresh process applying the base spec against raw boto3")
    return text
