"""The one interface every rendering of the plan implements: a method per action kind.

Each :class:`~ecsrole_lib.steps.Action` class names its method
(``render_as = "create_role"``); a renderer answers every kind, and
:meth:`Renderer.render` dispatches to it. A renderer that lacks a method
cannot be made at all (``TypeError`` on instantiation), so a new step kind
without its rendering fails in every test that renders, not in the one
combination of choices that reaches it.

>>> class Ids(Renderer):
...     pass
>>> Ids()  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
TypeError: Can't instantiate abstract class Ids with abstract methods ...
>>> "create_role" in Renderer.__abstractmethods__
True
"""

from __future__ import annotations

import abc
from typing import Any

from ..plan import Plan, plan
from ..spec import RoleSpec
from ..steps import Step

__all__ = ["KINDS", "Renderer", "check_spec", "checked"]

#: The action kinds, one abstract method each, in the page's order.
KINDS = (
    "create_role", "create_instance_profile", "add_role_to_instance_profile",
    "wait_instance_profile", "attach_policy", "check_managed_policy", "inline_policy",
    "create_config_bucket", "upload_ecs_config", "create_logs_policy", "find_logs_policy",
    "enable_trunking", "show_activation",
)


class Renderer(abc.ABC):
    """One rendering of plan steps (the CLI script, the CloudFormation template, ...).

    Subclasses implement one method per action kind (:data:`KINDS`); each takes
    the :class:`~ecsrole_lib.steps.Step` and returns what that rendering makes of
    it. Nothing here looks at an action's class.
    """

    def render(self, step: Step) -> Any:
        """What this rendering makes of ``step``: the method its action names."""
        return getattr(self, step.action.render_as)(step)

    @abc.abstractmethod
    def create_role(self, step: Step) -> Any:
        """``iam:CreateRole``: the role with its trust policy."""

    @abc.abstractmethod
    def create_instance_profile(self, step: Step) -> Any:
        """``iam:CreateInstanceProfile``."""

    @abc.abstractmethod
    def add_role_to_instance_profile(self, step: Step) -> Any:
        """``iam:AddRoleToInstanceProfile``."""

    @abc.abstractmethod
    def wait_instance_profile(self, step: Step) -> Any:
        """The wait until IAM shows the instance profile."""

    @abc.abstractmethod
    def attach_policy(self, step: Step) -> Any:
        """``iam:AttachRolePolicy`` of a managed policy (AWS's or the plan's own)."""

    @abc.abstractmethod
    def check_managed_policy(self, step: Step) -> Any:
        """The read that shows the managed policy already grants ECR (erratum E6)."""

    @abc.abstractmethod
    def inline_policy(self, step: Step) -> Any:
        """``iam:PutRolePolicy``: an inline least-privilege policy."""

    @abc.abstractmethod
    def create_config_bucket(self, step: Step) -> Any:
        """The private Amazon S3 bucket for ``ecs.config``."""

    @abc.abstractmethod
    def upload_ecs_config(self, step: Step) -> Any:
        """``s3:PutObject`` of ``ecs.config``."""

    @abc.abstractmethod
    def create_logs_policy(self, step: Step) -> Any:
        """``iam:CreatePolicy``: the customer managed CloudWatch Logs policy."""

    @abc.abstractmethod
    def find_logs_policy(self, step: Step) -> Any:
        """The page's lookup of that policy's ARN by name (erratum E4)."""

    @abc.abstractmethod
    def enable_trunking(self, step: Step) -> Any:
        """``ecs:PutAccountSetting`` of ``awsvpcTrunking`` for the role's principal."""

    @abc.abstractmethod
    def show_activation(self, step: Step) -> Any:
        """The Amazon ECS Anywhere activation: shown, never run."""


def check_spec(spec: Any) -> RoleSpec:
    """``spec`` itself, or ``TypeError``: every rendering takes a :class:`RoleSpec`."""
    if not isinstance(spec, RoleSpec):
        raise TypeError(f"spec must be a RoleSpec, got {type(spec).__name__}")
    return spec


def checked(spec: Any, the_plan: Plan | None = None) -> tuple[RoleSpec, Plan]:
    """What every export renders: ``spec`` checked, and its plan.

    Parameters
    ----------
    spec
        The user's choices; invalid specs never get here (``RoleSpec`` raises).
    the_plan
        The plan to export; ``plan(spec)`` by default.

    >>> spec, the_plan = checked(RoleSpec())
    >>> [step.id for step in the_plan][:2]
    ['create_role', 'create_instance_profile']
    """
    spec = check_spec(spec)
    return spec, the_plan or plan(spec)
