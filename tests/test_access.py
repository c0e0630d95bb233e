"""ecsrole_lib.diagnose.access against AWS's documented policy evaluation logic.

Each rule test is written from the IAM User Guide's words (quoted or paraphrased in its
docstring), not from the code; the examples are the guide's own (AllowGetList/DenyReports,
Carlos, Shirley). Then the guide's policies and AWS's managed policies action by action,
and properties over random policies.
"""

from __future__ import annotations

import ipaddress
import json
import random
import urllib.parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecsrole_lib import policies
from ecsrole_lib.diagnose.access import evaluate, trusts
from ecsrole_lib.errors import UnsupportedPolicyError
from tests.managed import managed_policy, managed_policy_version

ACCOUNT = "111122223333"
CLUSTER = f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/prod"
INSTANCE = f"arn:aws:ecs:us-east-1:{ACCOUNT}:container-instance/prod/0123456789abcdef"
TASK = f"arn:aws:ecs:us-east-1:{ACCOUNT}:task/prod/fedcba9876543210"


def doc(*statements, version="2012-10-17"):
    document = {"Statement": list(statements)}
    if version:
        document["Version"] = version
    return document


def allow(action="*", resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action="*", resource="*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def kind(policies_, action, resource="*", context=None, boundary=None):
    return evaluate(policies_, action, resource, context, boundary).kind


# ---------------------------------------------------------------------------------------
# Explicit deny, implicit deny, allow


def test_no_policy_at_all_is_an_implicit_deny():
    """'An IAM principal is denied access by default.'"""
    d = evaluate([], "ecs:Poll")
    assert (d.allowed, d.kind) == (False, "implicit_deny")


def test_an_applicable_allow_allows():
    assert evaluate([doc(allow("ecs:Poll"))], "ecs:Poll").allowed


def test_deny_trumps_allow_in_the_same_policy():
    """'If policies that apply to a request include an Allow statement and a Deny statement,
    the Deny statement trumps the Allow statement.'"""
    d = evaluate([doc(allow("ecs:*"), deny("ecs:Poll", Sid="NoPoll"))], "ecs:Poll")
    assert d.kind == "explicit_deny"
    assert "NoPoll" in d.why


def test_a_deny_in_another_policy_trumps_an_allow():
    assert kind([doc(allow("ecs:Poll")), doc(deny("ecs:Poll"))], "ecs:Poll") == "explicit_deny"


def test_a_deny_for_another_action_changes_nothing():
    assert kind([doc(allow("ecs:Poll"), deny("ecs:RunTask"))], "ecs:Poll") == "allow"


def test_explicit_vs_implicit_deny_example_of_the_iam_user_guide():
    """The example of 'The difference between explicit and implicit denies': AllowGetList
    grants iam:Get* and iam:List*, DenyReports denies iam:*Report; iam:CreatePolicy is
    implicitly denied; a report stays denied even if another policy allows it."""
    example = doc({"Sid": "AllowGetList", "Effect": "Allow", "Action": ["iam:Get*", "iam:List*"],
                   "Resource": "*"},
                  {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report",
                   "Resource": "*"})
    assert kind([example], "iam:GetUser") == "allow"
    assert kind([example], "iam:ListRoles") == "allow"
    assert kind([example], "iam:CreatePolicy") == "implicit_deny"
    assert kind([example], "iam:GetOrganizationsAccessReport") == "explicit_deny"
    other = doc(allow("iam:GenerateCredentialReport"))
    d = evaluate({"example": example, "reports": other}, "iam:GenerateCredentialReport")
    assert d.kind == "explicit_deny"
    assert d.statements == ("example, DenyReports",)


CARLOS = doc(
    {"Sid": "AllowS3ListRead", "Effect": "Allow",
     "Action": ["s3:GetBucketLocation", "s3:GetAccountPublicAccessBlock", "s3:ListAccessPoints",
                "s3:ListAllMyBuckets"], "Resource": "arn:aws:s3:::*"},
    {"Sid": "AllowS3Self", "Effect": "Allow", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/*",
                  "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar"]},
    {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"})


def test_carlos_example_deny_s3_logs():
    """'Example identity-based and resource-based policy evaluation': Carlos may not save
    to amzn-s3-demo-bucket-carlossalazar-logs: DenyS3Logs denies buckets named *log*."""
    d = evaluate({"carlos": CARLOS}, "s3:PutObject",
                 "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/file.txt")
    assert d.kind == "explicit_deny"
    assert d.statements == ("carlos, DenyS3Logs",)


def test_carlos_example_own_bucket_and_listing():
    own = "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar"
    assert evaluate([CARLOS], "s3:PutObject", own + "/file.txt").statements == (
        "policy #1, AllowS3Self",)
    assert kind([CARLOS], "s3:GetBucketLocation", "arn:aws:s3:::amzn-s3-demo-bucket") == "allow"
    assert kind([CARLOS], "s3:PutObject", "arn:aws:s3:::amzn-s3-demo-bucket/x") == "implicit_deny"


# ---------------------------------------------------------------------------------------
# Permissions boundaries

SHIRLEY_BOUNDARY = doc(allow(["s3:*", "cloudwatch:*", "ec2:*"]))


def test_shirley_boundary_blocks_what_it_omits():
    """'Permissions boundaries for IAM entities': with the S3/CloudWatch/EC2 boundary,
    Shirley cannot perform iam:CreateUser even though her policy allows it."""
    identity = doc(allow("iam:CreateUser", "*"))
    d = evaluate([identity], "iam:CreateUser", boundary=SHIRLEY_BOUNDARY)
    assert d.kind == "implicit_deny"
    assert "permissions boundary" in d.why


def test_boundary_and_identity_both_allow():
    assert kind([doc(allow("s3:*"))], "s3:ListBucket", boundary=SHIRLEY_BOUNDARY) == "allow"


def test_boundary_alone_grants_nothing():
    """Permissions boundaries: the boundary limits the entity's permissions but does not
    grant any on its own."""
    d = evaluate([], "s3:ListBucket", boundary=SHIRLEY_BOUNDARY)
    assert d.kind == "implicit_deny"
    assert "no statement allows" in d.why


def test_explicit_deny_in_the_boundary_denies():
    boundary = doc(allow("*"), deny("ecs:Poll", Sid="BoundaryDeny"))
    d = evaluate([doc(allow("ecs:*"))], "ecs:Poll", boundary=("edge", boundary))
    assert d.kind == "explicit_deny"
    assert d.statements == ("edge, BoundaryDeny",)


def test_boundary_resource_scope_intersects():
    boundary = doc(allow("ecs:*", "arn:aws:ecs:*:*:container-instance/prod/*"))
    assert kind([doc(allow("ecs:*"))], "ecs:Poll", INSTANCE, boundary=boundary) == "allow"
    other = INSTANCE.replace("/prod/", "/dev/")
    assert kind([doc(allow("ecs:*"))], "ecs:Poll", other, boundary=boundary) == "implicit_deny"


# ---------------------------------------------------------------------------------------
# Action and NotAction


def test_action_names_are_case_insensitive():
    """IAM JSON policy elements: Action: the prefix and the action name are case
    insensitive."""
    assert kind([doc(allow("ECS:poll"))], "ecs:POLL") == "allow"


def test_action_multi_character_wildcard():
    policy = [doc(allow("ecs:Submit*"))]
    assert kind(policy, "ecs:SubmitTaskStateChange") == "allow"
    assert kind(policy, "ecs:SubmitAttachmentStateChanges") == "allow"
    assert kind(policy, "ecs:Poll") == "implicit_deny"


def test_action_single_character_wildcard():
    policy = [doc(allow("ecs:P?ll"))]
    assert kind(policy, "ecs:Poll") == "allow"
    assert kind(policy, "ecs:Pll") == "implicit_deny"


def test_a_lone_star_matches_every_action_of_every_service():
    assert kind([doc(allow("*"))], "ec2:DescribeTags") == "allow"


def test_the_service_prefix_must_match():
    assert kind([doc(allow("ecs:*"))], "ecr:BatchGetImage") == "implicit_deny"


def test_action_list_is_ored():
    assert kind([doc(allow(["ecs:Poll", "ecr:BatchGetImage"]))], "ecr:BatchGetImage") == "allow"


def test_not_action_allow_allows_everything_else():
    """'NotAction ... matches everything except the specified list of actions.'"""
    policy = [doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})]
    assert kind(policy, "ecs:Poll") == "allow"
    assert kind(policy, "iam:CreateUser") == "implicit_deny"


def test_not_action_deny_denies_everything_else():
    policy = [doc(allow("*"), {"Effect": "Deny", "NotAction": "ecs:*", "Resource": "*"})]
    assert kind(policy, "s3:GetObject") == "explicit_deny"
    assert kind(policy, "ecs:Poll") == "allow"


# ---------------------------------------------------------------------------------------
# Resource and NotResource


def test_resource_arns_are_case_sensitive():
    """'In the Resource element, the IAM user name is case sensitive.'"""
    policy = [doc(allow("iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/Bob"))]
    assert kind(policy, "iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/Bob") == "allow"
    assert kind(policy, "iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/bob") == "implicit_deny"


def test_resource_wildcards_within_segments():
    policy = [doc(allow("ecs:ListTagsForResource", "arn:aws:ecs:*:*:task/*/*"))]
    assert kind(policy, "ecs:ListTagsForResource", TASK) == "allow"
    assert kind(policy, "ecs:ListTagsForResource", CLUSTER) == "implicit_deny"


def test_resource_single_character_wildcard():
    policy = [doc(allow("s3:GetObject", "arn:aws:s3:::bucket/file?.txt"))]
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::bucket/file1.txt") == "allow"
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::bucket/file12.txt") == "implicit_deny"


def test_a_star_that_ends_a_segment_matches_beyond_colons():
    """'If the * wildcard is the last character of a resource ARN segment, it can expand
    to match beyond the colon boundaries.'"""
    policy = [doc(allow("logs:PutLogEvents", f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/ecs/*"))]
    stream = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/ecs/app:log-stream:web/1"
    assert kind(policy, "logs:PutLogEvents", stream) == "allow"


def test_a_star_inside_a_segment_stays_inside_it():
    """Wildcards are used 'within the individual segments of an ARN': one not at the end of
    its segment does not span a colon."""
    policy = [doc(allow("logs:PutLogEvents", f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:*-app"))]
    assert kind(policy, "logs:PutLogEvents",
                f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:web-app") == "allow"
    assert kind(policy, "logs:PutLogEvents",
                f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:a:b-app") == "implicit_deny"


def test_a_question_mark_stays_inside_its_segment():
    policy = [doc(allow("s3:GetObject", "arn:aws:s3:::bucket/a?b"))]
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::bucket/a-b") == "allow"
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::bucket/a:b") == "implicit_deny"


def test_resource_list_is_ored():
    policy = [doc(allow("ecs:Poll", [CLUSTER, INSTANCE]))]
    assert kind(policy, "ecs:Poll", INSTANCE) == "allow"


def test_not_resource_allow_allows_every_other_resource():
    policy = [doc({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"})]
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::public/x") == "allow"
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::secret/x") == "implicit_deny"


def test_not_resource_deny():
    policy = [doc(allow("s3:*"), {"Effect": "Deny", "Action": "s3:*",
                                  "NotResource": "arn:aws:s3:::mine/*"})]
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::other/x") == "explicit_deny"
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::mine/x") == "allow"


def test_a_scoped_resource_does_not_cover_a_request_on_star():
    assert kind([doc(allow("ecs:Poll", CLUSTER))], "ecs:Poll", "*") == "implicit_deny"


# ---------------------------------------------------------------------------------------
# Conditions


def tag_on_create(effect="Allow", operator="StringEquals", values=("RegisterContainerInstance",)):
    return {"Effect": effect, "Action": "ecs:TagResource", "Resource": "*",
            "Condition": {operator: {"ecs:CreateAction": list(values)}}}


def test_an_unmet_condition_on_a_deny_is_not_a_deny():
    """A statement whose condition is false does not apply: a Deny with an unmet condition
    denies nothing (it is not an explicit deny)."""
    policy = [doc(allow("ecs:*"), tag_on_create("Deny"))]
    assert kind(policy, "ecs:TagResource", context={"ecs:CreateAction": "CreateCluster"}) == "allow"


def test_an_unmet_condition_on_an_allow_is_an_implicit_deny_and_says_so():
    d = evaluate([doc(tag_on_create())], "ecs:TagResource")
    assert d.kind == "implicit_deny"
    assert d.unmet == ("policy #1, statement #1: StringEquals ecs:CreateAction",)
    assert "condition is not met" in d.why


def test_string_equals_is_case_sensitive():
    policy = [doc(tag_on_create())]
    ctx = {"ecs:CreateAction": "registercontainerinstance"}
    assert kind(policy, "ecs:TagResource", context=ctx) == "implicit_deny"


def test_string_equals_ignore_case():
    policy = [doc(tag_on_create(operator="StringEqualsIgnoreCase"))]
    ctx = {"ecs:CreateAction": "registercontainerinstance"}
    assert kind(policy, "ecs:TagResource", context=ctx) == "allow"


def test_string_not_equals_ignore_case():
    policy = [doc(tag_on_create(operator="StringNotEqualsIgnoreCase"))]
    assert kind(policy, "ecs:TagResource",
                context={"ecs:CreateAction": "REGISTERCONTAINERINSTANCE"}) == "implicit_deny"
    assert kind(policy, "ecs:TagResource", context={"ecs:CreateAction": "RunTask"}) == "allow"


def test_multiple_values_of_a_key_are_ored():
    """'If a single condition operator includes multiple values for a context key, those
    values are evaluated using a logical OR.'"""
    policy = [doc(tag_on_create(values=("CreateCluster", "RegisterContainerInstance")))]
    assert kind(policy, "ecs:TagResource", context={"ecs:CreateAction": "CreateCluster"}) == "allow"


def test_negated_operator_with_several_values_needs_none_to_match():
    """For a negated operator the ORed values give NOR: StringNotEquals [a, b] holds only
    when the value is neither."""
    policy = [doc(tag_on_create(operator="StringNotEquals",
                                values=("CreateCluster", "RegisterContainerInstance")))]
    assert kind(policy, "ecs:TagResource", context={"ecs:CreateAction": "CreateCluster"}) == (
        "implicit_deny")
    assert kind(policy, "ecs:TagResource", context={"ecs:CreateAction": "RunTask"}) == "allow"


def test_a_missing_key_makes_a_positive_operator_false():
    """'If the key that you specify in a policy condition is not present in the request
    context, the values do not match and the condition is false.'"""
    assert kind([doc(tag_on_create())], "ecs:TagResource") == "implicit_deny"


def test_a_missing_key_makes_a_negated_operator_true():
    """'If the policy condition requires that the key is not matched, such as StringNotLike
    or ArnNotLike, and the right key is not present, the condition is true.'"""
    assert kind([doc(tag_on_create(operator="StringNotLike"))], "ecs:TagResource") == "allow"
    arn_not_like = allow("ecs:Poll", Condition={"ArnNotLike": {"ecs:cluster": "arn:aws:ecs:*:*:cluster/dev"}})
    assert kind([doc(arn_not_like)], "ecs:Poll") == "allow"


def test_multiple_keys_are_anded():
    """'If your policy statement has multiple context keys attached to a single condition
    operator, the context keys are evaluated using a logical AND.'"""
    policy = [doc(allow("ecs:TagResource", Condition={"StringEquals": {
        "ecs:CreateAction": "RegisterContainerInstance", "aws:RequestTag/team": "ecs"}}))]
    assert kind(policy, "ecs:TagResource", context={"ecs:CreateAction": "RegisterContainerInstance"}) == (
        "implicit_deny")
    assert kind(policy, "ecs:TagResource", context={"ecs:CreateAction": "RegisterContainerInstance",
                                                    "aws:RequestTag/team": "ecs"}) == "allow"


def test_multiple_operators_are_anded():
    policy = [doc(allow("ecs:Poll", Condition={
        "ArnEquals": {"ecs:cluster": CLUSTER}, "Bool": {"aws:SecureTransport": "true"}}))]
    assert kind(policy, "ecs:Poll", context={"ecs:cluster": CLUSTER}) == "implicit_deny"
    assert kind(policy, "ecs:Poll", context={"ecs:cluster": CLUSTER,
                                             "aws:SecureTransport": True}) == "allow"


def test_condition_key_names_are_case_insensitive():
    """'Condition key names are not case-sensitive.'"""
    policy = [doc(allow("ecs:TagResource", Condition={"StringEquals": {
        "ECS:createaction": "RegisterContainerInstance"}}))]
    assert kind(policy, "ecs:TagResource", context={"ecs:CreateAction": "RegisterContainerInstance"}) == (
        "allow")


def test_string_like_and_not_like_use_wildcards():
    like = [doc(allow("s3:GetObject", Condition={"StringLike": {"s3:prefix": ["home/*", "tmp/??"]}}))]
    assert kind(like, "s3:GetObject", context={"s3:prefix": "home/ana/x"}) == "allow"
    assert kind(like, "s3:GetObject", context={"s3:prefix": "tmp/ab"}) == "allow"
    assert kind(like, "s3:GetObject", context={"s3:prefix": "tmp/abc"}) == "implicit_deny"
    not_like = [doc(allow("s3:GetObject", Condition={"StringNotLike": {"s3:prefix": "home/*"}}))]
    assert kind(not_like, "s3:GetObject", context={"s3:prefix": "home/ana"}) == "implicit_deny"


def test_string_equals_treats_star_as_text():
    policy = [doc(allow("s3:GetObject", Condition={"StringEquals": {"s3:prefix": "home/*"}}))]
    assert kind(policy, "s3:GetObject", context={"s3:prefix": "home/ana"}) == "implicit_deny"
    assert kind(policy, "s3:GetObject", context={"s3:prefix": "home/*"}) == "allow"


def test_if_exists_is_true_when_the_key_is_missing():
    """'If the policy key is present in the context of the request, process the key as
    specified in the policy. If the key is not present, evaluate the condition element as
    true.'"""
    policy = [doc(tag_on_create(operator="StringEqualsIfExists"))]
    assert kind(policy, "ecs:TagResource") == "allow"
    assert kind(policy, "ecs:TagResource", context={"ecs:CreateAction": "RunTask"}) == "implicit_deny"


def test_null_tests_presence():
    """Condition operators, Null: true means the key is absent from the request, false that
    it is present."""
    absent = [doc(allow("ecs:TagResource", Condition={"Null": {"ecs:CreateAction": "true"}}))]
    present = [doc(allow("ecs:TagResource", Condition={"Null": {"ecs:CreateAction": "false"}}))]
    ctx = {"ecs:CreateAction": "RegisterContainerInstance"}
    assert kind(absent, "ecs:TagResource") == "allow"
    assert kind(absent, "ecs:TagResource", context=ctx) == "implicit_deny"
    assert kind(present, "ecs:TagResource", context=ctx) == "allow"
    assert kind(present, "ecs:TagResource") == "implicit_deny"


def test_bool_compares_true_and_false():
    policy = [doc(deny("s3:*", Condition={"Bool": {"aws:SecureTransport": False}})), doc(allow("s3:*"))]
    assert kind(policy, "s3:GetObject", context={"aws:SecureTransport": "false"}) == "explicit_deny"
    assert kind(policy, "s3:GetObject", context={"aws:SecureTransport": True}) == "allow"
    assert kind(policy, "s3:GetObject") == "allow"  # missing key: Bool is false, the deny does not apply


def test_arn_like_compares_each_of_the_six_parts():
    """'ArnLike: Each of the six colon-delimited components of the ARN is checked separately
    and each can include multi-character match wildcards (*) or single-character match
    wildcards (?).'"""
    policy = [doc(allow("ecs:Poll", Condition={"ArnLike": {"ecs:cluster": "arn:aws:ecs:*:*:cluster/pr?d"}}))]
    assert kind(policy, "ecs:Poll", context={"ecs:cluster": CLUSTER}) == "allow"
    dev = CLUSTER.replace("prod", "dev")
    assert kind(policy, "ecs:Poll", context={"ecs:cluster": dev}) == "implicit_deny"
    assert kind(policy, "ecs:Poll", context={"ecs:cluster": "prod"}) == "implicit_deny"


def test_arn_equals_and_arn_not_equals():
    equals = [doc(allow("ecs:Poll", Condition={"ArnEquals": {"ecs:cluster": CLUSTER}}))]
    assert kind(equals, "ecs:Poll", context={"ecs:cluster": CLUSTER}) == "allow"
    assert kind(equals, "ecs:Poll", context={"ecs:cluster": CLUSTER.upper()}) == "implicit_deny"
    not_equals = [doc(deny("ecs:Poll", Condition={"ArnNotEquals": {"ecs:cluster": CLUSTER}})),
                  doc(allow("ecs:Poll"))]
    assert kind(not_equals, "ecs:Poll", context={"ecs:cluster": CLUSTER}) == "allow"
    assert kind(not_equals, "ecs:Poll", context={"ecs:cluster": CLUSTER + "2"}) == "explicit_deny"


def test_for_all_values_is_true_for_a_missing_key():
    """'[ForAllValues] also returns true if there are no context keys in the request.'"""
    policy = [doc(allow("ecs:TagResource", Condition={"ForAllValues:StringEquals": {
        "aws:TagKeys": ["team", "created-by"]}}))]
    assert kind(policy, "ecs:TagResource") == "allow"


def test_for_all_values_needs_every_request_value_in_the_policy():
    policy = [doc(allow("ecs:TagResource", Condition={"ForAllValues:StringEquals": {
        "aws:TagKeys": ["team", "created-by"]}}))]
    assert kind(policy, "ecs:TagResource", context={"aws:TagKeys": ["team"]}) == "allow"
    assert kind(policy, "ecs:TagResource", context={"aws:TagKeys": ["team", "cost"]}) == (
        "implicit_deny")


def test_for_any_value_needs_one_match_and_is_false_when_missing():
    """Single-valued vs. multivalued context keys: ForAnyValue is true when at least one
    value of the request matches a value of the policy, and false when the key is missing."""
    policy = [doc(allow("ecs:TagResource", Condition={"ForAnyValue:StringLike": {
        "aws:TagKeys": "cost*"}}))]
    assert kind(policy, "ecs:TagResource", context={"aws:TagKeys": ["team", "cost-center"]}) == "allow"
    assert kind(policy, "ecs:TagResource", context={"aws:TagKeys": ["team"]}) == "implicit_deny"
    assert kind(policy, "ecs:TagResource") == "implicit_deny"


def test_for_all_values_deny_example_with_tag_prefixes():
    """'Example: Deny policy with condition set operator ForAllValues': tagging is denied when
    every requested key matches a denied prefix; true also without keys."""
    policy = [doc(allow("iam:Tag*"),
                  deny("iam:Tag*", Condition={"ForAllValues:StringLike": {
                      "aws:TagKeys": ["key1*", "key2*"]}}))]
    assert kind(policy, "iam:TagUser", context={"aws:TagKeys": ["key1-a", "key2-b"]}) == "explicit_deny"
    assert kind(policy, "iam:TagUser", context={"aws:TagKeys": ["key1-a", "other"]}) == "allow"


def test_for_any_value_with_a_negated_operator():
    policy = [doc(allow("ecs:TagResource", Condition={"ForAnyValue:StringNotEquals": {
        "aws:TagKeys": ["team", "created-by"]}}))]
    assert kind(policy, "ecs:TagResource", context={"aws:TagKeys": ["team", "cost"]}) == "allow"
    assert kind(policy, "ecs:TagResource", context={"aws:TagKeys": ["team"]}) == "implicit_deny"


def test_several_request_values_without_a_set_operator_are_not_guessed():
    policy = [doc(allow("ecs:TagResource", Condition={"StringEquals": {"aws:TagKeys": "team"}}))]
    with pytest.raises(UnsupportedPolicyError, match="ForAllValues"):
        evaluate(policy, "ecs:TagResource", context={"aws:TagKeys": ["team", "cost"]})
    # One value in a list is one value.
    assert kind(policy, "ecs:TagResource", context={"aws:TagKeys": ["team"]}) == "allow"


# IAM JSON policy elements: Condition operators
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html)


def when(operator, key, value, action="ecs:Poll", effect=allow):
    return [doc(effect(action, Condition={operator: {key: value}}))]


@pytest.mark.parametrize("operator,policy,request_value,expected", [
    ("NumericEquals", "10", "10", "allow"), ("NumericEquals", "10", "10.0", "allow"),
    ("NumericEquals", "10", "11", "implicit_deny"),
    ("NumericNotEquals", "10", "11", "allow"), ("NumericNotEquals", "10", "10", "implicit_deny"),
    ("NumericLessThan", "10", "9", "allow"), ("NumericLessThan", "10", "10", "implicit_deny"),
    ("NumericLessThanEquals", "10", "10", "allow"), ("NumericLessThanEquals", "10", "11", "implicit_deny"),
    ("NumericGreaterThan", "10", "10.5", "allow"), ("NumericGreaterThan", "10", "10", "implicit_deny"),
    ("NumericGreaterThanEquals", "-1.5", "-1.5", "allow"),
    ("NumericGreaterThanEquals", "-1.5", "-2", "implicit_deny"),
])
def test_numeric_operators_compare_the_key_to_the_policys_number(operator, policy, request_value,
                                                                   expected):
    """Numeric condition operators: comparing a key to an integer or decimal value; the
    page's example: NumericLessThanEquals s3:max-keys 10 lets a requester list up to 10."""
    assert kind(when(operator, "s3:max-keys", policy), "ecs:Poll",
                context={"s3:max-keys": request_value}) == expected


@pytest.mark.parametrize("operator,policy,request_value,expected", [
    ("DateGreaterThan", "2020-01-01T00:00:01Z", "2020-06-01T00:00:00Z", "allow"),
    ("DateGreaterThan", "2020-01-01T00:00:01Z", "2019-12-31T23:59:59Z", "implicit_deny"),
    ("DateLessThan", "2030-01-01", "2029-12-31T23:59:59Z", "allow"),  # a date is its midnight UTC
    ("DateLessThan", "2030-01-01", "2030-01-01T00:00:00Z", "implicit_deny"),
    ("DateLessThanEquals", "2030-01-01T00:00:00Z", "2030-01-01", "allow"),
    ("DateEquals", "2020-01-01T01:00:00+01:00", "2020-01-01T00:00:00Z", "allow"),  # offsets count
    ("DateNotEquals", "2020-01-01T00:00:00Z", "2020-01-01T00:00:01Z", "allow"),
    ("DateGreaterThanEquals", "1577836800", "2020-01-01T00:00:00Z", "allow"),  # epoch = ISO
    ("DateGreaterThan", "2020-01-01T00:00:00Z", "1577836801", "allow"),
    ("DateGreaterThan", "2020-01-01T00:00:00.500Z", "2020-01-01T00:00:00.250Z", "implicit_deny"),
])
def test_date_operators_take_iso_8601_and_epoch_time(operator, policy, request_value, expected):
    """Date condition operators: "You must specify date/time values with one of the W3C
    implementations of the ISO 8601 date formats or in epoch (UNIX) time"; the page's
    example: DateGreaterThan aws:TokenIssueTime 2020-01-01T00:00:01Z."""
    assert kind(when(operator, "aws:TokenIssueTime", policy), "ecs:Poll",
                context={"aws:TokenIssueTime": request_value}) == expected


@pytest.mark.parametrize("operator,policy,address,expected", [
    ("IpAddress", "203.0.113.0/24", "203.0.113.255", "allow"),
    ("IpAddress", "203.0.113.0/24", "203.0.114.0", "implicit_deny"),
    ("IpAddress", "203.0.113.7", "203.0.113.7", "allow"),  # no prefix: /32
    ("IpAddress", "203.0.113.7", "203.0.113.8", "implicit_deny"),
    ("IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:5678:ffff::1", "allow"),
    ("IpAddress", "2001:DB8:1234:5678::/64", "2001:db8:1234:5679::1", "implicit_deny"),
    ("IpAddress", ["203.0.113.0/24", "2001:DB8:1234:5678::/64"], "2001:db8:1234:5678::1", "allow"),
    ("IpAddress", "203.0.113.0/24", "2001:db8::1", "implicit_deny"),  # IPv6 is in no IPv4 block
    ("NotIpAddress", "203.0.113.0/24", "198.51.100.1", "allow"),
    ("NotIpAddress", "203.0.113.0/24", "203.0.113.1", "implicit_deny"),
])
def test_ip_address_operators_use_cidr_blocks(operator, policy, address, expected):
    """IP address condition operators: "standard CIDR format (for example, 203.0.113.0/24 or
    2001:DB8:1234:5678::/64). If you specify an IP address without the associated routing
    prefix, IAM uses the default prefix value of /32"; the page mixes IPv4 and IPv6."""
    assert kind(when(operator, "aws:SourceIp", policy), "ecs:Poll",
                context={"aws:SourceIp": address}) == expected


def test_binary_equals_compares_bytes_with_base_64():
    """Binary condition operators: BinaryEquals "compares the value of the specified key byte
    for byte against a base-64 encoded representation of the binary value in the policy"."""
    policy = when("BinaryEquals", "aws:SomeBinary", "QmluYXJ5VmFsdWVJbkJhc2U2NA==")
    assert kind(policy, "ecs:Poll", context={"aws:SomeBinary": b"BinaryValueInBase64"}) == "allow"
    assert kind(policy, "ecs:Poll", context={"aws:SomeBinary": b"BinaryValue"}) == "implicit_deny"
    assert kind(policy, "ecs:Poll",
                context={"aws:SomeBinary": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}) == "allow"


@pytest.mark.parametrize("operator,value", [
    ("NumericLessThan", "10"), ("DateGreaterThan", "2020-01-01T00:00:00Z"),
    ("IpAddress", "10.0.0.0/8"), ("BinaryEquals", "AA=="),
])
def test_a_missing_key_does_not_match_and_if_exists_makes_it_true(operator, value):
    """"If the key that you specify in a policy condition is not present in the request
    context, the values do not match"; ...IfExists: "If the key is not present, evaluate
    the condition element as true"."""
    assert kind(when(operator, "aws:K", value), "ecs:Poll") == "implicit_deny"
    assert kind(when(operator + "IfExists", "aws:K", value), "ecs:Poll") == "allow"


def test_negated_numeric_date_and_ip_operators_are_true_for_a_missing_key():
    for operator, value in [("NumericNotEquals", "1"), ("DateNotEquals", "2020-01-01"),
                            ("NotIpAddress", "10.0.0.0/8")]:
        assert kind(when(operator, "aws:K", value), "ecs:Poll") == "allow", operator


def test_set_operators_work_with_numeric_date_and_ip_operators():
    """Single-valued vs. multivalued context keys: ForAnyValue, at least one request value
    matches; ForAllValues, every one does."""
    nets = {"aws:K": ["10.0.0.1", "192.168.0.1"]}
    assert kind(when("ForAnyValue:IpAddress", "aws:K", "10.0.0.0/8"), "ecs:Poll", context=nets) == "allow"
    assert kind(when("ForAllValues:IpAddress", "aws:K", "10.0.0.0/8"), "ecs:Poll",
                context=nets) == "implicit_deny"
    numbers = {"aws:K": ["1", "2"]}
    assert kind(when("ForAllValues:NumericLessThan", "aws:K", "3"), "ecs:Poll",
                context=numbers) == "allow"


@pytest.mark.parametrize("operator,policy,request_value", [
    ("NumericEquals", "ten", "10"), ("NumericEquals", "10", "ten"),
    ("DateLessThan", "next year", "2020-01-01"), ("IpAddress", "10.0.0.0/33", "10.0.0.1"),
    ("IpAddress", "10.0.0.0/8", "not-an-address"), ("BinaryEquals", "not base64!", "x"),
    # Policy variables cannot be used with these operators: ${...} is no number.
    ("NumericEquals", "${aws:K2}", "1"),
])
def test_a_value_an_operator_cannot_read_is_undecided_and_says_which(operator, policy,
                                                                     request_value):
    with pytest.raises(UnsupportedPolicyError, match="integer or decimal|neither an ISO 8601|"
                                                     "CIDR block|not an IP address|base-64"):
        evaluate(when(operator, "aws:K", policy), "ecs:Poll",
                 context={"aws:K": request_value, "aws:K2": "1"})


def test_an_unsupported_operator_is_irrelevant_when_the_action_does_not_match():
    policy = [doc(allow("ecs:Poll"), deny("s3:*", Condition={"DateLessThan": {"aws:CurrentTime": "2030-01-01"}}))]
    assert kind(policy, "ecs:Poll") == "allow"


def test_an_unsupported_operator_is_irrelevant_when_another_condition_fails():
    policy = [doc(allow("ecs:Poll"), deny("ecs:Poll", Condition={
        "DateLessThan": {"aws:CurrentTime": "2030-01-01"},
        "StringEquals": {"ecs:cluster": "never"}}))]
    assert kind(policy, "ecs:Poll", context={"ecs:cluster": CLUSTER}) == "allow"


def test_an_applicable_deny_decides_even_beside_an_undecidable_allow():
    policy = [doc(allow("ecs:Poll", Condition={"NumericLessThan": {"aws:X": "1"}}), deny("ecs:Poll"))]
    assert kind(policy, "ecs:Poll") == "explicit_deny"


def test_an_undecidable_deny_blocks_an_allow():
    policy = [doc(allow("ecs:Poll"), deny("ecs:Poll", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))]
    with pytest.raises(UnsupportedPolicyError, match="IpAddress"):
        evaluate(policy, "ecs:Poll", unknown=["aws:SourceIp"])


def test_a_key_the_request_carries_but_the_caller_cannot_know_is_named():
    """What the guide cannot know it does not guess: aws:SourceIp "is always present in the
    request context, except when the requester uses a VPC endpoint" (IP address condition
    operators), so a condition on it depends on it; the error names the key."""
    policy = [doc(allow("ecs:Poll", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))]
    with pytest.raises(UnsupportedPolicyError, match="depends on aws:SourceIp") as err:
        evaluate(policy, "ecs:Poll", unknown=["aws:SourceIp"])
    assert err.value.depends_on == ("aws:SourceIp",)
    # A prefix stands for every key under it; a known value wins over "unknown".
    tagged = [doc(allow("ecs:Poll", Condition={"StringEquals": {"aws:ResourceTag/team": "a"}}))]
    with pytest.raises(UnsupportedPolicyError) as err:
        evaluate(tagged, "ecs:Poll", unknown=["aws:ResourceTag/*"])
    assert err.value.depends_on == ("aws:ResourceTag/team",)
    assert kind(tagged, "ecs:Poll", context={"aws:ResourceTag/team": "a"}) == "allow"
    # Decided without it when another condition already fails.
    both = [doc(allow("ecs:Poll", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                                             "StringEquals": {"ecs:cluster": "x"}}))]
    assert evaluate(both, "ecs:Poll", unknown=["aws:SourceIp"]).kind == "implicit_deny"


# ---------------------------------------------------------------------------------------
# Versions and policy variables


# IAM policy elements: Variables and tags
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html)


def test_a_policy_variable_in_a_resource_is_the_requests_value():
    """"When this policy is evaluated, IAM replaces the variable ${aws:username} with the
    friendly name of the actual current user"; the page's home-directory example."""
    policy = [doc(allow("s3:GetObject", "arn:aws:s3:::mybucket/${aws:username}/*"))]
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::mybucket/David/notes",
                context={"aws:username": "David"}) == "allow"
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::mybucket/Adele/notes",
                context={"aws:username": "David"}) == "implicit_deny"
    # Key names are case-insensitive, in a variable too.
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::mybucket/David/x",
                context={"AWS:UserName": "David"}) == "allow"


def test_a_tag_as_a_policy_variable():
    """"the following Resource element refers to only a bucket that is named the same as the
    value in the requesting user's department tag": ${aws:PrincipalTag/department}."""
    policy = [doc(allow("s3:ListBucket", "arn:aws:s3:::${aws:PrincipalTag/department}"))]
    assert kind(policy, "s3:ListBucket", "arn:aws:s3:::hr",
                context={"aws:PrincipalTag/department": "hr"}) == "allow"
    assert kind(policy, "s3:ListBucket", "arn:aws:s3:::it",
                context={"aws:PrincipalTag/department": "hr"}) == "implicit_deny"


def test_a_policy_variable_in_a_condition_value():
    """"You can use a policy variable for Condition values in any condition that involves
    the string operators or the ARN operators"; the page's s3:prefix example."""
    policy = [doc(allow("s3:ListBucket", Condition={"StringLike": {"s3:prefix": "home/${aws:username}/*"}}))]
    assert kind(policy, "s3:ListBucket", context={"s3:prefix": "home/ana/x",
                                                  "aws:username": "ana"}) == "allow"
    assert kind(policy, "s3:ListBucket", context={"s3:prefix": "home/bob/x",
                                                  "aws:username": "ana"}) == "implicit_deny"
    arns = [doc(allow("ecs:Poll", Condition={"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:${aws:PrincipalAccount}:*"}}))]
    assert kind(arns, "ecs:Poll", context={"aws:SourceArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:t",
                                           "aws:PrincipalAccount": ACCOUNT}) == "allow"


def test_a_variable_without_a_value_makes_the_statement_invalid():
    """"not present means that the value is not in the current request information, and any
    attempt to match it fails and causes the statement to be invalid": an Allow gives
    nothing, a Deny denies nothing (the statement does not apply)."""
    allowed = [doc(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"))]
    decision = evaluate(allowed, "s3:GetObject", "arn:aws:s3:::home/ana/x")
    assert decision.kind == "implicit_deny" and "${aws:username} has no value" in decision.why
    denied = [doc(allow("s3:GetObject"), deny("s3:GetObject", Condition={
        "StringNotEquals": {"s3:prefix": "${aws:username}"}}))]
    assert kind(denied, "s3:GetObject") == "allow"


def test_a_default_value_stands_in_for_a_missing_key():
    """Specifying default values: "surround the default value with single quotes (' '), and
    separate the variable text and the default value with a comma and space"."""
    policy = [doc(allow("s3:GetObject", "arn:aws:s3:::bucket/${aws:userid, 'anonymous'}"))]
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::bucket/anonymous") == "allow"
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::bucket/AIDA1",
                context={"aws:userid": "AIDA1"}) == "allow"
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::bucket/anonymous",
                context={"aws:userid": "AIDA1"}) == "implicit_deny"


def test_a_resolved_value_is_text_not_a_wildcard():
    policy = [doc(allow("ecs:Poll", Condition={"StringLike": {"aws:K": "${aws:V}"}}))]
    assert kind(policy, "ecs:Poll", context={"aws:K": "a*", "aws:V": "a*"}) == "allow"
    assert kind(policy, "ecs:Poll", context={"aws:K": "abc", "aws:V": "a*"}) == "implicit_deny"


def test_a_variable_of_a_key_the_guide_cannot_know_is_undecided():
    policy = [doc(allow("s3:GetObject", "arn:aws:s3:::b/${aws:PrincipalTag/team}/*"))]
    with pytest.raises(UnsupportedPolicyError, match="depends on aws:PrincipalTag/team"):
        evaluate(policy, "s3:GetObject", "arn:aws:s3:::b/x/y", unknown=["aws:PrincipalTag/*"])


def test_under_2008_10_17_a_variable_is_plain_text():
    """IAM JSON policy elements: Version: under 2008-10-17 variables such as
    ${aws:username} are not recognized and are treated as literal strings."""
    policy = [doc(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"), version="2008-10-17")]
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::home/${aws:username}/x") == "allow"
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::home/ana/x") == "implicit_deny"


def test_without_version_the_policy_is_2008_10_17():
    """'If you do not include a Version element, the value defaults to 2008-10-17.'"""
    policy = [doc(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"), version=None)]
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::home/${aws:username}/x") == "allow"


def test_special_variables_stand_for_literal_characters():
    """Variables and tags, special characters: ${*}, ${?} and ${$} stand for a literal *,
    ? and $."""
    policy = [doc(allow("s3:GetObject", "arn:aws:s3:::bucket/a${*}b"))]
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::bucket/a*b") == "allow"
    assert kind(policy, "s3:GetObject", "arn:aws:s3:::bucket/axb") == "implicit_deny"


# ---------------------------------------------------------------------------------------
# Shapes: documents, statements, names


def test_a_single_statement_object_is_a_statement_list_of_one():
    single = {"Version": "2012-10-17", "Statement": allow("ecs:Poll")}
    assert kind([single], "ecs:Poll") == kind([doc(allow("ecs:Poll"))], "ecs:Poll") == "allow"


def test_action_and_resource_as_string_or_list():
    assert kind([doc(allow(["ecs:Poll"], [INSTANCE]))], "ecs:Poll", INSTANCE) == "allow"
    assert kind([doc(allow("ecs:Poll", INSTANCE))], "ecs:Poll", INSTANCE) == "allow"


def test_json_text_and_url_encoded_json_as_iam_returns_them():
    text = json.dumps(doc(allow("ecs:Poll")))
    assert kind([text], "ecs:Poll") == "allow"
    assert kind([urllib.parse.quote(text)], "ecs:Poll") == "allow"
    assert kind(text, "ecs:Poll") == "allow"  # one document on its own


def test_why_names_policy_and_sid_or_statement_number():
    named = {"ecs-agent": doc(allow("ecs:RunTask"), allow("ecs:Poll"))}
    assert evaluate(named, "ecs:Poll").statements == ("ecs-agent, statement #2",)
    pairs = [("first", doc(allow("s3:*"))), ("second", doc(allow("ecs:Poll", Sid="Agent")))]
    assert evaluate(pairs, "ecs:Poll").why == "allowed by second, Agent"
    assert evaluate([doc(allow("s3:*")), doc(allow("ecs:Poll"))], "ecs:Poll").statements == (
        "policy #2, statement #1",)


def test_decision_is_frozen_and_reads_well():
    d = evaluate([doc(allow("ecs:Poll"))], "ecs:Poll", INSTANCE)
    with pytest.raises(AttributeError):
        d.kind = "explicit_deny"
    assert str(d) == f"allow: ecs:Poll on {INSTANCE}: allowed by policy #1, statement #1"


ROLE_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/ecsInstanceRole/i-0123456789abcdef0"


def test_access_denied_messages_in_aws_words():
    """'Access denied error messages': the message names the principal, the action, the
    resource, and the policy type that denied (explicitly) or allowed nothing (implicitly)."""
    start = f"User: {ROLE_SESSION} is not authorized to perform: ecs:Poll on resource: {INSTANCE} "
    nothing = evaluate([], "ecs:Poll", INSTANCE)
    assert nothing.access_denied(ROLE_SESSION) == (
        start + "because no identity-based policy allows the ecs:Poll action")
    denied = evaluate([doc(allow("ecs:*"), deny("ecs:Poll"))], "ecs:Poll", INSTANCE)
    assert denied.access_denied(ROLE_SESSION) == start + "with an explicit deny in an identity-based policy"
    bounded = evaluate([doc(allow("ecs:*"))], "ecs:Poll", INSTANCE, boundary=SHIRLEY_BOUNDARY)
    assert bounded.access_denied(ROLE_SESSION) == (
        start + "because no permissions boundary allows the ecs:Poll action")
    boundary_deny = evaluate([doc(allow("ecs:*"))], "ecs:Poll", INSTANCE,
                             boundary=doc(allow("*"), deny("ecs:Poll")))
    assert boundary_deny.access_denied(ROLE_SESSION) == start + "with an explicit deny in a permissions boundary"
    assert evaluate([doc(allow("ecs:*"))], "ecs:Poll", INSTANCE).access_denied(ROLE_SESSION) is None


def test_a_document_without_statement_is_refused_not_read_as_names():
    with pytest.raises(UnsupportedPolicyError, match="no Statement"):
        evaluate({"Version": "2012-10-17"}, "ecs:Poll")


@pytest.mark.parametrize("statement, rule", [
    ({"Action": "ecs:Poll", "Resource": "*"}, "Effect"),
    ({"Effect": "allow", "Action": "ecs:Poll", "Resource": "*"}, "Effect"),
    ({"Effect": "Allow", "Resource": "*"}, "Action"),
    ({"Effect": "Allow", "Action": "ecs:Poll"}, "Resource"),
    ({"Effect": "Allow", "Action": "ecs:Poll", "Resource": "*", "Principal": "*"}, "Principal"),
    ({"Effect": "Allow", "Action": "Poll", "Resource": "*"}, "service:action"),
    ({"Effect": "Allow", "Action": "ecs:Poll", "Resource": "*",
      "Condition": {"StringEqualz": {"k": "v"}}}, "unknown condition operator"),
    ({"Effect": "Allow", "Action": "ecs:Poll", "Resource": "*",
      "Condition": {"NullIfExists": {"k": "true"}}}, "Null"),
    ({"Effect": "Allow", "Action": "ecs:Poll", "Resource": "*", "Actions": "x"}, "unknown element"),
])
def test_documents_iam_would_reject_raise(statement, rule):
    with pytest.raises(UnsupportedPolicyError, match=rule):
        evaluate([doc(statement)], "ecs:Poll")


def test_unknown_version_raises():
    with pytest.raises(UnsupportedPolicyError, match="Version"):
        evaluate([doc(allow(), version="2020-01-01")], "ecs:Poll")


# ---------------------------------------------------------------------------------------
# Trust policies


def test_the_ec2_trust_policy_trusts_ec2_only():
    trust = policies.trust_policy("ec2")
    assert trusts(trust, service="ec2.amazonaws.com").allowed
    d = trusts(trust, service="ecs.amazonaws.com")
    assert d.kind == "implicit_deny"
    assert str(d).startswith("implicit_deny: sts:AssumeRole by ecs.amazonaws.com")


def test_the_ssm_trust_policy_needs_its_confused_deputy_context():
    trust = policies.trust_policy("external", account=ACCOUNT, region="eu-west-1")
    good = {"aws:SourceAccount": ACCOUNT,
            "aws:SourceArn": f"arn:aws:ssm:eu-west-1:{ACCOUNT}:managed-instance/mi-0123"}
    assert trusts(trust, service="ssm.amazonaws.com", context=good).allowed
    other = dict(good, **{"aws:SourceAccount": "444455556666"})
    assert trusts(trust, service="ssm.amazonaws.com", context=other).kind == "implicit_deny"
    missing = trusts(trust, service="ssm.amazonaws.com")
    assert missing.kind == "implicit_deny"
    assert missing.unmet


def test_trust_action_must_match():
    trust = policies.trust_policy("ec2")
    assert trusts(trust, service="ec2.amazonaws.com", action="sts:TagSession").kind == "implicit_deny"


def test_trust_deny_wins_and_not_principal():
    trust = doc({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"},
                {"Effect": "Deny", "NotPrincipal": {"Service": "ec2.amazonaws.com"},
                 "Action": "sts:AssumeRole"})
    assert trusts(trust, service="ec2.amazonaws.com").allowed
    assert trusts(trust, service="ecs.amazonaws.com").kind == "explicit_deny"


def test_trust_aws_account_principal():
    trust = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                 "Action": "sts:AssumeRole"})
    assert trusts(trust, aws=f"arn:aws:iam::{ACCOUNT}:role/admin").allowed
    assert trusts(trust, aws="arn:aws:iam::444455556666:role/admin").kind == "implicit_deny"
    assert trusts(trust, service="ec2.amazonaws.com").kind == "implicit_deny"


def test_trust_aws_star_for_a_service_is_not_guessed():
    trust = doc({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"})
    with pytest.raises(UnsupportedPolicyError):
        trusts(trust, service="ec2.amazonaws.com")


def test_a_trust_policy_with_a_resource_raises():
    trust = doc({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*"})
    with pytest.raises(UnsupportedPolicyError, match="Resource"):
        trusts(trust, service="ec2.amazonaws.com")


# ---------------------------------------------------------------------------------------
# AmazonEC2ContainerServiceforEC2Role, action by action (moto's copy of AWS's document)

MANAGED = "AmazonEC2ContainerServiceforEC2Role"
STATEMENT_1 = ["ec2:DescribeTags", "ecs:CreateCluster", "ecs:DeregisterContainerInstance",
               "ecs:DiscoverPollEndpoint", "ecs:Poll", "ecs:RegisterContainerInstance",
               "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState",
               "ecs:SubmitTaskStateChange", "ecs:SubmitContainerStateChange",
               "ecs:SubmitAttachmentStateChanges", "ecr:GetAuthorizationToken",
               "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer",
               "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"]


@pytest.fixture(scope="module")
def managed():
    return {MANAGED: managed_policy(MANAGED)}


def test_moto_holds_the_current_version(managed):
    assert managed_policy_version(MANAGED) == "v10"


@pytest.mark.parametrize("action", STATEMENT_1)
@pytest.mark.parametrize("resource", ["*", INSTANCE, CLUSTER])
def test_managed_policy_allows_the_agent_actions_everywhere(managed, action, resource):
    d = evaluate(managed, action, resource)
    assert d.allowed, d
    assert d.statements == (f"{MANAGED}, statement #1",)


@pytest.mark.parametrize("create_action", ["CreateCluster", "RegisterContainerInstance"])
def test_managed_policy_tag_resource_on_creation(managed, create_action):
    assert evaluate(managed, "ecs:TagResource", INSTANCE,
                    {"ecs:CreateAction": create_action}).statements == (f"{MANAGED}, statement #2",)


@pytest.mark.parametrize("context", [None, {"ecs:CreateAction": "RunTask"},
                                     {"ecs:CreateAction": "registercontainerinstance"}])
def test_managed_policy_tag_resource_otherwise_denied(managed, context):
    d = evaluate(managed, "ecs:TagResource", INSTANCE, context)
    assert d.kind == "implicit_deny"
    assert d.unmet == (f"{MANAGED}, statement #2: StringEquals ecs:CreateAction",)


@pytest.mark.parametrize("resource, allowed", [
    (TASK, True), (INSTANCE, True), (CLUSTER, False),
    (f"arn:aws:ecs:us-east-1:{ACCOUNT}:service/prod/web", False),
    (f"arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/web:3", False),
    # The managed policy names the aws partition: a China Region task is not covered.
    (f"arn:aws-cn:ecs:cn-north-1:{ACCOUNT}:task/prod/fedcba9876543210", False),
])
def test_managed_policy_list_tags_only_on_tasks_and_container_instances(managed, resource, allowed):
    assert evaluate(managed, "ecs:ListTagsForResource", resource).allowed is allowed


@pytest.mark.parametrize("action", ["ecs:RunTask", "ecs:StartTask", "ecs:DeleteCluster",
                                    "logs:CreateLogGroup", "s3:GetObject", "iam:PassRole",
                                    "ecs:UntagResource"])
def test_managed_policy_grants_nothing_else(managed, action):
    assert evaluate(managed, action, "*").kind == "implicit_deny"


def test_ssm_managed_instance_core_gives_the_ssm_agent_its_heartbeat():
    core = {"AmazonSSMManagedInstanceCore": managed_policy("AmazonSSMManagedInstanceCore")}
    for action in ("ssm:UpdateInstanceInformation", "ec2messages:GetMessages",
                   "ssmmessages:CreateControlChannel"):
        assert evaluate(core, action).allowed
    assert evaluate(core, "ecs:Poll").kind == "implicit_deny"


# ---------------------------------------------------------------------------------------
# The guide's own policies (ecsrole_lib/policies.py)


def test_guide_ecr_policy():
    ecr = [policies.ecr_policy()]
    for action in policies.ECR_ACTIONS:
        assert evaluate(ecr, action, f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/web").allowed
    assert evaluate(ecr, "ecr:PutImage").kind == "implicit_deny"


def test_guide_logs_policy_broad_and_least_privilege():
    stream = f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/ecs/web:log-stream:web/1"
    broad = [policies.logs_policy()]
    narrow = [policies.logs_policy(least_privilege=True, region="eu-west-1", account=ACCOUNT)]
    for action in policies.LOGS_ACTIONS:
        assert evaluate(broad, action, stream).allowed
        assert evaluate(narrow, action, stream).allowed
    elsewhere = stream.replace(ACCOUNT, "444455556666")
    assert evaluate(broad, "logs:PutLogEvents", elsewhere).allowed
    assert evaluate(narrow, "logs:PutLogEvents", elsewhere).kind == "implicit_deny"


def test_scoped_logs_policy_narrows_nothing_beside_the_managed_policy(managed):
    """Permissions are the union of the attached policies: the managed policy grants
    logs:PutLogEvents on *, whatever the scoped policy says."""
    narrow = policies.logs_policy(least_privilege=True, region="eu-west-1", account=ACCOUNT)
    elsewhere = "arn:aws:logs:us-west-2:444455556666:log-group:x:log-stream:y"
    d = evaluate({**managed, "scoped-logs": narrow}, "logs:PutLogEvents", elsewhere)
    assert d.statements == (f"{MANAGED}, statement #1",)
    assert evaluate({**managed, "scoped-logs": narrow}, "logs:CreateLogGroup",
                    elsewhere.split(":log-stream")[0]).kind == "implicit_deny"


def test_guide_config_read_policy_reads_one_object():
    read = [policies.config_read_policy("aws", "my-ecs-config", "ecs.config")]
    assert evaluate(read, "s3:GetObject", "arn:aws:s3:::my-ecs-config/ecs.config").allowed
    assert evaluate(read, "s3:GetObject", "arn:aws:s3:::my-ecs-config/other").kind == "implicit_deny"
    assert evaluate(read, "s3:PutObject", "arn:aws:s3:::my-ecs-config/ecs.config").kind == (
        "implicit_deny")


def test_s3_read_only_access_reads_the_config():
    s3 = {"AmazonS3ReadOnlyAccess": managed_policy("AmazonS3ReadOnlyAccess")}
    assert evaluate(s3, "s3:GetObject", "arn:aws:s3:::my-ecs-config/ecs.config").allowed
    assert evaluate(s3, "s3:PutObject", "arn:aws:s3:::my-ecs-config/ecs.config").kind == (
        "implicit_deny")


# ---------------------------------------------------------------------------------------
# Properties

ACTIONS = ["ecs:Poll", "ecs:Submit*", "ecs:*", "*", "s3:GetObject", "ecs:P?ll", "ECS:poll",
           "ecs:TagResource", "s3:*"]
RESOURCES = ["*", "arn:aws:ecs:*:*:container-instance/*/*", INSTANCE, CLUSTER,
             "arn:aws:s3:::bucket/*", "arn:aws:ecs:us-east-1:*:cluster/pr?d"]
REQUESTS = [("ecs:Poll", INSTANCE), ("ecs:SubmitTaskStateChange", CLUSTER),
            ("s3:GetObject", "arn:aws:s3:::bucket/k"), ("ecs:TagResource", INSTANCE),
            ("ecs:Poll", "*")]
CONTEXTS = [{}, {"ecs:CreateAction": "RegisterContainerInstance"}, {"ecs:cluster": CLUSTER},
            {"aws:TagKeys": ["team", "cost"]}]


@st.composite
def statements(draw, effect=None):
    statement = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    statement["NotAction" if draw(st.booleans()) and draw(st.booleans()) else "Action"] = draw(
        st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3))
    statement["NotResource" if draw(st.integers(0, 5)) == 0 else "Resource"] = draw(
        st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2))
    condition = draw(st.sampled_from([
        None,
        {"StringEquals": {"ecs:CreateAction": ["RegisterContainerInstance", "CreateCluster"]}},
        {"StringNotEquals": {"ecs:CreateAction": "RunTask"}},
        {"ArnLike": {"ecs:cluster": "arn:aws:ecs:*:*:cluster/*"}},
        {"StringLikeIfExists": {"ecs:cluster": "*prod"}},
        {"Null": {"ecs:cluster": "true"}},
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost"]}},
        {"ForAnyValue:StringLike": {"aws:TagKeys": "co*"}},
    ]))
    if condition:
        statement["Condition"] = condition
    return statement


policy_sets = st.lists(st.lists(statements(), min_size=1, max_size=4), min_size=0, max_size=3)
requests = st.tuples(st.sampled_from(REQUESTS), st.sampled_from(CONTEXTS))


def as_docs(sets):
    return [doc(*s) for s in sets]


@settings(max_examples=300, deadline=None)
@given(policy_sets, requests)
def test_property_an_unconditional_deny_for_the_action_always_denies(sets, request_):
    (action, resource), context = request_
    before = kind(as_docs(sets), action, resource, context)
    after = kind(as_docs(sets) + [doc(deny(action, resource))], action, resource, context)
    assert after == "explicit_deny"
    assert not (before != "allow" and after == "allow")


@settings(max_examples=300, deadline=None)
@given(policy_sets, requests, statements(effect="Deny"))
def test_property_adding_any_deny_statement_never_turns_a_deny_into_an_allow(sets, request_, extra):
    (action, resource), context = request_
    before = evaluate(as_docs(sets), action, resource, context)
    after = evaluate(as_docs(sets) + [doc(extra)], action, resource, context)
    if not before.allowed:
        assert not after.allowed
    if before.kind == "explicit_deny":
        assert after.kind == "explicit_deny"


@settings(max_examples=300, deadline=None)
@given(policy_sets, requests, st.randoms(use_true_random=False))
def test_property_order_of_statements_and_policies_never_matters(sets, request_, rnd: random.Random):
    (action, resource), context = request_
    before = kind(as_docs(sets), action, resource, context)
    shuffled = [list(s) for s in sets]
    for s in shuffled:
        rnd.shuffle(s)
    rnd.shuffle(shuffled)
    assert kind(as_docs(shuffled), action, resource, context) == before
    # One policy holding every statement, or one statement per policy: the same union.
    flat = [statement for s in sets for statement in s]
    if flat:
        assert kind([doc(*flat)], action, resource, context) == before
        assert kind([doc(statement) for statement in flat], action, resource, context) == before


@settings(max_examples=300, deadline=None)
@given(policy_sets, st.lists(statements(), min_size=1, max_size=3), requests)
def test_property_a_boundary_never_widens(sets, boundary, request_):
    (action, resource), context = request_
    without = evaluate(as_docs(sets), action, resource, context)
    with_boundary = evaluate(as_docs(sets), action, resource, context, boundary=doc(*boundary))
    if with_boundary.allowed:
        assert without.allowed
    if without.kind == "explicit_deny":
        assert with_boundary.kind == "explicit_deny"


@settings(max_examples=200, deadline=None)
@given(policy_sets, requests, st.randoms(use_true_random=False))
def test_property_the_case_of_the_requested_action_never_matters(sets, request_, rnd):
    (action, resource), context = request_
    recased = "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in action)
    assert kind(as_docs(sets), recased, resource, context) == kind(as_docs(sets), action,
                                                                   resource, context)


# ---------------------------------------------------------------------------------------
# Properties over every operator family (issue 18.1), each a rule of *Condition operators*
# and *Variables and tags*.

#: key -> (operator family, a strategy of request values of it)
_IPV4 = st.tuples(*[st.integers(0, 255)] * 4).map(lambda t: ".".join(map(str, t)))
_IPV6 = st.integers(0, 2**128 - 1).map(lambda n: str(ipaddress.IPv6Address(n)))
_INSTANT = st.integers(0, 4102444800)  # 1970 .. 2100, epoch seconds
FAMILIES = {
    "Numeric": st.one_of(st.integers(-1000, 1000).map(str),
                         st.decimals(-1000, 1000, places=2, allow_nan=False).map(str)),
    "Date": _INSTANT.map(str),
    "Ip": st.one_of(_IPV4, _IPV6),
    "String": st.sampled_from(["prod", "Prod", "dev", "prod-1", ""]),
}
POSITIVE = {"Numeric": ["NumericEquals", "NumericLessThan", "NumericLessThanEquals",
                        "NumericGreaterThan", "NumericGreaterThanEquals"],
            "Date": ["DateEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
                     "DateGreaterThanEquals"],
            "Ip": ["IpAddress"], "String": ["StringEquals", "StringLike", "StringEqualsIgnoreCase"]}
#: "Negated matching": each operator and its negation decide oppositely on a present key.
NEGATION = {"NumericEquals": "NumericNotEquals", "DateEquals": "DateNotEquals",
            "IpAddress": "NotIpAddress", "StringEquals": "StringNotEquals",
            "StringLike": "StringNotLike", "StringEqualsIgnoreCase": "StringNotEqualsIgnoreCase",
            # "less than" and "greater than or equals" split every pair of numbers, dates
            "NumericLessThan": "NumericGreaterThanEquals", "DateLessThan": "DateGreaterThanEquals",
            "NumericGreaterThan": "NumericLessThanEquals", "DateGreaterThan": "DateLessThanEquals"}


@st.composite
def conditions(draw):
    """One condition of any family: (operator, key, policy values, request value)."""
    family = draw(st.sampled_from(sorted(FAMILIES)))
    operator = draw(st.sampled_from(POSITIVE[family]))
    values = FAMILIES[family]
    if family == "Ip":
        prefix = draw(st.integers(0, 32))
        policy = [f"{draw(_IPV4)}/{prefix}", f"{draw(_IPV6)}/{draw(st.integers(0, 128))}"]
    else:
        policy = draw(st.lists(values, min_size=1, max_size=3))
    return operator, f"aws:Key{family}", policy, draw(values)


def _single(operator, key, policy):
    return [doc(allow("ecs:Poll", Condition={operator: {key: policy}}))]


@settings(max_examples=400, deadline=None)
@given(conditions())
def test_property_every_operator_decides_a_known_single_value(condition):
    """Every operator family is decidable when the request gives the key one value IAM can
    read: nothing in the documented rules is left open then."""
    operator, key, policy, value = condition
    for name in (operator, operator + "IfExists", "ForAnyValue:" + operator,
                 "ForAllValues:" + operator):
        evaluate(_single(name, key, policy), "ecs:Poll", context={key: value})  # never raises


@settings(max_examples=400, deadline=None)
@given(conditions())
def test_property_an_operator_and_its_negation_split_every_request(condition):
    operator, key, policy, value = condition
    if operator not in NEGATION:
        return
    context = {key: value}
    one = kind(_single(operator, key, policy), "ecs:Poll", context=context)
    other = kind(_single(NEGATION[operator], key, policy), "ecs:Poll", context=context)
    ordering = NEGATION[operator].startswith(("Numeric", "Date")) and "Not" not in NEGATION[operator]
    if ordering and len(policy) > 1:  # an ordering is split per value; ORed, both may hold
        return
    assert {one, other} == {"allow", "implicit_deny"}


@settings(max_examples=300, deadline=None)
@given(conditions())
def test_property_if_exists_and_set_operators_on_one_value_change_nothing(condition):
    """...IfExists on a present key "process[es] the key as specified in the policy"; with
    one request value ForAnyValue and ForAllValues ask the same as the plain operator."""
    operator, key, policy, value = condition
    context = {key: value}
    plain = kind(_single(operator, key, policy), "ecs:Poll", context=context)
    for name in (operator + "IfExists", "ForAnyValue:" + operator, "ForAllValues:" + operator):
        assert kind(_single(name, key, policy), "ecs:Poll", context=context) == plain, name


@settings(max_examples=300, deadline=None)
@given(_INSTANT, _INSTANT, st.sampled_from(POSITIVE["Date"]))
def test_property_epoch_and_iso_8601_are_the_same_instant(policy_at, request_at, operator):
    from datetime import UTC, datetime

    def iso(seconds):
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    key = "aws:CurrentTime"
    forms = {kind(_single(operator, key, p), "ecs:Poll", context={key: r})
             for p in (str(policy_at), iso(policy_at)) for r in (str(request_at), iso(request_at))}
    assert len(forms) == 1


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["prod", "dev", "team-a", "x.y", "a/b"]),
       st.sampled_from(["prod", "dev", "team-a", "x.y", "a/b"]),
       st.sampled_from(["StringEquals", "StringLike", "StringNotEquals", "ArnLike"]))
def test_property_a_variable_is_its_value_written_in(tag, requested, operator):
    """*Variables and tags*: "the policy variables are replaced with values that come from
    the context of the request itself": a policy with ${aws:PrincipalTag/team} decides as
    the same policy with the tag's value written in."""
    if operator == "ArnLike":
        value, key = f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/${{aws:PrincipalTag/team}}", "ecs:cluster"
        asked = f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/{requested}"
    else:
        value, key, asked = "${aws:PrincipalTag/team}", "ecs:CreateAction", requested
    context = {key: asked, "aws:PrincipalTag/team": tag}
    with_variable = kind(_single(operator, key, value), "ecs:Poll", context=context)
    written = kind(_single(operator, key, value.replace("${aws:PrincipalTag/team}", tag)),
                   "ecs:Poll", context=context)
    assert with_variable == written
    resource = [doc(allow("ecs:Poll", "arn:aws:ecs:us-east-1:*:cluster/${aws:PrincipalTag/team}"))]
    assert kind(resource, "ecs:Poll", f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/{requested}",
                context) == ("allow" if tag == requested else "implicit_deny")
