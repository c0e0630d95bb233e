"""The container instance role itself: trust policy, instance profile, the managed policy.

The page's first section, "Create the container instance role" (console steps
1-9, AWS CLI steps 1-5), and for Amazon ECS Anywhere the Systems Manager
policy of its IMPORTANT note. It always applies.

>>> from ecsrole_lib import RoleSpec, plan
>>> [s.id for s in plan(RoleSpec(instance_kind="external"))]
['create_role', 'attach_ssm_managed_instance_core', 'attach_managed_policy', 'create_activation']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import policies
from ..errors import Problem
from ..i18n.catalog import message
from ..rules import check_iam_name, check_partition, check_policy_arn
from ..shell import FileRef, command
from ..steps import (
    ACCOUNT,
    AddRoleToInstanceProfile,
    AttachPolicy,
    CreateInstanceProfile,
    CreateRole,
    Step,
    WaitInstanceProfile,
    tags_json,
)
from .base import ADDS_TAGS, SIGN_IN, Facts, Feature, account_note, filled

if TYPE_CHECKING:
    from ..spec import RoleSpec


TRUST_FILE = "instance-role-trust-policy.json"
_MANAGED = policies.CONTAINER_INSTANCE_POLICY[1]
_SSM = policies.SSM_CORE_POLICY[1]

#: The page's text of each step, as :class:`~ecsrole_lib.steps.Step` fields; ``{role}``,
#: ``{profile}`` ... are filled in from the spec (:func:`~ecsrole_lib.features.base.filled`).
TEXT: dict[str, dict[str, Any]] = {}

#: What console steps 4 and 6 choose, by instance kind: the use case, and the policies.
CHOICES = {
    "ec2": {
        "service_en": ("For Service or use case, choose Elastic Container Service, then the "
                       "EC2 Role for Elastic Container Service use case."),
        "service_ko": ("서비스 또는 사용 사례의 경우 Elastic Container Service를 선택하고 Elastic Container "
                       "Service의 EC2 역할 사용 사례를 선택합니다."),
        "select_en": f"6. In Permissions policies, make sure {_MANAGED} is selected.",
        "select_ko": f"6. 권한 정책 섹션에서 {_MANAGED} 정책을 선택했는지 확인합니다.",
    },
    "external": {
        "service_en": "For Service or use case, choose Systems Manager (the Systems Manager use case).",
        "service_ko": "서비스 또는 사용 사례의 경우 Systems Manager를 선택합니다.",
        "select_en": (f"6. In Permissions policies, select {_SSM} and {_MANAGED} (the Systems "
                      "Manager use case selects neither for you)."),
        "select_ko": (f"6. 권한 정책 섹션에서 {_SSM} 및 {_MANAGED} 정책을 선택합니다(Systems "
                      "Manager 사용 사례는 둘 다 미리 선택하지 않습니다)."),
    },
}

# The console's own order, 1-9: the policy is chosen (5-7) before the role is named
# and created (8-9), although the AWS CLI attaches it last.
CREATE_ROLE_CONSOLE = {
    "en": [f"1. {SIGN_IN['en']}",
           "2. In the navigation pane of the IAM console, choose Roles, then Create role.",
           "3. For Trusted entity type, choose AWS service.",
           "4. {service_en}",
           "5. Choose Next.", "{select_en}", "7. Choose Next.",
           "8. For Role name, enter {role}.",
           "9. Review the role, then choose Create role."],
    "ko": [f"1. {SIGN_IN['ko']}",
           "2. IAM 콘솔의 탐색 창에서 역할을 선택하고 역할 생성을 선택합니다.",
           "3. 신뢰할 수 있는 엔터티 유형에서 AWS 서비스를 선택합니다.",
           "4. {service_ko}",
           "5. 다음을 선택합니다.", "{select_ko}", "7. 다음을 선택합니다.",
           "8. 역할 이름에 {role:을} 입력합니다.",
           "9. 역할을 검토한 다음 역할 생성을 선택합니다."],
}

#: For an external instance, after console step 9: the guide's trust policy conditions.
TRUST_CONDITIONS = {
    "en": ("Then, on the role's Trust relationships tab, choose Edit trust policy and add the "
           "aws:SourceAccount and aws:SourceArn conditions shown in the JSON file (the "
           "guide's addition, not on the page: aws:SourceArn names this Region only, so an "
           "activation created in another Region cannot assume the role; use * for the "
           "Region to activate there)."),
    "ko": ("그런 다음 역할의 신뢰 관계 탭에서 신뢰 정책 편집을 선택하고 JSON 파일의 "
           "aws:SourceAccount 및 aws:SourceArn 조건을 추가합니다(페이지에는 없는 가이드의 "
           "추가 사항입니다. aws:SourceArn이 이 리전만 지정하므로 다른 리전에서 만든 활성화는 "
           "역할을 수임할 수 없습니다. 그 리전에서 활성화하려면 리전에 *를 쓰십시오)."),
}

#: Who assumes the role, by instance kind.
CREATE_ROLE_NOTES = {
    "ec2": "Amazon EC2 (ec2.amazonaws.com) assumes the role for the instance.",
    "external": ("Systems Manager (ssm.amazonaws.com) assumes the role for the external instance; "
                 "the conditions let only this account's Systems Manager do so (confused deputy)."),
}

TEXT["create_role"] = {
    "id": "create_role",
    "page_ref": message("page_ref.role_create"),
    "titles": {"en": "Create the role with its trust policy", "ko": "신뢰 정책으로 역할 생성"},
    "api": ("iam:GetRole", "iam:CreateRole", "iam:UpdateAssumeRolePolicy"),
    "finding": ("The role must exist and trust the right service. Amazon EC2 "
                "(ec2.amazonaws.com) assumes it for an EC2 instance, Systems Manager "
                "(ssm.amazonaws.com) for an external one. Fix: apply restores the trust "
                "policy of a role the guide created; for another role, edit its trust policy "
                "(IAM console: the role's Trust relationships tab, Edit trust policy)."),
}

#: The console of the managed policies: chosen at console step 6 of "create_role".
CHOSEN = {"en": [("Chosen at console step 6 of \"{title_en}\": the console "
                  "attaches it when it creates the role.")],
          "ko": [("콘솔 6단계(\"{title_ko}\")에서 선택합니다. 콘솔은 역할을 만들 때 "
                  "이 정책을 연결합니다.")]}

#: The console of the instance profile (ec2): the IAM console makes it with the role.
_AUTO = {"en": [("Nothing to click: with console step 9 the IAM console creates an instance "
                 "profile named after the role ({role}) and adds the role to it.")],
         "ko": [("클릭할 것이 없습니다. 9단계에서 IAM 콘솔이 역할과 같은 이름({role})의 "
                 "인스턴스 프로파일을 만들고 역할을 추가합니다.")]}

TEXT["create_instance_profile"] = {
    "id": "create_instance_profile",
    "page_ref": message("page_ref.profile_create"),
    "titles": {"en": "Create the instance profile", "ko": "인스턴스 프로파일 생성"},
    "console": _AUTO,
    "api": ("iam:GetInstanceProfile", "iam:CreateInstanceProfile"),
    "note": "An instance profile is the container that hands the role to an EC2 instance.",
    "finding": ("Amazon EC2 hands a role to an instance only through an instance "
                "profile: without one the role cannot be chosen at launch, and the "
                "agent gets no credentials. Fix: apply (AWS CLI steps 3 and 4)."),
    "spec_field": "instance_profile_name",
}
TEXT["add_role_to_instance_profile"] = {
    "id": "add_role_to_instance_profile",
    "page_ref": message("page_ref.profile_add"),
    "titles": {"en": "Add the role to the instance profile", "ko": "인스턴스 프로파일에 역할 추가"},
    "console": _AUTO,
    "api": ("iam:AddRoleToInstanceProfile",), "errata": ("E1",),
    "note": ("Role {role} goes into instance profile {profile} (the page's sentence "
             "swaps the names, erratum E1)."),
    "finding": ("The instance profile is empty or missing, so an instance launched "
                "with it has no role. Fix: apply (AWS CLI step 4)."),
    "spec_field": "instance_profile_name",
}
TEXT["wait_instance_profile"] = {
    "id": "wait_instance_profile",
    "page_ref": message("page_ref.wait"),
    "titles": {"en": "Wait until the instance profile is visible",
               "ko": "인스턴스 프로파일이 보일 때까지 대기"},
    "console": {"en": ["Wait about ten seconds before launching an instance with it."],
                "ko": ["인스턴스를 시작하기 전에 10초 정도 기다립니다."]},
    "api": ("iam:GetInstanceProfile",),
    "note": ("IAM is eventually consistent: a new instance profile takes a few seconds to "
             "reach Amazon EC2."),
}
TEXT["attach_ssm_managed_instance_core"] = {
    "id": "attach_ssm_managed_instance_core",
    "page_ref": message("page_ref.anywhere_note"),
    "titles": {"en": "Attach AmazonSSMManagedInstanceCore",
               "ko": "AmazonSSMManagedInstanceCore 정책 연결"},
    "api": ("iam:ListAttachedRolePolicies", "iam:AttachRolePolicy"),
    "note": "Systems Manager permissions let the external instance register and talk to AWS.",
    "finding": ("Without Systems Manager permissions an external instance cannot "
                "register. Fix: apply."),
}
TEXT["attach_managed_policy"] = {
    "id": "attach_managed_policy",
    "page_ref": message("page_ref.attach"),
    "titles": {"en": "Attach AmazonEC2ContainerServiceforEC2Role",
               "ko": "AmazonEC2ContainerServiceforEC2Role 관리형 정책 연결"},
    "api": ("iam:GetPolicy", "iam:ListAttachedRolePolicies", "iam:AttachRolePolicy"),
    "errata": ("E2", "E7"),
    "note": ("Without it, creating a cluster in the console shows an error. AWS adds permissions "
             "for new features to this policy, which is why the page attaches it rather than "
             "copying it."),
    "finding": ("Without AmazonEC2ContainerServiceforEC2Role the container agent cannot "
                "register the instance with the cluster. Fix: apply (console step 6, AWS CLI "
                "step 5)."),
}


class Role(Feature):
    name = "role"
    section = "Create the container instance role"

    def applies(self, spec: RoleSpec) -> bool:
        return True

    def problems(self, spec: RoleSpec) -> list[Problem]:
        found = check_iam_name("CreateRole", "RoleName", "role_name", spec.role_name)
        derived = spec.instance_profile_name == f"{spec.role_name}-profile"
        if spec.instance_kind == "external" and spec.instance_profile_name is not None:
            found.append(Problem("instance_profile_name", spec.instance_profile_name,
                                 "external instances (ECS Anywhere) use no instance profile; "
                                 "leave it None"))
        elif spec.instance_profile_name is not None and not (derived and found):
            # A name derived from a bad role name is reported once, as the role name.
            found += check_iam_name("CreateInstanceProfile", "InstanceProfileName",
                                    "instance_profile_name", spec.instance_profile_name)
        if spec.description is not None:
            found += check_iam_name("CreateRole", "Description", "description", spec.description)
        if spec.permissions_boundary is not None:
            found += (check_policy_arn("permissions_boundary", spec.permissions_boundary)
                      or check_partition("permissions_boundary", spec.permissions_boundary,
                                         spec.region))
        return found

    def limits(self, spec: RoleSpec) -> list[Problem]:
        # The size of the document the guide will send, with a 12-digit account.
        trust = policies.trust_policy(spec.instance_kind, spec.partition, "123456789012",
                                      spec.region)
        if policies.size(trust) > policies.TRUST_POLICY_QUOTA:
            return [Problem("instance_kind", spec.instance_kind,
                            f"the trust policy would be {policies.size(trust)} characters; "
                            f"IAM allows {policies.TRUST_POLICY_QUOTA}")]
        return []

    def ecs_config(self, spec: RoleSpec) -> list[str]:
        return [f"ECS_CLUSTER={spec.cluster_name}"]

    def agent(self, spec: RoleSpec) -> dict[str, Any]:
        return {"cluster": spec.cluster_name, "instance_kind": spec.instance_kind}

    def steps(self, facts: Facts) -> list[Step]:
        spec = facts.spec
        ec2 = spec.instance_kind == "ec2"
        steps = [self._create_role(facts)]
        values = {"role": spec.role_name, "profile": spec.instance_profile_name}
        if ec2:
            steps += [Step(section=self.section, **filled(TEXT[step_id], **values),
                           cli=(cli,) if isinstance(cli, str) else cli, action=action(spec))
                      for step_id, cli, action in self._profile_steps(spec)]
        else:
            ssm_arn = policies.managed_policy_arn(facts.partition, policies.SSM_CORE_POLICY)
            steps.append(self._attach(spec, "attach_ssm_managed_instance_core", ssm_arn,
                                      role_name=spec.role_name, policy_arn=ssm_arn))
        managed = policies.managed_policy_arn(facts.partition, policies.CONTAINER_INSTANCE_POLICY)
        steps.append(self._attach(spec, "attach_managed_policy", managed,
                                  policy_arn=managed, role_name=spec.role_name))
        return steps

    def _create_role(self, facts: Facts) -> Step:
        """Console steps 1-9, AWS CLI steps 1-2: the role with its trust policy."""
        spec, account = facts.spec, facts.account
        kind = spec.instance_kind
        trust = policies.trust_policy(kind, facts.partition, account or ACCOUNT, spec.region)
        account_files = (TRUST_FILE,) if kind != "ec2" and account is None else ()
        console = filled(CREATE_ROLE_CONSOLE, role=spec.role_name, **CHOICES[kind])
        if kind != "ec2":
            for lang, text in TRUST_CONDITIONS.items():
                console[lang].append(text)
        note = CREATE_ROLE_NOTES[kind] + (account_note(account_files) if account_files else "")
        return Step(
            section=self.section, **filled(TEXT["create_role"]), console=console,
            cli=(ADDS_TAGS,
                 command("aws", "iam", "create-role", role_name=spec.role_name,
                         assume_role_policy_document=FileRef(TRUST_FILE),
                         path=spec.path if spec.path != "/" else None,
                         description=spec.description,
                         permissions_boundary=spec.permissions_boundary,
                         tags=tags_json(spec))),
            files={TRUST_FILE: policies.as_json(trust)}, account_files=account_files,
            errata=("E8",) if kind == "ec2" else (), note=note, action=CreateRole(spec))

    def _profile_steps(self, spec: RoleSpec) -> list[tuple[str, Any, Any]]:
        """AWS CLI steps 3-4 and the wait: each step's id, its commands and its action."""
        profile = spec.instance_profile_name
        path = spec.path if spec.path != "/" else None
        return [
            ("create_instance_profile",
             (ADDS_TAGS, command("aws", "iam", "create-instance-profile",
                                 instance_profile_name=profile, path=path, tags=tags_json(spec))),
             CreateInstanceProfile),
            ("add_role_to_instance_profile",
             command("aws", "iam", "add-role-to-instance-profile",
                     instance_profile_name=profile, role_name=spec.role_name),
             AddRoleToInstanceProfile),
            ("wait_instance_profile",
             command("aws", "iam", "wait", "instance-profile-exists",
                     instance_profile_name=profile),
             WaitInstanceProfile),
        ]

    def _attach(self, spec: RoleSpec, step_id: str, arn: str, **options: str) -> Step:
        """A managed policy the console chose at step 6, attached by the AWS CLI."""
        title = TEXT["create_role"]["titles"]
        return Step(section=self.section, **filled(TEXT[step_id]),
                    console=filled(CHOSEN, title_en=title["en"], title_ko=title["ko"]),
                    cli=(command("aws", "iam", "attach-role-policy", **options),),
                    action=AttachPolicy(spec, arn))


FEATURE = Role()
