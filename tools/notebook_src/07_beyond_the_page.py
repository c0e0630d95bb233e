# The source of a notebook: tools/build_notebooks.py writes and executes it (make notebooks).
# %% [markdown]
# # 07 · Beyond the page: least privilege, every role in the account, the role as code
#
# The AWS page makes one Amazon Elastic Container Service (Amazon ECS) container instance role,
# in one account, by hand. This appendix goes beyond it, in three parts:
#
# - **least privilege**: each broad grant of the page beside its narrower alternative;
# - a **survey** of every role in the account that an instance could use with Amazon ECS, each
#   with the audit's verdict;
# - the role **as code**: an AWS Command Line Interface (AWS CLI) script, an AWS CloudFormation
#   template, a StackSets recipe that rolls it out to many accounts, and Terraform.
#
# It only reads from AWS Identity and Access Management (IAM); the exports are files written next
# to this notebook. In `make guide` it runs after `06`, on what `01` to `04` made; run alone on
# the sandbox, it first makes the same.

# %% [markdown] lang=ko
# # 07 · 페이지 너머: 최소 권한, 계정의 모든 역할, 코드로 만드는 역할
#
# AWS 페이지는 Amazon Elastic Container Service(Amazon ECS) 컨테이너 인스턴스 역할 하나를 계정
# 하나에 손으로 만듭니다. 이 부록은 그 너머를 세 부분으로 다룹니다.
#
# - **최소 권한**: 페이지의 넓은 허용마다 그보다 좁은 대안을 나란히 놓습니다.
# - **조사**: 인스턴스가 Amazon ECS에서 사용할 수 있는 계정의 모든 역할을 찾고, 역할마다 감사
#   판정을 내립니다.
# - **코드로 만드는 역할**: AWS Command Line Interface(AWS CLI) 스크립트, AWS CloudFormation
#   템플릿, 여러 계정에 배포하는 StackSets 절차, Terraform입니다.
#
# 이 노트북은 AWS Identity and Access Management(IAM)를 읽기만 합니다. 내보낸 결과는 이 노트북
# 옆에 파일로 씁니다. `make guide`에서는 `06` 다음에 실행되며 `01`부터 `04`까지 만든 것을
# 다룹니다. 샌드박스에서 이 노트북만 실행하면 먼저 같은 것을 만듭니다.

# %% tags=["parameters"]
target: str = "sandbox"  # "sandbox" (embedded moto server, no account) or "aws" (standard credential chain)
region: str = "us-east-1"  # AWS Region of the session, the audits and the exports
role_name: str = "ecsInstanceRole"  # the container instance role to export
instance_profile_name: str = ""  # "" means <role_name>-profile, as the AWS CLI steps name it
features: list[str] = ["ecr", "s3_config", "cloudwatch_logs"]  # the features the exported role serves
least_privilege: bool = False  # True: the exports hold the least-privilege grants
config_bucket: str = ""  # private bucket for ecs.config; empty: ecsrole-guide-config-<your account id> (bucket names are global)
cluster_name: str = "default"  # the cluster ecs.config names
lang: str = "en"  # "en" or "ko": language of the tables

# %% lang=ko tags=["parameters"]
target: str = "sandbox"  # "sandbox"(내장 moto 서버, 계정 불필요) 또는 "aws"(표준 자격 증명 체인)
region: str = "us-east-1"  # 세션, 감사와 내보내기의 AWS 리전
role_name: str = "ecsInstanceRole"  # 내보낼 컨테이너 인스턴스 역할
instance_profile_name: str = ""  # ""이면 <role_name>-profile (AWS CLI 단계가 붙이는 이름)
features: list[str] = ["ecr", "s3_config", "cloudwatch_logs"]  # 내보낸 역할이 지원하는 기능
least_privilege: bool = False  # True이면 내보낸 파일에 최소 권한을 담습니다
config_bucket: str = ""  # ecs.config를 둘 비공개 버킷. 비워 두면 ecsrole-guide-config-<계정 ID>(버킷 이름은 전역에서 고유)
cluster_name: str = "default"  # ecs.config가 지정하는 클러스터
lang: str = "ko"  # "en" 또는 "ko": 표의 언어

# %%
from ecsrole_lib import survey
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.notebook.views import least_privilege_table
from ecsrole_lib.teaching.guide import ensure_on_sandbox, guide_roles

form = RoleForm(target=target, region=region, role_name=role_name,
                instance_profile_name=instance_profile_name, features=features,
                least_privilege=least_privilege, config_bucket=config_bucket,
                cluster_name=cluster_name, lang=lang, action="audit")
form.whoami()

# %%
roles = guide_roles(form.spec)
form.view(ensure_on_sandbox(form.session, roles))

# %% [markdown]
# ## Least privilege: each broad grant beside its alternative
#
# `02_feature_permissions` runs the page's grants; with `least_privilege=True` it runs the
# alternatives instead. Effective permissions are a union (see `02`): narrowing one policy does
# not narrow the role while `AmazonEC2ContainerServiceforEC2Role` grants the same.

# %% [markdown] lang=ko
# ## 최소 권한: 넓은 허용과 그 대안
#
# `02_feature_permissions`는 페이지의 허용을 실행하고, `least_privilege=True`이면 대신 대안을
# 실행합니다. 실제 권한은 합집합이므로(`02` 참고), `AmazonEC2ContainerServiceforEC2Role`이 같은
# 것을 허용하는 동안에는 정책 하나를 좁혀도 역할이 좁아지지 않습니다.

# %%
least_privilege_table(form.spec, lang)

# %% [markdown]
# For `ecs.config`, the alternative to `AmazonS3ReadOnlyAccess` is an inline policy that allows
# `s3:GetObject` on the one config object:

# %% [markdown] lang=ko
# `ecs.config`의 경우 `AmazonS3ReadOnlyAccess` 대신 구성 객체 하나에만 `s3:GetObject`를 허용하는
# 인라인 정책을 쓸 수 있습니다.

# %%
form.step("put_s3_config_policy")

# %% [markdown]
# ## Every container instance role in the account
#
# A survey finds every role an instance could use with Amazon ECS: the roles that hold
# `AmazonEC2ContainerServiceforEC2Role`, and the roles trusted by Amazon Elastic Compute Cloud
# (Amazon EC2, `ec2.amazonaws.com`) or AWS Systems Manager (`ssm.amazonaws.com`) whose own
# policies allow `ecs:RegisterContainerInstance`, with the instance profiles that hold them. It
# only reads: the account is listed once, page by page, and the roles found are read
# concurrently, so a survey of a thousand roles takes seconds. For many accounts,
# `survey_organization` assumes a role in each account of an AWS Organizations organization and
# merges the surveys.
#
# The audit column judges each role against the page's setup for its kind alone (the survey's
# note says so): the policies `02` attached for its features are `extra` findings of
# `ecsInstanceRole` here, where `05`'s audit, told the features, found none.

# %% [markdown] lang=ko
# ## 계정의 모든 컨테이너 인스턴스 역할
#
# 조사는 인스턴스가 Amazon ECS에서 사용할 수 있는 모든 역할을 찾습니다.
# `AmazonEC2ContainerServiceforEC2Role`을 보유한 역할과, Amazon Elastic Compute Cloud(Amazon
# EC2, `ec2.amazonaws.com`)나 AWS Systems Manager(`ssm.amazonaws.com`)를 신뢰하면서 자체 정책이
# `ecs:RegisterContainerInstance`를 허용하는 역할을 찾고, 그 역할이 들어 있는 인스턴스
# 프로파일도 함께 찾습니다. 조사는 읽기만 합니다. 계정의 목록은 페이지 단위로 한 번만 가져오고,
# 찾은 역할은 동시에 읽으므로 역할이 천 개여도 몇 초면 끝납니다. 여러 계정을 조사하려면
# `survey_organization`을 사용합니다. 이 함수는 AWS Organizations 조직의 각 계정에서 역할을
# 수임하고, 계정별 조사 결과를 병합합니다.
#
# 감사 열은 각 역할을 그 종류에 맞는 페이지의 설정만으로 판정합니다(조사의 참고 사항에도 적혀
# 있습니다). 그래서 `02`가 기능을 위해 연결한 정책은 여기서 `ecsInstanceRole`의 `extra` 발견
# 사항으로 나옵니다. 기능을 알려 준 `05`의 감사에서는 발견 사항이 없었습니다.

# %% tags=["summary"]
survey(form.session, region, lang=lang)

# %% [markdown]
# ## The role as code: export it
#
# The same plan exports several ways, all written next to this notebook in `exports/` (the
# form's **Export** button does the same):
#
# - `ecsrole-setup.sh`, the AWS CLI commands of the page, as corrected, in its order, each
#   guarded by a read so that running the script again changes nothing, with the JSON
#   documents written beside it as the page does;
# - `ecsrole-role.cfn.yaml`, an AWS CloudFormation template of the role, its instance profile,
#   the customer managed policy and the private bucket, and the follow-up script for what
#   CloudFormation cannot express (the per-role `awsvpcTrunking` setting, uploading `ecs.config`);
# - `ecsrole-role.tf`, the same resources in Terraform.
#
# To roll the role out to many accounts, AWS CloudFormation StackSets deploys the template to
# each account, in one Region per account (IAM is global: a second Region would collide on the
# role's name). The recipe below is the self-managed form; `organization=True` gives the
# service-managed, organisation-wide one.

# %% [markdown] lang=ko
# ## 코드로 만드는 역할: 내보내기
#
# 같은 계획을 여러 형식으로 내보냅니다. 모두 이 노트북 옆의 `exports/`에 씁니다(폼의
# **내보내기** 버튼도 똑같이 내보냅니다).
#
# - `ecsrole-setup.sh`: 페이지의 AWS CLI 명령을 바로잡은 내용으로, 페이지의 순서대로 담은
#   스크립트입니다. 각 명령은 먼저 읽기로 확인한 뒤 실행하므로, 스크립트를 다시 실행해도
#   아무것도 바뀌지 않습니다. 페이지처럼 JSON 문서를 스크립트 옆에 파일로 씁니다.
# - `ecsrole-role.cfn.yaml`: 역할, 인스턴스 프로파일, 고객 관리형 정책, 프라이빗 버킷을 담은
#   AWS CloudFormation 템플릿입니다. CloudFormation으로 표현할 수 없는 것(역할별
#   `awsvpcTrunking` 설정, `ecs.config` 업로드)을 처리하는 후속 스크립트도 함께 씁니다.
# - `ecsrole-role.tf`: 같은 리소스를 Terraform으로 적은 것입니다.
#
# 역할을 여러 계정에 배포하려면 AWS CloudFormation StackSets로 템플릿을 각 계정에 배포합니다.
# 계정마다 리전 하나에만 배포합니다. IAM은 글로벌 서비스이므로 두 번째 리전에 배포하면 역할
# 이름이 충돌합니다. 아래 절차는 자체 관리형 방식입니다. `organization=True`를 지정하면
# 조직 전체에 배포하는 서비스 관리형 방식이 됩니다.

# %%
form.export("exports")
