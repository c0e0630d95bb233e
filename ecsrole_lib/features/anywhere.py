"""Amazon ECS Anywhere: the next step after the role, a Systems Manager activation.

For external instances only; shown, never run (an activation registers real
machines, and moto has none).

>>> from ecsrole_lib import RoleSpec, plan
>>> plan(RoleSpec(instance_kind="external")).ids[-1]
'create_activation'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..i18n.catalog import message
from ..shell import command
from ..steps import ShowActivation, Step
from .base import Facts, Feature

if TYPE_CHECKING:
    from ..spec import RoleSpec


class Anywhere(Feature):
    name = "anywhere"
    section = "Amazon ECS Anywhere: the next step"

    def applies(self, spec: RoleSpec) -> bool:
        return spec.instance_kind == "external"

    def steps(self, facts: Facts) -> list[Step]:
        spec = facts.spec
        role = spec.role_name
        activation = command("aws", "ssm", "create-activation", iam_role=role,
                             registration_limit=1, region=spec.region)
        return [Step(
            id="create_activation", section=self.section,
            page_ref=message("page_ref.anywhere_next"),
            titles={"en": "Next: create a Systems Manager activation",
                    "ko": "다음 단계: Systems Manager 활성화 생성"},
            console={"en": [("Systems Manager console: Hybrid Activations, Create activation, "
                            f"IAM role {role}.")],
                     "ko": [("Systems Manager 콘솔: 하이브리드 활성화, 활성화 생성, "
                            f"IAM 역할 {role}.")]},
            cli=(activation,),
            api=("ssm:CreateActivation",),
            note="Shown, not run: the activation code and id register one external instance.",
            report_note="Next (not run): " + activation.replace(" \\\n    ", " "),
            action=ShowActivation(spec))]


FEATURE = Anywhere()
