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
# how to fix it.
#
# In `make guide` this notebook audits what `01` to `04` made; run alone on the sandbox, it first
# makes the same. The survey of every container instance role in the account and the exports
# (AWS CLI script, AWS CloudFormation, StackSets, Terraform) are in `07_beyond_the_page`.

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
# 어떻게 고치는지를 설명합니다.
#
# `make guide`에서 이 노트북은 `01`부터 `04`까지의 노트북이 만든 것을 감사합니다. 샌드박스에서
# 이 노트북만 실행하면 먼저 같은 것을 만듭니다. 계정의 모든 컨테이너 인스턴스 역할 조사와
# 내보내기(AWS CLI 스크립트, AWS CloudFormation, StackSets, Terraform)는 `07_beyond_the_page`에
# 있습니다.

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

# %% lang=ko tags=["parameters"]
target: str = "sandbox"  # "sandbox"(내장 moto 서버, 계정 불필요) 또는 "aws"(표준 자격 증명 체인)
region: str = "us-east-1"  # 세션과 ARN의 AWS 리전
role_name: str = "ecsInstanceRole"  # 감사할 컨테이너 인스턴스 역할
instance_profile_name: str = ""  # ""이면 <role_name>-profile (AWS CLI 단계가 붙이는 이름)
instance_kind: str = "ec2"  # "ec2"(Amazon EC2 인스턴스) 또는 "external"(Amazon ECS Anywhere)
features: list[str] = ["ecr", "s3_config", "cloudwatch_logs"]  # 역할이 지원해야 할 기능
least_privilege: bool = False  # 역할에 최소 권한이 있어야 하는지
config_bucket: str = ""  # ecs.config를 둘 비공개 버킷. 비워 두면 ecsrole-guide-config-<계정 ID>(버킷 이름은 전역에서 고유)
cluster_name: str = "default"  # ecs.config가 지정해야 할 클러스터
trunking: bool = False  # 역할에 awsvpcTrunking이 켜져 있어야 하는지
lang: str = "ko"  # "en" 또는 "ko": 단계 제목, 보고서와 발견 사항의 언어
show_answers: bool = False  # True이면 "이해도 확인"의 답을 모두 보여 줍니다(papermill 등으로 자동 실행할 때)

# %% [markdown]
# ## Who and where, and the roles the guide makes
#
# On the sandbox, a run alone makes the roles of `01` to `04` first; after them this writes
# nothing. On AWS nothing is created: the audit reads what is there.

# %% [markdown] lang=ko
# ## 누가, 어디에서, 그리고 가이드가 만드는 역할
#
# 샌드박스에서 이 노트북만 실행하면 먼저 `01`부터 `04`까지의 역할을 만듭니다. 그 노트북들을
# 실행한 뒤라면 아무것도 쓰지 않습니다. AWS에서는 아무것도 생성하지 않으며, 감사는 이미 있는
# 것을 읽습니다.

# %%
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.notebook.quiz import Question
from ecsrole_lib.notebook.views import explain, sandbox_limits
from ecsrole_lib.teaching.guide import broken_demo, ensure_on_sandbox, guide_roles

form = RoleForm(target=target, region=region, role_name=role_name,
                instance_profile_name=instance_profile_name, instance_kind=instance_kind,
                features=features, least_privilege=least_privilege, config_bucket=config_bucket,
                cluster_name=cluster_name, trunking=trunking, lang=lang, action="audit")
form.whoami()

# %%
roles = guide_roles(form.spec)
form.view(ensure_on_sandbox(form.session, roles))

# %% [markdown]
# ## Audit the container instance role
#
# This cell does what the form's **Audit** button does (`form` alone in a cell shows the form).

# %% [markdown] lang=ko
# ## 컨테이너 인스턴스 역할 감사
#
# 이 셀은 양식의 **감사** 버튼과 같은 일을 합니다(셀에 `form`만 입력해 실행하면 양식이 나타납니다).

# %% tags=["summary"]
form.run()

# %% [markdown]
# ## A role with problems
#
# A role broken in the four ways the audit explains most often (the table below). It is built on
# the sandbox only, never in an AWS account, and carries the guide's tag, so `99_cleanup`
# removes it. The audit checks it against what it should be: an Amazon Elastic Compute Cloud
# (Amazon EC2) container instance role that pulls images from Amazon Elastic Container Registry
# (Amazon ECR). On AWS the demo role is not built, and every step reads `missing`.

# %% [markdown] lang=ko
# ## 문제가 있는 역할
#
# 감사가 가장 자주 설명하는 네 가지 문제를 모두 가진 역할입니다(아래 표). 이 역할은
# 샌드박스에서만 만들고 AWS 계정에는 절대 만들지 않습니다. 가이드의 태그가 붙어 있으므로
# `99_cleanup`이 제거합니다. 감사는 이 역할을 원래 있어야 할 모습, 즉 Amazon Elastic Container
# Registry(Amazon ECR)에서 이미지를 가져오는 Amazon Elastic Compute Cloud(Amazon EC2) 컨테이너
# 인스턴스 역할과 비교합니다. AWS에서는 데모 역할을 만들지 않으므로 모든 단계가 `missing`으로
# 나옵니다.

# %%
demo = broken_demo(form.session, region)
form.view(demo)

# %% [markdown]
# Each finding of its audit, explained:

# %% [markdown] lang=ko
# 감사의 각 발견 사항과 그 설명입니다.

# %%
explain(form.audit(demo.spec))

# %%
Question("q_drift_conflict", show_answers=show_answers, lang=lang)

# %% [markdown]
# ### The picture
#
# The role, who may assume it, its instance profile and its policies, coloured by what the audit
# found. Red is wrong or missing (dashed), amber is extra. Apply would fix the trust policy (the
# role is the guide's), make the instance profile and attach the managed policy; it never removes
# the extra policy: that is for a person to decide.
#
# An audit reads documents: it does not evaluate service control policies, permissions
# boundaries set by others, or session policies.

# %% [markdown] lang=ko
# ### 그림
#
# 역할, 역할을 수임할 수 있는 보안 주체, 인스턴스 프로파일, 정책을 감사 결과에 따라 색으로
# 구분해 보여 줍니다. 빨간색은 잘못되었거나 없는 것(점선)이고, 주황색은 추가된 것입니다. 적용을 실행하면 신뢰
# 정책을 고치고(가이드가 만든 역할이므로), 인스턴스 프로파일을 만들고, 관리형 정책을
# 연결합니다. 추가 정책은 절대 제거하지 않습니다. 그것은 사람이 결정할 일입니다.
#
# 감사는 문서를 읽습니다. 서비스 제어 정책, 다른 사람이 설정한 권한 경계, 세션 정책은 평가하지
# 않습니다.

# %%
form.picture(demo.spec)

# %%
sandbox_limits("policy_simulator", "ssm_activation", lang=lang)
