"""What the notebooks show and the form they open with: forms, views, the role picture, quizzes, the reads a view shows.

- ``diagram``
- ``evidence``
- ``forms``
- ``quiz``
- ``views``

Names load when first used (PEP 562).
"""

import importlib

#: Each public name and the module it lives in.
_WHERE = {
    "ACTIONS": "forms",
    "Box": "diagram",
    "CATALOG": "quiz",
    "ErratumView": "views",
    "ExportView": "views",
    "Findings": "views",
    "Identity": "views",
    "LABELS": "forms",
    "METHODS": "forms",
    "QUESTIONS": "quiz",
    "Question": "quiz",
    "RoleForm": "forms",
    "RoleHoldings": "evidence",
    "RolePicture": "diagram",
    "RunResult": "views",
    "StepView": "views",
    "TARGETS": "forms",
    "TRUNKING_TAKES_EFFECT": "views",
    "Table": "views",
    "answer_key": "quiz",
    "effective_trunking": "evidence",
    "erratum": "views",
    "erratum_evidence": "evidence",
    "explain": "views",
    "iam_answer": "evidence",
    "least_privilege_table": "views",
    "localize": "views",
    "localized_error": "views",
    "role_holdings": "evidence",
    "role_picture": "diagram",
    "sandbox_limits": "views",
    "trunking_settings": "views",
}
__all__ = [
    "ACTIONS",
    "CATALOG",
    "LABELS",
    "METHODS",
    "QUESTIONS",
    "TARGETS",
    "TRUNKING_TAKES_EFFECT",
    "Box",
    "ErratumView",
    "ExportView",
    "Findings",
    "Identity",
    "Question",
    "RoleForm",
    "RoleHoldings",
    "RolePicture",
    "RunResult",
    "StepView",
    "Table",
    "answer_key",
    "effective_trunking",
    "erratum",
    "erratum_evidence",
    "explain",
    "iam_answer",
    "least_privilege_table",
    "localize",
    "localized_error",
    "role_holdings",
    "role_picture",
    "sandbox_limits",
    "trunking_settings",
]


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
