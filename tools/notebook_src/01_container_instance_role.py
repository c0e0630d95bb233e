# The source of a notebook: tools/build_notebooks.py writes and executes it (make notebooks).
# %% [markdown]
# # 01 · The Amazon ECS container instance IAM role
#
# Amazon Elastic Container Service (Amazon ECS) runs its container agent on every container
# instance: an Amazon Elastic Compute Cloud (Amazon EC2) instance, or an external instance
# registered with Amazon ECS Anywhere. The agent and the Docker daemon call AWS APIs on your
# behalf, so they need an AWS Identity and Access Management (IAM) role; the role also tells
# Amazon ECS that the agent belongs to you. This notebook creates it, `ecsInstanceRole`, as the
# AWS documentation page *Amazon ECS container instance IAM role* does:
#
# - **Create the role first**, before you launch an instance and register it to a cluster, in
#   the account you use for the console or the AWS Command Line Interface (AWS CLI).
# - **Attach the managed policy** `AmazonEC2ContainerServiceforEC2Role`, which holds everything
#   the full Amazon ECS feature set needs, rather than copying its permissions: AWS can then add
#   the permissions of future features to it.
# - **External instances** also need AWS Systems Manager permissions (`03_ecs_anywhere`); for
#   trunking the page recommends a second role (`04_eni_trunking`).
#
# By default everything runs on the embedded sandbox, a *moto* server: moto is an open-source library that
# answers the AWS APIs as AWS does, from memory, on 127.0.0.1, so no account and no credentials
# are needed. `target="aws"` runs the same cells on your account.
#
# | role | used by | for |
# | --- | --- | --- |
# | **container instance role** (this notebook) | the agent and Docker on the instance | register the instance, pull images, send logs |
# | **task execution role** | Amazon ECS, for one task | that task's private image and `awslogs` logs (on AWS Fargate and external instances), its secrets |
# | **task role** | the application in the task | the AWS services the application calls, such as Amazon S3 |
#
# Give each task its own task role instead of widening the container instance role, which
# serves every task on the instance.

# %% [markdown] lang=ko
# # 01 · Amazon ECS 컨테이너 인스턴스 IAM 역할
#
# Amazon Elastic Container Service(Amazon ECS)는 모든 컨테이너 인스턴스에서 컨테이너 에이전트를
# 실행합니다. 컨테이너 인스턴스는 Amazon Elastic Compute Cloud(Amazon EC2) 인스턴스이거나
# Amazon ECS Anywhere로 등록한 외부 인스턴스입니다. 에이전트와 Docker 대몬은 사용자를 대신하여
# AWS API를 호출하므로 AWS Identity and Access Management(IAM) 역할이 필요합니다. 이 역할은
# 에이전트가 사용자에게 속한다는 것도 Amazon ECS에 알립니다. 이 노트북은 AWS 설명서 페이지
# *Amazon ECS 컨테이너 인스턴스 IAM 역할*과 같은 방법으로 이 역할, `ecsInstanceRole`을 생성합니다.
#
# - **역할을 먼저 생성합니다.** 인스턴스를 시작해 클러스터에 등록하기 전에, 콘솔이나
#   AWS Command Line Interface(AWS CLI)에 사용하는 계정에 생성합니다.
# - **관리형 정책을 연결합니다.** `AmazonEC2ContainerServiceforEC2Role`에는 전체 Amazon ECS 기능
#   세트에 필요한 권한이 모두 있습니다. 권한을 복사하지 않고 이 정책을 연결해야 AWS가 향후 기능에
#   필요한 권한을 이 정책에 추가할 수 있습니다.
# - **외부 인스턴스**에는 AWS Systems Manager 권한도 필요합니다(`03_ecs_anywhere`). 트렁킹용으로는
#   두 번째 역할을 만들 것을 페이지가 권장합니다(`04_eni_trunking`).
#
# 기본적으로 모든 셀은 내장 샌드박스에서 실행됩니다. 샌드박스는 *moto* 서버입니다. moto는 AWS API에 AWS와
# 같은 방식으로 응답하는 오픈 소스 라이브러리이며, 127.0.0.1에서 메모리만으로 응답하므로 계정도
# 자격 증명도 필요 없습니다. `target="aws"`로 지정하면 같은 셀이 사용자의 계정에서 실행됩니다.
#
# | 역할 | 사용 주체 | 용도 |
# | --- | --- | --- |
# | **컨테이너 인스턴스 역할**(이 노트북) | 인스턴스의 에이전트와 Docker | 인스턴스 등록, 이미지 가져오기, 로그 전송 |
# | **작업 실행 역할** | 작업 하나를 대신하는 Amazon ECS | 그 작업의 프라이빗 이미지와 `awslogs` 로그(AWS Fargate와 외부 인스턴스), 보안 암호 |
# | **작업 역할** | 작업의 애플리케이션 | Amazon S3 등 애플리케이션이 호출하는 AWS 서비스 |
#
# 컨테이너 인스턴스 역할은 인스턴스의 모든 작업에 쓰입니다. 따라서 이 역할의 권한을 넓히지 말고
# 작업마다 고유한 작업 역할을 부여하세요.

# %% [markdown]
# ## Parameters
#
# *papermill* is a tool that runs a notebook from the command line with its parameters replaced
# (`-p name value`): `papermill 01_container_instance_role.ipynb out.ipynb -p method cli -p lang ko`
# takes the AWS CLI path in Korean; `papermill --help-notebook` lists the parameters below.

# %% [markdown] lang=ko
# ## 파라미터
#
# *papermill*은 명령줄에서 노트북의 파라미터를 바꿔(`-p name value`) 실행하는 도구입니다.
# `papermill 01_container_instance_role.ipynb out.ipynb -p method cli -p lang ko`는 AWS CLI 경로를
# 한국어로 실행합니다. 아래 파라미터 목록은 `papermill --help-notebook`으로 볼 수 있습니다.

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

# %% lang=ko tags=["parameters"]
target: str = "sandbox"  # "sandbox"(내장 moto 서버, 계정 불필요) 또는 "aws"(표준 자격 증명 체인)
region: str = "us-east-1"  # 세션과 ARN의 AWS 리전
role_name: str = "ecsInstanceRole"  # 컨테이너 인스턴스 역할(페이지가 쓰는 이름)
instance_profile_name: str = ""  # ""이면 <role_name>-profile (AWS CLI 단계가 붙이는 이름)
instance_kind: str = "ec2"  # "ec2"(Amazon EC2 인스턴스) 또는 "external"(Amazon ECS Anywhere, 03 참고)
method: str = "console"  # "console"은 라이브러리로 적용하고, "cli"는 실제 aws로 AWS CLI 명령을 실행합니다
dry_run: bool = False  # True이면 읽기만 합니다. 호출자, 계획, apply가 할 일을 보여 줍니다
lang: str = "ko"  # "en" 또는 "ko": 단계 제목, 콘솔 클릭 경로, 보고서와 참고 사항의 언어
show_answers: bool = False  # True이면 "이해도 확인"의 답을 모두 보여 줍니다(papermill 등으로 자동 실행할 때)

# %% [markdown]
# ## Who and where
#
# The next cell makes the form from these values and shows where it runs: with `target="aws"`
# your account and identity, from the standard credential chain (`AWS_PROFILE`, `AWS_REGION`,
# ...). With `dry_run=True` nothing is written from here on.

# %% [markdown] lang=ko
# ## 누가, 어디에서
#
# 다음 셀은 이 값으로 양식을 만들고 어디에서 실행되는지 보여 줍니다. `target="aws"`로 실행하면 표준 자격 증명 체인(`AWS_PROFILE`, `AWS_REGION`, ...)에서 가져온 사용자의
# 계정과 자격 증명이 나옵니다. `dry_run=True`로 실행하면 여기서부터는 아무것도 쓰지 않습니다.

# %%
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.notebook.quiz import Question

form = RoleForm(target=target, region=region, role_name=role_name,
                instance_profile_name=instance_profile_name, instance_kind=instance_kind,
                method=method, dry_run=dry_run, lang=lang)
form.whoami()

# %% [markdown]
# ## The page's steps, in one plan
#
# One plan drives everything: the console clicks and the AWS CLI commands you read, and the
# API calls apply makes. Its rows hold the page's nine console steps (numbered as the page
# numbers them) and its five AWS CLI steps, with the form's values: as the page says, "Replace
# all user input with your own values" (모든 사용자 입력을 고유한 값으로 바꿉니다).

# %% [markdown] lang=ko
# ## 하나의 계획에 담은 페이지의 단계
#
# 모든 것은 하나의 계획에서 나옵니다. 사용자가 읽는 콘솔 클릭과 AWS CLI 명령도, 적용이 수행하는 API
# 호출도 같은 계획을 따릅니다. 계획의 행에는 페이지의 콘솔 9단계(페이지의 번호 그대로)와 AWS CLI
# 5단계가 양식의 값으로 들어 있습니다. 페이지의 말대로 "모든 사용자 입력을 고유한 값으로 바꿉니다".

# %%
form.plan()

# %% [markdown]
# ### The trust policy (console steps 1-4, 8-9; AWS CLI steps 1-2)
#
# A role has two kinds of policy. Its **trust policy** (`AssumeRolePolicyDocument`) says *who
# may become the role*: its `Principal` may call `sts:AssumeRole`. A *principal* is whoever
# makes a request to AWS: an IAM user or role, an account, or an AWS service. Its **permissions
# policies** say *what the role may do once assumed*. For a container instance the principal is
# Amazon EC2: it assumes the role and hands the credentials to the instance. AWS CLI step 1
# writes this to `instance-role-trust-policy.json`; in the console, the use case *EC2 Role for
# Elastic Container Service* writes it for you:
#
# ```json
# {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
#   "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
# ```
#
# Erratum E8: the page titles the console procedure "to create a service role for Elastic
# Container Service" (Elastic Container Service에 대한 서비스 역할을 생성하는 방법), but Amazon EC2
# assumes this role, not Amazon ECS.

# %% [markdown] lang=ko
# ### 신뢰 정책(콘솔 1\~4단계와 8\~9단계, AWS CLI 1\~2단계)
#
# 역할에는 두 종류의 정책이 있습니다. **신뢰 정책**(`AssumeRolePolicyDocument`)은 *누가 역할이 될
# 수 있는지*를 정합니다. 신뢰 정책의 `Principal`이 `sts:AssumeRole`을 호출할 수 있습니다. *보안
# 주체*란 AWS에 요청을 보내는 주체로, IAM 사용자나 역할, 계정, AWS 서비스가 여기에 해당합니다.
# **권한 정책**은 *역할을 수임한 뒤 무엇을 할 수 있는지*를 정합니다. 컨테이너 인스턴스에서는 Amazon
# EC2가 보안 주체입니다. Amazon EC2가 역할을 수임해 자격 증명을 인스턴스에 전달합니다. AWS CLI
# 1단계는 이 문서를 `instance-role-trust-policy.json`에 씁니다. 콘솔에서는 *Elastic Container
# Service의 EC2 역할* 사용 사례를 선택하면 이 문서가 자동으로 작성됩니다.
#
# ```json
# {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
#   "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
# ```
#
# 정오표 E8: 페이지는 콘솔 절차의 제목을 "Elastic Container Service에 대한 서비스 역할을 생성하는
# 방법"으로 붙였습니다. 하지만 이 역할을 수임하는 것은 Amazon ECS가 아니라 Amazon EC2입니다.

# %%
Question("q_trust_vs_permissions", show_answers=show_answers, lang=lang)

# %% [markdown]
# ### The instance profile (AWS CLI steps 3-4)
#
# An instance is launched with an *instance profile*, which holds exactly one role. The console
# creates it silently at step 9 and names it like the role (`ecsInstanceRole`: pass
# `instance_profile_name="ecsInstanceRole"` to use that one); the AWS CLI creates
# `ecsInstanceRole-profile` at step 3, whose example response (응답의 예) is empty until step 4:
#
# ```json
# { "InstanceProfile": { "InstanceProfileId": "AIPAJTLBPJLEGREXAMPLE", "Roles": [],
#   "CreateDate": "2022-04-12T23:53:34.093Z", "InstanceProfileName": "ecsInstanceRole-profile",
#   "Path": "/", "Arn": "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole-profile" } }
# ```
#
# Erratum E1: the sentence above step 4 swaps the names ("ecsInstanceRole 인스턴스 프로파일에
# ecsInstanceRole-profile 역할을 추가합니다"); the command is right: the role goes into the profile.
#
# Whoever launches an instance with the profile passes the role to Amazon EC2, so besides
# `ec2:RunInstances` they need `iam:PassRole` on this role's ARN. Grant it on this role only,
# never on `*`: whoever may pass any role may give an instance more than they hold.

# %% [markdown] lang=ko
# ### 인스턴스 프로파일(AWS CLI 3\~4단계)
#
# 인스턴스는 역할을 정확히 하나 담는 *인스턴스 프로파일*을 지정해 시작합니다. 콘솔은 9단계에서
# 인스턴스 프로파일을 자동으로 만들고 역할과 같은 이름(`ecsInstanceRole`)을 붙입니다. 그 인스턴스
# 프로파일을 쓰려면 `instance_profile_name="ecsInstanceRole"`로 지정하세요. AWS CLI는 3단계에서
# `ecsInstanceRole-profile`을 만듭니다. 페이지에 나오는 응답의 예처럼 4단계 전까지는 비어 있습니다.
#
# ```json
# { "InstanceProfile": { "InstanceProfileId": "AIPAJTLBPJLEGREXAMPLE", "Roles": [],
#   "CreateDate": "2022-04-12T23:53:34.093Z", "InstanceProfileName": "ecsInstanceRole-profile",
#   "Path": "/", "Arn": "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole-profile" } }
# ```
#
# 정오표 E1: 4단계 위의 문장("ecsInstanceRole 인스턴스 프로파일에 ecsInstanceRole-profile 역할을
# 추가합니다")은 두 이름을 바꿔 적었습니다. 명령은 올바릅니다. 역할이 인스턴스 프로파일에 들어갑니다.
#
# 이 인스턴스 프로파일로 인스턴스를 시작하는 사람은 역할을 Amazon EC2에 전달합니다. 그래서
# `ec2:RunInstances` 권한과 함께 이 역할의 ARN에 대한 `iam:PassRole` 권한이 필요합니다. 이 권한은
# `*`가 아니라 이 역할에만 부여하세요. 아무 역할이나 전달할 수 있는 사람은 자신이 가진 것보다 많은
# 권한을 인스턴스에 줄 수 있습니다.

# %%
Question("q_passrole", show_answers=show_answers, lang=lang)

# %% [markdown]
# IAM is *eventually consistent*: a change is accepted at once but reaches every reader only
# after a few seconds, and Amazon EC2 may need about ten seconds more before an instance can
# launch with a new profile. Apply therefore waits (`aws iam wait instance-profile-exists`) and
# retries a `NoSuchEntity` right after a create, up to a bound.

# %% [markdown] lang=ko
# IAM은 *최종 일관성*을 따릅니다. 변경은 즉시 접수되지만 모든 곳에서 읽히기까지
# 몇 초가 걸리고, 새 인스턴스 프로파일로 Amazon EC2 인스턴스를 시작할 수 있기까지 10초 정도가 더 걸릴
# 수 있습니다. 그래서 적용은 기다리고(`aws iam wait instance-profile-exists`), 생성 직후에 받은
# `NoSuchEntity` 오류는 정해진 한도까지 다시 시도합니다.

# %%
Question("q_eventual_consistency", show_answers=show_answers, lang=lang)

# %% [markdown]
# ### The managed policy (console steps 5-7; AWS CLI step 5)
#
# At console step 6 `AmazonEC2ContainerServiceforEC2Role` must be selected: without it,
# creating a cluster in the console shows an error. Erratum E2: the sentence above AWS CLI
# step 5 names `AmazonEC2ContainerServiceRoleForEC2Role`, which does not exist; the command's
# ARN is right. Erratum E7: the introduction says the policy "is attached to an IAM attachment"
# (IAM 연결에 연결하고); it is attached to the role, and the role goes with the instances.
#
# | kind | written and updated by | in this guide |
# | --- | --- | --- |
# | **AWS managed** | AWS, as features arrive (`arn:aws:iam::aws:policy/...`) | `AmazonEC2ContainerServiceforEC2Role` |
# | **customer managed** | you, in your account, attachable to many roles | `cwlogspolicy` (02) |
# | **inline** | you, inside one role, deleted with it | the least-privilege grants of 02 |
#
# The page also lets you "use the managed policy as a guide for a custom policy" (사용자 지정
# 정책을 생성할 때 관리형 정책을 가이드로 사용할 수 있습니다): a customer managed copy without what
# your instances do not use. Its updates are then yours.

# %% [markdown] lang=ko
# ### 관리형 정책(콘솔 5\~7단계, AWS CLI 5단계)
#
# 콘솔 6단계에서는 `AmazonEC2ContainerServiceforEC2Role`이 반드시 선택되어 있어야 합니다. 그렇지
# 않으면 콘솔에서 클러스터를 생성할 때 오류가 표시됩니다. 정오표 E2: AWS CLI 5단계 위의 문장은
# 존재하지 않는 `AmazonEC2ContainerServiceRoleForEC2Role`을 가리킵니다. 명령의 ARN은 올바릅니다.
# 정오표 E7: 소개 부분은 이 정책을 "IAM 연결에 연결하고"라고 적었습니다. 정책은 역할에 연결하고,
# 그 역할을 인스턴스와 연결합니다.
#
# | 종류 | 작성하고 업데이트하는 주체 | 이 가이드에서 |
# | --- | --- | --- |
# | **AWS 관리형** | AWS, 기능이 추가될 때마다(`arn:aws:iam::aws:policy/...`) | `AmazonEC2ContainerServiceforEC2Role` |
# | **고객 관리형** | 사용자, 사용자의 계정에서, 여러 역할에 연결 가능 | `cwlogspolicy`(02) |
# | **인라인** | 사용자, 역할 하나의 내부, 역할과 함께 삭제됨 | 02의 최소 권한 부여 |
#
# 페이지는 "사용자 지정 정책을 생성할 때 관리형 정책을 가이드로 사용할 수 있습니다"라고도 합니다.
# 인스턴스가 쓰지 않는 권한을 뺀 고객 관리형 사본을 만드는 방법입니다. 그러면 업데이트는 사용자의
# 몫입니다.

# %%
Question("q_customer_managed_updates", show_answers=show_answers, lang=lang)

# %% [markdown]
# ## Apply, and what the target holds
#
# This cell does what the form's **Apply** button does. It reads first and writes only what
# differs, so a re-run writes nothing: an operation that gives the same result however often it
# runs is called *idempotent*. The picture is then read back from the target.

# %% [markdown] lang=ko
# ## 적용, 그리고 대상에 있는 것
#
# 이 셀은 양식의 **적용** 버튼과 같은 일을 합니다. 먼저 읽고 다른 부분만 쓰므로 다시 실행하면 아무것도
# 쓰지 않습니다. 이처럼 몇 번 실행해도 결과가 같은 동작을 *멱등*(idempotent) 동작이라고 합니다. 그다음
# 그림은 대상에서 다시 읽어 온 상태를 보여 줍니다.

# %% tags=["summary"]
form.run()

# %%
form.picture()

# %% [markdown]
# ### Try it in the form
#
# The form below holds the same values. Change one (a role name of your own, say) and it plans
# again and says whether it is ready; **Apply** runs that plan on the form's target, and the
# report shows under its button. Its tabs (Plan, Console, AWS CLI) stay closed until you open one.

# %% [markdown] lang=ko
# ### 양식에서 직접 해 보기
#
# 아래 양식에는 같은 값이 들어 있습니다. 값을 하나 바꾸면(예: 자신만의 역할 이름) 계획을 다시 세우고
# 준비되었는지 알려 줍니다. **적용**을 누르면 그 계획을 양식의 대상에서 실행하고, 보고서가 버튼 아래에
# 나타납니다. 탭(계획, 콘솔, AWS CLI)은 하나를 열기 전까지 닫혀 있습니다.

# %%
form.live()

# %% [markdown]
# ## What the role's credentials can reach
#
# The instance gets the role's credentials from the instance metadata service at
# `169.254.169.254`, and so can its containers: a `bridge` task can call AWS as the container
# instance role, whatever its task role says. Block it with `ECS_AWSVPC_BLOCK_IMDS=true` in
# `/etc/ecs/ecs.config` for tasks in the *`awsvpc`* network mode (each its own network
# interface, see 04), and with IMDSv2 and a hop limit of 1 for `bridge` tasks. Details:
# [Amazon ECS task IAM role](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html).

# %% [markdown] lang=ko
# ## 역할의 자격 증명이 닿는 범위
#
# 인스턴스는 `169.254.169.254`의 인스턴스 메타데이터 서비스에서 역할의 자격 증명을 받으며, 인스턴스의
# 컨테이너도 마찬가지입니다. 그래서 `bridge` 작업은 작업 역할과 상관없이 컨테이너 인스턴스 역할로
# AWS를 호출할 수 있습니다. *`awsvpc`* 네트워크 모드(작업마다 고유한 네트워크 인터페이스, 04 참조)의
# 작업은 `/etc/ecs/ecs.config`에 `ECS_AWSVPC_BLOCK_IMDS=true`를 추가해 막고, `bridge` 작업은
# IMDSv2와 홉 제한 1로 막습니다. 자세한 내용:
# [Amazon ECS 작업 IAM 역할](https://docs.aws.amazon.com/ko_kr/AmazonECS/latest/developerguide/task-iam-roles.html).

# %%
Question("q_imds_bridge", show_answers=show_answers, lang=lang)

# %% [markdown]
# ## Next
#
# `02_feature_permissions`: Amazon ECR, `ecs.config` in a private Amazon S3 bucket, CloudWatch
# Logs. `03_ecs_anywhere`: external instances. `04_eni_trunking`: a second role with
# `awsvpcTrunking`. `05_audit`: check an existing role. `99_cleanup`: remove what the guide made.

# %% [markdown] lang=ko
# ## 다음 단계
#
# `02_feature_permissions`: Amazon ECR, 프라이빗 Amazon S3 버킷의 `ecs.config`, CloudWatch Logs.
# `03_ecs_anywhere`: 외부 인스턴스. `04_eni_trunking`: `awsvpcTrunking`을 사용하는 두 번째 역할.
# `05_audit`: 기존 역할 점검. `99_cleanup`: 가이드가 만든 것 제거.
