# The source of a notebook: tools/build_notebooks.py writes and executes it (make notebooks).
# %% [markdown]
# # 03 · External instances: the Amazon ECS Anywhere role
#
# Amazon Elastic Container Service (Amazon ECS) Anywhere runs Amazon ECS tasks on your own
# servers and virtual machines: *external instances*. The page's IMPORTANT note applies: an
# external instance's role needs AWS Systems Manager permissions too, because Systems Manager
# registers the machine and hands it credentials. The differences from the Amazon Elastic
# Compute Cloud (Amazon EC2) role of `01_container_instance_role`:
#
# - **Who assumes the role:** Systems Manager (`ssm.amazonaws.com`), not Amazon EC2.
# - **No instance profile:** that is how Amazon EC2 hands a role to an instance; an external
#   instance gets its credentials through Systems Manager.
# - **Two managed policies:** `AmazonSSMManagedInstanceCore` for Systems Manager and
#   `AmazonEC2ContainerServiceforEC2Role` for the container agent, as on Amazon EC2.
# - **Next comes an activation**, which registers one real machine: shown, not run.

# %% [markdown] lang=ko
# # 03 · 외부 인스턴스: Amazon ECS Anywhere 역할
#
# Amazon Elastic Container Service(Amazon ECS) Anywhere는 Amazon ECS 작업을 사용자의 서버와 가상
# 머신에서 실행합니다. 이것이 *외부 인스턴스*입니다. 여기에는 페이지의 중요 참고가 적용됩니다. 외부
# 인스턴스의 역할에는 AWS Systems Manager 권한도 필요합니다. Systems Manager가 머신을 등록하고
# 자격 증명을 넘겨주기 때문입니다. `01_container_instance_role`의 Amazon Elastic Compute
# Cloud(Amazon EC2) 역할과 다른 점은 다음과 같습니다.
#
# - **역할을 수임하는 주체:** Amazon EC2가 아니라 Systems Manager(`ssm.amazonaws.com`)입니다.
# - **인스턴스 프로파일 없음:** 인스턴스 프로파일은 Amazon EC2가 인스턴스에 역할을 넘겨주는
#   방법입니다. 외부 인스턴스는 Systems Manager를 통해 자격 증명을 받습니다.
# - **관리형 정책 2개:** Systems Manager용 `AmazonSSMManagedInstanceCore`와, Amazon EC2에서와 같은
#   컨테이너 에이전트용 `AmazonEC2ContainerServiceforEC2Role`입니다.
# - **다음은 활성화입니다.** 활성화는 실제 머신 하나를 등록하므로 명령을 보여 주기만 하고 실행하지
#   않습니다.

# %% tags=["parameters"]
target: str = "sandbox"  # "sandbox" (embedded moto server, no account) or "aws" (standard credential chain)
region: str = "us-east-1"  # AWS Region of the session, the trust conditions and the activation
role_name: str = "ecsAnywhereRole"  # the external instance role, named as the documentation names it
method: str = "console"  # "console" applies through the library; "cli" runs the AWS CLI commands with the real aws
dry_run: bool = False  # True: read only; shows the caller, the plan and what apply would do
lang: str = "en"  # "en" or "ko": language of step titles, console click paths, reports and notes
show_answers: bool = False  # True: every "check your understanding" answer shows (a headless run)

# %% lang=ko tags=["parameters"]
target: str = "sandbox"  # "sandbox"(내장 moto 서버, 계정 불필요) 또는 "aws"(표준 자격 증명 체인)
region: str = "us-east-1"  # 세션, 신뢰 정책의 조건과 활성화의 AWS 리전
role_name: str = "ecsAnywhereRole"  # 외부 인스턴스 역할(설명서가 쓰는 이름)
method: str = "console"  # "console"은 라이브러리로 적용하고, "cli"는 실제 aws로 AWS CLI 명령을 실행합니다
dry_run: bool = False  # True이면 읽기만 합니다. 호출자, 계획, apply가 할 일을 보여 줍니다
lang: str = "ko"  # "en" 또는 "ko": 단계 제목, 콘솔 클릭 경로, 보고서와 참고 사항의 언어
show_answers: bool = False  # True이면 "이해도 확인"의 답을 모두 보여 줍니다(papermill 등으로 자동 실행할 때)

# %% [markdown]
# ## Who and where, and the plan
#
# The console steps are those of 01 with the *Systems Manager* use case, and both managed
# policies chosen at step 6; the AWS Command Line Interface (AWS CLI) attaches them one by one.

# %% [markdown] lang=ko
# ## 누가, 어디에서, 그리고 계획
#
# 콘솔 단계는 01과 같지만 사용 사례로 *Systems Manager*를 선택하고, 6단계에서 관리형 정책 2개를 모두
# 선택합니다. AWS Command Line Interface(AWS CLI)에서는 두 정책을 하나씩 연결합니다.

# %%
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.notebook.quiz import Question

form = RoleForm(target=target, region=region, role_name=role_name, instance_kind="external",
                method=method, dry_run=dry_run, lang=lang)
form.whoami()

# %%
form.plan()

# %% [markdown]
# ## The trust policy and the confused deputy
#
# A *confused deputy* is a more-privileged party made to act for someone who may not ask it
# directly. Systems Manager acts for every AWS customer, so a trust policy that names only
# `ssm.amazonaws.com` would let it assume your role for a request from another account. Two
# conditions tie the trust to your own requests: `aws:SourceAccount` (the account Systems
# Manager acts for) and `aws:SourceArn` (the Systems Manager resource, one of your account's).
# The AWS CLI writes them in `instance-role-trust-policy.json` from the start (here with the
# page's example account); in the console you add them afterwards, on the role's **Trust
# relationships** tab:
#
# ```json
# {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
#   "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:AssumeRole",
#   "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"},
#                 "ArnLike": {"aws:SourceArn": "arn:aws:ssm:us-east-1:111122223333:*"}}}]}
# ```

# %% [markdown] lang=ko
# ## 신뢰 정책과 혼동된 대리자
#
# *혼동된 대리자*는 자신에게 직접 요청할 권한이 없는 누군가를 위해 행동하도록 이용당하는, 권한이 더
# 많은 쪽입니다. Systems Manager는 모든 AWS 고객을 위해 행동합니다. 그래서 `ssm.amazonaws.com`만
# 지정한 신뢰 정책은 다른 계정에서 온 요청을 위해서도 Systems Manager가 사용자의 역할을 수임하게
# 합니다. 두 조건은 신뢰를 사용자 자신의 요청에 묶습니다. `aws:SourceAccount`는 Systems Manager가
# 대신 행동하는 계정이고, `aws:SourceArn`은 사용자 계정의 Systems Manager 리소스입니다. AWS CLI에서는
# 처음부터 `instance-role-trust-policy.json`에 두 조건을 적습니다(여기서는 페이지의 예시 계정). 콘솔에서는
# 나중에 역할의 **신뢰 관계** 탭에서 추가합니다.
#
# ```json
# {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
#   "Principal": {"Service": "ssm.amazonaws.com"}, "Action": "sts:AssumeRole",
#   "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"},
#                 "ArnLike": {"aws:SourceArn": "arn:aws:ssm:us-east-1:111122223333:*"}}}]}
# ```

# %%
Question("q_confused_deputy", show_answers=show_answers, lang=lang)

# %% [markdown]
# ## Next: the activation
#
# With the role in place, `aws ssm create-activation` (the plan's last step) returns an
# activation code and ID. On the external machine the ECS Anywhere install script
# (`ecs-anywhere-install.sh`) takes them, with the Region and the cluster name, registers the
# machine with Systems Manager and starts the container agent. Whoever creates the activation
# passes the role to Systems Manager, so they need `iam:PassRole` on it, as in 01.

# %% [markdown] lang=ko
# ## 다음 단계: 활성화
#
# 역할이 준비되면 `aws ssm create-activation`(계획의 마지막 단계)이 활성화 코드와 ID를 반환합니다.
# 외부 머신에서는 ECS Anywhere 설치 스크립트(`ecs-anywhere-install.sh`)가 이 코드와 ID를 리전,
# 클러스터 이름과 함께 받아 머신을 Systems Manager에 등록하고 컨테이너 에이전트를 시작합니다.
# 활성화를 생성하는 사람은 역할을 Systems Manager에 전달하므로, 01에서처럼 그 역할에 대한
# `iam:PassRole` 권한이 필요합니다.

# %% [markdown]
# ## Apply, and what the target holds
#
# This cell does what the form's **Apply** button does. In the picture, Systems Manager is the
# trusted principal and there is no instance profile.

# %% [markdown] lang=ko
# ## 적용, 그리고 대상에 있는 것
#
# 이 셀은 양식의 **적용** 버튼과 같은 일을 합니다. 그림에서 역할이 신뢰하는 보안 주체는 Systems
# Manager이고, 인스턴스 프로파일은 없습니다.

# %% tags=["summary"]
form.run()

# %%
form.picture()
