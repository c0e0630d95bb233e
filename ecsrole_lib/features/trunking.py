"""ENI trunking: ``awsvpcTrunking`` for this role's principal, as the introduction recommends.

The page suggests two container instance roles, one with trunking for the
instances whose tasks need the higher ENI density. Amazon EC2 instances only.

>>> from ecsrole_lib import RoleSpec, plan
>>> plan(RoleSpec(trunking=True)).ids[-1]
'enable_awsvpc_trunking'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import Problem
from ..i18n.catalog import message
from ..shell import Assign, ShellVar, command
from ..steps import EnableTrunking, Step
from .base import Facts, Feature

if TYPE_CHECKING:
    from ..spec import RoleSpec


class Trunking(Feature):
    name = "trunking"
    section = "ENI trunking (awsvpcTrunking)"

    def applies(self, spec: RoleSpec) -> bool:
        return spec.trunking is True

    def problems(self, spec: RoleSpec) -> list[Problem]:
        if spec.instance_kind == "external":
            return [Problem("trunking", True, "ENI trunking is for Amazon EC2 instance types; "
                            "external instances cannot use it")]
        return []

    def steps(self, facts: Facts) -> list[Step]:
        spec = facts.spec
        role = spec.role_name
        role_arn = ShellVar("ROLE_ARN")
        return [Step(
            id="enable_awsvpc_trunking",
            section=self.section,
            page_ref=message("page_ref.trunking"),
            titles={"en": "Enable awsvpcTrunking for this role",
                    "ko": "이 역할에 awsvpcTrunking 계정 설정 활성화"},
            console={"en": [("The Amazon ECS console's Account settings change the signed-in "
                            "principal or the account default only; for this role, use the AWS CLI.")],
                     "ko": [("Amazon ECS 콘솔의 계정 설정은 로그인한 보안 주체나 계정 기본값만 "
                            "바꿉니다. 이 역할에는 AWS CLI를 사용합니다.")]},
            setup=(Assign(role_arn, command("aws", "iam", "get-role", role_name=role,
                                            query="Role.Arn", output="text")).render(),),
            cli=(command("aws", "ecs", "put-account-setting", name="awsvpcTrunking", value="enabled",
                         principal_arn=role_arn, region=spec.region),),
            api=("ecs:ListAccountSettings", "ecs:PutAccountSetting"),
            note="The page recommends two container instance roles: this one, with trunking, "
                 "for the instances whose tasks need the higher ENI density, and one without. "
                 "PutAccountSetting with --principal-arn must be called by the account's root "
                 "user or by that principal itself (Amazon ECS API Reference, PutAccountSetting: "
                 "principalArn): an IAM user or another role is refused, whatever its policies.",
            errata=("E9",),
            finding=("awsvpcTrunking is not enabled for this role: its instances get no trunk "
                     "ENI. Fix: apply."),
            spec_field="trunking", action=EnableTrunking(spec))]


FEATURE = Trunking()
