"""Spot Instance draining: the container agent sets a Spot Instance to DRAINING before it goes.

Not a section of the page; an agent setting the Amazon ECS Developer Guide
describes ("Container instance draining", Spot Instances): with
``ECS_ENABLE_SPOT_INSTANCE_DRAINING=true`` in ``ecs.config`` the agent polls
for a Spot interruption notice and calls ``ecs:UpdateContainerInstancesState``
with the instance role, so the tasks move before Amazon EC2 reclaims the
instance. ``AmazonEC2ContainerServiceforEC2Role`` grants that action, so the
step only checks it, like the page's ECR section; the doctor checks the call.

>>> from ecsrole_lib import RoleSpec, ecs_config, plan
>>> spec = RoleSpec(features=["spot_draining"])
>>> plan(spec).ids[-1]
'check_spot_draining_permissions'
>>> print(ecs_config(spec), end="")
ECS_CLUSTER=default
ECS_ENABLE_SPOT_INSTANCE_DRAINING=true
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from .. import policies
from ..errors import Problem
from ..i18n.catalog import message
from ..steps import CheckManagedPolicy, Step
from .base import Facts, Feature, managed_policy_lookup

if TYPE_CHECKING:
    from ..spec import RoleSpec

ACTION = "ecs:UpdateContainerInstancesState"
INLINE_NAME = "ecs-spot-draining"
FINDING = ("A missing feature permission: a Spot Instance is not drained before Amazon EC2 "
           "reclaims it. ecs:UpdateContainerInstancesState comes with "
           "AmazonEC2ContainerServiceforEC2Role. Fix: apply.")


class SpotDraining(Feature):
    name = "spot_draining"
    selectable = True
    section = "Spot Instance draining"
    labels: ClassVar[dict[str, str]] = {"en": "Spot Instance draining",
                                        "ko": "스팟 인스턴스 드레이닝"}
    explanation: ClassVar[dict[str, str]] = {
        "en": "The container agent sets a Spot Instance to DRAINING when Amazon EC2 sends the "
              "interruption notice, so its tasks move first (ECS_ENABLE_SPOT_INSTANCE_DRAINING).",
        "ko": "Amazon EC2가 중단 알림을 보내면 컨테이너 에이전트가 스팟 인스턴스를 DRAINING으로 "
              "설정하여 태스크를 먼저 옮깁니다(ECS_ENABLE_SPOT_INSTANCE_DRAINING).",
    }
    korean: ClassVar[dict[str, str]] = {
        FINDING: "기능 권한이 없습니다: Amazon EC2가 회수하기 전에 스팟 인스턴스가 드레이닝되지 "
                 "않습니다. ecs:UpdateContainerInstancesState는 AmazonEC2ContainerServiceforEC2Role에 "
                 "들어 있습니다. 해결: apply.",
        "a reclaimed Spot Instance is not drained: its tasks stop without being replaced first":
            "회수되는 스팟 인스턴스가 드레이닝되지 않습니다. 태스크가 먼저 교체되지 않고 중지됩니다",
        "Spot Instance draining is for Amazon EC2 Spot Instances; external instances (ECS "
        "Anywhere) get no interruption notice":
            "스팟 인스턴스 드레이닝은 Amazon EC2 스팟 인스턴스용입니다. 외부 인스턴스(ECS Anywhere)는 "
            "중단 알림을 받지 않습니다",
    }

    def problems(self, spec: RoleSpec) -> list[Problem]:
        if spec.instance_kind == "external":
            return [Problem("features", self.name,
                            "Spot Instance draining is for Amazon EC2 Spot Instances; external "
                            "instances (ECS Anywhere) get no interruption notice")]
        return []

    def ecs_config(self, spec: RoleSpec) -> list[str]:
        return ["ECS_ENABLE_SPOT_INSTANCE_DRAINING=true"]

    def agent(self, spec: RoleSpec) -> dict[str, Any]:
        return {"spot_draining": True}

    def steps(self, facts: Facts) -> list[Step]:
        name = policies.CONTAINER_INSTANCE_POLICY[1]
        console, cli = managed_policy_lookup(
            facts.partition, {"en": ACTION, "ko": f"{ACTION} 작업"}, f"@ == `{ACTION}`")
        return [Step(
            id="check_spot_draining_permissions", section=self.section, finding=FINDING,
            page_ref=message("page_ref.spot"),
            titles={"en": "Check the Spot Instance draining permission",
                    "ko": "스팟 인스턴스 드레이닝 권한 확인"},
            console=console, cli=cli,
            api=("iam:GetPolicy", "iam:GetPolicyVersion"),
            note=(f"{name} already grants {ACTION}, which the agent calls with the instance role "
                  "to set the instance to DRAINING on a Spot interruption notice; the setting "
                  "itself is the ecs.config line ECS_ENABLE_SPOT_INSTANCE_DRAINING=true."),
            action=CheckManagedPolicy(facts.spec, (ACTION,), INLINE_NAME, ACTION,
                                      symptom="a reclaimed Spot Instance is not drained: its "
                                              "tasks stop without being replaced first"))]


FEATURE = SpotDraining()
