"""``python -m ecsrole_lib``: a full ``ec2`` setup with all three features on the sandbox."""

from __future__ import annotations

from . import RoleSpec, apply, audit, sandbox


def main() -> None:
    spec = RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs"],
                    config_bucket="ecsrole-guide-config-sandbox")
    with sandbox(spec.region) as session:
        print(apply(spec, session), end="\n\n")
        print(audit(spec, session).summary())


if __name__ == "__main__":
    main()
