# ruff: noqa: B018 - the last expression of a cell is what the notebook displays
# The source of a notebook: tools/build_notebooks.py writes and executes it (make notebooks).
# %% [markdown]
# # 03 · External instances: the Amazon ECS Anywhere role
#
# Amazon Elastic Container Service (Amazon ECS) Anywhere runs Amazon ECS tasks on your own
# servers and virtual machines: *external instances*. The page's IMPORTANT note applies: an
# external instance's role needs AWS Systems Manager permissions too, because Systems Manager
# registers the machine and hands it credentials.
#
# The differences from the Amazon Elastic Compute Cloud (Amazon EC2) role of
# `01_container_instance_role`:
#
# - **Who assumes the role.** Systems Manager (`ssm.amazonaws.com`), not Amazon EC2. The trust
#   policy carries two conditions, `aws:SourceAccount` and `aws:SourceArn`, so that only this
#   account's Systems Manager can assume it (the *confused deputy* protection).
# - **No instance profile.** Instance profiles are how Amazon EC2 hands a role to an instance; an
#   external instance gets its credentials through Systems Manager instead.
# - **Two managed policies.** `AmazonSSMManagedInstanceCore` for Systems Manager, and
#   `AmazonEC2ContainerServiceforEC2Role` for the container agent, as on Amazon EC2.
# - **Next comes an activation.** A Systems Manager activation (a code and an ID) registers one
#   machine. The guide shows the command; it does not run it, because an activation is for a real
#   machine (and the sandbox does not implement activations).

# %% tags=["parameters"]
target: str = "sandbox"  # "sandbox" (embedded moto server, no account) or "aws" (standard credential chain)
region: str = "us-east-1"  # AWS Region of the session, the trust conditions and the activation
role_name: str = "ecsAnywhereRole"  # the external instance role, named as the documentation names it
method: str = "console"  # "console" applies through the library; "cli" runs the AWS CLI commands with the real aws
dry_run: bool = False  # True: read only; shows the caller, the plan and what apply would do
lang: str = "en"  # "en" or "ko": language of step titles, console click paths, reports and notes
show_answers: bool = False  # True: every "check your understanding" answer shows (a headless run)

# %%
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.notebook.quiz import Question
from ecsrole_lib.notebook.views import sandbox_limits

form = RoleForm(target=target, region=region, role_name=role_name, instance_kind="external",
                method=method, dry_run=dry_run, lang=lang)
form

# %% [markdown]
# ## Who and where, and the plan

# %%
form.whoami()

# %%
form.plan()

# %% [markdown]
# ## Create the role, trusted by Systems Manager
#
# The console's use case is *Systems Manager*; the two conditions are added afterwards on the
# role's **Trust relationships** tab. The AWS Command Line Interface (AWS CLI) writes them in the trust policy file from the
# start.
#
# **The confused deputy.** A *confused deputy* is a more-privileged party that is made to act
# for someone who has no permission to ask it directly. Systems Manager is such a deputy: one
# service acting for every AWS customer. A trust policy that names only `ssm.amazonaws.com`
# trusts Systems Manager whatever request it is working on, so nothing in the role would stop
# Systems Manager, tricked into acting for a request that came from another account, from
# assuming your role. The two conditions tie the trust to your own requests:
# `aws:SourceAccount` is the account Systems Manager acts for, and must be yours;
# `aws:SourceArn` is the Systems Manager resource it acts for, and must be one of your account's
# (`arn:aws:ssm:<region>:<account>:*`). (`iam:PassRole` already keeps another account from
# naming your role in its own activation; the conditions protect the role itself.)

# %%
form.step("create_role")

# %%
Question("q_confused_deputy", show_answers=show_answers, lang=lang)

# %% [markdown]
# ## The Systems Manager permissions

# %%
form.step("attach_ssm_managed_instance_core")

# %% [markdown]
# ## The container agent's permissions, as on Amazon EC2

# %%
form.step("attach_managed_policy")

# %% [markdown]
# ## Next: the activation
#
# With the role in place, `aws ssm create-activation` returns an activation code and ID. On the
# external machine, the ECS Anywhere install script (`ecs-anywhere-install.sh`) takes them, with
# the Region and the cluster name, registers the machine with Systems Manager, and starts the
# container agent. The plan shows the command and runs nothing.

# Whoever creates the activation passes the role to Systems Manager, so they need
# `iam:PassRole` on it, as whoever launches Amazon EC2 instances with an instance profile does.

# %%
form.step("create_activation")

# %% [markdown]
# ## Apply
#
# The next cell does exactly what the form's button does, from the form's values.

# %% tags=["summary"]
form.run()

# %% [markdown]
# ## What the target holds now
#
# Systems Manager is the trusted principal; there is no instance profile: the external instance
# registers with Systems Manager instead.

# %%
form.picture()

# %% [markdown]
# ## What the sandbox cannot show

# %%
sandbox_limits("iam_names", "ssm_activation", lang=lang)
