"""Container instance monitoring permissions: the page's CloudWatch Logs policy.

A customer managed policy (console steps 1-8, AWS CLI steps 1-2), looked up by
name (CLI step 3, erratum E4) and attached to the role (CLI step 4, erratum E5).

>>> from ecsrole_lib import RoleSpec, plan
>>> [s.id for s in plan(RoleSpec(features=["cloudwatch_logs"]))][-3:]
['create_logs_policy', 'find_logs_policy', 'attach_logs_policy']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from .. import policies
from ..errors import Problem
from ..i18n.catalog import message
from ..rules import check_iam_name
from ..shell import Assign, FileRef, ShellVar, command
from ..steps import ACCOUNT, AttachPolicy, CreateLogsPolicy, FindLogsPolicy, Step, tags_json
from .base import ADDS_TAGS, SIGN_IN, Facts, Feature, account_note, attach_console, filled

if TYPE_CHECKING:
    from ..spec import RoleSpec


LOGS_FILE = "instance-cw-logs.json"

#: The page's text of each step, as :class:`~ecsrole_lib.steps.Step` fields; ``{name}``
#: (the policy's name) is filled in from the spec (:func:`~ecsrole_lib.features.base.filled`).
TEXT: dict[str, dict[str, Any]] = {
    "create_logs_policy": {
        "id": "create_logs_policy",
        "page_ref": message("page_ref.logs_policy"),
        "titles": {"en": "Create the CloudWatch Logs policy", "ko": "CloudWatch Logs 정책 생성"},
        "console": {"en": [f"1. {SIGN_IN['en']}",
                           ("2. In the navigation pane, choose Policies (the first time, "
                           "choose Get Started)."),
                           "3. At the top of the page, choose Create policy.",
                           "4. In the Policy editor section, choose JSON.",
                           f"5. Enter the JSON policy document ({LOGS_FILE}).",
                           "6. Choose Next.",
                           ("7. On Review and create, enter Policy name {name} and a "
                           "Description (optional); review the permissions it grants."),
                           "8. Choose Create policy."],
                    "ko": [f"1. {SIGN_IN['ko']}",
                           "2. 왼쪽의 탐색 창에서 정책을 선택합니다(처음이면 시작하기를 선택).",
                           "3. 페이지 상단에서 정책 생성을 선택합니다.",
                           "4. 정책 편집기 섹션에서 JSON 옵션을 선택합니다.",
                           f"5. JSON 정책 문서({LOGS_FILE})를 입력합니다.",
                           "6. 다음을 선택합니다.",
                           ("7. 검토 및 생성 페이지에서 정책 이름 {name}과(와) 설명(선택 사항)을 "
                           "입력하고 정책이 부여한 권한을 검토합니다."),
                           "8. 정책 생성을 선택합니다."]},
        "api": ("iam:GetPolicy", "iam:GetPolicyVersion", "iam:CreatePolicy"),
        "finding": ("The CloudWatch Logs policy is missing or grants something else. Fix: "
                    "apply."),
        "spec_field": "log_policy_name",
    },
    "find_logs_policy": {
        "id": "find_logs_policy",
        "page_ref": message("page_ref.logs_cli3"),
        "titles": {"en": "Find the policy's ARN", "ko": "정책 ARN 검색"},
        "console": {"en": ["Policies: search for {name}; the ARN is on its summary."],
                    "ko": ["정책에서 {name:을} 검색합니다. 요약에 ARN이 있습니다."]},
        "api": ("iam:ListPolicies",), "errata": ("E4",),
        "note": "The page's query spells cwlogsppolicy and prints [] without an error.",
    },
    "attach_logs_policy": {
        "id": "attach_logs_policy",
        "page_ref": message("page_ref.logs_attach"),
        "titles": {"en": "Attach the CloudWatch Logs policy",
                   "ko": "CloudWatch Logs 정책을 역할에 연결"},
        "api": ("iam:ListAttachedRolePolicies", "iam:AttachRolePolicy"), "errata": ("E5",),
        "note": "The ARN is the one the step before looked up (POLICY_ARN).",
        "spec_field": "log_policy_name",
        "finding": ("A missing feature permission: the instance cannot send its logs to "
                    "CloudWatch Logs. Fix: apply."),
    },
}

#: What the policy allows, with least_privilege=True and without.
NOTES = {
    True: ("Narrowed to this account and Region. The role's effective permissions "
           "are the union of its policies, and "
           f"{policies.CONTAINER_INSTANCE_POLICY[1]} already allows "
           "logs:CreateLogStream and logs:PutLogEvents on *: this policy narrows only "
           "logs:CreateLogGroup and logs:DescribeLogStreams."),
    False: ("The page's Resource arn:aws:logs:*:*:* allows any log group in any "
            "account and Region; least_privilege=True narrows it."),
}


class CloudWatchLogs(Feature):
    name = "cloudwatch_logs"
    selectable = True
    section = "Container instance monitoring permissions (CloudWatch Logs)"
    labels: ClassVar[dict[str, str]] = {"en": "CloudWatch Logs", "ko": "컨테이너 인스턴스 모니터링 권한"}
    explanation: ClassVar[dict[str, str]] = {
        "en": "Let the instances send container logs to Amazon CloudWatch Logs, through a "
              "customer managed policy.",
        "ko": "고객 관리형 정책으로 인스턴스가 컨테이너 로그를 Amazon CloudWatch Logs로 보냅니다.",
    }

    def problems(self, spec: RoleSpec) -> list[Problem]:
        found = check_iam_name("CreatePolicy", "PolicyName", "log_policy_name",
                               spec.log_policy_name)
        if not check_iam_name("CreateRole", "Path", "path", spec.path):
            # The logs policy gets the role's path, and policy paths allow fewer characters.
            found = check_iam_name("CreatePolicy", "Path", "path", spec.path) + found
        return found

    def steps(self, facts: Facts) -> list[Step]:
        spec, account = facts.spec, facts.account
        name = spec.log_policy_name
        logs_arn = f"arn:{facts.partition}:iam::{account or ACCOUNT}:policy{spec.path}{name}"
        policy_arn = ShellVar("POLICY_ARN")
        return [
            self._create(facts),
            Step(section=self.section, **filled(TEXT["find_logs_policy"], name=name),
                 cli=(Assign(policy_arn, command(
                     "aws", "iam", "list-policies", scope="Local",
                     path_prefix=spec.path if spec.path != "/" else None,
                     query=f"Policies[?PolicyName==`{name}`].Arn | [0]", output="text")).render(),),
                 action=FindLogsPolicy(spec)),
            Step(section=self.section, **filled(TEXT["attach_logs_policy"]),
                 console=attach_console(spec.role_name, name),
                 cli=(command("aws", "iam", "attach-role-policy", role_name=spec.role_name,
                              policy_arn=policy_arn),),
                 action=AttachPolicy(spec, logs_arn, made_by_step="create_logs_policy",
                                     made_by=CreateLogsPolicy(spec))),
        ]

    def _create(self, facts: Facts) -> Step:
        """Console steps 1-8, AWS CLI steps 1-2: the customer managed policy."""
        spec, account = facts.spec, facts.account
        document = policies.logs_policy(spec.least_privilege, facts.partition, spec.region,
                                        account or ACCOUNT)
        account_files = (LOGS_FILE,) if spec.least_privilege and account is None else ()
        note = NOTES[bool(spec.least_privilege)] + (account_note(account_files)
                                                    if account_files else "")
        return Step(
            section=self.section, **filled(TEXT["create_logs_policy"], name=spec.log_policy_name),
            cli=(ADDS_TAGS,
                 command("aws", "iam", "create-policy", policy_name=spec.log_policy_name,
                         policy_document=FileRef(LOGS_FILE),
                         path=spec.path if spec.path != "/" else None,
                         tags=tags_json(spec))),
            files={LOGS_FILE: policies.as_json(document)}, account_files=account_files,
            note=note,
            report_note=f"Least privilege (create_logs_policy): {note}" if spec.least_privilege else "",
            action=CreateLogsPolicy(spec))


FEATURE = CloudWatchLogs()
