# ruff: noqa: B018 - the last expression of a cell is what the notebook displays
# The source of a notebook: tools/build_notebooks.py writes and executes it (make notebooks).
# %% [markdown]
# # 03 · External instances: the Amazon ECS Anywhere role
#
# Amazon Elastic Container Service (Amazon ECS) Anywhere runs Amazon ECS tasks on your own
# servers and virtual machines: *external instances*. The page's IMPORTANT note applies: an
# external instance's role needs AWS Systems Manager permissions too, because Systems Manager
# registers the machine and hands it credentials.
#
# The differences from the Amazon Elastic Compute Cloud (Amazon EC2) role of
# `01_container_instance_role`:
#
# - **Who assumes the role.** Systems Manager (`ssm.amazonaws.com`), not Amazon EC2. The trust
#   policy carries two conditions, `aws:SourceAccount` and `aws:SourceArn`, so that only this
#   account's Systems Manager can assume it (the *confused deputy* protection).
# - **No instance profile.** Instance profiles are how Amazon EC2 hands a role to an instance; an
#   external instance gets its credentials through Systems Manager instead.
# - **Two managed policies.** `AmazonSSMManagedInstanceCore` for Systems Manager, and
#   `AmazonEC2ContainerServiceforEC2Role` for the container agent, as on Amazon EC2.
# - **Next comes an activation.** A Systems Manager activation (a code and an ID) registers one
#   machine. The guide shows the command; it does not run it, because an activation is for a real
#   machine (and the sandbox does not implement activations).

# %% [markdown] lang=ko
# # 03 · 외부 인스턴스: Amazon ECS Anywhere 역할
#
# Amazon Elastic Container Service(Amazon ECS) Anywhere는 Amazon ECS 작업을 사용자의 서버와 가상
# 머신에서 실행합니다. 이것이 *외부 인스턴스*입니다. 여기에는 페이지의 중요 참고가 적용됩니다. 외부
# 인스턴스의 역할에는 AWS Systems Manager 권한도 필요합니다. Systems Manager가 머신을 등록하고
# 자격 증명을 넘겨주기 때문입니다.
#
# `01_container_instance_role`의 Amazon Elastic Compute Cloud(Amazon EC2) 역할과 다른 점은 다음과
# 같습니다.
#
# - **누가 역할을 수임하는가.** Amazon EC2가 아니라 Systems Manager(`ssm.amazonaws.com`)입니다.
#   신뢰 정책에는 `aws:SourceAccount`, `aws:SourceArn` 두 조건이 있습니다. 이 조건으로 이 계정의
#   Systems Manager만 역할을 수임할 수 있습니다(*혼동된 대리자* 방지).
# - **인스턴스 프로파일이 없습니다.** 인스턴스 프로파일은 Amazon EC2가 인스턴스에 역할을 넘겨주는
#   방법입니다. 외부 인스턴스는 그 대신 Systems Manager를 통해 자격 증명을 받습니다.
# - **관리형 정책 2개.** Systems Manager에는 `AmazonSSMManagedInstanceCore` 정책을, 컨테이너
#   에이전트에는 Amazon EC2에서와 같이 `AmazonEC2ContainerServiceforEC2Role` 정책을 씁니다.
# - **다음은 활성화입니다.** Systems Manager 활성화(코드와 ID)는 머신 하나를 등록합니다. 이 가이드는
#   명령을 보여 주기만 하고 실행하지는 않습니다. 활성화는 실제 머신을 위한 것이기 때문입니다(샌드박스도
#   활성화를 구현하지 않습니다).

# %% tags=["parameters"]
target: str = "sandbox"  # "sandbox" (embedded moto server, no account) or "aws" (standard credential chain)
region: str = "us-east-1"  # AWS Region of the session, the trust conditions and the activation
role_name: str = "ecsAnywhereRole"  # the external instance role, named as the documentation names it
method: str = "console"  # "console" applies through the library; "cli" runs the AWS CLI commands with the real aws
dry_run: bool = False  # True: read only; shows the caller, the plan and what apply would do
lang: str = "en"  # "en" or "ko": language of step titles, console click paths, reports and notes
show_answers: bool = False  # True: every "check your understanding" answer shows (a headless run)

# %%
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.notebook.quiz import Question
from ecsrole_lib.notebook.views import sandbox_limits

form = RoleForm(target=target, region=region, role_name=role_name, instance_kind="external",
                method=method, dry_run=dry_run, lang=lang)
form

# %% [markdown]
# ## Who and where, and the plan

# %% [markdown] lang=ko
# ## 누가, 어디에서, 그리고 계획

# %%
form.whoami()

# %%
form.plan()

# %% [markdown]
# ## Create the role, trusted by Systems Manager
#
# The console's use case is *Systems Manager*; the two conditions are added afterwards on the
# role's **Trust relationships** tab. The AWS Command Line Interface (AWS CLI) writes them in the trust policy file from the
# start.
#
# **The confused deputy.** A *confused deputy* is a more-privileged party that is made to act
# for someone who has no permission to ask it directly. Systems Manager is such a deputy: one
# service acting for every AWS customer. A trust policy that names only `ssm.amazonaws.com`
# trusts Systems Manager whatever request it is working on, so nothing in the role would stop
# Systems Manager, tricked into acting for a request that came from another account, from
# assuming your role. The two conditions tie the trust to your own requests:
# `aws:SourceAccount` is the account Systems Manager acts for, and must be yours;
# `aws:SourceArn` is the Systems Manager resource it acts for, and must be one of your account's
# (`arn:aws:ssm:<region>:<account>:*`). (`iam:PassRole` already keeps another account from
# naming your role in its own activation; the conditions protect the role itself.)

# %% [markdown] lang=ko
# ## 역할 생성: 신뢰할 수 있는 엔터티는 Systems Manager
#
# 콘솔에서는 사용 사례로 *Systems Manager*를 선택하고, 두 조건은 나중에 역할의 **신뢰 관계** 탭에서
# 추가합니다. AWS Command Line Interface(AWS CLI)에서는 처음부터 신뢰 정책 파일에 두 조건을 적습니다.
#
# **혼동된 대리자.** *혼동된 대리자*는 권한이 더 많은 쪽입니다. 자신에게 직접 요청할 권한이 없는
# 누군가를 위해 행동하도록 이용당합니다. Systems Manager가 바로 그런 대리자입니다. 서비스 하나가 모든
# AWS 고객을 위해 행동하기 때문입니다. `ssm.amazonaws.com`만 지정한 신뢰 정책은 Systems Manager가
# 어떤 요청을 처리하고 있든 Systems Manager를 신뢰합니다. 그래서 Systems Manager가 속아서 다른 계정의
# 요청을 위해 사용자의 역할을 수임하려 해도, 역할에는 이를 막는 것이 없습니다. 두 조건은 신뢰를
# 사용자 자신의 요청에 묶습니다. `aws:SourceAccount`는 Systems Manager가 대신 행동하는 계정이며,
# 사용자의 계정이어야 합니다. `aws:SourceArn`은 Systems Manager가 대신 행동하는 Systems Manager
# 리소스이며, 사용자 계정의 리소스(`arn:aws:ssm:<region>:<account>:*`)여야 합니다.
# (다른 계정이 자신의 활성화에 사용자의 역할을 지정하는 것은 이미 `iam:PassRole` 권한이 막습니다. 두
# 조건은 역할 자체를 보호합니다.)

# %%
form.step("create_role")

# %%
Question("q_confused_deputy", show_answers=show_answers, lang=lang)

# %% [markdown]
# ## The Systems Manager permissions

# %% [markdown] lang=ko
# ## Systems Manager 권한

# %%
form.step("attach_ssm_managed_instance_core")

# %% [markdown]
# ## The container agent's permissions, as on Amazon EC2

# %% [markdown] lang=ko
# ## 컨테이너 에이전트 권한: Amazon EC2에서와 같습니다

# %%
form.step("attach_managed_policy")

# %% [markdown]
# ## Next: the activation
#
# With the role in place, `aws ssm create-activation` returns an activation code and ID. On the
# external machine, the ECS Anywhere install script (`ecs-anywhere-install.sh`) takes them, with
# the Region and the cluster name, registers the machine with Systems Manager, and starts the
# container agent. The plan shows the command and runs nothing.

# Whoever creates the activation passes the role to Systems Manager, so they need
# `iam:PassRole` on it, as whoever launches Amazon EC2 instances with an instance profile does.

# %% [markdown] lang=ko
# ## 다음 단계: 활성화
#
# 역할이 준비되면 `aws ssm create-activation` 명령이 활성화 코드와 ID를 반환합니다. 외부 머신에서는
# ECS Anywhere 설치 스크립트(`ecs-anywhere-install.sh`)가 이 코드와 ID를 리전, 클러스터 이름과 함께
# 받습니다. 스크립트는 머신을 Systems Manager에 등록하고 컨테이너 에이전트를 시작합니다. 계획은 명령을
# 보여 주기만 하고 아무것도 실행하지 않습니다.
#
# 활성화를 생성하는 사람은 역할을 Systems Manager에 전달합니다. 따라서 그 역할에 대한
# `iam:PassRole` 권한이 필요합니다. 인스턴스 프로파일로 Amazon EC2 인스턴스를 시작하는 사람과
# 같습니다.

# %%
form.step("create_activation")

# %% [markdown]
# ## Apply
#
# The next cell does exactly what the form's button does, from the form's values.

# %% [markdown] lang=ko
# ## 적용
#
# 다음 셀은 양식의 버튼과 똑같은 일을 양식의 값으로 수행합니다.

# %% tags=["summary"]
form.run()

# %% [markdown]
# ## What the target holds now
#
# Systems Manager is the trusted principal; there is no instance profile: the external instance
# registers with Systems Manager instead.

# %% [markdown] lang=ko
# ## 이제 대상에 있는 것
#
# 역할이 신뢰하는 보안 주체는 Systems Manager입니다. 인스턴스 프로파일은 없습니다. 외부 인스턴스는
# 그 대신 Systems Manager에 등록합니다.

# %%
form.picture()

# %% [markdown]
# ## What the sandbox cannot show

# %% [markdown] lang=ko
# ## 샌드박스가 보여 줄 수 없는 것

# %%
sandbox_limits("iam_names", "ssm_activation", lang=lang)
