"""Issue 17, items 8, 9 and 13: refused before the first write, or done right, where IAM's
quotas, IAM's name rules and an endpoint that is not AWS would otherwise stop apply
half-way.

State is read back with boto3 from a moto server on 127.0.0.1: the sandbox users get
(with its corrections), or, for item 13, moto as released in a process of its own.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from ecsrole_lib import RoleSpec, apply, connect

ALL_BLOCKED = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
               "RestrictPublicBuckets": True}


# --------------------------------------------------------------------------------------
# 13. An AWS-compatible endpoint that is not AWS: its new buckets are not private
# --------------------------------------------------------------------------------------
@pytest.fixture
def released_session(released_moto, monkeypatch, share_models):
    """``connect("aws")`` with ``AWS_ENDPOINT_URL`` at moto as released."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", released_moto)
    return share_models(connect("aws", "us-east-1"))


def test_a_full_apply_on_moto_as_released_blocks_public_access_itself(released_session,
                                                                      record_calls):
    s3 = released_session.client("s3")
    s3.create_bucket(Bucket="released-moto-probe")  # the endpoint as it is: no block at all
    with pytest.raises(ClientError) as caught:
        s3.get_public_access_block(Bucket="released-moto-probe")
    assert caught.value.response["Error"]["Code"] == "NoSuchPublicAccessBlockConfiguration"

    spec = RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs", "spot_draining"],
                    trunking=True, config_bucket="released-moto-config")
    calls = record_calls(released_session)
    report = apply(spec, released_session)
    row = next(r for r in report.rows if r.step == "create_config_bucket")
    assert row.outcome == "created"
    assert "the guide blocked all public access itself (one more write)" in row.reason
    assert "another writer" not in str(report)
    assert calls.writes().count("PutPublicAccessBlock") == 1
    block = s3.get_public_access_block(Bucket="released-moto-config")
    assert block["PublicAccessBlockConfiguration"] == ALL_BLOCKED

    mark = calls.mark()
    again = apply(spec, released_session)
    assert again.writes == 0 and calls.writes(mark) == []


def test_on_an_endpoint_whose_new_buckets_are_private_no_block_is_written(session, record_calls):
    """AWS's new buckets block public access (the sandbox does as AWS does): 0 writes for it."""
    calls = record_calls(session)
    report = apply(RoleSpec(features=["s3_config"], config_bucket="private-by-default"), session)
    assert "PutPublicAccessBlock" not in calls.writes()
    row = next(r for r in report.rows if r.step == "create_config_bucket")
    assert row.reason == "bucket created with its tags; it blocks all public access"
