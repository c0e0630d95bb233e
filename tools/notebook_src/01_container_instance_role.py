# ruff: noqa: B018 - the last expression of a cell is what the notebook displays
# The source of a notebook: tools/build_notebooks.py writes and executes it (make notebooks).
# %% [markdown]
# # 01 · The Amazon ECS container instance IAM role
#
# Amazon Elastic Container Service (Amazon ECS) runs its container agent on every
# container instance: an Amazon Elastic Compute Cloud (Amazon EC2) instance, or an external
# instance registered with Amazon ECS Anywhere. The agent calls AWS APIs on your behalf, so
# it needs an AWS Identity and Access Management (IAM) role: the role tells Amazon ECS that
# the agent belongs to you. The same role gives the agent and the Docker daemon their
# permissions.
#
# This notebook creates that role, `ecsInstanceRole`, the way the AWS documentation page
# *Amazon ECS container instance IAM role* does: its nine AWS Management Console steps and
# its five AWS Command Line Interface (AWS CLI) steps, each shown below.
#
# - **Create the role first.** The role exists before you launch an instance and register it
#   to a cluster. It lives in the account you use for the console or the AWS CLI.
# - **Attach the managed policy.** Amazon ECS provides `AmazonEC2ContainerServiceforEC2Role`
#   with everything the full Amazon ECS feature set needs. The page creates the role by hand
#   and attaches this policy, rather than copying its permissions, so that AWS can add
#   permissions for future features to the policy.
# - **External instances** (Amazon ECS Anywhere) need AWS Systems Manager permissions too:
#   see `03_ecs_anywhere`.
#
# By default everything runs on the embedded sandbox, a local stand-in for AWS: no account
# and no credentials. Each code cell calls one function of `ecsrole_lib` and shows what it
# returns; the teaching is in these Markdown cells.

# %% [markdown]
# ## Parameters
#
# The next cell holds the parameters (tagged `parameters` for papermill).
# `papermill --help-notebook 01_container_instance_role.ipynb` lists them; for example
# `papermill 01_container_instance_role.ipynb out.ipynb -p method cli -p lang ko` runs the
# AWS CLI path with Korean step titles.

# %% tags=["parameters"]
target: str = "sandbox"  # "sandbox" (embedded moto server, no account) or "aws" (standard credential chain)
region: str = "us-east-1"  # AWS Region of the session and of the ARNs
role_name: str = "ecsInstanceRole"  # the container instance role, named as the page names it
instance_profile_name: str = ""  # "" means <role_name>-profile, as the AWS CLI steps name it
instance_kind: str = "ec2"  # "ec2" (Amazon EC2 instances) or "external" (Amazon ECS Anywhere, see 03)
method: str = "console"  # "console" applies through the library; "cli" runs the AWS CLI commands with the real aws
dry_run: bool = False  # True: read only; shows the caller, the plan and what apply would do
lang: str = "en"  # "en" or "ko": language of step titles and console click paths

# %% [markdown]
# ## The form
#
# The form is pre-filled from the parameters. It shows the plan for the current choices, and
# renders it again whenever a value changes: the **Plan** tab lists what is created, the
# **Console** tab the clicks, the **AWS CLI** tab the commands and the files they read.
# **Apply** runs the plan and shows the report below the button. With `method="console"` the
# library makes the API calls; with `method="cli"` the real `aws` executable runs the
# documented commands, as corrected, against the same target. Both end in the same state.

# %%
from ecsrole_lib.forms import RoleForm, sandbox_limits

form = RoleForm(target=target, region=region, role_name=role_name,
                instance_profile_name=instance_profile_name, instance_kind=instance_kind,
                method=method, dry_run=dry_run, lang=lang)
form

# %% [markdown]
# ## Who and where
#
# Before anything else the notebook shows where it runs: the account and the caller's ARN.
# With `target="aws"` these are your account and your identity, from the standard credential
# chain (`AWS_PROFILE`, `AWS_REGION`, ...). With `dry_run=True` the notebook only reads from
# here on: apply reports what it would do.

# %%
form.whoami()

# %% [markdown]
# ## The plan
#
# One plan drives everything in this guide: the console clicks and the AWS CLI commands you
# read, and the API calls apply makes. Each row is one documented step, in the page's order.

# %%
form.plan()

# %% [markdown]
# ## The console: nine steps
#
# 1. Sign in to the AWS Management Console and open the IAM console at
#    https://console.aws.amazon.com/iam/.
# 2. In the navigation pane, choose **Roles** (역할), then **Create role** (역할 생성).
# 3. For **Trusted entity type** (신뢰할 수 있는 엔터티 유형), choose **AWS service** (AWS 서비스).
# 4. For **Service or use case** (서비스 또는 사용 사례), choose **Elastic Container Service**, then
#    the use case **EC2 Role for Elastic Container Service** (Elastic Container Service의 EC2 역할).
# 5. Choose **Next** (다음).
# 6. In **Permissions policies** (권한 정책), make sure `AmazonEC2ContainerServiceforEC2Role` is
#    selected. It must be attached: without it, creating a cluster in the console shows an error.
# 7. Choose **Next** (다음).
# 8. For **Role name** (역할 이름), enter `ecsInstanceRole`.
# 9. Review the role, then choose **Create role** (역할 생성).
#
# The plan groups them by what they produce: steps 1-4 and 8-9 create the role
# (`create_role`), steps 5-7 attach the managed policy (`attach_managed_policy`).
#
# ## The AWS CLI: five steps
#
# 1. Write the trust policy to `instance-role-trust-policy.json`.
# 2. `aws iam create-role` with that trust policy.
# 3. `aws iam create-instance-profile --instance-profile-name ecsInstanceRole-profile`.
# 4. `aws iam add-role-to-instance-profile` (erratum E1 is in the sentence above it).
# 5. `aws iam attach-role-policy` with `AmazonEC2ContainerServiceforEC2Role` (erratum E2 is in
#    the sentence above it).
#
# Each step follows, with its console clicks and its command side by side.

# %% [markdown]
# ### Create the role with its trust policy (console steps 1-4 and 8-9; AWS CLI steps 1-2)
#
# The trust policy says who may assume the role. For an Amazon EC2 container instance that is
# Amazon EC2 itself, `ec2.amazonaws.com`: it assumes the role and hands its credentials to the
# instance, where the container agent uses them. In the console, choosing the *EC2 Role for
# Elastic Container Service* use case writes this trust policy for you.

# %%
form.step("create_role")

# %% [markdown]
# ### The instance profile (AWS CLI steps 3 and 4)
#
# Amazon EC2 does not take a role directly: an instance is launched with an *instance
# profile*, a container that holds exactly one role. The two procedures of the page name it
# differently:
#
# - **The console** creates the instance profile silently at step 9 and names it after the role:
#   `ecsInstanceRole`. There is nothing to click.
# - **The AWS CLI** creates it explicitly (step 3) and the page names it
#   `ecsInstanceRole-profile`, then adds the role to it (step 4).
#
# Both work: at launch you choose the instance profile, and it carries the role. This guide
# follows the AWS CLI page and uses `<role_name>-profile`. If you made the role in the console,
# your instance profile is called like the role: pass `instance_profile_name="ecsInstanceRole"`
# to use that one.

# %%
form.step("create_instance_profile")

# %% [markdown]
# The sentence above AWS CLI step 4 swaps the two names (erratum E1); the command itself is
# right: the role `ecsInstanceRole` goes into the instance profile `ecsInstanceRole-profile`.

# %%
form.step("add_role_to_instance_profile")

# %% [markdown]
# ### Waiting for IAM
#
# IAM is eventually consistent: a new instance profile takes a few seconds to become visible
# everywhere, and Amazon EC2 may need about ten seconds more before an instance can launch with
# it. Apply waits with IAM's own waiter (`aws iam wait instance-profile-exists` on the AWS CLI
# path), and the form shows the wait as progress below the button. Calls that meet IAM's
# `NoSuchEntity` right after a create are retried with backoff, up to a bound.

# %%
form.step("wait_instance_profile")

# %% [markdown]
# ### Attach the managed policy (console steps 5-7; AWS CLI step 5)
#
# The sentence above AWS CLI step 5 names `AmazonEC2ContainerServiceRoleForEC2Role`, a policy
# that does not exist (erratum E2); the command's ARN is right.

# %%
form.step("attach_managed_policy")

# %% [markdown]
# ## Apply
#
# The button in the form applies the plan. The next cell does exactly what the button does,
# from the form's current values, so a run where nobody clicks (papermill, `make guide`) takes
# the same path. Apply reads first, then writes only what differs: run it again and it writes
# nothing.

# %% tags=["summary"]
form.run()

# %% [markdown]
# ## What the target holds now
#
# The picture is read back from the target: who may assume the role, the instance profile that
# carries it, and its policies. Green is what the plan asks for and finds.

# %%
form.picture()

# %% [markdown]
# ## The page's errors here, checked on the target
#
# E1: the profile holds the role, not the other way round. E2: the policy name in the sentence
# does not exist; the one in the command does.

# %%
form.erratum("E1")

# %%
form.erratum("E2")

# %% [markdown]
# ## What the sandbox cannot show
#
# The sandbox answers like AWS for everything this notebook does, with a few exceptions. The
# guide says so wherever it matters; on AWS, `target="aws"` runs the same cells.

# %%
sandbox_limits()

# %% [markdown]
# ## Next
#
# - `02_feature_permissions`: Amazon Elastic Container Registry (Amazon ECR), `ecs.config` in a
#   private Amazon Simple Storage Service (Amazon S3) bucket, and Amazon CloudWatch Logs, each with its least-privilege alternative.
# - `03_ecs_anywhere`: the role for external instances.
# - `04_eni_trunking`: a second role with `awsvpcTrunking`.
# - `05_audit`: check an existing role; `99_cleanup`: remove what the guide made.
