"""The page's AWS CLI commands, run with the real `aws` executable against the sandbox.

The corrected sequence (``plan(spec).commands()``, with the files of
``plan(spec).files()`` beside it) must leave the state ``apply`` leaves; the page's
as-written E3 and E5 commands must fail, and E4's as-written query must print [].
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ecsrole_lib import RoleSpec, apply, errata, plan

pytestmark = pytest.mark.cli

S3_READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
PAGE_ACCOUNT = "111122223333"  # the example account in the page's E5 command
BUCKET = "ecs-config-cli-test"
ALL = ["ecr", "s3_config", "cloudwatch_logs"]


@pytest.fixture
def aws(cli_env, tmp_path):
    """``aws(script, files)``: run a bash script (``set -e``) with the real AWS CLI in a tmp dir."""
    env = dict(cli_env)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(AWS_PAGER="", AWS_DEFAULT_OUTPUT="json",
               AWS_CONFIG_FILE=str(tmp_path / "no-config"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"))
    work = tmp_path / "cli"
    work.mkdir()

    def run(script: str, files: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        for name, text in (files or {}).items():
            (work / name).write_text(text)
        return subprocess.run(["bash", "-c", "set -e\n" + script], check=False, cwd=work,
                              env=env, capture_output=True, text=True, timeout=300)
    return run


def corrected_sequence(spec: RoleSpec) -> str:
    """The plan's commands in order, without what the guide only shows (SSM activation)."""
    the_plan = plan(spec)
    shown_only = set(the_plan["create_activation"].cli) if "create_activation" in the_plan.ids \
        else set()
    return "\n".join(c for c in the_plan.commands() if c not in shown_only)


def erratum(erratum_id: str):
    (found,) = [e for e in errata() if e.id == erratum_id]
    return found


@pytest.mark.parametrize("spec", [
    pytest.param(RoleSpec(features=ALL, config_bucket=BUCKET, cluster_name="prod", trunking=True,
                          extra_policy_arns=["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"],
                          tags={"team": "blue green"}), id="ec2-full"),
    pytest.param(RoleSpec(features=["s3_config"], config_bucket=BUCKET, least_privilege=True,
                          role_name="ecsTrunkRole", path="/ecs/", trunking=True),
                 id="ec2-least-privilege-trunking-role"),
    # The account id is in the documents themselves (trust conditions, narrowed logs).
    pytest.param(RoleSpec(instance_kind="external", features=["ecr", "cloudwatch_logs"],
                          least_privilege=True, description="ECS Anywhere hosts",
                          tags={"site": "factory-7"}), id="external-least-privilege"),
])
def test_corrected_commands_give_the_state_apply_gives(spec, session, aws, state, empty_state,
                                                       wipe, record_calls):
    done = aws(corrected_sequence(spec), plan(spec).files())
    assert done.returncode == 0, done.stderr
    by_cli = state(session, spec.region)
    assert by_cli != empty_state

    # apply finds nothing to do after the CLI ...
    calls = record_calls(session)
    again = apply(spec, session)
    assert calls.writes() == [] and again.writes == 0, str(again)

    # ... and makes the same state on a fresh sandbox.
    wipe()
    assert state(session, spec.region) == empty_state
    apply(spec, session)
    by_apply = state(session, spec.region)
    assert by_cli == by_apply


def test_e3_as_written_fails_and_corrected_attaches(session, iam, aws):
    apply(RoleSpec(), session)  # the role exists: only the ARN can be wrong
    as_written = aws(erratum("E3").as_written)
    assert as_written.returncode != 0
    attached = [p["PolicyArn"] for p in
                iam.list_attached_role_policies(RoleName="ecsInstanceRole")["AttachedPolicies"]]
    assert S3_READ_ONLY not in attached
    corrected = aws(erratum("E3").corrected)
    assert corrected.returncode == 0, corrected.stderr
    attached = [p["PolicyArn"] for p in
                iam.list_attached_role_policies(RoleName="ecsInstanceRole")["AttachedPolicies"]]
    assert S3_READ_ONLY in attached


def test_e4_as_written_query_prints_an_empty_list(session, aws):
    apply(RoleSpec(features=["cloudwatch_logs"]), session)
    account = session.client("sts").get_caller_identity()["Account"]
    as_written = aws(erratum("E4").as_written)
    assert as_written.returncode == 0, as_written.stderr  # no error: silently empty
    assert json.loads(as_written.stdout) == []
    corrected = aws(erratum("E4").corrected)
    assert corrected.returncode == 0, corrected.stderr
    assert json.loads(corrected.stdout) == [f"arn:aws:iam::{account}:policy/cwlogspolicy"]


def test_e5_as_written_fails_and_corrected_attaches(session, iam, aws):
    apply(RoleSpec(features=["cloudwatch_logs"]), session)
    account = session.client("sts").get_caller_identity()["Account"]
    logs_arn = f"arn:aws:iam::{account}:policy/cwlogspolicy"
    iam.detach_role_policy(RoleName="ecsInstanceRole", PolicyArn=logs_arn)
    # As written, with the page's example account, and even with this account.
    assert aws(erratum("E5").as_written).returncode != 0
    assert aws(erratum("E5").as_written.replace(PAGE_ACCOUNT, account)).returncode != 0
    attached = [p["PolicyArn"] for p in
                iam.list_attached_role_policies(RoleName="ecsInstanceRole")["AttachedPolicies"]]
    assert logs_arn not in attached
    corrected = aws(erratum("E5").corrected.replace(PAGE_ACCOUNT, account))
    assert corrected.returncode == 0, corrected.stderr
    attached = [p["PolicyArn"] for p in
                iam.list_attached_role_policies(RoleName="ecsInstanceRole")["AttachedPolicies"]]
    assert logs_arn in attached


def test_ecr_check_command_lists_the_four_actions(session, aws):
    """E6: the plan's command answers the page's question from the managed policy."""
    spec = RoleSpec(features=["ecr"])
    (command,) = plan(spec)["check_ecr_permissions"].cli
    done = aws(command)
    assert done.returncode == 0, done.stderr
    listed = set(json.dumps(json.loads(done.stdout)).replace('"', " ").replace(",", " ")
                 .replace("[", " ").replace("]", " ").split())
    assert {"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
            "ecr:GetAuthorizationToken"} <= listed
