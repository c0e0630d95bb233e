"""``plan(spec)``: the documented steps for a spec, in the page's order.

Everything a user sees or runs is read from this one list: the notebook's
text, the console clicks, the CLI commands, apply, audit, teardown and the
exports.

>>> from ecsrole_lib import RoleSpec, plan
>>> [s.id for s in plan(RoleSpec())]
['create_role', 'create_instance_profile', 'add_role_to_instance_profile', 'wait_instance_profile', 'attach_managed_policy']
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

from . import policies
from .report import CELL_STYLE
from .shell import Assign, FileRef, ShellVar, Subst, command, json_value
from .spec import RoleSpec
from .steps import (
    ACCOUNT,
    S3_INLINE_NAME,
    AddRoleToInstanceProfile,
    AttachPolicy,
    CheckEcrPermissions,
    CreateConfigBucket,
    CreateInstanceProfile,
    CreateLogsPolicy,
    CreateRole,
    EnableTrunking,
    FindLogsPolicy,
    InlinePolicy,
    ShowActivation,
    Step,
    UploadEcsConfig,
    WaitInstanceProfile,
    tags_json,
)
from .userdata import ecs_config, user_data

__all__ = ["LANGS", "Plan", "plan"]

LANGS = ("en", "ko")

SECTIONS = {
    "role": "Create the container instance role",
    "ecr": "Amazon ECR permissions",
    "s3_config": "Amazon S3 read-only access",
    "cloudwatch_logs": "Container instance monitoring permissions (CloudWatch Logs)",
    "extra": "More managed policies",
    "trunking": "ENI trunking (awsvpcTrunking)",
    "anywhere": "Amazon ECS Anywhere: the next step",
}

_SIGN_IN = {
    "en": "Sign in to the AWS Management Console and open the IAM console at "
          "https://console.aws.amazon.com/iam/.",
    "ko": "AWS Management Console에 로그인하여 https://console.aws.amazon.com/iam/ 에서 IAM 콘솔을 엽니다.",
}


def _attach_console(role: str, policy: str) -> dict[str, list[str]]:
    return {
        "en": [_SIGN_IN["en"], "In the navigation pane, choose Roles.", f"Choose {role}.",
               "Choose Add permissions, then Attach policies.",
               f"Select {policy}, then choose Add permissions."],
        "ko": [_SIGN_IN["ko"], "IAM 콘솔의 탐색 창에서 역할을 선택합니다.", f"{role}을(를) 선택합니다.",
               "권한 추가, 정책 연결을 선택합니다.", f"{policy}을(를) 선택한 다음 권한 추가를 선택합니다."],
    }


#: Comment lines that mark what the guide adds to the page's commands.
_ADDS_TAGS = ("# Added by ecsrole-guide (not on the page): --tags with created-by=ecsrole-guide, "
              "the mark teardown looks for.")


def _account_note(files: tuple[str, ...]) -> str:
    """What to do with ``${ACCOUNT_ID}`` in a file while the account is not known."""
    return (f" {' and '.join(files)} names your account as ${{ACCOUNT_ID}}: replace it with "
            "your 12-digit account id, or set ACCOUNT_ID=$(aws sts get-caller-identity --query "
            "Account --output text) and fill it in with sed, as the full AWS CLI listing does.")


def _role_steps(spec: RoleSpec, partition: str, account: str | None) -> list[Step]:
    role = spec.role_name
    trust_file = "instance-role-trust-policy.json"
    trust = policies.trust_policy(spec.instance_kind, partition, account or ACCOUNT, spec.region)
    ec2 = spec.instance_kind == "ec2"
    managed_name = policies.CONTAINER_INSTANCE_POLICY[1]
    ssm_name = policies.SSM_CORE_POLICY[1]
    service_choice = {
        "en": ("For Service or use case, choose Elastic Container Service, then the "
               "EC2 Role for Elastic Container Service use case." if ec2 else
               "For Service or use case, choose Systems Manager (the Systems Manager use case)."),
        "ko": ("서비스 또는 사용 사례의 경우 Elastic Container Service를 선택하고 Elastic Container "
               "Service의 EC2 역할 사용 사례를 선택합니다." if ec2 else
               "서비스 또는 사용 사례의 경우 Systems Manager를 선택합니다."),
    }
    select = {
        "en": (f"6. In Permissions policies, make sure {managed_name} is selected." if ec2 else
               f"6. In Permissions policies, select {ssm_name} and {managed_name} (the Systems "
               "Manager use case selects neither for you)."),
        "ko": (f"6. 권한 정책 섹션에서 {managed_name} 정책을 선택했는지 확인합니다." if ec2 else
               f"6. 권한 정책 섹션에서 {ssm_name} 및 {managed_name} 정책을 선택합니다(Systems "
               "Manager 사용 사례는 둘 다 미리 선택하지 않습니다)."),
    }
    # The console's own order, 1-9: the policy is chosen (5-7) before the role is named
    # and created (8-9), although the AWS CLI attaches it last.
    create_console = {
        "en": [f"1. {_SIGN_IN['en']}",
               "2. In the navigation pane of the IAM console, choose Roles, then Create role.",
               "3. For Trusted entity type, choose AWS service.",
               f"4. {service_choice['en']}",
               "5. Choose Next.", select["en"], "7. Choose Next.",
               f"8. For Role name, enter {role}.",
               "9. Review the role, then choose Create role."],
        "ko": [f"1. {_SIGN_IN['ko']}",
               "2. IAM 콘솔의 탐색 창에서 역할을 선택하고 역할 생성을 선택합니다.",
               "3. 신뢰할 수 있는 엔터티 유형에서 AWS 서비스를 선택합니다.",
               f"4. {service_choice['ko']}",
               "5. 다음을 선택합니다.", select["ko"], "7. 다음을 선택합니다.",
               f"8. 역할 이름에 {role}을(를) 입력합니다.",
               "9. 역할을 검토한 다음 역할 생성을 선택합니다."],
    }
    if not ec2:
        create_console["en"].append(
            "Then, on the role's Trust relationships tab, choose Edit trust policy and add the "
            "aws:SourceAccount and aws:SourceArn conditions shown in the JSON file.")
        create_console["ko"].append(
            "그런 다음 역할의 신뢰 관계 탭에서 신뢰 정책 편집을 선택하고 JSON 파일의 "
            "aws:SourceAccount 및 aws:SourceArn 조건을 추가합니다.")
    account_files = (trust_file,) if not ec2 and account is None else ()
    steps = [Step(
        id="create_role", section=SECTIONS["role"],
        page_ref="Console steps 1-9; AWS CLI steps 1-2",
        titles={"en": "Create the role with its trust policy", "ko": "신뢰 정책으로 역할 생성"},
        console=create_console,
        cli=(_ADDS_TAGS,
             command("aws", "iam", "create-role", role_name=role,
                     assume_role_policy_document=FileRef(trust_file),
                     path=spec.path if spec.path != "/" else None,
                     description=spec.description,
                     permissions_boundary=spec.permissions_boundary,
                     tags=tags_json(spec))),
        files={trust_file: policies.as_json(trust)}, account_files=account_files,
        api=("iam:GetRole", "iam:CreateRole", "iam:UpdateAssumeRolePolicy"),
        errata=("E8",) if ec2 else (),
        note=("Amazon EC2 (ec2.amazonaws.com) assumes the role for the instance." if ec2 else
              "Systems Manager (ssm.amazonaws.com) assumes the role for the external instance; "
              "the conditions let only this account's Systems Manager do so (confused deputy)."
              + (_account_note(account_files) if account_files else "")),
        action=CreateRole(spec))]
    chosen = {"en": [(f"Chosen at console step 6 of \"{steps[0].titles['en']}\": the console "
                      "attaches it when it creates the role.")],
              "ko": [(f"콘솔 6단계(\"{steps[0].titles['ko']}\")에서 선택합니다. 콘솔은 역할을 만들 때 "
                      "이 정책을 연결합니다.")]}
    if ec2:
        profile = spec.instance_profile_name
        auto = {"en": [(f"Nothing to click: with console step 9 the IAM console creates an instance "
                       f"profile named after the role ({role}) and adds the role to it.")],
                "ko": [(f"클릭할 것이 없습니다. 9단계에서 IAM 콘솔이 역할과 같은 이름({role})의 "
                       "인스턴스 프로파일을 만들고 역할을 추가합니다.")]}
        steps += [
            Step(id="create_instance_profile", section=SECTIONS["role"], page_ref="AWS CLI step 3",
                 titles={"en": "Create the instance profile", "ko": "인스턴스 프로파일 생성"},
                 console=auto,
                 cli=(_ADDS_TAGS,
                      command("aws", "iam", "create-instance-profile",
                              instance_profile_name=profile,
                              path=spec.path if spec.path != "/" else None,
                              tags=tags_json(spec))),
                 api=("iam:GetInstanceProfile", "iam:CreateInstanceProfile"),
                 note="An instance profile is the container that hands the role to an EC2 instance.",
                 spec_field="instance_profile_name", action=CreateInstanceProfile(spec)),
            Step(id="add_role_to_instance_profile", section=SECTIONS["role"],
                 page_ref="AWS CLI step 4",
                 titles={"en": "Add the role to the instance profile",
                         "ko": "인스턴스 프로파일에 역할 추가"},
                 console=auto,
                 cli=(command("aws", "iam", "add-role-to-instance-profile",
                              instance_profile_name=profile, role_name=role),),
                 api=("iam:AddRoleToInstanceProfile",), errata=("E1",),
                 note=f"Role {role} goes into instance profile {profile} (the page's sentence "
                      "swaps the names, erratum E1).",
                 spec_field="instance_profile_name", action=AddRoleToInstanceProfile(spec)),
            Step(id="wait_instance_profile", section=SECTIONS["role"],
                 page_ref="(IAM propagation, not a numbered step)",
                 titles={"en": "Wait until the instance profile is visible",
                         "ko": "인스턴스 프로파일이 보일 때까지 대기"},
                 console={"en": ["Wait about ten seconds before launching an instance with it."],
                          "ko": ["인스턴스를 시작하기 전에 10초 정도 기다립니다."]},
                 cli=(command("aws", "iam", "wait", "instance-profile-exists",
                              instance_profile_name=profile),),
                 api=("iam:GetInstanceProfile",),
                 note="IAM is eventually consistent: a new instance profile takes a few seconds to "
                      "reach Amazon EC2.",
                 action=WaitInstanceProfile(spec)),
        ]
    else:
        ssm_arn = policies.managed_policy_arn(partition, policies.SSM_CORE_POLICY)
        steps.append(Step(
            id="attach_ssm_managed_instance_core", section=SECTIONS["role"],
            page_ref="Amazon ECS Anywhere IAM role (the page's IMPORTANT note)",
            titles={"en": "Attach AmazonSSMManagedInstanceCore",
                    "ko": "AmazonSSMManagedInstanceCore 정책 연결"},
            console=chosen,
            cli=(command("aws", "iam", "attach-role-policy", role_name=role, policy_arn=ssm_arn),),
            api=("iam:ListAttachedRolePolicies", "iam:AttachRolePolicy"),
            note="Systems Manager permissions let the external instance register and talk to AWS.",
            action=AttachPolicy(spec, ssm_arn)))
    managed = policies.managed_policy_arn(partition, policies.CONTAINER_INSTANCE_POLICY)
    steps.append(Step(
        id="attach_managed_policy", section=SECTIONS["role"],
        page_ref="Console steps 5-7; AWS CLI step 5",
        titles={"en": "Attach AmazonEC2ContainerServiceforEC2Role",
                "ko": "AmazonEC2ContainerServiceforEC2Role 관리형 정책 연결"},
        console=chosen,
        cli=(command("aws", "iam", "attach-role-policy", policy_arn=managed, role_name=role),),
        api=("iam:GetPolicy", "iam:ListAttachedRolePolicies", "iam:AttachRolePolicy"),
        errata=("E2", "E7"),
        note="Without it, creating a cluster in the console shows an error. AWS adds permissions "
             "for new features to this policy, which is why the page attaches it rather than "
             "copying it.",
        action=AttachPolicy(spec, managed)))
    return steps


def _feature_steps(spec: RoleSpec, partition: str, account: str | None) -> list[Step]:
    role = spec.role_name
    steps: list[Step] = []
    managed = policies.managed_policy_arn(partition, policies.CONTAINER_INSTANCE_POLICY)
    if "ecr" in spec.features:
        steps.append(Step(
            id="check_ecr_permissions", section=SECTIONS["ecr"], page_ref="Amazon ECR permissions",
            titles={"en": "Check the Amazon ECR permissions", "ko": "Amazon ECR 권한 확인"},
            console={"en": [_SIGN_IN["en"], "Choose Policies, then AmazonEC2ContainerServiceforEC2Role.",
                            "On Permissions, choose JSON and look for the four ecr: actions."],
                     "ko": [_SIGN_IN["ko"], ("정책을 선택한 다음 AmazonEC2ContainerServiceforEC2Role을 "
                            "선택합니다."), "권한에서 JSON을 선택하고 네 가지 ecr: 작업을 찾습니다."]},
            cli=(command("aws", "iam", "get-policy-version", policy_arn=managed,
                         version_id=Subst(command("aws", "iam", "get-policy", policy_arn=managed,
                                                  query="Policy.DefaultVersionId", output="text")),
                         query="PolicyVersion.Document.Statement[].Action[?starts_with(@, `ecr:`)]"),),
            api=("iam:GetPolicy", "iam:GetPolicyVersion"), errata=("E6",),
            note="The managed policy already grants ecr:BatchCheckLayerAvailability, "
                 "ecr:BatchGetImage, ecr:GetDownloadUrlForLayer and ecr:GetAuthorizationToken. "
                 "ecr:GetAuthorizationToken supports no resource-level permissions and stays on *.",
            action=CheckEcrPermissions(spec)))
    if "s3_config" in spec.features:
        bucket, key = spec.config_bucket, spec.config_key
        if spec.least_privilege:
            document = policies.config_read_policy(partition, bucket, key)
            steps.append(Step(
                id="put_s3_config_policy", section=SECTIONS["s3_config"],
                page_ref="Amazon S3 read-only access (least-privilege alternative)",
                titles={"en": "Allow reading ecs.config only (least privilege)",
                        "ko": "ecs.config 읽기만 허용(최소 권한)"},
                console={"en": [_SIGN_IN["en"], "Choose Roles, then " + role + ".",
                                "Choose Add permissions, then Create inline policy.",
                                "Choose JSON, paste the document, choose Next.",
                                f"For Policy name, enter {S3_INLINE_NAME}; choose Create policy."],
                         "ko": [_SIGN_IN["ko"], f"역할을 선택한 다음 {role}을(를) 선택합니다.",
                                "권한 추가, 인라인 정책 생성을 선택합니다.",
                                "JSON을 선택하고 문서를 붙여 넣은 다음 다음을 선택합니다.",
                                f"정책 이름에 {S3_INLINE_NAME}을(를) 입력하고 정책 생성을 선택합니다."]},
                cli=(command("aws", "iam", "put-role-policy", role_name=role,
                             policy_name=S3_INLINE_NAME,
                             policy_document=FileRef(f"{S3_INLINE_NAME}.json")),),
                files={f"{S3_INLINE_NAME}.json": policies.as_json(document)},
                api=("iam:ListRolePolicies", "iam:GetRolePolicy", "iam:PutRolePolicy"),
                note=(f"Grants s3:GetObject on s3://{bucket}/{key} only, instead of every bucket "
                      "in the account (AmazonS3ReadOnlyAccess). The cost: any other file the "
                      "instances should read from S3 needs its own grant."),
                action=InlinePolicy(spec, S3_INLINE_NAME, document)))
        else:
            read_only = policies.managed_policy_arn(partition, policies.S3_READ_ONLY_POLICY)
            steps.append(Step(
                id="attach_s3_read_only", section=SECTIONS["s3_config"],
                page_ref="Amazon S3 read-only access",
                titles={"en": "Attach AmazonS3ReadOnlyAccess", "ko": "Amazon S3 읽기 전용 액세스 연결"},
                console=_attach_console(role, policies.S3_READ_ONLY_POLICY[1]),
                cli=(command("aws", "iam", "attach-role-policy", role_name=role,
                             policy_arn=read_only),),
                api=("iam:GetPolicy", "iam:ListAttachedRolePolicies", "iam:AttachRolePolicy"),
                errata=("E3",),
                note="AmazonS3ReadOnlyAccess lets every instance read every bucket in the account; "
                     "least_privilege=True grants the one config object instead.",
                action=AttachPolicy(spec, read_only)))
        steps += [
            Step(id="create_config_bucket", section=SECTIONS["s3_config"],
                 page_ref="Amazon S3 read-only access (a private bucket)",
                 titles={"en": "Create the private bucket for ecs.config",
                         "ko": "ecs.config용 프라이빗 버킷 생성"},
                 console={"en": ["Open the Amazon S3 console; choose Create bucket.",
                                 f"For Bucket name, enter {bucket}; keep Block all public access on.",
                                 "Choose Create bucket."],
                          "ko": ["Amazon S3 콘솔을 열고 버킷 만들기를 선택합니다.",
                                 f"버킷 이름에 {bucket}을(를) 입력하고 모든 퍼블릭 액세스 차단을 켜 둡니다.",
                                 "버킷 만들기를 선택합니다."]},
                 cli=(command("aws", "s3api", "create-bucket", bucket=bucket,
                              create_bucket_configuration=(
                                  f"LocationConstraint={spec.region}"
                                  if spec.region != "us-east-1" else None)),
                      ("# Added by ecsrole-guide (not on the page): the created-by tag and the "
                       "public access block of a private bucket."),
                      command("aws", "s3api", "put-bucket-tagging", bucket=bucket,
                              tagging=json_value({"TagSet": json.loads(tags_json(spec))})),
                      command("aws", "s3api", "put-public-access-block", bucket=bucket,
                              public_access_block_configuration=(
                                  "BlockPublicAcls=true,IgnorePublicAcls=true,"
                                  "BlockPublicPolicy=true,RestrictPublicBuckets=true"))),
                 api=("s3:HeadBucket", "s3:CreateBucket", "s3:TagResource", "s3:PutBucketTagging",
                      "s3:PutPublicAccessBlock"),
                 note=("Private: all public access is blocked. That keeps the file from the "
                       "internet, not from your account: any principal in it whose own policies "
                       "allow s3:GetObject on the bucket can read the file too, not only this role."),
                 spec_field="config_bucket", action=CreateConfigBucket(spec)),
            Step(id="upload_ecs_config", section=SECTIONS["s3_config"],
                 page_ref="Amazon S3 read-only access (ecs.config and user data)",
                 titles={"en": "Store ecs.config in the bucket", "ko": "ecs.config 파일을 버킷에 저장"},
                 console={"en": [f"In bucket {bucket}, choose Upload and add {key}."],
                          "ko": [f"{bucket} 버킷에서 업로드를 선택하고 {key}을(를) 추가합니다."]},
                 cli=("# Added by ecsrole-guide (not on the page): --tagging, the created-by mark.",
                      command("aws", "s3api", "put-object", bucket=bucket, key=key, body="ecs.config",
                              tagging="created-by=ecsrole-guide")),
                 files={"ecs.config": ecs_config(spec), "user-data.sh": user_data(spec) + "\n"},
                 api=("s3:GetObject", "s3:GetObjectTagging", "s3:PutObject"),
                 note="At launch, the instance's user data (user-data.sh) installs the AWS CLI and "
                      "copies the file to /etc/ecs/ecs.config.",
                 spec_field="config_key", action=UploadEcsConfig(spec)),
        ]
    if "cloudwatch_logs" in spec.features:
        name = spec.log_policy_name
        logs_file = "instance-cw-logs.json"
        document = policies.logs_policy(spec.least_privilege, partition, spec.region,
                                        account or ACCOUNT)
        logs_arn = f"arn:{partition}:iam::{account or ACCOUNT}:policy{spec.path}{name}"
        account_files = (logs_file,) if spec.least_privilege and account is None else ()
        policy_arn = ShellVar("POLICY_ARN")
        steps += [
            Step(id="create_logs_policy", section=SECTIONS["cloudwatch_logs"],
                 page_ref="CloudWatch Logs: console steps 1-8; AWS CLI steps 1-2",
                 titles={"en": "Create the CloudWatch Logs policy", "ko": "CloudWatch Logs 정책 생성"},
                 console={"en": [f"1. {_SIGN_IN['en']}",
                                 ("2. In the navigation pane, choose Policies (the first time, "
                                 "choose Get Started)."),
                                 "3. At the top of the page, choose Create policy.",
                                 "4. In the Policy editor section, choose JSON.",
                                 f"5. Enter the JSON policy document ({logs_file}).",
                                 "6. Choose Next.",
                                 (f"7. On Review and create, enter Policy name {name} and a "
                                 "Description (optional); review the permissions it grants."),
                                 "8. Choose Create policy."],
                          "ko": [f"1. {_SIGN_IN['ko']}",
                                 "2. 왼쪽의 탐색 창에서 정책을 선택합니다(처음이면 시작하기를 선택).",
                                 "3. 페이지 상단에서 정책 생성을 선택합니다.",
                                 "4. 정책 편집기 섹션에서 JSON 옵션을 선택합니다.",
                                 f"5. JSON 정책 문서({logs_file})를 입력합니다.",
                                 "6. 다음을 선택합니다.",
                                 (f"7. 검토 및 생성 페이지에서 정책 이름 {name}과(와) 설명(선택 사항)을 "
                                 "입력하고 정책이 부여한 권한을 검토합니다."),
                                 "8. 정책 생성을 선택합니다."]},
                 cli=(_ADDS_TAGS,
                      command("aws", "iam", "create-policy", policy_name=name,
                              policy_document=FileRef(logs_file),
                              path=spec.path if spec.path != "/" else None,
                              tags=tags_json(spec))),
                 files={logs_file: policies.as_json(document)}, account_files=account_files,
                 api=("iam:GetPolicy", "iam:GetPolicyVersion", "iam:CreatePolicy"),
                 note=("Narrowed to this account and Region. The role's effective permissions "
                       "are the union of its policies, and "
                       f"{policies.CONTAINER_INSTANCE_POLICY[1]} already allows "
                       "logs:CreateLogStream and logs:PutLogEvents on *: this policy narrows only "
                       "logs:CreateLogGroup and logs:DescribeLogStreams."
                       + (_account_note(account_files) if account_files else "")
                       if spec.least_privilege else
                       "The page's Resource arn:aws:logs:*:*:* allows any log group in any "
                       "account and Region; least_privilege=True narrows it."),
                 spec_field="log_policy_name", action=CreateLogsPolicy(spec)),
            Step(id="find_logs_policy", section=SECTIONS["cloudwatch_logs"],
                 page_ref="CloudWatch Logs: AWS CLI step 3",
                 titles={"en": "Find the policy's ARN", "ko": "정책 ARN 검색"},
                 console={"en": ["Policies: search for " + name + "; the ARN is on its summary."],
                          "ko": [f"정책에서 {name}을(를) 검색합니다. 요약에 ARN이 있습니다."]},
                 cli=(Assign(policy_arn, command(
                     "aws", "iam", "list-policies", scope="Local",
                     path_prefix=spec.path if spec.path != "/" else None,
                     query=f"Policies[?PolicyName==`{name}`].Arn | [0]", output="text")).render(),),
                 api=("iam:ListPolicies",), errata=("E4",),
                 note="The page's query spells cwlogsppolicy and prints [] without an error.",
                 action=FindLogsPolicy(spec)),
            Step(id="attach_logs_policy", section=SECTIONS["cloudwatch_logs"],
                 page_ref="CloudWatch Logs: console, modify the role's permissions; AWS CLI step 4",
                 titles={"en": "Attach the CloudWatch Logs policy",
                         "ko": "CloudWatch Logs 정책을 역할에 연결"},
                 console=_attach_console(role, name),
                 cli=(command("aws", "iam", "attach-role-policy", role_name=role,
                              policy_arn=policy_arn),),
                 api=("iam:ListAttachedRolePolicies", "iam:AttachRolePolicy"), errata=("E5",),
                 note="The ARN is the one the step before looked up (POLICY_ARN).",
                 spec_field="log_policy_name",
                 action=AttachPolicy(spec, logs_arn, made_by_step="create_logs_policy",
                                     made_by=CreateLogsPolicy(spec))),
        ]
    for index, arn in enumerate(spec.extra_policy_arns):
        name = arn.rsplit("/", 1)[-1]
        steps.append(Step(
            id=f"attach_extra_policy_{index + 1}", section=SECTIONS["extra"],
            page_ref="(your choice: extra_policy_arns)",
            titles={"en": f"Attach {name}", "ko": f"{name} 정책 연결"},
            console=_attach_console(role, name),
            cli=(command("aws", "iam", "attach-role-policy", role_name=role, policy_arn=arn),),
            api=("iam:GetPolicy", "iam:ListAttachedRolePolicies", "iam:AttachRolePolicy"),
            spec_field=f"extra_policy_arns[{index}]", action=AttachPolicy(spec, arn)))
    return steps


def _closing_steps(spec: RoleSpec, partition: str) -> list[Step]:
    role = spec.role_name
    steps: list[Step] = []
    if spec.trunking:
        role_arn = ShellVar("ROLE_ARN")
        steps.append(Step(
            id="enable_awsvpc_trunking", section=SECTIONS["trunking"],
            page_ref="Introduction: ENI trunking (two container instance roles)",
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
                 "for the instances whose tasks need the higher ENI density, and one without.",
            errata=("E9",),
            spec_field="trunking", action=EnableTrunking(spec)))
    if spec.instance_kind == "external":
        steps.append(Step(
            id="create_activation", section=SECTIONS["anywhere"],
            page_ref="Amazon ECS Anywhere IAM role (next: register an external instance)",
            titles={"en": "Next: create a Systems Manager activation",
                    "ko": "다음 단계: Systems Manager 활성화 생성"},
            console={"en": [("Systems Manager console: Hybrid Activations, Create activation, "
                            f"IAM role {role}.")],
                     "ko": [("Systems Manager 콘솔: 하이브리드 활성화, 활성화 생성, "
                            f"IAM 역할 {role}.")]},
            cli=(command("aws", "ssm", "create-activation", iam_role=role,
                         registration_limit=1, region=spec.region),),
            api=("ssm:CreateActivation",),
            note="Shown, not run: the activation code and id register one external instance.",
            action=ShowActivation(spec)))
    return steps


def _fill_account(name: str) -> str:
    """A shell command that writes the preamble's account id into file ``name``."""
    return f'sed "s/\\${{ACCOUNT_ID}}/$ACCOUNT_ID/g" {name} > {name}.tmp && mv {name}.tmp {name}'


@dataclass
class Plan:
    """The ordered steps for a spec, and how to read them.

    ``str(plan)`` is a plain-text rendering; in Jupyter the plan shows as HTML.
    When the account is known (``plan(spec, account=...)``) the documents name
    it; otherwise they say ``${ACCOUNT_ID}``, which the CLI preamble sets and
    :meth:`commands` fills into the files that need it.
    """

    spec: RoleSpec
    steps: list[Step]
    lang: str = "en"
    account: str | None = None
    preamble: tuple[str, ...] = field(default=(
        "ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)",))

    def __iter__(self):
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.steps]

    def in_language(self, lang: str) -> Plan:
        """The same plan, rendered in ``lang`` (``"en"`` or ``"ko"``)."""
        return Plan(self.spec, self.steps, lang, self.account, self.preamble)

    def files(self) -> dict[str, str]:
        """Every file the CLI commands read, by name."""
        found: dict[str, str] = {}
        for step in self.steps:
            found.update(step.files)
        return found

    def commands(self) -> list[str]:
        """The AWS CLI commands in order, the preamble first.

        The shell expands ``${ACCOUNT_ID}`` in a command but not in a file read with
        ``file://``, so each file that names the account is filled in right after
        the preamble.
        """
        fill = [_fill_account(name) for s in self.steps for name in s.account_files]
        return list(self.preamble) + fill + [c for s in self.steps for c in s.setup + s.cli]

    def console(self) -> list[str]:
        """Every console instruction in order, in the plan's language."""
        return [line for s in self.steps for line in s.console_path(self.lang)]

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """IPython's text form (text/plain in a notebook) is the readable one."""
        printer.text(str(self))

    def __str__(self) -> str:
        lines = [(f"Plan for role {self.spec.role_name} ({self.spec.instance_kind}, "
                 f"{len(self.steps)} steps)")]
        for number, step in enumerate(self.steps, 1):
            lines.append(f"\n{number}. [{step.id}] {step.title(self.lang)}  ({step.page_ref})")
            lines += [f"   console: {line}" for line in step.console_path(self.lang)]
            lines += ["   cli: " + c for c in step.setup + step.cli]  # as typed: never re-indented
            if step.errata:
                lines.append(f"   errata: {', '.join(step.errata)}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        esc = html.escape
        left = CELL_STYLE
        rows = []
        for number, step in enumerate(self.steps, 1):
            console = "".join(f"<li>{esc(line)}</li>" for line in step.console_path(self.lang))
            cli = esc(step.command)
            errata = f"<br><small>errata: {esc(', '.join(step.errata))}</small>" if step.errata else ""
            rows.append(
                f"<tr><td style='{left}'>{number}</td><td style='{left}'>"
                f"<b>{esc(step.title(self.lang))}</b><br>"
                f"<code>{esc(step.id)}</code><br><small>{esc(step.page_ref)}</small>{errata}</td>"
                f"<td style='{left}'><ul style='margin:0'>{console}</ul></td>"
                f"<td style='{left}'><pre style='margin:0;white-space:pre-wrap'>{cli}</pre></td></tr>")
        names = ("plan", "step", "console (the page's steps)", "AWS CLI") if self.lang == "en" else ("계획", "단계", "콘솔(페이지의 단계)", "AWS CLI")
        head = "<tr>" + "".join(f"<th style='{left}'>{n}</th>" for n in names) + "</tr>"
        return (f"<div class='ecsrole-plan'><p>Plan for role <code>{esc(self.spec.role_name)}</code> "
                f"({esc(self.spec.instance_kind)}, {len(self.steps)} steps)</p>"
                f"<table style='text-align:left'>{head}{''.join(rows)}</table></div>")


def plan(spec: RoleSpec, lang: str = "en", account: str | None = None) -> Plan:
    """The documented steps for ``spec``, in the page's order.

    Parameters
    ----------
    spec
        The user's choices.
    lang
        ``"en"`` or ``"ko"``: the language of titles and console clicks.
    account
        The 12-digit account id, once known (``whoami``, apply): the documents
        then name it. ``None``: they say ``${ACCOUNT_ID}`` and say how to fill it in.
    """
    partition = spec.partition
    steps = (_role_steps(spec, partition, account) + _feature_steps(spec, partition, account)
             + _closing_steps(spec, partition))
    # An extra policy that a documented step already attaches is attached once, by that step.
    attached: set[str] = set()
    for step in list(steps):
        if isinstance(step.action, AttachPolicy):
            if step.action.policy_arn in attached:
                steps.remove(step)
            attached.add(step.action.policy_arn)
    return Plan(spec, steps, lang if lang in LANGS else "en", account)
