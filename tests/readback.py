"""Reading AWS state back with plain boto3, shared by the fixtures and the fault harness."""

from __future__ import annotations

from typing import Any


def tags(items: list[dict[str, str]] | None) -> dict[str, str]:
    """AWS's ``[{"Key": k, "Value": v}]`` as a dict."""
    return {t["Key"]: t["Value"] for t in items or []}


def bucket_state(s3, name: str) -> dict[str, Any]:
    """A bucket's tags, public access block, and objects (body and tags)."""
    try:
        bucket_tags = tags(s3.get_bucket_tagging(Bucket=name)["TagSet"])
    except s3.exceptions.ClientError:
        bucket_tags = {}
    try:
        block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    except s3.exceptions.ClientError:
        block = {}
    objects = {}
    for obj in s3.list_objects_v2(Bucket=name).get("Contents", []):
        key = obj["Key"]
        objects[key] = {
            "body": s3.get_object(Bucket=name, Key=key)["Body"].read().decode(),
            "tags": tags(s3.get_object_tagging(Bucket=name, Key=key)["TagSet"]),
        }
    return {"tags": bucket_tags, "public_access_block": block, "objects": objects}
