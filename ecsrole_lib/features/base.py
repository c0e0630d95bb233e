"""What every feature module provides, and the sentences the page repeats across sections.

A feature is one section of the page (or one choice the guide adds): its
validation, its steps (titles, console clicks in English and Korean, AWS CLI
commands, the action), the agent settings it implies, its label and its
explanation. :func:`ecsrole_lib.plan.plan` composes the features of
:data:`ecsrole_lib.features.REGISTRY` in order; nothing else names a feature.

>>> from ecsrole_lib.features import REGISTRY
>>> REGISTRY[0].name, REGISTRY[0].selectable
('role', False)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from .. import policies
from ..i18n.catalog import Message, korean
from ..shell import Subst, command

if TYPE_CHECKING:
    from ..errors import Problem
    from ..spec import RoleSpec
    from ..steps import Step

__all__ = ["ADDS_TAGS", "SIGN_IN", "Facts", "Feature", "account_note", "attach_console",
           "filled", "managed_policy_lookup"]


@dataclass(frozen=True)
class Facts:
    """What the plan knows when it asks a feature for its steps.

    Attributes
    ----------
    spec
        The user's choices.
    partition
        The partition of the spec's Region (``aws``, ``aws-cn`` ...).
    account
        The 12-digit account id once known, else ``None`` (documents then say
        ``${ACCOUNT_ID}``).
    ecs_config
        The container agent's ``ecs.config``, composed from every feature.
    """

    spec: RoleSpec
    partition: str
    account: str | None
    ecs_config: str


class Feature:
    """One feature: subclasses set the class attributes and override what applies.

    A feature chosen in ``RoleSpec.features`` is ``selectable`` (a checkbox in
    the form, labelled with :attr:`labels`); the others apply by their own
    fields (the role always; trunking with ``trunking=True`` ...).
    """

    #: Its name: in ``RoleSpec.features`` when selectable.
    name: ClassVar[str] = ""
    #: Chosen in ``RoleSpec.features`` (a form checkbox).
    selectable: ClassVar[bool] = False
    #: The page's section its steps belong to.
    section: ClassVar[str] = ""
    #: The form's checkbox label, in English and Korean.
    labels: ClassVar[dict[str, str]] = {}
    #: What choosing it does, in English and Korean (the form checkbox's tooltip).
    explanation: ClassVar[dict[str, str]] = {}
    #: The Korean of this feature's own phrases in messages (English template -> Korean),
    #: merged into :data:`ecsrole_lib.i18n.messages.KO`.
    korean: ClassVar[dict[str, str]] = {}

    def applies(self, spec: RoleSpec) -> bool:
        """Whether the spec uses this feature."""
        return self.selectable and isinstance(spec.features, tuple) and self.name in spec.features

    def problems(self, spec: RoleSpec) -> list[Problem]:
        """What is wrong with the spec's fields for this feature (no AWS call)."""
        return []

    def limits(self, spec: RoleSpec) -> list[Problem]:
        """IAM's size quotas, checked once every field is valid."""
        return []

    def steps(self, facts: Facts) -> list[Step]:
        """The documented steps, in the page's order."""
        return []

    def ecs_config(self, spec: RoleSpec) -> list[str]:
        """The lines this feature adds to the container agent's ``ecs.config``."""
        return []

    def agent(self, spec: RoleSpec) -> dict[str, Any]:
        """The :class:`~ecsrole_lib.diagnose.agent.AgentConfig` fields an instance of the spec has."""
        return {}

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang, self.labels.get("en", self.name))


SIGN_IN = {
    "en": "Sign in to the AWS Management Console and open the IAM console at "
          "https://console.aws.amazon.com/iam/.",
    "ko": "AWS Management Console에 로그인하여 https://console.aws.amazon.com/iam/ 에서 IAM 콘솔을 엽니다.",
}

#: The comment line that marks what the guide adds to the page's commands.
ADDS_TAGS = ("# Added by ecsrole-guide (not on the page): --tags with created-by=ecsrole-guide, "
             "the mark teardown looks for.")


def filled(text: Any, **values: Any) -> Any:
    """``text`` with each ``{name}`` in its strings replaced by ``values[name]``.

    The page's text lives in module-level tables (a step's title, console
    clicks, note ...), written once with placeholders for what the spec names;
    this fills in a fresh copy, so a step may change its lists without
    touching the table. Strings are filled; dicts, lists and tuples are copied
    with their strings filled; anything else is returned as it is.

    >>> filled({"en": ["Choose {role}."], "api": ("iam:GetRole",)}, role="ecsInstanceRole")
    {'en': ['Choose ecsInstanceRole.'], 'api': ('iam:GetRole',)}
    """
    if isinstance(text, Message):  # a message by id (a page_ref) is rendered later, by id
        return text
    if isinstance(text, str):  # particles by construction: "{role:을}" (i18n.catalog)
        return korean(text, **values)
    if isinstance(text, dict):
        return {key: filled(value, **values) for key, value in text.items()}
    if isinstance(text, (list, tuple)):
        return type(text)(filled(value, **values) for value in text)
    return text


def attach_console(role: str, policy: str) -> dict[str, list[str]]:
    """The console clicks that attach a managed policy to the role."""
    return {
        "en": [SIGN_IN["en"], "In the navigation pane, choose Roles.", f"Choose {role}.",
               "Choose Add permissions, then Attach policies.",
               f"Select {policy}, then choose Add permissions."],
        "ko": [SIGN_IN["ko"], "IAM 콘솔의 탐색 창에서 역할을 선택합니다.", korean("{role:을} 선택합니다.", role=role),
               "권한 추가, 정책 연결을 선택합니다.", korean("{policy:을} 선택한 다음 권한 추가를 선택합니다.", policy=policy)],
    }


def managed_policy_lookup(partition: str, look_for: dict[str, str],
                          action_filter: str) -> tuple[dict[str, list[str]], tuple[str, ...]]:
    """The console clicks and the AWS CLI command that read the container instance managed
    policy for some of its actions: ``look_for`` names them (en, ko), ``action_filter`` is
    the JMESPath filter that picks them out of each statement's ``Action``.
    """
    arn = policies.managed_policy_arn(partition, policies.CONTAINER_INSTANCE_POLICY)
    name = policies.CONTAINER_INSTANCE_POLICY[1]
    console = {"en": [SIGN_IN["en"], f"Choose Policies, then {name}.",
                      f"On Permissions, choose JSON and look for {look_for['en']}."],
               "ko": [SIGN_IN["ko"], f"정책을 선택한 다음 {name}을 선택합니다.",
                      f"권한에서 JSON을 선택하고 {look_for['ko']}을 찾습니다."]}
    cli = (command("aws", "iam", "get-policy-version", policy_arn=arn,
                   version_id=Subst(command("aws", "iam", "get-policy", policy_arn=arn,
                                            query="Policy.DefaultVersionId", output="text")),
                   query=f"PolicyVersion.Document.Statement[].Action[?{action_filter}]"),)
    return console, cli


def account_note(files: tuple[str, ...]) -> str:
    """What to do with ``${ACCOUNT_ID}`` in a file while the account is not known."""
    return (f" {' and '.join(files)} names your account as ${{ACCOUNT_ID}}: replace it with "
            "your 12-digit account id, or set ACCOUNT_ID=$(aws sts get-caller-identity --query "
            "Account --output text) and fill it in with sed, as the full AWS CLI listing does.")
