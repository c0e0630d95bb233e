# ruff: noqa: B018 - the last expression of a cell is what the notebook displays
# The source of a notebook: tools/build_notebooks.py writes and executes it (make notebooks).
# %% [markdown]
# # 02 · Feature permissions: Amazon ECR, Amazon S3, Amazon CloudWatch Logs
#
# After the AWS Identity and Access Management (IAM) role for Amazon Elastic Container Service
# (Amazon ECS) container instances exists, the page adds permissions for the features your
# container instances use:
#
# | feature | extra permission | on the page |
# | --- | --- | --- |
# | container images in Amazon Elastic Container Registry (Amazon ECR) | Amazon ECR permissions | `ecr` |
# | configuration file hosted in an Amazon Simple Storage Service (Amazon S3) bucket | Amazon S3 read-only access | `s3_config` |
# | container instance monitoring in Amazon CloudWatch Logs | monitoring permissions | `cloudwatch_logs` |
# | Spot Instance draining (not on the page: an agent setting) | none: the managed policy grants `ecs:UpdateContainerInstancesState`, the guide checks it | `spot_draining` |
#
# Each broad grant of the page has a least-privilege alternative beside it; the parameter
# `least_privilege` chooses which one runs. The page's errors E3 to E6 are in this part of it;
# each is shown where it occurs, as written and corrected, with the reason.
#
# This notebook builds on the role of `01_container_instance_role`: its plan (the form's tabs)
# starts with the role's own steps, which write nothing when the role is already there. Run
# alone, it makes the role too. Below, each feature's steps one at a time.
# %% [markdown] lang=ko
# # 02 · 기능별 권한: Amazon ECR, Amazon S3, Amazon CloudWatch Logs
#
# Amazon Elastic Container Service(Amazon ECS) 컨테이너 인스턴스용 AWS Identity and Access
# Management(IAM) 역할을 만든 뒤, 페이지는 컨테이너 인스턴스가 사용하는 기능에 필요한 권한을
# 추가합니다.
#
# | 기능 | 추가 권한 | 페이지에서 |
# | --- | --- | --- |
# | Amazon Elastic Container Registry(Amazon ECR)에 컨테이너 이미지가 있음 | Amazon ECR 권한 | `ecr` |
# | Amazon Simple Storage Service(Amazon S3) 버킷에서 구성 파일 호스팅 | Amazon S3 읽기 전용 액세스 | `s3_config` |
# | Amazon CloudWatch Logs에서 컨테이너 인스턴스 모니터링 | 모니터링 권한 | `cloudwatch_logs` |
# | 스팟 인스턴스 드레이닝(페이지에 없음: 에이전트 설정) | 없음: 관리형 정책이 `ecs:UpdateContainerInstancesState`를 부여하며, 가이드가 이를 확인합니다 | `spot_draining` |
#
# 페이지의 넓은 허용마다 옆에 최소 권한 대안을 두었습니다. 어느 쪽을 실행할지는 파라미터
# `least_privilege`가 정합니다. 페이지의 오류 E3부터 E6까지가 이 부분에 있습니다. 각 오류는
# 나타나는 자리에서 페이지에 적힌 모습과 고친 모습으로 보여 주고, 그 이유도 설명합니다.
#
# 이 노트북은 `01_container_instance_role`에서 만든 역할을 바탕으로 합니다. 계획(양식의 탭)은
# 역할 자체의 단계로 시작하며, 역할이 이미 있으면 이 단계들은 아무것도 쓰지 않습니다. 이
# 노트북만 따로 실행하면 역할도 만듭니다. 아래에서는 기능별 단계를 하나씩 봅니다.

# %% tags=["parameters"]
target: str = "sandbox"  # "sandbox" (embedded moto server, no account) or "aws" (standard credential chain)
region: str = "us-east-1"  # AWS Region of the session, the bucket and the ARNs
role_name: str = "ecsInstanceRole"  # the container instance role that gets the permissions
instance_profile_name: str = ""  # "" means <role_name>-profile, as the AWS CLI steps name it
features: list[str] = ["ecr", "s3_config", "cloudwatch_logs"]  # any of "ecr", "s3_config", "cloudwatch_logs", "spot_draining"
least_privilege: bool = False  # True: scoped grants instead of AmazonS3ReadOnlyAccess and arn:aws:logs:*:*:*
config_bucket: str = ""  # private bucket for ecs.config; empty: ecsrole-guide-config-<your account id> (bucket names are global)
cluster_name: str = "default"  # the cluster ecs.config names (ECS_CLUSTER)
method: str = "console"  # "console" applies through the library; "cli" runs the AWS CLI commands with the real aws
dry_run: bool = False  # True: read only; shows the caller, the plan and what apply would do
lang: str = "en"  # "en" or "ko": language of step titles, console click paths, reports and notes
show_answers: bool = False  # True: every "check your understanding" answer shows (a headless run)

# %%
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.notebook.quiz import Question
from ecsrole_lib.notebook.views import least_privilege_table

form = RoleForm(target=target, region=region, role_name=role_name,
                instance_profile_name=instance_profile_name, features=features,
                least_privilege=least_privilege, config_bucket=config_bucket,
                cluster_name=cluster_name, method=method, dry_run=dry_run, lang=lang)
form

# %% [markdown]
# ## Who and where
# %% [markdown] lang=ko
# ## 누가, 어디에서

# %%
form.whoami()

# %% [markdown]
# ## Amazon ECR permissions
#
# To pull images from Amazon ECR, the container instance role must hold this policy, as the page
# writes it:
#
# ```json
# { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": [
#     "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
#     "ecr:GetAuthorizationToken" ], "Resource": "*" } ] }
# ```
#
# You do not write it yourself: `AmazonEC2ContainerServiceforEC2Role` already holds these four
# actions on `*` (the page: with the managed policy, the role has the right permissions), so
# with it attached nothing is added.
#
# **Erratum E6.** To check that the role supports Amazon ECR, the page refers to itself. The
# guide reads the managed policy's default version and looks for the four actions (on the
# sandbox too, which has no policy simulator); were one missing, apply would add an inline
# policy `ecr-pull` with them.
#
# **Least privilege.** `ecr:GetAuthorizationToken` supports no resource-level permissions and
# stays on `*`; the other three can be scoped to repository ARNs. The guide keeps the managed
# policy, as the page recommends, so that AWS can add permissions for future features.
# %% [markdown] lang=ko
# ## Amazon ECR 권한
#
# Amazon ECR에서 이미지를 가져오려면 컨테이너 인스턴스 역할에 다음 정책이 있어야 합니다.
# 페이지에 적힌 그대로입니다.
#
# ```json
# { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": [
#     "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
#     "ecr:GetAuthorizationToken" ], "Resource": "*" } ] }
# ```
#
# 이 정책은 직접 작성하지 않습니다. `AmazonEC2ContainerServiceforEC2Role`에 이 네 가지 작업이
# 이미 `*`에 대해 들어 있으므로(페이지: 관리형 정책을 사용하면 역할에 적절한 권한이 부여됩니다),
# 이 관리형 정책이 연결되어 있으면 추가할 것이 없습니다.
#
# **정오표 E6.** 역할이 Amazon ECR을 지원하는지 확인하라며 페이지는 자기 자신을 참조합니다.
# 가이드는 관리형 정책의 기본 버전을 읽고 네 가지 작업이 있는지 찾습니다(정책 시뮬레이터가 없는
# 샌드박스에서도 같습니다). 하나라도 없으면 적용할 때 이 작업들을 담은 인라인 정책 `ecr-pull`을
# 추가합니다.
#
# **최소 권한.** `ecr:GetAuthorizationToken`은 리소스 수준 권한을 지원하지 않으므로 `*`에 그대로
# 둡니다. 나머지 세 작업은 리포지토리 ARN으로 범위를 좁힐 수 있습니다. 가이드는 페이지가
# 권장하는 대로 관리형 정책을 유지합니다. 그래야 AWS가 향후 기능에 필요한 권한을 추가할 수
# 있습니다.

# %%
form.step("check_ecr_permissions")

# %% [markdown]
# **Effective permissions are a union.** IAM evaluates all of a role's permissions policies
# together: an action is allowed if *any* attached or inline policy allows it (and no policy
# denies it explicitly: an explicit `Deny` always wins). So a narrow policy does not narrow the
# role while a broad one grants the same: `AmazonEC2ContainerServiceforEC2Role` also allows
# `logs:CreateLogStream` and `logs:PutLogEvents` on `*`, whatever the CloudWatch Logs policy
# below says. A *permissions boundary* works the other way: set on a role, it is a ceiling, and
# the role may do only what both its policies **and** the boundary allow (an intersection).
# (Service control policies of AWS Organizations are ceilings too.)
# %% [markdown] lang=ko
# **실제 권한은 합집합입니다.** IAM은 역할의 권한 정책을 모두 함께 평가합니다. 연결된 정책이나
# 인라인 정책 중 *하나라도* 어떤 작업을 허용하면 그 작업은 허용됩니다(단, 어떤 정책도 그 작업을
# 명시적으로 거부하지 않아야 합니다. 명시적 `Deny`가 항상 우선합니다). 그러므로 넓은 정책이 같은
# 것을 허용하는 동안에는 좁은 정책을 더해도 역할이 좁아지지 않습니다.
# `AmazonEC2ContainerServiceforEC2Role`도 `logs:CreateLogStream`과 `logs:PutLogEvents`를 `*`에
# 허용하므로, 아래 CloudWatch Logs 정책에 무엇이 적혀 있든 마찬가지입니다. *권한 경계*는 반대로
# 작동합니다. 역할에 설정하면 상한이 되어, 역할은 자신의 정책**과** 경계가 모두 허용하는 것만 할
# 수 있습니다(교집합). (AWS Organizations의 서비스 제어 정책도 상한입니다.)

# %%
Question("q_union_boundary", show_answers=show_answers, lang=lang)

# %% [markdown]
# ## Amazon S3 read-only access for `ecs.config`
#
# The container agent reads its configuration from `/etc/ecs/ecs.config`. The page keeps a copy
# of that file in a **private** bucket and gives the role read-only access, so an instance is
# configured at launch: its Amazon Elastic Compute Cloud (Amazon EC2) user data installs the AWS
# Command Line Interface (AWS CLI) and copies the file into place. The page attaches `AmazonS3ReadOnlyAccess`.
#
# **Erratum E3.** The page's command writes the policy ARN as
# `arn:aws::iam::aws:policy/AmazonS3ReadOnlyAccess`: the extra colon empties the service field,
# and IAM rejects the ARN. The plan runs the corrected ARN; the guide's own ARN check catches the
# as-written one before any call, as shown in the step.
#
# **Least privilege.** `AmazonS3ReadOnlyAccess` lets every instance read every object of every
# bucket in the account. The alternative is an inline policy that allows `s3:GetObject` on the
# one config object. Both steps are shown: the one this run uses, and its alternative.
# %% [markdown] lang=ko
# ## `ecs.config`용 Amazon S3 읽기 전용 액세스
#
# 컨테이너 에이전트는 `/etc/ecs/ecs.config`에서 구성을 읽습니다. 페이지는 이 파일의 사본을
# **프라이빗** 버킷에 두고 역할에 읽기 전용 액세스를 부여합니다. 그러면 인스턴스가 시작할 때
# 구성됩니다. 인스턴스의 Amazon Elastic Compute Cloud(Amazon EC2) 사용자 데이터가 AWS Command
# Line Interface(AWS CLI)를 설치하고 파일을 제자리에 복사합니다. 페이지는
# `AmazonS3ReadOnlyAccess`를 연결합니다.
#
# **정오표 E3.** 페이지의 명령은 정책 ARN을 `arn:aws::iam::aws:policy/AmazonS3ReadOnlyAccess`로
# 적습니다. 콜론이 하나 더 있어 서비스 필드가 비므로 IAM은 이 ARN을 거부합니다. 계획은 고친 ARN을
# 실행합니다. 페이지에 적힌 ARN은 호출하기 전에 가이드의 자체 ARN 검사가 잡아냅니다. 단계에서
# 그 모습을 볼 수 있습니다.
#
# **최소 권한.** `AmazonS3ReadOnlyAccess`를 연결하면 모든 인스턴스가 계정에 있는 모든 버킷의 모든
# 객체를 읽을 수 있습니다. 대안은 구성 객체 하나에만 `s3:GetObject`를 허용하는 인라인 정책입니다.
# 두 단계를 모두 보여 줍니다. 이번 실행이 사용하는 단계와 그 대안입니다.

# %%
form.step("attach_s3_read_only")

# %%
form.step("put_s3_config_policy")

# %% [markdown]
# The bucket blocks all public access; the config file names the cluster to join, and the user
# data copies it at launch:
# %% [markdown] lang=ko
# 버킷은 모든 퍼블릭 액세스를 차단합니다. 구성 파일에는 인스턴스가 등록될 클러스터가 적혀 있고,
# 사용자 데이터가 시작할 때 이 파일을 복사합니다.

# %%
form.step("create_config_bucket")

# %%
form.step("upload_ecs_config")

# %% [markdown]
# ## Amazon CloudWatch Logs: container instance monitoring
#
# For an instance to send its logs to CloudWatch Logs, the page creates a customer managed policy
# that allows the CloudWatch Logs API, then attaches it to the role.
#
# The step below holds the page's eight console steps (the JSON policy editor; switching between
# the visual and JSON editors may restructure the policy), numbered "CloudWatch Logs: console
# steps" apart from the role's console steps 1-9 of `01`, and AWS CLI steps 1-2 (save
# `instance-cw-logs.json`, `aws iam create-policy`); steps 3 and 4 find the policy's ARN and
# attach it.
#
# **Least privilege.** The page's `Resource` is `arn:aws:logs:*:*:*`: any log group in any
# account and Region. `least_privilege=True` narrows this policy to this account and Region; as
# the union above shows, the managed policy still lets the instance create streams and put
# events in any log group.
# %% [markdown] lang=ko
# ## Amazon CloudWatch Logs: 컨테이너 인스턴스 모니터링
#
# 인스턴스가 로그를 CloudWatch Logs로 보낼 수 있도록, 페이지는 CloudWatch Logs API를 허용하는
# 고객 관리형 정책을 만든 다음 역할에 연결합니다.
#
# 아래 단계에는 페이지의 콘솔 8단계(JSON 정책 편집기. 시각적 편집기와 JSON 편집기를 오가면
# 정책이 재구성될 수 있습니다)와 AWS CLI 1-2단계(`instance-cw-logs.json` 저장,
# `aws iam create-policy`)가 있습니다. 계획은 콘솔 단계를 "CloudWatch Logs: 콘솔 단계"로 표시해
# `01`의 역할 콘솔 1-9단계와 구분합니다. 3단계와 4단계에서는 정책의 ARN을 찾아 연결합니다.
#
# **최소 권한.** 페이지의 `Resource`는 `arn:aws:logs:*:*:*`, 즉 모든 계정과 리전의 모든 로그
# 그룹입니다. `least_privilege=True`는 이 정책을 이 계정과 리전으로 좁힙니다. 하지만 위의
# 합집합에서 보았듯이, 관리형 정책 때문에 인스턴스는 여전히 어느 로그 그룹에서나 스트림을 만들고
# 이벤트를 기록할 수 있습니다.

# %%
form.step("create_logs_policy")

# %% [markdown]
# **Erratum E4.** The page's query looks for `cwlogsppolicy` (a doubled `p`): it prints `[]` and
# no error. The plan queries the right name.
# %% [markdown] lang=ko
# **정오표 E4.** 페이지의 쿼리는 `cwlogsppolicy`(`p`가 두 번)를 찾습니다. 명령은 `[]`를 출력할
# 뿐 오류를 내지 않습니다. 계획은 올바른 이름으로 쿼리합니다.

# %%
form.step("find_logs_policy")

# %% [markdown]
# **Erratum E5.** The page's ARN `arn:aws:iam:111122223333:aws:policy/cwlogspolicy` puts the
# account in the Region field, with a stray `aws:`; the plan attaches the ARN step 3 found.
# %% [markdown] lang=ko
# **정오표 E5.** 페이지의 ARN `arn:aws:iam:111122223333:aws:policy/cwlogspolicy`는 계정을 리전
# 필드에 넣었고 불필요한 `aws:`가 붙어 있습니다. 계획은 3단계에서 찾은 ARN을 연결합니다.

# %%
form.step("attach_logs_policy")

# %% [markdown]
# ## Each broad grant beside its least-privilege alternative
# %% [markdown] lang=ko
# ## 넓은 허용과 그 옆의 최소 권한 대안

# %%
least_privilege_table(form.spec, lang)

# %% [markdown]
# ## Apply
#
# The button in the form applies the plan; the next cell does exactly what the button does, from
# the form's values. The role's own steps write nothing when `01_container_instance_role` ran
# before.
# %% [markdown] lang=ko
# ## 적용
#
# 양식의 버튼을 누르면 계획이 적용됩니다. 다음 셀은 양식의 값으로 버튼과 정확히 같은 일을
# 합니다. `01_container_instance_role`을 먼저 실행했다면 역할 자체의 단계는 아무것도 쓰지
# 않습니다.

# %% tags=["summary"]
form.run()

# %% [markdown]
# ## The errata, checked on the target
#
# E4 runs both queries against the target; E6 finds the four Amazon ECR actions in the managed
# policy's document.
# %% [markdown] lang=ko
# ## 대상에서 확인하는 정오표
#
# E4는 대상에 두 쿼리를 모두 실행합니다. E6은 관리형 정책의 문서에서 네 가지 Amazon ECR 작업을
# 찾습니다.

# %%
form.erratum("E4")

# %%
form.erratum("E6")

# %% [markdown]
# ## What the target holds now
# %% [markdown] lang=ko
# ## 지금 대상에 있는 것

# %%
form.picture()
