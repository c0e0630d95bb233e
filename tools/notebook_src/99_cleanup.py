# ruff: noqa: B018 - the last expression of a cell is what the notebook displays
# The source of a notebook: tools/build_notebooks.py writes and executes it (make notebooks).
# %% [markdown]
# # 99 · Clean up: remove what the guide made, keep the rest
#
# Teardown undoes each plan in reverse order and removes only what the guide created: every
# resource it makes carries the tag `created-by=ecsrole-guide`. It **keeps** the rest, and says why:
#
# - a role, instance profile, policy or bucket that existed before the guide (no tag);
# - AWS managed policies such as `AmazonEC2ContainerServiceforEC2Role`: they belong to AWS, so
#   they are only detached, never deleted;
# - the account default of `awsvpcTrunking`: only the role's own setting is deleted;
# - a policy the guide did not attach to its role: teardown refuses that role before removing
#   anything (the demo role below); `force=True` detaches such a policy, never deletes it.
#
# With `dry_run=True` nothing is removed: each teardown cell shows an audit instead.
# %% [markdown] lang=ko
# # 99 · 정리: 가이드가 만든 것은 삭제하고, 나머지는 유지하기
#
# 정리(teardown)는 각 계획을 역순으로 되돌리며, 가이드가 만든 것만 삭제합니다. 가이드가 만드는
# 모든 리소스에는 `created-by=ecsrole-guide` 태그가 붙어 있습니다. 나머지는 **유지**하고, 그 이유를
# 함께 표시합니다.
#
# - 가이드 이전부터 있던 역할, 인스턴스 프로파일, 정책 또는 버킷(태그 없음)
# - `AmazonEC2ContainerServiceforEC2Role` 같은 AWS 관리형 정책: AWS 소유이므로 분리만 하고,
#   삭제하지 않습니다.
# - `awsvpcTrunking` 계정 기본 설정: 역할 자체의 설정만 삭제합니다.
# - 가이드가 역할에 연결하지 않은 정책: 정리는 아무것도 삭제하기 전에 그 역할을 거부합니다(아래의
#   데모 역할). `force=True`를 지정하면 이런 정책을 분리할 뿐, 삭제하지는 않습니다.
#
# `dry_run=True`로 실행하면 아무것도 삭제하지 않습니다. 대신 각 정리 셀이 감사 결과를 보여 줍니다.

# %% tags=["parameters"]
target: str = "sandbox"  # "sandbox" (embedded moto server, no account) or "aws" (standard credential chain)
region: str = "us-east-1"  # AWS Region of the session and of the ARNs
role_name: str = "ecsInstanceRole"  # the container instance role of 01 and 02
instance_profile_name: str = ""  # "" means <role_name>-profile, as the AWS CLI steps name it
features: list[str] = ["ecr", "s3_config", "cloudwatch_logs"]  # the features 02 added (their resources are removed)
least_privilege: bool = False  # as 02 ran: which S3 and CloudWatch Logs grants to remove
config_bucket: str = ""  # private bucket for ecs.config; empty: ecsrole-guide-config-<your account id> (bucket names are global)
cluster_name: str = "default"  # the cluster ecs.config names
dry_run: bool = False  # True: remove nothing; show what exists instead
lang: str = "en"  # "en" or "ko": language of step titles

# %% lang=ko tags=["parameters"]
target: str = "sandbox"  # "sandbox"(내장 moto 서버, 계정 불필요) 또는 "aws"(표준 자격 증명 체인)
region: str = "us-east-1"  # 세션과 ARN의 AWS 리전
role_name: str = "ecsInstanceRole"  # 01과 02의 컨테이너 인스턴스 역할
instance_profile_name: str = ""  # ""이면 <role_name>-profile (AWS CLI 단계가 붙이는 이름)
features: list[str] = ["ecr", "s3_config", "cloudwatch_logs"]  # 02가 추가한 기능(그 리소스를 제거합니다)
least_privilege: bool = False  # 02를 실행한 대로: 제거할 S3와 CloudWatch Logs 권한
config_bucket: str = ""  # ecs.config를 둘 비공개 버킷. 비워 두면 ecsrole-guide-config-<계정 ID>(버킷 이름은 전역에서 고유)
cluster_name: str = "default"  # ecs.config가 지정하는 클러스터
dry_run: bool = False  # True이면 아무것도 제거하지 않고, 대신 있는 것을 보여 줍니다
lang: str = "ko"  # "en" 또는 "ko": 단계 제목의 언어

# %%
from ecsrole_lib.errors import ConflictError
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.teaching.guide import (
    ANYWHERE_ROLE,
    TRUNKING_ROLE,
    broken_demo,
    ensure_on_sandbox,
    guide_roles,
    leftovers,
)

form = RoleForm(target=target, region=region, role_name=role_name,
                instance_profile_name=instance_profile_name, features=features,
                least_privilege=least_privilege, config_bucket=config_bucket,
                cluster_name=cluster_name, dry_run=dry_run, lang=lang, action="teardown")
form.whoami()

# %% [markdown]
# ## What the guide made
#
# On the sandbox, a run alone first makes it all, the broken demo role of `05_audit` included;
# after the other notebooks this writes nothing. On AWS nothing is created here.
# %% [markdown] lang=ko
# ## 가이드가 만든 것
#
# 샌드박스에서 이 노트북만 실행하면 먼저 모든 것을 만듭니다. `05_audit`의 잘못 구성된 데모 역할도
# 포함됩니다. 다른 노트북을 실행한 뒤라면 여기서는 아무것도 쓰지 않습니다. AWS에서는 여기서
# 아무것도 생성하지 않습니다.

# %%
roles = guide_roles(form.spec)
form.view(roles)

# %%
form.view(ensure_on_sandbox(form.session, roles, dry_run=dry_run))

# %%
demo = broken_demo(form.session, region, dry_run=dry_run)
form.view(demo)

# %% [markdown]
# ## The demo role of 05: refused, then forced
#
# The demo role carries the guide's tag, but it also holds `AmazonS3FullAccess`, which its plan
# does not attach. Without `force=True`, teardown refuses it before removing anything: removing
# the rest would leave the role half-removed.
# %% [markdown] lang=ko
# ## 05의 데모 역할: 거부된 뒤 강제로 정리하기
#
# 데모 역할에는 가이드의 태그가 붙어 있지만, 계획에서 연결하지 않는 `AmazonS3FullAccess`도
# 연결되어 있습니다. `force=True` 없이 정리하면 아무것도 삭제하기 전에 거부합니다. 나머지만
# 삭제하면 역할이 절반만 삭제된 채 남기 때문입니다.

# %%
try:
    form.teardown(demo.spec)
except ConflictError as refused:
    print(f"{type(refused).__name__}: {refused}")

# %% [markdown]
# Here the whole demo role, extra policy included, was made by the guide (`05_audit` built it
# broken on purpose), so `force=True` is right: it detaches everything and deletes the role. On
# AWS the demo role was never built, and there is nothing to do.
# %% [markdown] lang=ko
# 여기서는 추가 정책까지 포함해 데모 역할 전체를 가이드가 만들었습니다(`05_audit`에서 일부러 잘못
# 구성해 만들었습니다). 따라서 `force=True`가 맞습니다. 연결된 것을 모두 분리하고 역할을
# 삭제합니다. AWS에서는 데모 역할을 만든 적이 없으므로 할 일이 없습니다.

# %%
form.teardown(demo.spec, force=True)

# %% [markdown]
# ## The trunking role of 04
# %% [markdown] lang=ko
# ## 04의 트렁킹 역할

# %%
form.teardown(roles[TRUNKING_ROLE])

# %% [markdown]
# ## The ECS Anywhere role of 03
# %% [markdown] lang=ko
# ## 03의 Amazon ECS Anywhere 역할

# %%
form.teardown(roles[ANYWHERE_ROLE])

# %% [markdown]
# ## The container instance role of 01 and 02
#
# The form holds the values of 01 and 02, and its button tears this role down. The next cell
# does what a click does and shows the form, with the result under its button. Its tabs are
# closed here; click one to see the steps that were undone.
# %% [markdown] lang=ko
# ## 01과 02의 컨테이너 인스턴스 역할
#
# 양식에는 01과 02의 값이 들어 있고, 양식의 버튼으로 이 역할을 정리합니다. 다음 셀은 버튼을
# 클릭한 것과 같은 일을 하고 양식을 보여 줍니다. 결과는 버튼 아래에 표시됩니다. 여기서는 탭을
# 닫아 두었습니다. 탭을 클릭하면 되돌린 단계를 볼 수 있습니다.

# %%
form.run()
form.tabs.selected_index = None
form

# %% [markdown]
# ## What is left
#
# On the sandbox: everything there is (nothing, after a full run). On AWS: the guide's resources,
# by name; anything listed as *kept* was not made by the guide.
# %% [markdown] lang=ko
# ## 남은 것
#
# 샌드박스에서는 남아 있는 모든 것을 보여 줍니다(전체를 실행한 뒤라면 아무것도 없습니다). AWS에서는
# 가이드의 리소스를 이름으로 찾아 보여 줍니다. *유지*로 표시된 것은 가이드가 만든 것이 아닙니다.

# %% tags=["summary"]
form.view(leftovers(form.session, roles, region))
