"""Screens per notebook, as a learner sees them: JupyterLab in headless Chromium.

Each committed notebook (the English edition ``notebooks/NN_*.ipynb`` and, where
it exists, the Korean one ``notebooks/ko/NN_*.ipynb``) is opened in JupyterLab at
1400x1000 on a copy of ``notebooks/``, run from the menu (Run All) against one
sandbox, and measured once its kernel is idle: the notebook's scroll height over
the window's height (1000 px) is its length in *screens*. Each screen is saved
as a picture, ``build/screenshots/<edition>/<notebook>-<k>.png``, to be looked
at. Issue 19's goal: every notebook at most 8 screens.

Needs Debian's Chromium (``/usr/bin/chromium``) and Playwright; without them the
section says so and measures nothing. Nothing here asserts a figure.

    python -m benchmarks --only screens
    python -m benchmarks.screens [--no-pictures] [NAME ...]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .common import BUILD, ROOT, table

GOAL = 8
CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1400, "height": 1000}
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-quic"]
#: No autosave, no news, every cell in the DOM (so the scroll height is the whole notebook).
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}
SHOTS = BUILD / "screenshots"


def editions() -> dict[str, list[Path]]:
    """The notebooks of each edition, by edition name ("en", "ko"), in order."""
    found = {"en": sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")),
             "ko": sorted((ROOT / "notebooks" / "ko").glob("[0-9][0-9]_*.ipynb"))}
    return {name: paths for name, paths in found.items() if paths}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _lab(root: Path, home: Path, endpoint: str) -> tuple[subprocess.Popen, str]:
    """JupyterLab on 127.0.0.1 (a token), kernels joining ``endpoint``; (process, base URL)."""
    for plugin, values in LAB_SETTINGS.items():
        path = home / "settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_ENDPOINT_URL", "AWS_PROFILE")}
    env.update(ECSROLE_SANDBOX_ENDPOINT=endpoint, JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_DATA_DIR=str(home / "data"), JUPYTER_RUNTIME_DIR=str(home / "rt"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "ws"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    token, port = secrets.token_hex(16), _free_port()
    argv = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            "--ServerApp.allow_root=True", "--LabApp.extension_manager=readonly",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    process = subprocess.Popen(argv, cwd=root, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(400):
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5)
            return process, f"{url}/lab/workspaces/{{workspace}}/tree/{{path}}?token={token}"
        time.sleep(0.3)
    process.kill()
    raise RuntimeError("JupyterLab did not start")


#: No code cell shows a number (outputs cleared), and every one does with the kernel idle (ran).
_NONE_RAN = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')]
  .every(p => !/\\d/.test(p.textContent))"""
_ALL_RAN = """() => {
  const indicator = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
  const prompts = [...document.querySelectorAll('.jp-NotebookPanel .jp-CodeCell .jp-InputPrompt')];
  return indicator && indicator.dataset.status === 'idle' && prompts.length > 0
         && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""


#: Table cells of the outputs whose content runs past their edge, over the cell beside them.
_RUNNING_OVER = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea-output td')]
  .filter(td => td.scrollWidth > td.clientWidth + 1)
  .map(td => td.innerText.slice(0, 60))"""


def _menu(page, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu}$")).click()
    page.locator(".lm-Menu-item").filter(has=page.locator(
        ".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$"))).click()


def _run_all(page) -> None:
    """What a learner does: clear the committed outputs, Run All, wait until every cell ran.

    The kernel must be idle first (a click before it is ready is lost, and the notebook
    would be measured with its committed outputs instead of a run).
    """
    page.locator(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status=idle]").wait_for()
    _menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(_NONE_RAN)
    _menu(page, "Run", "Run All Cells")
    page.wait_for_function(_ALL_RAN, timeout=300_000, polling=500)


def _measure(page, shots: Path | None, stem: str) -> float:
    """The notebook's length in screens; each screen saved under ``shots``."""
    scroller = ".jp-WindowedPanel-outer"
    height, visible = page.evaluate(f"""() => {{ const s = document.querySelector('{scroller}');
        return [s.scrollHeight, s.clientHeight]; }}""")
    if shots is not None:
        shots.mkdir(parents=True, exist_ok=True)
        for old in shots.glob(f"{stem}-*.png"):  # a longer earlier run left more screens
            old.unlink()
        for k in range(int(-(-height // visible))):
            page.evaluate(f"document.querySelector('{scroller}').scrollTop = {k * visible}")
            time.sleep(0.2)
            page.screenshot(path=str(shots / f"{stem}-{k + 1:02d}.png"))
    # The unit is the window's height (1000 px), as issue 19 measured: a screen of reading.
    return round(height / VIEWPORT["height"], 1)


def run(pictures: bool = True, only: list[str] | None = None) -> dict:
    """Open, run and measure every notebook of each edition; ``{"rows": [...]}``."""
    if not os.access(CHROMIUM, os.X_OK):
        return {"skipped": f"{CHROMIUM} not found (apt-get install chromium)"}
    from playwright.sync_api import sync_playwright

    from ecsrole_lib import sandbox

    rows = []
    with tempfile.TemporaryDirectory() as scratch, sandbox() as session:
        root = Path(scratch) / "root"
        shutil.copytree(ROOT / "notebooks", root / "notebooks",
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        process, url = _lab(root, Path(scratch) / "home", session.endpoint_url)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                for edition, paths in editions().items():
                    for path in paths:
                        if only and path.stem not in only:
                            continue
                        page = browser.new_page(viewport=VIEWPORT)
                        page.set_default_timeout(120_000)
                        # A workspace of its own: JupyterLab would otherwise reopen the last notebook too.
                        page.goto(url.format(workspace=f"{edition}-{path.stem}",
                                             path=path.relative_to(ROOT).as_posix()))
                        _run_all(page)
                        time.sleep(1)
                        shots = SHOTS / edition if pictures else None
                        rows.append({"edition": edition, "notebook": path.stem,
                                     "screens": _measure(page, shots, path.stem),
                                     "running_over": page.evaluate(_RUNNING_OVER)})
                        page.close()
                browser.close()
        finally:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
    return {"goal": GOAL, "viewport": VIEWPORT, "rows": rows}


def render(result: dict) -> str:
    """The table: screens per notebook and edition, against the goal."""
    if "skipped" in result:
        return f"Screens per notebook: skipped ({result['skipped']})"
    body = [[r["edition"], r["notebook"], r["screens"], "met" if r["screens"] <= GOAL else "missed",
             "; ".join(r.get("running_over", [])) or "none"] for r in result["rows"]]
    return table(["edition", "notebook", "screens", "goal", "table cells running over (goal: none)"],
                 body,
                 f"Screens per notebook in JupyterLab at 1400x1000 (goal <= {GOAL})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.screens")
    parser.add_argument("names", nargs="*", help="notebook stems (default: all)")
    parser.add_argument("--no-pictures", action="store_true")
    args = parser.parse_args()
    print(render(run(pictures=not args.no_pictures, only=args.names or None)))
