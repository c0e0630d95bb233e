"""Reading AWS state back with plain boto3, shared by the fixtures and the fault harness."""

from __future__ import annotations

from typing import Any

import boto3


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


def _statement_meaning(statement: dict) -> str:
    import json

    def as_set(value):
        return sorted({value} if isinstance(value, str) else set(value))

    normal = {"Effect": statement["Effect"]}
    for key in ("Action", "NotAction"):
        if key in statement:
            normal[key] = [a.lower() for a in as_set(statement[key])]
    for key in ("Resource", "NotResource"):
        if key in statement:
            normal[key] = as_set(statement[key])
    if "Principal" in statement:
        normal["Principal"] = {k: as_set(v) for k, v in statement["Principal"].items()}
    if statement.get("Condition"):
        normal["Condition"] = {op: {k: as_set(v) for k, v in pairs.items()}
                               for op, pairs in statement["Condition"].items()}
    return json.dumps(normal, sort_keys=True)


def policy_meaning(document) -> list[str]:
    """A policy document reduced to its meaning: statement order, list order, Sid aside."""
    import json
    import urllib.parse

    if isinstance(document, str):
        document = json.loads(urllib.parse.unquote(document))
    statements = document["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    return sorted(_statement_meaning(s) for s in statements)


def read_state(session: boto3.Session, region: str = "us-east-1") -> dict:
    """Everything the guide can make, read back with plain boto3 (ids and dates left out)."""
    iam = session.client("iam")
    s3 = session.client("s3", region_name=region)
    ecs = session.client("ecs", region_name=region)
    roles = {}
    for role in iam.get_paginator("list_roles").paginate().build_full_result()["Roles"]:
        name = role["RoleName"]
        full = iam.get_role(RoleName=name)["Role"]
        roles[name] = {
            "path": full["Path"],
            "trust": policy_meaning(full["AssumeRolePolicyDocument"]),
            "tags": tags(iam.list_role_tags(RoleName=name)["Tags"]),
            "boundary": full.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn"),
            "description": full.get("Description"),
            "attached": sorted(p["PolicyArn"] for p in
                               iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]),
            "inline": {p: policy_meaning(iam.get_role_policy(RoleName=name, PolicyName=p)
                                         ["PolicyDocument"])
                       for p in iam.list_role_policies(RoleName=name)["PolicyNames"]},
            "trunking": sorted(s["value"] for s in ecs.list_account_settings(
                name="awsvpcTrunking", principalArn=full["Arn"])["settings"]),
        }
    profiles = {}
    for profile in iam.list_instance_profiles()["InstanceProfiles"]:
        name = profile["InstanceProfileName"]
        profiles[name] = {
            "path": profile["Path"],
            "roles": sorted(r["RoleName"] for r in profile["Roles"]),
            # moto's server has no ListInstanceProfileTags; GetInstanceProfile carries the tags.
            "tags": tags(iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]
                          .get("Tags")),
        }
    local = {}
    for policy in iam.list_policies(Scope="Local")["Policies"]:
        arn = policy["Arn"]
        version = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])
        local[arn] = {
            "document": policy_meaning(version["PolicyVersion"]["Document"]),
            "tags": tags(iam.list_policy_tags(PolicyArn=arn)["Tags"]),
        }
    buckets = {}
    for bucket in s3.list_buckets()["Buckets"]:
        name = bucket["Name"]
        location = s3.get_bucket_location(Bucket=name).get("LocationConstraint") or "us-east-1"
        buckets[name] = {**bucket_state(s3, name), "location": location}
    settings = sorted(s["value"] for s in ecs.list_account_settings(
        name="awsvpcTrunking")["settings"])
    return {"roles": roles, "instance_profiles": profiles, "local_policies": local,
            "buckets": buckets, "trunking_settings": settings}


EMPTY_STATE = {"roles": {}, "instance_profiles": {}, "local_policies": {}, "buckets": {},
               "trunking_settings": []}
