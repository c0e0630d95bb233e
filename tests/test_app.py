"""Issue 17, item 1: the web page (``make app``) acts on the sandbox only unless its starter
opted in, and Jupyter Server's own checks are on: a token, local host names, the page's origin.

The server is the real one: ``python -m ecsrole_lib.teaching.guide --app`` (what ``make app`` runs)
on a free 127.0.0.1 port, its kernels joining the test's moto server. Requests are raw HTTP
and websocket handshakes with the headers a hostile page (or a DNS-rebinding one) sends.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from ecsrole_lib import SandboxSession, ValidationError
from ecsrole_lib.notebook.forms import RoleForm
from ecsrole_lib.teaching.guide import APP_TARGETS_VARIABLE, app_targets

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "ecsrole-test-token-0123456789abcdef"
FOREIGN = "http://evil.example"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    """A GET with exactly these headers (``Host`` included: http.client sends what it is given)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": f"127.0.0.1:{port}", **(headers or {})}
    conn.putrequest("GET", path, skip_host=True)
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


@pytest.fixture(scope="module")
def page(tmp_path_factory, moto_server) -> Iterator[dict]:
    """The page served as ``make app`` serves it; yields its port, its kernel and its cookie."""
    home = tmp_path_factory.mktemp("jupyter")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", APP_TARGETS_VARIABLE)}
    env.update({"JUPYTER_TOKEN": TOKEN, "ECSROLE_SANDBOX_ENDPOINT": moto_server,
                "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
                "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
                "PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])})
    log = open(home / "app.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen([sys.executable, "-m", "ecsrole_lib.teaching.guide", "--app", "app/guide.ipynb",
                               f"--port={port}"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (home / "app.log").read_text()
            with contextlib.suppress(OSError):
                _get(port, "/voila/static/none")
                break
            assert time.monotonic() < deadline, (home / "app.log").read_text()
            time.sleep(0.2)
        # The page's own visit, with the token from the URL make app prints: a kernel runs it.
        visit = _get(port, f"/?token={TOKEN}")
        assert visit.status == 200, visit.body[:500]
        kernel = re.search(rb'"kernelId": *"([0-9a-f-]+)"', visit.body).group(1).decode()
        cookie = visit.getheader("Set-Cookie").split(";")[0]
        yield {"port": port, "kernel": kernel, "cookie": cookie, "html": visit.body.decode(),
               "log": home / "app.log"}
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        log.close()


def _websocket(page: dict, headers: dict[str, str], token: bool = False) -> int:
    """The kernel's websocket handshake with ``headers``: 101 when it opens, else the status."""
    port = page["port"]
    url = (f"ws://127.0.0.1:{port}/api/kernels/{page['kernel']}/channels?session_id=test"
           + (f"&token={TOKEN}" if token else ""))

    async def handshake() -> int:
        request = HTTPRequest(url, headers={"Host": f"127.0.0.1:{port}", **headers},
                              connect_timeout=10, request_timeout=20)
        try:
            connection = await websocket_connect(request)
        except HTTPClientError as err:
            return err.code
        connection.close()
        return 101

    return asyncio.run(handshake())


def test_the_page_needs_the_token(page):
    port = page["port"]
    assert _get(port, "/").status in (302, 403)  # to the login form, never the page
    assert _get(port, "/?token=wrong").status in (302, 403)
    assert _websocket(page, {"Origin": f"http://127.0.0.1:{port}"}) == 403
    # The page's own origin, with the cookie its visit got: the kernel's websocket opens.
    assert _websocket(page, {"Origin": f"http://127.0.0.1:{port}", "Cookie": page["cookie"]}) == 101


def test_a_foreign_host_is_refused(page):
    """A DNS-rebinding page: its own name in Host and Origin, even with the token."""
    port = page["port"]
    forged = {"Host": f"evil.example:{port}", "Origin": f"{FOREIGN}:{port}"}
    assert _get(port, f"/?token={TOKEN}", forged).status == 403
    assert _websocket(page, {**forged, "Cookie": page["cookie"]}) == 403
    assert _websocket(page, forged, token=True) == 403


def test_a_foreign_origin_is_refused(page):
    """Another site's page opening the kernel's websocket: the browser sends the cookie."""
    assert _websocket(page, {"Origin": FOREIGN, "Cookie": page["cookie"]}) == 403
    port = page["port"]
    assert _websocket(page, {"Origin": f"http://localhost:{port}", "Cookie": page["cookie"]}) == 403


# ---------------------------------------------------------------------------------------
# The kernel's side: what the page's notebook builds, and what a widget message can do.
# ---------------------------------------------------------------------------------------
def _app_form(monkeypatch, targets: str | None) -> RoleForm:
    """The form exactly as app/guide.ipynb's code cell makes it, under ``targets``."""
    if targets is None:
        monkeypatch.delenv(APP_TARGETS_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(APP_TARGETS_VARIABLE, targets)
    cells = json.loads((ROOT / "app" / "guide.ipynb").read_text())["cells"]
    code = "".join(next(c for c in cells if c["cell_type"] == "code")["source"])
    names: dict = {}
    exec(compile(code, "app/guide.ipynb", "exec"), names)  # noqa: S102 - the page's own cell
    return names["setup"]


def test_without_the_opt_in_the_form_has_no_target_and_refuses_aws(monkeypatch, moto_server):
    form = _app_form(monkeypatch, None)
    assert form.w_target not in form.children  # no choice shown at all
    assert form.targets == ("sandbox",)
    # A widget message from the page asking for aws (the synced index, a forged label list).
    with contextlib.suppress(Exception):
        form.w_target.set_state({"index": 1})
    with contextlib.suppress(Exception):
        form.w_target.set_state({"_options_labels": ["sandbox", "aws"], "index": 1})
    assert form.target == "sandbox"
    assert isinstance(form.session, SandboxSession)
    with pytest.raises(ValidationError, match=r"target='aws': this page was started without the "
                                              r"aws target.*APP_TARGETS=sandbox,aws"):
        RoleForm(target="aws", targets=app_targets())


def test_the_opt_in_offers_aws(monkeypatch, moto_server):
    form = _app_form(monkeypatch, "sandbox,aws")
    assert form.w_target in form.children
    assert form.w_target.options == ("sandbox", "aws")


@pytest.mark.parametrize("value", ["moon", "sandbox,prod", "aws;sandbox"])
def test_an_unknown_app_target_is_refused(value):
    with pytest.raises(ValidationError, match="APP_TARGETS"):
        app_targets(value)


def test_the_page_fetches_nothing_from_outside_and_warns_of_nothing(page):
    """Issue 19 ("offline"): nothing the page loads comes from outside 127.0.0.1 (Voila's lab
    template linked Font Awesome from cdn.jsdelivr.net), and the server does not warn that
    the guide's own notebook "is not trusted" on a visit."""
    outside = re.findall(r'(?:href|src)="((?:https?:)?//[^"]+)"', page["html"])
    assert not [url for url in outside if "127.0.0.1" not in url], outside
    assert "is not trusted" not in page["log"].read_text()
