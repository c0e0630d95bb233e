"""Issue 9: safe by construction. A value is data, never code; every value arrives exactly;
teardown never removes what the guide did not make.

Values come from an attacker's and a careless user's alphabet: ``$(...)``, backticks,
``${...}``, quotes, backslashes, line breaks of every kind, characters outside the BMP. Each
field draws only what AWS itself accepts for it, so every example is a spec a user can make.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import yaml
from botocore.config import Config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecsrole_lib import (
    AwsError,
    ConflictError,
    CredentialsError,
    RoleSpec,
    ValidationError,
    apply,
    audit,
    connect,
    export_cloudformation,
    plan,
    teardown,
)
from ecsrole_lib.aws import client as aws_module
from ecsrole_lib.render.cloudformation import cloudformation_follow_up, rollout_commands
from ecsrole_lib.render.export import export_cli, run_cli

CANARY = Path(tempfile.gettempdir()) / "ecsrole-pwned"
BUCKET = "ecsrole-security-test"

# Fragments an attacker would try. Each field keeps those its own AWS rule allows.
ATTACKS = [
    f"$(touch {CANARY})", f"`touch {CANARY}`", f"$(touch${{IFS}}{CANARY})",
    f"`touch${{IFS}}{CANARY}`", "${ACCOUNT_ID}", "${HOME}", "$HOME", "${!x}", "${AWS::AccountId}",
    "'", '"', "\\", "\\n", ";", "|", "&&", "#", "-", "--x", "file://x", "http://x", "EOF",
    "\n", "\r", "\t", "\r\n", "\n    x", "\x1e", "\x85", "\u2028", "\u2029", "\U0001d400", " ",
    "{", "}", "*", "?", "=", ",", "a",
]

# IAM's patterns for descriptions and paths (botocore's model), tag values, S3 keys.
# A carriage return is left out of descriptions: moto writes it raw into its XML answer, and
# XML end-of-line handling reads it back as a line feed (AWS escapes it); a sandbox limit.
_DESCRIPTION = re.compile(r"[\t\n\x20-\x7e\xa1-\xff]*")
_PATH_CHARS = re.compile(r"[\x21-\x7e]*")
_TAG = re.compile(r"[\w\s_.:/=+\-@]*")


def _fragments(rule) -> st.SearchStrategy[str]:
    return st.sampled_from([a for a in ATTACKS if rule(a)])


def _text(rule, min_size=0, max_size=6) -> st.SearchStrategy[str]:
    return st.lists(_fragments(rule), min_size=min_size, max_size=max_size).map("".join)


descriptions = _text(lambda a: _DESCRIPTION.fullmatch(a) is not None)
paths = _text(lambda a: _PATH_CHARS.fullmatch(a) is not None and "/" not in a, 1, 4).map(
    lambda middle: f"/{middle}/")
tag_values = _text(lambda a: _TAG.fullmatch(a) is not None and "\x1e" not in a
                   and "\x85" not in a and "\t" not in a and "\n" not in a and "\r" not in a)
# S3 object keys: anything but ASCII control characters (the guide refuses those, as S3 asks).
keys = _text(lambda a: not any(ord(c) < 0x20 or c == "\x7f" for c in a), 1, 6).filter(
    lambda k: not k.startswith("/"))


@st.composite
def specs(draw, least_privilege=None) -> RoleSpec:
    """A spec with every free-text field drawn from the attacks its AWS rule allows."""
    features = draw(st.sampled_from([("s3_config",), ("ecr", "s3_config", "cloudwatch_logs")]))
    path = "/" if "cloudwatch_logs" in features else draw(paths)
    return RoleSpec(
        features=features, config_bucket=BUCKET, config_key=draw(keys),
        description=draw(descriptions), path=path,
        tags={"team": draw(tag_values), "note": draw(tag_values)},
        least_privilege=draw(st.booleans()) if least_privilege is None else least_privilege,
        trunking=draw(st.booleans()))


def bash_syntax_ok(script: str) -> bool:
    return subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True, check=False).returncode == 0


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short-form tags, kept as (tag, value)."""


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: (suffix, loader.construct_scalar(
    node) if isinstance(node, yaml.ScalarNode) else loader.construct_sequence(node, deep=True)))


def template_text(value, **refs: str):
    """What CloudFormation makes of a value: ``!Sub`` fills ``${Name}``; ``${!`` is a literal ``${``."""
    if not isinstance(value, tuple):
        return value
    tag, text = value
    if tag == "Join":
        delimiter, parts = text
        return delimiter.join(template_text(p, **refs) for p in parts)
    assert tag == "Sub", value
    pieces = text.split("${!")
    filled = []
    for piece in pieces:
        for name, ref in refs.items():
            piece = piece.replace("${" + name + "}", ref)
        assert "${" not in piece, (piece, value)  # every reference known: none from a value
        filled.append(piece)
    return "${".join(filled)


def read_back(session, spec: RoleSpec) -> dict:
    iam, s3 = session.client("iam"), session.client("s3")
    role = iam.get_role(RoleName=spec.role_name)["Role"]
    tags = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=spec.role_name)["Tags"]}
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    # moto leaves "Value" out of an empty tag value (AWS returns "").
    bucket_tags = {t["Key"]: t.get("Value", "") for t in s3.get_bucket_tagging(Bucket=BUCKET)["TagSet"]}
    # moto's S3 strips white space around XML tag values (AWS keeps it): compared stripped.
    return {"description": role.get("Description"), "path": role["Path"], "tags": tags,
            "keys": keys, "bucket_tags": {k: v.strip() for k, v in bucket_tags.items()}}


def expected(spec: RoleSpec) -> dict:
    owner = {"created-by": "ecsrole-guide"}
    return {"description": spec.description, "path": spec.path,
            "tags": {**spec.tags, **owner}, "keys": [spec.config_key],
            "bucket_tags": {k: v.strip() for k, v in {**spec.tags, **owner}.items()}}


@pytest.fixture(autouse=True)
def no_canary():
    CANARY.unlink(missing_ok=True)
    yield
    assert not CANARY.exists(), "a value ran as a command"


# ---------------------------------------------------------------------------------------
# Every rendering, every value: valid syntax, values literal.
# ---------------------------------------------------------------------------------------
@settings(max_examples=150, deadline=None)
@given(spec=specs())
def test_every_script_is_valid_bash_whatever_the_values(spec):
    for script in (export_cli(spec), cloudformation_follow_up(spec),
                   "#!/usr/bin/env bash\n" + rollout_commands(spec)):
        assert bash_syntax_ok(script), script
    # The per-step commands too, as a reader would paste them, in order.
    assert bash_syntax_ok("\n".join(plan(spec).commands()))


@settings(max_examples=150, deadline=None)
@given(spec=specs())
def test_the_template_carries_every_value_exactly(spec):
    template = yaml.load(export_cloudformation(spec), Loader=_CfnLoader)
    role = template["Resources"]["ContainerInstanceRole"]["Properties"]
    assert template_text(role["Description"]) == spec.description
    assert template_text(role["Path"]) == spec.path
    tags = {t["Key"]: t["Value"] for t in role["Tags"]}
    assert tags == {**spec.tags, "created-by": "ecsrole-guide"}
    if spec.least_privilege:
        (inline,) = role["Policies"]
        resource = template_text(inline["PolicyDocument"]["Statement"][0]["Resource"],
                                 **{"AWS::Partition": "aws", "ConfigBucket": BUCKET})
        assert resource == plan(spec)[
            "put_s3_config_policy"].action.document["Statement"][0]["Resource"]


@pytest.mark.cli
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=specs())
def test_cfn_lint_passes_whatever_the_values(spec, tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(export_cloudformation(spec), encoding="utf-8")
    done = subprocess.run(["cfn-lint", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


# ---------------------------------------------------------------------------------------
# Against the sandbox: no canary, every value back byte-exact, by apply and by the CLI.
# ---------------------------------------------------------------------------------------
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=specs())
def test_apply_sends_every_value_exactly(spec, session, wipe):
    wipe()
    apply(spec, session)
    assert read_back(session, spec) == expected(spec)
    assert {r.outcome for r in audit(spec, session).rows} <= {"ok", "info"}
    assert apply(spec, session).writes == 0


@pytest.mark.cli
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=specs())
def test_the_cli_script_sends_every_value_exactly(spec, session, wipe, tmp_path_factory):
    wipe()
    folder = tmp_path_factory.mktemp("cli")
    run_cli(spec, session, workdir=folder)
    assert read_back(session, spec) == expected(spec)
    again = run_cli(spec, session, workdir=folder)
    assert not re.search(r"^\S+: done$", again.stdout, re.MULTILINE), again.stdout  # all: already done
    assert {r.outcome for r in audit(spec, session).rows} <= {"ok", "info"}


# ---------------------------------------------------------------------------------------
# The reported cases, one by one.
# ---------------------------------------------------------------------------------------
@pytest.mark.cli
@pytest.mark.parametrize("field", ["description", "config_key"])
def test_a_command_substitution_in_a_value_is_never_run(field, session, tmp_path):
    value = f"$(aws sts get-caller-identity >/dev/null; touch {CANARY})"
    spec = RoleSpec(features=["s3_config"], config_bucket=BUCKET, **{field: value})
    run_cli(spec, session, workdir=tmp_path)
    assert read_back(session, spec) == expected(spec)
    shown = "\n".join(plan(spec).commands())
    assert bash_syntax_ok(shown) and f"'{value}'" in shown  # single-quoted where it is shown


def test_a_line_break_in_the_key_cannot_end_a_comment_of_the_rollout():
    spec = RoleSpec(features=["s3_config"], config_bucket=BUCKET,
                    config_key=f"a.config\u2028touch {CANARY}")  # a line break to str.splitlines
    for script in (rollout_commands(spec), cloudformation_follow_up(spec), export_cli(spec)):
        # bash ends a line at "\n" only; in a comment the separator is an escape.
        assert not any(line.startswith("touch ") for line in script.split("\n")), script
        assert all("\u2028" not in line for line in script.split("\n") if line.startswith("#"))
    subprocess.run(["bash", "-c", rollout_commands(spec).replace("aws ", ": aws ")], check=True)


def test_a_value_with_a_line_break_is_not_re_indented():
    spec = RoleSpec(description="line1\n    x")
    script = export_cli(spec)
    assert "'line1\n    x'" in script and "'line1\n        x'" not in script


@pytest.mark.cli
def test_account_id_written_in_a_value_is_not_expanded(session, tmp_path):
    spec = RoleSpec(features=["s3_config"], config_bucket=BUCKET, config_key="cfg-${ACCOUNT_ID}.config")
    run_cli(spec, session, workdir=tmp_path)
    assert read_back(session, spec)["keys"] == ["cfg-${ACCOUNT_ID}.config"]
    again = run_cli(spec, session, workdir=tmp_path)
    assert "upload_ecs_config: already done" in again.stdout
    assert audit(spec, session)["upload_ecs_config"].outcome == "ok"


@pytest.mark.cli
def test_tags_the_cli_shorthand_would_break_arrive_exactly(session, tmp_path):
    spec = RoleSpec(tags={"empty": "", "spaced": "  a b  ", "math": "\U0001d400\U0001d401"})
    run_cli(spec, session, workdir=tmp_path)
    tags = session.client("iam").list_role_tags(RoleName="ecsInstanceRole")["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {**spec.tags, "created-by": "ecsrole-guide"}


@pytest.mark.cli
def test_a_template_with_an_intrinsic_in_the_description_lints_and_stays_literal(tmp_path):
    spec = RoleSpec(description="in ${AWS::AccountId} for ${AWS::Region}")
    text = export_cloudformation(spec)
    role = yaml.load(text, Loader=_CfnLoader)["Resources"]["ContainerInstanceRole"]
    assert template_text(role["Properties"]["Description"]) == spec.description
    path = tmp_path / "t.yaml"
    path.write_text(text)
    done = subprocess.run(["cfn-lint", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout


# ---------------------------------------------------------------------------------------
# Validation gaps: each refused before any call, naming the field.
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("choices,field", [
    ({"tags": {"Env": "a", "env": "b"}}, "tags['env']"),
    ({"tags": {"Created-By": "x"}}, "tags['Created-By']"),
    ({"tags": {"ECSROLE-GUIDE-ADDED": "x"}}, "tags['ECSROLE-GUIDE-ADDED']"),
    ({"features": None}, "features"),
    ({"features": [["ecr"]]}, "features"),
    ({"extra_policy_arns": [["arn:aws:iam::aws:policy/ReadOnlyAccess"]]}, "extra_policy_arns[0]"),
    ({"region": "us-east-99"}, "region"),
    ({"region": "cn-north-1", "extra_policy_arns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]},
     "extra_policy_arns[0]"),
    ({"region": "us-gov-west-1", "permissions_boundary": "arn:aws:iam::aws:policy/PowerUserAccess"},
     "permissions_boundary"),
    ({"features": ["s3_config"], "config_bucket": "192.168.01.1"}, "config_bucket"),
    ({"features": ["s3_config"], "config_bucket": "010.1.1.1"}, "config_bucket"),
    ({"features": ["s3_config"], "config_bucket": "bkt", "config_key": "a\x00b"}, "config_key"),
    ({"features": ["s3_config"], "config_bucket": "bkt", "config_key": "a\rb"}, "config_key"),
])
def test_validation_refuses_with_the_field(choices, field, session, record_calls):
    calls = record_calls(session)
    with pytest.raises(ValidationError) as caught:
        RoleSpec(**choices)
    assert field in caught.value.fields, caught.value
    assert calls.calls == []


def test_regions_come_from_botocores_partition_data():
    assert RoleSpec(region="eusc-de-east-1").partition == "aws-eusc"
    assert RoleSpec(region="ap-southeast-7").partition == "aws"


def test_tags_cannot_change_after_validation():
    spec = RoleSpec(tags={"team": "blue"})
    with pytest.raises(TypeError):
        spec.tags["team"] = "a b c"  # type: ignore[index]


def test_a_wildcard_in_the_key_matches_only_that_object():
    spec = RoleSpec(features=["s3_config"], config_bucket=BUCKET, least_privilege=True,
                    config_key="prod/*?$.config")
    resource = plan(spec)["put_s3_config_policy"].action.document["Statement"][0]["Resource"]
    assert resource == f"arn:aws:s3:::{BUCKET}/prod/${{*}}${{?}}${{$}}.config"


# ---------------------------------------------------------------------------------------
# Teardown never removes what the guide did not make (also tests/test_teardown.py).
# ---------------------------------------------------------------------------------------
def test_force_never_takes_a_shared_logs_policy_from_another_role(session, iam):
    spec = RoleSpec(features=["cloudwatch_logs"])
    apply(spec, session)
    account = session.client("sts").get_caller_identity()["Account"]
    arn = f"arn:aws:iam::{account}:policy/cwlogspolicy"
    iam.create_role(RoleName="other", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "ec2.amazonaws.com"}}]}))
    iam.attach_role_policy(RoleName="other", PolicyArn=arn)
    report = teardown(spec, session, force=True)
    assert report["create_logs_policy"].outcome == "kept"
    assert "other role" in report["create_logs_policy"].reason
    attached = iam.list_attached_role_policies(RoleName="other")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [arn]
    assert report["create_role"].outcome == "removed"  # the guide's own role is gone


def test_a_versioned_config_bucket_is_removed_with_the_guides_versions(session, state,
                                                                       empty_state):
    spec = RoleSpec(features=["s3_config"], config_bucket=BUCKET)
    apply(spec, session)
    s3 = session.client("s3")
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    apply(spec.replace(cluster_name="second"), session)  # a second version of ecs.config
    report = teardown(spec.replace(cluster_name="second"), session)
    assert report["create_config_bucket"].outcome == "removed", str(report)
    assert state(session) == empty_state


def test_a_versioned_bucket_with_someone_elses_version_is_kept(session):
    spec = RoleSpec(features=["s3_config"], config_bucket=BUCKET)
    apply(spec, session)
    s3 = session.client("s3")
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=BUCKET, Key="notes.txt", Body=b"theirs")
    s3.delete_object(Bucket=BUCKET, Key="notes.txt")  # only a version and a marker are left
    report = teardown(spec, session)
    assert report["create_config_bucket"].outcome == "kept"
    versions = s3.list_object_versions(Bucket=BUCKET)
    assert "notes.txt" in [v["Key"] for v in versions.get("Versions", [])]
    for item in versions.get("Versions", []) + versions.get("DeleteMarkers", []):
        s3.delete_object(Bucket=BUCKET, Key=item["Key"], VersionId=item["VersionId"])
    s3.delete_bucket(Bucket=BUCKET)


# ---------------------------------------------------------------------------------------
# Two writers at once; errors and hangs.
# ---------------------------------------------------------------------------------------
def _interleaved(session, first: RoleSpec, second: RoleSpec, before: str = "",
                 after: str = "") -> list:
    """Run ``first``; just before its ``before`` call (or after its ``after`` call), run
    ``second`` to the end."""
    outcomes: list = []
    ran = threading.Event()

    def other(**_):
        if not ran.is_set():
            ran.set()
            outcomes.append(_run(second, session))

    from ecsrole_lib import SandboxSession

    hooked = SandboxSession(session.endpoint_url, "us-east-1")
    hooked.events.register(f"before-call.*.{before}" if before else f"after-call.*.{after}",
                           other)
    outcomes.insert(0, _run(first, hooked))
    return outcomes


def _run(spec, session):
    try:
        return apply(spec, session)
    except ConflictError as err:
        return err


def test_two_specs_on_one_role_do_not_both_report_success(session, iam):
    ec2 = RoleSpec(role_name="shared", instance_profile_name="shared-profile")
    external = RoleSpec(role_name="shared", instance_kind="external")
    first, second = _interleaved(session, ec2, external, before="AttachRolePolicy")
    assert isinstance(first, ConflictError) or isinstance(second, ConflictError), (first, second)
    conflict = first if isinstance(first, ConflictError) else second
    assert "another writer" in str(conflict)


@pytest.mark.parametrize("role_name", ["ecsInstanceRole", "otherRole"])
def test_two_specs_on_one_bucket_do_not_both_report_success(role_name, session):
    a = RoleSpec(features=["s3_config"], config_bucket=BUCKET, cluster_name="a")
    b = RoleSpec(features=["s3_config"], config_bucket=BUCKET, cluster_name="b",
                 role_name=role_name)
    # b runs right after a wrote its ecs.config.
    first, second = _interleaved(session, a, b, after="PutObject")
    if role_name == a.role_name:  # b rewrites it: a's read-back sees b's
        assert isinstance(first, ConflictError) and "config_key" in first.fields
        assert not isinstance(second, ConflictError)
    else:  # another setup's: b is refused before it writes (issue 17, item 7)
        assert isinstance(second, ConflictError) and "config_key" in second.fields
        assert a.role_name in str(second) and role_name in str(second)
        assert not isinstance(first, ConflictError)
    body = session.client("s3").get_object(Bucket=BUCKET, Key="ecs.config")["Body"].read()
    # What the one run that reported success asked for.
    assert body == (b"ECS_CLUSTER=b\n" if role_name == a.role_name else b"ECS_CLUSTER=a\n")


def test_two_threads_applying_different_specs_to_one_role(session, iam):
    """Real threads: each run ends in a report or one of the guide's errors, never a crash.

    Which run wins depends on timing; the read-back catches a change made between a run's
    write and its read-back (the deterministic tests above), not one made after it.
    """
    from ecsrole_lib import EcsRoleError

    specs_ = [RoleSpec(role_name="raced", instance_profile_name="raced-profile"),
              RoleSpec(role_name="raced", instance_kind="external")]
    results: list = [None, None]

    def go(index):
        try:
            results[index] = _run(specs_[index], connect("sandbox"))
        except EcsRoleError as err:  # a conflict or an AWS race error: an honest outcome
            results[index] = err

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(r is not None for r in results), results  # no thread died of a raw error
    trust = iam.get_role(RoleName="raced")["Role"]["AssumeRolePolicyDocument"]
    principals = {s["Principal"]["Service"] for s in trust["Statement"]}
    assert principals in ({"ec2.amazonaws.com"}, {"ssm.amazonaws.com"})


def test_whoami_gives_the_guides_errors(monkeypatch, endpoint):
    from ecsrole_lib.notebook.forms import RoleForm

    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setattr(aws_module, "_CONFIG", aws_module._CONFIG.merge(
        Config(connect_timeout=0.2, read_timeout=0.2, retries={"max_attempts": 1})))
    form = RoleForm(target="aws")
    with pytest.raises(AwsError) as caught:
        form.whoami()
    assert not isinstance(caught.value, CredentialsError) and "GetCallerIdentity" in str(caught.value)


def test_whoami_with_keys_aws_refuses(monkeypatch, endpoint):
    from botocore.stub import Stubber

    from ecsrole_lib.aws.client import whoami

    session = connect("sandbox")
    stubbed = session.client("sts")
    stubber = Stubber(stubbed)
    stubber.add_client_error("get_caller_identity", "InvalidClientTokenId", "bad key", 403)
    stubber.activate()
    monkeypatch.setattr(type(session), "client", lambda self, *a, **k: stubbed)
    with pytest.raises(CredentialsError):
        whoami(session)


def test_an_endpoint_that_never_answers_gives_a_clear_error_soon(monkeypatch):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # accepts connections, never answers
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{silent.getsockname()[1]}")
    monkeypatch.setattr(aws_module, "_CONFIG", aws_module._CONFIG.merge(
        Config(read_timeout=0.3, connect_timeout=0.3)))
    started = time.monotonic()
    try:
        with pytest.raises(AwsError) as caught:
            audit(RoleSpec(), connect("aws"))
    finally:
        silent.close()
    assert "no answer" in str(caught.value)
    # Bounded by the client's attempts and timeouts, not by how many calls audit would make.
    assert time.monotonic() - started < aws_module.MAX_ATTEMPTS * 0.3 + 10
