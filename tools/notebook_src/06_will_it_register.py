# The source of a notebook: tools/build_notebooks.py writes and executes it (make notebooks).
# %% [markdown]
# # 06 · Will it register? Diagnose, break, fix
#
# The audit of `05_audit` proves that the AWS Identity and Access Management (IAM) role, its
# instance profile and its policies *exist*. Whether an Amazon Elastic Compute Cloud (Amazon
# EC2) instance holding them will *work* (register with the Amazon Elastic Container Service
# (Amazon ECS) cluster, poll for tasks, pull images, write logs, read `ecs.config`) is another
# question: "my instance never shows up in the cluster" is the problem people report most often
# with this role. This notebook answers it three ways: the doctor, a launch, and seven exercises
# in which you fix roles broken the way people break them.

# %% [markdown] lang=ko
# # 06 · 등록될까? 진단하고, 망가뜨리고, 고치기
#
# `05_audit`의 감사는 AWS Identity and Access Management(IAM) 역할과 인스턴스 프로파일, 정책이
# *있다*는 것을 증명합니다. 이들을 가진 Amazon Elastic Compute Cloud(Amazon EC2) 인스턴스가 실제로
# *동작할지*(Amazon Elastic Container Service(Amazon ECS) 클러스터에 등록하고, 작업을 폴링하고,
# 이미지를 가져오고, 로그를 쓰고, `ecs.config`를 읽을지)는 또 다른 질문입니다. "인스턴스가
# 클러스터에 나타나지 않습니다"는 이 역할과 관련해 가장 자주 보고되는 문제입니다. 이 노트북은 세
# 가지로 답합니다. doctor(진단 도구), 인스턴스 시작, 그리고 사람들이 흔히 망가뜨리는 방식으로 망가진
# 역할을 직접 고치는 연습 일곱 개입니다.

# %% tags=["parameters"]
target: str = "sandbox"  # "sandbox" (embedded moto server, no account) or "aws" (standard credential chain)
region: str = "us-east-1"  # AWS Region of the session, the cluster and the ARNs
role_name: str = "ecsInstanceRole"  # the container instance role of 01 and 02
instance_profile_name: str = ""  # "" means <role_name>-profile, as the AWS CLI steps name it
features: list[str] = ["ecr", "s3_config", "cloudwatch_logs"]  # the features the role serves
least_privilege: bool = False  # whether the role holds the least-privilege grants (as 02 ran)
config_bucket: str = ""  # private bucket for ecs.config; empty: ecsrole-guide-config-<your account id> (bucket names are global)
cluster_name: str = "default"  # the cluster ecs.config names (ECS_CLUSTER)
show_answers: bool = False  # True: show the answers and apply each exercise's reference fix (a headless run)
lang: str = "en"  # "en" or "ko": language of the form's labels, the buttons and the titles

# %% lang=ko tags=["parameters"]
target: str = "sandbox"  # "sandbox"(내장 moto 서버, 계정 불필요) 또는 "aws"(표준 자격 증명 체인)
region: str = "us-east-1"  # 세션, 클러스터와 ARN의 AWS 리전
role_name: str = "ecsInstanceRole"  # 01과 02의 컨테이너 인스턴스 역할
instance_profile_name: str = ""  # ""이면 <role_name>-profile (AWS CLI 단계가 붙이는 이름)
features: list[str] = ["ecr", "s3_config", "cloudwatch_logs"]  # 역할이 지원하는 기능
least_privilege: bool = False  # 역할에 최소 권한이 있는지(02를 실행한 대로)
config_bucket: str = ""  # ecs.config를 둘 비공개 버킷. 비워 두면 ecsrole-guide-config-<계정 ID>(버킷 이름은 전역에서 고유)
cluster_name: str = "default"  # ecs.config가 지정하는 클러스터(ECS_CLUSTER)
show_answers: bool = False  # True이면 답을 보여 주고 연습마다 모범 해결을 적용합니다(papermill 등으로 자동 실행할 때)
lang: str = "ko"  # "en" 또는 "ko": 양식의 레이블, 버튼과 제목의 언어

# %%
from ecsrole_lib import AgentConfig, doctor, launch
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.teaching.exercises import cleanup, exercise
from ecsrole_lib.teaching.guide import ensure_on_sandbox, guide_roles

form = RoleForm(target=target, region=region, role_name=role_name,
                instance_profile_name=instance_profile_name, features=features,
                least_privilege=least_privilege, config_bucket=config_bucket,
                cluster_name=cluster_name, lang=lang, action="audit")
form.whoami()

# %% [markdown]
# On the sandbox, a run alone first makes the role of `01` and `02`; after them this writes
# nothing. On AWS nothing is created: the doctor reads what is there.

# %% [markdown] lang=ko
# 샌드박스에서 이 노트북만 실행하면 먼저 `01`과 `02`의 역할을 만듭니다. 그 노트북들을 실행한
# 뒤라면 아무것도 쓰지 않습니다. AWS에서는 아무것도 만들지 않으며, doctor는 있는 것을 읽습니다.

# %%
form.view(ensure_on_sandbox(form.session, guide_roles(form.spec)))

# %% [markdown]
# ## The doctor
#
# The doctor reads the role, its policies, its permissions boundary and its instance profiles,
# and evaluates each question an instance meets, in order, by IAM's documented evaluation logic:
# may Amazon EC2 assume the role, does an instance profile hold it, then each call of the Amazon
# ECS container agent (on AWS it also asks IAM's policy simulator). The rows that pass are named
# in one line (`.whole()` shows them all); `info` rows are worth knowing but break nothing.
#
# **Least privilege, honestly.** An identity's effective permissions are the *union* of all its
# policies: `AmazonEC2ContainerServiceforEC2Role` allows `logs:CreateLogStream` and
# `logs:PutLogEvents` on `*`, so a CloudWatch Logs policy scoped to one account and Region
# narrows nothing while the managed policy is attached. The doctor says so in a
# `least_privilege:` row.

# %% [markdown] lang=ko
# ## doctor
#
# doctor는 역할과 그 정책, 권한 경계, 인스턴스 프로파일을 읽고, 인스턴스가 마주치는 질문을 순서대로
# IAM이 문서로 밝힌 평가 로직으로 평가합니다. Amazon EC2가 역할을 수임할 수 있는지, 인스턴스
# 프로파일이 역할을 담고 있는지, 그다음 Amazon ECS 컨테이너 에이전트의 호출을 하나씩 봅니다(AWS에서는
# IAM 정책 시뮬레이터에도 물어봅니다). 통과한 행은 한 줄에 이름만 나옵니다(모두 보려면 `.whole()`).
# `info` 행은 알아 둘 만한 내용이지만 아무것도 망가뜨리지 않습니다.
#
# **최소 권한을 정직하게.** 자격 증명의 유효 권한은 그 자격 증명이 가진 모든 정책의 *합집합*입니다.
# `AmazonEC2ContainerServiceforEC2Role`은 `*`에 대해 `logs:CreateLogStream`과 `logs:PutLogEvents`를
# 허용하므로, 이 관리형 정책이 연결되어 있는 동안에는 계정 하나와 리전 하나로 좁힌 CloudWatch Logs
# 정책이 아무것도 좁히지 못합니다. doctor는 `least_privilege:` 행에서 이를 알려 줍니다.

# %% tags=["summary"]
doctor(form.spec, form.session, AgentConfig(), lang=lang)

# %% [markdown]
# ## Launch an instance with the instance profile
#
# What comes after the page: an instance launched with `--iam-instance-profile`, and user data
# that writes `ecs.config` (or copies it from the private bucket). On the sandbox the next cell
# runs it and plays the agent; its last row lists the new container instance. On AWS it only shows
# the commands (`launch(spec, session, on_aws="run")` starts the instance). `99_cleanup`
# terminates the instance and deregisters it.

# %% [markdown] lang=ko
# ## 인스턴스 프로파일로 인스턴스 시작
#
# AWS 페이지가 끝난 뒤에 오는 단계입니다. `--iam-instance-profile`로 인스턴스를 시작하고, 사용자
# 데이터가 `ecs.config`를 씁니다(또는 프라이빗 버킷에서 복사합니다). 샌드박스에서는 다음
# 셀이 이를 실행하고 에이전트를 흉내 냅니다. 마지막 행에 새 컨테이너 인스턴스가 나옵니다.
# AWS에서는 명령만 보여 줍니다(`launch(spec, session, on_aws="run")`을 쓰면 인스턴스가 시작됩니다).
# `99_cleanup`은 이 인스턴스를 종료하고 등록을 취소합니다.

# %%
launch(form.spec, form.session, on_aws="show", lang=lang)

# %% [markdown]
# ## Exercises: find it, fix it
#
# Each exercise has a role of its own (`ecsDoctorDemoRole1` to `7`, on the sandbox only), made
# as the guide makes it and then broken once. Answer the question first; the second cell breaks
# the role, launches an instance and shows what the user sees. Below it, make the fix (choose a
# value, or edit the policy) and click **Check**: the fix is made on the sandbox and the doctor
# says what is still wrong. Stuck? The answer button, or `show_answers=True`, which applies the
# reference fix.

# %% [markdown] lang=ko
# ## 연습: 찾아서 고치기
#
# 연습마다 전용 역할(`ecsDoctorDemoRole1`부터 `7`까지, 샌드박스에서만)이 있습니다. 가이드가 만드는
# 대로 만든 다음 한 가지 방식으로 망가뜨립니다. 먼저 질문에 답하십시오. 두 번째 셀은 역할을
# 망가뜨리고 인스턴스를 시작해 사용자가 보는 것을 보여 줍니다. 그 아래에서 직접 고치고(값을
# 고르거나 정책을 편집) **확인**을 누르십시오. 샌드박스에 변경이 적용되고, doctor가 아직 무엇이 잘못되었는지 알려 줍니다.
# 막히면 답 보기 버튼을 누르거나 `show_answers=True`로 실행하십시오. 참고 해결책이 적용됩니다.

# %% [markdown]
# ### Exercise 1 · Written from memory
#
# Someone wrote the trust policy from memory, naming the service the role is "for".

# %% [markdown] lang=ko
# ### 연습 1 · 기억에 의존해 작성한 신뢰 정책
#
# 누군가 이 역할이 "위한" 서비스를 떠올리며 기억에 의존해 신뢰 정책을 작성했습니다.

# %%
trust = exercise("wrong_trust", lang)
trust.question(show_answers)

# %%
trust.break_it(form.session, region, show_answers=show_answers)

# %% [markdown]
# ### Exercise 2 · Made with the AWS CLI, step by step

# %% [markdown] lang=ko
# ### 연습 2 · AWS CLI로 한 단계씩 만든 역할

# %%
profile = exercise("empty_profile", lang)
profile.question(show_answers)

# %%
profile.break_it(form.session, region, show_answers=show_answers)

# %% [markdown]
# ### Exercise 3 · A copy that worked for years
#
# Fix the copy itself (the lasting fix is in the answer).

# %% [markdown] lang=ko
# ### 연습 3 · 몇 년 동안 잘 동작한 복사본
#
# 복사본 자체를 고치십시오(오래가는 해결 방법은 답에 있습니다).

# %%
stale = exercise("stale_copy", lang)
stale.question(show_answers)

# %%
stale.break_it(form.session, region, show_answers=show_answers)

# %% [markdown]
# ### Exercise 4 · A guardrail

# %% [markdown] lang=ko
# ### 연습 4 · 가드레일

# %%
deny = exercise("explicit_deny", lang)
deny.question(show_answers)

# %%
deny.break_it(form.session, region, show_answers=show_answers)

# %% [markdown]
# ### Exercise 5 · The account's rule for every role
#
# The boundary was written for roles that read Amazon S3 and write logs. Keep it, and fix it.

# %% [markdown] lang=ko
# ### 연습 5 · 모든 역할에 대한 계정의 규칙
#
# 이 경계는 Amazon S3를 읽고 로그를 쓰는 역할을 위해 작성되었습니다. 경계를 유지한 채 고치십시오.

# %%
boundary = exercise("boundary", lang)
boundary.question(show_answers)

# %%
boundary.break_it(form.session, region, show_answers=show_answers)

# %% [markdown]
# ### Exercise 6 · Least privilege, one step too far

# %% [markdown] lang=ko
# ### 연습 6 · 한 걸음 더 나간 최소 권한

# %%
scoped = exercise("scoped_poll", lang)
scoped.question(show_answers)

# %%
scoped.break_it(form.session, region, show_answers=show_answers)

# %% [markdown]
# ### Exercise 7 · One object, named by hand

# %% [markdown] lang=ko
# ### 연습 7 · 손으로 지정한 객체 하나

# %%
config = exercise("config_unreadable", lang)
config.question(show_answers)

# %%
config.break_it(form.session, region, show_answers=show_answers)

# %% [markdown]
# ## Clean up the exercise roles
#
# Their instances are terminated and deregistered, their policies, the bucket and the boundary
# policy removed. The instance of the guide's own role stays for `99_cleanup`.

# %% [markdown] lang=ko
# ## 연습 역할 정리
#
# 연습 역할의 인스턴스를 종료하고 등록을 취소하며, 정책과 버킷, 경계 정책을 제거합니다. 가이드 자체
# 역할의 인스턴스는 `99_cleanup`에서 정리하도록 남겨 둡니다.

# %%
cleanup(form.session, region, lang)
