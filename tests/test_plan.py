"""plan(spec): every documented step, in the page's order, with the page's commands (corrected).

Expected commands, names and documents are the page's, as procedure.md outlines them.
"""

from __future__ import annotations

import json
import re
import shlex

import pytest
from page import PAGE_LOGS_POLICY, PAGE_TRUST_POLICY

from ecsrole_lib import RoleSpec, errata, plan

CONTAINER_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
S3_READ_ONLY = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
ECR_ACTIONS = {"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage",
               "ecr:GetDownloadUrlForLayer", "ecr:GetAuthorizationToken"}

FULL = RoleSpec(features=["ecr", "s3_config", "cloudwatch_logs"], config_bucket="ecs-config-bucket",
                cluster_name="prod", trunking=True,
                extra_policy_arns=["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"])


def parse(command: str) -> tuple[list[str], dict[str, list[str]]]:
    """An AWS CLI command as (words before the first option, {option: values})."""
    tokens = shlex.split(command.replace("\\\n", " "))
    words, options, current = [], {}, None
    for token in tokens:
        if token.startswith("--"):
            current = token[2:]
            options[current] = []
        elif current is None:
            words.append(token)
        else:
            options[current].append(token)
    return words, options


ASSIGNMENT = re.compile(r"([A-Z_]+)=\$\((.*)\)", re.DOTALL)


def commands_of(the_plan, verb: str) -> list[dict[str, list[str]]]:
    """Options of every `aws ...` command of the plan whose words are ``verb``.

    A command whose output the shell keeps (``NAME=$(aws ...)``) counts too; its
    options get ``"="`` with the variable's name.
    """
    found = []
    for step in the_plan:
        for command in step.setup + step.cli:
            if command.startswith("# "):
                continue
            assigned = ASSIGNMENT.fullmatch(command)
            words, options = parse(assigned.group(2) if assigned else command)
            if assigned:
                options["="] = [assigned.group(1)]
            if " ".join(words) == verb:
                found.append(options)
    return found


def position(ids: list[str], *wanted: str) -> list[int]:
    return [ids.index(w) for w in wanted]


# ---------------------------------------------------------------------------------------
# Order.
# ---------------------------------------------------------------------------------------
def test_ec2_steps_follow_the_cli_procedure():
    ids = plan(RoleSpec()).ids
    order = position(ids, "create_role", "create_instance_profile",
                     "add_role_to_instance_profile", "attach_managed_policy")
    assert order == sorted(order)
    assert ids[0] == "create_role"


def test_feature_sections_follow_the_page():
    ids = plan(FULL).ids
    order = position(ids, "create_role", "attach_managed_policy", "check_ecr_permissions",
                     "attach_s3_read_only", "create_logs_policy", "find_logs_policy",
                     "attach_logs_policy")
    assert order == sorted(order)
    assert "enable_awsvpc_trunking" in ids and ids.index("enable_awsvpc_trunking") > order[-1]
    assert any(i.startswith("attach_extra_policy") for i in ids)


def test_every_step_has_titles_console_and_cli():
    for step in plan(FULL):
        assert step.title("en") and step.title("ko"), step.id
        assert step.console_path("en") and step.console_path("ko"), step.id
        commands = [c for c in step.setup + step.cli if not c.startswith("# ")]
        assert commands and all(c.startswith("aws ") or ASSIGNMENT.fullmatch(c)
                                for c in commands), step.id
        # A comment in a step's commands marks what the guide adds to the page's.
        assert all(c.startswith("# Added by ecsrole-guide (not on the page)")
                   for c in step.cli if c.startswith("# ")), step.id


def test_external_has_no_instance_profile_and_shows_the_activation():
    the_plan = plan(RoleSpec(instance_kind="external", features=["ecr", "cloudwatch_logs"]))
    assert not commands_of(the_plan, "aws iam create-instance-profile")
    assert not commands_of(the_plan, "aws iam add-role-to-instance-profile")
    attached = [o["policy-arn"][0] for o in commands_of(the_plan, "aws iam attach-role-policy")]
    assert SSM_CORE in attached and CONTAINER_POLICY in attached
    activation = commands_of(the_plan, "aws ssm create-activation")
    assert activation and activation[0]["iam-role"] == ["ecsAnywhereRole"]
    assert the_plan.ids[-1] == "create_activation"


# ---------------------------------------------------------------------------------------
# The page's commands, corrected.
# ---------------------------------------------------------------------------------------
def test_role_commands_are_the_pages():
    the_plan = plan(RoleSpec())
    (create,) = commands_of(the_plan, "aws iam create-role")
    assert create["role-name"] == ["ecsInstanceRole"]
    assert create["assume-role-policy-document"] == ["file://instance-role-trust-policy.json"]
    (profile,) = commands_of(the_plan, "aws iam create-instance-profile")
    assert profile["instance-profile-name"] == ["ecsInstanceRole-profile"]
    # E1: the role goes into the profile, not the other way round.
    (add,) = commands_of(the_plan, "aws iam add-role-to-instance-profile")
    assert add["instance-profile-name"] == ["ecsInstanceRole-profile"]
    assert add["role-name"] == ["ecsInstanceRole"]
    # E2: the policy is AmazonEC2ContainerServiceforEC2Role, under service-role/.
    (attach,) = commands_of(the_plan, "aws iam attach-role-policy")
    assert attach == {"policy-arn": [CONTAINER_POLICY], "role-name": ["ecsInstanceRole"]}


def test_trust_file_is_the_pages_document():
    files = plan(RoleSpec()).files()
    assert json.loads(files["instance-role-trust-policy.json"]) == PAGE_TRUST_POLICY


def test_external_trust_file_has_confused_deputy_conditions():
    document = json.loads(plan(RoleSpec(instance_kind="external")).files()[
        "instance-role-trust-policy.json"])
    (statement,) = document["Statement"]
    assert statement["Principal"] == {"Service": "ssm.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    keys = {key for pairs in statement["Condition"].values() for key in pairs}
    assert keys == {"aws:SourceAccount", "aws:SourceArn"}


def test_s3_command_is_corrected_e3():
    (attach,) = [o for o in commands_of(plan(FULL), "aws iam attach-role-policy")
                 if "AmazonS3ReadOnlyAccess" in o["policy-arn"][0]]
    assert attach == {"role-name": ["ecsInstanceRole"], "policy-arn": [S3_READ_ONLY]}


def test_logs_commands_are_corrected_e4_e5():
    the_plan = plan(FULL)
    (create,) = commands_of(the_plan, "aws iam create-policy")
    assert create["policy-name"] == ["cwlogspolicy"]
    assert create["policy-document"] == ["file://instance-cw-logs.json"]
    assert json.loads(the_plan.files()["instance-cw-logs.json"]) == PAGE_LOGS_POLICY
    (query,) = commands_of(the_plan, "aws iam list-policies")
    assert query["scope"] == ["Local"]
    assert query["query"] == ["Policies[?PolicyName==`cwlogspolicy`].Arn | [0]"]
    assert query["output"] == ["text"]
    # CLI step 4 attaches the ARN that step 3 looked up: no variable it did not define.
    ids = the_plan.ids
    assert [o for o in commands_of(the_plan, "aws iam attach-role-policy")
            if o["policy-arn"][0] == "$" + query["="][0]]
    assert ids.index("find_logs_policy") < ids.index("attach_logs_policy")
    everything = "\n".join(the_plan.commands()) + "\n".join(the_plan.files().values())
    for typo in ("cwlogsppolicy", "arn:aws::iam", ":aws:policy/cwlogspolicy",
                 "AmazonEC2ContainerServiceRoleForEC2Role"):
        assert typo not in everything


def test_the_preamble_sets_the_account_the_commands_use():
    commands = plan(FULL).commands()
    assert "ACCOUNT_ID" in commands[0] and "get-caller-identity" in commands[0]


def test_trunking_command():
    (setting,) = commands_of(plan(FULL), "aws ecs put-account-setting")
    assert setting["name"] == ["awsvpcTrunking"] and setting["value"] == ["enabled"]
    # The principal is the role's ARN, read from IAM first: it works in any account.
    (read,) = commands_of(plan(FULL), "aws iam get-role")
    assert read["role-name"] == ["ecsInstanceRole"] and read["query"] == ["Role.Arn"]
    assert setting["principal-arn"] == ["$" + read["="][0]]


def test_least_privilege_documents():
    spec = RoleSpec(features=["s3_config", "cloudwatch_logs"], least_privilege=True,
                    config_bucket="ecs-config-bucket", config_key="prod/ecs.config",
                    region="eu-west-1")
    the_plan = plan(spec)
    assert not [o for o in commands_of(the_plan, "aws iam attach-role-policy")
                if o["policy-arn"] == [S3_READ_ONLY]]
    (put,) = commands_of(the_plan, "aws iam put-role-policy")
    name = put["policy-document"][0].removeprefix("file://")
    (statement,) = json.loads(the_plan.files()[name])["Statement"]
    assert statement["Effect"] == "Allow"
    assert statement["Action"] in ("s3:GetObject", ["s3:GetObject"])
    assert statement["Resource"] in ("arn:aws:s3:::ecs-config-bucket/prod/ecs.config",
                                     ["arn:aws:s3:::ecs-config-bucket/prod/ecs.config"])
    (logs,) = json.loads(the_plan.files()["instance-cw-logs.json"])["Statement"]
    assert set(logs["Action"]) == set(PAGE_LOGS_POLICY["Statement"][0]["Action"])
    resources = logs["Resource"] if isinstance(logs["Resource"], list) else [logs["Resource"]]
    assert resources and all(r.startswith("arn:aws:logs:eu-west-1:") for r in resources)


def test_ecs_config_and_user_data_files():
    files = plan(FULL).files()
    assert files["ecs.config"].strip() == "ECS_CLUSTER=prod"
    user_data = files["user-data.sh"]
    assert user_data.startswith("#!")
    assert "s3://ecs-config-bucket/ecs.config" in user_data
    assert "/etc/ecs/ecs.config" in user_data


def test_china_partition_arns():
    the_plan = plan(RoleSpec(region="cn-north-1", features=["cloudwatch_logs"]))
    attached = [o["policy-arn"][0] for o in commands_of(the_plan, "aws iam attach-role-policy")]
    assert "arn:aws-cn:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role" in attached
    assert all(a.startswith("arn:aws-cn:") for a in attached if not a.startswith("$"))


def test_spec_choices_reach_the_commands():
    spec = RoleSpec(role_name="ecsTrunkRole", path="/ecs/", tags={"team": "blue"},
                    features=["cloudwatch_logs"], log_policy_name="ecs-logs")
    the_plan = plan(spec)
    (create,) = commands_of(the_plan, "aws iam create-role")
    assert create["role-name"] == ["ecsTrunkRole"] and create["path"] == ["/ecs/"]
    (tags,) = create["tags"]
    assert json.loads(tags) == [{"Key": "team", "Value": "blue"},
                                {"Key": "created-by", "Value": "ecsrole-guide"}]
    (profile,) = commands_of(the_plan, "aws iam create-instance-profile")
    assert profile["instance-profile-name"] == ["ecsTrunkRole-profile"]
    (policy,) = commands_of(the_plan, "aws iam create-policy")
    assert policy["policy-name"] == ["ecs-logs"]
    (query,) = commands_of(the_plan, "aws iam list-policies")
    assert "`ecs-logs`" in query["query"][0]


# ---------------------------------------------------------------------------------------
# Console clicks and renderings.
# ---------------------------------------------------------------------------------------
def test_console_steps_name_the_pages_choices():
    the_plan = plan(FULL)
    role = " ".join(the_plan["create_role"].console_path("en"))
    for words in ("Roles", "Create role", "AWS service", "Elastic Container Service",
                  "EC2 Role for Elastic Container Service", "ecsInstanceRole"):
        assert words in role, words
    # Console step 6 chooses the managed policy, before the role is named (8) and created (9).
    clicks = the_plan["create_role"].console_path("en")
    numbers = [int(c.split(".")[0]) for c in clicks if c[0].isdigit()]
    assert numbers == list(range(1, 10))
    assert "AmazonEC2ContainerServiceforEC2Role" in clicks[5]
    assert [int(c.split(".")[0]) for c in the_plan.console() if c[0].isdigit()][:9] == numbers
    logs = " ".join(the_plan["create_logs_policy"].console_path("en"))
    for words in ("Policies", "Create policy", "JSON", "cwlogspolicy"):
        assert words in logs, words


def test_korean_console_uses_the_korean_labels():
    the_plan = plan(FULL, lang="ko")
    text = "\n".join(the_plan.console())
    # procedure.md, "Console labels in the Korean console".
    for label in ("역할", "역할 생성", "AWS 서비스", "정책 생성", "정책 편집기"):
        assert label in text, label
    step = the_plan["create_role"]
    assert "역할" in step.title("ko") and step.title("ko") != step.title("en")


def test_text_and_html_renderings():
    the_plan = plan(FULL)
    text = str(the_plan)
    html = the_plan._repr_html_()
    for step in the_plan:
        assert step.id in text and step.id in html
        assert step.title() in text
    assert "<table" in html
    assert "ecsInstanceRole" in text


# ---------------------------------------------------------------------------------------
# Errata.
# ---------------------------------------------------------------------------------------
def test_errata_are_the_pages_nine():
    found = {e.id: e for e in errata()}
    assert list(found) == ["E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8", "E9"]
    assert "arn:aws::iam::aws:policy/AmazonS3ReadOnlyAccess" in found["E3"].as_written
    assert "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" in found["E3"].corrected
    assert "cwlogsppolicy" in found["E4"].as_written
    assert "cwlogspolicy" in found["E4"].corrected and "cwlogsppolicy" not in found["E4"].corrected
    assert "arn:aws:iam:111122223333:aws:policy/cwlogspolicy" in found["E5"].as_written
    assert "arn:aws:iam::111122223333:policy/cwlogspolicy" in found["E5"].corrected
    assert "AmazonEC2ContainerServiceRoleForEC2Role" in found["E2"].as_written
    assert "AmazonEC2ContainerServiceforEC2Role" in found["E2"].corrected
    for erratum in found.values():
        assert erratum.why and erratum.where


def test_each_erratum_belongs_to_a_step_of_the_full_plan():
    the_plan = plan(FULL)
    for erratum in errata():
        step = the_plan[erratum.step]
        assert erratum.id in step.errata, (erratum.id, step.id)


@pytest.mark.parametrize("spec", [
    pytest.param(RoleSpec(), id="ec2"),
    pytest.param(FULL, id="ec2-full"),
    pytest.param(RoleSpec(instance_kind="external", features=["ecr", "cloudwatch_logs"],
                          least_privilege=True), id="external"),
])
def test_every_command_file_is_in_files(spec):
    the_plan = plan(spec)
    files = the_plan.files()
    for command in the_plan.commands():
        for name in re.findall(r"file://(\S+)", command):
            assert name in files, name
        if "--body" in command:
            assert parse(command)[1]["body"][0] in files


# ---------------------------------------------------------------------------------------
# Issue 11: what a step shows works when pasted into a real account.
# ---------------------------------------------------------------------------------------
SPECS = [FULL, RoleSpec(instance_kind="external", features=["ecr", "cloudwatch_logs"],
                        least_privilege=True),
         RoleSpec(features=["s3_config", "cloudwatch_logs"], least_privilege=True,
                  config_bucket="b-1", path="/ecs/", trunking=True)]


@pytest.mark.parametrize("spec", SPECS, ids=["full", "external-least", "least-trunking"])
def test_per_step_commands_use_only_variables_an_earlier_shown_command_defined(spec):
    defined: set[str] = set()
    for step in plan(spec):
        for command in step.setup + step.cli:
            if command.startswith("# "):
                continue
            body = ASSIGNMENT.fullmatch(command)
            used = set(re.findall(r"\$\{?([A-Z_][A-Z0-9_]*)", body.group(2) if body else command))
            assert used <= defined, (step.id, used - defined, command)
            if body:
                defined.add(body.group(1))


@pytest.mark.parametrize("spec", SPECS, ids=["full", "external-least", "least-trunking"])
def test_a_known_account_fills_every_document_and_nothing_is_left_to_replace(spec):
    the_plan = plan(spec, account="444455556666")
    shown = "\n".join(the_plan.files().values()) + "\n".join(
        c for s in the_plan for c in s.setup + s.cli) + "\n".join(s.note for s in the_plan)
    assert "${ACCOUNT_ID}" not in shown and "123456789012" not in shown
    if spec.instance_kind == "external":
        trust = json.loads(the_plan.files()["instance-role-trust-policy.json"])
        assert trust["Statement"][0]["Condition"]["StringEquals"] == {
            "aws:SourceAccount": "444455556666"}


def test_an_unknown_account_is_said_plainly_where_a_file_needs_it():
    the_plan = plan(SPECS[1])
    for step in the_plan:
        for name in step.account_files:
            assert "${ACCOUNT_ID}" in step.files[name]
            assert "replace it with your 12-digit account id" in step.note
            assert "ACCOUNT_ID=$(aws sts get-caller-identity" in step.note
    assert {n for s in the_plan for n in s.account_files} == {
        "instance-role-trust-policy.json", "instance-cw-logs.json"}


def test_external_console_says_which_policies_to_select_at_step_6():
    clicks = plan(SPECS[1])["create_role"].console_path("en")
    six = next(c for c in clicks if c.startswith("6."))
    assert "AmazonSSMManagedInstanceCore" in six and "AmazonEC2ContainerServiceforEC2Role" in six


def test_claims_hold_against_the_union_of_policies():
    the_plan = plan(RoleSpec(features=["s3_config", "cloudwatch_logs"], least_privilege=True,
                             config_bucket="b-1"))
    logs = the_plan["create_logs_policy"].note
    assert "cannot write logs" not in logs and "union" in logs
    assert "logs:CreateLogStream and logs:PutLogEvents on *" in logs
    bucket = the_plan["create_config_bucket"].note
    assert "only the role reads" not in bucket and "any principal" in bucket


def test_the_guides_additions_are_marked_as_its_own():
    the_plan = plan(RoleSpec(features=["s3_config", "cloudwatch_logs"], config_bucket="b-1"))
    for step_id, added in (("create_role", "--tags"), ("create_instance_profile", "--tags"),
                           ("create_logs_policy", "--tags"), ("upload_ecs_config", "--tagging"),
                           ("create_config_bucket", "put-bucket-tagging")):
        cli = the_plan[step_id].cli
        marks = [i for i, c in enumerate(cli) if c.startswith("# Added by ecsrole-guide")]
        uses = [i for i, c in enumerate(cli) if added in c and not c.startswith("#")]
        assert marks and uses and marks[0] < uses[0], step_id
    # The page's own commands carry no mark.
    assert not any(c.startswith("#") for c in the_plan["attach_managed_policy"].cli)


def test_the_korean_plan_table_says_where_each_step_is_on_the_page_in_korean():
    """Issue 19 (rendering, Korean): the plan's page references and the guide's comments in its
    commands are Korean; the commands sit on a full-width row that keeps words whole."""
    from ecsrole_lib import RoleSpec
    from ecsrole_lib.plan import plan

    shown = plan(RoleSpec(), "ko")._repr_html_()
    assert "콘솔 1~9단계, AWS CLI 1~2단계" in shown and "Console steps" not in shown
    assert "# ecsrole-guide가 추가함(페이지에 없음)" in shown and "# Added by" not in shown
    assert "colspan='2'><pre" in shown and "word-break:normal" in shown
    assert "ecsInstanceRole을 입력합니다" in shown and "을(를)" not in shown
    english = plan(RoleSpec())._repr_html_()
    assert "Console steps 1-9; AWS CLI steps 1-2" in english and "# Added by ecsrole-guide" in english
