"""Sessions and clients: the only place boto3 clients are made.

Every public function takes ``session: boto3.Session | None = None``; ``None``
means the sandbox, so nothing reaches a real account unless asked for with
``connect("aws")``.

>>> session = connect("sandbox")                    # doctest: +SKIP
>>> session.endpoint_url                            # doctest: +SKIP
'http://127.0.0.1:43115'
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    HTTPClientError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from .errors import (
    CredentialsError,
    Problem,
    PropagationError,
    ValidationError,
    translate,
    unreachable,
)
from .sandbox import SandboxSession, shared_sandbox_session

__all__ = ["connect", "is_sandbox", "whoami"]

TARGETS = ("sandbox", "aws")

# One configuration for every client: standard retry mode retries throttling and
# 5xx with backoff, which is what a run against a busy account needs. The timeouts
# bound a call to an endpoint that accepts and never answers: at most
# max_attempts x (CONNECT_TIMEOUT or READ_TIMEOUT) plus backoff, then a clear AwsError.
CONNECT_TIMEOUT, READ_TIMEOUT, MAX_ATTEMPTS = 5, 15, 4
_CONFIG = Config(retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
                 connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
                 user_agent_extra="ecsrole-guide/0.1")

_READ_PREFIXES = ("Get", "List", "Describe", "Head", "Simulate")


def connect(target: str = "sandbox", region: str | None = None) -> boto3.Session:
    """A session for ``target``: ``"sandbox"`` (default) or ``"aws"``.

    ``"aws"`` uses the standard boto3 chain (``AWS_PROFILE``, ``AWS_REGION``,
    ``AWS_ENDPOINT_URL``, the shared files, an instance role ...) and fails
    at once, with one clear message, when that chain holds no credentials.

    Parameters
    ----------
    target
        ``"sandbox"`` or ``"aws"``.
    region
        Region for the session; the sandbox defaults to ``us-east-1``.

    >>> connect("moon")
    Traceback (most recent call last):
    ...
    ecsrole_lib.errors.ValidationError: invalid RoleSpec, nothing was sent to AWS (1):
      - target='moon': must be one of 'sandbox', 'aws'
    """
    if target not in TARGETS:
        raise ValidationError(Problem("target", target, "must be one of 'sandbox', 'aws'"))
    if target == "sandbox":
        return shared_sandbox_session(region or "us-east-1")
    try:
        session = boto3.Session(region_name=region) if region else boto3.Session()
        credentials = session.get_credentials()
    except (ProfileNotFound, PartialCredentialsError) as err:  # a near miss: say which
        raise CredentialsError(
            f"target='aws' found no usable AWS credentials: {err}. Fix AWS_PROFILE or the "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY pair, or run `aws configure`; use "
            "target='sandbox' to try the guide without an account. Nothing was called.",
            code=type(err).__name__,
        ) from err
    if credentials is None:
        raise CredentialsError(
            "target='aws' needs AWS credentials and the standard chain found none: set "
            "AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run `aws configure`; "
            "use target='sandbox' to try the guide without an account. Nothing was called.",
            code="NoCredentials",
        )
    return session


def whoami(session: boto3.Session | None = None, region: str = "us-east-1") -> dict[str, str]:
    """The caller's ``Account``, ``Arn`` and ``UserId`` (one read; errors as the guide's own).

    Raises
    ------
    CredentialsError
        No credentials, or keys AWS does not accept (``InvalidClientTokenId`` ...).
    AwsError
        The endpoint does not answer (after the retries and timeouts).
    """
    identity = Context(session, region).call("sts", "get_caller_identity", "identifying the caller")
    return {k: identity[k] for k in ("Account", "Arn", "UserId")}


def is_sandbox(session: boto3.Session) -> bool:
    """Whether ``session`` talks to the embedded sandbox."""
    return isinstance(session, SandboxSession)


def _client(session: boto3.Session, service: str, region: str):
    return session.client(service, region_name=region, config=_CONFIG)


def is_read(operation: str) -> bool:
    """Whether an API operation only reads (by AWS's naming convention)."""
    return operation.startswith(_READ_PREFIXES)


@dataclass
class Calls:
    """API calls one run made: reads, writes, and retries botocore made for them."""

    reads: int = 0
    writes: int = 0
    retries: int = 0
    log: list[str] = field(default_factory=list)

    def _before(self, model: Any = None, **_: Any) -> None:
        name = f"{model.service_model.service_id}:{model.name}"
        self.log.append(name)
        if is_read(model.name):
            self.reads += 1
        else:
            self.writes += 1

    def _after(self, parsed: Any = None, **_: Any) -> None:
        if isinstance(parsed, dict):
            self.retries += parsed.get("ResponseMetadata", {}).get("RetryAttempts", 0)


# IAM is eventually consistent: a role made a moment ago may still be unknown
# to the next call, and two writers to one role meet ConcurrentModification.
_EVENTUAL_CODES = ("NoSuchEntity", "ConcurrentModification")


class Context:
    """One run's clients, call counts, and the facts learnt in preflight.

    Not public: ``apply``, ``audit`` and ``teardown`` each make one.
    """

    def __init__(self, session: boto3.Session | None, region: str,
                 progress: Callable[[str], None] | None = None,
                 propagation_timeout: float = 20.0):
        self.session = session if session is not None else connect("sandbox", region)
        self.region = region
        self.calls = Calls()
        self.progress = progress or (lambda message: None)
        self.propagation_timeout = propagation_timeout
        self._clients: dict[str, Any] = {}
        self.account = ""
        self.partition = ""
        self.caller_arn = ""
        self.created: set[str] = set()
        self.cache: dict[Any, Any] = {}

    @property
    def sandbox(self) -> bool:
        return is_sandbox(self.session)

    def client(self, service: str):
        if service not in self._clients:
            client = _client(self.session, service, self.region)
            client.meta.events.register("before-call.*.*", self.calls._before)
            client.meta.events.register("after-call.*.*", self.calls._after)
            self._clients[service] = client
        return self._clients[service]

    def call(self, service: str, operation: str, doing: str = "", ok_codes: tuple[str, ...] = (),
             **params: Any) -> Any:
        """Make one API call; translate errors; retry IAM's eventual consistency.

        ``ok_codes`` are error codes the caller handles itself: the
        ``ClientError`` is raised unchanged for them.
        """
        method = getattr(self.client(service), operation)
        waited = 0.0
        delay = 0.25
        while True:
            try:
                return method(**params)
            except ClientError as err:
                code = err.response.get("Error", {}).get("Code", "")
                if code in ok_codes:
                    raise
                if code in _EVENTUAL_CODES and self.created and waited < self.propagation_timeout:
                    self.progress(f"IAM has not caught up yet ({code}); retrying in {delay:.1f} s")
                    time.sleep(delay)
                    waited += delay
                    delay = min(delay * 2, 4.0)
                    continue
                if code in _EVENTUAL_CODES and self.created:
                    raise PropagationError(
                        f"{operation} still fails with {code} after {waited:.0f} s: IAM has not "
                        f"yet made what this run created visible everywhere. Wait a minute and "
                        f"run again; apply is safe to re-run and continues where it stopped.",
                        code=code, operation=operation,
                    ) from err
                raise translate(err, doing) from err
            except (BotoConnectionError, HTTPClientError) as err:  # retries spent, no answer
                raise unreachable(err, self._api_name(service, operation), doing) from err
            except NoCredentialsError as err:
                raise CredentialsError(
                    "the session has no AWS credentials: set AWS_PROFILE (or "
                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or use target='sandbox'. "
                    "Nothing was called.", code="NoCredentials",
                    operation=self._api_name(service, operation)) from err

    def pages(self, service: str, operation: str, key: str, **params: Any) -> list[Any]:
        """All items of a paginated read."""
        paginator = self.client(service).get_paginator(operation)
        items: list[Any] = []
        try:
            for page in paginator.paginate(**params):
                items.extend(page.get(key, []))
        except ClientError as err:
            raise translate(err, f"listing {key}") from err
        except (BotoConnectionError, HTTPClientError) as err:
            raise unreachable(err, self._api_name(service, operation), f"listing {key}") from err
        return items

    def _api_name(self, service: str, operation: str) -> str:
        """``create_role`` -> ``CreateRole``, as AWS and its error messages name it."""
        return self.client(service).meta.method_to_api_mapping.get(operation, operation)
