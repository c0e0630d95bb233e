"""Exports of the plan as files, and running the AWS CLI script.

The renderings themselves live in :mod:`ecsrole_lib.render`: the guarded
AWS CLI script (:mod:`~ecsrole_lib.render.cli`), the CloudFormation template,
its follow-up and the StackSets recipe (:mod:`~ecsrole_lib.render.cloudformation`)
and the Terraform configuration (:mod:`~ecsrole_lib.render.terraform`).
``write_exports`` writes them into one folder; ``run_cli`` runs the script
with the real ``aws`` executable.

>>> from ecsrole_lib import RoleSpec
>>> script = export_cli(RoleSpec())
>>> script.splitlines()[1]
'set -euo pipefail'
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from ..errors import EcsRoleError
from ..plan import Plan, plan
from ..spec import RoleSpec
from .base import check_spec
from .cli import ACCOUNT_ID, POLICY_ARN, ROLE_ARN, account_parts, export_cli

__all__ = ["ACCOUNT_ID", "POLICY_ARN", "ROLE_ARN", "CliError", "CliRun", "account_parts",
           "export_cli", "export_terraform", "rollout_commands", "run_cli", "write_exports"]

SCRIPT_NAME = "ecsrole-setup.sh"
TEMPLATE_NAME = "ecsrole-role.cfn.yaml"
FOLLOW_UP_NAME = "ecsrole-cfn-follow-up.sh"
ROLLOUT_NAME = "ecsrole-rollout.sh"
TERRAFORM_NAME = "ecsrole-role.tf"

_ROLLOUT_HEAD = (
    "#!/usr/bin/env bash\n"
    "set -euo pipefail\n"
    "# A recipe: check the accounts (or organizational units) and the Region first.\n"
    'cd "$(dirname "$0")"  # the template is beside this file\n'
)


def write_exports(spec: RoleSpec, folder: str | os.PathLike, **rollout: Any) -> dict[str, Path]:
    """Write every export of ``spec`` into ``folder`` (made if missing); their paths.

    Keys: ``script`` (the guarded AWS CLI script, executable), ``template``
    (the CloudFormation template), ``follow_up`` (what the template cannot
    express), ``rollout`` (the StackSets recipe; ``rollout`` keyword
    arguments go to :func:`rollout_commands`), ``terraform`` (the same
    resources for Terraform, :func:`export_terraform`), and one key per document the
    page writes beside its commands (``instance-role-trust-policy.json``,
    ``instance-cw-logs.json`` ...). Documents that name the account hold
    ``${ACCOUNT_ID}`` until the script, run, writes them again with it.
    """
    spec = check_spec(spec)
    from .cloudformation import cloudformation_follow_up, export_cloudformation
    from .terraform import export_terraform as terraform

    the_plan = plan(spec)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for key, name, text, mode in (
        ("script", SCRIPT_NAME, export_cli(spec, the_plan), 0o755),
        ("template", TEMPLATE_NAME, export_cloudformation(spec, the_plan), 0o644),
        ("follow_up", FOLLOW_UP_NAME, cloudformation_follow_up(spec, the_plan), 0o755),
        ("rollout", ROLLOUT_NAME, _ROLLOUT_HEAD
         + rollout_commands(spec, template_file=TEMPLATE_NAME, **rollout) + "\n", 0o755),
        ("terraform", TERRAFORM_NAME, terraform(spec, the_plan), 0o644),
    ):
        written[key] = _write_inside(out, name, text, mode)
    for name, text in the_plan.files().items():
        written[name] = _write_inside(out, name, text if text.endswith("\n") else text + "\n")
    return written


def _write_inside(folder: Path, name: str, text: str, mode: int = 0o644) -> Path:
    """Write ``folder/name`` as a new file, never through what is already there.

    A temporary file in ``folder`` is written, given ``mode`` and renamed over
    ``name``: a symbolic link of that name is replaced, not followed, so nothing
    outside the folder is written or chmod-ed (the rename is atomic, too).
    """
    if Path(name).name != name or name in (".", ".."):
        raise ValueError(f"an export's file name must be a plain name, not {name!r}")
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
            os.fchmod(stream.fileno(), mode)
        os.replace(temporary, folder / name)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return folder / name


def rollout_commands(spec: RoleSpec, **options: Any) -> str:
    """The StackSets rollout recipe; see :func:`ecsrole_lib.render.cloudformation.rollout_commands`."""
    from .cloudformation import rollout_commands as recipe

    return recipe(spec, **options)


def export_terraform(spec: RoleSpec, the_plan: Plan | None = None) -> str:
    """The Terraform configuration; see :func:`ecsrole_lib.render.terraform.export_terraform`."""
    from .terraform import export_terraform as configuration

    return configuration(spec, the_plan)


@dataclass
class CliRun:
    """What running the exported script printed."""

    returncode: int
    stdout: str
    stderr: str
    script: Path

    def __str__(self) -> str:
        return self.stdout + (f"\n{self.stderr}" if self.returncode else "")


class CliError(EcsRoleError):
    """The AWS CLI script stopped with an error."""


#: What the AWS CLI gets from the caller's environment on the sandbox: where programs are
#: and the locale, nothing that configures AWS (an ``AWS_ENDPOINT_URL_IAM`` would send the
#: writes elsewhere, an ``AWS_CA_BUNDLE`` or a profile's settings change how they go).
_SANDBOX_KEEPS = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "SYSTEMROOT")


def _cli_environment(session: boto3.Session | None, home: Path) -> dict[str, str]:
    """The AWS CLI's environment: on the sandbox built from the sandbox alone, on AWS the chain.

    On the sandbox: its endpoint, keys and Region, no config or credentials file
    (``os.devnull``) and ``home`` as ``HOME`` (the CLI reads aliases from
    ``~/.aws/cli/alias``). On AWS: the caller's environment, the documented chain.
    """
    sandbox = session is not None and hasattr(session, "environment")
    if sandbox:
        env = {name: os.environ[name] for name in _SANDBOX_KEEPS if name in os.environ}
        env.update(session.environment())  # the sandbox: its endpoint and dummy keys
        env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                   HOME=str(home))
    else:
        env = dict(os.environ)
        if session is not None and session.profile_name not in (None, "default"):
            env["AWS_PROFILE"] = session.profile_name
    if session is not None and session.region_name:
        env.setdefault("AWS_DEFAULT_REGION", session.region_name)
    # The aws executable installed beside this Python comes first.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("AWS_PAGER", "")
    return env


def run_cli(spec: RoleSpec, session: boto3.Session | None = None,
            workdir: str | os.PathLike | None = None) -> CliRun:
    """Run the exported script with the real ``aws`` executable against ``session``'s target.

    Preflight runs first (a read-only ``apply(..., dry_run=True)``), so a
    conflict stops everything before the CLI writes anything.

    Raises
    ------
    CliError
        The script failed; the message holds the CLI's own error.
    """
    from ..converge import apply

    if session is None:
        from ..aws.client import connect

        session = connect("sandbox", spec.region)
    apply(spec, session, dry_run=True)
    folder = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="ecsrole-cli-"))
    folder.mkdir(parents=True, exist_ok=True)
    env = _cli_environment(session, folder)
    if shutil.which("aws", path=env["PATH"]) is None:
        raise CliError("the AWS CLI (aws) is not installed; pip install awscli")
    script = _write_inside(folder, SCRIPT_NAME, export_cli(spec), 0o755)
    done = subprocess.run(["bash", str(script)], check=False, env=env, capture_output=True, text=True,
                          timeout=600)
    run = CliRun(done.returncode, done.stdout, done.stderr, script)
    if done.returncode:
        raise CliError(f"the AWS CLI script stopped (exit {done.returncode}): "
                       f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ''}")
    return run
