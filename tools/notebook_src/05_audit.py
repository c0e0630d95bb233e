# ruff: noqa: B018 - the last expression of a cell is what the notebook displays
# The source of a notebook: tools/build_notebooks.py writes and executes it (make notebooks).
# %% [markdown]
# # 05 · Audit an existing container instance role
#
# An audit reads what AWS holds for an Amazon Elastic Container Service (Amazon ECS) container
# instance role in AWS Identity and Access Management (IAM), and compares it with the plan, step
# by step, without writing anything. Each step reports one of:
#
# | outcome | meaning |
# | --- | --- |
# | `ok` | the target holds what the step asks for |
# | `missing` | the step's resource or permission is not there |
# | `drift` | something the guide made was changed since (*drift*: what exists has drifted away from what was planned, by a hand edit or another tool) |
# | `conflict` | something not made by the guide stands in the way |
# | `extra` | the role holds a policy the plan does not name |
# | `info` | nothing to check after the fact (a wait, a lookup) |
#
# Anything but `ok` and `info` is a *finding*, and each finding is explained: what it breaks, and
# how to fix it. The picture shows the role, who may assume it, its instance profile and its
# policies, coloured by what the audit found.
#
# In `make guide` this notebook audits what `01` to `04` made. Run alone on the sandbox, it first
# makes the same (idempotently). To show real findings, it also builds, on the sandbox only, a
# role that is broken on purpose.

# %% [markdown] lang=ko
# # 05 · 기존 컨테이너 인스턴스 역할 감사
#
# 감사는 AWS Identity and Access Management(IAM)에 있는
# Amazon Elastic Container Service(Amazon ECS) 컨테이너 인스턴스 역할을 AWS에서 읽어, 계획과
# 단계별로 비교합니다. 감사는 아무것도 쓰지 않습니다. 각 단계는 다음 결과 중 하나를 보고합니다.
#
# | 결과 | 의미 |
# | --- | --- |
# | `ok` | 단계가 요구하는 내용이 대상에 있습니다 |
# | `missing` | 단계의 리소스나 권한이 없습니다 |
# | `drift` | 가이드가 만든 것이 그 뒤에 변경되었습니다(*드리프트*: 수동 편집이나 다른 도구 때문에 실제 상태가 계획에서 벗어난 것) |
# | `conflict` | 가이드가 만들지 않은 것이 가로막고 있습니다 |
# | `extra` | 계획에 없는 정책이 역할에 있습니다 |
# | `info` | 사후에 확인할 것이 없습니다(대기, 조회) |
#
# `ok`와 `info`를 제외한 결과는 모두 *발견 사항*입니다. 발견 사항마다 무엇이 잘못되는지,
# 어떻게 고치는지를 설명합니다. 그림은 역할, 역할을 수임할 수 있는 보안 주체, 인스턴스
# 프로파일, 정책을 보여 주며, 감사에서 발견한 내용에 따라 색으로 구분합니다.
#
# `make guide`에서 이 노트북은 `01`부터 `04`까지의 노트북이 만든 것을 감사합니다. 샌드박스에서
# 이 노트북만 실행하면 먼저 같은 것을 멱등적으로 만듭니다. 실제 발견 사항을 보여 주기 위해,
# 일부러 잘못 구성한 역할도 샌드박스에서만 만듭니다.

# %% tags=["parameters"]
target: str = "sandbox"  # "sandbox" (embedded moto server, no account) or "aws" (standard credential chain)
region: str = "us-east-1"  # AWS Region of the session and of the ARNs
role_name: str = "ecsInstanceRole"  # the container instance role to audit
instance_profile_name: str = ""  # "" means <role_name>-profile, as the AWS CLI steps name it
instance_kind: str = "ec2"  # "ec2" (Amazon EC2 instances) or "external" (Amazon ECS Anywhere)
features: list[str] = ["ecr", "s3_config", "cloudwatch_logs"]  # the features the role should serve
least_privilege: bool = False  # whether the role should hold the least-privilege grants
config_bucket: str = ""  # private bucket for ecs.config; empty: ecsrole-guide-config-<your account id> (bucket names are global)
cluster_name: str = "default"  # the cluster ecs.config should name
trunking: bool = False  # whether awsvpcTrunking should be enabled for the role
lang: str = "en"  # "en" or "ko": language of step titles, reports and findings
show_answers: bool = False  # True: every "check your understanding" answer shows (a headless run)

# %%
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.notebook.quiz import Question
from ecsrole_lib.notebook.views import explain, sandbox_limits
from ecsrole_lib.teaching.guide import (
    ANYWHERE_ROLE,
    TRUNKING_ROLE,
    broken_demo,
    ensure_on_sandbox,
    guide_roles,
)

form = RoleForm(target=target, region=region, role_name=role_name,
                instance_profile_name=instance_profile_name, instance_kind=instance_kind,
                features=features, least_privilege=least_privilege, config_bucket=config_bucket,
                cluster_name=cluster_name, trunking=trunking, lang=lang, action="audit")
form

# %% [markdown]
# ## Who and where

# %% [markdown] lang=ko
# ## 누가, 어디에서

# %%
form.whoami()

# %% [markdown]
# ## The roles the guide makes
#
# On the sandbox, a run alone makes them first; after `01` to `04` this writes nothing. On AWS
# nothing is created: the audit reads what is there.

# %% [markdown] lang=ko
# ## 가이드가 만드는 역할
#
# 샌드박스에서 이 노트북만 실행하면 먼저 이 역할들을 만듭니다. `01`부터 `04`까지 실행한 뒤라면
# 아무것도 쓰지 않습니다. AWS에서는 아무것도 생성하지 않으며, 감사는 이미 있는 것을 읽습니다.

# %%
roles = guide_roles(form.spec)
form.view(roles)

# %%
form.view(ensure_on_sandbox(form.session, roles))

# %% [markdown]
# ## Audit the container instance role
#
# The form's button runs the audit; the next cell does exactly the same from the form's values.

# %% [markdown] lang=ko
# ## 컨테이너 인스턴스 역할 감사
#
# 폼의 버튼으로 감사를 실행합니다. 다음 셀도 폼의 값으로 똑같이 감사를 실행합니다.

# %% tags=["summary"]
form.run()

# %%
form.picture()

# %% [markdown]
# ## The other roles of the guide

# %% [markdown] lang=ko
# ## 가이드의 다른 역할

# %%
form.audit(roles[ANYWHERE_ROLE])

# %%
form.audit(roles[TRUNKING_ROLE])

# %% [markdown]
# ## A role with problems
#
# A role that is broken in the four ways the audit explains most often. It is built on the
# sandbox only (never in an AWS account) and carries the guide's tag, so `99_cleanup` removes it:
#
# - its trust policy names `ecs.amazonaws.com`, the Amazon ECS service, instead of Amazon Elastic
#   Compute Cloud (Amazon EC2);
# - it has no instance profile;
# - it lacks the feature permission for Amazon Elastic Container Registry (Amazon ECR)
#   (`AmazonEC2ContainerServiceforEC2Role`);
# - it holds an extra policy, `AmazonS3FullAccess`, that no container instance needs.
#
# The audit checks it against what it should be: an Amazon EC2 container instance role that
# pulls images from Amazon ECR. On AWS the demo role is not built, so the cells below audit a
# role that does not exist, and every step reads `missing`.

# %% [markdown] lang=ko
# ## 문제가 있는 역할
#
# 감사가 가장 자주 설명하는 네 가지 문제를 모두 가진 역할입니다. 이 역할은 샌드박스에서만
# 만들며(AWS 계정에는 절대 만들지 않습니다), 가이드의 태그가 붙어 있으므로 `99_cleanup`이
# 제거합니다.
#
# - 신뢰 정책이 Amazon Elastic Compute Cloud(Amazon EC2) 대신 Amazon ECS 서비스인
#   `ecs.amazonaws.com`을 지정합니다.
# - 인스턴스 프로파일이 없습니다.
# - Amazon Elastic Container Registry(Amazon ECR)에 필요한 기능
#   권한(`AmazonEC2ContainerServiceforEC2Role`)이 없습니다.
# - 어떤 컨테이너 인스턴스에도 필요 없는 추가 정책 `AmazonS3FullAccess`가 있습니다.
#
# 감사는 이 역할을 원래 있어야 할 모습, 즉 Amazon ECR에서 이미지를 가져오는 Amazon EC2 컨테이너
# 인스턴스 역할과 비교합니다. AWS에서는 데모 역할을 만들지 않으므로, 아래 셀은 존재하지 않는
# 역할을 감사하며 모든 단계가 `missing`으로 나옵니다.

# %%
demo = broken_demo(form.session, region)
form.view(demo)

# %%
findings = form.audit(demo.spec)
findings

# %% [markdown]
# ### Each finding explained

# %% [markdown] lang=ko
# ### 각 발견 사항에 대한 설명

# %%
explain(findings)

# %%
Question("q_drift_conflict", show_answers=show_answers, lang=lang)

# %% [markdown]
# ### The picture
#
# Red is wrong or missing (dashed), amber is extra. Apply would fix the trust policy (the role is
# the guide's), make the instance profile and attach the managed policy; it never removes the
# extra policy: that is for a person to decide.

# %% [markdown] lang=ko
# ### 그림
#
# 빨간색은 잘못되었거나 없는 것(점선)이고, 주황색은 추가된 것입니다. 적용을 실행하면 신뢰
# 정책을 고치고(가이드가 만든 역할이므로), 인스턴스 프로파일을 만들고, 관리형 정책을
# 연결합니다. 추가 정책은 절대 제거하지 않습니다. 그것은 사람이 결정할 일입니다.

# %%
form.picture(demo.spec)

# %% [markdown]
# ## Keep the result: export it
#
# The same plan exports two ways, both written next to this notebook in `exports/` (the
# form's **Export** button does the same):
#
# - `ecsrole-setup.sh`, the AWS CLI commands of the page, as corrected, in its order, each
#   guarded by a read so that running the script again changes nothing, with the JSON
#   documents written beside it as the page does;
# - `ecsrole-role.cfn.yaml`, an AWS CloudFormation template of the role, its instance profile,
#   the customer managed policy and the private bucket, and the follow-up script for what
#   CloudFormation cannot express (the per-role `awsvpcTrunking` setting, uploading `ecs.config`).
#
# To roll the role out to many accounts, AWS CloudFormation StackSets deploys the template to
# each account, in one Region per account (IAM is global: a second Region would collide on the
# role's name). The recipe below is the self-managed form; `organization=True` gives the
# service-managed, organisation-wide one.

# %% [markdown] lang=ko
# ## 결과 보관: 내보내기
#
# 같은 계획을 두 가지 형식으로 내보냅니다. 둘 다 이 노트북 옆의 `exports/`에 씁니다(폼의
# **내보내기** 버튼도 똑같이 내보냅니다).
#
# - `ecsrole-setup.sh`: 페이지의 AWS CLI 명령을 바로잡은 내용으로, 페이지의 순서대로 담은
#   스크립트입니다. 각 명령은 먼저 읽기로 확인한 뒤 실행하므로, 스크립트를 다시 실행해도
#   아무것도 바뀌지 않습니다. 페이지처럼 JSON 문서를 스크립트 옆에 파일로 씁니다.
# - `ecsrole-role.cfn.yaml`: 역할, 인스턴스 프로파일, 고객 관리형 정책, 프라이빗 버킷을 담은
#   AWS CloudFormation 템플릿입니다. CloudFormation으로 표현할 수 없는 것(역할별
#   `awsvpcTrunking` 설정, `ecs.config` 업로드)을 처리하는 후속 스크립트도 함께 씁니다.
#
# 역할을 여러 계정에 배포하려면 AWS CloudFormation StackSets로 템플릿을 각 계정에 배포합니다.
# 계정마다 리전 하나에만 배포합니다. IAM은 글로벌 서비스이므로 두 번째 리전에 배포하면 역할
# 이름이 충돌합니다. 아래 절차는 자체 관리형 방식입니다. `organization=True`를 지정하면
# 조직 전체에 배포하는 서비스 관리형 방식이 됩니다.

# %%
form.export("exports")

# %% [markdown]
# ## What an audit cannot see
#
# The audit reads documents: it does not evaluate service control policies, permissions
# boundaries set by others, or session policies, and the sandbox has no IAM policy simulator.

# %% [markdown] lang=ko
# ## 감사로 알 수 없는 것
#
# 감사는 문서를 읽습니다. 서비스 제어 정책, 다른 사람이 설정한 권한 경계, 세션 정책은 평가하지
# 않습니다. 또한 샌드박스에는 IAM 정책 시뮬레이터가 없습니다.

# %%
sandbox_limits("policy_simulator", "ssm_activation", lang=lang)

# %% [markdown]
# ## Every container instance role in the account
#
# A survey finds every role an instance could use with Amazon ECS: the roles that hold
# `AmazonEC2ContainerServiceforEC2Role`, and the roles trusted by Amazon EC2
# (`ec2.amazonaws.com`) or AWS Systems Manager (`ssm.amazonaws.com`) whose own policies allow
# `ecs:RegisterContainerInstance`, with the instance profiles that hold them. Each gets the
# audit's verdict against the documented setup for its kind. It only reads: the account is
# listed once, page by page, and each role found is read concurrently with the others, so a
# survey of a thousand roles takes seconds. For many accounts, `survey_organization` assumes a
# role in each account of an AWS Organizations organization and merges the surveys.

# %% [markdown] lang=ko
# ## 계정의 모든 컨테이너 인스턴스 역할
#
# 조사는 인스턴스가 Amazon ECS에서 사용할 수 있는 모든 역할을 찾습니다.
# `AmazonEC2ContainerServiceforEC2Role`을 보유한 역할과, Amazon EC2(`ec2.amazonaws.com`)나
# AWS Systems Manager(`ssm.amazonaws.com`)를 신뢰하면서 자체 정책이
# `ecs:RegisterContainerInstance`를 허용하는 역할을 찾고, 그 역할이 들어 있는 인스턴스
# 프로파일도 함께 찾습니다. 찾은 역할마다 그 종류에 맞게 문서화된 설정을 기준으로 감사 판정을
# 내립니다. 조사는 읽기만 합니다. 계정의 목록은 페이지 단위로 한 번만 가져오고, 찾은 역할은
# 동시에 읽으므로 역할이 천 개여도 몇 초면 조사가 끝납니다. 여러 계정을 조사하려면
# `survey_organization`을 사용합니다. 이 함수는 AWS Organizations 조직의 각 계정에서 역할을
# 수임하고, 계정별 조사 결과를 병합합니다.

# %%
from ecsrole_lib import survey

survey(form.session, region)
