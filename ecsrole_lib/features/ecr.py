"""Amazon ECR permissions: the page's section that checks the role can pull images.

``AmazonEC2ContainerServiceforEC2Role`` already grants the four ECR actions
(erratum E6), so the step reads the policy and adds nothing unless an
account's copy lacks them.

>>> from ecsrole_lib import RoleSpec, plan
>>> plan(RoleSpec(features=["ecr"]))["check_ecr_permissions"].action.what
'the four ECR actions'
"""

from __future__ import annotations

from typing import ClassVar

from .. import policies
from ..i18n.catalog import message
from ..steps import ECR_INLINE_NAME, CheckManagedPolicy, Step
from .base import Facts, Feature, managed_policy_lookup


class Ecr(Feature):
    name = "ecr"
    selectable = True
    section = "Amazon ECR permissions"
    labels: ClassVar[dict[str, str]] = {"en": "Amazon ECR", "ko": "Amazon ECR 권한"}
    explanation: ClassVar[dict[str, str]] = {
        "en": "Pull container images from Amazon ECR: the managed policy already allows it.",
        "ko": "Amazon ECR에서 컨테이너 이미지를 가져옵니다. 관리형 정책이 이미 허용합니다.",
    }
    korean: ClassVar[dict[str, str]] = {
        "the four ECR actions": "네 가지 ECR 작업",
        "image pulls from Amazon ECR fail": "Amazon ECR에서 이미지를 가져오지 못합니다",
    }

    def steps(self, facts: Facts) -> list[Step]:
        console, cli = managed_policy_lookup(
            facts.partition, {"en": "the four ecr: actions", "ko": "네 가지 ecr: 작업"},
            "starts_with(@, `ecr:`)")
        return [Step(
            id="check_ecr_permissions",
            section=self.section, page_ref=message("page_ref.ecr"),
            titles={"en": "Check the Amazon ECR permissions", "ko": "Amazon ECR 권한 확인"},
            console=console, cli=cli,
            api=("iam:GetPolicy", "iam:GetPolicyVersion"), errata=("E6",),
            note="The managed policy already grants ecr:BatchCheckLayerAvailability, "
                 "ecr:BatchGetImage, ecr:GetDownloadUrlForLayer and ecr:GetAuthorizationToken. "
                 "ecr:GetAuthorizationToken supports no resource-level permissions and stays on *.",
            finding=("A missing feature permission: image pulls from Amazon ECR fail. The four "
                     "ECR actions come with AmazonEC2ContainerServiceforEC2Role. Fix: apply."),
            action=CheckManagedPolicy(facts.spec, policies.ECR_ACTIONS, ECR_INLINE_NAME,
                                      "the four ECR actions", erratum="E6",
                                      symptom="image pulls from Amazon ECR fail"))]


FEATURE = Ecr()
