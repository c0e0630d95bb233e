"""ecsrole_lib: the Amazon ECS container instance IAM role, as the documentation sets it up.

One plan of the documented steps drives everything: the console clicks and
AWS CLI commands a person reads, and ``apply``, ``audit`` and ``teardown``.

>>> from ecsrole_lib import RoleSpec, plan
>>> spec = RoleSpec(features=["ecr", "cloudwatch_logs"])
>>> plan(spec).ids[:2]
['create_role', 'create_instance_profile']
"""

from .agent import AgentConfig
from .aws import connect, is_sandbox
from .cloudformation import export_cloudformation
from .converge import apply, audit, teardown
from .doctor import Diagnosis, doctor
from .errata import Erratum, errata
from .errors import (
    AccessDeniedError,
    AwsError,
    ConflictError,
    CredentialsError,
    EcsRoleError,
    LaunchDeniedError,
    Problem,
    PropagationError,
    QuotaError,
    UnsupportedPolicyError,
    ValidationError,
)
from .launch import LaunchReport, launch
from .plan import Plan, plan
from .report import Report, Row
from .sandbox import SandboxSession, sandbox
from .spec import FEATURES, INSTANCE_KINDS, RoleSpec
from .steps import Step
from .userdata import ecs_config, user_data

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
    "UnsupportedPolicyError",
    "ValidationError",
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
    "teardown",
    "user_data",
]

__version__ = "0.1.0"
