"""The embedded sandbox: a moto server on 127.0.0.1 that stands in for AWS.

No account and no credentials are needed. A :class:`SandboxSession` carries
its own dummy credentials, so a call that somehow misses the sandbox fails at
AWS instead of touching a real account.

Several notebooks can share one sandbox: ``python -m ecsrole_lib.sandbox.server``
starts a standalone server and prints its endpoint; with
``ECSROLE_SANDBOX_ENDPOINT`` set to it, :func:`ecsrole_lib.connect` joins that
server instead of starting one (this is how ``make guide`` runs).

>>> from ecsrole_lib import sandbox
>>> with sandbox() as session:            # started here, stopped on leaving
...     session.client("sts").get_caller_identity()["Account"]
'123456789012'

Where moto differs from AWS in a way the guide relies on, the sandbox corrects
it: :data:`CORRECTIONS` names each correction (one small function below, with
the AWS page it copies), applied to moto's backend models by
:func:`correct_moto` before the server answers its first request.

AWS managed policies are served lazily. moto 5.2 builds all of them (about
1,600, with ``MOTO_IAM_LOAD_MANAGED_POLICIES=true``) in every IAM backend it
makes, and the first request of any service makes six (one per partition,
to look up the caller's access key). Here ``IAMBackend.managed_policies`` is a
:class:`_ManagedPolicies` dict: it knows every AWS managed policy's ARN (from
moto's own data) but builds a policy object only when
a call first names it (``GetPolicy``, ``GetPolicyVersion``, ``AttachRolePolicy``
...). A call that needs them all (``ListPolicies`` with ``Scope`` ``AWS`` or
``All``, ``GetAccountAuthorizationDetails``) builds the rest first, in moto's
own order; calls only built policies can answer (``OnlyAttached``, ``Scope``
``Local``, ``GetAccountSummary``) read those. Every call returns what moto's
eager load returns (policy ids aside: moto draws them at random either way).
moto's data is not even parsed whole: an index of where each policy's JSON
starts in moto's text is found once per process, and a policy's JSON is
decoded when it is built.

The backends the guide touches are warmed off the caller's critical path
(:func:`_warm`, one read per service): ``python -m ecsrole_lib.sandbox.server``
prints its endpoint first and then builds IAM, STS, Amazon S3 and Amazon ECS
(with the Amazon EC2 models it imports), on the other core while notebook
kernels start; the in-process server builds IAM, STS and Amazon S3 in a
background thread, which the first call does not wait for.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import socket
import threading
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3

from ..aws.client import Target
from ..hooks import register

__all__ = ["CORRECTIONS", "LIMITS", "SANDBOX_ACCOUNT", "SandboxSession", "correct_moto", "sandbox",
           "shared_sandbox_session"]

#: The account moto answers for, as in AWS's own examples.
SANDBOX_ACCOUNT = "123456789012"
_DUMMY = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing",
          "aws_session_token": "testing"}
ENDPOINT_VARIABLE = "ECSROLE_SANDBOX_ENDPOINT"

#: What the sandbox cannot emulate; reports and notebooks repeat these where they matter.
LIMITS = {
    "iam_names": "moto validates no IAM names or documents; the guide validates them itself before any call",
    "ssm_activation": "moto does not implement SSM activations, so the activation command is shown, not run",
    "account_setting_caller": (
        "the sandbox has no sign-in, so an ECS account setting call without a principal acts on the "
        "account default, as the root user's does; on AWS it acts on the calling user's or role's own"),
    "policy_simulator": "moto has no IAM policy simulator; permissions are checked from the policy documents",
    "propagation": "the sandbox is consistent at once; on AWS a new instance profile may need about ten seconds",
    "iam_xml_carriage_return": (
        "moto writes a carriage return in an IAM description raw into its XML answer, which reads "
        "back as a line feed (AWS escapes it)"),
}


#: Where moto 5.2 differs from AWS and the sandbox behaves like AWS: name -> what AWS does.
#: Each is one function below (its docstring cites the AWS page), applied by correct_moto().
CORRECTIONS = {
    "create_bucket_tags": "CreateBucket applies the tags in CreateBucketConfiguration, as AWS does",
    "bucket_blocks_public_access": (
        "a new bucket blocks all public access, AWS's default for new buckets since April 2023"),
    "account_setting_principal": (
        "ECS account settings are kept per principal: a role's own awsvpcTrunking overrides the "
        "account default, other principals see the default"),
    "attachment_count": (
        "a policy's AttachmentCount counts each attachment once: attaching it again to the same "
        "role or user changes nothing"),
    "deleted_bucket_tags": (
        "a deleted bucket's tags (and its objects') are not handed to the next bucket of that name"),
    "policy_arn_validation": (
        "IAM refuses a malformed policy ARN with InvalidInput (the page's errata E3 and E5), "
        "instead of answering NoSuchEntity"),
    "role_tag_quota": (
        "TagRole refuses with LimitExceeded a tag that would give a role more than 50 (IAM's "
        "quota of tags per role)"),
    "policy_name_unique": (
        "CreatePolicy refuses with EntityAlreadyExists a name that this account's customer managed "
        "policies already hold in another letter case or under another path"),
    "permissions_boundary_usage_count": (
        "a managed policy's PermissionsBoundaryUsageCount counts the roles that have it as their "
        "permissions boundary"),
    "list_active_services": (
        "ListServices lists a cluster's ACTIVE services only: a deleted service is no longer listed"),
    "no_activations": (
        "DescribeActivations answers an empty list, as for an account with no activation (moto "
        "does not implement it and answers a server error); the sandbox cannot make one"),
    "run_instances_profile": (
        "every instance one RunInstances call starts holds its IamInstanceProfile (moto gives it "
        "to the first one only)"),
}


class SandboxSession(boto3.Session):
    """A ``boto3.Session`` whose clients and resources talk to a sandbox endpoint.

    Parameters
    ----------
    endpoint_url
        The sandbox's ``http://127.0.0.1:<port>``.
    region_name
        Region for clients that are not given one.
    """

    def __init__(self, endpoint_url: str, region_name: str = "us-east-1"):
        super().__init__(region_name=region_name, **_DUMMY)
        self.endpoint_url = endpoint_url

    def client(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("endpoint_url", self.endpoint_url)
        return super().client(*args, **kwargs)

    def resource(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("endpoint_url", self.endpoint_url)
        return super().resource(*args, **kwargs)

    def environment(self) -> dict[str, str]:
        """Variables that send a child process (the AWS CLI) to this sandbox."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": _DUMMY["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": _DUMMY["aws_secret_access_key"],
            "AWS_SESSION_TOKEN": _DUMMY["aws_session_token"],
            "AWS_DEFAULT_REGION": self.region_name,
            "AWS_REGION": self.region_name,
        }

    def __repr__(self) -> str:
        return f"SandboxSession(endpoint_url={self.endpoint_url!r}, region_name={self.region_name!r})"


# ---------------------------------------------------------------------------------------
# Corrections: moto behaving like AWS where the guide relies on it (see CORRECTIONS).
# Each patches a moto backend model method (or, where only the request holds the
# input, the response method that reads it) and keeps moto's own behaviour otherwise.
# ---------------------------------------------------------------------------------------
def _create_bucket_tags() -> None:
    """``CreateBucket`` applies ``CreateBucketConfiguration.Tags``.

    AWS tags a general purpose bucket in the call that creates it, so a bucket
    is never seen without its tags (Amazon S3 API Reference, CreateBucket,
    https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html,
    ``CreateBucketConfiguration`` ``Tags``). moto 5.2 parses only the
    ``LocationConstraint``. Tags are applied only to a bucket this call made,
    never to one that already existed.
    """
    import xmltodict
    from moto.s3.responses import S3Response

    original = S3Response._bucket_response_put

    def _bucket_response_put(self, request, bucket_name, querystring):
        if querystring or not self.body or bucket_name in self.backend.buckets:
            return original(self, request, bucket_name, querystring)  # not a new bucket's tags
        config = xmltodict.parse(self.body).get("CreateBucketConfiguration") or {}
        tags = (config.get("Tags") or {}).get("Tag") or []
        tags = [tags] if isinstance(tags, dict) else tags
        if not tags:
            return original(self, request, bucket_name, querystring)
        # moto keeps tags by ARN: tagged before the bucket exists, it is never seen untagged.
        arn = f"arn:{self.partition}:s3:::{bucket_name}"
        tagger = self.backend.tagger
        tagger.tag_resource(arn, tagger.convert_dict_to_tags_input(
            {t["Key"]: t.get("Value") or "" for t in tags}))
        try:
            return original(self, request, bucket_name, querystring)
        except BaseException:
            if bucket_name not in self.backend.buckets:
                tagger.delete_all_tags_for_resource(arn)
            raise

    S3Response._bucket_response_put = _bucket_response_put


def _bucket_blocks_public_access() -> None:
    """A new bucket blocks all public access: the four settings of its public access block are true.

    Since April 2023 Amazon S3 enables Block Public Access for every new general
    purpose bucket (Amazon S3 User Guide, "Blocking public access to your Amazon
    S3 storage", https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html;
    and https://aws.amazon.com/about-aws/whats-new/2022/12/amazon-s3-automatically-enable-block-public-access-disable-access-control-lists-buckets-april-2023/),
    so ``GetPublicAccessBlock`` on a new bucket answers all four ``true``.
    moto 5.2 makes buckets without one (``NoSuchPublicAccessBlockConfiguration``).
    """
    from moto.s3.models import FakeBucket, PublicAccessBlock

    original = FakeBucket.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        # Set as the bucket is made, before moto lists it: never seen without the block.
        self.public_access_block = PublicAccessBlock(True, True, True, True)

    FakeBucket.__init__ = __init__


def _deleted_bucket_tags() -> None:
    """A deleted bucket's tags, and its objects', go with it.

    On AWS a bucket created with the name of a deleted one starts with no tags
    (tags belong to the resource: Amazon S3 User Guide, "Using cost allocation
    S3 bucket tags", https://docs.aws.amazon.com/AmazonS3/latest/userguide/CostAllocTagging.html;
    DeleteBucket, https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html).
    moto 5.2 keeps tags by ARN in one store and hands them to the next bucket
    (and object) of that name.
    """
    from moto.s3.models import S3Backend

    original = S3Backend.delete_bucket

    def delete_bucket(self, bucket_name):
        bucket = original(self, bucket_name)
        if bucket is not None:  # deleted (moto answers None for a bucket that is not empty)
            prefix = bucket.arn + "/"
            for arn in [a for a in self.tagger.tags if a == bucket.arn or a.startswith(prefix)]:
                self.tagger.delete_all_tags_for_resource(arn)
        return bucket

    S3Backend.delete_bucket = delete_bucket


def _root_arn(backend) -> str:
    from moto.utilities.utils import get_partition

    return f"arn:{get_partition(backend.region_name)}:iam::{backend.account_id}:root"


#: What Amazon ECS answers for a setting nobody set (``type`` ``aws_managed``).
_ECS_SETTING_DEFAULTS = {"serviceLongArnFormat": "enabled", "taskLongArnFormat": "enabled",
                         "containerInstanceLongArnFormat": "enabled", "awsvpcTrunking": "disabled",
                         "containerInsights": "disabled", "dualStackIPv6": "disabled"}


#: moto's own ``list_account_settings``, kept by the correction for its check of the name.
_MOTO_ECS: dict[str, Any] = {}


def _principal_settings(backend) -> dict:
    """The principals' own settings: ``(principalArn, name) -> AccountSetting``.

    Kept on the backend, so a reset of moto empties it.
    """
    return backend.__dict__.setdefault("principal_account_settings", {})


def _setting(name: str, value: str, principal: str, kind: str = "user") -> Any:
    """A moto ``AccountSetting`` of ``principal``, of type ``user`` or ``aws_managed``."""
    from moto.ecs.models import AccountSetting

    made = AccountSetting(name, value)
    made.principal_arn, made.type = principal, kind
    return made


def _put_account_setting(self, name, value, principal_arn=None):
    root = _root_arn(self)
    principal = principal_arn or root
    made = _setting(name, value, principal)
    if principal == root:
        self.account_settings[name] = made
    else:
        _principal_settings(self)[(principal, name)] = made
    return made


def _effective_settings(mine: dict, defaults: dict, principal: str) -> dict:
    """Each setting as ``--effective-settings`` lists it: the principal's own, else the
    account default, else Amazon ECS's default."""
    found = {}
    for n in dict.fromkeys([*_ECS_SETTING_DEFAULTS, *defaults, *mine]):
        if n in mine:
            found[n] = _setting(n, mine[n].value, principal)
        elif n in defaults:
            found[n] = _setting(n, defaults[n].value, principal)
        else:
            found[n] = _setting(n, _ECS_SETTING_DEFAULTS[n], principal, "aws_managed")
    return found


def _list_account_settings(self, name=None, value=None, principal_arn=None, effective=False):
    _MOTO_ECS["list_account_settings"](self, name)  # an unknown name: UnknownAccountSettingException
    root = _root_arn(self)
    principal = principal_arn or root
    defaults = {n: _setting(n, s.value, root) for n, s in self.account_settings.items()}
    mine = defaults if principal == root else {
        n: s for (p, n), s in _principal_settings(self).items() if p == principal}
    if effective:
        mine = _effective_settings(mine, defaults, principal)
    return [s for n, s in mine.items()
            if (not name or n == name) and (not value or s.value == value)]


def _delete_account_setting(self, name, principal_arn=None):
    principal = principal_arn or _root_arn(self)
    if principal == _root_arn(self):
        self.account_settings.pop(name, None)
    else:
        _principal_settings(self).pop((principal, name), None)


def _put_account_setting_response(self):
    from moto.core.responses import ActionResult

    made = self.ecs_backend.put_account_setting(
        self._get_param("name"), self._get_param("value"), self._get_param("principalArn"))
    return ActionResult({"setting": made})


def _list_account_settings_response(self):
    from moto.core.responses import ActionResult

    found = self.ecs_backend.list_account_settings(
        self._get_param("name"), self._get_param("value"), self._get_param("principalArn"),
        bool(self._get_bool_param("effectiveSettings", False)))
    return ActionResult({"settings": found})


def _delete_account_setting_response(self):
    from moto.core.responses import EmptyResult

    self.ecs_backend.delete_account_setting(self._get_param("name"),
                                            self._get_param("principalArn"))
    return EmptyResult()


def _account_setting_principal() -> None:
    """Amazon ECS account settings per principal, as ``PutAccountSetting`` and ``ListAccountSettings`` do.

    ``put-account-setting --principal-arn`` sets the setting for that user or
    role only; without a principal (or with the root user's ARN) it is the
    account default, which a principal's own setting overrides.
    ``list-account-settings --principal-arn`` lists that principal's own
    settings; with ``--effective-settings`` its own setting or else the
    account default (else Amazon ECS's default). ``delete-account-setting``
    works the same way. (Amazon ECS API Reference, PutAccountSetting,
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutAccountSetting.html;
    ListAccountSettings, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListAccountSettings.html;
    Developer Guide, "Amazon ECS account settings",
    https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-account-settings.html.)
    moto 5.2 ignores the principal: one setting for the whole account.

    The sandbox has no authentication, so its caller acts as the root user: a
    call without ``principalArn`` reads or writes the account default (on AWS
    it is the calling user's or role's own setting).
    """
    from moto.ecs.models import EC2ContainerServiceBackend
    from moto.ecs.responses import EC2ContainerServiceResponse

    # Kept for its check of the setting's name (moto's UnknownAccountSettingException).
    _MOTO_ECS["list_account_settings"] = EC2ContainerServiceBackend.list_account_settings
    EC2ContainerServiceBackend.put_account_setting = _put_account_setting
    EC2ContainerServiceBackend.list_account_settings = _list_account_settings
    EC2ContainerServiceBackend.delete_account_setting = _delete_account_setting
    # The responses read the principal (and effectiveSettings) moto's own handlers drop.
    EC2ContainerServiceResponse.put_account_setting = _put_account_setting_response
    EC2ContainerServiceResponse.list_account_settings = _list_account_settings_response
    EC2ContainerServiceResponse.delete_account_setting = _delete_account_setting_response


def _attachment_count() -> None:
    """Attaching a policy that is already attached changes nothing, ``AttachmentCount`` included.

    AWS counts entities a managed policy is attached to (IAM API Reference,
    Policy, ``AttachmentCount``: "the number of entities (users, groups, and
    roles) that the policy is attached to",
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_Policy.html), and
    ``AttachRolePolicy`` of an attached policy is a no-op. moto 5.2 adds one
    per call for roles and users, so a repeated attach (a retried request)
    counts twice and a policy looks attached elsewhere after its last detach.
    """
    from moto.iam.exceptions import NotFoundException
    from moto.iam.models import IAMBackend

    def attachable(backend, policy_arn: str):
        policy = backend.managed_policies.get(policy_arn)
        if policy is None:
            raise NotFoundException(f"Policy {policy_arn} does not exist or is not attachable.")
        return policy

    def attach_role_policy(self, policy_arn, role_name):
        policy = attachable(self, policy_arn)
        role = self.get_role(role_name)
        if policy.arn not in role.managed_policies:
            policy.attach_to(role)

    def attach_user_policy(self, policy_arn, user_name):
        policy = attachable(self, policy_arn)
        user = self.get_user(user_name)
        if policy.arn not in user.managed_policies:
            policy.attach_to(user)

    IAMBackend.attach_role_policy = attach_role_policy
    IAMBackend.attach_user_policy = attach_user_policy


def _policy_arn_validation() -> None:
    """A malformed policy ARN is refused with ``InvalidInput``, as IAM does.

    IAM validates every element of an IAM resource ARN passed to its API: the
    partition, the service ``iam``, an empty Region, a valid resource type
    (AWS's notice of 2024 on strict IAM ARN validation; IAM API Reference,
    AttachRolePolicy, Errors: ``InvalidInput``,
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html).
    moto 5.2 looks the string up and answers
    ``NoSuchEntity``, which would hide what the page's errata E3
    (``arn:aws::iam::aws:policy/...``) and E5 (``arn:aws:iam:111122223333:aws:policy/...``)
    do on AWS.
    """
    import re

    from moto.iam.exceptions import InvalidInput
    from moto.iam.models import IAMBackend

    shape = re.compile(r"arn:aws[a-z-]*:iam::(aws|\d{12}):policy/.+")

    def checked(method):
        def call(self, policy_arn, *args, **kwargs):
            if not shape.fullmatch(policy_arn):
                raise InvalidInput(f"ARN {policy_arn} is not valid.")
            return method(self, policy_arn, *args, **kwargs)
        return call

    for name in ("get_policy", "attach_role_policy", "detach_role_policy"):
        setattr(IAMBackend, name, checked(getattr(IAMBackend, name)))


def _role_tag_quota() -> None:
    """``TagRole`` refuses a tag that would give the role more than 50: ``LimitExceeded``.

    IAM allows 50 tags per role and the quota cannot be raised (IAM User Guide, "IAM and
    AWS STS quotas", IAM object quotas, "Tags per IAM role: 50",
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html; TagRole,
    Errors: ``LimitExceeded``,
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagRole.html). moto 5.2 checks
    only the 50 tags of one request, so a role grows past the quota one call at a time.
    Tag keys are compared ignoring case, as IAM does; a key the role holds is overwritten,
    which adds nothing.
    """
    from moto.iam.exceptions import LimitExceededException
    from moto.iam.models import IAMBackend

    original = IAMBackend.tag_role

    def tag_role(self, role_name, tags):
        role = self.get_role(role_name)
        keys = {t["Key"].lower() for t in role.tags} | {t["Key"].lower() for t in tags}
        if len(keys) > 50:
            raise LimitExceededException("Cannot exceed quota for TagsPerRole: 50.")
        return original(self, role_name, tags)

    IAMBackend.tag_role = tag_role


def _policy_name_unique() -> None:
    """A customer managed policy's name is unique in the account, whatever its case and path.

    "IAM user, group, role, and policy names must be unique within the account. Names are
    not distinguished by case. For example, you cannot create resources named both
    "MyResource" and "myresource"" (IAM API Reference, CreatePolicy, ``PolicyName``,
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html; the IAM
    User Guide's "IAM name requirements" say the same of users, groups, roles and
    instance profiles, https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html),
    so ``CreatePolicy`` answers ``EntityAlreadyExists`` for ``CWLogsPolicy`` beside
    ``cwlogspolicy``, or for the same name under another path. moto 5.2 refuses only the
    same ARN (same name, same case, same path).
    """
    from moto.iam.exceptions import EntityAlreadyExists
    from moto.iam.models import AWSManagedPolicy, IAMBackend

    original = IAMBackend.create_policy

    def create_policy(self, description, path, policy_document, policy_name, tags):
        policies = self.managed_policies
        # Customer managed policies are always built: no AWS managed policy is made here.
        built = policies.built() if isinstance(policies, _ManagedPolicies) else policies.values()
        if any(not isinstance(p, AWSManagedPolicy) and p.name.lower() == policy_name.lower()
               for p in built):
            raise EntityAlreadyExists(
                f"A policy called {policy_name} already exists. Duplicate names are not allowed.")
        return original(self, description, path, policy_document, policy_name, tags)

    IAMBackend.create_policy = create_policy
def _permissions_boundary_usage_count() -> None:
    """``PermissionsBoundaryUsageCount``: how many roles have the policy as their permissions boundary.

    AWS reports it with every managed policy (IAM API Reference, Policy,
    ``PermissionsBoundaryUsageCount``: "the number of entities (users and roles)
    for which the policy is used to set the permissions boundary",
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_Policy.html); the
    guide keeps a policy that bounds anyone. moto 5.2 never answers it. moto
    keeps no permissions boundary for users, so only roles are counted.
    """
    from moto.iam.models import ManagedPolicy

    def permissions_boundary_usage_count(self) -> int:
        return sum(1 for role in self.backend.roles.values()
                   if role.permissions_boundary_arn == self.arn)

    ManagedPolicy.permissions_boundary_usage_count = property(permissions_boundary_usage_count)


def _no_activations() -> None:
    """``DescribeActivations`` answers an empty ``ActivationList``.

    moto implements no Systems Manager activations: it answers the call with a server
    error, which botocore retries and the in-process server logs as a traceback into the
    learner's notebook. The sandbox can make no activation (its limit ``ssm_activation``:
    the command is shown, not run), so what AWS answers an account without any is the
    truth here (AWS Systems Manager API Reference, DescribeActivations: "Describes details
    about the activation ... ActivationList", an empty list when there are none,
    https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeActivations.html).
    """
    from moto.core.responses import ActionResult
    from moto.ssm.responses import SimpleSystemManagerResponse

    def describe_activations(self):
        return ActionResult({"ActivationList": []})

    SimpleSystemManagerResponse.describe_activations = describe_activations


def _list_active_services() -> None:
    """``ListServices`` lists only the cluster's ``ACTIVE`` services.

    A deleted service is ``DRAINING``, then ``INACTIVE``, and "is no longer
    visible in the console or in the ListServices API operation" (Amazon ECS
    API Reference, DeleteService,
    https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteService.html).
    moto 5.2 lists deleted services too, so a cluster whose services were
    deleted would look as if it still held them.
    """
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.list_services

    def list_services(self, cluster_str, scheduling_strategy=None, launch_type=None):
        listed = set(original(self, cluster_str, scheduling_strategy, launch_type=launch_type))
        return sorted(s.arn for s in self.services.values()
                      if s.arn in listed and s.status == "ACTIVE")

    EC2ContainerServiceBackend.list_services = list_services


def _run_instances_profile() -> None:
    """Every instance a ``RunInstances`` call starts holds the call's ``IamInstanceProfile``.

    The instance profile is given to the instances the call launches (Amazon EC2 API
    Reference, RunInstances, ``IamInstanceProfile``,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html), and
    each then has an association (DescribeIamInstanceProfileAssociations,
    https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeIamInstanceProfileAssociations.html),
    which teardown reads before it removes an instance profile. moto 5.2 associates the
    profile with the first instance of the call only.
    """
    from moto.ec2.responses.instances import InstanceResponse

    original = InstanceResponse.run_instances

    def run_instances(self):
        result = original(self)
        name = self._get_param("IamInstanceProfile.Name")
        arn = None if name else self._get_param("IamInstanceProfile.Arn")
        held = self.ec2_backend.iam_instance_profile_associations
        for instance in result.result.instances if (name or arn) else []:
            if instance.id not in held:
                self.ec2_backend.associate_iam_instance_profile(instance.id, name, arn)
        return result

    InstanceResponse.run_instances = run_instances


# ---------------------------------------------------------------------------------------
# AWS managed policies, built when first referenced (see the module docstring).
# ---------------------------------------------------------------------------------------
_DATA_LOCK = threading.Lock()
_AWS_POLICIES: dict[str, list[tuple[str, str, Any]]] = {}  # partition -> [(arn, name, source)]


def _index_policy_data(data: str) -> list[tuple[str, str, Any]]:
    """(name, path, offset of its JSON object) of each policy in moto's data text, in its order.

    moto writes one policy per top-level key, each key on a line of its own
    (``\n "Name":{``) and the policy's own ``Path`` at two spaces of indent;
    finding those costs a few ms and no memory, where ``json.loads`` of the
    whole text costs 14 MiB. Anything else: the whole text parsed, as moto does.
    """
    import re

    found = []
    for match in re.finditer(r'\n "([^"]+)":\{\n', data):
        at = data.find('\n  "Path":"', match.end())
        path = data[at + 11:data.find('"', at + 11)] if at >= 0 else ""
        found.append((match.group(1), path, match.end() - 2))
    if not found or not all(path.startswith("/") for _, path, _ in found):
        import json

        found = [(name, d.get("Path") or "/", d) for name, d in json.loads(data).items()]
    return found


def _aws_policy_entries(region_name: str) -> list[tuple[str, str, Any]]:
    """Every AWS managed policy of moto's data as (ARN, name, source), in moto's order.

    ``source`` is the offset of the policy's JSON in moto's data text (or its
    parsed data); :func:`_policy_data` reads it.
    """
    from moto.utilities.utils import get_partition

    partition = get_partition(region_name)
    with _DATA_LOCK:
        if partition not in _AWS_POLICIES:
            from moto.iam.aws_managed_policies import aws_managed_policies_data

            index = _AWS_POLICIES.get("") or _index_policy_data(aws_managed_policies_data)
            _AWS_POLICIES[""] = index  # found once, shared by every partition
            _AWS_POLICIES[partition] = [(f"arn:{partition}:iam::aws:policy{path}{name}", name, source)
                                        for name, path, source in index]
        return _AWS_POLICIES[partition]


def _policy_data(source: Any) -> dict:
    if isinstance(source, dict):
        return source
    import json

    from moto.iam.aws_managed_policies import aws_managed_policies_data

    return json.JSONDecoder().raw_decode(aws_managed_policies_data, source)[0]


_TABLES: dict[str, tuple[list[str], frozenset, dict[str, tuple[str, Any]]]] = {}


def _aws_policy_table(region_name: str) -> tuple[list[str], frozenset, dict[str, tuple[str, Any]]]:
    """(ARNs in moto's order, the same as a set, ARN -> (name, source)): shared, never changed."""
    entries = _aws_policy_entries(region_name)
    with _DATA_LOCK:
        key = entries[0][0].split(":")[1] if entries else ""
        if key not in _TABLES:
            order = [arn for arn, _, _ in entries]
            _TABLES[key] = (order, frozenset(order),
                            {arn: (name, source) for arn, name, source in entries})
        return _TABLES[key]


class _ManagedPolicies(dict):
    """``IAMBackend.managed_policies`` whose AWS managed policies are built on first reference.

    Nothing is looked up until an AWS managed policy is asked about: a backend
    that only meets customer managed policies never reads moto's data.
    Membership, length and the keys need no policy object; a lookup builds the
    one it names; ``values()``, ``items()`` and ``copy()`` build the rest and
    put the dict in moto's eager order (AWS managed policies first, in moto's
    data order, then customer managed policies as they were created), after
    which it is a plain dict. ``aws_managed`` is the backend's
    ``aws_managed_policies`` list, filled then. Every change is made under one
    lock; a reader that misses looks again under it.
    """

    def __init__(self, account_id: str, region_name: str, aws_managed: list):
        super().__init__()
        self._account_id, self._region_name, self._aws_managed = account_id, region_name, aws_managed
        self._order: list[str] | None = None  # None: not indexed yet, or (_complete) done
        self._aws: frozenset = frozenset()
        self._pending: dict[str, tuple[str, Any]] = {}
        self._complete = False
        self._lock = threading.RLock()

    def _indexed(self) -> None:
        with self._lock:
            if self._order is None and not self._complete:
                self._order, self._aws, template = _aws_policy_table(self._region_name)
                self._pending = {a: v for a, v in template.items() if not dict.__contains__(self, a)}

    def _build(self, arn: str):
        from moto.iam.models import AWSManagedPolicy

        with self._lock:
            if arn in self._pending:
                name, source = self._pending[arn]
                dict.__setitem__(self, arn, AWSManagedPolicy.from_data(
                    name, self._account_id, self._region_name, _policy_data(source)))
                del self._pending[arn]  # after it is in the dict: never missing from both
            return dict.__getitem__(self, arn)

    def complete(self) -> None:
        """Build every policy not built yet; moto's eager order."""
        with self._lock:
            if self._complete:
                return
            self._indexed()
            for arn in list(self._pending):
                self._build(arn)
            built = dict(dict.items(self))
            dict.clear(self)
            for arn in self._order:
                if arn in built:
                    dict.__setitem__(self, arn, built.pop(arn))
            self._aws_managed[:] = list(dict.values(self))
            dict.update(self, built)  # customer managed policies, in creation order
            self._order, self._complete = None, True

    def built(self) -> list:
        """The policies built so far, in moto's eager order (no policy is built)."""
        with self._lock:
            if self._order is None:  # none built but customer ones, or complete
                return list(dict.values(self))
            return ([dict.__getitem__(self, a) for a in self._order if dict.__contains__(self, a)]
                    + [p for a, p in dict.items(self) if a not in self._aws])

    def _look(self, arn: object) -> bool:
        """Whether ``arn`` is here, under the lock; only an AWS managed policy's ARN needs the index."""
        with self._lock:
            if isinstance(arn, str) and ":iam::aws:policy" in arn:
                self._indexed()
            return dict.__contains__(self, arn) or arn in self._pending

    def __missing__(self, arn: str):
        if self._look(arn):
            return self._build(arn)
        raise KeyError(arn)

    def __contains__(self, arn: object) -> bool:
        return dict.__contains__(self, arn) or arn in self._pending or self._look(arn)

    def get(self, arn, default=None):
        try:
            return self[arn]
        except KeyError:
            return default

    def keys(self):
        with self._lock:
            self._indexed()
            if self._complete:
                return dict.keys(self)
            return ([a for a in self._order if a in self._pending or dict.__contains__(self, a)]
                    + [a for a in dict.keys(self) if a not in self._aws])

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        with self._lock:
            self._indexed()
            return dict.__len__(self) + len(self._pending)

    def values(self):
        self.complete()
        return dict.values(self)

    def items(self):
        self.complete()
        return dict.items(self)

    def copy(self) -> dict:
        self.complete()
        return dict(dict.items(self))

    def __delitem__(self, arn) -> None:
        with self._lock:
            self._indexed()
            if self._pending.pop(arn, None) is None:
                dict.__delitem__(self, arn)

    def pop(self, arn, *default):
        with self._lock:
            self._indexed()
            if arn in self._pending:
                self._build(arn)
            return dict.pop(self, arn, *default)


def _serve_managed_policies_lazily() -> None:
    """moto's IAM backend with :class:`_ManagedPolicies` instead of an eager load.

    Also the few IAM methods that scanned every policy to find one, or to
    answer something only built policies can change (attachments), look up
    or scan what is built; what they return is unchanged.
    """
    from moto import settings
    from moto.iam.exceptions import NotFoundException
    from moto.iam.models import AccountSummary, AWSManagedPolicy, IAMBackend

    def _init_aws_policies(self):
        return []  # filled by _ManagedPolicies.complete()

    def _init_managed_policies(self):
        if not settings.load_iam_aws_managed_policies():
            return {}
        return _ManagedPolicies(self.account_id, self.region_name, self.aws_managed_policies)

    def detach_role_policy(self, policy_arn, role_name):
        policy = self.managed_policies.get(policy_arn)
        if policy is None or policy.arn not in self.get_role(role_name).managed_policies:
            raise NotFoundException(f"Policy {policy_arn} was not found.")
        policy.detach_from(self.get_role(role_name))

    original_list_policies = IAMBackend.list_policies

    def list_policies(self, marker, max_items, only_attached, path_prefix, scope):
        policies = self.managed_policies
        if not isinstance(policies, _ManagedPolicies) or not (only_attached or scope == "Local"):
            return original_list_policies(self, marker, max_items, only_attached, path_prefix, scope)
        # An attached policy has been built; a customer managed policy always is.
        found = policies.built()
        if only_attached:
            found = [p for p in found if p.attachment_count > 0]
        if scope == "AWS":
            found = [p for p in found if isinstance(p, AWSManagedPolicy)]
        elif scope == "Local":
            found = [p for p in found if not isinstance(p, AWSManagedPolicy)]
        return self._filter_attached_policies(found, marker, max_items, path_prefix)

    original_details = IAMBackend.get_account_authorization_details

    def get_account_authorization_details(self, policy_filter):
        if isinstance(self.managed_policies, _ManagedPolicies):
            self.managed_policies.complete()
        return original_details(self, policy_filter)

    def built(summary) -> list:
        policies = summary._iam_backend.managed_policies
        return policies.built() if isinstance(policies, _ManagedPolicies) else list(policies.values())

    def _policy_versions_in_use(self):
        return sum(p.attachment_count for p in built(self))  # one not built is attached nowhere

    def _policies(self):  # customer managed policies: all built
        return len([p for p in built(self) if not isinstance(p, AWSManagedPolicy)])

    IAMBackend._init_aws_policies = _init_aws_policies
    IAMBackend._init_managed_policies = _init_managed_policies
    IAMBackend.detach_role_policy = detach_role_policy
    IAMBackend.list_policies = list_policies
    IAMBackend.get_account_authorization_details = get_account_authorization_details
    AccountSummary._policy_versions_in_use = property(_policy_versions_in_use)
    AccountSummary._policies = property(_policies)


#: name -> (the moto service it corrects, the function).
_CORRECTORS = {
    "create_bucket_tags": ("s3", _create_bucket_tags),
    "bucket_blocks_public_access": ("s3", _bucket_blocks_public_access),
    "account_setting_principal": ("ecs", _account_setting_principal),
    "attachment_count": ("iam", _attachment_count),
    "deleted_bucket_tags": ("s3", _deleted_bucket_tags),
    "policy_arn_validation": ("iam", _policy_arn_validation),  # after attachment_count: wraps it
    "role_tag_quota": ("iam", _role_tag_quota),
    "policy_name_unique": ("iam", _policy_name_unique),
    "permissions_boundary_usage_count": ("iam", _permissions_boundary_usage_count),
    "list_active_services": ("ecs", _list_active_services),
    "run_instances_profile": ("ec2", _run_instances_profile),
    "no_activations": ("ssm", _no_activations),
}
_corrected: set[str] = set()  # services corrected in this process
_LATER = ("ecs", "ec2", "ssm")  # corrected when moto first builds their backends (slow imports)
_correct_lock = threading.RLock()


def _correct(service: str) -> None:
    with _correct_lock:
        if service in _corrected:
            return
        if service == "iam":
            _serve_managed_policies_lazily()
        for for_service, correct in _CORRECTORS.values():
            if for_service == service:
                correct()
        _corrected.add(service)


def correct_moto() -> None:
    """Apply every correction in :data:`CORRECTIONS` and the lazy managed policies, once per process.

    Called before the sandbox's moto server starts. IAM and Amazon S3 are
    corrected at once (their moto modules load in a few ms); Amazon ECS and
    Amazon EC2 when moto first builds their backends, because importing them
    takes most of a second that the sandbox's start should not wait for.
    """
    import sys

    import moto.backends

    with _correct_lock:
        for service in _LATER:
            if f"moto.{service}.responses" in sys.modules:
                _correct(service)
        if (set(_LATER) - _corrected
                and getattr(moto.backends.get_backend, "_corrected", None) is None):
            original = moto.backends.get_backend

            def get_backend(name):
                found = original(name)
                if name in _LATER:
                    _correct(name)
                return found

            get_backend._corrected = original
            moto.backends.get_backend = get_backend
        _correct("iam")
        _correct("s3")


# ---------------------------------------------------------------------------------------
# Warming the backends the guide touches.
# ---------------------------------------------------------------------------------------
#: A read per service, as a client sends it; moto reads the service from the credential scope.
_WARM_CALLS = {
    "iam": ("POST", "/", b"Action=GetAccountSummary&Version=2010-05-08",
            {"Content-Type": "application/x-www-form-urlencoded"}),
    "sts": ("POST", "/", b"Action=GetCallerIdentity&Version=2011-06-15",
            {"Content-Type": "application/x-www-form-urlencoded"}),
    "s3": ("GET", "/", b"", {}),
    "ecs": ("POST", "/", b"{}", {"Content-Type": "application/x-amz-json-1.1",
                                 "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.ListClusters"}),
}


def _warm(endpoint_url: str, services: tuple[str, ...] = ("iam", "sts", "s3", "ecs")) -> None:
    """Make one read per service, so moto imports and builds its backend before a user's call.

    Reads only: the sandbox's state is unchanged (an empty backend per service).
    The service's moto modules are imported first, here: moto's server makes a
    service's app under one lock for every request, so an import inside the
    read would hold up every other call (Amazon ECS's, about a second).
    """
    import importlib

    for service in services:
        importlib.import_module(f"moto.{service}.urls")  # models and responses
        method, path, body, headers = _WARM_CALLS[service]
        headers = dict(headers, Authorization=(
            f"AWS4-HMAC-SHA256 Credential={_DUMMY['aws_access_key_id']}/20250101/us-east-1/"
            f"{service}/aws4_request, SignedHeaders=host, Signature=0"))
        request = urllib.request.Request(endpoint_url + path, data=body or None, method=method,
                                         headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60):
                pass
        except OSError:  # a warm-up that fails costs the user's first call its time, nothing else
            return


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Server:
    """A moto server in a thread of this process, corrected (:func:`correct_moto`), every AWS
    managed policy served.

    ``warm`` names the backends built in a background thread once the server is
    up (the first call does not wait for it). Amazon ECS is not among them by
    default: its moto models (with Amazon EC2's) cost about 0.6 s of CPU and
    125 MiB, which a kernel that never calls Amazon ECS should not pay, and a
    thread of the kernel's process competes with it for the interpreter.
    """

    def __init__(self, port: int = 0, warm: tuple[str, ...] = ("iam", "sts", "s3")):
        # The setting is read when moto builds an IAM backend, so it must be set first.
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
        # One log line per request would bury the guide's own output.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        correct_moto()
        from moto.moto_server.threaded_moto_server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=port or _free_port(),
                                          verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        self.reset()
        if warm:
            threading.Thread(target=_warm, args=(self.endpoint_url, warm), daemon=True,
                             name="ecsrole-sandbox-warm").start()

    def reset(self) -> None:
        """Empty the sandbox (moto keeps its state per process, so start from nothing)."""
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30):
            pass

    def stop(self) -> None:
        self._server.stop()


@contextlib.contextmanager
def _exported(variables: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def sandbox(region: str = "us-east-1") -> Iterator[SandboxSession]:
    """Start an empty sandbox, yield a session bound to it, stop it on exit.

    While it runs, the sandbox's endpoint and dummy credentials are exported
    (``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``, ...), so the AWS CLI started
    from this process reaches the same sandbox. moto keeps state per process:
    a second sandbox started in the same process sees the same resources.

    Parameters
    ----------
    region
        The region the session's clients use.

    >>> with sandbox() as session:
    ...     session.endpoint_url.startswith("http://127.0.0.1:")
    True
    """
    server = _Server()
    session = SandboxSession(server.endpoint_url, region)
    try:
        with _exported(session.environment()):
            yield session
    finally:
        server.stop()


_process_lock = threading.Lock()
_process_server: _Server | None = None


def shared_sandbox_session(region: str = "us-east-1") -> SandboxSession:
    """A session on the sandbox this process shares (``connect("sandbox")`` uses it).

    Joins ``$ECSROLE_SANDBOX_ENDPOINT`` when set; otherwise starts one server
    for the life of the process (a notebook kernel), so re-running a cell sees
    what the previous run made.
    """
    global _process_server
    endpoint = os.environ.get(ENDPOINT_VARIABLE)
    if not endpoint:
        with _process_lock:
            if _process_server is None:
                _process_server = _Server()
                atexit.register(_process_server.stop)
            endpoint = _process_server.endpoint_url
    # Nothing is exported here: a later connect("aws") in the same kernel must not
    # pick up the dummy keys. The AWS CLI gets session.environment() explicitly.
    return SandboxSession(endpoint, region)


def main() -> None:  # pragma: no cover - exercised by make guide
    """Run a standalone sandbox until interrupted; print its endpoint first."""
    import argparse
    import time

    parser = argparse.ArgumentParser(description="Run the ecsrole-guide sandbox (a moto server).")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: a free one)")
    args = parser.parse_args()
    server = _Server(args.port, warm=())
    print(server.endpoint_url, flush=True)
    # Its own process: build every backend the guide touches now, on another core than the
    # kernels' (they start meanwhile), before their first calls come.
    _warm(server.endpoint_url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


def _with_keys(session: SandboxSession, region: str, keys: dict[str, str]) -> SandboxSession:
    """A session on ``session``'s server holding ``keys`` (an assumed role's): moto keys each
    account by the credentials' access key id, so they reach the role's account."""
    other = SandboxSession(session.endpoint_url, region)
    other._session.set_credentials(keys["aws_access_key_id"], keys["aws_secret_access_key"],
                                   keys["aws_session_token"])
    return other


# The sandbox plugs into the core (ecsrole_lib/hooks.py): connect("sandbox") starts it, and
# what it cannot emulate is what reports and views say on it.
register("target", "sandbox", Target(start=shared_sandbox_session,
                                     holds=lambda session: isinstance(session, SandboxSession),
                                     assume=_with_keys))
for _topic, _text in LIMITS.items():
    register("sandbox_limits", _topic, _text)


if __name__ == "__main__":  # pragma: no cover
    # Run the package's module, not this __main__ copy: one set of corrections per process.
    from ecsrole_lib.sandbox.server import main as _main

    _main()
