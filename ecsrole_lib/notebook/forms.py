"""The guide's ipywidgets form: :class:`RoleForm` (its views are in :mod:`ecsrole_lib.notebook.views`).

A :class:`RoleForm` is pre-filled from a notebook's parameters. It shows the
plan for the current choices (what will be created, the console clicks, the
AWS CLI commands) and renders it again whenever a value changes. Its button
applies the plan (or audits, or tears down) and shows the report in an
``Output`` widget. :meth:`RoleForm.run` does exactly what the button does,
from the form's current values, so a headless run (papermill, where nobody
clicks) follows the same path.

``method="console"`` applies through the library; ``method="cli"`` runs the
documented AWS CLI commands, as corrected, with the real ``aws`` executable
against the same target (the sandbox endpoint included).

>>> form = RoleForm(features=["ecr"], lang="ko")
>>> form.spec.features
('ecr',)
>>> form.plan()["create_role"].title("ko")
'신뢰 정책으로 역할 생성'
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from ..aws.client import connect
from ..converge import apply, audit, teardown
from ..errors import EcsRoleError, Problem, ValidationError
from ..events import Event, Progress, StepDone, StepStarted
from ..features import feature as find_feature
from ..i18n.catalog import catalog, message, render
from ..i18n.messages import comments, tr
from ..plan import LANGS, Plan, plan
from ..render.export import export_cli, rollout_commands, run_cli, write_exports
from ..report import Report
from ..spec import FEATURES, INSTANCE_KINDS, RoleSpec, flag_problems
from .views import (
    RED,
    ErratumView,
    ExportView,
    Identity,
    RunResult,
    StepView,
    Table,
    choice,
    erratum,
    esc,
    localize,
    localized_error,
)

__all__ = ["ACTIONS", "LABELS", "METHODS", "TARGETS", "RoleForm"]

METHODS = ("console", "cli")
#: Every target a form can offer; the web page offers ``sandbox`` alone unless opted in.
TARGETS = ("sandbox", "aws")
ACTIONS = ("apply", "audit", "teardown")

#: The form's words, by key: each the template of message ``form.<key>`` in that language
#: (``i18n/{en,ko}/notebook.toml``); the Korean ones are those the page and the Korean IAM
#: console use. A feature's checkbox label lives in its module (``ecsrole_lib/features/``).
_LABEL_KEYS = ("target", "region", "role_name", "instance_profile_name", "instance_kind",
               "features", "least_privilege", "config_bucket", "cluster_name", "trunking",
               "method", "dry_run", "lang", "apply", "audit", "teardown", "plan", "console",
               "cli", "ready", "invalid", "not_ready", "export")
LABELS: dict[str, dict[str, str]] = {lang: {key: catalog(lang)[f"form.{key}"] for key in _LABEL_KEYS}
                                     for lang in ("en", "ko")}


def _said(key: str, lang: str, **fields: Any) -> str:
    """Message ``form.<key>`` with ``fields``, in ``lang``."""
    return render(message(f"form.{key}", **fields), lang)


def _offered(targets: Iterable[str], target: Any) -> tuple[str, ...]:
    """``targets`` as a tuple, checked, with ``target`` among them (else ``ValidationError``)."""
    offered = tuple(targets) if not isinstance(targets, str) else (targets,)
    for name in offered:
        choice("targets", name, TARGETS)
    if not offered:
        raise ValidationError(Problem("targets", offered, message("form.no_target")))
    if target == "aws" and target not in offered:  # the web page: its starter did not opt in
        raise ValidationError(Problem("target", target, message("form.no_aws")))
    choice("target", target, offered)
    return offered


def _parameters(**values: Any) -> None:
    """The notebook parameters by RoleSpec's rules: a real bool, text, a list of features.

    Checked before any widget is made, so papermill's ``-p dry_run false`` (a string)
    stops with the parameter's name instead of being read as ``bool("false")``.
    """
    flags = ("least_privilege", "trunking", "dry_run")
    problems = flag_problems({name: values[name] for name in flags})
    for name in ("region", "role_name", "instance_profile_name", "config_bucket", "cluster_name"):
        value = values[name]
        if not isinstance(value, str) and not (value is None and name != "region"):
            problems.append(Problem(name, value, message("form.not_a_string")))
    chosen = values["features"]
    if isinstance(chosen, str) or not isinstance(chosen, (list, tuple, set, frozenset, type(None))):
        problems.append(Problem("features", chosen, message("spec.features_list")))
    if problems:
        raise ValidationError(problems)


class RoleForm(widgets.VBox):
    """The form: pre-filled from the parameters, plan re-rendered on change, apply button.

    Parameters are the notebooks' parameters, checked by RoleSpec's rules (a yes/no
    choice is a real bool: the string ``"false"`` is refused, naming it); ``action`` is
    what the button does: ``"apply"`` (default), ``"audit"`` or ``"teardown"``.
    ``targets`` are the targets the form may act on: the web page passes
    ``("sandbox",)`` unless its starter opted in, and then shows no target choice.

    Attributes
    ----------
    button
        The button; ``button.click()`` runs the same as :meth:`run`.
    output
        The ``Output`` widget that shows the last result.
    progress, status
        Progress bar and line of text, updated during a run (and long waits).
    last_result, last_error
        What the last button click produced.
    """

    def __init__(self, *, target: str = "sandbox", region: str = "us-east-1",
                 role_name: str | None = None, instance_profile_name: str | None = None,
                 instance_kind: str = "ec2", features: Iterable[str] = (),
                 least_privilege: bool = False, config_bucket: str | None = None,
                 cluster_name: str = "default", trunking: bool = False,
                 method: str = "console", dry_run: bool = False, lang: str = "en",
                 action: str = "apply", targets: Iterable[str] = TARGETS):
        self.targets = _offered(targets, target)
        _parameters(region=region, role_name=role_name, instance_profile_name=instance_profile_name,
                    features=features, least_privilege=least_privilege,
                    config_bucket=config_bucket, cluster_name=cluster_name, trunking=trunking,
                    dry_run=dry_run)
        choice("method", method, METHODS)
        choice("lang", lang, LANGS)
        choice("action", action, ACTIONS)
        choice("instance_kind", instance_kind, INSTANCE_KINDS)
        features = list(features or ())
        for feature in features:
            choice("features", feature, FEATURES)
        self.action = action
        self._sessions: dict[tuple[str, str], Any] = {}
        self._identities: dict[tuple[str, str], dict[str, str]] = {}
        self.last_result: RunResult | None = None
        self.last_error: BaseException | None = None
        self._shown: RunResult | ExportView | BaseException | None = None  # in the output
        self._invalid = False
        style = {"description_width": "9em"}
        text = {"style": style, "layout": widgets.Layout(width="34em")}
        self.w_target = widgets.ToggleButtons(options=list(self.targets), value=target, style=style)
        self.w_region = widgets.Text(value=region, **text)
        self.w_role_name = widgets.Text(value=role_name or "", **text)
        self.w_instance_profile_name = widgets.Text(value=instance_profile_name or "", **text)
        self.w_instance_kind = widgets.ToggleButtons(options=list(INSTANCE_KINDS),
                                                     value=instance_kind, style=style)
        self.w_features = {f: widgets.Checkbox(value=f in features, indent=False,
                                               layout=widgets.Layout(width="auto"))
                           for f in FEATURES}
        self.w_least_privilege = widgets.Checkbox(value=least_privilege, style=style)
        self.w_config_bucket = widgets.Text(value=config_bucket or "", **text)
        self.w_cluster_name = widgets.Text(value=cluster_name, **text)
        self.w_trunking = widgets.Checkbox(value=trunking, style=style)
        self.w_method = widgets.ToggleButtons(options=list(METHODS), value=method, style=style)
        self.w_dry_run = widgets.Checkbox(value=dry_run, style=style)
        self.w_lang = widgets.ToggleButtons(options=list(LANGS), value=lang, style=style)
        self.features_label = widgets.Label()
        self.button = widgets.Button(button_style="primary")
        self.export_button = widgets.Button()
        self.progress = widgets.IntProgress(value=0, min=0, max=1)
        self.status = widgets.HTML()
        self.problems = widgets.HTML()
        self.tab_plan, self.tab_console, self.tab_cli = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self.tabs = widgets.Tab(children=[self.tab_plan, self.tab_console, self.tab_cli])
        self.output = widgets.Output()
        # One target offered (the web page without the opt-in): no choice to show at all.
        fields = [self.w_target] * (len(self.targets) > 1) + [self.w_region, self.w_role_name, self.w_instance_profile_name,
                  self.w_instance_kind,
                  widgets.HBox([self.features_label, *self.w_features.values()]),
                  self.w_least_privilege, self.w_config_bucket, self.w_cluster_name,
                  self.w_trunking, self.w_method, self.w_dry_run, self.w_lang]
        super().__init__([*fields, self.problems, self.tabs,
                          widgets.HBox([self.button, self.export_button, self.progress,
                                        self.status]), self.output])
        for w in self._value_widgets():
            w.observe(self._changed, names="value")
        self.button.on_click(self._clicked)
        self.export_button.on_click(self._export_clicked)
        if target == "aws":
            # One read, so the first plan already names the real account; without usable
            # credentials the plan says ${ACCOUNT_ID}, and whoami() raises the error itself.
            try:
                self.whoami()
            except EcsRoleError:
                pass
        self._refresh()

    # -- values -------------------------------------------------------------------------
    def _value_widgets(self) -> list[widgets.Widget]:
        return [self.w_target, self.w_region, self.w_role_name, self.w_instance_profile_name,
                self.w_instance_kind, *self.w_features.values(), self.w_least_privilege,
                self.w_config_bucket, self.w_cluster_name, self.w_trunking, self.w_method,
                self.w_dry_run, self.w_lang]

    @property
    def target(self) -> str:
        """The chosen target; only ever one of :attr:`targets` (a widget message cannot add one)."""
        target = self.w_target.value
        if target not in self.targets:
            _offered(self.targets, target)  # raises, naming the opt-in
        return target

    @property
    def method(self) -> str:
        return self.w_method.value

    @property
    def dry_run(self) -> bool:
        return self.w_dry_run.value

    @property
    def lang(self) -> str:
        return self.w_lang.value

    @property
    def values(self) -> dict[str, Any]:
        """The form's current values, by parameter name."""
        return {
            "target": self.target, "region": self.w_region.value.strip(),
            "role_name": self.w_role_name.value.strip() or None,
            "instance_profile_name": self.w_instance_profile_name.value.strip() or None,
            "instance_kind": self.w_instance_kind.value,
            "features": [f for f, w in self.w_features.items() if w.value],
            "least_privilege": self.w_least_privilege.value,
            "config_bucket": self.w_config_bucket.value.strip() or self._default_bucket(),
            "cluster_name": self.w_cluster_name.value.strip(),
            "trunking": self.w_trunking.value, "method": self.method,
            "dry_run": self.dry_run, "lang": self.lang,
        }

    def _default_bucket(self) -> str | None:
        """An empty config bucket, with ``s3_config`` chosen: one named after the account.

        Bucket names are global, so on AWS the default is derived from your account;
        on the sandbox it says so (``ecsrole-guide-config-sandbox``), never the stand-in
        account's number.
        """
        if not self.w_features["s3_config"].value:
            return None
        if self.target == "sandbox":  # not the stand-in account's number: it is no one's
            return "ecsrole-guide-config-sandbox"
        try:
            return f"ecsrole-guide-config-{self.whoami().account}"
        except EcsRoleError:
            return None  # the spec then says config_bucket is required

    @property
    def spec(self) -> RoleSpec:
        """The :class:`RoleSpec` of the current values (raises ``ValidationError``)."""
        v = self.values
        external = v["instance_kind"] == "external"
        return RoleSpec(role_name=v["role_name"],
                        instance_profile_name=None if external else v["instance_profile_name"],
                        instance_kind=v["instance_kind"], features=v["features"],
                        least_privilege=v["least_privilege"], config_bucket=v["config_bucket"],
                        cluster_name=v["cluster_name"], trunking=v["trunking"],
                        region=v["region"])

    @property
    def session(self):
        """A session for the current target and region (``connect``), made once."""
        key = (self.target, self.w_region.value.strip())
        if key not in self._sessions:
            self._sessions[key] = connect(*key)
        return self._sessions[key]

    # -- rendering ----------------------------------------------------------------------
    def _changed(self, change: dict) -> None:
        self._refresh()
        if change.get("owner") is self.w_lang:
            self._show_again()

    def _show_again(self) -> None:
        """What a button showed last, shown again in the form's language, not left as it was."""
        shown = self._shown
        if isinstance(shown, RunResult):
            shown.report.lang = self.lang
            self._show(shown)
        elif isinstance(shown, ExportView):
            self._show_export(dataclasses.replace(shown, lang=self.lang))
        elif isinstance(shown, BaseException):
            self._show_error(shown)

    def _refresh(self) -> None:
        lang = self.lang
        for name in ("target", "region", "role_name", "instance_profile_name", "instance_kind",
                     "least_privilege", "config_bucket", "cluster_name", "trunking", "method",
                     "dry_run", "lang"):
            getattr(self, f"w_{name}").description = _said(name, lang)
        self.features_label.value = _said("features", lang)
        for name, w in self.w_features.items():
            chosen = find_feature(name)  # its module names and explains it
            w.description = chosen.label(self.lang)
            w.tooltip = chosen.explanation.get(self.lang, chosen.explanation.get("en"))
        external = self.w_instance_kind.value == "external"
        self.w_instance_profile_name.disabled = external
        self.w_trunking.disabled = external
        self.w_config_bucket.disabled = not self.w_features["s3_config"].value
        role = self.w_role_name.value.strip() or ("ecsAnywhereRole" if external else "ecsInstanceRole")
        self.w_instance_profile_name.placeholder = "" if external else f"{role}-profile"
        self.button.description = _said(self.action, lang)
        self.export_button.description = _said("export", lang)
        for index, key in enumerate(("plan", "console", "cli")):
            self.tabs.set_title(index, _said(key, lang))
        self.tabs.selected_index = 1 if self.method == "console" else 2
        try:
            the_plan = self.plan()
        except ValidationError as err:
            err = localized_error(err, self.lang)
            self.problems.value = (f"<div style='color:{RED}'><b>{esc(_said('invalid', lang))}</b>"
                                   "<ul>" + "".join(f"<li>{esc(p)}</li>" for p in err.problems)
                                   + "</ul></div>")
            self._invalid = self.button.disabled = self.export_button.disabled = True
            # The status must not go on saying "ready" for a plan that no longer exists.
            self.status.value = esc(_said("not_ready", lang, n=len(err.problems)))
            for tab in (self.tab_plan, self.tab_console, self.tab_cli):
                tab.value = ""
            return
        self.problems.value = ""
        self._invalid = self.button.disabled = self.export_button.disabled = False
        self.status.value = esc(_said("ready", lang, n=len(the_plan), role=the_plan.spec.role_name))
        self.progress.max, self.progress.value = max(len(the_plan), 1), 0
        self.tab_plan.value = the_plan._repr_html_()
        # The clicks carry the page's step numbers; the plan's steps are not numbered here.
        self.tab_console.value = "<ul>" + "".join(
            f"<li><b>{esc(s.title(self.lang))}</b><ul>"
            + "".join(f"<li>{esc(line)}</li>" for line in s.console_path(self.lang))
            + "</ul></li>" for s in the_plan) + "</ul>"
        files = "".join(f"<p><code>{esc(n)}</code></p><pre>{esc(comments(t, self.lang))}</pre>"
                        for n, t in the_plan.files().items())
        commands = comments("\n\n".join(the_plan.commands()), self.lang)
        self.tab_cli.value = f"{files}<pre>{esc(commands)}</pre>"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = str(self)
        # Where widgets cannot run (a code host, a static page): a snapshot of the values.
        values = ", ".join(f"<code>{esc(k)}={esc(repr(v))}</code>" for k, v in self._used().items())
        snapshot = _said("snapshot", self.lang)
        bundle["text/html"] = (f"<div><p><b>RoleForm</b> ({esc(_said(self.action, self.lang))}), "
                               f"{esc(snapshot)}</p><p>{values}</p></div>")
        return bundle

    def _used(self) -> dict[str, Any]:
        """The values, with the names the plan uses where a field is left to its default."""
        used = dict(self.values)
        try:
            spec = self.spec
        except ValidationError:
            return used
        for name in ("role_name", "instance_profile_name", "config_bucket"):
            if used.get(name) is None:
                used[name] = getattr(spec, name)
        return used

    def __str__(self) -> str:
        v = self._used()
        shown = {k: v[k] for k in ("target", "role_name", "instance_kind", "features",
                                   "least_privilege", "trunking", "method", "dry_run", "lang")}
        return (f"RoleForm({', '.join(f'{k}={val!r}' for k, val in shown.items())}) "
                f"[button: {self.action}]")

    # -- what the notebook cells call -------------------------------------------------------
    def _known_account(self) -> str | None:
        """The real account, once ``whoami`` read it on AWS (the sandbox's stand-in never)."""
        if self.target != "aws":
            return None
        identity = self._identities.get((self.target, self.w_region.value.strip()))
        return identity["Account"] if identity else None

    def plan(self) -> Plan:
        """The plan for the current values, in the form's language.

        On AWS, once :meth:`whoami` has read the account, the documents and commands
        name it; before that, and on the sandbox, they say ``${ACCOUNT_ID}``.
        """
        return plan(self.spec, self.lang, account=self._known_account())

    def step(self, step_id: str) -> StepView | Table:
        """One step of the plan, with its console clicks and AWS CLI command.

        A step of the other least-privilege choice is shown too, marked as the
        alternative; a step of a feature not chosen says so.
        """
        the_plan = self.plan()
        if step_id in the_plan.ids:
            return StepView(the_plan.ids.index(step_id) + 1, the_plan[step_id], self.lang)
        spec = self.spec
        other = plan(dataclasses.replace(spec, least_privilege=not spec.least_privilege), self.lang,
                     account=self._known_account())
        if step_id in other.ids:
            return StepView(other.ids.index(step_id) + 1, other[step_id], self.lang,
                            alternative=message("form.alternative",
                                                value=not spec.least_privilege))
        return Table(message("form.not_in_plan", step=step_id),
                     tuple(message(f"form.{key}") for key in ("role", "features_column", "kind")),
                     [(spec.role_name, ", ".join(spec.features) or "-", spec.instance_kind)],
                     note=message("form.not_in_plan_note")).translated(self.lang)

    def view(self, shown: Any) -> Table:
        """``shown`` (a :class:`Table`, or anything with a ``table()`` such as the guide's
        roles, demo and leftovers) as a table in the form's language."""
        table = shown if isinstance(shown, Table) else shown.table()
        return table.translated(self.lang)

    def live(self) -> RoleForm:
        """The form itself, to use live in a cell of its own: ready for the current values,
        nothing under its button yet, its tabs closed.

        What a cell's ``run()`` showed stays in that cell; the form starts afresh, so it is
        not said twice.
        """
        self._shown, self.output.outputs = None, ()
        self._refresh()
        self.tabs.selected_index = None
        return self

    def whoami(self) -> Identity:
        """The caller's account and ARN on the current target (read only)."""
        import os

        from ..aws.client import whoami

        # Through the guide's client factory: retried, bounded, errors as CredentialsError
        # or AwsError (never a raw botocore traceback).
        key = (self.target, self.w_region.value.strip())
        if key not in self._identities:  # read once per target and Region
            self._identities[key] = whoami(self.session, key[1] or "us-east-1")
        identity = self._identities[key]
        endpoint = "" if self.target == "sandbox" else os.environ.get("AWS_ENDPOINT_URL", "")
        return Identity(self.target, self.w_region.value.strip(), identity["Account"],
                        identity["Arn"], endpoint, self.dry_run, self.action, self.lang)

    def erratum(self, eid: str) -> ErratumView:
        """Erratum ``eid``, shown on the current target (read only)."""
        return erratum(eid, self.session, self.spec, self.lang)

    def picture(self, spec: RoleSpec | None = None):
        """A picture of the role, its trust, instance profile and policies (read only)."""
        from .diagram import role_picture

        return role_picture(spec or self.spec, self.session, self.lang)

    def run(self) -> RunResult:
        """Do what the button does, from the form's current values; return the result.

        Raises what the library raises (``ValidationError``, ``ConflictError`` ...),
        so a headless run stops at the first problem with its message.
        """
        with self._errors_in_language():
            result = self._execute(echo=True)
        self._show(result)
        return result

    @contextlib.contextmanager
    def _errors_in_language(self):
        """The library's errors, raised in the form's language (the English one chained)."""
        try:
            yield
        except EcsRoleError as err:
            if self.lang == "en":
                raise
            raise localized_error(err, self.lang) from err

    def apply(self, spec: RoleSpec | None = None, echo: bool = True) -> Report:
        """``apply`` of ``spec`` (default: the form's) on the form's target, honouring dry run.

        Long waits show in the form's progress line and, with ``echo``, are printed.
        """
        with self._errors_in_language():
            spec = spec or self.spec
            report = apply(spec, self.session, dry_run=self.dry_run,
                           progress=self._progress(spec, echo))
        return localize(report, self.lang, spec)

    def audit(self, spec: RoleSpec | None = None) -> Report:
        """``audit`` of ``spec`` (default: the form's) on the form's target (read only)."""
        with self._errors_in_language():
            spec = spec or self.spec
            return localize(audit(spec, self.session), self.lang, spec)

    def teardown(self, spec: RoleSpec | None = None, force: bool = False,
                 echo: bool = True) -> Report:
        """``teardown`` of ``spec`` (default: the form's); with dry run, an audit instead."""
        with self._errors_in_language():
            spec = spec or self.spec
            if self.dry_run:
                report = self.audit(spec)
                report.note(message("form.dry_teardown"))
                return report
            report = teardown(spec, self.session, force=force, progress=self._progress(spec, echo))
        return localize(report, self.lang, spec)

    def export(self, folder: str | Path = "exports", **rollout: Any) -> ExportView:
        """Write the exports of the form's spec into ``folder`` (next to the notebook).

        The guarded AWS CLI script, the CloudFormation template and its follow-up
        script, the StackSets rollout recipe, and the JSON documents the page
        writes; ``rollout`` keywords (``accounts``, ``regions``, ``organization``
        ...) go to :func:`ecsrole_lib.render.export.rollout_commands`. The files are
        written in English; the recipe shown below them has its comments in the form's
        language.
        """
        spec = self.spec
        return ExportView(Path(folder), write_exports(spec, folder, **rollout),
                          rollout_commands(spec, lang=self.lang, **rollout), self.lang)

    def _export_clicked(self, _button: widgets.Button) -> None:
        try:
            view = self.export()
        except Exception as err:  # noqa: BLE001 - shown in the form, like the main button
            self.status.value = esc(f"{type(err).__name__}: {err}")
            return
        self.status.value = esc(render(message("views.export.status",
                                                folder=view.relative(view.folder)), self.lang))
        self._show_export(view)

    def _show_export(self, view: ExportView) -> None:
        self._shown = view
        self.output.outputs = ({"output_type": "display_data", "metadata": {},
                                "data": {"text/plain": str(view),
                                         "text/html": view._repr_html_()}},)

    # -- the button's path --------------------------------------------------------------
    def _progress(self, spec: RoleSpec, echo: bool = False) -> Progress:
        """Progress into the form: the bar counts the plan's steps done, the line says what
        runs; with ``echo``, what is not a step (a wait, IAM catching up) is printed too
        (a headless run)."""
        ids = plan(spec).ids
        self.progress.max, self.progress.value = max(len(ids), 1), 0
        done: set[str] = set()

        def show(event: Event | str) -> None:
            if isinstance(event, StepDone):
                if event.step_id in ids:
                    done.add(event.step_id)
                    self.progress.value = len(done)
                return
            message = tr(event if isinstance(event, str) else str(event), self.lang)
            if echo and not isinstance(event, StepStarted):
                print(message, flush=True)
            self.status.value = esc(message)
        return show

    def _execute(self, echo: bool = False) -> RunResult:
        spec = self.spec
        if self.action == "audit":
            result = RunResult("audit", self.method, self.dry_run, self.audit(spec))
        elif self.action == "teardown":
            result = RunResult("teardown", self.method, self.dry_run, self.teardown(spec, echo=echo))
        elif self.method == "console":
            result = RunResult("apply", "console", self.dry_run, self.apply(spec, echo))
        elif self.dry_run:
            result = RunResult("apply", "cli", True, self.apply(spec, echo), script=export_cli(spec))
        else:
            self.status.value = esc(_said("running_cli", self.lang))
            cli = run_cli(spec, self.session)
            result = RunResult("apply", "cli", False, self.audit(spec), cli=cli)
        self.progress.value = self.progress.max
        self.status.value = esc(result.summary)
        return result

    def _show(self, result: RunResult) -> None:
        self.last_result, self.last_error = result, None
        self._shown = result
        self.output.outputs = ({"output_type": "display_data", "metadata": {},
                                "data": {"text/plain": str(result),
                                         "text/html": result._repr_html_()}},)

    def _clicked(self, _button: widgets.Button) -> None:
        self.button.disabled = True
        try:
            self._show(self._execute())
        except Exception as err:  # noqa: BLE001 - shown in the form: a click has nowhere else to report
            self.last_result, self.last_error = None, err
            kind = "" if isinstance(err, EcsRoleError) else " (unexpected)"
            self.status.value = esc(f"{type(err).__name__}{kind}")
            self._show_error(err)
        finally:
            # Never enabled while a field is invalid: a click would only repeat the problems.
            self.button.disabled = self._invalid

    def _show_error(self, err: BaseException) -> None:
        """``err`` in the output, in the form's language (kept in English, for a change of it)."""
        self._shown = err
        if isinstance(err, EcsRoleError):
            err = localized_error(err, self.lang)
        self.output.outputs = ({"output_type": "display_data", "metadata": {},
                                "data": {"text/plain": f"{type(err).__name__}: {err}",
                                         "text/html": f"<pre style='color:{RED}'>"
                                                      f"{esc(type(err).__name__)}: "
                                                      f"{esc(err)}</pre>"}},)
