# ruff: noqa: B018 - the last expression of a cell is what the notebook displays
# The source of a notebook: tools/build_notebooks.py writes and executes it (make notebooks).
# %% [markdown]
# # 04 · ENI trunking: a second container instance role
#
# On supported Amazon Elastic Compute Cloud (Amazon EC2) instance types, Amazon Elastic Container
# Service (Amazon ECS) can launch container instances with a higher elastic network interface
# (ENI) density. An *ENI* is a virtual network card in a VPC, with its own private IP address and
# security groups; an instance type can hold only a few. A task in the *`awsvpc`* network mode
# gets an ENI of its own, so without trunking the instance type's ENI limit caps how many
# `awsvpc` tasks one instance runs. With trunking, one *trunk* interface carries a branch
# interface for each task, so one instance runs more of them. It is switched on by the account
# setting `awsvpcTrunking`.
#
# The page recommends **two** container instance roles: enable `awsvpcTrunking` for one of them,
# and use that role for the instances whose tasks need trunking (the page says "for tasks":
# erratum E9, a task does not use the container instance role). An account setting can be set
# for one principal (a user or a role) only, so this notebook enables it for the second role's
# principal and leaves the first role, and the account default, as they are.
#
# It builds on the first role of `01_container_instance_role`, and makes it first when run alone
# (idempotently: nothing is written when it is already there).

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

# %%
from ecsrole_lib import RoleSpec
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.notebook.quiz import Question
from ecsrole_lib.notebook.views import sandbox_limits, trunking_settings

form = RoleForm(target=target, region=region, role_name=role_name,
                instance_profile_name=instance_profile_name, trunking=trunking,
                method=method, dry_run=dry_run, lang=lang)
form

# %% [markdown]
# ## Who and where

# %%
form.whoami()

# %% [markdown]
# ## The first role, as 01 makes it
#
# The role without trunking. After `01_container_instance_role` this writes nothing.

# %%
first = RoleSpec(region=region)
form.apply(first)

# %% [markdown]
# ## The plan for the second role
#
# The same documented steps as the first role, under another name, and one more:
# `awsvpcTrunking` for this role's principal.

# %%
form.plan()

# %% [markdown]
# ## Enable `awsvpcTrunking` for this role only
#
# The Amazon ECS console's **Account settings** change the setting for the signed-in principal
# or the account default, not for another role, so the page's recommendation is carried out with
# the AWS Command Line Interface (AWS CLI): `aws ecs put-account-setting --name awsvpcTrunking --value enabled
# --principal-arn <the role's ARN>`.

# %%
form.step("enable_awsvpc_trunking")

# %%
form.erratum("E9")

# %%
Question("q_eni_count", show_answers=show_answers, lang=lang)

# %% [markdown]
# ## Apply
#
# The next cell does exactly what the form's button does, from the form's values.

# %% tags=["summary"]
form.run()

# %% [markdown]
# ## The setting, for each role's principal
#
# Only the second role reads `enabled`: the setting belongs to that role's principal. The
# sandbox keeps account settings per principal as AWS does, so it shows the same.

# %%
trunking_settings(form.session, [first, form.spec], lang)

# %% [markdown]
# ## What the target holds now

# %%
form.picture()

# %% [markdown]
# ## What the sandbox cannot show

# %%
sandbox_limits("iam_names", "propagation", "account_setting_caller", lang=lang)
