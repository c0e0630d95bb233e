"""Exports of the plan: a runnable, re-runnable AWS CLI script, and running it.

The script is the plan's own CLI commands (as corrected), in the page's
order, each behind a read-only guard so a second run changes nothing. It
writes the JSON documents beside itself, as the page does. ``write_exports``
writes it with the CloudFormation template, its follow-up and the StackSets
recipe (:mod:`ecsrole_lib.cloudformation`) into one folder.

Every value in the script is quoted by :mod:`ecsrole_lib.shell`; the only
expansions are the script's own variables (``ACCOUNT_ID`` from the preamble,
``POLICY_ARN`` and ``ROLE_ARN`` from the plan's reads).

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
from typing import Any

import boto3

from .errata import errata
from .errors import EcsRoleError
from .plan import Plan, plan
from .shell import ShellVar, Word, comment, heredoc, quote
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

__all__ = ["CliError", "CliRun", "export_cli", "rollout_commands", "run_cli", "write_exports"]

SCRIPT_NAME = "ecsrole-setup.sh"
TEMPLATE_NAME = "ecsrole-role.cfn.yaml"
FOLLOW_UP_NAME = "ecsrole-cfn-follow-up.sh"
ROLLOUT_NAME = "ecsrole-rollout.sh"

#: The script's own variables: the preamble's and those the plan's reads define.
ACCOUNT_ID, POLICY_ARN, ROLE_ARN = ShellVar("ACCOUNT_ID"), ShellVar("POLICY_ARN"), ShellVar("ROLE_ARN")


def _jmespath_literal(value: str | ShellVar) -> tuple:
    r"""Parts of a JMESPath raw string literal ``'...'`` holding ``value``.

    >>> _jmespath_literal("it's")
    ("'it\\'s'",)
    """
    if isinstance(value, ShellVar):
        return ("'", value, "'")
    return ("'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'",)


def _query(*parts: Any) -> str:
    """``--query`` with an expression of literal text and the script's own variables."""
    return "--query " + Word(*parts).render()


def account_parts(text: str) -> tuple[Any, ...]:
    """A document the guide built with ``${ACCOUNT_ID}``: parts where only the account expands.

    Only for the plan's ``account_files``, which hold no value from the spec.
    """
    pieces = text.split(str(ACCOUNT_ID))
    parts: list[Any] = [pieces[0]]
    for piece in pieces[1:]:
        parts += [ACCOUNT_ID, piece]
    return tuple(parts)


# ---------------------------------------------------------------------------------------
# The guards: a read before each write, so a second run changes nothing.
# ---------------------------------------------------------------------------------------
def _needed_if(step: Step) -> tuple[str, str] | None:
    """(prelude, condition): the condition is true while the step still has to run.

    A read whose answer is compared is assigned in the prelude first, so a
    failing read stops the script (``set -e``) instead of passing for "done".
    None: the step only reads or waits and always runs.
    """
    action = step.action
    spec = action.spec
    role = quote(spec.role_name)
    profile = quote(spec.instance_profile_name or "")
    if isinstance(action, CreateRole):
        return "", f"! aws iam get-role --role-name {role} >/dev/null 2>&1"
    if isinstance(action, CreateInstanceProfile):
        return "", f"! aws iam get-instance-profile --instance-profile-name {profile} >/dev/null 2>&1"
    if isinstance(action, AddRoleToInstanceProfile):
        query = _query("length(InstanceProfile.Roles[?RoleName==",
                       *_jmespath_literal(spec.role_name), "])")
        return (f"held=$(aws iam get-instance-profile --instance-profile-name {profile} "
                f"{query} --output text)"), '[ "$held" = "0" ]'
    if isinstance(action, AttachPolicy):
        arn = POLICY_ARN if action.made_by is not None else action.policy_arn
        query = _query("length(AttachedPolicies[?PolicyArn==", *_jmespath_literal(arn), "])")
        return (f"attached=$(aws iam list-attached-role-policies --role-name {role} "
                f"{query} --output text)"), '[ "$attached" = "0" ]'
    if isinstance(action, InlinePolicy):
        return "", (f"! aws iam get-role-policy --role-name {role} --policy-name "
                    f"{quote(action.policy_name)} >/dev/null 2>&1")
    if isinstance(action, CreateConfigBucket):
        return "", f"! aws s3api head-bucket --bucket {quote(spec.config_bucket)} >/dev/null 2>&1"
    if isinstance(action, UploadEcsConfig):
        return "", (f"! aws s3api head-object --bucket {quote(spec.config_bucket)} --key "
                    f"{quote(spec.config_key)} >/dev/null 2>&1")
    if isinstance(action, CreateLogsPolicy):
        arn = Word(f"arn:{spec.partition}:iam::", ACCOUNT_ID,
                   f":policy{spec.path}{spec.log_policy_name}")
        return "", f"! aws iam get-policy --policy-arn {arn.render()} >/dev/null 2>&1"
    if isinstance(action, EnableTrunking):
        query = _query("length(settings[?value=='enabled'])")
        return (f"enabled=$(aws ecs list-account-settings --name awsvpcTrunking --principal-arn "
                f"{ROLE_ARN.render()} {query} --output text)"), '[ "$enabled" = "0" ]'
    if isinstance(action, (WaitInstanceProfile, FindLogsPolicy, CheckEcrPermissions)):
        return None  # reads: always safe to run
    raise TypeError(f"no guard for step {step.id}")


def _check_spec(spec) -> RoleSpec:
    if not isinstance(spec, RoleSpec):
        raise TypeError(f"spec must be a RoleSpec, got {type(spec).__name__}")
    return spec


def export_cli(spec: RoleSpec, the_plan: Plan | None = None) -> str:
    """A bash script of the plan's AWS CLI commands, each guarded so a re-run is safe.

    The commands are the plan's own (as corrected), in the page's order; each
    write runs only when its read (``get-*``, ``head-*``, ``list-*``) says
    it is still needed, and prints ``<step>: already done`` otherwise. The
    JSON documents are written beside the script, as the page does. The
    script creates what is missing; drift in what exists is ``apply``'s to
    repair (``audit`` shows it).

    Parameters
    ----------
    spec
        The user's choices; invalid specs never get here (``RoleSpec`` raises).
    the_plan
        The plan to export; ``plan(spec)`` by default. Its language sets the
        language of the step titles in the comments.
    """
    spec = _check_spec(spec)
    the_plan = the_plan or plan(spec)
    by_id = {e.id: e for e in errata()}
    lines = [
        "#!/usr/bin/env bash",
        "set -euo pipefail",
        comment(f"Amazon ECS container instance IAM role {spec.role_name} ({spec.instance_kind}), "
                "as the documentation creates it."),
        "# Source: the AWS documentation page \"Amazon ECS container instance IAM role\".",
        "# Made by ecsrole-guide from its plan: the page's commands in the page's order, as",
        "# corrected where the page is wrong. Every write is guarded by a read, so running this",
        "# script again changes nothing. The JSON documents are written beside it, as the page does.",
        *([comment(f"Planned for account {the_plan.account}; the script reads the account it "
                   "runs in (ACCOUNT_ID below), so it works in any account.")]
          if the_plan.account else []),
        'cd "$(dirname "$0")"',
        (f"export AWS_DEFAULT_REGION={quote(spec.region)}  # the spec's Region: S3 and ECS are "
        "regional; IAM is global"),
        'export AWS_PAGER=""',
        *the_plan.preamble,
    ]
    section = None
    for number, step in enumerate(the_plan, 1):
        if step.section != section:
            section = step.section
            lines += ["", comment(f"=== {section} ===")]
        lines += ["", comment(f"{number}/{len(the_plan)} {step.id}: {step.title(the_plan.lang)}"),
                  comment(f"The page: {step.page_ref}.")]
        for erratum in step.errata:
            known = by_id.get(erratum)
            lines.append(comment(f"Erratum {erratum}: {known.why}" if known else f"Erratum {erratum}."))
        lines += [heredoc(name, account_parts(text) if name in step.account_files else text)
                  for name, text in step.files.items()]
        if isinstance(step.action, ShowActivation):
            lines += [comment("Next, not run here: an activation registers a real machine.")]
            lines += [comment(line) for line in step.command.split("\n")]
            continue
        lines += list(step.setup)
        guard = _needed_if(step)
        if guard is None:
            lines += list(step.cli)
            continue
        prelude, condition = guard
        if prelude:
            lines.append(prelude)
        # Each command is indented on its first line only: a value may hold a line break,
        # and indenting after it would change the value.
        lines += [f"if {condition}; then", *("    " + c for c in step.cli),
                  f'    echo "{step.id}: done"', "else", f'    echo "{step.id}: already done"', "fi"]
    lines += ["", f"echo {quote(f'Role {spec.role_name}: all {len(the_plan)} steps done.')}", ""]
    return "\n".join(lines)


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
    arguments go to :func:`rollout_commands`), and one key per document the
    page writes beside its commands (``instance-role-trust-policy.json``,
    ``instance-cw-logs.json`` ...). Documents that name the account hold
    ``${ACCOUNT_ID}`` until the script, run, writes them again with it.
    """
    spec = _check_spec(spec)
    from .cloudformation import cloudformation_follow_up, export_cloudformation

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
    ):
        path = out / name
        path.write_text(text, encoding="utf-8")
        path.chmod(mode)
        written[key] = path
    for name, text in the_plan.files().items():
        path = out / name
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        written[name] = path
    return written


def rollout_commands(spec: RoleSpec, **options: Any) -> str:
    """The StackSets rollout recipe; see :func:`ecsrole_lib.cloudformation.rollout_commands`."""
    from .cloudformation import rollout_commands as recipe

    return recipe(spec, **options)


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
    done = subprocess.run(["bash", str(script)], check=False, env=env, capture_output=True, text=True,
                          timeout=600)
    run = CliRun(done.returncode, done.stdout, done.stderr, script)
    if done.returncode:
        raise CliError(f"the AWS CLI script stopped (exit {done.returncode}): "
                       f"{done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ''}")
    return run
