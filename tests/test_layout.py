"""Where things live: AWS clients only through ``aws.py``; the core never imports an extension;
no module reaches into another's private names; progress as typed events."""

from __future__ import annotations

import ast
import importlib.util
import itertools
import re
from pathlib import Path

from ecsrole_lib import RoleSpec, apply, teardown
from ecsrole_lib.events import StepDone, StepStarted, Waiting
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.plan import plan

LIB = Path(__file__).resolve().parent.parent / "ecsrole_lib"
#: The modules that make boto3 clients: the client factory, and the sandbox's server
#: (by module name, so a move of either rewrites it like any other reference).
FACTORIES = {Path(importlib.util.find_spec(name).origin).relative_to(LIB).as_posix()
             for name in ("ecsrole_lib.aws.client", "ecsrole_lib.sandbox.server")}

SPEC = RoleSpec(role_name="eventsRole", features=["ecr", "s3_config", "cloudwatch_logs"],
                config_bucket="ecsrole-guide-events-test")


def test_clients_are_made_only_in_aws_and_sandbox():
    """Elsewhere a read goes through ``Context`` (counted, retried, errors translated).

    A waiter is ``ctx.wait(...)``, a paginated read ``ctx.pages(...)``.
    """
    raw = [f"{path.relative_to(LIB)}:{number}: {line.strip()}"
           for path in sorted(LIB.rglob("*.py")) if path.relative_to(LIB).as_posix() not in FACTORIES
           for number, line in enumerate(path.read_text().splitlines(), 1)
           if re.search(r"\.(?:client|resource)\(", line)]
    assert raw == []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(LIB.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


#: Every module of the package, by its full name.
MODULES = {_module_name(path): path for path in sorted(LIB.rglob("*.py"))}


def _source(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The full name of the module a ``from ... import`` reads from (relative ones resolved)."""
    if node.level == 0:
        return node.module or ""
    base = module.split(".")[: None if path.name == "__init__.py" else -1]
    base = base[: len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _reaches_into(module: str, path: Path, text: str | None = None) -> list[str]:
    """``from .x import _y``, ``from ecsrole_lib.x import _y`` and ``x._y`` on a module of the
    package, anywhere in ``path`` (function-level imports too)."""
    tree = ast.parse(path.read_text(encoding="utf-8") if text is None else text)
    found, modules = [], {}  # modules: a local name -> the package module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (source := _source(module, path, node)) in MODULES:
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{path.relative_to(LIB)}:{node.lineno}: from {source} import {alias.name}")
                elif f"{source}.{alias.name}" in MODULES:
                    modules[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    local = alias.asname or alias.name.split(".")[0]
                    modules[local] = alias.name if alias.asname else local
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in modules:
                found.append(f"{path.relative_to(LIB)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_reaches_into_another_module_s_private_names():
    """What two modules share is public in its home (issue 20, item 4)."""
    assert [hit for module, path in MODULES.items() for hit in _reaches_into(module, path)] == []


def test_the_private_name_check_sees_each_way_of_reaching_in():
    source = ("from .views import _esc, Table\n"
              "from ecsrole_lib.steps import _cached\n"
              "from .. import steps\n"
              "import ecsrole_lib.rules as rules\n"
              "def f():\n"
              "    from ..diagnose.doctor import _boundary\n"
              "    return steps._cached, rules._iam_member, self._own, Table._x\n")
    # Read as if it were a module of notebook/: its relative imports resolve from there.
    hits = _reaches_into("ecsrole_lib.notebook.example", LIB / "notebook" / "example.py", source)
    assert [hit.split(": ", 1)[1] for hit in hits] == [
        "from ecsrole_lib.notebook.views import _esc", "from ecsrole_lib.steps import _cached",
        "from ecsrole_lib.diagnose.doctor import _boundary", "steps._cached", "rules._iam_member"]


#: Which area of the library may import which (issue 20, item 2), every import counted,
#: function-level ones too. The core (the top-level modules, features/, aws/, i18n/) never
#: imports an extension: an extension registers with the core (``ecsrole_lib/hooks.py``) and
#: the package's ``__init__`` (the wiring, with ``__main__``) names it for the hooks it fills.
CORE = frozenset({"core", "features", "aws", "i18n"})
MAY_IMPORT = {
    "core": CORE, "features": CORE, "aws": CORE, "i18n": CORE,
    "sandbox": CORE,  # registers the "sandbox" target and its limits
    "render": CORE,
    "diagnose": CORE,  # the doctor registers its audit row, launch its teardown hooks
    "notebook": CORE | {"render"},  # the form exports
    "teaching": CORE | {"sandbox", "render", "diagnose", "notebook"},  # the guide, notebook 06
    "wiring": CORE | {"sandbox", "render", "diagnose", "notebook", "teaching"},
}
_SUBPACKAGES = ("features", "aws", "i18n", "sandbox", "render", "diagnose", "notebook", "teaching")


def _area(module: str) -> str:
    parts = module.split(".")
    if module == "ecsrole_lib" or module == "ecsrole_lib.__main__":
        return "wiring"
    return parts[1] if parts[1] in _SUBPACKAGES else "core"


def _imported(module: str, path: Path, text: str | None = None) -> list[tuple[int, str]]:
    """``(line, module)`` for every import of a module of the package anywhere in ``path``
    (``from ecsrole_lib import plan`` reads the package's ``__init__``, the wiring)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8") if text is None else text)):
        if isinstance(node, ast.ImportFrom) and (source := _source(module, path, node)) in MODULES:
            found += [(node.lineno, f"{source}.{a.name}" if f"{source}.{a.name}" in MODULES
                       else source) for a in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name in MODULES]
    return found


def _against_the_direction(module: str, path: Path, text: str | None = None) -> list[str]:
    allowed = MAY_IMPORT[_area(module)] | {_area(module)}  # and its own modules
    return [f"{path.relative_to(LIB)}:{line}: {_area(module)} imports {target}"
            for line, target in _imported(module, path, text) if _area(target) not in allowed]


def test_every_area_is_in_the_table():
    assert {_area(module) for module in MODULES} == set(MAY_IMPORT)


def test_the_core_never_imports_an_extension():
    """Every import of every module follows ``MAY_IMPORT``; no exception."""
    assert [hit for module, path in MODULES.items()
            for hit in _against_the_direction(module, path)] == []


def test_the_direction_check_sees_function_level_imports():
    source = ("from .steps import get_role\n"
              "def audit():\n"
              "    from .diagnose.doctor import doctor\n"
              "    import ecsrole_lib.sandbox.server\n"
              "    from . import policies, sandbox\n")
    hits = _against_the_direction("ecsrole_lib.converge", LIB / "converge.py", source)
    assert [hit.split(": ", 1)[1] for hit in hits] == [
        "core imports ecsrole_lib.diagnose.doctor", "core imports ecsrole_lib.sandbox.server",
        "core imports ecsrole_lib.sandbox"]


def _steps_told(events: list) -> tuple[list[str], list[str]]:
    """The step ids of the StepStarted and the StepDone events, in order."""
    return ([e.step_id for e in events if isinstance(e, StepStarted)],
            [e.step_id for e in events if isinstance(e, StepDone)])


def test_apply_and_teardown_tell_each_step_as_typed_events(session):
    ids = [s.id for s in plan(SPEC)]
    events: list = []
    report = apply(SPEC, session, progress=events.append)
    started, done = _steps_told(events)
    assert done == ids  # every step, in the plan's order
    assert [e.outcome for e in events if isinstance(e, StepDone)] == [report.outcomes[i] for i in ids]
    assert started and set(started) <= set(ids)
    # A step that starts is done before the next one starts.
    told = [(type(e), e.step_id) for e in events if isinstance(e, (StepStarted, StepDone))]
    for (kind, step_id), (next_kind, next_id) in itertools.pairwise(told):
        if kind is StepStarted:
            assert (next_kind, next_id) == (StepDone, step_id)
    assert all(isinstance(e, (StepStarted, StepDone, Waiting, str)) for e in events)

    events.clear()
    again = apply(SPEC, session, progress=events.append)  # converged: only reads start
    started, done = _steps_told(events)
    reads = [s.id for s in plan(SPEC) if s.action.kind == "read"]
    assert done == ids and set(started) <= set(reads) and again.writes == 0

    events.clear()
    teardown(SPEC, session, progress=events.append)
    started, done = _steps_told(events)
    assert started == done == ids[::-1]
    assert all(e.undo for e in events if isinstance(e, StepStarted))


def _bar_values(form: RoleForm) -> list[int]:
    seen: list[int] = []
    form.progress.observe(lambda change: seen.append(change["new"]), names="value")
    return seen


def test_the_form_s_bar_counts_the_steps_done_up_to_its_max(session, capsys):
    form = RoleForm(features=list(SPEC.features), config_bucket=SPEC.config_bucket,
                    role_name=SPEC.role_name)
    form._sessions[(form.target, form.w_region.value)] = session
    n = len(plan(SPEC))
    for action in ("apply", "teardown"):
        form.action = action
        seen = _bar_values(form)
        form.run()
        # Set back to 0 as the run starts, then one step done at a time, reaching the end
        # before the run's last word (which sets it to the end anyway).
        assert seen[-n:] == list(range(1, n + 1)) and set(seen[:-n]) <= {0}, (action, seen)
        assert form.progress.value == form.progress.max == n
    printed = capsys.readouterr().out
    assert not re.search(r"^(undo )?[a-z0-9_]+(:| \.\.\.)", printed, re.MULTILINE), printed
