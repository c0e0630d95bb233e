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
# Each broad grant of the page has a least-privilege alternative; the parameter
# `least_privilege` chooses which one runs, and `07_beyond_the_page` sets them side by side. The
# page's errors E3 to E6 are in this part of it;
# each is shown where it occurs, as written and corrected, with the reason.
#
# This notebook builds on the role of `01_container_instance_role`: its plan starts with the
# role's own steps, which write nothing when the role is already there. Run alone, it makes the
# role too. Below, each feature's steps one at a time.
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
# 페이지의 넓은 허용마다 최소 권한 대안이 있습니다. 어느 쪽을 실행할지는 파라미터
# `least_privilege`가 정하며, `07_beyond_the_page`에서 둘을 나란히 비교합니다. 페이지의 오류 E3부터 E6까지가 이 부분에 있습니다. 각 오류는
# 나타나는 자리에서 페이지에 적힌 모습과 고친 모습으로 보여 주고, 그 이유도 설명합니다.
#
# 이 노트북은 `01_container_instance_role`에서 만든 역할을 바탕으로 합니다. 계획은 역할 자체의
# 단계로 시작하며, 역할이 이미 있으면 이 단계들은 아무것도 쓰지 않습니다. 이 노트북만 따로
# 실행하면 역할도 만듭니다. 아래에서는 기능별 단계를 하나씩 봅니다.

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

# %% lang=ko tags=["parameters"]
target: str = "sandbox"  # "sandbox"(내장 moto 서버, 계정 불필요) 또는 "aws"(표준 자격 증명 체인)
region: str = "us-east-1"  # 세션, 버킷과 ARN의 AWS 리전
role_name: str = "ecsInstanceRole"  # 권한을 받을 컨테이너 인스턴스 역할
instance_profile_name: str = ""  # ""이면 <role_name>-profile (AWS CLI 단계가 붙이는 이름)
features: list[str] = ["ecr", "s3_config", "cloudwatch_logs"]  # "ecr", "s3_config", "cloudwatch_logs", "spot_draining" 중에서
least_privilege: bool = False  # True이면 AmazonS3ReadOnlyAccess와 arn:aws:logs:*:*:* 대신 범위를 좁힌 권한
config_bucket: str = ""  # ecs.config를 둘 비공개 버킷. 비워 두면 ecsrole-guide-config-<계정 ID>(버킷 이름은 전역에서 고유)
cluster_name: str = "default"  # ecs.config가 지정하는 클러스터(ECS_CLUSTER)
method: str = "console"  # "console"은 라이브러리로 적용하고, "cli"는 실제 aws로 AWS CLI 명령을 실행합니다
dry_run: bool = False  # True이면 읽기만 합니다. 호출자, 계획, apply가 할 일을 보여 줍니다
lang: str = "ko"  # "en" 또는 "ko": 단계 제목, 콘솔 클릭 경로, 보고서와 참고 사항의 언어
show_answers: bool = False  # True이면 "이해도 확인"의 답을 모두 보여 줍니다(papermill 등으로 자동 실행할 때)

# %% [markdown]
# ## Who and where
#
# The form of `01`, with this notebook's values (`form` alone in a cell shows it).
# %% [markdown] lang=ko
# ## 누가, 어디에서
#
# `01`의 양식에 이 노트북의 값을 넣었습니다(셀에 `form`만 입력해 실행하면 양식이 나타납니다).

# %%
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.notebook.quiz import Question

form = RoleForm(target=target, region=region, role_name=role_name,
                instance_profile_name=instance_profile_name, features=features,
                least_privilege=least_privilege, config_bucket=config_bucket,
                cluster_name=cluster_name, method=method, dry_run=dry_run, lang=lang)
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
# guide checks it below, on the target: it reads the managed policy's default version and looks
# for the four actions (in the IAM console: **Policies**, the policy, **JSON**); were one
# missing, apply would add an inline policy `ecr-pull` with them.
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
# 가이드는 아래에서 대상에 대해 이를 확인합니다. 관리형 정책의 기본 버전을 읽고 네 가지 작업이
# 있는지 찾습니다(IAM 콘솔에서는 **정책**, 해당 정책, **JSON** 순서로 선택). 하나라도 없으면
# 적용할 때 이 작업들을 담은 인라인 정책 `ecr-pull`을 추가합니다.

# %%
form.erratum("E6")

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
# Command Line Interface (AWS CLI) and copies the file into place. The page attaches
# `AmazonS3ReadOnlyAccess`, with an ARN that IAM rejects (erratum E3, in the step). Its
# least-privilege alternative, `s3:GetObject` on the one config object, is in `07_beyond_the_page`.
# %% [markdown] lang=ko
# ## `ecs.config`용 Amazon S3 읽기 전용 액세스
#
# 컨테이너 에이전트는 `/etc/ecs/ecs.config`에서 구성을 읽습니다. 페이지는 이 파일의 사본을
# **프라이빗** 버킷에 두고 역할에 읽기 전용 액세스를 부여합니다. 그러면 인스턴스가 시작할 때
# 구성됩니다. 인스턴스의 Amazon Elastic Compute Cloud(Amazon EC2) 사용자 데이터가 AWS Command
# Line Interface(AWS CLI)를 설치하고 파일을 제자리에 복사합니다. 페이지는
# `AmazonS3ReadOnlyAccess`를 연결하는데, 명령의 ARN은 IAM이 거부합니다(정오표 E3, 단계에
# 있습니다). 구성 객체 하나에만 `s3:GetObject`를 허용하는 최소 권한 대안은
# `07_beyond_the_page`에 있습니다.

# %%
form.step("attach_s3_read_only")

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
# The step below holds the page's eight console steps, numbered "CloudWatch Logs: console steps"
# apart from the role's console steps 1-9 of `01`, and AWS CLI steps 1-2. In the JSON policy
# editor, switching between the visual and JSON editors may restructure the policy; in step 7
# you review the permissions the policy grants (the page: 이 정책에 정의된 권한을 검토하여
# 정책이 부여한 권한을 확인합니다). AWS CLI steps 3 and 4 find the policy's ARN (erratum E4) and
# attach it (erratum E5).
#
# `least_privilege=True` narrows the page's `Resource`, yet as the union above shows, the
# managed policy still lets the instance create streams and put events in any log group.
# %% [markdown] lang=ko
# ## Amazon CloudWatch Logs: 컨테이너 인스턴스 모니터링
#
# 인스턴스가 로그를 CloudWatch Logs로 보낼 수 있도록, 페이지는 CloudWatch Logs API를 허용하는
# 고객 관리형 정책을 만든 다음 역할에 연결합니다.
#
# 아래 단계에는 페이지의 콘솔 8단계와 AWS CLI 1-2단계가 있습니다. 계획은 콘솔 단계를
# "CloudWatch Logs: 콘솔 단계"로 표시해 `01`의 역할 콘솔 1-9단계와 구분합니다. JSON 정책
# 편집기에서 시각적 편집기와 JSON 편집기를 오가면 정책이 재구성될 수 있습니다. 7단계에서는
# 이 정책에 정의된 권한을 검토하여 정책이 부여한 권한을 확인합니다. AWS CLI 3단계와 4단계는
# 정책의 ARN을 찾고(정오표 E4) 역할에 연결합니다(정오표 E5).
#
# `least_privilege=True`는 페이지의 `Resource`를 좁힙니다. 하지만 위의 합집합에서 보았듯이,
# 관리형 정책 때문에 인스턴스는 여전히 어느 로그 그룹에서나 스트림을 만들고 이벤트를 기록할 수
# 있습니다.

# %%
form.step("create_logs_policy")

# %%
form.step("find_logs_policy")

# %%
form.step("attach_logs_policy")

# %% [markdown]
# ## Apply
#
# This cell does what the form's **Apply** button does. The role's own steps write nothing when
# `01_container_instance_role` ran before.
# %% [markdown] lang=ko
# ## 적용
#
# 이 셀은 양식의 **적용** 버튼과 같은 일을 합니다. `01_container_instance_role`을 먼저
# 실행했다면 역할 자체의 단계는 아무것도 쓰지 않습니다.

# %% tags=["summary"]
form.run()

# %% [markdown]
# ## Erratum E4, checked on the target
#
# Both queries, run against the target now that the policy exists:
# %% [markdown] lang=ko
# ## 대상에서 확인하는 정오표 E4
#
# 정책이 만들어졌으니 두 쿼리를 모두 대상에 실행해 봅니다.

# %%
form.erratum("E4")
