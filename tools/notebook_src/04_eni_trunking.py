# The source of a notebook: tools/build_notebooks.py writes and executes it (make notebooks).
# %% [markdown]
# # 04 · ENI trunking: a second container instance role
#
# An *ENI* is a virtual network card in a VPC (an elastic network interface), with its own
# private IP address and security groups; an instance type holds only a few. A task in the
# *`awsvpc`* network mode gets an ENI of its own, so the instance type's ENI limit caps how many
# such tasks one instance runs. On supported Amazon Elastic Compute Cloud (Amazon EC2) instance
# types, Amazon Elastic Container Service (Amazon ECS) can launch container instances with a
# higher ENI density: one *trunk* interface carries a branch interface for each task. The
# account setting `awsvpcTrunking` switches it on.
#
# The page recommends **two** container instance roles: enable `awsvpcTrunking` for one of them
# and use that role for tasks that need trunking. Erratum E9: a task does not use the container
# instance role; you launch the instances that run those tasks with that role. An account
# setting can be set for one principal (a user or a role), so this notebook enables it for the
# second role only and leaves the first role and the account default as they are.

# %% [markdown] lang=ko
# # 04 · ENI 트렁킹: 두 번째 컨테이너 인스턴스 역할
#
# *ENI*(탄력적 네트워크 인터페이스)는 VPC 안의 가상 네트워크 카드이며, 자체 프라이빗 IP 주소와 보안
# 그룹을 가집니다. 인스턴스 유형마다 연결할 수 있는 ENI는 몇 개뿐입니다. *`awsvpc`* 네트워크 모드의
# 작업은 각자 자신의 ENI를 받으므로, 인스턴스 유형의 ENI 한도가 인스턴스 하나에서 실행할 수 있는
# 작업 수를 제한합니다. 지원되는 Amazon Elastic Compute Cloud(Amazon EC2) 인스턴스 유형에서는 Amazon
# Elastic Container Service(Amazon ECS)가 늘어난 ENI 밀도로 컨테이너 인스턴스를 시작할 수 있습니다.
# *트렁크* 인터페이스 하나가 작업마다 브랜치 인터페이스를 하나씩 전달합니다. 이 기능은
# `awsvpcTrunking` 계정 설정으로 켭니다.
#
# 페이지는 컨테이너 인스턴스 역할을 **2개** 생성할 것을 권장합니다. 역할 하나에 `awsvpcTrunking`을
# 활성화하고, ENI 트렁킹이 필요한 작업에 그 역할을 사용하라는 것입니다. 정오표 E9: 작업은 컨테이너
# 인스턴스 역할을 사용하지 않습니다. 그 작업을 실행할 컨테이너 인스턴스를 그 역할로 시작합니다. 계정
# 설정은 보안 주체(사용자 또는 역할) 하나를 대상으로 설정할 수 있습니다. 그래서 이 노트북은 두 번째
# 역할에만 설정을 활성화하고, 첫 번째 역할과 계정 기본값은 그대로 둡니다.

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

# %% lang=ko tags=["parameters"]
target: str = "sandbox"  # "sandbox"(내장 moto 서버, 계정 불필요) 또는 "aws"(표준 자격 증명 체인)
region: str = "us-east-1"  # 세션과 계정 설정의 AWS 리전
role_name: str = "ecsInstanceRoleTrunking"  # 두 번째 컨테이너 인스턴스 역할, awsvpcTrunking을 켜는 역할
instance_profile_name: str = ""  # ""이면 <role_name>-profile (AWS CLI 단계가 붙이는 이름)
trunking: bool = True  # 이 역할의 보안 주체에 awsvpcTrunking을 켭니다
method: str = "console"  # "console"은 라이브러리로 적용하고, "cli"는 실제 aws로 AWS CLI 명령을 실행합니다
dry_run: bool = False  # True이면 읽기만 합니다. 호출자, 계획, apply가 할 일을 보여 줍니다
lang: str = "ko"  # "en" 또는 "ko": 단계 제목, 콘솔 클릭 경로, 보고서와 참고 사항의 언어
show_answers: bool = False  # True이면 "이해도 확인"의 답을 모두 보여 줍니다(papermill 등으로 자동 실행할 때)

# %% [markdown]
# ## Who and where, and the first role
#
# The first role is the one of `01_container_instance_role`, without trunking: after 01 this
# writes nothing; run alone, it makes it.

# %% [markdown] lang=ko
# ## 누가, 어디에서, 그리고 첫 번째 역할
#
# 첫 번째 역할은 `01_container_instance_role`에서 만드는 트렁킹 없는 역할입니다. 01을 실행한 뒤라면
# 아무것도 쓰지 않고, 이 노트북만 따로 실행하면 이 역할을 만듭니다.

# %%
from ecsrole_lib import RoleSpec
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.notebook.quiz import Question
from ecsrole_lib.notebook.views import trunking_settings

form = RoleForm(target=target, region=region, role_name=role_name,
                instance_profile_name=instance_profile_name, trunking=trunking,
                method=method, dry_run=dry_run, lang=lang)
form.whoami()

# %%
first = RoleSpec(region=region)
print(form.apply(first).summary())

# %% [markdown]
# ## The plan for the second role
#
# The documented steps of 01 under another name, and one more: `awsvpcTrunking` for this role's
# principal. The Amazon ECS console's **Account settings** change it for the signed-in principal
# or the account default only, so that step is the AWS Command Line Interface (AWS CLI)'s
# `aws ecs put-account-setting --principal-arn` with the role's ARN. (The sandbox has no
# sign-in: a call without `--principal-arn` changes the account default there, as the root
# user's would.)

# %% [markdown] lang=ko
# ## 두 번째 역할의 계획
#
# 01에서 본 설명서의 단계를 다른 이름으로 수행하고, 단계가 하나 더 있습니다. 이 역할의 보안 주체에
# 대한 `awsvpcTrunking` 설정입니다. Amazon ECS 콘솔의 **계정 설정**은 로그인한 보안 주체의 설정이나
# 계정 기본값만 바꿉니다. 그래서 이 단계는 AWS Command Line Interface(AWS CLI)의
# `aws ecs put-account-setting --principal-arn` 명령에 역할의 ARN을 지정해 수행합니다. (샌드박스에는
# 로그인이 없으므로, `--principal-arn` 없이 호출하면 루트 사용자가 호출한 것처럼 계정 기본값이
# 바뀝니다.)

# %%
form.plan()

# %%
Question("q_eni_count", show_answers=show_answers, lang=lang)

# %% [markdown]
# ## Apply, and the setting for each role's principal
#
# This cell does what the form's **Apply** button does. Then only the second role reads
# `enabled`: the setting belongs to that role's principal.

# %% [markdown] lang=ko
# ## 적용, 그리고 각 역할의 보안 주체에 대한 설정
#
# 이 셀은 양식의 **적용** 버튼과 같은 일을 합니다. 그러고 나면 두 번째 역할에서만 `enabled`로
# 나옵니다. 이 설정은 그 역할의 보안 주체에 속하기 때문입니다.

# %% tags=["summary"]
form.run()

# %%
trunking_settings(form.session, [first, form.spec], lang)

# %%
form.picture()
