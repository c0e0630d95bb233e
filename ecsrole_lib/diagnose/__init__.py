"""Will it work? IAM's evaluation, the agent's calls, the doctor, a launch, the survey of an account.

- ``access``
- ``agent``
- ``doctor``
- ``launch``
- ``survey``

Names load when first used (PEP 562).
"""

import importlib

#: Each public name and the module it lives in.
_WHERE = {
    "AgentCall": "agent",
    "AgentConfig": "agent",
    "CALLS": "agent",
    "CANNOT_TELL": "doctor",
    "CallRow": "agent",
    "Decision": "access",
    "Diagnosis": "doctor",
    "DoctorCheck": "doctor",
    "LaunchPlan": "launch",
    "LaunchReport": "launch",
    "NOT_REGISTERS": "doctor",
    "Need": "doctor",
    "REGISTERS": "doctor",
    "Survey": "survey",
    "SurveyRow": "survey",
    "Symptom": "doctor",
    "UnsupportedPolicyError": "access",
    "agent_calls": "agent",
    "denied_message": "doctor",
    "evaluate": "access",
    "instances_holding": "launch",
    "launch_commands": "launch",
    "launch_plan": "launch",
    "launch_user_data": "launch",
    "needs": "doctor",
    "remove_launched": "launch",
    "request_context": "doctor",
    "survey_organization": "survey",
    "trusts": "access",
}
__all__ = [
    "CALLS",
    "CANNOT_TELL",
    "NOT_REGISTERS",
    "REGISTERS",
    "AgentCall",
    "AgentConfig",
    "CallRow",
    "Decision",
    "Diagnosis",
    "DoctorCheck",
    "LaunchPlan",
    "LaunchReport",
    "Need",
    "Survey",
    "SurveyRow",
    "Symptom",
    "UnsupportedPolicyError",
    "agent_calls",
    "denied_message",
    "evaluate",
    "instances_holding",
    "launch_commands",
    "launch_plan",
    "launch_user_data",
    "needs",
    "remove_launched",
    "request_context",
    "survey_organization",
    "trusts",
]


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
