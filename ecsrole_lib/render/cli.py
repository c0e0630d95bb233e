"""The plan as a runnable, re-runnable AWS CLI script: each write behind a read.

The script is the plan's own CLI commands (as corrected), in the page's
order; :class:`CliGuards` gives each step the read-only guard that skips it
when it is done, so a second run changes nothing. It writes the JSON
documents beside itself, as the page does.

Every value in the script is quoted by :mod:`ecsrole_lib.shell`; the only
expansions are the script's own variables (``ACCOUNT_ID`` from the preamble,
``POLICY_ARN`` and ``ROLE_ARN`` from the plan's reads).

>>> from ecsrole_lib import RoleSpec
>>> script = export_cli(RoleSpec())
>>> script.splitlines()[1]
'set -euo pipefail'
"""

from __future__ import annotations

from typing import Any

from ..errata import errata
from ..plan import Plan, plan
from ..shell import ShellVar, Word, comment, heredoc, option, quote
from ..spec import RoleSpec
from ..steps import Step
from .base import Renderer, check_spec

__all__ = ["ACCOUNT_ID", "POLICY_ARN", "ROLE_ARN", "CliGuards", "account_parts", "export_cli"]

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


def _silent(command: str) -> str:
    """``! command``: true while the read fails (the thing is not there yet)."""
    return f"! {command} >/dev/null 2>&1"


class CliGuards(Renderer):
    """A step's lines in the script: its commands, behind the read that says it is needed.

    A read whose answer is compared is assigned first, so a failing read stops
    the script (``set -e``) instead of passing for "done". Reads and waits always run.
    """

    def _guarded(self, step: Step, condition: str, prelude: str = "") -> list[str]:
        # Each command is indented on its first line only: a value may hold a line break,
        # and indenting after it would change the value.
        return [*step.setup, *([prelude] if prelude else []), f"if {condition}; then",
                *("    " + c for c in step.cli), f'    echo "{step.id}: done"', "else",
                f'    echo "{step.id}: already done"', "fi"]

    def _always(self, step: Step) -> list[str]:
        return [*step.setup, *step.cli]

    def create_role(self, step: Step) -> list[str]:
        role = quote(step.action.spec.role_name)
        return self._guarded(step, _silent(f"aws iam get-role --role-name {role}"))

    def create_instance_profile(self, step: Step) -> list[str]:
        profile = quote(step.action.spec.instance_profile_name or "")
        return self._guarded(step, _silent(
            f"aws iam get-instance-profile --instance-profile-name {profile}"))

    def add_role_to_instance_profile(self, step: Step) -> list[str]:
        spec = step.action.spec
        query = _query("length(InstanceProfile.Roles[?RoleName==",
                       *_jmespath_literal(spec.role_name), "])")
        return self._guarded(step, '[ "$held" = "0" ]', (
            "held=$(aws iam get-instance-profile --instance-profile-name "
            f"{quote(spec.instance_profile_name or '')} {query} --output text)"))

    def attach_policy(self, step: Step) -> list[str]:
        action = step.action
        arn = POLICY_ARN if action.made_by is not None else action.policy_arn
        query = _query("length(AttachedPolicies[?PolicyArn==", *_jmespath_literal(arn), "])")
        return self._guarded(step, '[ "$attached" = "0" ]', (
            f"attached=$(aws iam list-attached-role-policies --role-name "
            f"{quote(action.spec.role_name)} {query} --output text)"))

    def inline_policy(self, step: Step) -> list[str]:
        action = step.action
        return self._guarded(step, _silent(
            f"aws iam get-role-policy --role-name {quote(action.spec.role_name)} --policy-name "
            f"{quote(action.policy_name)}"))

    def create_config_bucket(self, step: Step) -> list[str]:
        bucket = quote(step.action.spec.config_bucket)
        return self._guarded(step, _silent(f"aws s3api head-bucket --bucket {bucket}"))

    def upload_ecs_config(self, step: Step) -> list[str]:
        spec = step.action.spec
        return self._guarded(step, _silent(
            f"aws s3api head-object --bucket {quote(spec.config_bucket)} "
            f"{option('key', spec.config_key)}"))

    def create_logs_policy(self, step: Step) -> list[str]:
        spec = step.action.spec
        arn = Word(f"arn:{spec.partition}:iam::", ACCOUNT_ID,
                   f":policy{spec.path}{spec.log_policy_name}")
        return self._guarded(step, _silent(f"aws iam get-policy --policy-arn {arn.render()}"))

    def enable_trunking(self, step: Step) -> list[str]:
        query = _query("length(settings[?value=='enabled'])")
        return self._guarded(step, '[ "$enabled" = "0" ]', (
            "enabled=$(aws ecs list-account-settings --name awsvpcTrunking --principal-arn "
            f"{ROLE_ARN.render()} {query} --output text)"))

    # Reads and waits: always safe to run.
    wait_instance_profile = find_logs_policy = check_managed_policy = _always

    def show_activation(self, step: Step) -> list[str]:
        return [comment("Next, not run here: an activation registers a real machine."),
                *(comment(line) for line in step.command.split("\n"))]



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
    spec = check_spec(spec)
    the_plan = the_plan or plan(spec)
    by_id = {e.id: e for e in errata()}
    guards = CliGuards()
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
        lines += guards.render(step)
    lines += ["", f"echo {quote(f'Role {spec.role_name}: all {len(the_plan)} steps done.')}", ""]
    return "\n".join(lines)
