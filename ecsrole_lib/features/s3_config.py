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
from ..i18n.catalog import message
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
from .base import SIGN_IN, Facts, Feature, attach_console, filled

if TYPE_CHECKING:
    from ..spec import RoleSpec


#: The page's text of each step, as :class:`~ecsrole_lib.steps.Step` fields; ``{role}``,
#: ``{bucket}`` ... are filled in from the spec (:func:`~ecsrole_lib.features.base.filled`).
TEXT: dict[str, dict[str, Any]] = {
    "put_s3_config_policy": {
        "id": "put_s3_config_policy",
        "page_ref": message("page_ref.s3_least"),
        "titles": {"en": "Allow reading ecs.config only (least privilege)",
                   "ko": "ecs.config 읽기만 허용(최소 권한)"},
        "console": {"en": [SIGN_IN["en"], "Choose Roles, then {role}.",
                           "Choose Add permissions, then Create inline policy.",
                           "Choose JSON, paste the document, choose Next.",
                           "For Policy name, enter {inline}; choose Create policy."],
                    "ko": [SIGN_IN["ko"], "역할을 선택한 다음 {role:을} 선택합니다.",
                           "권한 추가, 인라인 정책 생성을 선택합니다.",
                           "JSON을 선택하고 문서를 붙여 넣은 다음 다음을 선택합니다.",
                           "정책 이름에 {inline:을} 입력하고 정책 생성을 선택합니다."]},
        "api": ("iam:ListRolePolicies", "iam:GetRolePolicy", "iam:PutRolePolicy"),
        "note": ("Grants s3:GetObject on s3://{bucket}/{key} only, instead of every bucket "
                 "in the account (AmazonS3ReadOnlyAccess). The cost: any other file the "
                 "instances should read from S3 needs its own grant. When the bucket "
                 "encrypts with SSE-KMS, the role needs kms:Decrypt on that key too: Amazon "
                 "S3 decrypts with the caller's permissions (Amazon S3 User Guide, "
                 "server-side encryption with AWS KMS keys)."),
        "report_note": "Least privilege (put_s3_config_policy): {note}",
        "finding": ("A missing feature permission: the user data cannot copy ecs.config from "
                    "the bucket. Fix: apply."),
    },
    "attach_s3_read_only": {
        "id": "attach_s3_read_only",
        "page_ref": message("page_ref.s3"),
        "titles": {"en": "Attach AmazonS3ReadOnlyAccess", "ko": "Amazon S3 읽기 전용 액세스 연결"},
        "api": ("iam:GetPolicy", "iam:ListAttachedRolePolicies", "iam:AttachRolePolicy"),
        "errata": ("E3",),
        "note": ("AmazonS3ReadOnlyAccess lets every instance read every bucket in the account; "
                 "least_privilege=True grants the one config object instead."),
        "finding": ("A missing feature permission: the user data cannot copy ecs.config from "
                    "the bucket, so the instance joins the default cluster. Fix: apply."),
    },
    "create_config_bucket": {
        "id": "create_config_bucket",
        "page_ref": message("page_ref.s3_private"),
        "titles": {"en": "Create the private bucket for ecs.config",
                   "ko": "ecs.config용 프라이빗 버킷 생성"},
        "console": {"en": ["Open the Amazon S3 console; choose Create bucket.",
                           "For Bucket name, enter {bucket}; keep Block all public access on.",
                           "Choose Create bucket."],
                    "ko": ["Amazon S3 콘솔을 열고 버킷 만들기를 선택합니다.",
                           "버킷 이름에 {bucket:을} 입력하고 모든 퍼블릭 액세스 차단을 켜 둡니다.",
                           "버킷 만들기를 선택합니다."]},
        "api": ("s3:HeadBucket", "s3:CreateBucket", "s3:TagResource", "s3:PutBucketTagging",
                "s3:PutPublicAccessBlock"),
        "note": ("Private: all public access is blocked. That keeps the file from the "
                 "internet, not from your account: any principal in it whose own policies "
                 "allow s3:GetObject on the bucket can read the file too, not only this role."),
        "finding": "The private bucket for ecs.config is missing. Fix: apply.",
        "spec_field": "config_bucket",
    },
    "upload_ecs_config": {
        "id": "upload_ecs_config",
        "page_ref": message("page_ref.s3_config"),
        "titles": {"en": "Store ecs.config in the bucket", "ko": "ecs.config 파일을 버킷에 저장"},
        "console": {"en": ["In bucket {bucket}, choose Upload and add {key}."],
                    "ko": ["{bucket} 버킷에서 업로드를 선택하고 {key:을} 추가합니다."]},
        "api": ("s3:GetObject", "s3:GetObjectTagging", "s3:PutObject"),
        "note": ("At launch, the instance's user data (user-data.sh) installs the AWS CLI and "
                 "copies the file to /etc/ecs/ecs.config."),
        "finding": "ecs.config is not in the bucket (or differs). Fix: apply.",
        "spec_field": "config_key",
    },
}

#: The comment lines of what the guide adds to the page's S3 commands.
BUCKET_ADDITIONS = ("# Added by ecsrole-guide (not on the page): the created-by tag and the "
                    "public access block of a private bucket.")
UPLOAD_ADDITIONS = ("# Added by ecsrole-guide (not on the page): --tagging, the created-by "
                    "mark and the role whose instances copy the file (ecsrole-guide-used-by).")


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
        spec = facts.spec
        values = {"role": spec.role_name, "bucket": spec.config_bucket, "key": spec.config_key}
        first = self._least_privilege(facts) if spec.least_privilege else self._read_only(facts)
        return [first,
                Step(section=self.section, **filled(TEXT["create_config_bucket"], **values),
                     cli=self._bucket_commands(spec), action=CreateConfigBucket(spec)),
                Step(section=self.section, **filled(TEXT["upload_ecs_config"], **values),
                     cli=(UPLOAD_ADDITIONS,
                          command("aws", "s3api", "put-object", bucket=spec.config_bucket,
                                  key=spec.config_key, body="ecs.config",
                                  tagging=object_tagging(spec.role_name))),
                     files={"ecs.config": facts.ecs_config, "user-data.sh": user_data(spec) + "\n"},
                     action=UploadEcsConfig(spec, facts.ecs_config))]

    def _least_privilege(self, facts: Facts) -> Step:
        """The inline policy that grants reading the one object (least_privilege=True)."""
        spec = facts.spec
        document = policies.config_read_policy(facts.partition, spec.config_bucket,
                                               spec.config_key)
        text = TEXT["put_s3_config_policy"]
        note = filled(text["note"], bucket=spec.config_bucket, key=spec.config_key)
        return Step(
            section=self.section,
            **filled(text, role=spec.role_name, inline=S3_INLINE_NAME, bucket=spec.config_bucket,
                     key=spec.config_key, note=note),
            cli=(command("aws", "iam", "put-role-policy", role_name=spec.role_name,
                         policy_name=S3_INLINE_NAME,
                         policy_document=FileRef(f"{S3_INLINE_NAME}.json")),),
            files={f"{S3_INLINE_NAME}.json": policies.as_json(document)},
            action=InlinePolicy(spec, S3_INLINE_NAME, document))

    def _read_only(self, facts: Facts) -> Step:
        """The page's AmazonS3ReadOnlyAccess, attached to the role."""
        spec = facts.spec
        read_only = policies.managed_policy_arn(facts.partition, policies.S3_READ_ONLY_POLICY)
        return Step(
            section=self.section, **filled(TEXT["attach_s3_read_only"]),
            console=attach_console(spec.role_name, policies.S3_READ_ONLY_POLICY[1]),
            cli=(command("aws", "iam", "attach-role-policy", role_name=spec.role_name,
                         policy_arn=read_only),),
            action=AttachPolicy(spec, read_only))

    @staticmethod
    def _bucket_commands(spec: RoleSpec) -> tuple[str, ...]:
        """The page's create-bucket, and the guide's tagging and public access block."""
        bucket = spec.config_bucket
        return (command("aws", "s3api", "create-bucket", bucket=bucket,
                        create_bucket_configuration=(
                            f"LocationConstraint={spec.region}"
                            if spec.region != "us-east-1" else None)),
                BUCKET_ADDITIONS,
                command("aws", "s3api", "put-bucket-tagging", bucket=bucket,
                        tagging=json_value({"TagSet": json.loads(tags_json(spec))})),
                command("aws", "s3api", "put-public-access-block", bucket=bucket,
                        public_access_block_configuration=(
                            "BlockPublicAcls=true,IgnorePublicAcls=true,"
                            "BlockPublicPolicy=true,RestrictPublicBuckets=true")))


FEATURE = S3Config()
