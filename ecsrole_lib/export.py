"""Exports of the plan: a runnable, re-runnable AWS CLI script, and running it.

The script is the plan's own CLI commands (as corrected), in the page's
order, each behind a read-only guard so a second run changes nothing. It
writes the JSON documents beside itself, as the page does.

>>> from ecsrole_lib import RoleSpec
>>> script = export_cli(RoleSpec())
>>> script.splitlines()[1]
'set -euo pipefail'
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import boto3

from .errors import EcsRoleError
from .plan import Plan, plan
from .spec import RoleSpec
from .steps import (
    AddRoleToInstanceProfile,
    AttachPolicy,
    CheckEcrPermissions,
    CreateConfigBucket,
    CreateInstanceProfile,
    CreateLogsPolicy,
    CreateRole,
    EnableTrunking,
    FindLogsPolicy,
    InlinePolicy,
    ShowActivation,
    Step,
    UploadEcsConfig,
    WaitInstanceProfile,
)

__all__ = ["CliRun", "export_cli", "run_cli"]


def _count_is_zero(cmd: str) -> str:
    return f'[ "$({cmd} --output text)" = "0" ]'


def _needed_if(step: Step) -> str | None:
    """A shell condition that is true when the step still has to run (None: always run)."""
    action = step.action
    spec = action.spec
    role, profile = spec.role_name, spec.instance_profile_name
    if isinstance(action, CreateRole):
        return f"! aws iam get-role --role-name {role} >/dev/null 2>&1"
    if isinstance(action, CreateInstanceProfile):
        return f"! aws iam get-instance-profile --instance-profile-name {profile} >/dev/null 2>&1"
    if isinstance(action, AddRoleToInstanceProfile):
        return _count_is_zero(f"aws iam get-instance-profile --instance-profile-name {profile} "
                              f"--query \"length(InstanceProfile.Roles[?RoleName=='{role}'])\"")
    if isinstance(action, AttachPolicy):
        return _count_is_zero(f"aws iam list-attached-role-policies --role-name {role} --query "
                              f"\"length(AttachedPolicies[?PolicyArn=='{action.policy_arn}'])\"")
    if isinstance(action, InlinePolicy):
        return (f"! aws iam get-role-policy --role-name {role} --policy-name {action.policy_name} "
                ">/dev/null 2>&1")
    if isinstance(action, CreateConfigBucket):
        return f"! aws s3api head-bucket --bucket {spec.config_bucket} >/dev/null 2>&1"
    if isinstance(action, UploadEcsConfig):
        return (f"! aws s3api head-object --bucket {spec.config_bucket} --key {spec.config_key} "
                ">/dev/null 2>&1")
    if isinstance(action, CreateLogsPolicy):
        arn = f"arn:{spec.partition}:iam::${{ACCOUNT_ID}}:policy{spec.path}{spec.log_policy_name}"
        return f'! aws iam get-policy --policy-arn "{arn}" >/dev/null 2>&1'
    if isinstance(action, EnableTrunking):
        arn = f"arn:{spec.partition}:iam::${{ACCOUNT_ID}}:role{spec.path}{role}"
        return _count_is_zero(f"aws ecs list-account-settings --name awsvpcTrunking --principal-arn "
                              f"\"{arn}\" --query \"length(settings[?value=='enabled'])\"")
    if isinstance(action, (WaitInstanceProfile, FindLogsPolicy, CheckEcrPermissions)):
        return None  # reads: always safe to run
    raise TypeError(f"no guard for step {step.id}")


def _heredoc(name: str, text: str) -> str:
    # Unquoted delimiter: ${ACCOUNT_ID} in a document is filled in by the shell.
    return f"cat > {name} <<EOF\n{text.rstrip()}\nEOF"


def export_cli(spec: RoleSpec, the_plan: Plan | None = None) -> str:
    """A bash script of the plan's AWS CLI commands, each guarded so a re-run is safe.

    Parameters
    ----------
    spec
        The user's choices; invalid specs never get here (``RoleSpec`` raises).
    the_plan
        The plan to export; ``plan(spec)`` by default.
    """
    the_plan = the_plan or plan(spec)
    lines = [
        "#!/usr/bin/env bash",
        "set -euo pipefail",
        f"# Amazon ECS container instance IAM role {spec.role_name} ({spec.instance_kind}), "
        "as the documentation creates it.",
        "# Made by ecsrole-guide from its plan. Every command is guarded: running this script",
        "# again changes nothing. The JSON documents are written beside it, as the page does.",
        'cd "$(dirname "$0")"',
        "",
        *the_plan.preamble,
    ]
    for number, step in enumerate(the_plan, 1):
        errata = f"; corrects erratum {', '.join(step.errata)}" if step.errata else ""
        lines += ["", f"# {number}. {step.id}: {step.title()} ({step.page_ref}{errata})"]
        lines += [_heredoc(name, text) for name, text in step.files.items()]
        if isinstance(step.action, ShowActivation):
            lines += ["# Next, not run here: an activation registers a real machine."]
            lines += ["# " + line for line in step.command.splitlines()]
            continue
        condition = _needed_if(step)
        body = step.command
        if condition is None:
            lines.append(body)
        else:
            indented = "\n".join("    " + line for line in body.splitlines())
            lines += [f"if {condition}; then", indented, "else",
                      f'    echo "{step.id}: already done"', "fi"]
    lines += ["", f'echo "Role {spec.role_name}: all {len(the_plan)} steps done."', ""]
    return "\n".join(lines)


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


def _cli_environment(session: boto3.Session | None) -> dict[str, str]:
    env = dict(os.environ)
    if session is not None and hasattr(session, "environment"):
        env.update(session.environment())  # the sandbox: its endpoint and dummy keys
    elif session is not None and session.profile_name not in (None, "default"):
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
    from .converge import apply

    if session is None:
        from .aws import connect

        session = connect("sandbox", spec.region)
    apply(spec, session, dry_run=True)
    env = _cli_environment(session)
    if shutil.which("aws", path=env["PATH"]) is None:
        raise CliError("the AWS CLI (aws) is not installed; pip install awscli")
    folder = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="ecsrole-cli-"))
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "ecsrole-setup.sh"
    script.write_text(export_cli(spec))
    done = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True,
                          timeout=600)
    run = CliRun(done.returncode, done.stdout, done.stderr, script)
    if done.returncode:
        raise CliError(f"the AWS CLI script stopped (exit {done.returncode}): "
                       f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ''}")
    return run
