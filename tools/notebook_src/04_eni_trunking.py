# ruff: noqa: B018 - the last expression of a cell is what the notebook displays
# The source of a notebook: tools/build_notebooks.py writes and executes it (make notebooks).
# %% [markdown]
# # 04 · ENI trunking: a second container instance role
#
# On supported Amazon Elastic Compute Cloud (Amazon EC2) instance types, Amazon Elastic Container
# Service (Amazon ECS) can launch container instances with a higher elastic network interface
# (ENI) density. An *ENI* is a virtual network card in a VPC, with its own private IP address and
# security groups; an instance type can hold only a few. A task in the *`awsvpc`* network mode
# gets an ENI of its own, so without trunking the instance type's ENI limit caps how many
# `awsvpc` tasks one instance runs. With trunking, one *trunk* interface carries a branch
# interface for each task, so one instance runs more of them. It is switched on by the account
# setting `awsvpcTrunking`.
#
# The page recommends **two** container instance roles: enable `awsvpcTrunking` for one of them,
# and use that role for the instances whose tasks need trunking (the page says "for tasks":
# erratum E9, a task does not use the container instance role). An account setting can be set
# for one principal (a user or a role) only, so this notebook enables it for the second role's
# principal and leaves the first role, and the account default, as they are.
#
# It builds on the first role of `01_container_instance_role`, and makes it first when run alone
# (idempotently: nothing is written when it is already there).

# %% [markdown] lang=ko
# # 04 · ENI 트렁킹: 두 번째 컨테이너 인스턴스 역할
#
# 지원되는 Amazon Elastic Compute Cloud(Amazon EC2) 인스턴스 유형에서는 Amazon Elastic Container
# Service(Amazon ECS)가 늘어난 탄력적 네트워크 인터페이스(ENI) 밀도로 컨테이너 인스턴스를 시작할 수
# 있습니다. *ENI*는 VPC 안의 가상 네트워크 카드이며, 자체 프라이빗 IP 주소와 보안 그룹을 가집니다.
# 인스턴스 유형마다 연결할 수 있는 ENI는 몇 개뿐입니다. *`awsvpc`* 네트워크 모드의 작업은 각자 자신의
# ENI를 받습니다. 따라서 트렁킹이 없으면 인스턴스 유형의 ENI 한도가 인스턴스 하나에서 실행하는
# `awsvpc` 작업 수를 제한합니다. 트렁킹을 사용하면 *트렁크* 인터페이스 하나가 작업마다 브랜치
# 인터페이스를 하나씩 전달하므로, 인스턴스 하나에서 더 많은 작업을 실행할 수 있습니다. 트렁킹은
# `awsvpcTrunking` 계정 설정으로 켭니다.
#
# 페이지는 컨테이너 인스턴스 역할을 **2개** 생성할 것을 권장합니다. 역할 하나에 `awsvpcTrunking`을
# 활성화하고, 작업에 트렁킹이 필요한 인스턴스에 그 역할을 사용합니다(페이지에는 "ENI 트렁킹이 필요한
# 작업에"라고 되어 있습니다. 정오표 E9: 작업은 컨테이너 인스턴스 역할을 사용하지 않습니다). 계정 설정은
# 보안 주체(사용자 또는 역할) 하나만을 대상으로 설정할 수 있습니다. 그래서 이 노트북은 두 번째 역할의
# 보안 주체에 대해 설정을 활성화하고, 첫 번째 역할과 계정 기본값은 그대로 둡니다.
#
# 이 노트북은 `01_container_instance_role`의 첫 번째 역할을 바탕으로 합니다. 이 노트북만 따로
# 실행하면 첫 번째 역할부터 만듭니다(멱등: 이미 있으면 아무것도 쓰지 않습니다).

# %% tags=["parameters"]
target: str = "sandbox"  # "sandbox" (embedded moto server, no account) or "aws" (standard credential chain)
region: str = "us-east-1"  # AWS Region of the session and of the account setting
role_name: str = "ecsInstanceRoleTrunking"  # the second container instance role, the one with awsvpcTrunking
instance_profile_name: str = ""  # "" means <role_name>-profile, as the AWS CLI steps name it
trunking: bool = True  # enable awsvpcTrunking for this role's principal
method: str = "console"  # "console" applies through the library; "cli" runs the AWS CLI commands with the real aws
dry_run: bool = False  # True: read only; shows the caller, the plan and what apply would do
lang: str = "en"  # "en" or "ko": language of step titles, console click paths, reports and notes
show_answers: bool = False  # True: every "check your understanding" answer shows (a headless run)

# %%
from ecsrole_lib import RoleSpec
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.notebook.quiz import Question
from ecsrole_lib.notebook.views import sandbox_limits, trunking_settings

form = RoleForm(target=target, region=region, role_name=role_name,
                instance_profile_name=instance_profile_name, trunking=trunking,
                method=method, dry_run=dry_run, lang=lang)
form

# %% [markdown]
# ## Who and where

# %% [markdown] lang=ko
# ## 누가, 어디에서

# %%
form.whoami()

# %% [markdown]
# ## The first role, as 01 makes it
#
# The role without trunking. After `01_container_instance_role` this writes nothing.

# %% [markdown] lang=ko
# ## 첫 번째 역할: 01에서 만드는 그대로
#
# 트렁킹이 없는 역할입니다. `01_container_instance_role`을 실행한 뒤라면 이 셀은 아무것도 쓰지
# 않습니다.

# %%
first = RoleSpec(region=region)
form.apply(first)

# %% [markdown]
# ## The plan for the second role
#
# The same documented steps as the first role, under another name, and one more:
# `awsvpcTrunking` for this role's principal.

# %% [markdown] lang=ko
# ## 두 번째 역할의 계획
#
# 첫 번째 역할과 같은, 문서에 나온 단계를 다른 이름으로 수행합니다. 여기에 단계가 하나 더 있습니다. 이
# 역할의 보안 주체에 대한 `awsvpcTrunking` 설정입니다.

# %%
form.plan()

# %% [markdown]
# ## Enable `awsvpcTrunking` for this role only
#
# The Amazon ECS console's **Account settings** change the setting for the signed-in principal
# or the account default, not for another role, so the page's recommendation is carried out with
# the AWS Command Line Interface (AWS CLI): `aws ecs put-account-setting --name awsvpcTrunking --value enabled
# --principal-arn <the role's ARN>`.

# %% [markdown] lang=ko
# ## 이 역할에만 `awsvpcTrunking` 활성화
#
# Amazon ECS 콘솔의 **계정 설정**은 로그인한 보안 주체의 설정이나 계정 기본값을 바꿀 뿐, 다른 역할의
# 설정은 바꾸지 않습니다. 그래서 페이지의 권장 사항은 AWS Command Line Interface(AWS CLI)로 수행합니다.
# 명령은 `aws ecs put-account-setting --name awsvpcTrunking --value enabled
# --principal-arn <the role's ARN>`입니다.

# %%
form.step("enable_awsvpc_trunking")

# %%
form.erratum("E9")

# %%
Question("q_eni_count", show_answers=show_answers, lang=lang)

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
# ## The setting, for each role's principal
#
# Only the second role reads `enabled`: the setting belongs to that role's principal. The
# sandbox keeps account settings per principal as AWS does, so it shows the same.

# %% [markdown] lang=ko
# ## 각 역할의 보안 주체에 대한 설정
#
# 두 번째 역할에서만 `enabled`로 나옵니다. 이 설정은 그 역할의 보안 주체에 속하기 때문입니다.
# 샌드박스도 AWS처럼 계정 설정을 보안 주체별로 보관하므로 같은 결과를 보여 줍니다.

# %%
trunking_settings(form.session, [first, form.spec], lang)

# %% [markdown]
# ## What the target holds now

# %% [markdown] lang=ko
# ## 이제 대상에 있는 것

# %%
form.picture()

# %% [markdown]
# ## What the sandbox cannot show

# %% [markdown] lang=ko
# ## 샌드박스가 보여 줄 수 없는 것

# %%
sandbox_limits("iam_names", "propagation", "account_setting_caller", lang=lang)
