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

# %%
form.whoami()

# %% [markdown]
# ## The role of 01 and 02
#
# On the sandbox, a run alone makes it first; after `01` to `04` this writes nothing. On AWS
# nothing is created: the doctor reads what is there.

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

# %% tags=["summary"]
doctor(form.spec, form.session, AgentConfig())

# %% [markdown]
# ## Launch an instance with the instance profile
#
# What comes after the page: an instance launched with `--iam-instance-profile`, and user data
# that writes `ecs.config` (or copies it from the private bucket). The person who launches needs
# `iam:PassRole` on the role, not the role's own permissions.

# %%
launch_plan(form.spec)

# %% [markdown]
# On the sandbox the next cell runs it and plays the agent; the last row is
# `aws ecs list-container-instances` listing the new container instance. On AWS it only shows
# the commands (`launch(spec, session, on_aws="run")` starts the instance). `99_cleanup`
# terminates the instance and deregisters it.

# %%
launch(form.spec, form.session, on_aws="show")

# %% [markdown]
# ## Exercise 1: the trust policy names the wrong service
#
# Someone wrote the trust policy from memory: `ecs.amazonaws.com`, the service the role is "for".
# Each exercise first makes its role right with the guide, then breaks it, on the sandbox only.

# %%
trust = exercise("wrong_trust", lang)
trust.break_it(form.session, region)

# %%
trust.symptom(form.session, region)

# %%
trust.question(show_answers)

# %%
doctor(trust.spec(region), form.session, trust.agent)

# %% [markdown]
# The fix: the form applies the role's spec; the role is the guide's, so apply restores the
# documented trust policy.

# %%
trust.fix(form)

# %%
doctor(trust.spec(region), form.session, trust.agent)

# %% [markdown]
# ## Exercise 2: an empty instance profile
#
# The role is right, and so is the instance profile's name in `run-instances`; but the role was
# never added to the profile (the console does it for you, the AWS CLI does not).

# %%
profile = exercise("empty_profile", lang)
profile.break_it(form.session, region)

# %%
profile.symptom(form.session, region)

# %%
profile.question(show_answers)

# %%
doctor(profile.spec(region), form.session, profile.agent)

# %%
profile.fix(form)

# %%
doctor(profile.spec(region), form.session, profile.agent)

# %% [markdown]
# ## Exercise 3: a hand-copied policy that fell behind
#
# A team copied `AmazonEC2ContainerServiceforEC2Role` into an inline policy years ago and
# detached the managed one. Now the instances set `ECS_CONTAINER_INSTANCE_TAGS`, so the agent
# registers with tags.

# %%
stale = exercise("stale_copy", lang)
stale.break_it(form.session, region)

# %%
stale.symptom(form.session, region)

# %%
stale.question(show_answers)

# %%
doctor(stale.spec(region), form.session, stale.agent)

# %% [markdown]
# The fix: delete the copy (apply keeps what it did not write), then the form attaches the
# managed policy again, which AWS keeps current.

# %%
stale.fix(form)

# %%
doctor(stale.spec(region), form.session, stale.agent)

# %% [markdown]
# ## Exercise 4: an explicit deny
#
# A guardrail policy meant for people (`Deny ecs:Register*`) was attached to the instance role.

# %%
deny = exercise("explicit_deny", lang)
deny.break_it(form.session, region)

# %%
deny.symptom(form.session, region)

# %%
deny.question(show_answers)

# %%
doctor(deny.spec(region), form.session, deny.agent)

# %%
deny.fix(form)

# %%
doctor(deny.spec(region), form.session, deny.agent)

# %% [markdown]
# ## Exercise 5: a permissions boundary without `ecs:*`
#
# The account requires a permissions boundary on every role, and the boundary was written for
# roles that only read Amazon S3 and write logs.

# %%
boundary = exercise("boundary", lang)
boundary.break_it(form.session, region)

# %%
boundary.symptom(form.session, region)

# %%
boundary.question(show_answers)

# %%
doctor(boundary.spec(region), form.session, boundary.agent)

# %% [markdown]
# The fix here removes the boundary (the spec has none). Where a boundary is required, add the
# agent's actions (`ecs:*` for the agent's calls) to it instead.

# %%
boundary.fix(form)

# %%
doctor(boundary.spec(region), form.session, boundary.agent)

# %% [markdown]
# ## Exercise 6: a scoped policy that breaks Amazon ECS Service Connect
#
# A least-privilege policy replaced the managed one: `ecs:Poll` only with the condition
# `ecs:cluster` equal to the cluster. The instance registers and runs tasks, until a service
# uses Service Connect.

# %%
scoped = exercise("scoped_poll", lang)
scoped.break_it(form.session, region)

# %%
scoped.symptom(form.session, region)

# %%
scoped.question(show_answers)

# %%
doctor(scoped.spec(region), form.session, scoped.agent)

# %% [markdown]
# The fix attaches the managed policy again. The scoped policy stays, and now narrows nothing:
# the doctor's `least_privilege:` row says so.

# %%
scoped.fix(form)

# %%
doctor(scoped.spec(region), form.session, scoped.agent)

# %% [markdown]
# ## Exercise 7: `ecs.config` unreadable
#
# The role reads `ecs.config` through the least-privilege policy `ecs-config-read`, which names
# one object. Someone pointed it at another key.

# %%
config = exercise("config_unreadable", lang)
config.break_it(form.session, region)

# %%
config.symptom(form.session, region)

# %%
config.question(show_answers)

# %%
doctor(config.spec(region), form.session, config.agent)

# %%
config.fix(form)

# %%
doctor(config.spec(region), form.session, config.agent)

# %% [markdown]
# ## Clean up the exercise role
#
# Its instances are terminated and deregistered, its cluster deleted once empty, its bucket, its
# policies and the boundary policy removed. The instance of the guide's own role stays for
# `99_cleanup`.

# %%
cleanup(form.session, region)
