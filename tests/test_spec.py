"""RoleSpec: defaults as the documentation names things, and the bad-input table.

Every bad input raises ValidationError before any AWS call: the message names
the RoleSpec field by its Python name, and the sandbox holds nothing afterwards.
Expected names and limits come from procedure.md and IAM's/S3's published rules,
not from the library.
"""

from __future__ import annotations

import dataclasses
import urllib.request

import pytest

from ecsrole_lib import EcsRoleError, RoleSpec, SandboxSession, ValidationError, apply

# The page's typo ARNs (procedure.md, errata E3 and E5).
E3_AS_WRITTEN = "arn:aws::iam::aws:policy/AmazonS3ReadOnlyAccess"
E5_AS_WRITTEN = "arn:aws:iam:111122223333:aws:policy/cwlogspolicy"
S3_READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"


# ---------------------------------------------------------------------------------------
# Defaults: the documentation's names.
# ---------------------------------------------------------------------------------------
def test_ec2_defaults_are_the_pages_names():
    spec = RoleSpec()
    assert spec.instance_kind == "ec2"
    assert spec.role_name == "ecsInstanceRole"
    assert spec.instance_profile_name == "ecsInstanceRole-profile"  # CLI step 3
    assert spec.log_policy_name == "cwlogspolicy"                  # CloudWatch CLI step 2
    assert spec.config_key == "ecs.config"
    assert spec.cluster_name == "default"
    assert spec.path == "/"
    assert spec.region == "us-east-1"
    assert spec.features == () and spec.extra_policy_arns == () and spec.tags == {}
    assert spec.least_privilege is False and spec.trunking is False
    assert spec.permissions_boundary is None


def test_external_defaults_have_no_instance_profile():
    spec = RoleSpec(instance_kind="external")
    assert spec.role_name == "ecsAnywhereRole"
    assert spec.instance_profile_name is None


def test_profile_name_follows_a_chosen_role_name():
    assert RoleSpec(role_name="ecsTrunkingRole").instance_profile_name == "ecsTrunkingRole-profile"
    assert RoleSpec(role_name="r", instance_profile_name="p").instance_profile_name == "p"


def test_spec_is_frozen_and_takes_lists():
    spec = RoleSpec(features=["cloudwatch_logs", "ecr"],
                    extra_policy_arns=[S3_READ_ONLY, S3_READ_ONLY])
    assert set(spec.features) == {"ecr", "cloudwatch_logs"}
    assert isinstance(spec.features, tuple)
    assert spec.extra_policy_arns == (S3_READ_ONLY,)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.role_name = "other"  # type: ignore[misc]


@pytest.mark.parametrize("kwargs", [
    pytest.param({"role_name": "r" * 64}, id="role_name_64_chars"),
    pytest.param({"instance_profile_name": "p" * 128}, id="profile_name_128_chars"),
    pytest.param({"extra_policy_arns": [f"arn:aws:iam::aws:policy/P{i}" for i in range(9)]},
                 id="ten_managed_policies_ec2"),
    pytest.param({"instance_kind": "external",
                  "extra_policy_arns": [f"arn:aws:iam::aws:policy/P{i}" for i in range(8)]},
                 id="ten_managed_policies_external"),
    pytest.param({"tags": {f"k{i}": "v" for i in range(49)}}, id="49_tags_plus_the_guides"),
    pytest.param({"tags": {"team name/x": "a b"}}, id="tag_key_with_space_and_slash"),
    pytest.param({"features": ["s3_config"], "config_bucket": "b" * 63}, id="bucket_63_chars"),
    pytest.param({"features": ["s3_config"], "config_bucket": "my.config-bucket.1"},
                 id="bucket_with_dots"),
    pytest.param({"path": "/ecs/instances/"}, id="nested_path"),
    pytest.param({"permissions_boundary": "arn:aws:iam::123456789012:policy/boundaries/Ecs"},
                 id="customer_boundary_with_path"),
    pytest.param({"extra_policy_arns": ["arn:aws-cn:iam::aws:policy/ReadOnlyAccess"],
                  "region": "cn-north-1"}, id="china_partition"),
])
def test_valid_edge_cases_are_accepted(kwargs):
    RoleSpec(**kwargs)


def test_every_problem_is_listed_with_its_field():
    with pytest.raises(ValidationError) as caught:
        RoleSpec(role_name="bad name!", path="nope", features=["s3_config", "gpu"],
                 region="Mars")
    fields = [p.field for p in caught.value.problems]
    for field in ("role_name", "path", "features", "config_bucket", "region"):
        assert field in fields, (field, str(caught.value))
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, EcsRoleError)


# ---------------------------------------------------------------------------------------
# The bad-input table.
# ---------------------------------------------------------------------------------------
def _extras(count: int) -> list[str]:
    return [f"arn:aws:iam::aws:policy/Extra{i}" for i in range(count)]


S3 = {"features": ["s3_config"]}

# (id, RoleSpec kwargs, field named in the message, more text the message must hold)
BAD_INPUTS = [
    ("role_name_65_chars", {"role_name": "r" * 65}, "role_name", ["r" * 65, "64"]),
    ("role_name_bad_chars", {"role_name": "ecs instance!"}, "role_name", ["ecs instance!"]),
    ("role_name_empty", {"role_name": ""}, "role_name", []),
    ("instance_profile_name_129_chars", {"instance_profile_name": "p" * 129},
     "instance_profile_name", ["128"]),
    ("instance_profile_name_slash", {"instance_profile_name": "ecs/profile"},
     "instance_profile_name", ["ecs/profile"]),
    ("instance_profile_name_with_external",
     {"instance_kind": "external", "instance_profile_name": "ecsAnywhereRole-profile"},
     "instance_profile_name", ["ecsAnywhereRole-profile"]),
    ("path_without_trailing_slash", {"path": "/ecs"}, "path", ["/ecs"]),
    ("path_without_leading_slash", {"path": "ecs/"}, "path", ["ecs/"]),
    ("description_1001_chars", {"description": "d" * 1001}, "description", ["1000"]),
    ("description_emoji", {"description": "container role \U0001F680"}, "description", []),
    ("tags_reserved_aws_prefix", {"tags": {"aws:team": "x"}}, "tags", ["aws:"]),
    ("tags_guides_own_key", {"tags": {"created-by": "me"}}, "tags", ["created-by"]),
    ("tags_value_257_chars", {"tags": {"team": "v" * 257}}, "tags", ["256"]),
    ("tags_empty_key", {"tags": {"": "v"}}, "tags", []),
    ("tags_50_plus_the_guides", {"tags": {f"k{i}": "v" for i in range(50)}}, "tags", ["50"]),
    ("tags_not_a_dict", {"tags": [("team", "x")]}, "tags", []),
    ("s3_config_without_bucket", S3, "config_bucket", ["s3_config"]),
    ("bucket_uppercase_underscore", {**S3, "config_bucket": "My_Config"}, "config_bucket",
     ["My_Config"]),
    ("bucket_2_chars", {**S3, "config_bucket": "ab"}, "config_bucket", ["ab"]),
    ("bucket_64_chars", {**S3, "config_bucket": "b" * 64}, "config_bucket", ["63"]),
    ("bucket_ip_address", {**S3, "config_bucket": "192.168.10.1"}, "config_bucket",
     ["192.168.10.1"]),
    ("bucket_adjacent_dots", {**S3, "config_bucket": "my..bucket"}, "config_bucket",
     ["my..bucket"]),
    ("bucket_leading_hyphen", {**S3, "config_bucket": "-config"}, "config_bucket", ["-config"]),
    ("bucket_reserved_prefix_xn", {**S3, "config_bucket": "xn--config"}, "config_bucket",
     ["xn--"]),
    ("bucket_reserved_suffix_s3alias", {**S3, "config_bucket": "config-s3alias"},
     "config_bucket", ["-s3alias"]),
    ("config_key_leading_slash", {**S3, "config_bucket": "ecs-config", "config_key": "/ecs.config"},
     "config_key", ["/ecs.config"]),
    ("config_key_empty", {**S3, "config_bucket": "ecs-config", "config_key": ""}, "config_key", []),
    ("s3_config_with_external", {"instance_kind": "external", **S3, "config_bucket": "ecs-config"},
     "features", ["s3_config"]),
    ("cluster_name_with_space", {"cluster_name": "my cluster"}, "cluster_name", ["my cluster"]),
    ("cluster_name_256_chars", {"cluster_name": "c" * 256}, "cluster_name", []),
    ("log_policy_name_bad_chars", {"features": ["cloudwatch_logs"], "log_policy_name": "cw logs/1"},
     "log_policy_name", ["cw logs/1"]),
    ("log_policy_name_129_chars", {"features": ["cloudwatch_logs"], "log_policy_name": "l" * 129},
     "log_policy_name", ["128"]),
    # E3: the extra ':' empties the service field.
    ("extra_arn_E3_typo", {"extra_policy_arns": [E3_AS_WRITTEN]}, "extra_policy_arns[0]",
     [E3_AS_WRITTEN, "service"]),
    # E5: the account sits in the region field, and a stray 'aws:' precedes 'policy/'.
    ("extra_arn_E5_typo_second", {"extra_policy_arns": [S3_READ_ONLY, E5_AS_WRITTEN]},
     "extra_policy_arns[1]", [E5_AS_WRITTEN, "region", "111122223333"]),
    ("permissions_boundary_E5_typo", {"permissions_boundary": E5_AS_WRITTEN},
     "permissions_boundary", [E5_AS_WRITTEN, "region"]),
    ("permissions_boundary_E3_typo", {"permissions_boundary": E3_AS_WRITTEN},
     "permissions_boundary", ["service"]),
    ("permissions_boundary_no_policy_name", {"permissions_boundary": "arn:aws:iam::aws:policy/"},
     "permissions_boundary", []),
    ("extra_arn_role_not_policy", {"extra_policy_arns": ["arn:aws:iam::aws:role/ecsInstanceRole"]},
     "extra_policy_arns[0]", ["role/ecsInstanceRole"]),
    ("extra_arn_short_account", {"extra_policy_arns": ["arn:aws:iam::12345:policy/P"]},
     "extra_policy_arns[0]", ["12345"]),
    ("extra_arn_unknown_partition", {"extra_policy_arns": ["arn:amazon:iam::aws:policy/P"]},
     "extra_policy_arns[0]", ["amazon"]),
    ("extra_arn_not_an_arn", {"extra_policy_arns": ["AmazonS3ReadOnlyAccess"]},
     "extra_policy_arns[0]", ["AmazonS3ReadOnlyAccess"]),
    ("extra_arn_s3_service", {"extra_policy_arns": ["arn:aws:s3:::ecs-config"]},
     "extra_policy_arns[0]", []),
    ("extra_policy_arns_a_string", {"extra_policy_arns": S3_READ_ONLY}, "extra_policy_arns", []),
    # IAM's default quota: 10 managed policies per role.
    ("too_many_managed_policies_ec2", {"extra_policy_arns": _extras(10)}, "extra_policy_arns",
     ["10"]),
    ("too_many_managed_policies_external",
     {"instance_kind": "external", "extra_policy_arns": _extras(9)}, "extra_policy_arns", ["10"]),
    ("too_many_managed_policies_all_features",
     {"features": ["s3_config", "cloudwatch_logs"], "config_bucket": "ecs-config",
      "extra_policy_arns": _extras(8)}, "extra_policy_arns", ["10"]),
    ("region_uppercase", {"region": "US-EAST-1"}, "region", ["US-EAST-1"]),
    ("region_unknown_partition", {"region": "zz-moon-1"}, "region", ["zz-moon-1"]),
    ("region_empty", {"region": ""}, "region", []),
    ("features_unknown", {"features": ["ecr", "gpu"]}, "features", ["gpu"]),
    ("features_a_string", {"features": "ecr"}, "features", []),
    ("instance_kind_unknown", {"instance_kind": "fargate"}, "instance_kind", ["fargate"]),
    ("trunking_with_external", {"instance_kind": "external", "trunking": True}, "trunking", []),
    ("trunking_not_a_bool", {"trunking": "yes"}, "trunking", ["yes"]),
    ("least_privilege_not_a_bool", {"least_privilege": "yes"}, "least_privilege", ["yes"]),
]


@pytest.fixture(scope="module")
def quiet_sandbox(moto_server):
    """One reset for the whole table: no case may write, so the sandbox stays empty."""
    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=60).close()
    return SandboxSession(moto_server, "us-east-1")


def test_table_has_at_least_25_cases():
    assert len(BAD_INPUTS) >= 25
    assert len({case[0] for case in BAD_INPUTS}) == len(BAD_INPUTS)


@pytest.mark.parametrize("kwargs, field, needles",
                         [pytest.param(k, f, n, id=i) for i, k, f, n in BAD_INPUTS])
def test_bad_input(kwargs, field, needles, quiet_sandbox, record_calls, state, empty_state):
    calls = record_calls(quiet_sandbox)
    with pytest.raises(ValidationError) as caught:
        apply(RoleSpec(**kwargs), quiet_sandbox)
    message = str(caught.value)
    assert field in message, message
    # The field itself, or one item of it (tags['aws:team'], extra_policy_arns[1]).
    assert any(f == field or f.startswith(field + "[") for f in caught.value.fields), \
        caught.value.fields
    for needle in needles:
        assert needle in message, (needle, message)
    assert calls.since() == [], "an API call was made before validation failed"
    assert state(quiet_sandbox) == empty_state
