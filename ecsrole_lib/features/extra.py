"""More managed policies: the user's ``extra_policy_arns``, each attached to the role.

Not a section of the page: a choice the guide adds, for what the instances need
beyond the page (Amazon SSM, CloudWatch agent ...). A policy a documented step
already attaches is attached once, by that step.

>>> from ecsrole_lib import RoleSpec, plan
>>> plan(RoleSpec(extra_policy_arns=["arn:aws:iam::aws:policy/ReadOnlyAccess"])).ids[-1]
'attach_extra_policy_1'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import Problem
from ..i18n.catalog import message
from ..rules import check_partition, check_policy_arn
from ..shell import command
from ..steps import AttachPolicy, Step
from .base import Facts, Feature, attach_console

if TYPE_CHECKING:
    from ..spec import RoleSpec


class ExtraPolicies(Feature):
    name = "extra"
    section = "More managed policies"

    def applies(self, spec: RoleSpec) -> bool:
        return spec.extra_policy_arns != ()  # anything else is checked, a wrong type too

    def problems(self, spec: RoleSpec) -> list[Problem]:
        if not isinstance(spec.extra_policy_arns, tuple):
            return [Problem("extra_policy_arns", spec.extra_policy_arns,
                            "must be a list of policy ARNs")]
        found: list[Problem] = []
        for index, arn in enumerate(spec.extra_policy_arns):
            found += (check_policy_arn(f"extra_policy_arns[{index}]", arn)
                      or check_partition(f"extra_policy_arns[{index}]", arn, spec.region))
        return found

    def steps(self, facts: Facts) -> list[Step]:
        spec = facts.spec
        role = spec.role_name
        steps: list[Step] = []
        for index, arn in enumerate(spec.extra_policy_arns):
            name = arn.rsplit("/", 1)[-1]
            steps.append(Step(
                id=f"attach_extra_policy_{index + 1}", section=self.section,
                page_ref=message("page_ref.extra"),
                titles={"en": f"Attach {name}", "ko": f"{name} 정책 연결"},
                console=attach_console(role, name),
                cli=(command("aws", "iam", "attach-role-policy", role_name=role, policy_arn=arn),),
                api=("iam:GetPolicy", "iam:ListAttachedRolePolicies", "iam:AttachRolePolicy"),
                spec_field=f"extra_policy_arns[{index}]", action=AttachPolicy(spec, arn)))
        return steps


FEATURE = ExtraPolicies()
