"""Sessions and clients: the only place boto3 clients are made.

Every public function takes ``session: boto3.Session | None = None``; ``None``
means the sandbox, so nothing reaches a real account unless asked for with
``connect("aws")``.

Not run as a doctest: ``connect("sandbox")`` starts the process's shared sandbox, which
lives as long as the process (a notebook kernel's), on a port chosen when it starts.

>>> session = connect("sandbox")                    # doctest: +SKIP
>>> session.endpoint_url                            # doctest: +SKIP
'http://127.0.0.1:43115'
"""

from __future__ import annotations

import contextlib
import io
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
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
from botocore.response import StreamingBody

from ..errors import (
    CredentialsError,
    Problem,
    PropagationError,
    ValidationError,
    translate,
    unreachable,
)
from ..events import Progress, Waiting
from ..hooks import provided
from ..states import Made, Seen
from .models import share_models

__all__ = ["Read", "Target", "assumed", "connect", "is_sandbox", "keep_clients", "whoami",
           "with_credentials"]

TARGETS = ("sandbox", "aws")


@dataclass(frozen=True)
class Target:
    """A place sessions are made for besides AWS itself (``"sandbox"``), as the module that
    serves it registers it: ``hooks.register("target", name, Target(...))``.

    ``start(region)`` is a session on it; ``holds(session)`` whether a session is one of
    its; ``assume(session, region, keys)`` a session on the same place holding other
    credentials (an assumed role's: ``aws_access_key_id`` ...).
    """

    start: Callable[[str], boto3.Session]
    holds: Callable[[boto3.Session], bool]
    assume: Callable[[boto3.Session, str, dict[str, str]], boto3.Session]

#: Reads made at once by one run (a bounded pool; botocore clients are thread-safe).
WORKERS = 8

# One configuration for every client: standard retry mode retries throttling and
# 5xx with backoff, which is what a run against a busy account needs. The timeouts
# bound a call to an endpoint that accepts and never answers: at most
# max_attempts x (CONNECT_TIMEOUT or READ_TIMEOUT) plus backoff, then a clear AwsError.
# The connection pool holds one connection per concurrent read (WORKERS).
CONNECT_TIMEOUT, READ_TIMEOUT, MAX_ATTEMPTS = 5, 15, 4
_CONFIG = Config(retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS},
                 connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
                 user_agent_extra="ecsrole-guide/0.1", max_pool_connections=WORKERS + 2)

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
    if target != "aws":
        return provided("target")[target].start(region or "us-east-1")
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


def assumed(ctx: Context, role_arn: str, session_name: str) -> boto3.Session:
    """A session holding the credentials of ``role_arn``, assumed with ``ctx``'s session.

    On the sandbox the session stays on the same server: moto keys each account by
    the credentials' access key id, so the assumed credentials reach the role's account.
    """
    found = ctx.call("sts", "assume_role", f"assuming {role_arn}", RoleArn=role_arn,
                     RoleSessionName=session_name)["Credentials"]
    return with_credentials(ctx.session, ctx.region, found)


def with_credentials(session: boto3.Session, region: str, credentials: dict) -> boto3.Session:
    """A session on the same target as ``session`` (AWS, or the sandbox's server) holding
    ``credentials`` (STS's ``Credentials``: ``AccessKeyId``, ``SecretAccessKey``, ``SessionToken``)."""
    keys = {"aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"]}
    for target in provided("target").values():
        if target.holds(session):
            return target.assume(session, region, keys)
    return boto3.Session(region_name=region, **keys)


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
    sandbox = provided("target").get("sandbox")
    return sandbox is not None and sandbox.holds(session)


# A boto3 Session is not thread-safe: several runs at once on one session (a survey
# audits many roles at a time) make their clients one after another.
_CLIENT_LOCK = threading.Lock()
# Making a client costs about 10 ms of CPU; a thread that runs many short runs one after
# another (a survey's audits) keeps its clients for the next run (see keep_clients).
_KEPT = threading.local()


def keep_clients() -> None:
    """From now on, runs on this thread reuse the clients of the runs before them.

    For a pool's worker threads (``ThreadPoolExecutor(initializer=keep_clients)``):
    each run still counts only its own calls, since it binds the counting hooks
    of a kept client to itself, and one thread makes one run at a time.
    """
    _KEPT.clients = {}


def _client(session: boto3.Session, service: str, region: str):
    kept = getattr(_KEPT, "clients", None)
    key = (id(session), service, region)
    if kept is not None and key in kept:
        return kept[key][1]
    with _CLIENT_LOCK:
        made = session.client(service, region_name=region, config=_CONFIG)
    if kept is not None:
        kept[key] = (session, made)  # the session too, so its id is not reused meanwhile
    return made


def is_read(operation: str) -> bool:
    """Whether an API operation only reads (by AWS's naming convention)."""
    return operation.startswith(_READ_PREFIXES)


@dataclass
class Calls:
    """API calls one run made: reads, writes, and retries botocore made for them.

    Counted by botocore's hooks on every request, from whichever thread makes it.
    """

    reads: int = 0
    writes: int = 0
    retries: int = 0
    log: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def _before(self, model: Any = None, **_: Any) -> None:
        name = f"{model.service_model.service_id}:{model.name}"
        with self._lock:
            self.log.append(name)
            if is_read(model.name):
                self.reads += 1
            else:
                self.writes += 1

    def _after(self, parsed: Any = None, **_: Any) -> None:
        if isinstance(parsed, dict):
            with self._lock:
                self.retries += parsed.get("ResponseMetadata", {}).get("RetryAttempts", 0)


@dataclass(frozen=True)
class Read:
    """One read to make ahead of the step that needs it (see :meth:`Context.read_ahead`).

    ``items`` names the list a paginated read gathers (as :meth:`Context.pages`
    does); empty for a plain call.
    """

    service: str
    operation: str
    params: dict[str, Any] = field(default_factory=dict, hash=False)
    items: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.service, self.operation, self.items,
                json.dumps(self.params, sort_keys=True, default=str))


#: Parameters that name the resource a call is about. A write makes a read made ahead
#: stale when they name a resource in common, or when either names none (a listing).
_RESOURCE_PARAMS = ("RoleName", "InstanceProfileName", "PolicyArn", "Bucket", "Key",
                    "principalArn")


def _resources(params: dict[str, Any]) -> frozenset[str]:
    return frozenset(str(params[k]) for k in _RESOURCE_PARAMS if k in params)


_NOTHING = object()


# IAM is eventually consistent: a role made a moment ago may still be unknown
# to the next call, and two writers to one role meet ConcurrentModification.
_EVENTUAL_CODES = ("NoSuchEntity", "ConcurrentModification")


class Context:
    """One run's clients, call counts, and the facts learnt in preflight.

    Not public: ``apply``, ``audit`` and ``teardown`` each make one.
    """

    def __init__(self, session: boto3.Session | None, region: str,
                 progress: Progress | None = None,
                 propagation_timeout: float = 20.0):
        self.session = session if session is not None else connect("sandbox", region)
        share_models(self.session)
        self.region = region
        self.calls = Calls()
        self.progress = progress or (lambda message: None)
        self.propagation_timeout = propagation_timeout
        self._clients: dict[str, Any] = {}
        self.account = ""
        self.partition = ""
        self.caller_arn = ""
        #: What this run made (:meth:`made`); while it holds anything, IAM's
        #: ``NoSuchEntity`` is eventual consistency, waited for.
        self.created: set[Made | Seen] = set()
        # Filled and read by the run's own thread; reads made ahead go to _ahead instead.
        self.cache: dict[Any, Any] = {}
        self._ahead: dict[tuple, tuple[str, frozenset[str], Any]] = {}
        self._looked: dict[tuple, Any] = {}  # reads made during a write (:meth:`beside`)
        self._lock = threading.Lock()

    @property
    def sandbox(self) -> bool:
        return is_sandbox(self.session)

    def made(self, what: Made | Seen) -> None:
        """Note that this run created ``what`` (or saw another run's, :class:`Seen`)."""
        self.created.add(what)

    def was_made(self, what: Made | Seen) -> bool:
        """Whether this run created ``what``.

        >>> ctx = Context(boto3.Session(region_name="us-east-1"), "us-east-1")
        >>> ctx.made(Made.INSTANCE_PROFILE)
        >>> ctx.was_made(Made.INSTANCE_PROFILE), ctx.was_made(Made.ROLE)
        (True, False)
        """
        return what in self.created

    def client(self, service: str):
        with self._lock:  # a boto3 Session must not make clients from two threads at once
            if service not in self._clients:
                client = _client(self.session, service, self.region)
                for event, handler in (("before-call.*.*", self.calls._before),
                                       ("after-call.*.*", self.calls._after)):
                    # By name, so a kept client counts for this run only.
                    client.meta.events.unregister(event, unique_id=f"ecsrole-{event}")
                    client.meta.events.register(event, handler, unique_id=f"ecsrole-{event}")
                self._clients[service] = client
            return self._clients[service]

    def read_ahead(self, reads: Sequence[Read]) -> list[Any]:
        """Make independent reads at once, each kept for the one call that asks for it.

        The reads run on a bounded pool of :data:`WORKERS` threads, through the
        same clients (same retries). Each answer, or the error it met, waits for
        the first :meth:`call` or :meth:`pages` with the same operation and
        parameters, which takes it instead of asking AWS again and handles an
        error exactly as if it had just met it (``ok_codes``, translation). A
        write drops the answers it could have changed. Returns the answers (or
        errors) in order, so the caller can decide what to read next.
        """
        answers = self._read_all(reads)
        with self._lock:
            for read, answer in zip(reads, answers):
                self._ahead[read.key] = (read.service, _resources(read.params), answer)
        return answers

    @contextlib.contextmanager
    def beside(self, reads: Sequence[Read]) -> Iterator[None]:
        """Make ``reads`` on another thread while the body runs (a write they do not depend on).

        Each answer, or the error it met, is kept for one :meth:`looked`, never for
        :meth:`call`: made during the write, it may or may not show that write.
        """
        if not reads:
            yield
            return
        with ThreadPoolExecutor(1) as pool:
            answers = pool.submit(self._read_all, reads)
            try:
                yield
            finally:
                for read, answer in zip(reads, answers.result()):
                    self._looked[read.key] = answer

    def looked(self, service: str, operation: str, **params: Any) -> Any:
        """The answer (or error) of a read made :meth:`beside` a write; ``None`` if none was."""
        return self._looked.pop(Read(service, operation, params).key, None)

    def read_concurrently(self, reads: Sequence[Read]) -> list[Any]:
        """Make independent reads at once; their answers in order, none kept.

        An answer is the response (for a paginated read, all its items) or the
        error the read met, translated as :meth:`call` would raise it (an
        :class:`~ecsrole_lib.errors.EcsRoleError` with AWS's ``code``), for the
        caller to raise or to handle (a resource deleted since it was listed).
        """
        answers = self._read_all(reads)
        for i, (read, answer) in enumerate(zip(reads, answers)):
            if isinstance(answer, ClientError):
                answers[i] = translate(answer, f"reading {read.operation}")
                answers[i].__cause__ = answer
            elif isinstance(answer, (BotoConnectionError, HTTPClientError)):
                answers[i] = unreachable(answer, self._api_name(read.service, read.operation), "")
                answers[i].__cause__ = answer
        return answers

    def _read_all(self, reads: Sequence[Read]) -> list[Any]:
        for service in {r.service for r in reads}:
            self.client(service)
        if len(reads) <= 1:
            return [self._read(r) for r in reads]
        with ThreadPoolExecutor(min(WORKERS, len(reads))) as pool:
            return list(pool.map(self._read, reads))

    def _read(self, read: Read) -> Any:
        try:
            if read.items:
                return self._all_pages(read.service, read.operation, read.items, read.params)
            answer = getattr(self.client(read.service), read.operation)(**read.params)
            if isinstance(answer.get("Body"), StreamingBody):  # S3 GetObject: free the connection
                body = answer["Body"].read()
                answer["Body"] = StreamingBody(io.BytesIO(body), len(body))
            return answer
        except Exception as err:  # noqa: BLE001 - kept, raised where the step makes this call
            return err

    def _take(self, service: str, operation: str, items: str, params: dict[str, Any]) -> Any:
        key = Read(service, operation, params, items).key
        with self._lock:
            found = self._ahead.pop(key, None)
        if found is None:
            return _NOTHING
        if isinstance(found[2], Exception):
            raise found[2]
        return found[2]

    def _stale(self, service: str, params: dict[str, Any]) -> None:
        """Drop reads made ahead that this write to ``service`` could change."""
        names = _resources(params)
        with self._lock:
            for key, (where, about, _) in list(self._ahead.items()):
                if where == service and (not names or not about or names & about):
                    del self._ahead[key]

    def call(self, service: str, operation: str, doing: str = "", ok_codes: tuple[str, ...] = (),
             **params: Any) -> Any:
        """Make one API call; translate errors; retry IAM's eventual consistency.

        ``ok_codes`` are error codes the caller handles itself: the
        ``ClientError`` is raised unchanged for them.
        """
        method = getattr(self.client(service), operation)
        if not is_read(self._api_name(service, operation)):
            self._stale(service, params)
        waited = 0.0
        delay = 0.25
        while True:
            try:
                ahead = self._take(service, operation, "", params)
                return method(**params) if ahead is _NOTHING else ahead
            except ClientError as err:
                code = err.response.get("Error", {}).get("Code", "")
                if code in ok_codes:
                    raise
                if code in _EVENTUAL_CODES and self.created and waited < self.propagation_timeout:
                    self.progress(Waiting(code, delay))
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

    def wait(self, service: str, waiter: str, doing: str, **params: Any) -> None:
        """Wait with one of botocore's waiters; its timeout raises ``WaiterError`` as it is.

        The waiter's own reads are counted like every other call.
        """
        polled = self.client(service).get_waiter(waiter)
        try:
            polled.wait(**params)
        except (BotoConnectionError, HTTPClientError) as err:
            raise unreachable(err, polled.config.operation, doing) from err

    def pages(self, service: str, operation: str, key: str, **params: Any) -> list[Any]:
        """All items of a paginated read."""
        try:
            ahead = self._take(service, operation, key, params)
            if ahead is not _NOTHING:
                return list(ahead)
            return self._all_pages(service, operation, key, params)
        except ClientError as err:
            raise translate(err, f"listing {key}") from err
        except (BotoConnectionError, HTTPClientError) as err:
            raise unreachable(err, self._api_name(service, operation), f"listing {key}") from err

    def _all_pages(self, service: str, operation: str, key: str, params: dict[str, Any]) -> list[Any]:
        items: list[Any] = []
        for page in self.client(service).get_paginator(operation).paginate(**params):
            items.extend(page.get(key, []))
        return items

    def _api_name(self, service: str, operation: str) -> str:
        """``create_role`` -> ``CreateRole``, as AWS and its error messages name it."""
        return self.client(service).meta.method_to_api_mapping.get(operation, operation)
