"""Korean for every text the library produces, translated where it is rendered.

The steps, ``converge``, the sandbox and the errors write their messages in
English, as data (a report's reasons and notes, a step's note, a limit of the
sandbox, a ``Problem``'s rule). They are translated only when they are shown:
``Report`` (text and HTML), the form's views (findings, errata, tables, the
identity) and the errors a notebook shows all call :func:`tr` with the
language of the form. So a module that adds a message needs no change to be
translated: add its English template and its Korean to :data:`KO` (a feature's own
phrases go in its module's ``korean``, ``ecsrole_lib/features/``).

How a message is matched
    :data:`KO` maps English *templates* to Korean ones. ``{name}`` in a
    template stands for any text (names, ARNs, numbers); the Korean template
    uses the same names. A value that is itself a known message is translated
    too (``"Sandbox: {limit}."``), and a text made of messages joined by
    ``"; "`` is translated part by part. A text no template matches is shown
    as it is: :func:`untranslated` finds such leftovers, and
    ``tests/test_korean.py`` runs the notebooks' operations in Korean and
    fails on any English sentence left.

Console labels
    A Korean template writes a console label as ``[[English label]]``; it is
    replaced by the label of :data:`CONSOLE_LABELS`, which holds only labels
    as the Korean console writes them, each with its source (the page itself,
    or an AWS documentation page in Korean).

>>> tr("bucket b does not exist yet", "ko")
'버킷 b가 아직 없습니다'
>>> tr("bucket b does not exist yet", "en")
'bucket b does not exist yet'
>>> from ecsrole_lib.i18n.catalog import message  # a message made by id: its fields may be older texts
>>> tr(message("converge.sandbox", limit="moto has no IAM policy simulator; permissions are "
...            "checked from the policy documents"), "ko")[:10]
'샌드박스: moto'
>>> untranslated("역할 x이(가) 아직 없습니다; the role is made first")
['the role is made first']
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..features import REGISTRY
from .catalog import Message, render, settle

__all__ = ["CONSOLE_LABELS", "KO", "OUTCOMES", "comments", "tr", "untranslated", "word"]

#: The page this guide mirrors, in Korean (the source of most labels).
PAGE = "container-instance-role.ko.txt (docs.aws.amazon.com/ko_kr/AmazonECS/latest/developerguide/instance_IAM_role.html)"

#: Console labels as the Korean AWS Management Console writes them, with where that is shown.
CONSOLE_LABELS: dict[str, tuple[str, str]] = {
    "Roles": ("역할", PAGE),
    "Create role": ("역할 생성", PAGE),
    "Trusted entity type": ("신뢰할 수 있는 엔터티 유형", PAGE),
    "AWS service": ("AWS 서비스", PAGE),
    "Service or use case": ("서비스 또는 사용 사례", PAGE),
    "Next": ("다음", PAGE),
    "Permissions policies": ("권한 정책", PAGE),
    "Role name": ("역할 이름", PAGE),
    "Policies": ("정책", PAGE),
    "Get Started": ("시작하기", PAGE),
    "Create policy": ("정책 생성", PAGE),
    "Policy editor": ("정책 편집기", PAGE),
    "Review and create": ("검토 및 생성", PAGE),
    "Policy name": ("정책 이름", PAGE),
    "Description (optional)": ("설명(선택 사항)", PAGE),
}

#: Report outcomes, as words (the data keeps the English ones).
OUTCOMES = {
    "created": "생성됨", "updated": "수정됨", "unchanged": "변경 없음", "planned": "예정",
    "skipped": "건너뜀", "removed": "삭제됨", "kept": "유지됨", "waited": "대기함",
    "ok": "정상", "fails": "실패", "missing": "없음", "drift": "드리프트", "conflict": "충돌", "extra": "추가 정책",
    "info": "정보",
}

#: Words of tables and headings.
WORDS = {
    "apply": "적용", "audit": "감사", "teardown": "정리", "sandbox": "샌드박스", "AWS": "AWS",
    "step": "단계", "outcome": "결과", "reason": "이유", "note": "참고", "topic": "항목",
    "what happens": "어떻게 되는가", "no steps": "단계 없음",
}


def word(text: str, lang: str) -> str:
    """One word of a table or heading in ``lang`` (outcomes included)."""
    if lang != "ko":
        return text
    return OUTCOMES.get(text, WORDS.get(text, text))


_FORCE = "force=True를 쓰면 그래도 제거합니다"

#: English template -> Korean template. Keep the placeholders' names the same.
KO: dict[str, str] = {
    # -- converge: notes -----------------------------------------------------------------
    "Least privilege ({step}): {note}": "최소 권한({step}): {note}",
    "Next (not run): {command}": "다음 단계(실행하지 않음): {command}",
    "{n} step(s) kept what the guide did not create; force=True removes them.":
        "{n}개 단계가 가이드가 만들지 않은 것을 유지했습니다. force=True를 쓰면 제거합니다.",
    "Dry run: nothing was removed; this audit shows what exists.":
        "시험 실행: 아무것도 제거하지 않았습니다. 이 감사는 있는 것을 보여 줍니다.",
    # -- converge: reasons -----------------------------------------------------------------
    "the role does not hold {policy}, which grants {what}; {symptom}":
        "역할에 {what}을(를) 허용하는 {policy}이(가) 없으므로 {symptom}",
    "the role does not hold {policy}, which grants {what}":
        "역할에 {what}을(를) 허용하는 {policy}이(가) 없습니다",
    "the ARN is looked up by name when needed": "ARN은 필요할 때 이름으로 찾습니다",
    "ecs.amazonaws.com is the Amazon ECS service itself, not the instance: Amazon EC2 cannot "
    "assume this role, so the container agent gets no credentials and the instance never "
    "joins the cluster":
        "ecs.amazonaws.com은 인스턴스가 아니라 Amazon ECS 서비스 자체입니다: Amazon EC2가 이 역할을 "
        "수임할 수 없으므로 컨테이너 에이전트가 자격 증명을 받지 못하고 인스턴스는 클러스터에 "
        "조인하지 못합니다",
    "ecs-tasks.amazonaws.com is for task roles, not container instances: the agent on the "
    "instance gets no credentials":
        "ecs-tasks.amazonaws.com은 컨테이너 인스턴스가 아니라 태스크 역할용입니다: 인스턴스의 "
        "에이전트가 자격 증명을 받지 못합니다",
    # -- steps: role -------------------------------------------------------------------------
    "created by the guide": "가이드가 만듦",
    "existed before the guide; teardown keeps it": "가이드 이전부터 있었음, teardown이 유지함",
    "role {role} existed before the guide; use force=True to remove it anyway":
        f"역할 {{role}}은(는) 가이드 이전부터 있었습니다. {_FORCE}",
    # -- steps: instance profile ---------------------------------------------------------------
    "instance profile {profile} existed before the guide; use force=True to remove it anyway":
        f"인스턴스 프로파일 {{profile}}은(는) 가이드 이전부터 있었습니다. {_FORCE}",
    "both role and instance profile existed before the guide; use force=True to remove it anyway":
        f"역할과 인스턴스 프로파일 모두 가이드 이전부터 있었습니다. {_FORCE}",
    # -- steps: the wait -----------------------------------------------------------------------
    # -- steps: policies -----------------------------------------------------------------------
    "attached": "연결되어 있습니다",
    "role {role} existed before the guide, so its policies stay; use force=True to remove it anyway":
        f"역할 {{role}}은(는) 가이드 이전부터 있었으므로 정책을 그대로 둡니다. {_FORCE}",
    "{policy} ({version}) already allows {what} on *, so nothing is added (erratum {erratum})":
        "{policy}({version})이(가) 이미 {what}을(를) *에 허용하므로 추가하는 것이 "
        "없습니다(정오표 {erratum})",
    "{policy} ({version}) already allows {what} on *, so nothing is added":
        "{policy}({version})이(가) 이미 {what}을(를) *에 허용하므로 추가하는 것이 없습니다",
    "{policy} ({version}) lacks {actions}; an inline policy {name} adds them":
        "{policy}({version})에 {actions}이(가) 없습니다. 인라인 정책 {name}이(가) 추가합니다",
    "inline policy {name} grants {what}": "인라인 정책 {name}이(가) {what}을(를) 허용합니다",
    "inline policy {name} not there yet": "인라인 정책 {name}이(가) 아직 없습니다",
    "inline policy {name} grants what the spec says": "인라인 정책 {name}이(가) 사양대로 허용합니다",
    "inline policy {name} was changed": "인라인 정책 {name}이(가) 바뀌었습니다",
    "role {role} (not the guide's) has an inline policy {name} that differs from the spec":
        "역할 {role}(가이드가 만들지 않음)에 사양과 다른 인라인 정책 {name}이(가) 있습니다",
    "inline policy {name} written": "인라인 정책 {name}을(를) 썼습니다",
    "no inline policy {name}": "인라인 정책 {name}이(가) 없습니다",
    "inline policy {name} deleted": "인라인 정책 {name}을(를) 삭제했습니다",
    # -- steps: bucket and ecs.config ------------------------------------------------------------
    "bucket {bucket} does not exist yet": "버킷 {bucket}이(가) 아직 없습니다",
    "bucket {bucket} belongs to another account (403); bucket names are global, choose another config_bucket":
        "버킷 {bucket}은(는) 다른 계정의 것입니다(403). 버킷 이름은 전역이므로 다른 config_bucket을 "
        "고르십시오",
    "bucket {bucket} no longer blocks public access": "버킷 {bucket}이(가) 더 이상 퍼블릭 액세스를 차단하지 않습니다",
    "bucket {bucket} does not block all public access; the page asks for a private bucket":
        "버킷 {bucket}이(가) 모든 퍼블릭 액세스를 차단하지 않습니다. 페이지는 프라이빗 버킷을 요구합니다",
    "private bucket exists ({who})": "프라이빗 버킷이 있습니다({who})",
    "bucket created with all public access blocked": "모든 퍼블릭 액세스를 차단한 버킷을 만들었습니다",
    "public access blocked again": "퍼블릭 액세스를 다시 차단했습니다",
    "the bucket does not exist": "버킷이 없습니다",
    "not this account's bucket": "이 계정의 버킷이 아닙니다",
    "bucket {bucket} existed before the guide; use force=True to remove it anyway":
        f"버킷 {{bucket}}은(는) 가이드 이전부터 있었습니다. {_FORCE}",
    "bucket {bucket} still holds {n} object(s) the guide did not put there; use force=True to remove it anyway":
        f"버킷 {{bucket}}에 가이드가 넣지 않은 객체가 {{n}}개 있습니다. {_FORCE}",
    "bucket deleted": "버킷을 삭제했습니다",
    "{key} is not in the bucket yet": "{key}이(가) 아직 버킷에 없습니다",
    "{key} holds ECS_CLUSTER={cluster}": "{key}에 ECS_CLUSTER={cluster}이(가) 들어 있습니다",
    "{key} was changed": "{key}이(가) 바뀌었습니다",
    "{url} exists with other content that the guide did not write; it is not overwritten":
        "{url}에 가이드가 쓰지 않은 다른 내용이 있어 덮어쓰지 않습니다",
    "no config object": "구성 객체가 없습니다",
    "{key} was not put there by the guide; use force=True to remove it anyway":
        f"{{key}}은(는) 가이드가 넣은 것이 아닙니다. {_FORCE}",
    "config object deleted": "구성 객체를 삭제했습니다",
    # -- steps: the CloudWatch Logs policy --------------------------------------------------------
    "policy {name} does not exist yet": "정책 {name}이(가) 아직 없습니다",
    "policy exists with the documented permissions ({who})": "문서의 권한으로 정책이 있습니다({who})",
    "policy {name} grants something else now": "정책 {name}이(가) 지금은 다른 것을 허용합니다",
    "policy {name} exists, was not created by the guide, and grants something else; choose another log_policy_name":
        "정책 {name}이(가) 있지만 가이드가 만들지 않았고 다른 것을 허용합니다. 다른 log_policy_name을 "
        "고르십시오",
    "customer managed policy created": "고객 관리형 정책을 만들었습니다",
    "a new default version restores the documented permissions": "새 기본 버전이 문서의 권한을 되돌립니다",
    "the policy does not exist": "정책이 없습니다",
    "policy {name} existed before the guide; use force=True to remove it anyway":
        f"정책 {{name}}은(는) 가이드 이전부터 있었습니다. {_FORCE}",
    "policy {name} is still attached to {n} other role(s), user(s) or group(s); use force=True to remove it anyway":
        f"정책 {{name}}이(가) 아직 다른 역할, 사용자 또는 그룹 {{n}}개에 연결되어 있습니다. {_FORCE}",
    "customer managed policy deleted": "고객 관리형 정책을 삭제했습니다",
    "read only: looks the ARN up by name": "읽기 전용: 이름으로 ARN을 찾습니다",
    "no customer managed policy named {name} found yet": "이름이 {name}인 고객 관리형 정책을 아직 찾지 못했습니다",
    "found {arn} by name (the page's query spells 'cwlogsppolicy' and finds nothing, erratum E4)":
        "이름으로 {arn}을(를) 찾았습니다(페이지의 쿼리는 'cwlogsppolicy'로 적혀 아무것도 찾지 "
        "못합니다, 정오표 E4)",
    # -- steps: trunking, activation, concurrency ---------------------------------------------------
    "the role is made first": "역할을 먼저 만듭니다",
    "awsvpcTrunking is enabled for this role": "이 역할에 awsvpcTrunking이 활성화되어 있습니다",
    "awsvpcTrunking is not enabled for this role yet": "이 역할에 awsvpcTrunking이 아직 활성화되지 않았습니다",
    "awsvpcTrunking enabled for this role's principal only": "이 역할의 보안 주체에만 awsvpcTrunking을 활성화했습니다",
    "awsvpcTrunking is not set for this role": "이 역할에 awsvpcTrunking이 설정되어 있지 않습니다",
    "role {role} existed before the guide; {hint}": "역할 {role}은(는) 가이드 이전부터 있었습니다. {hint}",
    "the role's awsvpcTrunking setting deleted": "역할의 awsvpcTrunking 설정을 삭제했습니다",
    "shown, not run: an activation registers real machines":
        "보여 주기만 하고 실행하지 않습니다: 활성화는 실제 머신을 등록합니다",
    "shown, not run: run it when a machine is ready to register":
        "보여 주기만 하고 실행하지 않습니다: 등록할 머신이 준비되면 실행하십시오",
    "made by a concurrent run at the same moment; it matches the spec":
        "같은 순간 동시에 실행된 다른 실행이 만들었으며 사양과 일치합니다",
    "IAM has not caught up yet (exists, but not visible); retrying in {seconds} s":
        "IAM이 아직 따라잡지 못했습니다(있지만 보이지 않음). {seconds}초 후 다시 시도합니다",
    "AWS says {arn} already exists, but IAM still does not show it after {seconds} s. Wait a "
    "minute and run again; apply is safe to re-run and continues where it stopped.":
        "AWS는 {arn}이(가) 이미 있다고 하지만 IAM은 {seconds}초 후에도 보여 주지 않습니다. 1분 기다린 후 "
        "다시 실행하십시오. apply는 다시 실행해도 안전하며 멈춘 곳부터 이어 갑니다.",
    # -- the sandbox's limits -------------------------------------------------------------------------
    "moto validates no IAM names or documents; the guide validates them itself before any call":
        "moto는 IAM 이름이나 문서를 검증하지 않습니다. 가이드가 호출 전에 직접 검증합니다",
    "moto does not implement SSM activations, so the activation command is shown, not run":
        "moto는 SSM 활성화를 구현하지 않으므로 활성화 명령은 보여 주기만 하고 실행하지 않습니다",
    "moto ignores the principal of an ECS account setting: in the sandbox awsvpcTrunking is "
    "enabled for the whole account, on AWS only for this role":
        "moto는 ECS 계정 설정의 보안 주체를 무시합니다: 샌드박스에서는 awsvpcTrunking이 계정 전체에 "
        "활성화되고, AWS에서는 이 역할에만 활성화됩니다",
    "moto has no IAM policy simulator; permissions are checked from the policy documents":
        "moto에는 IAM 정책 시뮬레이터가 없습니다. 권한은 정책 문서로 확인합니다",
    "the sandbox is consistent at once; on AWS a new instance profile may need about ten seconds":
        "샌드박스는 즉시 일관됩니다. AWS에서는 새 인스턴스 프로파일에 10초 정도 걸릴 수 있습니다",
    # -- plan: page references and notes ---------------------------------------------------------------
    "Console steps 1-4, 8-9; AWS CLI steps 1-2": "콘솔 1-4, 8-9단계; AWS CLI 1-2단계",
    "Console steps 5-7; AWS CLI step 5": "콘솔 5-7단계; AWS CLI 5단계",
    "AWS CLI step {n}": "AWS CLI {n}단계",
    "(IAM propagation, not a numbered step)": "(IAM 전파, 번호 없는 단계)",
    "Amazon ECS Anywhere IAM role (the page's IMPORTANT note)": "Amazon ECS Anywhere IAM 역할(페이지의 중요 참고)",
    "Amazon ECR permissions": "Amazon ECR 권한",
    "Amazon S3 read-only access": "Amazon S3 읽기 전용 액세스",
    "Amazon S3 read-only access (least-privilege alternative)": "Amazon S3 읽기 전용 액세스(최소 권한 대안)",
    "Amazon S3 read-only access (a private bucket)": "Amazon S3 읽기 전용 액세스(프라이빗 버킷)",
    "Amazon S3 read-only access (ecs.config and user data)": "Amazon S3 읽기 전용 액세스(ecs.config와 사용자 데이터)",
    "Console: modify the role's permissions; AWS CLI step 4": "콘솔: 역할 권한 정책 수정; AWS CLI 4단계",
    "(your choice: extra_policy_arns)": "(사용자 선택: extra_policy_arns)",
    "Introduction: ENI trunking (two container instance roles)": "소개: ENI 트렁킹(컨테이너 인스턴스 역할 2개)",
    "Amazon ECS Anywhere IAM role (next: register an external instance)":
        "Amazon ECS Anywhere IAM 역할(다음 단계: 외부 인스턴스 등록)",
    "Amazon EC2 (ec2.amazonaws.com) assumes the role for the instance.":
        "Amazon EC2(ec2.amazonaws.com)가 인스턴스를 위해 역할을 수임합니다.",
    "Systems Manager (ssm.amazonaws.com) assumes the role for the external instance; the "
    "conditions let only this account's Systems Manager do so (confused deputy).":
        "Systems Manager(ssm.amazonaws.com)가 외부 인스턴스를 위해 역할을 수임합니다. 조건은 이 계정의 "
        "Systems Manager만 그렇게 할 수 있게 합니다(혼동된 대리자).",
    "An instance profile is the container that hands the role to an EC2 instance.":
        "인스턴스 프로파일은 역할을 EC2 인스턴스에 건네는 컨테이너입니다.",
    "Role {role} goes into instance profile {profile} (the page's sentence swaps the names, erratum E1).":
        "역할 {role}이(가) 인스턴스 프로파일 {profile}에 들어갑니다(페이지의 문장은 두 이름을 바꿔 "
        "적었습니다, 정오표 E1).",
    "IAM is eventually consistent: a new instance profile takes a few seconds to reach Amazon EC2.":
        "IAM은 최종적 일관성을 따릅니다: 새 인스턴스 프로파일이 Amazon EC2에 닿기까지 몇 초 걸립니다.",
    "Systems Manager permissions let the external instance register and talk to AWS.":
        "Systems Manager 권한으로 외부 인스턴스가 등록하고 AWS와 통신합니다.",
    "Without it, creating a cluster in the console shows an error. AWS adds permissions for new "
    "features to this policy, which is why the page attaches it rather than copying it.":
        "이 정책이 없으면 콘솔에서 클러스터를 만들 때 오류가 표시됩니다. AWS는 새 기능의 권한을 이 "
        "정책에 추가하므로 페이지는 정책을 복사하지 않고 연결합니다.",
    "The managed policy already grants ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, "
    "ecr:GetDownloadUrlForLayer and ecr:GetAuthorizationToken. ecr:GetAuthorizationToken "
    "supports no resource-level permissions and stays on *.":
        "관리형 정책이 이미 ecr:BatchCheckLayerAvailability, ecr:BatchGetImage, "
        "ecr:GetDownloadUrlForLayer, ecr:GetAuthorizationToken을 허용합니다. "
        "ecr:GetAuthorizationToken은 리소스 수준 권한을 지원하지 않아 *에 남습니다.",
    "Grants s3:GetObject on s3://{object} only, instead of every bucket in the account "
    "(AmazonS3ReadOnlyAccess). The cost: any other file the instances should read from S3 needs "
    "its own grant. When the bucket encrypts with SSE-KMS, the role needs kms:Decrypt on that key "
    "too: Amazon S3 decrypts with the caller's permissions (Amazon S3 User Guide, server-side "
    "encryption with AWS KMS keys).":
        "계정의 모든 버킷(AmazonS3ReadOnlyAccess) 대신 s3://{object}에만 s3:GetObject를 허용합니다. "
        "대가: 인스턴스가 S3에서 읽어야 할 다른 파일마다 따로 허용해야 합니다. 버킷이 SSE-KMS로 "
        "암호화하면 역할에 그 키에 대한 kms:Decrypt도 필요합니다: Amazon S3는 호출자의 권한으로 "
        "복호화합니다(Amazon S3 User Guide, AWS KMS 키를 사용한 서버 측 암호화).",
    "AmazonS3ReadOnlyAccess lets every instance read every bucket in the account; "
    "least_privilege=True grants the one config object instead.":
        "AmazonS3ReadOnlyAccess는 모든 인스턴스가 계정의 모든 버킷을 읽게 합니다. "
        "least_privilege=True는 대신 구성 객체 하나만 허용합니다.",
    "Private: all public access is blocked, only the role reads the file.":
        "프라이빗: 모든 퍼블릭 액세스가 차단되어 역할만 파일을 읽습니다.",
    "At launch, the instance's user data (user-data.sh) installs the AWS CLI and copies the "
    "file to /etc/ecs/ecs.config.":
        "시작할 때 인스턴스의 사용자 데이터(user-data.sh)가 AWS CLI를 설치하고 파일을 "
        "/etc/ecs/ecs.config에 복사합니다.",
    "Narrowed to this account and Region: instances in other Regions or accounts cannot write "
    "logs with it.":
        "이 계정과 리전으로 좁혔습니다: 다른 리전이나 계정의 인스턴스는 이 정책으로 로그를 쓸 수 "
        "없습니다.",
    "The page's Resource arn:aws:logs:*:*:* allows any log group in any account and Region; "
    "least_privilege=True narrows it.":
        "페이지의 Resource arn:aws:logs:*:*:*는 모든 계정과 리전의 모든 로그 그룹을 허용합니다. "
        "least_privilege=True로 좁힙니다.",
    "The page's query spells cwlogsppolicy and prints [] without an error.":
        "페이지의 쿼리는 cwlogsppolicy로 적혀 오류 없이 []를 출력합니다.",
    "The page recommends two container instance roles: this one, with trunking, for the "
    "instances whose tasks need the higher ENI density, and one without. PutAccountSetting with "
    "--principal-arn must be called by the account's root user or by that principal itself "
    "(Amazon ECS API Reference, PutAccountSetting: principalArn): an IAM user or another role is "
    "refused, whatever its policies.":
        "페이지는 컨테이너 인스턴스 역할 2개를 권장합니다: 높은 ENI 밀도가 필요한 태스크를 실행하는 "
        "인스턴스를 위한 트렁킹이 있는 이 역할과, 트렁킹이 없는 역할입니다. --principal-arn을 지정한 "
        "PutAccountSetting은 계정의 루트 사용자나 그 보안 주체 자신만 호출할 수 있습니다(Amazon ECS "
        "API Reference, PutAccountSetting: principalArn). IAM 사용자나 다른 역할은 정책과 관계없이 "
        "거부됩니다.",
    "Shown, not run: the activation code and id register one external instance.":
        "보여 주기만 하고 실행하지 않습니다: 활성화 코드와 ID로 외부 인스턴스 하나를 등록합니다.",
    # -- errata ---------------------------------------------------------------------------------
    "AWS CLI step 4, the sentence above the command": "AWS CLI 4단계, 명령 위의 문장",
    "AWS CLI step 5, the sentence above the command": "AWS CLI 5단계, 명령 위의 문장",
    "Amazon S3 read-only access, the AWS CLI command": "Amazon S3 읽기 전용 액세스, AWS CLI 명령",
    "Container instance monitoring, AWS CLI step 3": "컨테이너 인스턴스 모니터링, AWS CLI 3단계",
    "Container instance monitoring, AWS CLI step 4": "컨테이너 인스턴스 모니터링, AWS CLI 4단계",
    "Introduction, the paragraph on the managed policy": "소개, 관리형 정책에 관한 문단",
    "Create the container instance role, the console procedure's title":
        "컨테이너 인스턴스 역할 생성, 콘솔 절차의 제목",
    "Introduction, the paragraph on ENI trunking": "소개, ENI 트렁킹에 관한 문단",
    "Add role ecsInstanceRole to instance profile ecsInstanceRole-profile":
        "ecsInstanceRole-profile 인스턴스 프로파일에 ecsInstanceRole 역할을 추가합니다.",
    "The sentence swaps the two names; the command below it is right.":
        "문장이 두 이름을 바꿔 적었습니다. 아래 명령은 맞습니다.",
    "No managed policy has the name in the sentence; the command's ARN is right.":
        "문장의 이름을 가진 관리형 정책은 없습니다. 명령의 ARN은 맞습니다.",
    "An extra ':' after 'aws' empties the service field, so IAM rejects the ARN.":
        "'aws' 뒤의 여분의 ':'이 서비스 필드를 비우므로 IAM이 ARN을 거부합니다.",
    "The doubled 'p' names no policy, so the query prints an empty list without any error.":
        "'p'가 두 번 들어가 어떤 정책도 가리키지 않으므로 쿼리는 오류 없이 빈 목록을 출력합니다.",
    "The account id sits in the region field and a stray 'aws:' precedes 'policy/'; a customer "
    "managed policy's ARN is arn:aws:iam::<account>:policy/<name>.":
        "계정 ID가 리전 필드에 있고 'policy/' 앞에 불필요한 'aws:'가 있습니다. 고객 관리형 정책의 "
        "ARN은 arn:aws:iam::<account>:policy/<name>입니다.",
    "The sentence is garbled: a policy is attached to a role, not to an 'IAM attachment', and it "
    "is the role (through its instance profile) that goes with the instances.":
        "문장이 뒤섞였습니다: 정책은 'IAM 연결'이 아니라 역할에 연결하고, 인스턴스와 연결되는 것은 "
        "(인스턴스 프로파일을 통해) 그 역할입니다.",
    "The procedure makes the container instance role, which Amazon EC2 (ec2.amazonaws.com) "
    "assumes for the instances; Amazon ECS does not assume it, so it is not a service role for "
    "Amazon ECS. Elastic Container Service is only the console's use case group.":
        "이 절차가 만드는 것은 Amazon EC2(ec2.amazonaws.com)가 인스턴스를 위해 수임하는 컨테이너 "
        "인스턴스 역할입니다. Amazon ECS는 이 역할을 수임하지 않으므로 Amazon ECS의 서비스 역할이 "
        "아닙니다. Elastic Container Service는 콘솔에서 사용 사례를 묶는 이름일 뿐입니다.",
    "A container instance role belongs to instances, not tasks (a task has its own task role): "
    "instances registered with the role's instance profile get a trunk interface, and their "
    "awsvpc tasks use it.":
        "컨테이너 인스턴스 역할은 태스크가 아니라 인스턴스의 것입니다(태스크에는 따로 태스크 역할이 "
        "있습니다): 그 역할의 인스턴스 프로파일로 등록된 인스턴스가 트렁크 인터페이스를 받고, 그 "
        "인스턴스의 awsvpc 태스크가 그것을 씁니다.",
    "CloudWatch Logs: console steps 1-8; AWS CLI steps 1-2": "CloudWatch Logs: 콘솔 1-8단계; AWS CLI 1-2단계",
    "CloudWatch Logs: AWS CLI step 3": "CloudWatch Logs: AWS CLI 3단계",
    "CloudWatch Logs: console, modify the role's permissions; AWS CLI step 4":
        "CloudWatch Logs: 콘솔, 역할 권한 정책 수정; AWS CLI 4단계",
    "not in this run's plan: the alternative with least_privilege={value}":
        "이번 실행의 계획에 없음: least_privilege={value}일 때의 대안",
    "Read the attached policies' documents and look for the four ECR actions.":
        "연결된 정책의 문서를 읽고 네 가지 ECR 작업을 찾습니다.",
    "The page links to itself, so the question is left open; the guide answers it from "
    "AmazonEC2ContainerServiceforEC2Role's document.":
        "페이지가 자기 자신을 가리키므로 질문은 답 없이 남습니다. 가이드는 "
        "AmazonEC2ContainerServiceforEC2Role의 문서로 답합니다.",
    "Instance profile {profile} holds role(s): {roles}": "인스턴스 프로파일 {profile}에 든 역할: {roles}",
    "Instance profile {profile} does not exist yet": "인스턴스 프로파일 {profile}이(가) 아직 없습니다",
    "GetPolicy {arn} (as written): {answer}": "GetPolicy {arn}(페이지에 적힌 대로): {answer}",
    "GetPolicy {arn} (corrected): {answer}": "GetPolicy {arn}(고친 것): {answer}",
    "exists": "있음",
    "{query} (as written) returns {found}": "{query}(페이지에 적힌 대로)의 결과: {found}",
    "{query} (corrected) returns {found}": "{query}(고친 것)의 결과: {found}",
    "{action}: granted by {grant} in {policy} ({version})": "{action}: {policy}({version})의 {grant}이(가) 허용",
    "{action}: NOT granted in {policy} ({version})": "{action}: {policy}({version})에서 허용되지 않음",
    # -- the form's findings -------------------------------------------------------------------------
    "The role must exist and trust the right service. Amazon EC2 (ec2.amazonaws.com) assumes it "
    "for an EC2 instance, Systems Manager (ssm.amazonaws.com) for an external one. Fix: apply "
    "restores the trust policy of a role the guide created; for another role, edit its trust "
    "policy (IAM console: the role's Trust relationships tab, Edit trust policy).":
        "역할이 있어야 하고 올바른 서비스를 신뢰해야 합니다. EC2 인스턴스에서는 Amazon EC2"
        "(ec2.amazonaws.com)가, 외부 인스턴스에서는 Systems Manager(ssm.amazonaws.com)가 역할을 "
        "수임합니다. 해결: 가이드가 만든 역할이면 apply가 신뢰 정책을 되돌립니다. 다른 역할이면 IAM "
        "콘솔에서 역할의 신뢰 정책을 편집하십시오.",
    "Amazon EC2 hands a role to an instance only through an instance profile: without one the "
    "role cannot be chosen at launch, and the agent gets no credentials. Fix: apply (AWS CLI "
    "steps 3 and 4).":
        "Amazon EC2는 인스턴스 프로파일을 통해서만 인스턴스에 역할을 건넵니다: 없으면 시작할 때 역할을 "
        "고를 수 없고 에이전트는 자격 증명을 받지 못합니다. 해결: apply(AWS CLI 3, 4단계).",
    "The instance profile is empty or missing, so an instance launched with it has no role. "
    "Fix: apply (AWS CLI step 4).":
        "인스턴스 프로파일이 비었거나 없어서 그것으로 시작한 인스턴스에는 역할이 없습니다. "
        "해결: apply(AWS CLI 4단계).",
    "Without AmazonEC2ContainerServiceforEC2Role the container agent cannot register the "
    "instance with the cluster. Fix: apply (console step 6, AWS CLI step 5).":
        "AmazonEC2ContainerServiceforEC2Role이 없으면 컨테이너 에이전트가 인스턴스를 클러스터에 등록할 "
        "수 없습니다. 해결: apply(콘솔 6단계, AWS CLI 5단계).",
    "Without Systems Manager permissions an external instance cannot register. Fix: apply.":
        "Systems Manager 권한이 없으면 외부 인스턴스를 등록할 수 없습니다. 해결: apply.",
    "A missing feature permission: image pulls from Amazon ECR fail. The four ECR actions come "
    "with AmazonEC2ContainerServiceforEC2Role. Fix: apply.":
        "기능 권한이 없습니다: Amazon ECR에서 이미지를 가져오지 못합니다. 네 가지 ECR 작업은 "
        "AmazonEC2ContainerServiceforEC2Role에 들어 있습니다. 해결: apply.",
    "A missing feature permission: the user data cannot copy ecs.config from the bucket, so the "
    "instance joins the default cluster. Fix: apply.":
        "기능 권한이 없습니다: 사용자 데이터가 버킷에서 ecs.config를 복사하지 못해 인스턴스가 기본 "
        "클러스터에 조인합니다. 해결: apply.",
    "A missing feature permission: the user data cannot copy ecs.config from the bucket. Fix: apply.":
        "기능 권한이 없습니다: 사용자 데이터가 버킷에서 ecs.config를 복사하지 못합니다. 해결: apply.",
    "The private bucket for ecs.config is missing. Fix: apply.":
        "ecs.config용 프라이빗 버킷이 없습니다. 해결: apply.",
    "ecs.config is not in the bucket (or differs). Fix: apply.":
        "ecs.config가 버킷에 없습니다(또는 다릅니다). 해결: apply.",
    "The CloudWatch Logs policy is missing or grants something else. Fix: apply.":
        "CloudWatch Logs 정책이 없거나 다른 것을 허용합니다. 해결: apply.",
    "A missing feature permission: the instance cannot send its logs to CloudWatch Logs. Fix: apply.":
        "기능 권한이 없습니다: 인스턴스가 로그를 CloudWatch Logs에 보내지 못합니다. 해결: apply.",
    "awsvpcTrunking is not enabled for this role: its instances get no trunk ENI. Fix: apply.":
        "이 역할에 awsvpcTrunking이 활성화되지 않았습니다: 인스턴스가 트렁크 ENI를 받지 못합니다. "
        "해결: apply.",
    # -- errors ------------------------------------------------------------------------------------
    "{operation} failed while {doing}: {code}: {message} ({hint})":
        "{doing} 중 {operation} 실패: {code}: {message} ({hint})",
    "{operation} failed while {doing}: {code}: {message}": "{doing} 중 {operation} 실패: {code}: {message}",
    "the caller may not do this; ask for {operation} permission":
        "호출자에게 이 작업 권한이 없습니다. {operation} 권한을 요청하십시오",
    "the access key is not valid for this endpoint": "액세스 키가 이 엔드포인트에 유효하지 않습니다",
    "the secret key does not match the access key": "비밀 키가 액세스 키와 맞지 않습니다",
    "the session token has expired; sign in again": "세션 토큰이 만료되었습니다. 다시 로그인하십시오",
    "an IAM quota is reached": "IAM 할당량에 도달했습니다",
    "a quota is reached": "할당량에 도달했습니다",
    "identifying the caller": "호출자 확인",
    "creating the role": "역할 생성",
    "restoring the trust policy": "신뢰 정책 복원",
    "deleting the role": "역할 삭제",
    "creating the instance profile": "인스턴스 프로파일 생성",
    "deleting the instance profile": "인스턴스 프로파일 삭제",
    "adding the role to the instance profile": "인스턴스 프로파일에 역할 추가",
    "waiting for the instance profile": "인스턴스 프로파일 대기",
    "creating the config bucket": "구성 버킷 생성",
    "deleting the config bucket": "구성 버킷 삭제",
    "uploading ecs.config": "ecs.config 업로드",
    "creating the CloudWatch Logs policy": "CloudWatch Logs 정책 생성",
    "deleting the CloudWatch Logs policy": "CloudWatch Logs 정책 삭제",
    "enabling awsvpcTrunking": "awsvpcTrunking 활성화",
    "writing inline policy {name}": "인라인 정책 {name} 쓰기",
    "{operation} failed while {doing}: no answer from AWS after every retry ({error}). Check the "
    "network, the endpoint and any proxy, then run again; apply is safe to re-run and continues "
    "where it stopped.":
        "{doing} 중 {operation} 실패: 모든 재시도 후에도 AWS가 응답하지 않습니다({error}). 네트워크, "
        "엔드포인트, 프록시를 확인한 후 다시 실행하십시오. apply는 다시 실행해도 안전하며 멈춘 "
        "곳부터 이어 갑니다.",
    # -- spec's validation rules (field names stay as they are) --------------------------------------
    "must be one of {choices}": "{choices} 중 하나여야 합니다",
    "must be a list of feature names": "기능 이름의 목록이어야 합니다",
    "this page was started without the aws target, so it acts on the sandbox only "
    "(make app APP_TARGETS=sandbox,aws)":
        "이 페이지는 aws 대상 없이 시작되었으므로 샌드박스에서만 작동합니다"
        "(make app APP_TARGETS=sandbox,aws)",
    "must be a string (a notebook parameter)": "문자열이어야 합니다(노트북 매개변수)",
    "must name at least one target": "대상을 하나 이상 지정해야 합니다",
    "external instances (ECS Anywhere) use no instance profile; leave it None":
        "외부 인스턴스(ECS Anywhere)는 인스턴스 프로파일을 쓰지 않습니다. None으로 두십시오",
    "must be a list of policy ARNs": "정책 ARN의 목록이어야 합니다",
    "ENI trunking is for Amazon EC2 instance types; external instances cannot use it":
        "ENI 트렁킹은 Amazon EC2 인스턴스 유형용입니다. 외부 인스턴스는 쓸 수 없습니다",
    "must be an AWS Region code such as 'us-east-1'": "'us-east-1' 같은 AWS 리전 코드여야 합니다",
    "belongs to no AWS partition botocore knows (aws, aws-cn, aws-us-gov, ...); check the spelling":
        "botocore가 아는 어떤 AWS 파티션(aws, aws-cn, aws-us-gov, ...)에도 속하지 않습니다. 철자를 "
        "확인하십시오",
    "this key is the guide's own mark of what it created; choose another":
        "이 키는 가이드가 만든 것을 표시하는 키입니다. 다른 키를 고르십시오",
    "ecs.config is copied by Amazon EC2 user data at launch; external instances (ECS Anywhere) "
    "are configured by their install script":
        "ecs.config는 시작할 때 Amazon EC2 사용자 데이터가 복사합니다. 외부 인스턴스(ECS Anywhere)는 "
        "설치 스크립트로 구성합니다",
    "is required with the 's3_config' feature (the private bucket that holds ecs.config)":
        "'s3_config' 기능에는 필수입니다(ecs.config를 담는 프라이빗 버킷)",
    "must be an S3 object key of 1 to 1,024 bytes, not starting with '/'":
        "'/'로 시작하지 않는 1~1,024바이트의 S3 객체 키여야 합니다",
    "the trust policy would be {n} characters; IAM allows {quota}":
        "신뢰 정책이 {n}자가 됩니다. IAM은 {quota}자까지 허용합니다",
    "the inline policy would be {n} characters; IAM allows {quota} in all":
        "인라인 정책이 {n}자가 됩니다. IAM은 모두 합해 {quota}자까지 허용합니다",
    # the sandbox's limits, by topic
    "iam names": "IAM 이름", "ssm activation": "SSM 활성화",
    "account setting principal": "계정 설정의 보안 주체", "policy simulator": "정책 시뮬레이터",
    "account setting caller": "계정 설정의 호출자",
    "iam xml carriage return": "IAM XML의 캐리지 리턴",
    "moto writes a carriage return in an IAM description raw into its XML answer, which reads "
    "back as a line feed (AWS escapes it)":
        "moto는 IAM 설명의 캐리지 리턴을 XML 응답에 그대로 써서 다시 읽으면 줄 바꿈이 됩니다(AWS는 "
        "이스케이프합니다)",
    "bucket created with its tags; it blocks all public access":
        "태그와 함께 버킷을 만들었습니다. 모든 퍼블릭 액세스를 차단합니다",
    "bucket created; this endpoint made it without blocking public access (new buckets on AWS "
    "block it), so the guide blocked all public access itself (one more write)":
        "버킷을 만들었습니다. 이 엔드포인트는 퍼블릭 액세스를 차단하지 않은 채 버킷을 만들었으므로"
        "(AWS의 새 버킷은 차단합니다) 가이드가 모든 퍼블릭 액세스를 직접 차단했습니다(쓰기 1회 추가)",
    "reading the new bucket's public access block": "새 버킷의 퍼블릭 액세스 차단 설정 읽기",
    "policy {arn} exists, and IAM policy names are unique in an account whatever their letter "
    "case and path, so IAM cannot create {other}; choose another log_policy_name":
        "정책 {arn}이(가) 있습니다. IAM 정책 이름은 대소문자와 경로에 관계없이 계정 안에서 고유하므로 "
        "IAM이 {other}을(를) 만들 수 없습니다. 다른 log_policy_name을 선택하십시오",
    "blocking public access to the config bucket": "구성 버킷의 퍼블릭 액세스 차단",
    "the sandbox has no sign-in, so an ECS account setting call without a principal acts on the "
    "account default, as the root user's does; on AWS it acts on the calling user's or role's own":
        "샌드박스에는 로그인이 없으므로 보안 주체 없이 한 ECS 계정 설정 호출은 루트 사용자의 호출처럼 "
        "계정 기본값에 적용됩니다. AWS에서는 호출한 사용자나 역할 자신의 설정에 적용됩니다",
    "propagation": "전파",
}

#: Messages of the teardown that undoes exactly what apply added, and of the per-step commands.
KO.update({
    "force never removes what the guide did not create": "force로도 가이드가 만들지 않은 것은 제거하지 않습니다",
    "use force=True to remove it anyway": _FORCE,
    "role {role} existed before the guide": "역할 {role}은(는) 가이드 이전부터 있었습니다",
    "policy {name} existed before the guide": "정책 {name}은(는) 가이드 이전부터 있었습니다",
    "bucket {bucket} existed before the guide": "버킷 {bucket}은(는) 가이드 이전부터 있었습니다",
    "instance profile {profile} existed before the guide": "인스턴스 프로파일 {profile}은(는) 가이드 이전부터 있었습니다",
    "{key} was not put there by the guide": "{key}은(는) 가이드가 넣은 것이 아닙니다",
    "role {role} existed before the guide: only what the guide added to it was removed ({hint})":
        "역할 {role}은(는) 가이드 이전부터 있었습니다: 가이드가 추가한 것만 제거했습니다({hint})",
    "role {role} holds inline policies the guide did not write ({names})":
        "역할 {role}에 가이드가 쓰지 않은 인라인 정책({names})이 있습니다",
    "both role and instance profile existed before the guide, and the guide did not add one to the other":
        "역할과 인스턴스 프로파일 모두 가이드 이전부터 있었고, 가이드가 하나를 다른 하나에 추가하지 "
        "않았습니다",
    "role {role} existed before the guide and already held this policy":
        "역할 {role}은(는) 가이드 이전부터 있었고 이미 이 정책을 갖고 있었습니다",
    "role {role} existed before the guide, and the guide did not write its inline policy {name}":
        "역할 {role}은(는) 가이드 이전부터 있었고, 인라인 정책 {name}은(는) 가이드가 쓰지 않았습니다",
    "inline policy {name} holds a document the guide did not write":
        "인라인 정책 {name}에 가이드가 쓰지 않은 문서가 있습니다",
    "inline policy {name} holds a document the guide did not write (changed, or someone else's "
    "under the guide's name): apply writes the guide's again; teardown keeps it":
        "인라인 정책 {name}에 가이드가 쓰지 않은 문서가 있습니다(바뀌었거나, 가이드의 이름으로 다른 "
        "누군가가 쓴 것): apply는 가이드의 문서를 다시 쓰고, teardown은 그대로 둡니다",
    "bucket {bucket} still holds {n} object(s) or version(s) the guide did not put there":
        "버킷 {bucket}에 가이드가 넣지 않은 객체나 버전이 {n}개 있습니다",
    "policy {name} is still attached to {n} other role(s), user(s) or group(s), which keep it":
        "정책 {name}이(가) 아직 다른 역할, 사용자 또는 그룹 {n}개에 연결되어 있어 그쪽에 남습니다",
    "policy {name} is the permissions boundary of {n} role(s) or user(s), which keep it":
        "정책 {name}이(가) 역할 또는 사용자 {n}개의 권한 경계로 쓰이고 있어 그쪽에 남습니다",
    "role {role} existed before the guide and already had awsvpcTrunking":
        "역할 {role}은(는) 가이드 이전부터 있었고 이미 awsvpcTrunking이 있었습니다",
    # Notes of intent, then of completion (issue 17, item 4).
    "apply was stopped after noting that it would add {what} to role {role} and before noting "
    "it done, so the guide cannot tell its change from the same change made by hand: kept":
        "apply가 역할 {role}에 {what}을(를) 추가하겠다고 기록한 뒤, 완료를 기록하기 전에 멈췄습니다. "
        "그래서 가이드는 자신의 변경과 직접 한 같은 변경을 구별할 수 없습니다: 유지함",
    "remove it yourself if nothing needs it ({hint})":
        "필요한 곳이 없으면 직접 제거하십시오({hint})",
    # What another setup (or anything else) holds (issue 17, item 7).
    "policy {name} is held by role(s) {roles} as it is now":
        "정책 {name}은(는) 지금 상태로 역할 {roles}에 연결되어 있습니다",
    "policy {name} is held by role(s) {roles} and {n} user(s) or group(s) as it is now":
        "정책 {name}은(는) 지금 상태로 역할 {roles}와(과) 사용자 또는 그룹 {n}개에 연결되어 있습니다",
    "policy {name} is held by {n} user(s) or group(s) as it is now":
        "정책 {name}은(는) 지금 상태로 사용자 또는 그룹 {n}개에 연결되어 있습니다",
    "role {role}'s spec grants something else, so apply does not rewrite it (that would change "
    "what they hold): choose another log_policy_name, or detach it from them first":
        "역할 {role}의 사양은 다른 것을 허용하므로 apply는 정책을 다시 쓰지 않습니다(그쪽이 가진 권한이 "
        "바뀝니다): 다른 log_policy_name을 선택하거나, 먼저 그쪽에서 분리하십시오",
    "{url} holds what the spec says, but lists only role(s) {users} as the guide setups that use "
    "it: apply adds role {role}":
        "{url}에 사양대로의 내용이 있지만, 이를 사용하는 가이드 설정으로 역할 {users}만 기록되어 "
        "있습니다: apply가 역할 {role}을(를) 추가합니다",
    "{url} is the ecs.config of role(s) {others} (their instances copy it at launch)":
        "{url}은(는) 역할 {others}의 ecs.config입니다(그 인스턴스가 시작할 때 복사합니다)",
    "role {role}'s spec would write other content, so apply does not rewrite it: choose another "
    "config_key or config_bucket":
        "역할 {role}의 사양은 다른 내용을 쓰게 되므로 apply는 다시 쓰지 않습니다: 다른 config_key나 "
        "config_bucket을 선택하십시오",
    "role {role} listed among the guide setups that use {url}":
        "역할 {role}을(를) {url}을(를) 사용하는 가이드 설정으로 기록했습니다",
    "{key} is still used by the guide setup(s) of role(s) {others}, whose instances copy it at "
    "launch: kept for them, force or not":
        "{key}은(는) 아직 역할 {others}의 가이드 설정이 사용합니다(그 인스턴스가 시작할 때 복사합니다): "
        "force 여부와 관계없이 그쪽을 위해 유지합니다",
    "bucket {bucket} holds {key}, which the guide setup(s) of role(s) {users} still use: kept "
    "for them, force or not":
        "버킷 {bucket}에 역할 {users}의 가이드 설정이 아직 사용하는 {key}이(가) 있습니다: force 여부와 "
        "관계없이 그쪽을 위해 유지합니다",
    "instance profile {profile} is held by {n} instance(s) the guide did not launch: {instances}; "
    "teardown (even with force=True) would leave them without the role's credentials: terminate "
    "them or give them another instance profile (aws ec2 replace-iam-instance-profile-association) "
    "first":
        "인스턴스 프로파일 {profile}을(를) 가이드가 시작하지 않은 인스턴스 {n}개가 사용하고 있습니다: "
        "{instances}. teardown을 하면(force=True라도) 이 인스턴스들은 역할의 자격 증명을 잃게 됩니다: "
        "먼저 인스턴스를 종료하거나 다른 인스턴스 프로파일을 연결하십시오"
        "(aws ec2 replace-iam-instance-profile-association)",
    "teardown cannot tell which instances hold instance profile {profile} ({error}): it reads "
    "ec2:DescribeIamInstanceProfileAssociations and ec2:DescribeInstances before it removes an "
    "instance profile or the role in it":
        "teardown은 어떤 인스턴스가 인스턴스 프로파일 {profile}을(를) 사용하는지 알 수 없습니다"
        "({error}): 인스턴스 프로파일이나 "
        "그 안의 역할을 제거하기 전에 ec2:DescribeIamInstanceProfileAssociations와 "
        "ec2:DescribeInstances를 읽습니다",
    "managed policy {arn}": "관리형 정책 {arn}",
    "instance profile {profile}": "인스턴스 프로파일 {profile}",
    "noting what the guide adds to a role it did not create": "가이드가 만들지 않은 역할에 추가하는 것을 기록",
    "# Added by ecsrole-guide (not on the page): {what}": "# ecsrole-guide가 추가함(페이지에 없음): {what}",
    # The comments of the user data shown beside a step and in a launch plan.
    "# Installs the AWS CLI, then copies the container agent's configuration from the private bucket.":
        "# AWS CLI를 설치한 다음, 프라이빗 버킷에서 컨테이너 에이전트의 구성 파일을 복사합니다.",
    "# The container agent reads /etc/ecs/ecs.config when it starts.":
        "# 컨테이너 에이전트는 시작할 때 /etc/ecs/ecs.config를 읽습니다.",
    "# or, as a launch template:": "# 또는 시작 템플릿으로:",
    "--tags with created-by=ecsrole-guide, the mark teardown looks for.":
        "teardown이 찾는 표시 created-by=ecsrole-guide를 담은 --tags.",
    "--tagging, the created-by mark.": "created-by 표시를 담은 --tagging.",
    "--tagging, the created-by mark and the role whose instances copy the file (ecsrole-guide-used-by).":
        "--tagging: created-by 표시와, 인스턴스가 이 파일을 복사해 가는 역할(ecsrole-guide-used-by).",
    "the created-by tag and the public access block of a private bucket.":
        "created-by 태그와 프라이빗 버킷의 퍼블릭 액세스 차단.",
    "{note} {files} names your account as ${{ACCOUNT_ID}}: replace it with your 12-digit account "
    "id, or set ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text) and fill "
    "it in with sed, as the full AWS CLI listing does.":
        "{note} {files}에는 계정이 ${{ACCOUNT_ID}}로 적혀 있습니다: 12자리 계정 ID로 바꾸거나, "
        "ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)로 설정한 뒤 전체 "
        "AWS CLI 목록처럼 sed로 채우십시오.",
    "Narrowed to this account and Region. The role's effective permissions are the union of its "
    "policies, and {policy} already allows logs:CreateLogStream and logs:PutLogEvents on *: this "
    "policy narrows only logs:CreateLogGroup and logs:DescribeLogStreams.":
        "이 계정과 리전으로 좁혔습니다. 역할의 실제 권한은 정책들의 합집합이며, {policy}이(가) 이미 "
        "logs:CreateLogStream과 logs:PutLogEvents를 *에 허용하므로 이 정책이 좁히는 것은 "
        "logs:CreateLogGroup과 logs:DescribeLogStreams뿐입니다.",
    "Private: all public access is blocked. That keeps the file from the internet, not from your "
    "account: any principal in it whose own policies allow s3:GetObject on the bucket can read "
    "the file too, not only this role.":
        "프라이빗: 모든 퍼블릭 액세스가 차단됩니다. 이것은 인터넷으로부터 파일을 지킬 뿐 계정 안에서는 "
        "아닙니다: 자신의 정책이 이 버킷에 s3:GetObject를 허용하는 계정의 모든 보안 주체가 이 역할처럼 "
        "파일을 읽을 수 있습니다.",
    "The ARN is the one the step before looked up (POLICY_ARN).":
        "ARN은 앞 단계에서 찾은 것(POLICY_ARN)입니다.",
})

#: The guide's tables (ecsrole_lib/teaching/guide.py): the roles, the sandbox's set-up, the demo, what is left.
KO.update({
    "{verb} on {target}: {counts}; {reads} read and {writes} write API calls, {retries} retries":
        "{target}에서 {verb}: {counts}; 읽기 API 호출 {reads}회, 쓰기 API 호출 {writes}회, 재시도 {retries}회",
    "The roles the guide makes": "가이드가 만드는 역할", "notebooks": "노트북", "kind": "종류",
    "features": "기능", "least privilege": "최소 권한", "trunking": "트렁킹",
    "Nothing created: on AWS this notebook works on what is there":
        "만든 것 없음: AWS에서 이 노트북은 있는 것을 대상으로 합니다",
    "not run": "실행하지 않음",
    "On the sandbox, what the earlier notebooks make (idempotent)":
        "샌드박스에서 앞의 노트북들이 만드는 것(멱등)",
    "Demo role {role}: not built (it is built on the sandbox only, never in an AWS account, and not in a dry run)":
        "데모 역할 {role}: 만들지 않음(샌드박스에서만 만들며, AWS 계정에서나 시험 실행에서는 만들지 않습니다)",
    "Demo role {role}, broken on purpose": "일부러 망가뜨린 데모 역할 {role}",
    "defect": "결함", "as built": "만든 상태", "why it is wrong": "무엇이 잘못인가",
    "trust principal": "신뢰 대상 보안 주체", "instance profile": "인스턴스 프로파일", "none": "없음",
    "feature permission": "기능 권한", "extra policy": "추가 정책",
    "Amazon ECS is the service; Amazon EC2 (ec2.amazonaws.com) assumes the role for the instance":
        "Amazon ECS는 서비스입니다. 인스턴스를 위해 역할을 수임하는 것은 Amazon EC2(ec2.amazonaws.com)입니다",
    "without one, Amazon EC2 cannot give the role to an instance":
        "없으면 Amazon EC2가 인스턴스에 역할을 줄 수 없습니다",
    "AmazonEC2ContainerServiceforEC2Role not attached": "AmazonEC2ContainerServiceforEC2Role이 연결되지 않음",
    "the agent cannot register, and Amazon ECR pulls fail":
        "에이전트가 등록하지 못하고 Amazon ECR에서 가져오기가 실패합니다",
    "AmazonS3FullAccess attached": "AmazonS3FullAccess가 연결됨",
    "write access to every bucket, which no container instance needs":
        "모든 버킷에 대한 쓰기 액세스로, 어떤 컨테이너 인스턴스에도 필요 없습니다",
    "Nothing the guide made is left on {where}.": "{where}에 가이드가 만든 것은 남아 있지 않습니다.",
    "{n} thing(s) left on {where}": "{where}에 남은 것 {n}개",
    "the sandbox": "샌드박스", "name": "이름", "why it is there": "남아 있는 이유",
    "made by the guide (tagged)": "가이드가 만듦(태그 있음)", "not made by the guide: kept": "가이드가 만들지 않음: 유지",
    "policy": "정책", "bucket": "버킷", "a bucket": "버킷", "the config bucket": "구성 버킷",
    "ECS account setting": "ECS 계정 설정", "the account": "계정",
    "EC2 instance": "EC2 인스턴스", "EC2 instances": "EC2 인스턴스", "ECS cluster": "ECS 클러스터",
    "not read": "읽지 않음",
})

#: The doctor's rows and notes that every diagnosis shows (``doctor(..., lang="ko")``).
KO.update({
    "Sandbox: {limit} (the guide's own evaluation of AWS's documented logic; on AWS the doctor "
    "asks IAM's simulator too).":
        "샌드박스: {limit} (AWS가 문서로 밝힌 평가 논리를 가이드가 직접 평가한 결과입니다. AWS에서는 "
        "doctor가 IAM 정책 시뮬레이터에도 묻습니다.)",
    "IAM's simulator evaluates the role's policies and boundary, not its trust policy: the trust "
    "row is the guide's alone.":
        "IAM 정책 시뮬레이터는 역할의 정책과 권한 경계를 평가하고 신뢰 정책은 평가하지 않습니다. "
        "trust 행은 가이드만의 평가입니다.",
    "Each call was asked with the keys an instance-role session's request carries: {known}, "
    "aws:CurrentTime, aws:EpochTime and aws:TokenIssueTime now; the doctor cannot know "
    "{unknown}: a call that depends on one says so.":
        "각 호출은 인스턴스 역할 세션의 요청에 들어 있는 키로 평가했습니다: {known}, 그리고 현재 시각의 "
        "aws:CurrentTime, aws:EpochTime, aws:TokenIssueTime. doctor가 알 수 없는 키: {unknown}. "
        "이 중 하나에 달린 호출은 그렇다고 표시합니다.",
    "Permissions boundary {arn} is applied to every call above.":
        "위의 모든 호출에는 권한 경계가 적용됩니다: {arn}.",
    "Service control policies and resource control policies of an organization are not read; "
    "they can deny more.":
        "조직의 서비스 제어 정책과 리소스 제어 정책은 읽지 않습니다. 이 정책들이 더 거부할 수 있습니다.",
    "outside IAM, not evaluated: the instance must reach the instance metadata and the Amazon "
    "ECS endpoints; behind an HTTP proxy, set NO_PROXY=169.254.169.254,169.254.170.2,"
    "/var/run/docker.sock in /etc/ecs/ecs.config and the Docker daemon's environment":
        "IAM 밖의 일이라 평가하지 않았습니다. 인스턴스는 인스턴스 메타데이터와 Amazon ECS 엔드포인트에 "
        "닿아야 합니다. HTTP 프록시 뒤에 있다면 /etc/ecs/ecs.config와 Docker 데몬의 환경에 "
        "NO_PROXY=169.254.169.254,169.254.170.2,/var/run/docker.sock을 설정하십시오",
    "outside IAM, not evaluated: the instance must reach the instance metadata and the Amazon "
    "ECS endpoints; behind an HTTP proxy, the Systems Manager Agent and the container agent need "
    "the proxy for the AWS endpoints":
        "IAM 밖의 일이라 평가하지 않았습니다. 인스턴스는 인스턴스 메타데이터와 Amazon ECS 엔드포인트에 "
        "닿아야 합니다. HTTP 프록시 뒤에 있다면 Systems Manager Agent와 컨테이너 에이전트가 AWS "
        "엔드포인트에 프록시를 거쳐 닿아야 합니다",
    "check: {command}": "확인: {command}",
    "{policy} scopes {actions} to named resources, but {by} allows them on every resource (*): "
    "effective permissions are the union of all policies, so the scoped grant narrows nothing":
        "{policy} 정책은 {actions}의 범위를 이름을 지정한 리소스로 좁히지만, {by}에서 모든 리소스(*)에 대해 "
        "허용합니다. "
        "유효 권한은 모든 정책의 합집합이므로 범위를 좁힌 허용은 아무것도 좁히지 못합니다",
    "to narrow them, the broad grant must go (for AmazonEC2ContainerServiceforEC2Role: a customer "
    "managed copy, which then no longer follows AWS's updates)":
        "좁히려면 넓은 허용을 없애야 합니다 (AmazonEC2ContainerServiceforEC2Role이라면 고객 관리형 "
        "복사본으로 바꾸는데, 그러면 AWS의 업데이트를 더 이상 따르지 않습니다)",
})

#: The audit's doctor row (its summary; the doctor's own per-call reasons have no Korean yet).
KO.update({
    "{policy} was deleted since the role's policies were listed: the calls below are evaluated "
    "without it, as IAM now does":
        "{policy}은(는) 역할의 정책 목록을 읽은 뒤 삭제되었습니다: 아래 호출은 IAM이 지금 하듯 그 정책 없이 "
        "평가됩니다",
    "{policy} was deleted since the role was read: the guide cannot tell what it caps; run the "
    "doctor again":
        "{policy}은(는) 역할을 읽은 뒤 삭제되었습니다: 가이드는 그것이 무엇을 제한하는지 알 수 없습니다. "
        "doctor를 다시 실행하십시오",
    "role {role} was deleted while the doctor read it": "역할 {role}은(는) doctor가 읽는 동안 삭제되었습니다",
    "inline policy {name}": "인라인 정책 {name}", "permissions boundary {name}": "권한 경계 {name}",
    "{when}: depends on {keys}: the instance's request carries it, but the doctor cannot know "
    "the value ({error}); ask IAM's simulator with the value (target='aws')":
        "{when}: {keys}에 달려 있습니다: 인스턴스의 요청에 들어 있지만 doctor는 그 값을 알 수 "
        "없습니다({error}). 그 값으로 IAM 정책 시뮬레이터에 물어보십시오(target='aws')",
    "no activation yet: the next step after the role (aws ssm create-activation --iam-role "
    "{role})":
        "아직 활성화가 없습니다. 역할 다음 단계입니다(aws ssm create-activation --iam-role {role})",
    "the activations could not be read ({err}): which role an activation names is not shown":
        "활성화를 읽을 수 없었습니다({err}): 활성화가 어느 역할을 지정하는지는 보이지 않습니다",
    "no activation names role {role}; the activations name {others}: an instance registered "
    "with one of them gets that role, not this one":
        "역할 {role}을(를) 지정한 활성화가 없습니다. 활성화에는 {others}이(가) 지정되어 있습니다: "
        "그 활성화로 등록된 인스턴스는 이 역할이 아니라 그 역할을 받습니다",
    # merged from main: the identity's stand-ins, IAM's answer for E3/E5, the trunking table
    "The sandbox (moto) answers GetPolicy with the ARN as written: {answer}":
        "샌드박스(moto)가 페이지에 적힌 ARN으로 GetPolicy에 답한 것: {answer}",
    "IAM answers GetPolicy with the ARN as written: {answer}":
        "IAM이 페이지에 적힌 ARN으로 GetPolicy에 답한 것: {answer}",
    "accepted it (a policy by that ARN exists)": "받아들였습니다(그 ARN의 정책이 있음)",
    "Sandbox: {limit}. {note}": "샌드박스: {limit}. {note}",
})

#: Texts of the sandbox's limits table and the form's views.
KO.update({
    "a snapshot: the live form needs a running kernel.": "스냅샷입니다: 살아 있는 양식에는 실행 중인 커널이 필요합니다.",
    "undo {step} ...": "{step} 되돌리는 중 ...",
    # least_privilege_table and trunking_settings
    "role": "역할", "yes": "예", "no": "아니요",
    "enabled": "enabled", "disabled": "disabled",
    "On AWS the setting is per principal: only the role that asked for it is enabled.":
        "AWS에서 이 설정은 보안 주체별입니다: 요청한 역할에만 활성화됩니다.",
})


#: Placeholders that stand for a narrower kind of text than "anything".
_SHAPES = {
    "files": r"[\w.-]+\.json(?: and [\w.-]+\.json)*",
    "role": r"[\w+=,.@-]+", "profile": r"[\w+=,.@-]+", "name": r"[\w+=,.@-]+",  # IAM names
    "bucket": r"[a-z0-9.-]+", "n": r"\d+", "seconds": r"[\d.]+", "arn": r"\S+", "key": r"\S+",
    "reads": r"\d+", "writes": r"\d+", "retries": r"\d+", "verb": r"apply|audit|teardown",
}


def _regex(template: str) -> re.Pattern:
    pattern = ""
    for piece in re.split(r"(\{\{|\}\}|\{\w+\})", template):
        if piece in ("{{", "}}"):
            pattern += re.escape(piece[0])
        elif re.fullmatch(r"\{\w+\}", piece):
            name = piece[1:-1]
            pattern += f"(?P<{name}>{_SHAPES.get(name, '.*?')})"
        else:
            pattern += re.escape(piece)
    return re.compile(pattern, re.DOTALL)


@lru_cache(maxsize=1)
def _table() -> dict[str, str]:
    """:data:`KO` and the Korean each feature module gives for its own phrases."""
    return {**KO, **{en: ko for f in REGISTRY for en, ko in f.korean.items()}}


@lru_cache(maxsize=1)
def _templates() -> list[tuple[re.Pattern, str]]:
    # The template that spells out more of the text is tried first ("{key} was changed"
    # loses to "inline policy {name} was changed"; "{n} on {m}" would lose to anything).
    table = _table()
    items = sorted((t for t in table if re.search(r"\{\w+\}", t)),
                   key=lambda t: len(re.sub(r"\{\w+\}", "", t)), reverse=True)
    return [(_regex(t), table[t]) for t in items]


def _counts(text: str) -> str:
    """``"4 created, 1 unchanged"`` as ``"생성됨 4, 변경 없음 1"``."""
    parts = [p.split(" ", 1) for p in text.split(", ")]
    if all(len(p) == 2 and p[0].isdigit() and p[1] in OUTCOMES for p in parts):
        return ", ".join(f"{OUTCOMES[o]} {n}" for n, o in parts)
    return text


#: Placeholders whose values are words of their own kind rather than messages.
_VALUES = {"counts": _counts, "verb": lambda v: WORDS[v], "target": lambda v: WORDS.get(v, v)}


def _labels(text: str) -> str:
    return re.sub(r"\[\[(.+?)\]\]", lambda m: CONSOLE_LABELS[m.group(1)][0], text)


def _one(text: str) -> str | None:
    """``text`` in Korean if one template matches all of it, else ``None``."""
    if text in _table():
        return settle(_labels(_table()[text]))
    for regex, korean in _templates():
        match = regex.fullmatch(text)
        if match:
            values = {k: _VALUES[k](v) if k in _VALUES else tr(v, "ko")
                      for k, v in match.groupdict().items()}
            return settle(_labels(korean).format(**values))
    return None


def _split(text: str) -> list[str]:
    """``text`` split at each ``"; "`` outside brackets (a message may hold one inside)."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += (char in "([{") - (char in ")]}")
        if depth == 0 and text.startswith("; ", index):
            parts.append(text[start:index])
            start = index + 2
    return [*parts, text[start:]]


def tr(text: str, lang: str = "ko") -> str:
    """``text`` in ``lang``: English is returned as it is; a message made by
    :func:`~ecsrole_lib.i18n.catalog.message` from the Korean catalog, by its id; any
    other text from :data:`KO`.

    A text no template matches, whole or as ``"; "``-separated parts, comes back
    as it is (:func:`untranslated` finds it).
    """
    if lang != "ko" or not text or not isinstance(text, str):
        return text
    if isinstance(text, Message):  # by id, from the Korean catalog (catalog.py)
        return render(text, lang)
    found = _one(text)
    if found is not None:
        return found
    if "; " in text:
        parts = _split(text)
        done = [_one(p) for p in parts]
        if any(d is not None for d in done):
            return "; ".join(d if d is not None else p for d, p in zip(done, parts))
    if "\n" in text:
        return "\n".join(tr(line, lang) for line in text.split("\n"))
    return text


def comments(script: str, lang: str = "ko") -> str:
    r"""``script`` with its comment lines (``# ...``) in ``lang``, its commands as they are.

    >>> print(comments("# or, as a launch template:\naws ec2 create-launch-template", "ko"))
    # 또는 시작 템플릿으로:
    aws ec2 create-launch-template
    """
    return "\n".join(tr(line, lang) if line.startswith("# ") else line for line in script.split("\n"))


#: Three or more English words in a row: a sentence left in English.
_ENGLISH = re.compile(r"(?<![\w:/.=-])[A-Za-z]{2,}(?:[ ,]+[a-z]{2,}){2,}(?![\w/-])")
#: What stays English in Korean text: product names, commands, code, and AWS's own answers
#: (an error code and its message, as AWS wrote them).
_KEEP = re.compile(r"Amazon [A-Z][\w ]*|AWS [A-Z][\w ]*|Elastic Container Service|Systems Manager"
                   r"|CloudWatch Logs|aws [a-z0-9-]+ [\w-]+[^\n]*|`[^`]*`"
                   r"|\b(?:[A-Z][a-z]+){2,}: [^\n]*")


def untranslated(text: str) -> list[str]:
    """The English sentences in ``text`` (product names and commands not counted).

    >>> untranslated("역할 ecsInstanceRole이(가) 아직 없습니다")
    []
    """
    rest = _KEEP.sub(" ", text)
    pieces = []
    for piece in re.split(r"; |\n", rest):
        if _ENGLISH.search(piece):
            pieces.append(piece.strip())
    return pieces
