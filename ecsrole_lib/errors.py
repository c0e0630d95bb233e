"""Every error the guide raises: one base class, a few subclasses.

A user sees one of these, never a bare ``botocore`` exception: AWS error codes
are translated in :func:`translate`, and an unknown code still arrives as
:class:`AwsError` with the code and the original error chained (``from err``).

>>> from ecsrole_lib import RoleSpec, ValidationError
>>> try:
...     RoleSpec(role_name="bad name!")
... except ValidationError as err:
...     print(err.problems[0].field)
role_name
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from .i18n.catalog import message

__all__ = [
    "AccessDeniedError",
    "AwsError",
    "ConflictError",
    "CredentialsError",
    "EcsRoleError",
    "LaunchDeniedError",
    "Problem",
    "PropagationError",
    "QuotaError",
    "UnsupportedPolicyError",
    "ValidationError",
    "translate",
]


@dataclass(frozen=True)
class Problem:
    """One broken rule: which field (by its ``RoleSpec`` name), which value, which rule."""

    field: str
    value: Any
    rule: str

    def __str__(self) -> str:
        return f"{self.field}={self.value!r}: {self.rule}"


class EcsRoleError(Exception):
    """Base class of every error raised by ``ecsrole_lib``."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: the message names the field or the
        # AWS error and says what to do; a wall of library frames above it would hide that.
        return [f"{type(self).__name__}: {self}"]


class _ProblemsError(EcsRoleError):
    """An error that lists every problem found, not just the first."""

    headline = message("errors.problems")

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{self.headline} ({len(self.problems)}):\n{lines}")

    @property
    def fields(self) -> list[str]:
        """The ``RoleSpec`` fields named, in order."""
        return [p.field for p in self.problems]


class ValidationError(_ProblemsError, ValueError):
    """The spec breaks a rule that needs no AWS call to check. Nothing was called."""

    headline = message("errors.invalid_spec")


class ConflictError(_ProblemsError):
    """AWS already holds something the spec cannot live with. Nothing was written."""

    headline = message("errors.incompatible")


class UnsupportedPolicyError(EcsRoleError, ValueError):
    """A policy the guide's evaluator cannot decide (a feature it does not evaluate, such as
    policy variables or numeric conditions), or a document IAM would not accept. The message
    names the policy, the statement and what is not supported; nothing is guessed."""


class AwsError(EcsRoleError):
    """An AWS error the guide has no more specific class for.

    ``code`` is AWS's error code and ``operation`` the API operation.
    """

    def __init__(self, message: str, code: str = "", operation: str = ""):
        self.code = code
        self.operation = operation
        super().__init__(message)


class AccessDeniedError(AwsError):
    """The caller's credentials may not make this call."""


class LaunchDeniedError(AccessDeniedError):
    """A call the launched container instance makes is denied, or it gets no credentials.

    The message is AWS's, then the cause and the fix; ``report`` holds what the launch
    did until it stopped (:func:`ecsrole_lib.diagnose.launch.launch`).
    """

    def __init__(self, message: str, code: str = "", operation: str = "", report: Any = None):
        super().__init__(message, code=code, operation=operation)
        self.report = report


class CredentialsError(AwsError):
    """No usable credentials for the chosen target."""


class QuotaError(AwsError):
    """An IAM quota would be exceeded."""


class PropagationError(AwsError):
    """IAM did not show a just-made resource within the bound: wait, then run again."""


_BY_CODE: dict[str, tuple[type[AwsError], str]] = {
    "AccessDenied": (AccessDeniedError, "the caller may not do this; ask for {op} permission"),
    "AccessDeniedException": (AccessDeniedError, "the caller may not do this; ask for {op} permission"),
    "UnauthorizedOperation": (AccessDeniedError, "the caller may not do this; ask for {op} permission"),
    "InvalidClientTokenId": (CredentialsError, "the access key is not valid for this endpoint"),
    "SignatureDoesNotMatch": (CredentialsError, "the secret key does not match the access key"),
    "ExpiredToken": (CredentialsError, "the session token has expired; sign in again"),
    "ExpiredTokenException": (CredentialsError, "the session token has expired; sign in again"),
    "LimitExceeded": (QuotaError, "an IAM quota is reached"),
    "LimitExceededException": (QuotaError, "a quota is reached"),
}


def translate(err: ClientError, doing: str = "") -> AwsError:
    """Turn a ``ClientError`` into the guide's own error class, keeping AWS's words.

    Parameters
    ----------
    err
        The error botocore raised.
    doing
        What the guide was doing, in a few words, for the message.

    >>> from botocore.exceptions import ClientError
    >>> e = ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "CreateRole")
    >>> type(translate(e, "creating the role")).__name__
    'AccessDeniedError'
    """
    code = err.response.get("Error", {}).get("Code", "")
    message = err.response.get("Error", {}).get("Message", "")
    operation = getattr(err, "operation_name", "") or ""
    cls, hint = _BY_CODE.get(code, (AwsError, ""))
    what = f" while {doing}" if doing else ""
    text = f"{operation} failed{what}: {code}: {message}"
    if hint:
        text += f" ({hint.format(op=operation)})"
    return cls(text, code=code, operation=operation)


def unreachable(err: Exception, operation: str, doing: str = "") -> AwsError:
    """The guide's error for a call that got no answer: botocore's connection errors and
    timeouts, raised once its standard-mode retries are spent.

    >>> from botocore.exceptions import EndpointConnectionError
    >>> e = unreachable(EndpointConnectionError(endpoint_url="https://iam.amazonaws.com/"), "CreateRole")
    >>> e.code, "run again" in str(e)
    ('EndpointConnectionError', True)
    """
    what = f" while {doing}" if doing else ""
    return AwsError(f"{operation} failed{what}: no answer from AWS after every retry ({err}). "
                    "Check the network, the endpoint and any proxy, then run again; apply is "
                    "safe to re-run and continues where it stopped.",
                    code=type(err).__name__, operation=operation)
