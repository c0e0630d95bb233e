"""Shared fixtures, in moto's style: fake credentials, one moto server, a reset per test.

Every test talks to one ``ThreadedMotoServer`` on 127.0.0.1 (reset before each
test), either through a :class:`~ecsrole_lib.SandboxSession` or, the real-AWS
path, through ``connect("aws")`` with ``AWS_ENDPOINT_URL`` pointing at it.
``ECSROLE_SANDBOX_ENDPOINT`` makes ``connect("sandbox")`` and notebooks join
the same server instead of starting their own. ``released_moto`` is moto as released
(none of the sandbox's corrections), in a process of its own: an AWS-compatible endpoint
that is not AWS.
"""

from __future__ import annotations

import os
import urllib.request

import boto3
import pytest
from readback import EMPTY_STATE, policy_meaning, read_state  # noqa: F401 - shared

from ecsrole_lib import SandboxSession, connect
from ecsrole_lib.sandbox.server import _Server

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
def endpoint(clean_endpoint):
    """The moto server's endpoint, emptied before the test (see ``clean_endpoint``)."""
    return clean_endpoint


@pytest.fixture
def reset_endpoint(moto_server):
    """The moto server after a full reset (slower: moto reloads every AWS managed policy)."""
    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=60).close()
    return moto_server


@pytest.fixture
def session(endpoint) -> SandboxSession:
    """A sandbox session on the (empty) moto server."""
    return share_models(SandboxSession(endpoint, "us-east-1"))


@pytest.fixture
def aws_session(endpoint, monkeypatch) -> boto3.Session:
    """The real-AWS path: ``connect("aws")`` with ``AWS_ENDPOINT_URL`` at the moto server."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    return share_models(connect("aws", "us-east-1"))


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


# ---------------------------------------------------------------------------------------
# Shared by the issue-2 suite: an independent count of API calls, and AWS state read back.
# ---------------------------------------------------------------------------------------
_READ_PREFIXES = ("Get", "List", "Describe", "Head")  # AWS's naming of read-only operations


class CallRecorder:
    """Every API call made by clients of one session, seen by our own botocore hook.

    Register it before the code under test makes its clients: a client copies the
    session's handlers when it is created.
    """

    def __init__(self, session: boto3.Session):
        self.calls: list[str] = []
        session.events.register("before-call.*.*", self._record)

    def _record(self, model=None, **_):
        self.calls.append(model.name)

    def mark(self) -> int:
        return len(self.calls)

    def since(self, mark: int = 0) -> list[str]:
        return self.calls[mark:]

    def writes(self, mark: int = 0) -> list[str]:
        return [c for c in self.since(mark) if not c.startswith(_READ_PREFIXES)]


@pytest.fixture
def record_calls():
    """``record_calls(session)`` starts counting that session's API calls."""
    return CallRecorder


@pytest.fixture
def state():
    """``state(session, region)``: AWS state read back with plain boto3."""
    return read_state


@pytest.fixture
def empty_state():
    """What an untouched sandbox holds."""
    return EMPTY_STATE


_SHARED_LOADER = None


def share_models(session: boto3.Session) -> boto3.Session:
    """Give ``session`` the process's botocore loader, so service models are parsed once."""
    global _SHARED_LOADER
    core = session._session
    if _SHARED_LOADER is None:
        _SHARED_LOADER = core.get_component("data_loader")
    else:
        core.register_component("data_loader", _SHARED_LOADER)
    return session


@pytest.fixture(name="share_models")
def share_models_fixture():
    """``share_models(session)``: the session, with service models parsed once per run."""
    return share_models


_CLEANER: dict[str, SandboxSession] = {}


def _delete_everything(endpoint: str) -> None:
    """Delete what the guide (or a test) can make: roles, profiles, policies, buckets, settings."""
    session = _CLEANER.setdefault(endpoint, share_models(SandboxSession(endpoint, "us-east-1")))
    iam = session.client("iam")
    ecs_clients = [session.client("ecs", region_name=r) for r in ("us-east-1", "eu-west-1")]
    for role in iam.get_paginator("list_roles").paginate().build_full_result()["Roles"]:
        name = role["RoleName"]
        for policy in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
            iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
        for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            iam.delete_role_policy(RoleName=name, PolicyName=policy_name)
        for profile in iam.list_instance_profiles_for_role(RoleName=name)["InstanceProfiles"]:
            iam.remove_role_from_instance_profile(
                InstanceProfileName=profile["InstanceProfileName"], RoleName=name)
        for ecs in ecs_clients:  # a principal's ECS account setting outlives the role
            ecs.delete_account_setting(name="awsvpcTrunking", principalArn=role["Arn"])
        iam.delete_role(RoleName=name)
    for profile in iam.list_instance_profiles()["InstanceProfiles"]:
        iam.delete_instance_profile(InstanceProfileName=profile["InstanceProfileName"])
    for policy in iam.list_policies(Scope="Local")["Policies"]:
        arn = policy["Arn"]
        for version in iam.list_policy_versions(PolicyArn=arn)["Versions"]:
            if not version["IsDefaultVersion"]:
                iam.delete_policy_version(PolicyArn=arn, VersionId=version["VersionId"])
        iam.delete_policy(PolicyArn=arn)
    s3 = session.client("s3")
    for bucket in s3.list_buckets()["Buckets"]:
        name = bucket["Name"]
        for obj in s3.list_objects_v2(Bucket=name).get("Contents", []):
            # moto keeps tags by ARN: a new object or bucket of the same name would inherit them.
            s3.delete_object_tagging(Bucket=name, Key=obj["Key"])
            s3.delete_object(Bucket=name, Key=obj["Key"])
        s3.delete_bucket_tagging(Bucket=name)
        s3.delete_bucket(Bucket=name)
    for region in ("us-east-1", "eu-west-1"):
        ecs = session.client("ecs", region_name=region)
        for setting in ecs.list_account_settings(name="awsvpcTrunking")["settings"]:
            ecs.delete_account_setting(name=setting["name"])


def _wipe(endpoint: str) -> None:
    try:
        _delete_everything(endpoint)
        empty = read_state(_CLEANER[endpoint]) == EMPTY_STATE
    except Exception:  # noqa: BLE001 - anything odd: start from a real reset
        empty = False
    if not empty:
        request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=60).close()


@pytest.fixture
def clean_endpoint(moto_server):
    """The moto server, emptied by deleting what the last test made.

    A full reset makes moto load every AWS managed policy again (about two seconds a
    test); deleting is quicker. If anything is left, it falls back to the reset.
    Every test gets it through ``endpoint``; ``reset_endpoint`` is the full reset.
    """
    _wipe(moto_server)
    return moto_server


@pytest.fixture
def wipe(moto_server):
    """``wipe()`` empties the moto server in the middle of a test."""
    return lambda: _wipe(moto_server)


@pytest.fixture
def other_account(endpoint, monkeypatch, session) -> str:
    """Credentials of account 444455556666 on the moto server, in the environment.

    An account other than moto's default, reached as a user's would be (an assumed role),
    so a test can tell the real account from the sandbox's stand-in.
    """
    account = "444455556666"
    credentials = session.client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/guide-user", RoleSessionName="guide")["Credentials"]
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", credentials["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", credentials["SecretAccessKey"])
    monkeypatch.setenv("AWS_SESSION_TOKEN", credentials["SessionToken"])
    monkeypatch.delenv("AWS_SECURITY_TOKEN", raising=False)
    return account


_RELEASED_MOTO = """
import logging, sys
logging.getLogger("werkzeug").setLevel(logging.ERROR)
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]), verbose=False)
server.start()
print("ready", flush=True)
sys.stdin.read()
"""


@pytest.fixture(scope="module")
def released_moto(aws_credentials):
    """An AWS-compatible endpoint that is not AWS: moto as released, none of the sandbox's
    corrections (they patch moto in this process, so it runs in its own), on 127.0.0.1.

    A user reaches such an endpoint with ``target="aws"`` and ``AWS_ENDPOINT_URL``.
    Every AWS managed policy is loaded (``MOTO_IAM_LOAD_MANAGED_POLICIES``), as a user
    of moto's server would set it for the guide. Yields the endpoint URL.
    """
    import subprocess
    import sys

    from ecsrole_lib.sandbox.server import _free_port

    port = _free_port()
    process = subprocess.Popen([sys.executable, "-c", _RELEASED_MOTO, str(port)],
                               env=dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true"),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "ready"
    yield f"http://127.0.0.1:{port}"
    process.stdin.close()
    process.wait(10)


#: Test files that are slow as a whole (papermill, ``make guide``, fault injection, the real
#: ``aws`` executable in every test, a browser, a wheel build): ``make test-fast`` skips them.
HEAVY_FILES = {"test_notebooks.py", "test_guide.py", "test_faults.py", "test_cli_conformance.py",
               "test_browser.py", "test_packaging.py"}


def pytest_collection_modifyitems(config, items):
    """Mark ``heavy`` what ``make test-fast`` leaves to ``make test``: the files above and every
    test that runs the real ``aws`` executable (``cli``) or a browser (``browser``)."""
    for item in items:
        if (item.path.name in HEAVY_FILES or item.get_closest_marker("cli")
                or item.get_closest_marker("browser")):
            item.add_marker(pytest.mark.heavy)
