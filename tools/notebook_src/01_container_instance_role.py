# ruff: noqa: B018 - the last expression of a cell is what the notebook displays
# The source of a notebook: tools/build_notebooks.py writes and executes it (make notebooks).
# %% [markdown]
# # 01 · The Amazon ECS container instance IAM role
#
# Amazon Elastic Container Service (Amazon ECS) runs its container agent on every
# container instance: an Amazon Elastic Compute Cloud (Amazon EC2) instance, or an external
# instance registered with Amazon ECS Anywhere. The agent calls AWS APIs on your behalf, so
# it needs an AWS Identity and Access Management (IAM) role: the role tells Amazon ECS that
# the agent belongs to you. The same role gives the agent and the Docker daemon their
# permissions.
#
# This notebook creates that role, `ecsInstanceRole`, the way the AWS documentation page
# *Amazon ECS container instance IAM role* does: its nine AWS Management Console steps and
# its five AWS Command Line Interface (AWS CLI) steps, each shown below.
#
# - **Create the role first.** The role exists before you launch an instance and register it
#   to a cluster. It lives in the account you use for the console or the AWS CLI.
# - **Attach the managed policy.** Amazon ECS provides `AmazonEC2ContainerServiceforEC2Role`
#   with everything the full Amazon ECS feature set needs. The page creates the role by hand
#   and attaches this policy, rather than copying its permissions, so that AWS can add
#   permissions for future features to the policy.
# - **External instances** (Amazon ECS Anywhere) need AWS Systems Manager permissions too:
#   see `03_ecs_anywhere`.
#
# By default everything runs on the embedded sandbox, a local stand-in for AWS: no account
# and no credentials. The sandbox is a *moto* server: moto is an open-source library that
# answers the AWS APIs the way AWS does, from memory, on 127.0.0.1, so nothing reaches a real
# account. Each code cell calls one function of `ecsrole_lib` and shows what it returns; the
# teaching is in these Markdown cells.
#
# ### Three roles, three jobs
#
# Amazon ECS on Amazon EC2 uses three different IAM roles. This guide makes only the first.
#
# | role | who uses it | for what |
# | --- | --- | --- |
# | **container instance role** (`ecsInstanceRole`, this notebook) | the container agent and Docker on the instance | register the instance with the cluster, pull images, send logs |
# | **task execution role** | Amazon ECS, on behalf of one task | pull that task's image from a private Amazon ECR repository and send its logs with the `awslogs` driver (needed on AWS Fargate and external instances; on Amazon EC2 the container instance role can do both), read the secrets its task definition references |
# | **task role** | the application code in the task's containers | call AWS services the application needs, such as Amazon S3 |
#
# Give each task its own task role instead of widening the container instance role: the
# instance role serves every task on the instance, a task role only its own task.

# %% [markdown] lang=ko
# # 01 · Amazon ECS 컨테이너 인스턴스 IAM 역할
#
# Amazon Elastic Container Service(Amazon ECS)는 모든 컨테이너 인스턴스에서 컨테이너 에이전트를
# 실행합니다. 컨테이너 인스턴스는 Amazon Elastic Compute Cloud(Amazon EC2) 인스턴스이거나
# Amazon ECS Anywhere로 등록한 외부 인스턴스입니다. 에이전트는 사용자를 대신하여 AWS API를
# 호출하므로 AWS Identity and Access Management(IAM) 역할이 필요합니다. 이 역할은 에이전트가
# 사용자에게 속한다는 것을 Amazon ECS에 알립니다. 에이전트와 Docker 대몬의 권한도 같은 역할이
# 제공합니다.
#
# 이 노트북은 AWS 설명서 페이지 *Amazon ECS 컨테이너 인스턴스 IAM 역할*과 같은 방법으로 이
# 역할, `ecsInstanceRole`을 생성합니다. 페이지에 나오는 AWS Management Console 9단계와
# AWS Command Line Interface(AWS CLI) 5단계를 아래에서 하나씩 보여 줍니다.
#
# - **역할을 먼저 생성합니다.** 인스턴스를 시작해 클러스터에 등록하기 전에 역할이 있어야
#   합니다. 역할은 콘솔이나 AWS CLI에 사용하는 계정에 생성됩니다.
# - **관리형 정책을 연결합니다.** Amazon ECS는 전체 Amazon ECS 기능 세트에 필요한 권한이 모두
#   포함된 `AmazonEC2ContainerServiceforEC2Role` 정책을 제공합니다. 페이지는 이 정책의 권한을
#   복사하지 않고, 수동으로 역할을 생성한 다음 이 정책을 연결합니다. 그래야 AWS가 향후 기능에
#   필요한 권한을 이 정책에 추가할 수 있습니다.
# - **외부 인스턴스**(Amazon ECS Anywhere)에는 AWS Systems Manager 권한도 필요합니다.
#   `03_ecs_anywhere` 노트북을 참조하세요.
#
# 기본적으로 이 노트북은 모두 내장 샌드박스에서 실행됩니다. 샌드박스는 AWS를 대신하는 로컬
# 환경이므로 계정도 자격 증명도 필요 없습니다. 이 샌드박스는 *moto* 서버입니다. moto는 AWS
# API에 AWS와 같은 방식으로 응답하는 오픈 소스 라이브러리입니다. 127.0.0.1에서 메모리만으로
# 응답하므로 실제 계정에는 아무것도 전달되지 않습니다. 각 코드 셀은 `ecsrole_lib`의 함수 하나를
# 호출하고 그 반환값을 보여 줍니다. 설명은 이 Markdown 셀에 있습니다.
#
# ### 세 가지 역할, 세 가지 용도
#
# Amazon EC2에서 실행되는 Amazon ECS는 서로 다른 IAM 역할 세 가지를 사용합니다. 이 가이드는
# 그중 첫 번째만 만듭니다.
#
# | 역할 | 사용 주체 | 용도 |
# | --- | --- | --- |
# | **컨테이너 인스턴스 역할**(`ecsInstanceRole`, 이 노트북) | 인스턴스의 컨테이너 에이전트와 Docker | 클러스터에 인스턴스 등록, 이미지 가져오기, 로그 전송 |
# | **작업 실행 역할** | 작업 하나를 대신하는 Amazon ECS | 프라이빗 Amazon ECR 리포지토리에서 해당 작업의 이미지를 가져오고 `awslogs` 드라이버로 로그 전송(AWS Fargate와 외부 인스턴스에서 필요하며, Amazon EC2에서는 컨테이너 인스턴스 역할이 둘 다 할 수 있음), 작업 정의가 참조하는 보안 암호 읽기 |
# | **작업 역할** | 작업의 컨테이너에서 실행되는 애플리케이션 코드 | Amazon S3 등 애플리케이션에 필요한 AWS 서비스 호출 |
#
# 컨테이너 인스턴스 역할의 권한을 넓히지 말고, 작업마다 고유한 작업 역할을 부여하세요.
# 인스턴스 역할은 인스턴스의 모든 작업에 쓰이지만, 작업 역할은 해당 작업에만 쓰입니다.

# %% [markdown]
# ## Parameters
#
# The next cell holds the parameters (tagged `parameters` for papermill).
# `papermill --help-notebook 01_container_instance_role.ipynb` lists them; for example
# `papermill 01_container_instance_role.ipynb out.ipynb -p method cli -p lang ko` runs the
# AWS CLI path in Korean. *papermill* is a tool that runs a notebook from the command line,
# with its parameters replaced by the values given with `-p`, and saves the executed copy:
# that is how the guide's tests and `make guide` run every notebook with nobody clicking.

# %% [markdown] lang=ko
# ## 파라미터
#
# 다음 셀에 파라미터가 있습니다(papermill용 `parameters` 태그가 붙어 있습니다).
# `papermill --help-notebook 01_container_instance_role.ipynb`로 파라미터 목록을 볼 수 있습니다.
# 예를 들어 `papermill 01_container_instance_role.ipynb out.ipynb -p method cli -p lang ko`는
# AWS CLI 경로를 한국어로 실행합니다. *papermill*은 명령줄에서 노트북을 실행하는 도구입니다.
# 노트북의 파라미터를 `-p`로 지정한 값으로 바꿔 실행하고, 실행된 사본을 저장합니다. 이 가이드의
# 테스트와 `make guide`는 이 방법으로 아무도 클릭하지 않고 모든 노트북을 실행합니다.

# %% tags=["parameters"]
target: str = "sandbox"  # "sandbox" (embedded moto server, no account) or "aws" (standard credential chain)
region: str = "us-east-1"  # AWS Region of the session and of the ARNs
role_name: str = "ecsInstanceRole"  # the container instance role, named as the page names it
instance_profile_name: str = ""  # "" means <role_name>-profile, as the AWS CLI steps name it
instance_kind: str = "ec2"  # "ec2" (Amazon EC2 instances) or "external" (Amazon ECS Anywhere, see 03)
method: str = "console"  # "console" applies through the library; "cli" runs the AWS CLI commands with the real aws
dry_run: bool = False  # True: read only; shows the caller, the plan and what apply would do
lang: str = "en"  # "en" or "ko": language of step titles, console click paths, reports and notes
show_answers: bool = False  # True: every "check your understanding" answer shows (a headless run)

# %% [markdown]
# ## The form
#
# The form is pre-filled from the parameters. It shows the plan for the current choices, and
# renders it again whenever a value changes: the **Plan** tab lists what is created, the
# **Console** tab the clicks, the **AWS CLI** tab the commands and the files they read.
# **Apply** runs the plan and shows the report below the button. With `method="console"` the
# library makes the API calls; with `method="cli"` the real `aws` executable runs the
# documented commands, as corrected, against the same target. Both end in the same state.

# %% [markdown] lang=ko
# ## 양식
#
# 양식은 파라미터 값으로 미리 채워져 있습니다. 양식은 현재 선택에 따른 계획을 보여 주고, 값이
# 바뀔 때마다 계획을 다시 표시합니다. **계획** 탭에는 생성되는 항목이, **콘솔** 탭에는 클릭
# 순서가, **AWS CLI** 탭에는 명령과 명령이 읽는 파일이 나옵니다. **적용**을 누르면 계획이
# 실행되고 버튼 아래에 보고서가 나타납니다. `method="console"`로 실행하면 라이브러리가 API를
# 호출합니다. `method="cli"`로 실행하면 실제 `aws` 실행 파일이 설명서의 명령을 바로잡은 형태로
# 같은 대상에 대해 실행합니다. 두 방법 모두 결과 상태는 같습니다.

# %%
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.notebook.quiz import Question
from ecsrole_lib.notebook.views import sandbox_limits

form = RoleForm(target=target, region=region, role_name=role_name,
                instance_profile_name=instance_profile_name, instance_kind=instance_kind,
                method=method, dry_run=dry_run, lang=lang)
form

# %% [markdown]
# ## Who and where
#
# Before anything else the notebook shows where it runs: the account and the caller's ARN.
# With `target="aws"` these are your account and your identity, from the standard credential
# chain (`AWS_PROFILE`, `AWS_REGION`, ...). With `dry_run=True` the notebook only reads from
# here on: apply reports what it would do.

# %% [markdown] lang=ko
# ## 누가, 어디에서
#
# 노트북은 가장 먼저 어디에서 실행되는지 보여 줍니다. 즉 계정과 호출자의 ARN입니다.
# `target="aws"`로 실행하면 표준 자격 증명 체인(`AWS_PROFILE`, `AWS_REGION`, ...)에서 가져온
# 사용자의 계정과 사용자의 자격 증명이 나옵니다. `dry_run=True`로 실행하면 노트북은 여기서부터
# 읽기만 합니다. 적용은 무엇을 할지만 보고합니다.

# %%
form.whoami()

# %% [markdown]
# ## The plan
#
# One plan drives everything in this guide: the console clicks and the AWS CLI commands you
# read, and the API calls apply makes. Each row is one documented step, in the page's order.

# %% [markdown] lang=ko
# ## 계획
#
# 이 가이드의 모든 것은 하나의 계획에서 나옵니다. 사용자가 읽는 콘솔 클릭과 AWS CLI 명령도,
# 적용이 수행하는 API 호출도 같은 계획을 따릅니다. 각 행은 설명서에 나오는 단계 하나이며,
# 페이지의 순서대로 나열됩니다.

# %%
form.plan()

# %% [markdown]
# The first column numbers the plan's steps; the console column keeps the page's own step
# numbers, so the two are never confused.

# %% [markdown] lang=ko
# 첫 번째 열은 계획의 단계 번호입니다. 콘솔 열에는 페이지의 단계 번호가 그대로 있으므로 두
# 번호가 헷갈리지 않습니다.

# %% [markdown]
# ## The console: nine steps
#
# 1. Sign in to the AWS Management Console and open the IAM console at
#    https://console.aws.amazon.com/iam/.
# 2. In the navigation pane, choose **Roles** (역할), then **Create role** (역할 생성).
# 3. For **Trusted entity type** (신뢰할 수 있는 엔터티 유형), choose **AWS service** (AWS 서비스).
# 4. For **Service or use case** (서비스 또는 사용 사례), choose **Elastic Container Service**, then
#    the use case **EC2 Role for Elastic Container Service** (Elastic Container Service의 EC2 역할).
# 5. Choose **Next** (다음).
# 6. In **Permissions policies** (권한 정책), make sure `AmazonEC2ContainerServiceforEC2Role` is
#    selected. It must be attached: without it, creating a cluster in the console shows an error.
# 7. Choose **Next** (다음).
# 8. For **Role name** (역할 이름), enter `ecsInstanceRole`.
# 9. Review the role, then choose **Create role** (역할 생성).
#
# The page titles this procedure "to create a service role for Elastic Container Service"
# (erratum E8): the role is assumed by Amazon EC2 for the instances, not by Amazon ECS.
#
# The plan groups them by what they produce: steps 1-4 and 8-9 create the role
# (`create_role`), steps 5-7 attach the managed policy (`attach_managed_policy`).
#
# ## The AWS CLI: five steps
#
# The page begins: "Replace all user input with your own values" (모든 사용자 입력을 고유한 값으로
# 바꿉니다): the role name, the instance profile name and, later, account ids and file names are
# examples. The form does this for you: every command below uses the values of the form.
#
# 1. Write the trust policy to `instance-role-trust-policy.json`.
# 2. `aws iam create-role` with that trust policy.
# 3. `aws iam create-instance-profile --instance-profile-name ecsInstanceRole-profile`. The page
#    shows its example response (응답의 예), an empty instance profile:
#
#    ```json
#    { "InstanceProfile": { "InstanceProfileId": "AIPAJTLBPJLEGREXAMPLE", "Roles": [],
#      "CreateDate": "2022-04-12T23:53:34.093Z", "InstanceProfileName": "ecsInstanceRole-profile",
#      "Path": "/", "Arn": "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole-profile" } }
#    ```
#
#    `Roles` is empty until step 4; the account in the example's `Arn` is the page's example
#    account, yours appears in its place.
# 4. `aws iam add-role-to-instance-profile` (erratum E1 is in the sentence above it).
# 5. `aws iam attach-role-policy` with `AmazonEC2ContainerServiceforEC2Role` (erratum E2 is in
#    the sentence above it).
#
# Each step follows, with its console clicks and its command side by side.

# %% [markdown] lang=ko
# ## 콘솔: 9단계
#
# 1. AWS Management Console에 로그인하여 https://console.aws.amazon.com/iam/ 에서 IAM 콘솔을
#    엽니다.
# 2. 탐색 창에서 **역할**을 선택한 다음 **역할 생성**을 선택합니다.
# 3. **신뢰할 수 있는 엔터티 유형**에서 **AWS 서비스**를 선택합니다.
# 4. **서비스 또는 사용 사례**에서 **Elastic Container Service**를 선택한 다음
#    **Elastic Container Service의 EC2 역할** 사용 사례를 선택합니다.
# 5. **다음**을 선택합니다.
# 6. **권한 정책**에서 `AmazonEC2ContainerServiceforEC2Role`이 선택되어 있는지 확인합니다. 이
#    정책은 반드시 연결되어야 합니다. 연결되지 않으면 콘솔에서 클러스터를 생성할 때 오류가
#    표시됩니다.
# 7. **다음**을 선택합니다.
# 8. **역할 이름**에 `ecsInstanceRole`을 입력합니다.
# 9. 역할을 검토한 다음 **역할 생성**을 선택합니다.
#
# 페이지는 이 절차에 "Elastic Container Service에 대한 서비스 역할을 생성하는 방법"이라는 제목을
# 붙였습니다(정오표 E8). 하지만 이 역할은 Amazon ECS가 아니라 Amazon EC2가 인스턴스를 위해
# 수임합니다.
#
# 계획은 이 단계들을 결과물별로 묶습니다. 1~4단계와 8~9단계는 역할을 생성하고(`create_role`),
# 5~7단계는 관리형 정책을 연결합니다(`attach_managed_policy`).
#
# ## AWS CLI: 5단계
#
# 페이지는 "모든 사용자 입력을 고유한 값으로 바꿉니다"라는 문장으로 시작합니다. 역할 이름,
# 인스턴스 프로파일 이름, 그리고 뒤에 나오는 계정 ID와 파일 이름은 예시라는 뜻입니다. 이 일은
# 양식이 대신합니다. 아래의 모든 명령은 양식의 값을 사용합니다.
#
# 1. 신뢰 정책을 `instance-role-trust-policy.json` 파일에 씁니다.
# 2. 그 신뢰 정책으로 `aws iam create-role` 명령을 실행합니다.
# 3. `aws iam create-instance-profile --instance-profile-name ecsInstanceRole-profile` 명령을
#    실행합니다. 페이지는 응답의 예로 빈 인스턴스 프로파일을 보여 줍니다.
#
#    ```json
#    { "InstanceProfile": { "InstanceProfileId": "AIPAJTLBPJLEGREXAMPLE", "Roles": [],
#      "CreateDate": "2022-04-12T23:53:34.093Z", "InstanceProfileName": "ecsInstanceRole-profile",
#      "Path": "/", "Arn": "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole-profile" } }
#    ```
#
#    `Roles`는 4단계 전까지 비어 있습니다. 예의 `Arn`에 있는 계정은 페이지의 예시 계정이며,
#    실제로는 그 자리에 사용자의 계정이 나타납니다.
# 4. `aws iam add-role-to-instance-profile` 명령을 실행합니다(정오표 E1은 이 명령 위의 문장에
#    있습니다).
# 5. `AmazonEC2ContainerServiceforEC2Role` 정책을 지정해 `aws iam attach-role-policy` 명령을
#    실행합니다(정오표 E2는 이 명령 위의 문장에 있습니다).
#
# 이어서 각 단계를 콘솔 클릭과 명령을 나란히 놓고 보여 줍니다.

# %% [markdown]
# ### Create the role with its trust policy (console steps 1-4 and 8-9; AWS CLI steps 1-2)
#
# The trust policy says who may assume the role. For an Amazon EC2 container instance that is
# Amazon EC2 itself, `ec2.amazonaws.com`: it assumes the role and hands its credentials to the
# instance, where the container agent uses them. In the console, choosing the *EC2 Role for
# Elastic Container Service* use case writes this trust policy for you.
#
# **Trust policy and permissions policy.** A role has two kinds of policy, and they answer two
# different questions:
#
# - the **trust policy** (`AssumeRolePolicyDocument`) says *who may become the role*: its
#   `Principal` is the one allowed to call `sts:AssumeRole`. A *principal* is whoever makes a
#   request to AWS: an IAM user or role, an account, or an AWS service such as
#   `ec2.amazonaws.com`. A role has exactly one trust policy.
# - the **permissions policies** say *what the role may do once assumed*: the actions, on which
#   resources. The role below gets them in the next steps (`AmazonEC2ContainerServiceforEC2Role`).
#
# A role that trusts the wrong principal is useless however many permissions it has: nobody
# who needs it can assume it.

# %% [markdown] lang=ko
# ### 신뢰 정책으로 역할 생성(콘솔 1~4단계와 8~9단계, AWS CLI 1~2단계)
#
# 신뢰 정책은 누가 역할을 수임할 수 있는지 정합니다. Amazon EC2 컨테이너 인스턴스에서는 Amazon
# EC2 자체, 즉 `ec2.amazonaws.com`이 그 대상입니다. Amazon EC2가 역할을 수임해 자격 증명을
# 인스턴스에 전달하고, 인스턴스의 컨테이너 에이전트가 그 자격 증명을 사용합니다. 콘솔에서는
# *Elastic Container Service의 EC2 역할* 사용 사례를 선택하면 이 신뢰 정책이 자동으로 작성됩니다.
#
# **신뢰 정책과 권한 정책.** 역할에는 두 종류의 정책이 있으며, 두 정책은 서로 다른 질문에
# 답합니다.
#
# - **신뢰 정책**(`AssumeRolePolicyDocument`)은 *누가 역할이 될 수 있는지*를 정합니다. 신뢰
#   정책의 `Principal`은 `sts:AssumeRole`을 호출할 수 있는 대상입니다. *보안 주체*란 AWS에
#   요청을 보내는 주체를 말합니다. IAM 사용자나 역할, 계정, 또는 `ec2.amazonaws.com` 같은 AWS
#   서비스가 보안 주체입니다. 역할에는 신뢰 정책이 정확히 하나 있습니다.
# - **권한 정책**은 *역할을 수임한 뒤 무엇을 할 수 있는지*, 즉 어떤 리소스에 대해 어떤
#   작업(Action)을 할 수 있는지를 정합니다. 아래 역할은 다음 단계에서
#   권한 정책(`AmazonEC2ContainerServiceforEC2Role`)을 받습니다.
#
# 신뢰하는 보안 주체가 잘못된 역할은 권한이 아무리 많아도 쓸모가 없습니다. 역할이 필요한 누구도
# 그 역할을 수임할 수 없기 때문입니다.

# %%
form.step("create_role")

# %%
Question("q_trust_vs_permissions", show_answers=show_answers, lang=lang)

# %% [markdown]
# ### The instance profile (AWS CLI steps 3 and 4)
#
# Amazon EC2 does not take a role directly: an instance is launched with an *instance
# profile*, a container that holds exactly one role. The two procedures of the page name it
# differently:
#
# - **The console** creates the instance profile silently at step 9 and names it after the role:
#   `ecsInstanceRole`. There is nothing to click.
# - **The AWS CLI** creates it explicitly (step 3) and the page names it
#   `ecsInstanceRole-profile`, then adds the role to it (step 4).
#
# Both work: at launch you choose the instance profile, and it carries the role. This guide
# follows the AWS CLI page and uses `<role_name>-profile`. If you made the role in the console,
# your instance profile is called like the role: pass `instance_profile_name="ecsInstanceRole"`
# to use that one.
#
# **Who may hand the role to an instance: `iam:PassRole`.** Whoever launches an instance with
# this instance profile (a person, an Auto Scaling group's launch template, a capacity
# provider's pipeline) passes the role to Amazon EC2. IAM checks that the caller has
# `iam:PassRole` on the role's ARN, besides `ec2:RunInstances` (and
# `ec2:AssociateIamInstanceProfile` to attach it to a running instance). Grant `iam:PassRole` on
# this role only, not on `*`: whoever may pass any role may give an instance more than they
# hold themselves.

# %% [markdown] lang=ko
# ### 인스턴스 프로파일(AWS CLI 3~4단계)
#
# Amazon EC2는 역할을 직접 받지 않습니다. 인스턴스는 *인스턴스 프로파일*을 지정해 시작하며,
# 인스턴스 프로파일은 역할을 정확히 하나 담는 컨테이너입니다. 페이지의 두 절차는 인스턴스
# 프로파일의 이름을 서로 다르게 붙입니다.
#
# - **콘솔**은 9단계에서 인스턴스 프로파일을 자동으로 생성하고, 역할과 같은 이름인
#   `ecsInstanceRole`을 붙입니다. 따로 클릭할 것은 없습니다.
# - **AWS CLI**는 인스턴스 프로파일을 명시적으로 생성하며(3단계), 페이지는 그 이름을
#   `ecsInstanceRole-profile`로 정합니다. 그런 다음 역할을 인스턴스 프로파일에 추가합니다(4단계).
#
# 두 방법 모두 작동합니다. 인스턴스를 시작할 때 인스턴스 프로파일을 선택하면 그 인스턴스
# 프로파일이 역할을 전달합니다. 이 가이드는 AWS CLI 절차를 따라 `<role_name>-profile` 이름을
# 사용합니다. 콘솔에서 역할을 만들었다면 인스턴스 프로파일의 이름은 역할과 같습니다. 그 인스턴스
# 프로파일을 사용하려면 `instance_profile_name="ecsInstanceRole"`로 지정하세요.
#
# **누가 역할을 인스턴스에 전달할 수 있는가: `iam:PassRole`.** 이 인스턴스 프로파일로 인스턴스를
# 시작하는 주체(사람, Auto Scaling 그룹의 시작 템플릿, 용량 공급자의 파이프라인)는 역할을
# Amazon EC2에 전달합니다. IAM은 호출자에게 `ec2:RunInstances` 권한(실행 중인 인스턴스에
# 연결하려면 `ec2:AssociateIamInstanceProfile` 권한도)과 함께, 역할 ARN에 대한 `iam:PassRole`
# 권한이 있는지 확인합니다. `iam:PassRole` 권한은 `*`가 아니라 이 역할에만 부여하세요. 아무
# 역할이나 전달할 수 있는 사람은 자신이 가진 것보다 많은 권한을 인스턴스에 줄 수 있습니다.

# %%
form.step("create_instance_profile")

# %%
Question("q_passrole", show_answers=show_answers, lang=lang)

# %% [markdown]
# The sentence above AWS CLI step 4 swaps the two names (erratum E1); the command itself is
# right: the role `ecsInstanceRole` goes into the instance profile `ecsInstanceRole-profile`.

# %% [markdown] lang=ko
# AWS CLI 4단계 위의 문장은 두 이름을 서로 바꿔 적었습니다(정오표 E1). 명령 자체는 올바릅니다.
# 역할 `ecsInstanceRole`이 인스턴스 프로파일 `ecsInstanceRole-profile`에 들어갑니다.

# %%
form.step("add_role_to_instance_profile")

# %% [markdown]
# ### Waiting for IAM
#
# IAM is *eventually consistent*: a change is accepted at once, but reaches every place that reads
# IAM only after a short delay, because IAM keeps copies of its data in many places around the
# world. A new instance profile takes a few seconds to become visible everywhere, and Amazon EC2
# may need about ten seconds more before an instance can launch with it. Reading right after a
# create can therefore answer "no such entity" for something that exists. Apply waits with IAM's own waiter (`aws iam wait instance-profile-exists` on the AWS CLI
# path), and the form shows the wait as progress below the button. Calls that meet IAM's
# `NoSuchEntity` right after a create are retried with backoff, up to a bound.

# %% [markdown] lang=ko
# ### IAM 기다리기
#
# IAM은 *최종 일관성*을 따릅니다. 변경은 즉시 접수되지만, IAM을 읽는 모든 곳에 반영되기까지는
# 잠시 시간이 걸립니다. IAM이 데이터의 사본을 전 세계 여러 곳에 두기 때문입니다. 새 인스턴스
# 프로파일이 모든 곳에서 보이기까지는 몇 초가 걸리고, Amazon EC2가 그 인스턴스 프로파일로
# 인스턴스를 시작할 수 있기까지 10초 정도가 더 걸릴 수 있습니다. 그래서 생성 직후에 읽으면
# 실제로 있는 항목인데도 그런 엔터티가 없다는 응답이 올 수 있습니다. 적용은 IAM이 제공하는 대기
# 기능(waiter)으로 기다립니다(AWS CLI 경로에서는 `aws iam wait instance-profile-exists`). 양식은
# 기다리는 과정을 버튼 아래에 진행 상황으로 보여 줍니다. 생성 직후 IAM의 `NoSuchEntity` 오류를
# 받은 호출은 정해진 한도까지 백오프하며 다시 시도합니다.

# %%
form.step("wait_instance_profile")

# %%
Question("q_eventual_consistency", show_answers=show_answers, lang=lang)

# %% [markdown]
# ### Attach the managed policy (console steps 5-7; AWS CLI step 5)
#
# The sentence above AWS CLI step 5 names `AmazonEC2ContainerServiceRoleForEC2Role`, a policy
# that does not exist (erratum E2); the command's ARN is right.
#
# **Three kinds of permissions policy.** The guide uses all three:
#
# | kind | who writes and updates it | where it lives | in this guide |
# | --- | --- | --- | --- |
# | **AWS managed** | AWS, which adds permissions as features arrive | `arn:aws:iam::aws:policy/...`, shared by every account | `AmazonEC2ContainerServiceforEC2Role`, `AmazonS3ReadOnlyAccess` |
# | **customer managed** | you; up to five versions, one of them the default | `arn:aws:iam::<your account>:policy/...`, attachable to many roles | `cwlogspolicy` (02) |
# | **inline** | you | inside one role, deleted with it | the least-privilege grants of 02 |
#
# The page attaches the AWS managed policy rather than copying it, so that AWS can extend it.
# It also offers the other way: "use the managed policy as a guide for a custom policy"
# (사용자 지정 정책을 생성할 때 관리형 정책을 가이드로 사용할 수 있습니다): copy its document
# into a customer managed policy and remove what your instances do not use. You then own the
# updates: a new Amazon ECS feature that needs a new permission will not get it by itself.

# %% [markdown] lang=ko
# ### 관리형 정책 연결(콘솔 5~7단계, AWS CLI 5단계)
#
# AWS CLI 5단계 위의 문장은 존재하지 않는 정책인 `AmazonEC2ContainerServiceRoleForEC2Role`을
# 가리킵니다(정오표 E2). 명령에 있는 ARN은 올바릅니다.
#
# **권한 정책의 세 가지 종류.** 이 가이드는 세 가지를 모두 사용합니다.
#
# | 종류 | 작성하고 업데이트하는 주체 | 위치 | 이 가이드에서 |
# | --- | --- | --- | --- |
# | **AWS 관리형** | AWS(기능이 추가될 때 권한을 추가함) | `arn:aws:iam::aws:policy/...`, 모든 계정이 공유 | `AmazonEC2ContainerServiceforEC2Role`, `AmazonS3ReadOnlyAccess` |
# | **고객 관리형** | 사용자(버전은 최대 5개이며 그중 하나가 기본 버전) | `arn:aws:iam::<your account>:policy/...`, 여러 역할에 연결 가능 | `cwlogspolicy`(02) |
# | **인라인** | 사용자 | 역할 하나의 내부, 역할과 함께 삭제됨 | 02의 최소 권한 부여 |
#
# 페이지는 AWS가 정책을 확장할 수 있도록 AWS 관리형 정책을 복사하지 않고 연결합니다. 다른 방법도
# 제시합니다. "사용자 지정 정책을 생성할 때 관리형 정책을 가이드로 사용할 수 있습니다". 즉 관리형
# 정책의 문서를 고객 관리형 정책에 복사한 다음, 인스턴스가 사용하지 않는 권한을 제거하는
# 방법입니다. 이때 업데이트는 사용자의 몫입니다. 새 권한이 필요한 Amazon ECS 기능이 새로 나와도
# 그 권한은 저절로 추가되지 않습니다.

# %%
form.step("attach_managed_policy")

# %%
Question("q_customer_managed_updates", show_answers=show_answers, lang=lang)

# %% [markdown]
# ## Apply
#
# The button in the form applies the plan. The next cell does exactly what the button does,
# from the form's current values, so a run where nobody clicks (papermill, `make guide`) takes
# the same path. Apply reads first, then writes only what differs: run it again and it writes
# nothing. Such an operation, which gives the same result however often it runs, is called
# *idempotent*.

# %% [markdown] lang=ko
# ## 적용
#
# 양식의 버튼은 계획을 적용합니다. 다음 셀은 양식의 현재 값으로 버튼과 똑같은 일을 합니다. 그래서
# 아무도 클릭하지 않는 실행(papermill, `make guide`)도 같은 경로를 거칩니다. 적용은 먼저 읽은 다음,
# 다른 부분만 씁니다. 다시 실행하면 아무것도 쓰지 않습니다. 이처럼 몇 번 실행해도 결과가 같은
# 동작을 *멱등*(idempotent) 동작이라고 합니다.

# %% tags=["summary"]
form.run()

# %% [markdown]
# ## What the target holds now
#
# The picture is read back from the target: who may assume the role, the instance profile that
# carries it, and its policies. Green is what the plan asks for and finds.

# %% [markdown] lang=ko
# ## 지금 대상에 있는 것
#
# 이 그림은 대상에서 다시 읽어 온 것입니다. 누가 역할을 수임할 수 있는지, 역할을 담은 인스턴스
# 프로파일, 그리고 역할의 정책을 보여 줍니다. 녹색은 계획이 요구하는 것 중 실제로 찾은 것입니다.

# %%
form.picture()

# %% [markdown]
# ## What the role's credentials can reach
#
# Amazon EC2 delivers the role's temporary credentials through the *instance metadata service*
# (IMDS), at `http://169.254.169.254/` on the instance. By default any process that can reach
# that address gets them, and that includes containers: a task in `bridge` network mode (Docker's
# own network on the instance) reaches the instance's metadata through the instance, so its code
# can call AWS with the container instance role, whatever its own task role says.
#
# To keep tasks to their own task roles:
#
# - **`awsvpc` tasks**: in the *`awsvpc`* network mode each task gets an elastic network
#   interface of its own (an *ENI*, see `04_eni_trunking`). An *ENI* is a virtual network card
#   in a VPC, with its own private IP address and security groups. Add
#   `ECS_AWSVPC_BLOCK_IMDS=true` to `/etc/ecs/ecs.config`, and the agent blocks these tasks'
#   access to the metadata service.
# - **`bridge` tasks**: require IMDSv2 (a session token for every metadata request) with a
#   response hop limit of 1 (`aws ec2 modify-instance-metadata-options --http-tokens required
#   --http-put-response-hop-limit 1`): the token cannot travel the extra network hop into a
#   container. Amazon ECS also documents an `iptables` rule on the instance that drops traffic
#   from Docker's bridge to `169.254.169.254`.
# - **`host` tasks** share the instance's network, and the agent itself needs the metadata
#   service: their access cannot be blocked, so avoid `host` mode for untrusted code.

# %% [markdown] lang=ko
# ## 역할의 자격 증명이 닿는 범위
#
# Amazon EC2는 역할의 임시 자격 증명을 *인스턴스 메타데이터 서비스*(IMDS)로 제공합니다. 이
# 서비스는 인스턴스의 `http://169.254.169.254/`에 있습니다. 기본적으로 이 주소에 접근할 수 있는
# 프로세스는 모두 자격 증명을 얻을 수 있으며, 컨테이너도 예외가 아닙니다. `bridge` 네트워크
# 모드(인스턴스에 있는 Docker 자체 네트워크)의 작업은 인스턴스를 거쳐 인스턴스의 메타데이터에
# 접근합니다. 따라서 작업 역할에 무엇이 지정되어 있든, 그 작업의 코드는 컨테이너 인스턴스 역할로
# AWS를 호출할 수 있습니다.
#
# 작업이 자신의 작업 역할만 사용하게 하려면 다음과 같이 합니다.
#
# - **`awsvpc` 작업**: *`awsvpc`* 네트워크 모드에서는 작업마다 고유한 탄력적 네트워크
#   인터페이스(*ENI*, `04_eni_trunking` 참조)를 받습니다. *ENI*는 VPC 안의 가상 네트워크 카드로,
#   고유한 프라이빗 IP 주소와 보안 그룹을 가집니다. `/etc/ecs/ecs.config`에
#   `ECS_AWSVPC_BLOCK_IMDS=true`를 추가하면 에이전트가 이 작업들의 메타데이터 서비스 접근을
#   차단합니다.
# - **`bridge` 작업**: IMDSv2(모든 메타데이터 요청에 세션 토큰 필요)를 필수로 설정하고 응답 홉
#   제한을 1로 지정합니다(`aws ec2 modify-instance-metadata-options --http-tokens required
#   --http-put-response-hop-limit 1`). 그러면 토큰이 컨테이너까지 가는 추가 네트워크 홉을 넘지
#   못합니다. Amazon ECS 설명서에는 Docker 브리지에서 `169.254.169.254`로 가는 트래픽을 차단하는
#   인스턴스의 `iptables` 규칙도 나와 있습니다.
# - **`host` 작업**은 인스턴스의 네트워크를 공유하며, 에이전트 자체도 메타데이터 서비스가
#   필요합니다. 따라서 이 작업들의 접근은 차단할 수 없으므로, 신뢰할 수 없는 코드에는 `host`
#   모드를 사용하지 마세요.

# %%
Question("q_imds_bridge", show_answers=show_answers, lang=lang)

# %% [markdown]
# ## The page's errors here, checked on the target
#
# E1: the profile holds the role, not the other way round. E2: the policy name in the sentence
# does not exist; the one in the command does. E7 and E8 are slips in the page's prose: the
# introduction's garbled sentence about where the managed policy is attached, and the console
# procedure's title.

# %% [markdown] lang=ko
# ## 이 노트북에 해당하는 페이지의 오류, 대상에서 확인
#
# E1: 역할이 인스턴스 프로파일을 담는 것이 아니라 인스턴스 프로파일이 역할을 담습니다. E2: 문장에
# 나오는 정책 이름은 존재하지 않고, 명령에 나오는 정책 이름이 올바릅니다. E7과 E8은 페이지 본문의
# 실수입니다. E7은 관리형 정책을 어디에 연결하는지 설명하는 소개 부분의 뒤섞인 문장이고, E8은 콘솔
# 절차의 제목입니다.

# %%
form.erratum("E1")

# %%
form.erratum("E2")

# %%
form.erratum("E7")

# %%
form.erratum("E8")

# %% [markdown]
# ## What the sandbox cannot show
#
# The sandbox answers like AWS for everything this notebook does, with the exceptions below
# (only those that touch this notebook). The guide says so wherever it matters; on AWS,
# `target="aws"` runs the same cells.

# %% [markdown] lang=ko
# ## 샌드박스가 보여 줄 수 없는 것
#
# 샌드박스는 이 노트북이 하는 모든 일에 AWS처럼 응답합니다. 예외는 아래와 같습니다(이 노트북과
# 관련된 것만 나열합니다). 가이드는 이런 차이가 중요한 곳마다 이를 밝힙니다. AWS에서는
# `target="aws"`로 같은 셀을 실행합니다.

# %%
sandbox_limits("iam_names", "propagation", lang=lang)

# %% [markdown]
# ## Next
#
# - `02_feature_permissions`: Amazon Elastic Container Registry (Amazon ECR), `ecs.config` in a
#   private Amazon Simple Storage Service (Amazon S3) bucket, and Amazon CloudWatch Logs, each with its least-privilege alternative.
# - `03_ecs_anywhere`: the role for external instances.
# - `04_eni_trunking`: a second role with `awsvpcTrunking`.
# - `05_audit`: check an existing role; `99_cleanup`: remove what the guide made.

# %% [markdown] lang=ko
# ## 다음 단계
#
# - `02_feature_permissions`: Amazon Elastic Container Registry(Amazon ECR), 프라이빗 Amazon Simple
#   Storage Service(Amazon S3) 버킷에 둔 `ecs.config`, Amazon CloudWatch Logs를 각각 최소 권한 대안과 함께 다룹니다.
# - `03_ecs_anywhere`: 외부 인스턴스용 역할.
# - `04_eni_trunking`: `awsvpcTrunking`을 사용하는 두 번째 역할.
# - `05_audit`: 기존 역할 점검. `99_cleanup`: 가이드가 만든 것 제거.
