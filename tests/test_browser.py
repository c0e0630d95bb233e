"""In a real browser: JupyterLab and Voila drive the guide's form, as a learner would.

Headless Debian Chromium (``/usr/bin/chromium``), driven by Playwright from PyPI
with ``executable_path`` (no browser download), started with the flags this
machine needs (no network: no background networking, no QUIC, ...) and a fresh
user data directory.

* JupyterLab on 127.0.0.1 with a token opens
  ``notebooks/01_container_instance_role.ipynb`` (a copy: nothing is saved
  into the work tree), runs all cells from the menu, types a new role name into
  the form, clicks Apply and finds the report of the role created under that
  name; the moto server the kernel was given (``ECSROLE_SANDBOX_ENDPOINT``)
  holds the role, its instance profile and its policy.
* ``make app`` serves ``app/guide.ipynb`` with Voila: the page shows the form
  and no code; a full setup (all three features, ENI trunking) and a teardown
  are driven through it, and the server is empty after.

Screenshots of what the learner sees go to ``build/screenshots/``. Skipped,
with the reason, where Chromium or Playwright is missing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecsrole_lib import RoleSpec, SandboxSession, plan
from ecsrole_lib.features import feature
from ecsrole_lib.notebook.forms import LABELS

EN = LABELS["en"]  # the form's own words, so a rewording does not break the test

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "build" / "screenshots"
NOTEBOOK = "notebooks/01_container_instance_role.ipynb"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-quic"]
MANAGED_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                       reason=f"{CHROMIUM} not found: install Debian's chromium and "
                              "chromium-driver (apt-get install -y chromium chromium-driver; "
                              ".ci/run does)"),
]
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="playwright is not installed (make setup installs it)")


# ---------------------------------------------------------------------------------------
# Servers and the browser.
# ---------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A server process of this test (JupyterLab, or make app -> Voila), in its own group."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT):
        self.log = log
        self._log = open(log, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until_up(self, url: str, timeout: float = 120, any_answer: bool = False) -> None:
        """Until ``url`` answers 200 (or, with ``any_answer``, answers at all)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"server exited with {self.process.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return
            except urllib.error.HTTPError:
                if any_answer:
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        pytest.fail(f"server not up after {timeout:.0f} s at {url}:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        self._log.flush()
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM to the group this test started (the server shuts its kernels down)."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()


def _server_env(home: Path, endpoint: str) -> dict[str, str]:
    """The test's environment, its Jupyter state kept apart, kernels sent to the test's moto."""
    env = dict(os.environ)
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "AWS_ENDPOINT_URL", "AWS_PROFILE"):
        env.pop(name, None)
    env.update({
        "ECSROLE_SANDBOX_ENDPOINT": endpoint,
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
    })
    return env


#: JupyterLab user settings: no autosave, no news or update checks, every cell in the DOM.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator:
    """Headless Debian Chromium with a fresh user data directory."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for stale in SCREENSHOTS.glob("*-failure.png"):  # only this run's failures stay
        stale.unlink()
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=FLAGS, headless=True,
            viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(60_000)
        try:
            yield context
        finally:
            context.close()


@contextlib.contextmanager
def _failure_screenshot(page, name: str) -> Iterator[None]:
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            page.screenshot(path=str(SCREENSHOTS / f"{name}-failure.png"), full_page=True)
        raise


def _field(scope, label: str):
    """The input of the form field whose label reads ``label``."""
    page = getattr(scope, "page", scope)
    return scope.locator(".widget-text").filter(
        has=page.locator("label.widget-label", has_text=re.compile(f"^{re.escape(label)}$"))
    ).locator("input")


def _checkbox(scope, label: str):
    return scope.locator(".widget-checkbox").filter(has_text=label).locator("input[type=checkbox]")


def _form(page):
    """The RoleForm: the outermost widget box that holds the role name field."""
    return page.locator(".widget-vbox").filter(has=_field(page, EN["role_name"])).first


def _row(report, step: str):
    return report.locator("tr").filter(has=report.page.locator("code", has_text=re.compile(
        f"^{step}$")))


# ---------------------------------------------------------------------------------------
# JupyterLab: notebook 01, run all, change the role name, Apply.
# ---------------------------------------------------------------------------------------
@pytest.fixture
def lab(tmp_path, endpoint) -> Iterator[tuple[str, str]]:
    """JupyterLab on 127.0.0.1 with a token, on a copy of notebooks/; yields (url, token)."""
    root = tmp_path / "root"
    shutil.copytree(ROOT / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    home = tmp_path / "jupyter"
    for plugin, values in LAB_SETTINGS.items():
        path = home / "settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    token, port = secrets.token_hex(16), _free_port()
    server = Server([sys.executable, "-m", "jupyterlab", "--no-browser",
                     "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
                     "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
                     f"--ServerApp.root_dir={root}", "--ServerApp.allow_root=True",
                     "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                     "--LabApp.extension_manager=readonly"],
                    _server_env(home, endpoint), tmp_path / "jupyterlab.log", cwd=root)
    url = f"http://127.0.0.1:{port}"
    try:
        server.wait_until_up(f"{url}/api/status?token={token}")
        yield url, token
    finally:
        server.stop()


def test_jupyterlab_runs_notebook_01_and_applies_a_new_role_name(browser, lab, endpoint):
    url, token = lab
    new_name = "ecsBrowserRole"
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 2000})  # room for the whole form
    with _failure_screenshot(page, "lab"):
        page.goto(f"{url}/lab/tree/{NOTEBOOK}?token={token}")
        page.locator(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status=idle]").wait_for(
            timeout=90_000)

        # What a learner does: clear the committed outputs, then Run > Run All Cells.
        _menu(page, "Edit", "Clear Outputs of All Cells")
        page.wait_for_function(_NO_CELL_RAN)
        _menu(page, "Run", "Run All Cells")
        page.wait_for_function(_ALL_CELLS_RAN, timeout=150_000)
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
                              " .jp-RenderedText[data-mime-type='application/vnd.jupyter.error']")
        tracebacks = [t for t in errors.all_inner_texts() if "Traceback" in t or "Error" in t]
        assert not tracebacks, tracebacks[0][:2000]
        # Nothing is wider than the notebook (the role's picture was 1000 px in a 900 px column).
        wide = page.evaluate(_WIDER_THAN_THE_NOTEBOOK)
        assert wide == [], wide

        form = _form(page)
        role = _field(form, EN["role_name"])
        role.fill(new_name)
        role.press("Tab")
        steps = len(plan(RoleSpec(role_name=new_name)))
        form.get_by_text(EN["ready"].format(n=steps, role=new_name)).wait_for()
        form.screenshot(path=str(SCREENSHOTS / "lab_form.png"))

        form.get_by_role("button", name=EN["apply"]).click()
        report = form.locator(".ecsrole-report").filter(has_text=f"role/{new_name}")
        report.wait_for(timeout=60_000)
        report.scroll_into_view_if_needed()
        report.screenshot(path=str(SCREENSHOTS / "lab_report.png"))

        assert "created" in _row(report, "create_role").inner_text()
        assert f"arn:aws:iam::123456789012:role/{new_name}" in _row(report, "create_role").inner_text()
        assert "created" in _row(report, "attach_managed_policy").inner_text()
        # The summary stands once, above the report's table (issue 11: it was printed twice).
        result = report.locator("xpath=..").inner_text()
        assert result.startswith("apply on sandbox:") and result.count("apply on sandbox:") == 1

    iam = SandboxSession(endpoint).client("iam")
    role = iam.get_role(RoleName=new_name)["Role"]
    assert {"Key": "created-by", "Value": "ecsrole-guide"} in role["Tags"]
    profile = iam.get_instance_profile(InstanceProfileName=f"{new_name}-profile")["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == [new_name]
    attached = iam.list_attached_role_policies(RoleName=new_name)["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [MANAGED_POLICY]


_WIDER_THAN_THE_NOTEBOOK = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea-output')]
  .filter(o => o.scrollWidth > o.clientWidth + 2 || o.getBoundingClientRect().right >
          document.querySelector('.jp-NotebookPanel .jp-Notebook').getBoundingClientRect().right + 2)
  .map(o => `${o.scrollWidth}>${o.clientWidth}: ${o.innerText.slice(0, 80)}`)"""
_NO_CELL_RAN = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')]
  .every(p => !/\\d/.test(p.textContent))"""
_ALL_CELLS_RAN = """() => {
  const indicator = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
  const prompts = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')];
  return indicator && indicator.dataset.status === 'idle' && prompts.length > 0
         && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""


def _menu(page, menu: str, item: str) -> None:
    """Click ``menu`` in the menu bar, then its ``item``."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
    page.locator(".lm-Menu-item").filter(has=page.locator(
        ".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$"))).click()


# ---------------------------------------------------------------------------------------
# Voila: make app, a full setup and a teardown.
# ---------------------------------------------------------------------------------------
@pytest.fixture
def app(tmp_path, endpoint) -> Iterator[str]:
    """``make app`` on a free port; yields its URL with the token (``$JUPYTER_TOKEN``)."""
    port, token = _free_port(), secrets.token_hex(16)
    server = Server(["make", "--no-print-directory", "app", f"APP_PORT={port}"],
                    {**_server_env(tmp_path / "jupyter", endpoint), "JUPYTER_TOKEN": token},
                    tmp_path / "voila.log")
    url = f"http://127.0.0.1:{port}"
    try:
        # Any answer will do: a GET of the page itself would start a kernel.
        server.wait_until_up(f"{url}/voila/static/none", any_answer=True)
        yield f"{url}/?token={token}"
    finally:
        server.stop()


def test_make_app_serves_the_guide_for_a_full_setup_and_a_cleanup(browser, app, endpoint):
    name, bucket = "ecsAppRole", "ecsrole-app-config-123456789012"
    full = RoleSpec(role_name=name, features=["ecr", "s3_config", "cloudwatch_logs"],
                    config_bucket=bucket, trunking=True)
    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 2400})  # Voila scrolls inside the page
    with _failure_screenshot(page, "app"):
        page.goto(app)
        form = _form(page)
        form.wait_for(timeout=90_000)
        code = page.locator(".jp-InputArea-editor, .jp-CodeMirrorEditor, .cm-editor")
        assert code.count() == 0, "the app shows code cells"
        assert "RoleForm(" not in page.content(), "the app shows the notebook's code"
        assert page.get_by_role("heading", name="The Amazon ECS container instance role").count()

        _field(form, EN["role_name"]).fill(name)
        for chosen in full.features:
            _checkbox(form, feature(chosen).label("en")).check()
        _field(form, EN["config_bucket"]).fill(bucket)
        _checkbox(form, EN["trunking"]).check()
        _field(form, EN["cluster_name"]).press("Tab")
        # The kernel has every value once the plan has the full spec's steps and no problem.
        form.get_by_text(EN["ready"].format(n=len(plan(full)), role=name)).wait_for()
        form.get_by_text(EN["invalid"]).wait_for(state="detached")
        page.screenshot(path=str(SCREENSHOTS / "app_form.png"))

        form.get_by_role("button", name=EN["apply"]).click()
        setup = form.locator(".ecsrole-report").filter(has_text=f"role/{name}")
        setup.wait_for(timeout=90_000)
        setup.scroll_into_view_if_needed()
        setup.screenshot(path=str(SCREENSHOTS / "app_setup_report.png"))
        for step in ("create_role", "create_instance_profile", "attach_managed_policy",
                     "create_config_bucket", "create_logs_policy", "enable_awsvpc_trunking"):
            assert "created" in _row(setup, step).inner_text(), step

        _acting(page, "Audit").get_by_role("button", name="Audit").click()
        audit = _acting(page, "Audit").locator(".ecsrole-report")
        audit.wait_for(timeout=60_000)
        assert "No findings" in audit.inner_text()

        _acting(page, "Tear down").get_by_role("button", name="Tear down").click()
        cleanup = _acting(page, "Tear down").locator(".ecsrole-report")
        cleanup.wait_for(timeout=60_000)
        cleanup.scroll_into_view_if_needed()
        cleanup.screenshot(path=str(SCREENSHOTS / "app_cleanup_report.png"))
        assert "removed" in _row(cleanup, "create_role").inner_text()
        assert "kept" not in cleanup.inner_text()

    session = SandboxSession(endpoint)
    assert [r["RoleName"] for r in session.client("iam").list_roles()["Roles"]] == []
    assert session.client("iam").list_policies(Scope="Local")["Policies"] == []
    assert session.client("s3").list_buckets()["Buckets"] == []


def _acting(page, button: str):
    """The box of the app's Audit or Tear down button and its report."""
    return page.locator(".widget-vbox").filter(
        has=page.get_by_role("button", name=button, exact=True)).last
