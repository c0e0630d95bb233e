"""Features as modules: what a feature module gives reaches every rendering, apply and the doctor.

Spot Instance draining (``spot_draining``) is the feature added as one module
(``ecsrole_lib/features/spot_draining.py``) and a registry line; these tests read
what a user sees of it: the plan, the form's checkbox, ``ecs.config`` in the
bucket after apply, the audit, the doctor's verdict and each export.
"""

from __future__ import annotations

import json
import re
import subprocess

import hcl2
import pytest
import yaml

from ecsrole_lib import (
    RoleSpec,
    ValidationError,
    apply,
    audit,
    doctor,
    export_cloudformation,
    plan,
    teardown,
)
from ecsrole_lib.render.base import KINDS
from ecsrole_lib.render.export import export_cli, export_terraform

ROLE = "ecsInstanceRole"
BUCKET = "ecsrole-guide-spot-test"
CONTAINER_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
SPOT_ACTION = "ecs:UpdateContainerInstancesState"
HANGUL = re.compile("[\uac00-\ud7a3]")
SPOT = RoleSpec(features=["s3_config", "spot_draining"], config_bucket=BUCKET, cluster_name="prod")


def test_spot_draining_is_one_more_documented_step():
    ids = plan(SPOT).ids
    assert ids[-1] == "check_spot_draining_permissions"
    assert "check_spot_draining_permissions" not in plan(RoleSpec()).ids
    step = plan(SPOT, "ko")["check_spot_draining_permissions"]
    assert step.title("ko") == "스팟 인스턴스 드레이닝 권한 확인"
    assert any(SPOT_ACTION in line for line in step.console_path("ko"))
    assert step.action.render_as in KINDS  # an existing action kind: no renderer changed


def test_spot_draining_is_for_ec2_instances_only():
    with pytest.raises(ValidationError) as err:
        RoleSpec(instance_kind="external", features=["spot_draining"])
    (problem,) = err.value.problems
    assert problem.field == "features" and "Spot" in problem.rule


def test_the_bucket_holds_the_agent_setting_after_apply(session, iam):
    report = apply(SPOT, session)
    assert report["check_spot_draining_permissions"].outcome == "unchanged"
    s3 = session.client("s3")
    body = s3.get_object(Bucket=BUCKET, Key="ecs.config")["Body"].read().decode()
    assert body == "ECS_CLUSTER=prod\nECS_ENABLE_SPOT_INSTANCE_DRAINING=true\n"
    # The managed policy grants the action: nothing was added to the role for it.
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == []
    assert apply(SPOT, session).writes == 0
    assert audit(SPOT, session)["check_spot_draining_permissions"].outcome == "ok"
    teardown(SPOT, session)
    assert iam.list_roles()["Roles"] == []


def test_the_doctor_checks_the_draining_call(session, iam):
    apply(SPOT, session)
    diagnosis = doctor(SPOT, session)
    assert diagnosis[SPOT_ACTION].ok, str(diagnosis)
    assert SPOT_ACTION not in [c.name for c in doctor(RoleSpec(), session).checks]
    # Without the managed policy the agent's call is refused, and the audit says why.
    iam.detach_role_policy(RoleName=ROLE, PolicyArn=CONTAINER_POLICY)
    row = doctor(SPOT, session)[SPOT_ACTION]
    assert not row.ok and f"not authorized to perform: {SPOT_ACTION}" in row.symptom
    found = audit(SPOT, session)["check_spot_draining_permissions"]
    assert found.outcome == "missing" and "not drained" in found.reason


def test_the_form_shows_each_feature_with_its_modules_label():
    from ecsrole_lib.notebook.forms import RoleForm

    form = RoleForm(lang="ko")
    labels = {name: box.description for name, box in form.w_features.items()}
    assert labels == {"ecr": "Amazon ECR 권한", "s3_config": "Amazon S3 읽기 전용 액세스",
                      "cloudwatch_logs": "컨테이너 인스턴스 모니터링 권한",
                      "spot_draining": "스팟 인스턴스 드레이닝"}
    assert "DRAINING" in form.w_features["spot_draining"].tooltip  # what choosing it does
    assert HANGUL.search(form.w_features["ecr"].tooltip)
    form.w_features["spot_draining"].value = True
    assert "check_spot_draining_permissions" in form.plan().ids


def test_every_export_carries_the_spot_step(tmp_path):
    script = export_cli(SPOT)
    assert subprocess.run(["bash", "-n"], input=script, text=True, check=False).returncode == 0
    assert "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true" in script  # the ecs.config it uploads
    template = yaml.load(export_cloudformation(SPOT), Loader=yaml.BaseLoader)
    steps = template["Metadata"]["ecsrole-guide"]["Steps"]
    (entry,) = [s for s in steps if s["Step"] == "check_spot_draining_permissions"]
    assert "Covered" in entry and SPOT_ACTION in entry["Covered"]
    terraform = export_terraform(SPOT)
    hcl2.loads(terraform)
    assert "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true" in json.dumps(hcl2.loads(terraform))


def test_trunking_says_who_may_set_a_principals_account_setting():
    """Amazon ECS API Reference, PutAccountSetting, principalArn: "In order to use this
    parameter, you must be the root user, or the principal." (issue 18.5)"""
    from ecsrole_lib import RoleSpec, plan
    from ecsrole_lib.i18n.messages import tr, untranslated

    step = next(s for s in plan(RoleSpec(trunking=True)).steps if s.id == "enable_awsvpc_trunking")
    assert "must be called by the account's root user or by that principal itself" in step.note
    assert "루트 사용자나 그 보안 주체 자신만" in tr(step.note) and not untranslated(tr(step.note))


def test_least_privilege_s3_says_when_kms_decrypt_is_needed():
    """Amazon S3 User Guide (SSE-KMS): reading an object encrypted with an AWS KMS key needs
    kms:Decrypt on the key as well as s3:GetObject (issue 18.5)."""
    from ecsrole_lib import RoleSpec, plan
    from ecsrole_lib.i18n.messages import tr, untranslated

    spec = RoleSpec(features=["s3_config"], config_bucket="my-ecs-config", least_privilege=True)
    step = next(s for s in plan(spec).steps if s.id == "put_s3_config_policy")
    assert "When the bucket encrypts with SSE-KMS, the role needs kms:Decrypt" in step.note
    assert "kms:Decrypt" in tr(step.note) and not untranslated(tr(step.note))
