"""ecsrole_lib: the Amazon ECS container instance IAM role, as the documentation sets it up.

One plan of the documented steps drives everything: the console clicks and
AWS CLI commands a person reads, and ``apply``, ``audit`` and ``teardown``.

>>> from ecsrole_lib import RoleSpec, plan
>>> spec = RoleSpec(features=["ecr", "cloudwatch_logs"])
>>> plan(spec).ids[:2]
['create_role', 'create_instance_profile']
"""

import importlib
import sys
import types

#: Where each public name lives. Nothing is imported until a name is first used, so
#: ``import ecsrole_lib`` costs next to nothing and a notebook cell pulls in only the
#: modules it uses (boto3 with the first run; the CloudFormation renderer and its YAML
#: only for an export; ipywidgets only with a form; moto only with the sandbox).
_WHERE = {
    "AgentConfig": "agent",
    "connect": "aws", "is_sandbox": "aws",
    "export_cloudformation": "cloudformation",
    "apply": "converge", "audit": "converge", "teardown": "converge",
    "Diagnosis": "doctor", "doctor": "doctor",
    "Erratum": "errata", "errata": "errata",
    "StepDone": "events", "StepStarted": "events", "Waiting": "events",
    "AccessDeniedError": "errors", "AwsError": "errors", "ConflictError": "errors",
    "CredentialsError": "errors", "EcsRoleError": "errors", "LaunchDeniedError": "errors",
    "Problem": "errors",
    "PropagationError": "errors", "QuotaError": "errors", "UnsupportedPolicyError": "errors",
    "ValidationError": "errors",
    "LaunchReport": "launch", "launch": "launch",
    "Plan": "plan", "plan": "plan",
    "Report": "report", "Row": "report",
    "SandboxSession": "sandbox", "sandbox": "sandbox",
    "FEATURES": "spec", "INSTANCE_KINDS": "spec", "RoleSpec": "spec",
    "Step": "steps",
    "Survey": "survey", "survey": "survey",
    "ecs_config": "features", "user_data": "userdata",
}


class _Package(types.ModuleType):
    """The package module: names resolved on first use."""

    def __getattr__(self, name: str):
        if name not in _WHERE:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
        types.ModuleType.__setattr__(self, name, value)
        return value

    def __setattr__(self, name: str, value) -> None:
        # Importing a submodule sets it as an attribute of the package; where a function
        # has its module's name (plan, sandbox, errata, survey, doctor, launch), the function wins, as it
        # did when this file imported everything at once.
        if isinstance(value, types.ModuleType) and _WHERE.get(name) == name:
            return
        types.ModuleType.__setattr__(self, name, value)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(_WHERE))


sys.modules[__name__].__class__ = _Package

__all__ = [
    "FEATURES",
    "INSTANCE_KINDS",
    "AccessDeniedError",
    "AgentConfig",
    "AwsError",
    "ConflictError",
    "CredentialsError",
    "Diagnosis",
    "EcsRoleError",
    "Erratum",
    "LaunchDeniedError",
    "LaunchReport",
    "Plan",
    "Problem",
    "PropagationError",
    "QuotaError",
    "Report",
    "RoleSpec",
    "Row",
    "SandboxSession",
    "Step",
    "StepDone",
    "StepStarted",
    "Survey",
    "UnsupportedPolicyError",
    "ValidationError",
    "Waiting",
    "apply",
    "audit",
    "connect",
    "doctor",
    "ecs_config",
    "errata",
    "export_cloudformation",
    "is_sandbox",
    "launch",
    "plan",
    "sandbox",
    "survey",
    "teardown",
    "user_data",
]

__version__ = "0.1.0"
