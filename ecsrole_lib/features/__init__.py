"""The features a container instance role can serve: one module each, composed by the plan.

Each module (``role``, ``ecr``, ``s3_config`` ...) holds everything about its
feature: validation, steps, the agent settings it implies, its label and its
explanation (see :class:`~ecsrole_lib.features.base.Feature`). To add a
feature, write one module with a ``FEATURE`` and name it in ``_MODULES``: the
plan, the form, the exports, ``ecs.config``, apply, audit and the doctor read
it from here.

>>> [f.name for f in REGISTRY]
['role', 'ecr', 's3_config', 'cloudwatch_logs', 'spot_draining', 'extra', 'trunking', 'anywhere']
>>> from ecsrole_lib import RoleSpec
>>> ecs_config(RoleSpec(cluster_name="prod"))
'ECS_CLUSTER=prod\\n'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .base import Facts, Feature

if TYPE_CHECKING:
    from ..spec import RoleSpec

__all__ = ["REGISTRY", "SELECTABLE", "Facts", "Feature", "agent_settings", "applicable",
           "ecs_config", "feature"]

#: The feature modules, in the page's order: the plan's steps follow it.
_MODULES = ("role", "ecr", "s3_config", "cloudwatch_logs", "spot_draining", "extra", "trunking",
            "anywhere")

REGISTRY: tuple[Feature, ...] = tuple(
    importlib.import_module(f"{__name__}.{name}").FEATURE for name in _MODULES)
#: The names ``RoleSpec.features`` accepts, in the page's section order.
SELECTABLE: tuple[str, ...] = tuple(f.name for f in REGISTRY if f.selectable)


def feature(name: str) -> Feature:
    """The feature called ``name``.

    >>> feature("ecr").label("ko")
    'Amazon ECR 권한'
    """
    for candidate in REGISTRY:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def applicable(spec: RoleSpec) -> list[Feature]:
    """The features ``spec`` uses, in the page's order."""
    return [f for f in REGISTRY if f.applies(spec)]


def ecs_config(spec: RoleSpec) -> str:
    """The container agent's configuration file, every feature's lines in order."""
    return "".join(f"{line}\n" for f in applicable(spec) for line in f.ecs_config(spec))


def agent_settings(spec: RoleSpec) -> dict[str, Any]:
    """The :class:`~ecsrole_lib.diagnose.agent.AgentConfig` fields an instance of ``spec`` has."""
    settings: dict[str, Any] = {}
    for f in applicable(spec):
        settings.update(f.agent(spec))
    return settings
