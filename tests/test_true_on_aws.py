"""Issue 11 §1: what the form shows works when pasted into a real account.

The "real account" is a moto account other than moto's default (444455556666), reached
through ``target="aws"`` with credentials from an assumed role, as a user's would be.
"""

from __future__ import annotations

import json

import pytest

from ecsrole_lib import RoleSpec, apply, plan
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.notebook.views import erratum, trunking_settings
from ecsrole_lib.sandbox.server import SANDBOX_ACCOUNT

ACCOUNT = "444455556666"  # the other_account fixture's (tests/conftest.py)


def shown(form: RoleForm) -> str:
    the_plan = form.plan()
    return "\n".join([str(the_plan), the_plan._repr_html_(), *the_plan.files().values(),
                      *(s.note for s in the_plan)])


def test_on_aws_every_view_names_the_real_account_once_known(other_account):
    # The plan says ${ACCOUNT_ID} while the account is unknown ...
    offline = plan(RoleSpec(instance_kind="external", features=["cloudwatch_logs"],
                            least_privilege=True))
    before = "\n".join([*offline.files().values(), *(s.note for s in offline)])
    assert "${ACCOUNT_ID}" in before and "replace it with your 12-digit account id" in before
    # ... and the form on AWS reads it once, before it first shows the plan.
    form = RoleForm(target="aws", instance_kind="external",
                    features=["cloudwatch_logs"], least_privilege=True)
    after = shown(form)
    assert form.whoami().account == ACCOUNT
    assert ACCOUNT in after
    assert "${ACCOUNT_ID}" not in after and SANDBOX_ACCOUNT not in after
    trust = json.loads(form.plan().files()["instance-role-trust-policy.json"])
    assert trust["Statement"][0]["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT


def test_the_sandbox_account_never_reaches_the_commands(endpoint):
    form = RoleForm(instance_kind="external", features=["cloudwatch_logs"], least_privilege=True)
    identity = form.whoami()
    assert "stand-in" in str(identity)  # the fake caller is labelled as the sandbox's
    assert SANDBOX_ACCOUNT not in shown(form)


def test_the_config_bucket_defaults_to_a_name_from_the_account(other_account):
    form = RoleForm(target="aws", features=["s3_config"])
    assert form.spec.config_bucket == f"ecsrole-guide-config-{ACCOUNT}"
    assert RoleForm(target="aws", features=["s3_config"], config_bucket="mine-1").spec \
        .config_bucket == "mine-1"
    assert SANDBOX_ACCOUNT not in RoleForm(features=["s3_config"]).spec.config_bucket


def test_trunking_table_says_what_aws_does_and_when_it_takes_effect(session):
    specs = [RoleSpec(trunking=True), RoleSpec(role_name="plainRole")]
    for spec in specs:
        apply(spec, session)
    table = trunking_settings(session, specs)
    assert "on AWS" in table.header
    on_aws = {row[0]: row[-1] for row in table.rows}
    assert on_aws["ecsInstanceRole"] == "enabled" and "default" in on_aws["plainRole"]
    assert "register after" in table.note and "awsvpc" in table.note


@pytest.mark.parametrize("eid", ["E3", "E5"])
def test_e3_and_e5_show_what_iam_itself_answers(eid, session):
    evidence = erratum(eid, session).evidence
    answer = [e for e in evidence if "answers GetPolicy with the ARN as written" in e]
    assert answer, evidence
    assert "InvalidInput" in answer[0] or "NoSuchEntity" in answer[0]
