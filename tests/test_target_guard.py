"""Issue 4, item 7: the wrong-target guard.

``target="aws"`` with no credentials (every ``AWS_*`` variable removed, the
shared credentials and config files empty): ``connect("aws")`` raises
:class:`~ecsrole_lib.CredentialsError` with one clear message, and no AWS API
call is made. The same holds for the usual near misses (a profile that does not
exist, a key id without its secret), and in a notebook the user sees the
message, not a traceback wall, and no later cell runs.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

import pytest
from botocore.client import BaseClient
from botocore.endpoint import Endpoint

from ecsrole_lib import CredentialsError, RoleSpec, apply, connect

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "01_container_instance_role.ipynb"


@pytest.fixture
def no_credentials(monkeypatch, tmp_path):
    """No AWS_* variable; empty shared credentials and config files; no sandbox to join."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.delenv("ECSROLE_SANDBOX_ENDPOINT", raising=False)
    empty = tmp_path / "empty"
    empty.write_text("")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    return monkeypatch


@pytest.fixture
def api_calls(monkeypatch):
    """Every AWS API call and HTTP send botocore starts; each one fails the test."""
    calls: list[str] = []

    def make_api_call(self, operation_name, api_params):
        calls.append(operation_name)
        raise AssertionError(f"an AWS call was made: {operation_name}")

    def send(self, request):
        calls.append(request.url)
        raise AssertionError(f"an HTTP request was sent: {request.url}")

    monkeypatch.setattr(BaseClient, "_make_api_call", make_api_call)
    monkeypatch.setattr(Endpoint, "_send", send)
    return calls


def _assert_one_clear_message(err: CredentialsError, *words: str) -> None:
    message = str(err)
    assert "\n" not in message, message
    assert "target='aws'" in message
    assert "target='sandbox'" in message  # the way out
    for word in words:
        assert word in message, (word, message)
    # IPython shows _render_traceback_ instead of the traceback: the message, nothing else.
    assert err._render_traceback_() == [f"CredentialsError: {message}"]


def test_no_credentials_is_one_clear_error_and_no_call(no_credentials, api_calls):
    with pytest.raises(CredentialsError) as caught:
        connect("aws")
    err = caught.value
    _assert_one_clear_message(err, "AWS_PROFILE", "aws configure", "Nothing was called")
    assert err.code == "NoCredentials"
    assert err.__cause__ is None and err.__context__ is None  # nothing chained to read past
    assert len(traceback.extract_tb(err.__traceback__)) <= 2  # raised where it is found
    assert api_calls == []


def test_nothing_runs_when_the_target_has_no_credentials(no_credentials, api_calls):
    with pytest.raises(CredentialsError):
        apply(RoleSpec(), connect("aws", "eu-west-1"))
    assert api_calls == []


@pytest.mark.parametrize("near_miss", ["profile", "partial"])
def test_near_misses_are_the_same_clear_error(near_miss, no_credentials, api_calls):
    if near_miss == "profile":
        no_credentials.setenv("AWS_PROFILE", "no-such-profile")
        words = ("no-such-profile",)
    else:
        no_credentials.setenv("AWS_ACCESS_KEY_ID", "AKIAFAKEKEYWITHOUTSECRET")
        words = ("AWS_SECRET_ACCESS_KEY",)
    with pytest.raises(CredentialsError) as caught:
        connect("aws")
    _assert_one_clear_message(caught.value, *words)
    assert "AKIAFAKEKEYWITHOUTSECRET" not in str(caught.value)
    assert api_calls == []


def test_a_notebook_with_target_aws_and_no_credentials_shows_the_message_only(no_credentials,
                                                                              tmp_path):
    if not NOTEBOOK.exists():
        pytest.skip(f"no notebook to execute yet ({NOTEBOOK.relative_to(ROOT)} does not exist)")
    import nbformat
    import papermill

    out = tmp_path / "01-no-credentials.ipynb"
    with pytest.raises(papermill.PapermillExecutionError) as raised:
        papermill.execute_notebook(
            str(NOTEBOOK), str(out), parameters={"target": "aws"}, kernel_name="python3",
            progress_bar=False, cwd=str(NOTEBOOK.parent), request_save_on_cell_execute=False,
            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    assert raised.value.ename == "CredentialsError"
    cells = [c for c in nbformat.read(str(out), as_version=4).cells if c.cell_type == "code"]
    errors = [(i, o) for i, c in enumerate(cells) for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert len(errors) == 1
    index, error = errors[0]
    assert "needs AWS credentials" in error.evalue
    shown = "\n".join(error.traceback)
    assert len(error.traceback) == 1 and "File " not in shown and "Traceback" not in shown, shown
    assert all(c.get("execution_count") is None for c in cells[index + 1:])  # nothing after ran
