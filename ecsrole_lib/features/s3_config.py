"""Amazon S3 read-only access: ``ecs.config`` in a private bucket, copied at launch.

The page's section attaches ``AmazonS3ReadOnlyAccess``; with
``least_privilege=True`` an inline policy grants the one object instead.

>>> from ecsrole_lib import RoleSpec, plan
>>> [s.id for s in plan(RoleSpec(features=["s3_config"], config_bucket="my-ecs-config",
...                              least_privilege=True))][-3:]
['put_s3_config_policy', 'create_config_bucket', 'upload_ecs_config']
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from .. import policies
from ..errors import Problem
from ..rules import check_bucket_name
from ..shell import FileRef, command, json_value
from ..steps import (
    S3_INLINE_NAME,
    AttachPolicy,
    CreateConfigBucket,
    InlinePolicy,
    Step,
    UploadEcsConfig,
    object_tagging,
    tags_json,
)
from ..userdata import user_data
from .base import SIGN_IN, Facts, Feature, attach_console

if TYPE_CHECKING:
    from ..spec import RoleSpec


class S3Config(Feature):
    name = "s3_config"
    selectable = True
    section = "Amazon S3 read-only access"
    labels: ClassVar[dict[str, str]] = {"en": "ecs.config in Amazon S3", "ko": "Amazon S3 읽기 전용 액세스"}
    explanation: ClassVar[dict[str, str]] = {
        "en": "Keep the container agent's ecs.config in a private bucket; user data copies it "
              "at launch.",
        "ko": "컨테이너 에이전트의 ecs.config를 프라이빗 버킷에 두고 시작 시 사용자 데이터가 복사합니다.",
    }

    def problems(self, spec: RoleSpec) -> list[Problem]:
        found: list[Problem] = []
        if spec.instance_kind == "external":
            found.append(Problem("features", "s3_config",
                                 "ecs.config is copied by Amazon EC2 user data at launch; external "
                                 "instances (ECS Anywhere) are configured by their install script"))
        if spec.config_bucket is None:
            found.append(Problem("config_bucket", None,
                                 "is required with the 's3_config' feature (the private bucket "
                                 "that holds ecs.config)"))
        else:
            found += check_bucket_name("config_bucket", spec.config_bucket)
        key = spec.config_key
        if not isinstance(key, str) or not 1 <= len(key.encode()) <= 1024 or key.startswith("/"):
            found.append(Problem("config_key", key,
                                 "must be an S3 object key of 1 to 1,024 bytes, not starting with '/'"))
        elif any(ord(c) < 0x20 or c == "\x7f" for c in key):
            # Amazon S3 User Guide, "Naming Amazon S3 objects": ASCII control characters need
            # special handling, and XML end-of-line handling rewrites carriage returns in keys
            # (ListObjects, DeleteObjects); a NUL cannot travel in a shell argument at all.
            found.append(Problem("config_key", key,
                                 "must not hold ASCII control characters (0x00-0x1F, 0x7F): "
                                 "Amazon S3 asks to avoid them in object keys (XML rewrites a "
                                 "carriage return), and no shell argument can carry a NUL"))
        return found

    def limits(self, spec: RoleSpec) -> list[Problem]:
        if not spec.least_privilege:
            return []
        inline = policies.config_read_policy(spec.partition, spec.config_bucket, spec.config_key)
        if policies.size(inline) > policies.INLINE_POLICIES_QUOTA:
            return [Problem("config_key", spec.config_key,
                            f"the inline policy would be {policies.size(inline)} characters; "
                            f"IAM allows {policies.INLINE_POLICIES_QUOTA} in all")]
        return []

    def agent(self, spec: RoleSpec) -> dict[str, Any]:
        return {"config_from_s3": (spec.config_bucket, spec.config_key)}

    def steps(self, facts: Facts) -> list[Step]:
        spec, partition = facts.spec, facts.partition
        role = spec.role_name
        steps: list[Step] = []
        bucket, key = spec.config_bucket, spec.config_key
        if spec.least_privilege:
            document = policies.config_read_policy(partition, bucket, key)
            note = (f"Grants s3:GetObject on s3://{bucket}/{key} only, instead of every bucket "
                    "in the account (AmazonS3ReadOnlyAccess). The cost: any other file the "
                    "instances should read from S3 needs its own grant. When the bucket "
                    "encrypts with SSE-KMS, the role needs kms:Decrypt on that key too: Amazon "
                    "S3 decrypts with the caller's permissions (Amazon S3 User Guide, "
                    "server-side encryption with AWS KMS keys).")
            steps.append(Step(
                id="put_s3_config_policy",
                section=self.section,
                page_ref="Amazon S3 read-only access (least-privilege alternative)",
                titles={"en": "Allow reading ecs.config only (least privilege)",
                        "ko": "ecs.config 읽기만 허용(최소 권한)"},
                console={"en": [SIGN_IN["en"], "Choose Roles, then " + role + ".",
                                "Choose Add permissions, then Create inline policy.",
                                "Choose JSON, paste the document, choose Next.",
                                f"For Policy name, enter {S3_INLINE_NAME}; choose Create policy."],
                         "ko": [SIGN_IN["ko"], f"역할을 선택한 다음 {role}을(를) 선택합니다.",
                                "권한 추가, 인라인 정책 생성을 선택합니다.",
                                "JSON을 선택하고 문서를 붙여 넣은 다음 다음을 선택합니다.",
                                f"정책 이름에 {S3_INLINE_NAME}을(를) 입력하고 정책 생성을 선택합니다."]},
                cli=(command("aws", "iam", "put-role-policy", role_name=role,
                             policy_name=S3_INLINE_NAME,
                             policy_document=FileRef(f"{S3_INLINE_NAME}.json")),),
                files={f"{S3_INLINE_NAME}.json": policies.as_json(document)},
                api=("iam:ListRolePolicies", "iam:GetRolePolicy", "iam:PutRolePolicy"),
                note=note, report_note=f"Least privilege (put_s3_config_policy): {note}",
                finding=("A missing feature permission: the user data cannot copy ecs.config from "
                         "the bucket. Fix: apply."),
                action=InlinePolicy(spec, S3_INLINE_NAME, document)))
        else:
            read_only = policies.managed_policy_arn(partition, policies.S3_READ_ONLY_POLICY)
            steps.append(Step(
                id="attach_s3_read_only",
                section=self.section,
                page_ref="Amazon S3 read-only access",
                titles={"en": "Attach AmazonS3ReadOnlyAccess", "ko": "Amazon S3 읽기 전용 액세스 연결"},
                console=attach_console(role, policies.S3_READ_ONLY_POLICY[1]),
                cli=(command("aws", "iam", "attach-role-policy", role_name=role,
                             policy_arn=read_only),),
                api=("iam:GetPolicy", "iam:ListAttachedRolePolicies", "iam:AttachRolePolicy"),
                errata=("E3",),
                note="AmazonS3ReadOnlyAccess lets every instance read every bucket in the account; "
                     "least_privilege=True grants the one config object instead.",
                finding=("A missing feature permission: the user data cannot copy ecs.config from "
                         "the bucket, so the instance joins the default cluster. Fix: apply."),
                action=AttachPolicy(spec, read_only)))
        steps += [
            Step(id="create_config_bucket",
                 section=self.section,
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
                 finding=("The private bucket for ecs.config is missing. Fix: apply."),
                 spec_field="config_bucket", action=CreateConfigBucket(spec)),
            Step(id="upload_ecs_config",
                 section=self.section,
                 page_ref="Amazon S3 read-only access (ecs.config and user data)",
                 titles={"en": "Store ecs.config in the bucket", "ko": "ecs.config 파일을 버킷에 저장"},
                 console={"en": [f"In bucket {bucket}, choose Upload and add {key}."],
                          "ko": [f"{bucket} 버킷에서 업로드를 선택하고 {key}을(를) 추가합니다."]},
                 cli=(("# Added by ecsrole-guide (not on the page): --tagging, the created-by "
                       "mark and the role whose instances copy the file (ecsrole-guide-used-by)."),
                      command("aws", "s3api", "put-object", bucket=bucket, key=key, body="ecs.config",
                              tagging=object_tagging(role))),
                 files={"ecs.config": facts.ecs_config, "user-data.sh": user_data(spec) + "\n"},
                 api=("s3:GetObject", "s3:GetObjectTagging", "s3:PutObject"),
                 note="At launch, the instance's user data (user-data.sh) installs the AWS CLI and "
                      "copies the file to /etc/ecs/ecs.config.",
                 finding=("ecs.config is not in the bucket (or differs). Fix: apply."),
                 spec_field="config_key", action=UploadEcsConfig(spec, facts.ecs_config)),
        ]
        return steps


FEATURE = S3Config()
