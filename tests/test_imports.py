"""``import ecsrole_lib`` loads only what is used; every public name still resolves.

Each check runs in a fresh Python process, so nothing imported by the test run
itself can hide a module the package pulls in.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Loaded only when used: the CloudFormation renderer and YAML (exports), ipywidgets
#: (forms), moto (the sandbox's server), jupyter (notebooks).
HEAVY = ("ecsrole_lib.render.cloudformation", "yaml", "ipywidgets", "moto", "jupyter_client",
         "jupyter_core", "IPython", "nbformat")


def _loaded(statement: str) -> list[str]:
    source = (f"import sys, json\n{statement}\n"
              f"print(json.dumps(sorted(m for m in sys.modules if m.startswith({HEAVY!r}))))")
    done = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("statement", [
    "import ecsrole_lib",
    "from ecsrole_lib import RoleSpec, apply, audit, teardown, plan, connect, survey",
    "import ecsrole_lib.notebook.forms",  # a notebook's form: widgets yes, no exports, no moto
    "import ecsrole_lib.notebook.views, ecsrole_lib.notebook.evidence",  # what a notebook shows: no widgets
])
def test_nothing_heavy_is_loaded_until_used(statement):
    heavy = _loaded(statement)
    if statement.endswith("forms"):
        heavy = [m for m in heavy if not m.startswith(("ipywidgets", "IPython"))]
    assert heavy == []


def test_the_core_loads_no_extension_until_a_hook_is_read():
    """Importing the core loads no extension; an extension loads with the first read of the
    hook it registers (the doctor with an audit's row, the sandbox with its target)."""
    source = ("import sys, json\n"
              "import ecsrole_lib.converge, ecsrole_lib.aws.prefetch, ecsrole_lib.plan\n"
              "ext = lambda: sorted(m for m in sys.modules if m.startswith(\n"
              "    ('ecsrole_lib.sandbox.', 'ecsrole_lib.diagnose.', 'ecsrole_lib.notebook.')))\n"
              "before = ext()\n"
              "from ecsrole_lib import hooks\n"
              "audit = sorted(hooks.provided('audit'))\n"
              "print(json.dumps([before, audit, ext()]))")
    done = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True,
                          timeout=120, check=True)
    before, audit, after = json.loads(done.stdout.strip().splitlines()[-1])
    assert before == [] and audit == ["doctor"]
    assert "ecsrole_lib.diagnose.doctor" in after and "ecsrole_lib.sandbox.server" not in after


def test_what_is_used_is_loaded():
    assert "ecsrole_lib.render.cloudformation" in _loaded(
        "from ecsrole_lib import export_cloudformation")
    assert any(m.startswith("yaml") for m in _loaded(
        "from ecsrole_lib import RoleSpec, export_cloudformation\n"
        "export_cloudformation(RoleSpec())"))


def test_every_public_name_resolves_to_the_function_not_its_module():
    source = (
        "import types, ecsrole_lib\n"
        "import ecsrole_lib.plan, ecsrole_lib.sandbox.server, ecsrole_lib.errata, ecsrole_lib.diagnose.survey\n"
        "bad = [n for n in ecsrole_lib.__all__ if isinstance(getattr(ecsrole_lib, n), types.ModuleType)]\n"
        "assert not bad, bad\n"
        "assert callable(ecsrole_lib.plan) and callable(ecsrole_lib.sandbox)\n"
        "assert set(ecsrole_lib.__all__) <= set(dir(ecsrole_lib))\n"
        "print('ok')")
    done = subprocess.run([sys.executable, "-c", source], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.stdout.strip() == "ok", done.stderr


def test_an_unknown_name_is_an_attribute_error():
    import ecsrole_lib

    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        ecsrole_lib.nothing_here  # noqa: B018
