"""Issue 12: the renderings are one interface, a method per action kind.

A renderer that lacks the method for a kind cannot be made, so a new step kind without
its rendering fails here, at once, not in the one combination of choices that reaches it.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
from pathlib import Path

import pytest

from ecsrole_lib import RoleSpec, plan, steps
from ecsrole_lib.render.base import KINDS, Renderer
from ecsrole_lib.render.cli import CliGuards
from ecsrole_lib.render.cloudformation import CloudFormationFollowUp, CloudFormationPlacement
from ecsrole_lib.render.export import run_cli
from ecsrole_lib.render.terraform import TerraformRenderer

ROOT = Path(__file__).resolve().parent.parent


def _action_classes() -> list[type]:
    found, todo = [], [steps.Action]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        found += cls.__subclasses__()
    return found


def _renderers(spec: RoleSpec) -> list[Renderer]:
    return [CliGuards(), CloudFormationPlacement(spec), CloudFormationFollowUp(spec),
            TerraformRenderer(spec)]


def _every_spec():
    for kind, lp, trunking, features in itertools.product(
            ("ec2", "external"), (False, True), (False, True),
            ((), ("ecr",), ("cloudwatch_logs",), ("ecr", "s3_config", "cloudwatch_logs"),
             ("s3_config", "spot_draining"))):
        if kind == "external" and ({"s3_config", "spot_draining"} & set(features) or trunking):
            continue
        yield RoleSpec(instance_kind=kind, least_privilege=lp, trunking=trunking,
                       features=features, config_bucket="a-bucket",
                       extra_policy_arns=["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"])


def test_each_action_kind_is_one_abstract_method_of_the_renderer():
    kinds = {cls.render_as for cls in _action_classes()}
    assert "" not in kinds, [c.__name__ for c in _action_classes() if not c.render_as]
    assert kinds == set(Renderer.__abstractmethods__) == set(KINDS)


def test_a_renderer_without_a_method_for_some_kind_cannot_be_made():
    class Partial(CliGuards):
        pass

    del_kind = "upload_ecs_config"
    Incomplete = type("Incomplete", (Renderer,), {
        k: (lambda self, step: None) for k in KINDS if k != del_kind})
    with pytest.raises(TypeError, match=del_kind):
        Incomplete()
    Partial()  # a complete one can be made


def test_every_renderer_renders_every_step_of_every_combination():
    seen = set()
    for spec in _every_spec():
        for step in plan(spec):
            seen.add(step.action.render_as)
            for renderer in _renderers(spec):
                renderer.render(step)
    assert seen == set(KINDS)


def _step_ids() -> set[str]:
    return {step.id for spec in _every_spec() for step in plan(spec)}


def _dispatches(text: str) -> list[str]:
    """Where ``text`` decides by what a step is rather than by what its action says.

    ``isinstance`` on an action (or naming an action class), ``hasattr`` on an action,
    and a step's id compared with a value: ``step.id == ...``, ``.id == "<a step id>"``,
    ``.id in (...)``.
    """
    names = "|".join(cls.__name__ for cls in _action_classes())
    ids = "|".join(re.escape(i) for i in _step_ids())
    pattern = re.compile(
        rf"isinstance\([^)]*\baction\b[^)]*\)|isinstance\([^,]+,\s*\(?[^)]*\b({names})\b"
        rf"|hasattr\([^)]*\baction\b"
        rf"|\b(step|s)\.id\s*(==|!=)|\.id\s*(==|!=)\s*[\"']({ids})[\"']"
        rf"|\.id\s+(not\s+)?in\s*[(\[{{]")
    return [m.group(0) for m in pattern.finditer(text)]


def test_the_dispatch_finder_finds_dispatch_and_nothing_else():
    bad = ['isinstance(step.action, CreateRole)', 'isinstance(a, (AttachPolicy, InlinePolicy))',
           'isinstance(s.action, kinds)', 'hasattr(s.action, "policy_name")',
           'step.id == "anything"', 's.id != other', 'row.id == "create_role"',
           'step.id in ("put_s3_config_policy", "create_logs_policy")', 'x.id not in {"a"}']
    assert [_dispatches(b) != [] for b in bad] == [True] * len(bad)
    fine = ['isinstance(actions, str)', 'item.id == eid', 'err.id == "E3"', 's.id in wrote',
            'isinstance(step, Step)', 'step.action.kind == Kind.WRITE']
    assert [_dispatches(f) for f in fine] == [[]] * len(fine)


def test_no_rendering_dispatches_on_the_class_of_an_action():
    files = [*sorted((ROOT / "ecsrole_lib" / "render").glob("*.py")),
             *(Path(importlib.util.find_spec(name).origin)
               for name in ("ecsrole_lib.render.export", "ecsrole_lib.render.cloudformation"))]
    found = [f"{path.name}: {hit}" for path in files for hit in _dispatches(path.read_text())]
    assert not found, found


def test_nothing_outside_the_plan_dispatches_on_what_a_step_is():
    """Only ``plan.py`` and the features (which make the steps) may know them by class or id;
    everything else asks the action (``kind``, ``render_as``, its attributes)."""
    lib = ROOT / "ecsrole_lib"
    files = [p for p in sorted(lib.rglob("*.py"))
             if p != lib / "plan.py" and (lib / "features") not in p.parents]
    found = [f"{path.relative_to(lib)}: {hit}" for path in files
             for hit in _dispatches(path.read_text())]
    assert not found, found


@pytest.mark.cli
@pytest.mark.parametrize("key", ["file://ecs.config", "-ecs.config"])
def test_a_key_the_aws_cli_would_misread_is_guarded_exactly(key, session, tmp_path):
    """The guard's head-object gets the key as it is: not a file to read, not an option."""
    spec = RoleSpec(features=["s3_config"], config_bucket="ecsrole-render-test", config_key=key)
    run_cli(spec, session, workdir=tmp_path)
    keys = [o["Key"] for o in session.client("s3").list_objects_v2(
        Bucket="ecsrole-render-test").get("Contents", [])]
    assert keys == [key]
    again = run_cli(spec, session, workdir=tmp_path)
    assert "upload_ecs_config: already done" in again.stdout, again.stdout
    assert not re.search(r"^\S+: done$", again.stdout, re.MULTILINE), again.stdout
