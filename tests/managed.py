"""AWS managed policies as moto ships them (moto/iam/aws_managed_policies.py), read, never retyped."""

from __future__ import annotations

import json
from functools import cache
from typing import Any


@cache
def _all() -> dict[str, Any]:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    return json.loads(aws_managed_policies_data)


def managed_policy(name: str) -> dict[str, Any]:
    """The default version's document of the AWS managed policy ``name``."""
    return _all()[name]["Document"]


def managed_policy_version(name: str) -> str:
    """The default version id moto's copy holds, e.g. ``v10``."""
    return _all()[name]["DefaultVersionId"]
