"""The embedded sandbox: a moto server on 127.0.0.1 that stands in for AWS.

No account and no credentials are needed. A :class:`SandboxSession` carries
its own dummy credentials, so a call that somehow misses the sandbox fails at
AWS instead of touching a real account.

Several notebooks can share one sandbox: ``python -m ecsrole_lib.sandbox``
starts a standalone server and prints its endpoint; with
``ECSROLE_SANDBOX_ENDPOINT`` set to it, :func:`ecsrole_lib.connect` joins that
server instead of starting one (this is how ``make guide`` runs).

>>> from ecsrole_lib import sandbox
>>> with sandbox() as session:                      # doctest: +SKIP
...     session.client("sts").get_caller_identity()["Account"]
'123456789012'
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import socket
import threading
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3

__all__ = ["SANDBOX_ACCOUNT", "SandboxSession", "sandbox", "shared_sandbox_session"]

#: The account moto answers for, as in AWS's own examples.
SANDBOX_ACCOUNT = "123456789012"
_DUMMY = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing",
          "aws_session_token": "testing"}
ENDPOINT_VARIABLE = "ECSROLE_SANDBOX_ENDPOINT"

#: What the sandbox cannot emulate; reports and notebooks repeat these where they matter.
LIMITS = {
    "iam_names": "moto validates no IAM names or documents; the guide validates them itself before any call",
    "ssm_activation": "moto does not implement SSM activations, so the activation command is shown, not run",
    "account_setting_principal": (
        "moto ignores the principal of an ECS account setting: in the sandbox awsvpcTrunking "
        "is enabled for the whole account, on AWS only for this role"
    ),
    "policy_simulator": "moto has no IAM policy simulator; permissions are checked from the policy documents",
    "propagation": "the sandbox is consistent at once; on AWS a new instance profile may need about ten seconds",
}


class SandboxSession(boto3.Session):
    """A ``boto3.Session`` whose clients and resources talk to a sandbox endpoint.

    Parameters
    ----------
    endpoint_url
        The sandbox's ``http://127.0.0.1:<port>``.
    region_name
        Region for clients that are not given one.
    """

    def __init__(self, endpoint_url: str, region_name: str = "us-east-1"):
        super().__init__(region_name=region_name, **_DUMMY)
        self.endpoint_url = endpoint_url

    def client(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("endpoint_url", self.endpoint_url)
        return super().client(*args, **kwargs)

    def resource(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("endpoint_url", self.endpoint_url)
        return super().resource(*args, **kwargs)

    def environment(self) -> dict[str, str]:
        """Variables that send a child process (the AWS CLI) to this sandbox."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": _DUMMY["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": _DUMMY["aws_secret_access_key"],
            "AWS_SESSION_TOKEN": _DUMMY["aws_session_token"],
            "AWS_DEFAULT_REGION": self.region_name,
            "AWS_REGION": self.region_name,
        }

    def __repr__(self) -> str:
        return f"SandboxSession(endpoint_url={self.endpoint_url!r}, region_name={self.region_name!r})"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Server:
    """A moto server in a thread of this process, AWS managed policies loaded."""

    def __init__(self, port: int = 0):
        # The setting is read when moto builds an IAM backend, so it must be set first.
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
        # One log line per request would bury the guide's own output.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        from moto.moto_server.threaded_moto_server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=port or _free_port(),
                                          verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        self.reset()

    def reset(self) -> None:
        """Empty the sandbox (moto keeps its state per process, so start from nothing)."""
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30):
            pass

    def stop(self) -> None:
        self._server.stop()


@contextlib.contextmanager
def _exported(variables: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def sandbox(region: str = "us-east-1") -> Iterator[SandboxSession]:
    """Start an empty sandbox, yield a session bound to it, stop it on exit.

    While it runs, the sandbox's endpoint and dummy credentials are exported
    (``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``, ...), so the AWS CLI started
    from this process reaches the same sandbox. moto keeps state per process:
    a second sandbox started in the same process sees the same resources.

    Parameters
    ----------
    region
        The region the session's clients use.

    >>> with sandbox() as session:                  # doctest: +SKIP
    ...     session.endpoint_url.startswith("http://127.0.0.1:")
    True
    """
    server = _Server()
    session = SandboxSession(server.endpoint_url, region)
    try:
        with _exported(session.environment()):
            yield session
    finally:
        server.stop()


_process_lock = threading.Lock()
_process_server: _Server | None = None


def shared_sandbox_session(region: str = "us-east-1") -> SandboxSession:
    """A session on the sandbox this process shares (``connect("sandbox")`` uses it).

    Joins ``$ECSROLE_SANDBOX_ENDPOINT`` when set; otherwise starts one server
    for the life of the process (a notebook kernel), so re-running a cell sees
    what the previous run made.
    """
    global _process_server
    endpoint = os.environ.get(ENDPOINT_VARIABLE)
    if not endpoint:
        with _process_lock:
            if _process_server is None:
                _process_server = _Server()
                atexit.register(_process_server.stop)
            endpoint = _process_server.endpoint_url
    # Nothing is exported here: a later connect("aws") in the same kernel must not
    # pick up the dummy keys. The AWS CLI gets session.environment() explicitly.
    return SandboxSession(endpoint, region)


def main() -> None:  # pragma: no cover - exercised by make guide
    """Run a standalone sandbox until interrupted; print its endpoint first."""
    import argparse
    import time

    parser = argparse.ArgumentParser(description="Run the ecsrole-guide sandbox (a moto server).")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    args = parser.parse_args()
    server = _Server(args.port)
    print(server.endpoint_url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
