"""Fault injection for the ``ecsrole_lib`` tests: botocore event hooks on a real session.

Load it from a test module with ``pytest_plugins = ["faults"]``; it gives the
``faults`` fixture and the ``snapshot`` helper. Faults are injected into a real
``boto3.Session`` (a :class:`~ecsrole_lib.SandboxSession` or ``connect("aws")``)
talking to the moto server, so everything between the library and the wire is
real: botocore's serializer, its standard-mode retry handler, its parsers and
its waiters. Only the hooks decide that a call fails.

>>> inj = faults(session)                          # doctest: +SKIP
>>> inj.fail(nth=3, error="throttling")            # the 3rd write is throttled once
>>> inj.crash(nth=5)                               # the 5th write kills the process
>>> inj.not_yet_visible(k=2)                       # IAM eventual consistency
>>> inj.hang("PutAccountSetting", timeout=0.2)     # a call that never answers

Hooks (registered on the session, so every client the library makes inherits
them; register before the run starts):

``before-call``
    counts the call (reads and writes, by the library's own rule
    :func:`ecsrole_lib.aws.client.is_read`), decides its faults and stores them in the
    request context; raises :class:`Crash` for a crash before the write.
``before-send``
    runs once per HTTP attempt: returns a forged error response (``Throttling``,
    ``ServiceFailure``, ``NoSuchEntity`` ...) that botocore parses and retries
    like a real one, raises a connection error, or makes the call hang on a
    socket that never answers until the read timeout fires.
``after-call``
    records what this session created (for ``NoSuchEntity`` after a create) and
    raises :class:`Crash` for a crash after the write reached AWS.
"""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from botocore.httpsession import URLLib3Session
from readback import bucket_state, tags

from ecsrole_lib import SandboxSession
from ecsrole_lib.aws.client import is_read

__all__ = ["FIGURES", "WATCHED_ROLES", "Crash", "FaultInjector", "fresh", "nothing", "snapshot"]


class Crash(BaseException):
    """Stands for a killed process: not an ``Exception``, so nothing may catch it."""


# --------------------------------------------------------------------------------------
# Figures the issue asks for, filled by the tests, printed at the end of the run.
# --------------------------------------------------------------------------------------
FIGURES: dict[str, Any] = {
    "crash_positions": {},      # spec label -> {"crashed": n, "survived": n, "failed": [..]}
    "faults_injected": Counter(),  # kind -> count
    "retries_counted": 0,       # sum of Report.retries over the fault tests
    "drift_cases": [],          # names of the drift cases tried
}


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # pragma: no cover - output
    if not (FIGURES["crash_positions"] or FIGURES["faults_injected"] or FIGURES["drift_cases"]):
        return
    write = terminalreporter.write_line
    terminalreporter.section("fault figures (issue 4)")
    for label, figures in FIGURES["crash_positions"].items():
        write(f"crash matrix {label}: {figures['crashed']} write positions crashed, "
              f"{figures['survived']} survived (re-run equals a clean run, teardown leaves nothing)"
              + (f"; failed at {figures['failed']}" if figures["failed"] else ""))
    kinds = ", ".join(f"{k}={n}" for k, n in sorted(FIGURES["faults_injected"].items()))
    write(f"faults injected by kind: {kinds or 'none'}")
    write(f"retries counted by Report.retries: {FIGURES['retries_counted']}")
    if FIGURES["drift_cases"]:
        write(f"drift cases tried ({len(FIGURES['drift_cases'])}): "
              + ", ".join(FIGURES["drift_cases"]))


# --------------------------------------------------------------------------------------
# Forged error responses, in each protocol's own wire format.
# --------------------------------------------------------------------------------------
class _Raw:
    def __init__(self, body: bytes):
        self._body = body

    def stream(self, **_: Any):
        yield self._body


#: kind -> service -> (HTTP status, error code)
ERRORS: dict[str, dict[str, tuple[int, str]]] = {
    "throttling": {"iam": (400, "Throttling"), "sts": (400, "Throttling"),
                   "s3": (503, "SlowDown"), "ecs": (400, "ThrottlingException")},
    "5xx": {"iam": (500, "ServiceFailure"), "sts": (500, "InternalFailure"),
            "s3": (500, "InternalError"), "ecs": (500, "ServerException")},
    "no_such_entity": {"iam": (404, "NoSuchEntity")},
    "concurrent_modification": {"iam": (409, "ConcurrentModification")},
}


def error_response(request: AWSPreparedRequest, protocol: str, status: int, code: str,
                   message: str = "injected by the test harness") -> AWSResponse:
    """An HTTP error response as the service would send it."""
    if protocol == "query":
        body = (f'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
                f"<Type>{'Receiver' if status >= 500 else 'Sender'}</Type><Code>{code}</Code>"
                f"<Message>{message}</Message></Error><RequestId>fault-0001</RequestId>"
                f"</ErrorResponse>").encode()
        headers = {"Content-Type": "text/xml"}
    elif protocol == "rest-xml":
        body = (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code>'
                f"<Message>{message}</Message><RequestId>fault-0001</RequestId></Error>").encode()
        headers = {"Content-Type": "application/xml"}
    elif protocol == "json":
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "fault-0001"}
    else:  # pragma: no cover - no such service in the guide
        raise ValueError(f"no forged errors for protocol {protocol}")
    headers["Content-Length"] = str(len(body))
    return AWSResponse(request.url, status, headers, _Raw(body))


class _BlackHole:
    """A TCP server on 127.0.0.1 that accepts connections and never answers."""

    def __init__(self):
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        self._sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            self._held.append(conn)  # read nothing, answer nothing

    def close(self) -> None:
        self._stop.set()
        for conn in self._held:
            conn.close()
        self._sock.close()


def _moved(request: AWSPreparedRequest, port: int) -> AWSPreparedRequest:
    parts = urlsplit(request.url)
    url = urlunsplit(parts._replace(netloc=f"127.0.0.1:{port}"))
    return AWSPreparedRequest(request.method, url, request.headers, request.body,
                              request.stream_output)


# --------------------------------------------------------------------------------------
# The injector.
# --------------------------------------------------------------------------------------
@dataclass
class _Rule:
    kind: str                      # throttling, 5xx, connection, timeout, lost, crash, exception
    nth: int | None = None         # the nth matching call (1-based); None: every matching call
    operation: str | None = None   # an API operation name (CreateRole); None: any
    writes_only: bool = True
    times: int = 1                 # attempts that fail (botocore makes 5 in standard mode)
    when: str = "before"           # crash: before the write is sent, or after AWS applied it
    error: BaseException | None = None
    timeout: float = 0.2
    seen: int = 0
    fired: int = 0

    def matches(self, operation: str) -> bool:
        if self.operation is not None and operation != self.operation:
            return False
        if self.writes_only and self.operation is None and is_read(operation):
            return False
        self.seen += 1
        return self.nth is None or self.seen == self.nth


@dataclass
class FaultInjector:
    """Faults for one ``boto3.Session``; see the module docstring."""

    session: boto3.Session
    log: list[str] = field(default_factory=list)       # every API call, in order
    writes: list[str] = field(default_factory=list)    # write calls, in order
    injected: Counter = field(default_factory=Counter)  # kind -> faults injected
    created: set[str] = field(default_factory=set)     # IAM names/ARNs made through this session

    def __post_init__(self) -> None:
        self._rules: list[_Rule] = []
        self._invisible: dict[str, int] = {}
        self._invisible_k = 0
        self._invisible_ops: set[str] | None = None
        self._lock = threading.RLock()
        self._hole: _BlackHole | None = None
        self._jitter = 0.0
        self.active = True
        events = self.session.events
        events.register("before-parameter-build", self._params)
        events.register("before-call", self._before_call)
        events.register("before-send", self._before_send)
        events.register("after-call", self._after_call)

    # -- what to inject -----------------------------------------------------------------
    def fail(self, nth: int | None = None, error: str | BaseException = "throttling",
             operation: str | None = None, times: int = 1, writes_only: bool = True) -> None:
        """Fail the ``nth`` write (or matching call; every one if ``nth`` is None).

        ``error``: ``"throttling"`` (400 Throttling), ``"5xx"`` (500 ServiceFailure),
        ``"connection"`` (EndpointConnectionError), ``"timeout"`` (a real read
        timeout on a socket that never answers), ``"lost"`` (AWS applies the
        write, then the answer times out) or an exception instance to raise.
        ``times`` attempts fail; botocore's standard mode makes five.
        """
        kind = error if isinstance(error, str) else "exception"
        assert kind in ("throttling", "5xx", "connection", "timeout", "lost", "exception"), kind
        self._rules.append(_Rule(kind, nth, operation, writes_only, times,
                                 error=None if isinstance(error, str) else error))

    def crash(self, nth: int, when: str = "before", operation: str | None = None) -> None:
        """Kill the run (raise :class:`Crash`) at the ``nth`` write, before or after AWS applies it."""
        assert when in ("before", "after")
        self._rules.append(_Rule("crash", nth, operation, True, when=when))

    def hang(self, operation: str, timeout: float = 0.2, times: int = 1, nth: int | None = None) -> None:
        """Make ``operation`` hang until a read timeout of ``timeout`` seconds fires."""
        self._rules.append(_Rule("timeout", nth, operation, False, times, timeout=timeout))

    def jitter(self, most: float = 0.02) -> None:
        """Sleep a random 0 to ``most`` seconds before every call (more interleavings)."""
        self._jitter = most

    def not_yet_visible(self, k: int, operations: set[str] | None = None) -> None:
        """``NoSuchEntity`` for the first ``k`` IAM calls naming each resource made here."""
        self._invisible_k = k
        self._invisible_ops = operations

    def stop(self) -> None:
        """Inject nothing more (counting goes on)."""
        self.active = False

    @property
    def total(self) -> int:
        return sum(self.injected.values())

    # -- hooks --------------------------------------------------------------------------
    def _count(self, kind: str, n: int = 1) -> None:
        with self._lock:
            self.injected[kind] += n
            FIGURES["faults_injected"][kind] += n

    def _params(self, params=None, context=None, **_: Any) -> None:
        if context is not None:
            context["fault_params"] = dict(params or {})

    def _before_call(self, model=None, context=None, **_: Any) -> None:
        operation = model.name
        service = model.service_model.endpoint_prefix
        params = context.get("fault_params", {})
        with self._lock:
            self.log.append(operation)
            if not is_read(operation):
                self.writes.append(operation)
            plan: list[dict[str, Any]] = []
            if self.active:
                for rule in self._rules:
                    if rule.matches(operation):
                        plan.append({"rule": rule, "left": rule.times})
                invisible = self._invisible_hit(service, operation, params or {})
                if invisible:
                    plan.append({"no_such_entity": invisible, "left": 1})
            context["fault_plan"] = plan
        if self._jitter:
            time.sleep(random.uniform(0, self._jitter))
        for item in plan:
            rule = item.get("rule")
            if rule is not None and rule.kind == "crash" and rule.when == "before":
                self._count("crash")
                raise Crash(f"crash before write #{len(self.writes)} {operation}")

    def _invisible_hit(self, service: str, operation: str, params: dict) -> str:
        if service != "iam" or not self._invisible_k or operation.startswith("Create"):
            return ""
        if self._invisible_ops is not None and operation not in self._invisible_ops:
            return ""
        for key in ("RoleName", "InstanceProfileName", "PolicyArn"):
            name = params.get(key)
            if name in self.created and self._invisible.get(name, 0) < self._invisible_k:
                self._invisible[name] = self._invisible.get(name, 0) + 1
                return name
        return ""

    def _before_send(self, request=None, event_name: str = "", **_: Any):
        context = getattr(request, "context", None) or {}
        plan = context.get("fault_plan") or []
        service = event_name.split(".")[1]
        for item in plan:
            if item["left"] <= 0:
                continue
            item["left"] -= 1
            protocol = _PROTOCOLS[service]
            if "no_such_entity" in item:
                self._count("no_such_entity")
                return error_response(request, protocol, 404, "NoSuchEntity",
                                      f"The role with name {item['no_such_entity']} cannot be found.")
            rule: _Rule = item["rule"]
            rule.fired += 1
            if rule.kind == "crash":
                continue
            self._count(rule.kind)
            if rule.kind in ERRORS:
                status, code = ERRORS[rule.kind][_SERVICE[service]]
                return error_response(request, protocol, status, code)
            if rule.kind == "connection":
                raise EndpointConnectionError(endpoint_url=request.url)
            if rule.kind == "timeout":
                return self._hang(request, rule.timeout)
            if rule.kind == "lost":
                URLLib3Session(timeout=30).send(request)  # AWS applies it ...
                raise ReadTimeoutError(endpoint_url=request.url)  # ... the answer is lost
            raise rule.error
        return None

    def _hang(self, request: AWSPreparedRequest, timeout: float):
        with self._lock:
            if self._hole is None:
                self._hole = _BlackHole()
        # A real read timeout: botocore's own HTTP session on a socket that never answers.
        return URLLib3Session(timeout=timeout).send(_moved(request, self._hole.port))

    def _after_call(self, model=None, parsed=None, http_response=None, context=None,
                    **_: Any) -> None:
        context = context or {}
        params = context.get("fault_params", {})
        ok = http_response is not None and http_response.status_code < 300
        if ok and model.service_model.endpoint_prefix == "iam":
            with self._lock:
                if model.name in ("CreateRole", "CreateInstanceProfile"):
                    self.created.add(params.get("RoleName") or params.get("InstanceProfileName"))
                elif model.name == "CreatePolicy":
                    self.created.add(parsed["Policy"]["Arn"])
        for item in context.get("fault_plan") or []:
            rule = item.get("rule")
            if rule is not None and rule.kind == "crash" and rule.when == "after":
                self._count("crash")
                raise Crash(f"crash after write #{len(self.writes)} {model.name}")

    def close(self) -> None:
        events = self.session.events
        events.unregister("before-parameter-build", self._params)
        events.unregister("before-call", self._before_call)
        events.unregister("before-send", self._before_send)
        events.unregister("after-call", self._after_call)
        if self._hole is not None:
            self._hole.close()


# Event names use the hyphenized service id; map them to protocol and to ERRORS' keys.
_PROTOCOLS = {"iam": "query", "sts": "query", "s3": "rest-xml", "ecs": "json"}
_SERVICE = {"iam": "iam", "sts": "sts", "s3": "s3", "ecs": "ecs"}


_LOADER: list[Any] = []


def fresh(endpoint: str, region: str = "us-east-1") -> SandboxSession:
    """A new session on the sandbox, as a new process would make (no hooks, no clients).

    Only botocore's read-only data loader (service models) is shared, to save
    parsing the same JSON files for every session the tests make.
    """
    session = SandboxSession(endpoint, region)
    if _LOADER:
        session._session.register_component("data_loader", _LOADER[0])
    else:
        _LOADER.append(session._session.get_component("data_loader"))
    return session


@pytest.fixture
def faults():
    """A factory: ``faults(session)`` attaches a :class:`FaultInjector` to ``session``."""
    made: list[FaultInjector] = []

    def attach(session: boto3.Session) -> FaultInjector:
        injector = FaultInjector(session)
        made.append(injector)
        return injector

    yield attach
    for injector in made:
        injector.close()


@pytest.fixture
def fast_backoff(monkeypatch):
    """Keep botocore's standard-mode retries but shorten their sleeps to a few ms."""
    from botocore.retries import standard

    original = standard.ExponentialBackoff.delay_amount
    monkeypatch.setattr(standard.ExponentialBackoff, "delay_amount",
                        lambda self, context: min(original(self, context), 0.01))


# --------------------------------------------------------------------------------------
# State snapshots: everything the guide may create, read back with plain boto3.
# --------------------------------------------------------------------------------------
def _doc(document: Any) -> Any:
    if isinstance(document, str):
        from urllib.parse import unquote
        document = json.loads(unquote(document))
    return json.loads(json.dumps(document, sort_keys=True))


_tags = tags


def snapshot(session: boto3.Session, region: str = "us-east-1") -> dict[str, Any]:
    """Everything in the account the guide may touch, without ids and dates.

    Roles (path, trust, description, boundary, tags, attached and inline
    policies, instance profiles), instance profiles (path, roles, tags),
    customer managed policies (path, default document, version count, tags,
    the roles they are attached to), buckets (tags, public access block,
    objects with body and tags) and the ``awsvpcTrunking`` account setting:
    the account default and each principal's own, for every role listed and
    every role named in ``WATCHED_ROLES`` (a principal's setting outlives
    its role, so one teardown forgot is seen after the role is gone).
    """
    iam = session.client("iam", region_name=region)
    s3 = session.client("s3", region_name=region)
    ecs = session.client("ecs", region_name=region)
    state: dict[str, Any] = {"roles": {}, "instance_profiles": {}, "policies": {}, "buckets": {},
                             "account_settings": {}}
    for role in _all(iam, "list_roles", "Roles"):
        name = role["RoleName"]
        full = iam.get_role(RoleName=name)["Role"]
        state["roles"][name] = {
            "path": full.get("Path"),
            "trust": _doc(full["AssumeRolePolicyDocument"]),
            "description": full.get("Description"),
            "boundary": full.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn"),
            "tags": _tags(full.get("Tags")),
            "attached": sorted(p["PolicyArn"] for p in _all(
                iam, "list_attached_role_policies", "AttachedPolicies", RoleName=name)),
            "attached_count": len(_all(iam, "list_attached_role_policies", "AttachedPolicies",
                                       RoleName=name)),
            "inline": {p: _doc(iam.get_role_policy(RoleName=name, PolicyName=p)["PolicyDocument"])
                       for p in _all(iam, "list_role_policies", "PolicyNames", RoleName=name)},
            "instance_profiles": sorted(p["InstanceProfileName"] for p in _all(
                iam, "list_instance_profiles_for_role", "InstanceProfiles", RoleName=name)),
        }
    for profile in _all(iam, "list_instance_profiles", "InstanceProfiles"):
        name = profile["InstanceProfileName"]
        full = iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]
        state["instance_profiles"][name] = {
            "path": full.get("Path"),
            "roles": sorted(r["RoleName"] for r in full.get("Roles", [])),
            "tags": _tags(full.get("Tags")),
        }
    for policy in _all(iam, "list_policies", "Policies", Scope="Local"):
        arn = policy["Arn"]
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        entities = iam.list_entities_for_policy(PolicyArn=arn)
        state["policies"][arn] = {
            "path": policy.get("Path"),
            "document": _doc(iam.get_policy_version(PolicyArn=arn, VersionId=version)
                             ["PolicyVersion"]["Document"]),
            "versions": len(iam.list_policy_versions(PolicyArn=arn)["Versions"]),
            "tags": _tags(iam.list_policy_tags(PolicyArn=arn)["Tags"]),
            "roles": sorted(r["RoleName"] for r in entities.get("PolicyRoles", [])),
            "users": sorted(u["UserName"] for u in entities.get("PolicyUsers", [])),
            "groups": sorted(g["GroupName"] for g in entities.get("PolicyGroups", [])),
        }
    for bucket in s3.list_buckets().get("Buckets", []):
        state["buckets"][bucket["Name"]] = bucket_state(s3, bucket["Name"])
    for setting in ecs.list_account_settings(name="awsvpcTrunking")["settings"]:
        state["account_settings"][setting["name"]] = setting["value"]
    account = session.client("sts", region_name=region).get_caller_identity()["Account"]
    arns = {r["Arn"] for r in _all(iam, "list_roles", "Roles")}
    arns |= {f"arn:aws:iam::{account}:role/{name}" for name in WATCHED_ROLES}
    for arn in sorted(arns):
        for setting in ecs.list_account_settings(name="awsvpcTrunking", principalArn=arn)["settings"]:
            state["account_settings"][f"{setting['name']} for {arn.split(':', 5)[5]}"] = setting["value"]
    return state


#: Role names whose own ECS account settings every snapshot reads, whether the role exists or not.
WATCHED_ROLES = {"ecsInstanceRole", "ecsAnywhereRole"}


def _all(client, operation: str, key: str, **params: Any) -> list[Any]:
    items: list[Any] = []
    for page in client.get_paginator(operation).paginate(**params):
        items.extend(page.get(key, []))
    return items


def nothing() -> dict[str, Any]:
    """The snapshot of an account the guide has not touched."""
    return {"roles": {}, "instance_profiles": {}, "policies": {}, "buckets": {},
            "account_settings": {}}


def wait_until(predicate, timeout: float = 5.0) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` passes."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
