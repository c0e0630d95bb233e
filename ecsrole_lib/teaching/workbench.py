"""The learner's fix in notebook 06: an editor, a Check button, and the doctor's answer.

A :class:`Task` names what the learner may change on the exercise's role: the service its
trust policy names, the role its instance profile holds, one of its inline policies, or
its permissions boundary. :class:`Workbench` shows it as it is on the sandbox; Check
makes the learner's change (only what differs: an unchanged document writes nothing) and
runs :func:`ecsrole_lib.doctor`, which says what is still wrong. A document that is not
JSON is refused before any AWS call, with the policy's name and the rule.

>>> task = Task("inline_policy", "guardrail", answer=None)
>>> task.reference("us-east-1", "123456789012", "ecsDoctorDemoRole4") is None
True
>>> document({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})["Version"]
'2012-10-17'
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
from botocore.exceptions import ClientError

from ..aws.client import Context, is_sandbox
from ..diagnose.agent import AgentConfig
from ..diagnose.doctor import Diagnosis, doctor
from ..errors import EcsRoleError, Problem, ValidationError
from ..i18n.catalog import message, render
from ..policies import normalize
from ..spec import RoleSpec

__all__ = ["Task", "Workbench", "document", "policy_text"]

_KINDS = ("trust_principal", "profile_role", "inline_policy", "boundary")


def document(*statements: dict) -> dict:
    """A policy document of ``statements``."""
    return {"Version": "2012-10-17", "Statement": list(statements)}


def policy_text(doc: dict | None) -> str:
    """``doc`` as the editor shows it: one statement per line, so a learner reads each rule.

    >>> print(policy_text(document({"Effect": "Deny", "Action": "ecs:Register*", "Resource": "*"})))
    {"Version": "2012-10-17", "Statement": [
      {"Effect": "Deny", "Action": "ecs:Register*", "Resource": "*"}
    ]}
    """
    if doc is None:
        return ""
    statements = doc.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    lines = ",\n".join(f"  {json.dumps(s)}" for s in statements)
    return f'{{"Version": {json.dumps(doc.get("Version", "2012-10-17"))}, "Statement": [\n{lines}\n]}}'


@dataclass(frozen=True)
class Task:
    """What the learner changes, and the reference fix (applied with ``show_answers=True``).

    ``answer`` is a choice, a document, ``None`` (delete the policy, remove the boundary) or
    a function of (region, account) giving the document; ``"{role}"`` in a choice or an
    answer stands for the exercise's role.
    """

    kind: str
    name: str = ""
    answer: Any = None
    choices: tuple[str, ...] = ()

    def __post_init__(self):
        if self.kind not in _KINDS:
            raise ValueError(f"Task.kind must be one of {', '.join(_KINDS)}, got {self.kind!r}")

    def options(self, role: str) -> list[str]:
        """The choices, with the role's name filled in."""
        return [choice.format(role=role) for choice in self.choices]

    def reference(self, region: str, account: str, role: str) -> Any:
        """The reference fix, filled in."""
        answer = self.answer(region, account) if callable(self.answer) else self.answer
        return answer.format(role=role) if isinstance(answer, str) else answer


def _parse(name: str, text: str) -> dict | None:
    """The learner's document (``None`` for an empty box), or ``ValidationError`` naming it."""
    if not text.strip():
        return None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValidationError([Problem(name, text[:40], message(
            "exercise.bench.not_json", line=err.lineno, column=err.colno))]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("Statement"), (list, dict)):
        raise ValidationError([Problem(name, text[:40], message("exercise.bench.no_statement"))])
    return doc


class Workbench(widgets.VBox):
    """The editor for one :class:`Task` on the exercise role ``spec``, and its Check button.

    Parameters
    ----------
    task, spec, session, agent
        What the learner changes, the role as it should be, the sandbox, the agent's settings.
    seen
        What the user sees of the break, shown above the editor (:class:`exercises.Seen`).
    show_answers
        Put the reference fix in the editor and check it (a headless run, nobody to type).
    lang
        ``"en"`` or ``"ko"``: the editor's words and the doctor's.
    """

    def __init__(self, task: Task, spec: RoleSpec, session, agent: AgentConfig, *,
                 seen: Any = None, show_answers: bool = False, lang: str = "en"):
        self.task, self.spec, self.session, self.agent, self.lang = task, spec, session, agent, lang
        self.seen = seen
        self.diagnosis: Diagnosis | None = None
        self.said = self._say("unchecked")
        self.result = widgets.HTML("")  # the prompt says to click Check; the doctor answers here
        if not is_sandbox(session):
            self.said = self._say("not_on_aws")
            super().__init__([widgets.HTML(f"<p>{html.escape(self.said)}</p>")])
            return
        self.ctx = Context(session, spec.region)
        self.account = self.ctx.call("sts", "get_caller_identity", "identifying the caller")[
            "Account"]
        self.editor = self._editor()
        self.button = widgets.Button(description=self._say("check"), button_style="primary",
                                     layout=widgets.Layout(width="max-content"))
        self.button.on_click(lambda _button: self.check())
        # A widget's HTML has the line height of a button (28 px): a sentence needs less.
        self.prompt = widgets.HTML(f"<p style='line-height:1.5'><b>{html.escape(self._say('heading'))}:</b> "
                                   f"{html.escape(self._say(task.kind, **self._names()))}</p>")
        # A choice and its button share a row; a document's box takes the notebook's width.
        body = ([widgets.HBox([self.editor, self.button])]
                if isinstance(self.editor, widgets.Dropdown) else [self.editor, self.button])
        above = [widgets.HTML(seen._repr_html_())] if seen is not None else []
        super().__init__([*above, self.prompt, *body, self.result],
                         layout=widgets.Layout(width="100%"))
        if show_answers:
            self.editor.value = self._shown(self.task.reference(
                spec.region, self.account, spec.role_name))
            self.check()

    def _say(self, id: str, **fields) -> str:
        return render(message(f"exercise.bench.{id}", **fields), self.lang)

    def _names(self) -> dict[str, str]:
        return {"role": self.spec.role_name, "profile": self.spec.instance_profile_name,
                "policy": self.task.name}

    def _shown(self, value: Any) -> str:
        """A value as the editor holds it (a document as text)."""
        return value if isinstance(value, str) else policy_text(value)

    def _editor(self) -> widgets.Widget:
        if self.task.kind in ("trust_principal", "profile_role"):
            options = self.task.options(self.spec.role_name)
            current = self._current()
            return widgets.Dropdown(options=options, value=current if current in options else None,
                                    layout=widgets.Layout(width="max-content"))
        text = policy_text(self._current())
        rows = sum(1 + len(line) // 150 for line in text.splitlines())  # ~150 monospace columns
        return widgets.Textarea(value=text, rows=max(3, min(rows, 12)),
                                layout=widgets.Layout(width="100%"))

    # -- what is on the sandbox, and the learner's change ---------------------------------
    def _read(self, operation: str, **params) -> dict:
        """A read; ``NoSuchEntity`` comes back as it is (nothing there)."""
        return self.ctx.call("iam", operation, "reading the exercise role",
                             ok_codes=("NoSuchEntity",), **params)

    def _iam(self, operation: str, **params) -> dict:
        """A write of the learner's fix; errors come back as the guide's (AWS's words)."""
        return self.ctx.call("iam", operation, "making the learner's fix", **params)

    def _boundary_arn(self) -> str:
        return f"arn:aws:iam::{self.account}:policy/{self.task.name}"

    def _current(self) -> Any:
        """The value the task edits, as it is now (a principal, a role, a document or None)."""
        role = self.spec.role_name
        try:
            if self.task.kind == "trust_principal":
                trust = self._read("get_role", RoleName=role)["Role"]["AssumeRolePolicyDocument"]
                service = _statements(trust)[0].get("Principal", {}).get("Service")
                return service[0] if isinstance(service, list) else service
            if self.task.kind == "profile_role":
                roles = self._read("get_instance_profile", InstanceProfileName=self.spec.
                                  instance_profile_name)["InstanceProfile"]["Roles"]
                return roles[0]["RoleName"] if roles else None
            if self.task.kind == "inline_policy":
                return _as_dict(self._read("get_role_policy", RoleName=role,
                                          PolicyName=self.task.name)["PolicyDocument"])
            version = self._read("get_policy", PolicyArn=self._boundary_arn())["Policy"][
                "DefaultVersionId"]
            return _as_dict(self._read("get_policy_version", PolicyArn=self._boundary_arn(),
                                      VersionId=version)["PolicyVersion"]["Document"])
        except ClientError:  # NoSuchEntity (the only code _read passes through): nothing there
            return None

    def _change(self, value: str) -> None:
        """Write the learner's value where it differs from what is there; nothing else."""
        # A document is checked before anything is read: bad input makes no call at all.
        doc = _parse(self.task.name, value) if self.task.kind in ("inline_policy", "boundary") \
            else None
        current, role = self._current(), self.spec.role_name
        if self.task.kind == "trust_principal":
            if value != current:
                self._iam("update_assume_role_policy", RoleName=role, PolicyDocument=json.dumps(
                    document({"Effect": "Allow", "Principal": {"Service": value},
                              "Action": "sts:AssumeRole"})))
        elif self.task.kind == "profile_role":
            self._hold(current, value)
        else:
            if doc is None and current is not None:
                self._remove()
            elif doc is not None and (current is None or normalize(doc) != normalize(current)):
                self._write(doc)

    def _hold(self, current: str | None, value: str) -> None:
        profile = self.spec.instance_profile_name
        if value == current:
            return
        if current is not None:  # a profile holds one role at most
            self._iam("remove_role_from_instance_profile", InstanceProfileName=profile,
                      RoleName=current)
        self._iam("add_role_to_instance_profile", InstanceProfileName=profile, RoleName=value)

    def _remove(self) -> None:
        if self.task.kind == "inline_policy":
            self._iam("delete_role_policy", RoleName=self.spec.role_name, PolicyName=self.task.name)
        else:
            self._iam("delete_role_permissions_boundary", RoleName=self.spec.role_name)

    def _write(self, doc: dict) -> None:
        if self.task.kind == "inline_policy":
            self._iam("put_role_policy", RoleName=self.spec.role_name, PolicyName=self.task.name,
                      PolicyDocument=json.dumps(doc))
            return
        arn = self._boundary_arn()
        versions = self._iam("list_policy_versions", PolicyArn=arn)["Versions"]
        old = [v for v in versions if not v["IsDefaultVersion"]]
        if len(versions) >= 5 and old:  # IAM keeps five versions of a policy
            self._iam("delete_policy_version", PolicyArn=arn, VersionId=old[-1]["VersionId"])
        self._iam("create_policy_version", PolicyArn=arn, PolicyDocument=json.dumps(doc),
                  SetAsDefault=True)

    # -- Check ----------------------------------------------------------------------------
    def check(self, value: str | None = None) -> Diagnosis | None:
        """Make the learner's fix (``value``, or the editor's), then ask the doctor.

        Returns the doctor's diagnosis, or ``None`` when the fix was refused (a document that
        is not JSON: nothing was called; an error from the sandbox: said as it came).
        """
        value = self.editor.value if value is None else value
        self.ctx = Context(self.session, self.spec.region)  # reads see the state as it is now
        if value is None:
            return self._refused(self._say("choose"))
        try:
            self._change(value)
        except ValidationError as err:
            problem = err.problems[0]
            return self._refused(f"{problem.field}: {render(problem.rule, self.lang)}")
        except EcsRoleError as err:
            return self._refused(self._say("refused", error=str(err).splitlines()[0]))
        self.diagnosis = doctor(self.spec, self.session, self.agent, lang=self.lang)
        left = len(self.diagnosis.failures)
        self.said = (self._say("fixed", role=self.spec.role_name) if not left
                     else self._say("not_yet", n=left))
        colour = "#1a7f37" if not left else "#cf222e"
        self.result.value = (f"<p style='color:{colour}'><b>{html.escape(self.said)}</b></p>"
                             + self.diagnosis._repr_html_())
        return self.diagnosis

    def _refused(self, said: str) -> None:
        self.said, self.diagnosis = said, None
        self.result.value = f"<p style='color:#cf222e'><b>{html.escape(said)}</b></p>"

    def __str__(self) -> str:
        if not hasattr(self, "editor"):
            return self.said
        lines = [str(self.seen)] if self.seen is not None else []
        lines += [f"{self._say('heading')}: {self._say(self.task.kind, **self._names())}",
                 str(self.editor.value or ""), self.said]
        if self.diagnosis is not None:
            lines.append(str(self.diagnosis))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = str(self)
        # Where widgets cannot run (a static page): the task, the value, and the outcome.
        if hasattr(self, "editor"):
            bundle["text/html"] = ((self.seen._repr_html_() if self.seen is not None else "")
                                   + self.prompt.value
                                   + f"<pre>{html.escape(str(self.editor.value or ''))}</pre>"
                                   + self.result.value)
        return bundle


def _statements(doc: dict) -> list[dict]:
    statements = doc.get("Statement", [])
    return statements if isinstance(statements, list) else [statements]


def _as_dict(doc: Any) -> dict:
    """A policy document as boto3 gives it (a dict, or its URL-decoded JSON text)."""
    return doc if isinstance(doc, dict) else json.loads(doc)
