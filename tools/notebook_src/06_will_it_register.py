# ruff: noqa: B018 - the last expression of a cell is what the notebook displays
# The source of a notebook: tools/build_notebooks.py writes and executes it (make notebooks).
# %% [markdown]
# # 06 · Will it register? Diagnose, break, fix
#
# The audit of `05_audit` proves that the AWS Identity and Access Management (IAM) role, its
# instance profile and its policies *exist*. It cannot say whether an Amazon Elastic Compute
# Cloud (Amazon EC2) instance holding them will *work*: register with the Amazon Elastic
# Container Service (Amazon ECS) cluster, poll for tasks, pull images, write logs, read
# `ecs.config`. "My instance never shows up in the cluster" is the problem people report most
# often with this role.
#
# This notebook answers the question two ways:
#
# - **The doctor** reads the role (trust policy, every attached policy's default version,
#   inline policies, permissions boundary) and the instance profiles that hold it, then
#   evaluates every call the Amazon ECS container agent makes with the role, with the resource
#   and the request context the agent sends, by IAM's documented evaluation logic. A failing
#   row says what the instance would see, in AWS's words, the cause and the fix. On AWS it also
#   asks IAM's own policy simulator and shows both answers side by side.
# - **The launch** runs an instance with the instance profile on the sandbox and plays the
#   agent: Amazon EC2 assumes the role, the user data copies `ecs.config`, and the agent's
#   calls are made in order, each evaluated first. On AWS the launch would start a billed
#   instance, so this notebook only shows its commands there.
#
# Then seven exercises break a role of their own (`ecsDoctorDemoRole`, on the sandbox only)
# the ways people do: the symptom, a question to check your understanding, the doctor's
# diagnosis, the fix through the form, and the doctor green again.

# %% [markdown] lang=ko
# # 06 · 등록될까? 진단하고, 망가뜨리고, 고치기
#
# `05_audit`의 감사는 AWS Identity and Access Management(IAM) 역할과 그 인스턴스
# 프로파일, 정책이 *있다*는 것을 증명합니다. 하지만 이들을 가진 Amazon Elastic Compute
# Cloud(Amazon EC2) 인스턴스가 실제로 *동작할지*는 알려 주지 못합니다. 동작한다는 것은
# Amazon Elastic Container Service(Amazon ECS) 클러스터에 등록하고, 작업을 폴링하고,
# 이미지를 가져오고, 로그를 쓰고, `ecs.config`를 읽는 것입니다. "인스턴스가 클러스터에
# 나타나지 않습니다"는 이 역할과 관련해 가장 자주 보고되는 문제입니다.
#
# 이 노트북은 이 질문에 두 가지 방법으로 답합니다.
#
# - **doctor**(진단 도구)는 역할(신뢰 정책, 연결된 모든 정책의 기본 버전, 인라인 정책,
#   권한 경계)과 이 역할을 가진 인스턴스 프로파일을 읽습니다. 그런 다음 Amazon ECS 컨테이너
#   에이전트가 이 역할로 하는 모든 호출을 평가합니다. 에이전트가 보내는 리소스와 요청
#   컨텍스트를 사용하며, IAM이 문서로 밝힌 평가 로직을 따릅니다. 실패한 행에는 인스턴스가
#   보게 될 내용이 AWS의 표현 그대로 나오고, 원인과 해결 방법도 함께 나옵니다. AWS에서는
#   IAM 자체의 정책 시뮬레이터에도 물어보고 두 답을 나란히 보여 줍니다.
# - **인스턴스 시작**(launch)은 샌드박스에서 인스턴스 프로파일로 인스턴스를 실행하고
#   에이전트를 흉내 냅니다. Amazon EC2가 역할을 수임하고, 사용자 데이터가 `ecs.config`를
#   복사하고, 에이전트의 호출이 순서대로 이루어집니다. 각 호출은 먼저 평가됩니다. AWS에서
#   시작하면 요금이 부과되는 인스턴스가 시작되므로, 이 노트북은 AWS에서는 명령만 보여 줍니다.
#
# 그다음 일곱 개의 연습에서 연습 전용 역할(`ecsDoctorDemoRole`, 샌드박스에서만)을 사람들이
# 흔히 저지르는 방식으로 망가뜨립니다. 각 연습은 증상, 이해를 확인하는 질문, doctor의 진단,
# 양식을 통한 해결, 다시 녹색으로 돌아온 doctor 순서로 진행됩니다.

# %% tags=["parameters"]
target: str = "sandbox"  # "sandbox" (embedded moto server, no account) or "aws" (standard credential chain)
region: str = "us-east-1"  # AWS Region of the session, the cluster and the ARNs
role_name: str = "ecsInstanceRole"  # the container instance role of 01 and 02
instance_profile_name: str = ""  # "" means <role_name>-profile, as the AWS CLI steps name it
features: list[str] = ["ecr", "s3_config", "cloudwatch_logs"]  # the features the role serves
least_privilege: bool = False  # whether the role holds the least-privilege grants (as 02 ran)
config_bucket: str = ""  # private bucket for ecs.config; empty: ecsrole-guide-config-<your account id> (bucket names are global)
cluster_name: str = "default"  # the cluster ecs.config names (ECS_CLUSTER)
show_answers: bool = False  # True: show the answers of the questions (for a headless run)
lang: str = "en"  # "en" or "ko": language of the form's labels, the buttons and the titles

# %%
from ecsrole_lib import AgentConfig, doctor, launch
from ecsrole_lib.diagnose.launch import launch_plan
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.teaching.exercises import cleanup, exercise
from ecsrole_lib.teaching.guide import ensure_on_sandbox, guide_roles

form = RoleForm(target=target, region=region, role_name=role_name,
                instance_profile_name=instance_profile_name, features=features,
                least_privilege=least_privilege, config_bucket=config_bucket,
                cluster_name=cluster_name, lang=lang, action="audit")
form

# %% [markdown]
# ## Who and where

# %% [markdown] lang=ko
# ## 누구로, 어디에서

# %%
form.whoami()

# %% [markdown]
# ## The role of 01 and 02
#
# On the sandbox, a run alone makes it first; after `01` to `04` this writes nothing. On AWS
# nothing is created: the doctor reads what is there.

# %% [markdown] lang=ko
# ## 01과 02의 역할
#
# 샌드박스에서 이 노트북만 단독으로 실행하면 먼저 역할을 만듭니다. `01`부터 `04`까지 실행한
# 뒤라면 아무것도 쓰지 않습니다. AWS에서는 아무것도 만들지 않습니다. doctor는 있는 것을
# 읽습니다.

# %%
ensure_on_sandbox(form.session, guide_roles(form.spec))

# %% [markdown]
# ## The doctor
#
# One row per question, in the order an instance meets them: may Amazon EC2 assume the role
# (the trust policy), does an instance profile hold it, then each call of the agent. `ok` rows
# name the policy and statement that allow the call; `info` rows are worth knowing but break
# nothing.
#
# **Least privilege, honestly.** An identity's effective permissions are the *union* of all its
# policies. `AmazonEC2ContainerServiceforEC2Role` allows `logs:CreateLogStream` and
# `logs:PutLogEvents` on `*`, so a CloudWatch Logs policy scoped to one account and Region
# narrows nothing while the managed policy is attached; the doctor says so in a
# `least_privilege:` row.

# %% [markdown] lang=ko
# ## doctor
#
# 질문 하나가 한 행이며, 인스턴스가 마주치는 순서대로 나옵니다. 먼저 Amazon EC2가 역할을
# 수임할 수 있는지(신뢰 정책), 인스턴스 프로파일이 역할을 담고 있는지 확인하고, 그다음
# 에이전트의 호출을 하나씩 확인합니다. `ok` 행은 호출을 허용하는 정책과 문(statement)을
# 알려 줍니다. `info` 행은 알아 둘 만한 내용이지만 아무것도 망가뜨리지 않습니다.
#
# **최소 권한을 정직하게.** 자격 증명의 유효 권한은 그 자격 증명이 가진 모든 정책의
# *합집합*입니다. `AmazonEC2ContainerServiceforEC2Role`은 `*`에 대해
# `logs:CreateLogStream`과 `logs:PutLogEvents`를 허용합니다. 따라서 이 관리형 정책이
# 연결되어 있는 동안에는 계정 하나와 리전 하나로 범위를 좁힌 CloudWatch Logs 정책이
# 아무것도 좁히지 못합니다. doctor는 `least_privilege:` 행에서 이를 알려 줍니다.

# %% tags=["summary"]
doctor(form.spec, form.session, AgentConfig(), lang=lang)

# %% [markdown]
# ## Launch an instance with the instance profile
#
# What comes after the page: an instance launched with `--iam-instance-profile`, and user data
# that writes `ecs.config` (or copies it from the private bucket). The person who launches needs
# `iam:PassRole` on the role, not the role's own permissions.

# %% [markdown] lang=ko
# ## 인스턴스 프로파일로 인스턴스 시작
#
# AWS 페이지가 끝난 뒤에 오는 단계입니다. `--iam-instance-profile`로 인스턴스를 시작하고,
# 사용자 데이터가 `ecs.config`를 씁니다(또는 프라이빗 버킷에서 복사합니다). 인스턴스를
# 시작하는 사람에게 필요한 것은 역할 자체의 권한이 아니라 그 역할에 대한 `iam:PassRole`입니다.

# %%
launch_plan(form.spec)

# %% [markdown]
# On the sandbox the next cell runs it and plays the agent; the last row is
# `aws ecs list-container-instances` listing the new container instance. On AWS it only shows
# the commands (`launch(spec, session, on_aws="run")` starts the instance). `99_cleanup`
# terminates the instance and deregisters it.

# %% [markdown] lang=ko
# 샌드박스에서는 다음 셀이 이를 실행하고 에이전트를 흉내 냅니다. 마지막 행은 새 컨테이너
# 인스턴스를 나열하는 `aws ecs list-container-instances`입니다. AWS에서는 명령만 보여
# 줍니다(`launch(spec, session, on_aws="run")`을 쓰면 인스턴스가 시작됩니다).
# `99_cleanup`은 이 인스턴스를 종료하고 등록을 취소합니다.

# %%
launch(form.spec, form.session, on_aws="show")

# %% [markdown]
# ## Exercise 1: the trust policy names the wrong service
#
# Someone wrote the trust policy from memory: `ecs.amazonaws.com`, the service the role is "for".
# Each exercise first makes its role right with the guide, then breaks it, on the sandbox only.

# %% [markdown] lang=ko
# ## 연습 1: 신뢰 정책에 잘못된 서비스가 지정됨
#
# 누군가 기억에 의존해 신뢰 정책을 작성했습니다. 이 역할이 "위한" 서비스라고 생각한
# `ecs.amazonaws.com`을 넣은 것입니다.
# 각 연습은 먼저 가이드로 역할을 올바르게 만든 다음 망가뜨립니다. 샌드박스에서만 진행합니다.

# %%
trust = exercise("wrong_trust", lang)
trust.break_it(form.session, region)

# %%
trust.symptom(form.session, region)

# %%
trust.question(show_answers)

# %%
doctor(trust.spec(region), form.session, trust.agent, lang=lang)

# %% [markdown]
# The fix: the form applies the role's spec; the role is the guide's, so apply restores the
# documented trust policy.

# %% [markdown] lang=ko
# 해결 방법: 양식이 역할의 사양을 적용합니다. 이 역할은 가이드의 역할이므로, 적용하면
# 문서에 나온 신뢰 정책이 복원됩니다.

# %%
trust.fix(form)

# %%
doctor(trust.spec(region), form.session, trust.agent, lang=lang)

# %% [markdown]
# ## Exercise 2: an empty instance profile
#
# The role is right, and so is the instance profile's name in `run-instances`; but the role was
# never added to the profile (the console does it for you, the AWS CLI does not).

# %% [markdown] lang=ko
# ## 연습 2: 빈 인스턴스 프로파일
#
# 역할은 올바르고, `run-instances`에 넣은 인스턴스 프로파일 이름도 올바릅니다. 하지만 역할이
# 프로파일에 추가된 적이 없습니다(콘솔은 이를 자동으로 해 주지만 AWS CLI는 그렇지 않습니다).

# %%
profile = exercise("empty_profile", lang)
profile.break_it(form.session, region)

# %%
profile.symptom(form.session, region)

# %%
profile.question(show_answers)

# %%
doctor(profile.spec(region), form.session, profile.agent, lang=lang)

# %%
profile.fix(form)

# %%
doctor(profile.spec(region), form.session, profile.agent, lang=lang)

# %% [markdown]
# ## Exercise 3: a hand-copied policy that fell behind
#
# A team copied `AmazonEC2ContainerServiceforEC2Role` into an inline policy years ago and
# detached the managed one. Now the instances set `ECS_CONTAINER_INSTANCE_TAGS`, so the agent
# registers with tags.

# %% [markdown] lang=ko
# ## 연습 3: 뒤처진 수동 복사 정책
#
# 몇 년 전 한 팀이 `AmazonEC2ContainerServiceforEC2Role`을 인라인 정책으로 복사하고 관리형
# 정책은 분리했습니다. 이제 인스턴스가 `ECS_CONTAINER_INSTANCE_TAGS`를 설정하므로,
# 에이전트는 태그와 함께 등록합니다.

# %%
stale = exercise("stale_copy", lang)
stale.break_it(form.session, region)

# %%
stale.symptom(form.session, region)

# %%
stale.question(show_answers)

# %%
doctor(stale.spec(region), form.session, stale.agent, lang=lang)

# %% [markdown]
# The fix: delete the copy (apply keeps what it did not write), then the form attaches the
# managed policy again, which AWS keeps current.

# %% [markdown] lang=ko
# 해결 방법: 복사본을 삭제합니다(적용은 자신이 쓰지 않은 것을 그대로 둡니다). 그런 다음
# 양식이 관리형 정책을 다시 연결합니다. 관리형 정책은 AWS가 최신 상태로 유지합니다.

# %%
stale.fix(form)

# %%
doctor(stale.spec(region), form.session, stale.agent, lang=lang)

# %% [markdown]
# ## Exercise 4: an explicit deny
#
# A guardrail policy meant for people (`Deny ecs:Register*`) was attached to the instance role.

# %% [markdown] lang=ko
# ## 연습 4: 명시적 거부
#
# 사람에게 적용하려던 가드레일 정책(`Deny ecs:Register*`)이 인스턴스 역할에 연결되었습니다.

# %%
deny = exercise("explicit_deny", lang)
deny.break_it(form.session, region)

# %%
deny.symptom(form.session, region)

# %%
deny.question(show_answers)

# %%
doctor(deny.spec(region), form.session, deny.agent, lang=lang)

# %%
deny.fix(form)

# %%
doctor(deny.spec(region), form.session, deny.agent, lang=lang)

# %% [markdown]
# ## Exercise 5: a permissions boundary without `ecs:*`
#
# The account requires a permissions boundary on every role, and the boundary was written for
# roles that only read Amazon S3 and write logs.

# %% [markdown] lang=ko
# ## 연습 5: `ecs:*`가 없는 권한 경계
#
# 이 계정은 모든 역할에 권한 경계를 요구합니다. 그런데 그 경계는 Amazon S3를 읽고 로그를
# 쓰기만 하는 역할을 위해 작성되었습니다.

# %%
boundary = exercise("boundary", lang)
boundary.break_it(form.session, region)

# %%
boundary.symptom(form.session, region)

# %%
boundary.question(show_answers)

# %%
doctor(boundary.spec(region), form.session, boundary.agent, lang=lang)

# %% [markdown]
# The fix here removes the boundary (the spec has none). Where a boundary is required, add the
# agent's actions (`ecs:*` for the agent's calls) to it instead.

# %% [markdown] lang=ko
# 여기서는 경계를 제거해서 해결합니다(사양에는 경계가 없습니다). 경계가 필수인 곳에서는
# 경계를 제거하는 대신 에이전트의 작업(action)을 경계에 추가하십시오(에이전트의 호출에는
# `ecs:*`).

# %%
boundary.fix(form)

# %%
doctor(boundary.spec(region), form.session, boundary.agent, lang=lang)

# %% [markdown]
# ## Exercise 6: a scoped policy that breaks Amazon ECS Service Connect
#
# A least-privilege policy replaced the managed one: `ecs:Poll` only with the condition
# `ecs:cluster` equal to the cluster. The instance registers and runs tasks, until a service
# uses Service Connect.

# %% [markdown] lang=ko
# ## 연습 6: Amazon ECS Service Connect를 망가뜨리는 범위 제한 정책
#
# 최소 권한 정책이 관리형 정책을 대체했습니다. 이 정책은 `ecs:cluster` 조건이 해당 클러스터와
# 같을 때만 `ecs:Poll`을 허용합니다. 인스턴스는 등록되고 작업도 실행합니다. 어떤 서비스가
# Service Connect를 사용하기 전까지는 그렇습니다.

# %%
scoped = exercise("scoped_poll", lang)
scoped.break_it(form.session, region)

# %%
scoped.symptom(form.session, region)

# %%
scoped.question(show_answers)

# %%
doctor(scoped.spec(region), form.session, scoped.agent, lang=lang)

# %% [markdown]
# The fix attaches the managed policy again. The scoped policy stays, and now narrows nothing:
# the doctor's `least_privilege:` row says so.

# %% [markdown] lang=ko
# 해결 방법은 관리형 정책을 다시 연결하는 것입니다. 범위 제한 정책은 그대로 남지만, 이제는
# 아무것도 좁히지 못합니다. doctor의 `least_privilege:` 행이 이를 알려 줍니다.

# %%
scoped.fix(form)

# %%
doctor(scoped.spec(region), form.session, scoped.agent, lang=lang)

# %% [markdown]
# ## Exercise 7: `ecs.config` unreadable
#
# The role reads `ecs.config` through the least-privilege policy `ecs-config-read`, which names
# one object. Someone pointed it at another key.

# %% [markdown] lang=ko
# ## 연습 7: 읽을 수 없는 `ecs.config`
#
# 이 역할은 최소 권한 정책 `ecs-config-read`를 통해 `ecs.config`를 읽습니다. 이 정책에는
# 객체 하나만 지정되어 있습니다. 누군가 이 정책이 다른 키를 가리키도록 바꾸었습니다.

# %%
config = exercise("config_unreadable", lang)
config.break_it(form.session, region)

# %%
config.symptom(form.session, region)

# %%
config.question(show_answers)

# %%
doctor(config.spec(region), form.session, config.agent, lang=lang)

# %%
config.fix(form)

# %%
doctor(config.spec(region), form.session, config.agent, lang=lang)

# %% [markdown]
# ## Clean up the exercise role
#
# Its instances are terminated and deregistered, its cluster deleted once empty, its bucket, its
# policies and the boundary policy removed. The instance of the guide's own role stays for
# `99_cleanup`.

# %% [markdown] lang=ko
# ## 연습 역할 정리
#
# 연습 역할의 인스턴스는 종료되고 등록이 취소됩니다. 그 클러스터는 비면 삭제되고, 버킷과
# 정책, 경계 정책도 제거됩니다. 가이드 자체 역할의 인스턴스는 `99_cleanup`에서 정리하도록
# 남겨 둡니다.

# %%
cleanup(form.session, region)
