"""Issue 4, item 6: no secret leaves.

With fake credentials in the environment (an access key id, a secret and a
session token no test could print by chance) and ``AWS_ENDPOINT_URL`` at the
moto server, the real-AWS path (``connect("aws")``) is run the way a notebook
runs it. Nothing a user sees may hold any of the three values: reports (text
and HTML), plans, sessions, progress lines, log records, exception messages
(with their chained causes and tracebacks), and every output of an executed
notebook, whose AWS CLI path runs the real ``aws`` with the keys in its environment.
"""

from __future__ import annotations

import logging
import os
import traceback
from pathlib import Path

import pytest

pytest.register_assert_rewrite("faults")
pytest_plugins = ["faults"]

from ecsrole_lib import (
    ConflictError,
    EcsRoleError,
    PropagationError,
    RoleSpec,
    apply,
    audit,
    connect,
    plan,
    teardown,
)

KEY_ID = "AKIAFAKESECRETKEY123"
SECRET = "some-unique-fake-secret-7Qx9"
TOKEN = "fake-session-token-never-shown-3Fv8"
SECRETS = (KEY_ID, SECRET, TOKEN)
ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SPEC = RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs"],
                config_bucket="ecsrole-secrets-config", trunking=True)


def leaked(text: str) -> list[str]:
    """Which of the fake credentials ``text`` holds (the secret also by its distinctive part)."""
    found = [s for s in SECRETS if s in text]
    if "some-unique-fake" in text and SECRET not in found:
        found.append("part of the secret")
    return found


@pytest.fixture
def fake_keys(endpoint, monkeypatch, tmp_path):
    """Only the fake credentials in the environment, and the endpoint at the moto server."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    empty = tmp_path / "empty"
    empty.write_text("")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    return endpoint


def _error_text(err: BaseException) -> str:
    parts = [str(err), repr(err), "".join(traceback.format_exception(err))]
    cause = err.__cause__ or err.__context__
    while cause is not None:
        parts += [str(cause), repr(cause)]
        cause = cause.__cause__ or cause.__context__
    return "\n".join(parts)


def test_reports_plans_sessions_and_errors_hold_no_credentials(fake_keys, faults, fast_backoff,
                                                              caplog):
    caplog.set_level(logging.INFO)
    seen: list[str] = []
    session = connect("aws")
    credentials = session.get_credentials().get_frozen_credentials()
    assert credentials.access_key == KEY_ID  # the chain did find the fake keys
    seen += [repr(session), str(session)]
    the_plan = plan(SPEC)
    seen += [str(the_plan), the_plan._repr_html_(), "\n".join(the_plan.commands())]

    lines: list[str] = []
    for run in (lambda: apply(SPEC, session, progress=lines.append),
                lambda: apply(SPEC, session, dry_run=True),
                lambda: audit(SPEC, session),
                lambda: teardown(SPEC, session, progress=lines.append)):
        report = run()
        seen += [str(report), report._repr_html_(), report.summary(), repr(report)]
    seen += [str(line) for line in lines]  # progress events, as a person reads them

    errors: list[BaseException] = []
    # A conflict: a role of that name made by someone else, trusting another service.
    iam = session.client("iam")
    iam.create_role(RoleName=SPEC.role_name, AssumeRolePolicyDocument=(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
        '{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'))
    with pytest.raises(ConflictError) as caught:
        apply(SPEC, connect("aws"))
    errors.append(caught.value)
    iam.delete_role(RoleName=SPEC.role_name)
    # IAM that does not catch up; an AWS error; a network that does not answer.
    for setup, kind in ((lambda inj: inj.not_yet_visible(k=10**6), PropagationError),
                        (lambda inj: inj.fail(operation="CreateRole", error="5xx", times=6), EcsRoleError),
                        (lambda inj: inj.fail(operation="CreateRole", error="connection", times=6),
                         EcsRoleError)):
        injected = connect("aws")
        setup(faults(injected))
        with pytest.raises(kind) as caught:
            apply(RoleSpec(), injected, propagation_timeout=0.3)
        errors.append(caught.value)
        teardown(RoleSpec(), connect("aws"))
    seen += [_error_text(err) for err in errors]
    seen += [record.getMessage() for record in caplog.records]

    leaks = {i: leaked(text) for i, text in enumerate(seen) if leaked(text)}
    assert not leaks, {i: (found, seen[i][:500]) for i, found in leaks.items()}


def _outputs(nb) -> str:
    """Every output of every cell: streams, results, displays (all MIME types), errors."""
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            parts.append(str(output.get("text", "")))
            for value in output.get("data", {}).values():
                parts.append(value if isinstance(value, str) else "".join(map(str, value))
                             if isinstance(value, list) else str(value))
            parts += [str(output.get("ename", "")), str(output.get("evalue", "")),
                      "\n".join(output.get("traceback", []))]
        parts.append(str(cell.get("metadata", {})))
    return "\n".join(parts)


def test_an_executed_notebook_holds_no_credentials(fake_keys, tmp_path):
    """Notebook 01 with target="aws", through the AWS CLI path (method="cli").

    The notebook hands the environment (the keys) to the real ``aws`` executable
    (``ecsrole_lib.render.export.run_cli``) and shows what it printed: that is scanned too.
    """
    notebook = NOTEBOOKS / "01_container_instance_role.ipynb"
    if not notebook.exists():
        pytest.skip(f"no notebook to execute yet ({notebook.relative_to(ROOT)} does not exist)")
    import nbformat
    import papermill

    out = tmp_path / "01-executed.ipynb"
    try:
        papermill.execute_notebook(
            str(notebook), str(out), parameters={"target": "aws", "method": "cli"},
            kernel_name="python3", progress_bar=False, cwd=str(NOTEBOOKS),
            request_save_on_cell_execute=False,
            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    finally:  # a failed run is scanned too: its error output must not leak either
        if out.exists():
            nb = nbformat.read(str(out), as_version=4)
            text = _outputs(nb)
            assert text.strip(), "the executed notebook has no outputs to scan"
            assert not leaked(text), leaked(text)
            assert not leaked(out.read_text()), "the executed notebook file holds a credential"
    roles = __import__("boto3").client("iam").list_roles()["Roles"]
    assert "ecsInstanceRole" in {r["RoleName"] for r in roles}  # it ran against the moto server
