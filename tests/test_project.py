"""The project set-up: environment.yml in step with pyproject.toml, CI, README."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lower_bound(specifier) -> str | None:
    bounds = [s.version for s in specifier if s.operator in (">=", "==", "~=")]
    return bounds[0] if bounds else None


def pyproject_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(r) for r in listed]


def conda_requirements() -> dict[str, str | None]:
    """conda dependencies of environment.yml: name -> lower bound (pip section aside)."""
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    found = {}
    for entry in environment["dependencies"]:
        if not isinstance(entry, str):
            continue  # the pip: section
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(?:>=\s*([^\s,]+))?.*", entry)
        assert match, entry
        found[canonical(match.group(1))] = match.group(2)
    return found


def test_environment_lists_every_pyproject_dependency_with_the_same_lower_bound():
    conda = conda_requirements()
    missing, different = [], []
    for requirement in pyproject_requirements():
        name = canonical(requirement.name)  # extras such as moto[server] aside
        if name not in conda:
            missing.append(name)
        elif conda[name] != lower_bound(requirement.specifier):
            different.append(f"{name}: pyproject {requirement.specifier}, environment.yml "
                             f">={conda[name]}")
    assert not missing, f"environment.yml lacks {missing}"
    assert not different, different


def test_environment_uses_conda_forge_python_311_and_installs_the_project_with_dev():
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in environment["channels"]
    assert any(isinstance(d, str) and re.fullmatch(r"python\s*=\s*3\.11(\.\*)?", d)
               for d in environment["dependencies"])
    (pip,) = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert any(re.search(r"\.\[dev\]", line) for line in pip), pip


def test_dev_extra_holds_what_the_tests_need():
    dev = {canonical(Requirement(r).name) for r in tomllib.loads(
        (ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["dev"]}
    assert {"pytest", "nbval", "papermill", "awscli"} <= dev
    everything = {canonical(r.name): r for r in pyproject_requirements()}
    assert "server" in everything["moto"].extras


def test_ci_runs_make_test():
    lines = [line.split("#", 1)[0].strip()
             for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert "make test" in lines


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make guide" in readme and "make test" in readme
    # ... on its first screen.
    first_screen = "\n".join(readme.splitlines()[:25])
    assert "make guide" in first_screen and "make test" in first_screen


def test_makefile_has_the_targets():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("guide", "lab", "test"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target


def test_make_test_runs_the_library_s_docstring_examples():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert re.search(r"pytest .*--doctest-modules ecsrole_lib\b", recipe), recipe


def test_moto_is_pinned_to_the_series_whose_managed_policy_the_tests_assume():
    """Issue 18.5: the tests (and the doctor's sandbox answers) assume moto's copy of
    AmazonEC2ContainerServiceforEC2Role at v10 (tests/managed.py), which moto 5.2.x ships;
    moto>=5.0 allowed a series with another copy."""
    import moto
    from packaging.version import Version

    moto_req = next(r for r in pyproject_requirements() if canonical(r.name) == "moto")
    assert not moto_req.specifier.contains("5.0.0") and not moto_req.specifier.contains("5.3.0")
    assert moto_req.specifier.contains(moto.__version__)
    assert Version(moto.__version__).release[:2] == (5, 2)
