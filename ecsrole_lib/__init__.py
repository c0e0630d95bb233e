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

from . import hooks

# The extensions that plug into the core, by the hooks they register (ecsrole_lib/hooks.py):
# each is imported when its hook is first read, never by the core itself.
hooks.provided_by("target", "ecsrole_lib.sandbox.server")
hooks.provided_by("sandbox_limits", "ecsrole_lib.sandbox.server")
hooks.provided_by("audit", "ecsrole_lib.diagnose.doctor")
for _hook in ("teardown_reads", "teardown_refusals", "teardown_first"):
    hooks.provided_by(_hook, "ecsrole_lib.diagnose.launch")
del _hook

#: Where each public name lives (full module names, so a move of a module rewrites them like
#: any other reference). Nothing is imported until a name is first used, so
#: ``import ecsrole_lib`` costs next to nothing and a notebook cell pulls in only the
#: modules it uses (boto3 with the first run; the CloudFormation renderer and its YAML
#: only for an export; ipywidgets only with a form; moto only with the sandbox).
_WHERE = {
    "AgentConfig": "ecsrole_lib.diagnose.agent",
    "connect": "ecsrole_lib.aws.client",
    "is_sandbox": "ecsrole_lib.aws.client",
    "export_cloudformation": "ecsrole_lib.render.cloudformation",
    "apply": "ecsrole_lib.converge",
    "audit": "ecsrole_lib.converge",
    "teardown": "ecsrole_lib.converge",
    "Diagnosis": "ecsrole_lib.diagnose.doctor",
    "doctor": "ecsrole_lib.diagnose.doctor",
    "Erratum": "ecsrole_lib.errata",
    "errata": "ecsrole_lib.errata",
    "StepDone": "ecsrole_lib.events",
    "StepStarted": "ecsrole_lib.events",
    "Waiting": "ecsrole_lib.events",
    "AccessDeniedError": "ecsrole_lib.errors",
    "AwsError": "ecsrole_lib.errors",
    "ConflictError": "ecsrole_lib.errors",
    "CredentialsError": "ecsrole_lib.errors",
    "EcsRoleError": "ecsrole_lib.errors",
    "LaunchDeniedError": "ecsrole_lib.errors",
    "Problem": "ecsrole_lib.errors",
    "PropagationError": "ecsrole_lib.errors",
    "QuotaError": "ecsrole_lib.errors",
    "UnsupportedPolicyError": "ecsrole_lib.errors",
    "ValidationError": "ecsrole_lib.errors",
    "LaunchReport": "ecsrole_lib.diagnose.launch",
    "launch": "ecsrole_lib.diagnose.launch",
    "Plan": "ecsrole_lib.plan",
    "plan": "ecsrole_lib.plan",
    "Report": "ecsrole_lib.report",
    "Row": "ecsrole_lib.report",
    "SandboxSession": "ecsrole_lib.sandbox.server",
    "sandbox": "ecsrole_lib.sandbox.server",
    "FEATURES": "ecsrole_lib.spec",
    "INSTANCE_KINDS": "ecsrole_lib.spec",
    "RoleSpec": "ecsrole_lib.spec",
    "Step": "ecsrole_lib.steps",
    "Survey": "ecsrole_lib.diagnose.survey",
    "survey": "ecsrole_lib.diagnose.survey",
    "ecs_config": "ecsrole_lib.features",
    "user_data": "ecsrole_lib.userdata",
}


class _Package(types.ModuleType):
    """The package module: names resolved on first use.

    Not a module-level ``__getattr__`` (PEP 562) alone: three public names are also their
    modules' names (``plan``, ``errata``, ``sandbox``), and the first ``import
    ecsrole_lib.plan`` (any module of the package makes it) sets the package's ``plan`` to the
    module, which ``__getattr__`` never sees again; binding them at import instead would load
    boto3 with ``import ecsrole_lib``. ``tests/test_imports.py`` checks both.
    """

    def __getattr__(self, name: str):
        if name not in _WHERE:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(_WHERE[name]), name)
        types.ModuleType.__setattr__(self, name, value)
        return value

    def __setattr__(self, name: str, value) -> None:
        # Importing a submodule sets it as an attribute of the package; where a public name
        # is also a module's (plan, sandbox, errata, survey, doctor, launch), the function wins,
        # as it did when this file imported everything at once.
        if isinstance(value, types.ModuleType) and name in _WHERE:
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
