"""The Amazon EC2 user data that copies ``ecs.config`` into place at launch.

``ecs.config`` itself is composed from every feature's lines
(:func:`ecsrole_lib.features.ecs_config`).

>>> from ecsrole_lib import RoleSpec
>>> spec = RoleSpec(features=["s3_config"], config_bucket="my-ecs-config", cluster_name="prod")
>>> print(user_data(spec))
#!/bin/bash
# Installs the AWS CLI, then copies the container agent's configuration from the private bucket.
yum install -y aws-cli
aws s3 cp 's3://my-ecs-config/ecs.config' /etc/ecs/ecs.config
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .spec import RoleSpec

__all__ = ["user_data", "user_data_parts"]


def user_data(spec: RoleSpec) -> str:
    """EC2 user data that installs the AWS CLI and copies ``ecs.config`` into place."""
    # Without the s3_config feature there is no bucket yet: the placeholder says so.
    return "".join(user_data_parts(spec, spec.config_bucket or "<config_bucket>"))


def user_data_parts(spec: RoleSpec, bucket: Any) -> tuple[Any, ...]:
    """The user data as parts, with ``bucket`` as given (a name, or a script's variable).

    The object's URL is one single-quoted shell word, whatever the key holds.
    """
    key = spec.config_key.replace("'", "'\"'\"'")
    head = ("#!/bin/bash\n"
            "# Installs the AWS CLI, then copies the container agent's configuration from the "
            "private bucket.\n"
            "yum install -y aws-cli\n"
            "aws s3 cp 's3://")
    return (head, bucket, f"/{key}' /etc/ecs/ecs.config")
