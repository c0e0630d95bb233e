"""The CloudFormation rendering, by its old name: see :mod:`ecsrole_lib.render.cloudformation`."""

from .render.cloudformation import (
    RESOURCES,
    cloudformation_follow_up,
    export_cloudformation,
    follow_up_commands,
    follow_up_steps,
    rollout_commands,
)

__all__ = [
    "RESOURCES",
    "cloudformation_follow_up",
    "export_cloudformation",
    "follow_up_commands",
    "follow_up_steps",
    "rollout_commands",
]
