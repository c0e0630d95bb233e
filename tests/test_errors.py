"""Errors a user sees: one base class, AWS errors translated and chained, clear credentials."""

from __future__ import annotations

import os

import pytest
from botocore.exceptions import ClientError

from ecsrole_lib import (
    AccessDeniedError,
    AwsError,
    ConflictError,
    CredentialsError,
    EcsRoleError,
    PropagationError,
    QuotaError,
    RoleSpec,
    ValidationError,
    apply,
    audit,
    connect,
    teardown,
)
from ecsrole_lib.errors import translate


def client_error(code: str, message: str = "it went wrong", operation: str = "CreateRole"):
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def inject(session, operation: str, code: str, message: str = "injected by the test"):
    """Make every ``operation`` call on ``session`` fail with AWS error ``code``."""
    def fail(**_):
        http = type("Http", (), {"status_code": 400, "headers": {}})()
        return http, {"Error": {"Code": code, "Message": message},
                      "ResponseMetadata": {"HTTPStatusCode": 400}}
    session.events.register(f"before-call.{operation}", fail)


# ---------------------------------------------------------------------------------------
# The classes.
# ---------------------------------------------------------------------------------------
def test_every_error_is_an_ecsrole_error():
    for cls in (ValidationError, ConflictError, AwsError, AccessDeniedError, CredentialsError,
                QuotaError, PropagationError):
        assert issubclass(cls, EcsRoleError), cls
    assert issubclass(ValidationError, ValueError)


def test_connect_rejects_an_unknown_target():
    with pytest.raises(ValidationError) as caught:
        connect("moon")
    assert "target" in str(caught.value) and "moon" in str(caught.value)


# ---------------------------------------------------------------------------------------
# ClientError translation.
# ---------------------------------------------------------------------------------------
def test_unknown_code_keeps_the_code_and_the_words():
    error = translate(client_error("BrandNewThrottle", "slow down, new style"))
    assert type(error) is AwsError
    assert error.code == "BrandNewThrottle"
    assert error.operation == "CreateRole"
    assert "BrandNewThrottle" in str(error) and "slow down, new style" in str(error)


@pytest.mark.parametrize("code, cls", [
    ("AccessDenied", AccessDeniedError),
    ("AccessDeniedException", AccessDeniedError),
    ("InvalidClientTokenId", CredentialsError),
    ("ExpiredToken", CredentialsError),
    ("LimitExceeded", QuotaError),
])
def test_known_codes_get_their_class(code, cls):
    error = translate(client_error(code))
    assert isinstance(error, cls) and error.code == code


def test_unknown_code_through_apply_is_raised_from_the_original(session, iam):
    inject(session, "iam.CreateRole", "SomethingAwsInventedToday")
    with pytest.raises(AwsError) as caught:
        apply(RoleSpec(), session)
    error = caught.value
    assert error.code == "SomethingAwsInventedToday"
    assert isinstance(error.__cause__, ClientError)
    assert error.__cause__.response["Error"]["Code"] == "SomethingAwsInventedToday"
    assert iam.list_roles()["Roles"] == []


def test_access_denied_through_apply(session):
    inject(session, "sts.GetCallerIdentity", "AccessDenied", "not allowed")
    with pytest.raises(AccessDeniedError) as caught:
        apply(RoleSpec(), session)
    assert caught.value.code == "AccessDenied"
    assert isinstance(caught.value.__cause__, ClientError)
    assert "GetCallerIdentity" in str(caught.value)


@pytest.mark.parametrize("run", [audit, teardown], ids=["audit", "teardown"])
def test_audit_and_teardown_translate_too(run, session):
    inject(session, "iam.GetRole", "AccessDenied")
    with pytest.raises(AccessDeniedError) as caught:
        run(RoleSpec(), session)
    assert isinstance(caught.value.__cause__, ClientError)


def test_a_bare_client_error_never_escapes(session):
    inject(session, "iam.AttachRolePolicy", "InternalFailure")
    with pytest.raises(EcsRoleError) as caught:
        apply(RoleSpec(), session)
    assert caught.value.code == "InternalFailure"


# ---------------------------------------------------------------------------------------
# Credentials.
# ---------------------------------------------------------------------------------------
@pytest.fixture
def no_credentials(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    (tmp_path / "credentials").write_text("")
    (tmp_path / "config").write_text("")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))


@pytest.mark.parametrize("region", [None, "us-east-1"])
def test_connect_aws_without_credentials(no_credentials, region):
    with pytest.raises(CredentialsError) as caught:
        connect("aws", region)
    message = str(caught.value)
    assert "\n" not in message.strip()  # one clear message
    assert "credentials" in message.lower()
    assert "AWS_PROFILE" in message or "aws configure" in message  # how to fix it
    assert "sandbox" in message  # and the way to try without an account


def test_credentials_never_appear_in_reports_or_errors(endpoint, monkeypatch, share_models):
    key, secret = "AKIAEXAMPLEKEY123456", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYsecretKEY"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_SECURITY_TOKEN", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    session = share_models(connect("aws", "us-east-1"))
    texts = []
    for run in (apply, audit, teardown):
        report = run(RoleSpec(), session)
        texts += [str(report), report._repr_html_(), repr(report)]
    inject(session, "iam.GetRole", "AccessDenied")
    with pytest.raises(AccessDeniedError) as caught:
        apply(RoleSpec(), session)
    texts.append(str(caught.value))
    for text in texts:
        assert key not in text and secret not in text


# ---------------------------------------------------------------------------------------
# IAM's eventual consistency: a short, bounded retry.
# ---------------------------------------------------------------------------------------
def fail_first(session, operation: str, code: str, times: int) -> list[int]:
    """The first ``times`` calls of ``operation`` fail with ``code``; the rest go through."""
    seen = [0]

    def maybe_fail(**_):
        seen[0] += 1
        if seen[0] <= times:
            http = type("Http", (), {"status_code": 400, "headers": {}})()
            return http, {"Error": {"Code": code, "Message": "not yet"},
                          "ResponseMetadata": {"HTTPStatusCode": 400}}
        return None
    session.events.register(f"before-call.{operation}", maybe_fail)
    return seen


@pytest.mark.parametrize("code", ["NoSuchEntity", "ConcurrentModification"])
def test_eventual_consistency_right_after_a_create_is_retried(code, session, iam):
    seen = fail_first(session, "iam.AddRoleToInstanceProfile", code, times=2)
    report = apply(RoleSpec(), session)
    assert seen[0] == 3
    assert report["add_role_to_instance_profile"].outcome == "created"
    profile = iam.get_instance_profile(InstanceProfileName="ecsInstanceRole-profile")
    assert [r["RoleName"] for r in profile["InstanceProfile"]["Roles"]] == ["ecsInstanceRole"]


def test_eventual_consistency_retry_is_bounded(session):
    seen = fail_first(session, "iam.AttachRolePolicy", "NoSuchEntity", times=10_000)
    with pytest.raises(PropagationError) as caught:
        apply(RoleSpec(), session, propagation_timeout=1.0)
    assert 1 < seen[0] < 20
    assert caught.value.code == "NoSuchEntity"
    assert isinstance(caught.value.__cause__, ClientError)
    # Running again is the advice: the rest is already there and apply continues.
    assert "again" in str(caught.value)
