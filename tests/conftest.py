"""Shared fixtures, in moto's style: fake credentials, one moto server, a reset per test.

Every test talks to one ``ThreadedMotoServer`` on 127.0.0.1 (reset before each
test), either through a :class:`~ecsrole_lib.SandboxSession` or, the real-AWS
path, through ``connect("aws")`` with ``AWS_ENDPOINT_URL`` pointing at it.
``ECSROLE_SANDBOX_ENDPOINT`` makes ``connect("sandbox")`` and notebooks join
the same server instead of starting their own.
"""

from __future__ import annotations

import os
import urllib.request

import boto3
import pytest

from ecsrole_lib import SandboxSession, connect
from ecsrole_lib.sandbox import _Server

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
}


@pytest.fixture(scope="session", autouse=True)
def aws_credentials():
    """Fake credentials for the whole run, so nothing can reach a real account."""
    saved = dict(os.environ)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        os.environ.pop(name, None)
    os.environ.update(FAKE_ENV)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def moto_server(aws_credentials):
    """One moto server on 127.0.0.1 for the session; its endpoint URL."""
    server = _Server()
    os.environ["ECSROLE_SANDBOX_ENDPOINT"] = server.endpoint_url
    yield server.endpoint_url
    os.environ.pop("ECSROLE_SANDBOX_ENDPOINT", None)
    server.stop()


@pytest.fixture
def endpoint(moto_server):
    """The moto server's endpoint, emptied before the test."""
    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=60).close()
    return moto_server


@pytest.fixture
def session(endpoint) -> SandboxSession:
    """A sandbox session on the (empty) moto server."""
    return SandboxSession(endpoint, "us-east-1")


@pytest.fixture
def aws_session(endpoint, monkeypatch) -> boto3.Session:
    """The real-AWS path: ``connect("aws")`` with ``AWS_ENDPOINT_URL`` at the moto server."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    return connect("aws", "us-east-1")


@pytest.fixture
def iam(session):
    """An IAM client to read state back with."""
    return session.client("iam")


@pytest.fixture
def cli_env(endpoint) -> dict[str, str]:
    """Environment for the real ``aws`` executable, pointed at the moto server."""
    env = dict(os.environ)
    env.update(FAKE_ENV)
    env["AWS_ENDPOINT_URL"] = endpoint
    env.pop("AWS_PROFILE", None)
    return env
