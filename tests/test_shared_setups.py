"""Issue 17, item 7: two guide setups in one account share the page's fixed names.

The CloudWatch Logs policy has one name for every setup (``cwlogspolicy``), and two
setups may name the same config bucket. A change that would alter what another
setup (or anything else) holds is refused before any write, naming both; what
another setup still uses is kept by teardown. State is read back with boto3 from
the moto server.
"""

from __future__ import annotations

import json
import shlex
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecsrole_lib import ConflictError, RoleSpec, apply, audit, teardown
from ecsrole_lib.render.cloudformation import cloudformation_follow_up
from ecsrole_lib.steps import object_tagging, used_by

BUCKET = "ecsrole-shared-config"
A = RoleSpec(role_name="setupA", features=["ecr", "s3_config", "cloudwatch_logs"],
             config_bucket=BUCKET)
B = A.replace(role_name="setupB", least_privilege=True)
EC2_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


def _refused(session, spec, record_calls, state) -> ConflictError:
    before = state(session)
    calls = record_calls(session)
    with pytest.raises(ConflictError) as caught:
        apply(spec, session)
    assert calls.writes() == [], "a write was made before the conflict was raised"
    assert state(session) == before
    return caught.value


def _findings(spec, session) -> list[str]:
    return [f"{r.step}: {r.outcome} ({r.reason})" for r in audit(spec, session).findings]


def _held_by_hand(session) -> RoleSpec:
    """A role made by hand holds the guide's logs policy; setup A now wants least privilege."""
    iam = session.client("iam")
    account = session.client("sts").get_caller_identity()["Account"]
    iam.create_role(RoleName="madeByHand", AssumeRolePolicyDocument=EC2_TRUST)
    iam.attach_role_policy(RoleName="madeByHand",
                           PolicyArn=f"arn:aws:iam::{account}:policy/cwlogspolicy")
    return A.replace(least_privilege=True)


@pytest.mark.parametrize("other", ["another guide setup", "a role made by hand"])
def test_a_change_to_the_shared_logs_policy_is_refused_before_any_write_naming_both(
        other, session, record_calls, state):
    apply(A, session)
    if other == "another guide setup":
        spec, holder, refused = B, "setupA", "setupB"
    else:
        spec, holder, refused = _held_by_hand(session), "madeByHand", "setupA"
    error = _refused(session, spec, record_calls, state)
    assert "log_policy_name" in error.fields
    text = str(error)
    assert "cwlogspolicy" in text and f"role(s) {holder}" in text and f"role {refused}" in text, text
    assert _findings(A, session) == []  # setup A holds what its spec says: no drift


def test_tearing_down_one_setup_keeps_the_ecs_config_and_bucket_another_setup_boots_from(session):
    second = B.replace(log_policy_name="cwlogspolicy-b")  # its own logs policy
    s3 = session.client("s3")
    apply(A, session)
    joined = apply(second, session)
    # Same ecs.config: not rewritten, the second setup is listed as a user of it.
    assert joined["upload_ecs_config"].outcome == "updated", str(joined)
    assert "setupB" in joined["upload_ecs_config"].reason
    assert apply(A, session).writes == 0 and apply(second, session).writes == 0
    body = s3.get_object(Bucket=BUCKET, Key="ecs.config")["Body"].read()

    report = teardown(second, session)
    for step in ("upload_ecs_config", "create_config_bucket"):
        assert report[step].outcome == "kept" and "setupA" in report[step].reason, str(report)
    assert s3.get_object(Bucket=BUCKET, Key="ecs.config")["Body"].read() == body
    assert _findings(A, session) == []
    assert apply(A, session).writes == 0

    # The last setup using them takes them with it.
    last = teardown(A, session)
    assert last["upload_ecs_config"].outcome == "removed", str(last)
    assert last["create_config_bucket"].outcome == "removed", str(last)
    assert BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_a_setup_that_would_rewrite_the_shared_ecs_config_is_refused_before_any_write(
        session, record_calls, state):
    apply(A, session)
    other = A.replace(role_name="setupC", cluster_name="another-cluster")
    error = _refused(session, other, record_calls, state)
    assert "config_key" in error.fields
    text = str(error)
    assert f"s3://{BUCKET}/ecs.config" in text and "setupA" in text and "setupC" in text, text
    body = session.client("s3").get_object(Bucket=BUCKET, Key="ecs.config")["Body"].read()
    assert b"ECS_CLUSTER=default" in body
    assert _findings(A, session) == []


ROLE_NAMES = st.from_regex(r"[A-Za-z0-9+=,.@_-]{1,64}", fullmatch=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(role=ROLE_NAMES)
def test_every_role_name_arrives_on_ecs_config_as_apply_and_the_follow_up_write_it(role, session,
                                                                                   tmp_path):
    """Any IAM role name: the tag apply puts, and the one the CloudFormation follow-up's shell
    builds, both read back as that role."""
    s3 = session.client("s3")
    if BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="by-apply", Body=b"x", Tagging=object_tagging(role))
    (command,) = [line.strip() for line in cloudformation_follow_up(
        RoleSpec(role_name=role, features=["s3_config"], config_bucket=BUCKET)).splitlines()
        if line.strip().startswith("USED_BY=")]
    script = tmp_path / "used-by.sh"
    script.write_text(f"ROLE_NAME={shlex.quote(role)}\n{command}\nprintf %s \"$USED_BY\"\n")
    encoded = subprocess.run(["bash", str(script)], check=True, capture_output=True,
                             text=True).stdout
    s3.put_object(Bucket=BUCKET, Key="by-follow-up", Body=b"x",
                  Tagging=f"created-by=ecsrole-guide&ecsrole-guide-used-by={encoded}")
    for key in ("by-apply", "by-follow-up"):
        tags = s3.get_object_tagging(Bucket=BUCKET, Key=key)["TagSet"]
        assert used_by(tags) == [role], (key, tags)
        assert "," not in "".join(t["Value"] for t in tags)  # no S3 tag may hold it
