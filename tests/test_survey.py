"""``survey``: every role an instance could use with Amazon ECS, each with the audit's verdict.

The account is seeded with boto3, as people make roles by hand (``benchmarks/seed.py``):
30 roles, half of them container instance roles with a fault each (or none), half
other roles. The expected verdict of each kind is written here from the fault itself.
"""

from __future__ import annotations

import json
import sys

from benchmarks.seed import KINDS, document, plan_roles, seed
from ecsrole_lib import SandboxSession, survey
from ecsrole_lib.aws.client import Context, assumed
from ecsrole_lib.diagnose.survey import allows, survey_organization

survey_module = sys.modules["ecsrole_lib.diagnose.survey"]

HOLDS = "holds AmazonEC2ContainerServiceforEC2Role"
ALLOWED = "trusted by ec2.amazonaws.com; its policies allow ecs:RegisterContainerInstance"

#: kind -> (found because, (step, outcome) findings of the audit, the doctor's verdict);
#: None: not a role an instance could use with Amazon ECS.
REGISTERS, DENIED, NEVER = "registers", "registers, some calls denied", "does not register"
EXPECTED = {
    "documented": (HOLDS, set(), REGISTERS),
    # Amazon EC2 gives an instance a role only through an instance profile that holds it.
    "no instance profile": (HOLDS, {("create_instance_profile", "missing"),
                                    ("add_role_to_instance_profile", "missing")}, NEVER),
    "empty instance profile": (HOLDS, {("add_role_to_instance_profile", "missing")}, NEVER),
    # Amazon EC2 may not assume a role trusted by ecs-tasks only.
    "trusted by ecs-tasks": (HOLDS, {("create_role", "conflict")}, NEVER),
    # The hand-written policy has the agent's ECS calls, not the ECR image pulls.
    "inline policy instead": (ALLOWED, {("attach_managed_policy", "missing"),
                                        ("extra_inline_policy", "extra")}, DENIED),
    "customer managed policy instead": (ALLOWED, {("attach_managed_policy", "missing"),
                                                  ("extra_policy", "extra")}, DENIED),
    "extra managed policy": (HOLDS, {("extra_policy", "extra")}, REGISTERS),
    "ecs anywhere": (HOLDS, set(), REGISTERS),
    # Systems Manager's own calls are denied: the managed instance never comes online, and
    # the agent gets no credentials (the Amazon ECS Anywhere IAM role page requires the policy).
    "ecs anywhere without ssm core": (HOLDS, {("attach_ssm_managed_instance_core", "missing")},
                                      NEVER),
    # Systems Manager of any account could assume it (no aws:SourceAccount condition).
    "ecs anywhere without conditions": (HOLDS, {("create_role", "conflict")}, REGISTERS),
    "register denied": None,
    "ec2 without ecs": None,
    "lambda": None,
    "lambda allowed ecs": None,
}


def _findings(row) -> set[tuple[str, str]]:
    return {tuple(f.split(": ")[:2]) for f in row.findings}


def test_every_kind_has_an_expected_verdict():
    assert set(EXPECTED) == set(KINDS)


def test_survey_of_a_seeded_account_of_30_roles(session, record_calls):
    roles = plan_roles(30)
    seed(session, roles)
    calls = record_calls(session)
    result = survey(session)

    ecs_roles = {name: kind for name, kind in roles.items() if EXPECTED[kind] is not None}
    assert len(ecs_roles) == 15 and result.roles_listed == 30
    assert [row.role_name for row in result.rows] == sorted(ecs_roles)
    for row in result.rows:
        found_because, findings, doctor = EXPECTED[ecs_roles[row.role_name]]
        assert (row.found_because, _findings(row), row.doctor) == (found_because, findings, doctor), row
        assert bool(row.doctor_reason) == (doctor != REGISTERS)
        assert row.verdict == ("ok" if not findings else f"{len(findings)} finding(s)")
        assert row.account == "123456789012"
    profiles = {row.role_name: row.instance_profiles for row in result.rows}
    documented = next(n for n, k in ecs_roles.items() if k == "documented")
    assert profiles[documented] == (f"{documented}-profile",)
    assert all(profiles[n] == () for n, k in ecs_roles.items()
               if k in ("no instance profile", "empty instance profile", "ecs anywhere"))
    assert "task roles" in " ".join(result[next(
        n for n, k in ecs_roles.items() if k == "trusted by ecs-tasks")].findings)
    # The counts are the requests made, and nothing was written.
    assert result.reads == len(calls.since()) and calls.writes() == []


#: Managed policies attached and inline policies of each kind of container instance role.
POLICIES = {"documented": (1, 0), "no instance profile": (1, 0), "empty instance profile": (1, 0),
            "trusted by ecs-tasks": (1, 0), "inline policy instead": (0, 1),
            "customer managed policy instead": (1, 0), "extra managed policy": (2, 0),
            "ecs anywhere": (2, 0), "ecs anywhere without ssm core": (1, 0),
            "ecs anywhere without conditions": (2, 0)}


def test_reads_per_role_are_bounded(session, record_calls):
    """One listing for the account, then the audit (and doctor) of each role found."""
    roles = plan_roles(30)
    seed(session, roles)
    calls = record_calls(session)
    result = survey(session)
    per_role = {row.role_name: row.reads for row in result.rows}
    for name, reads in per_role.items():  # the README's bound for a role found
        attached, inline = POLICIES[roles[name]]
        assert reads <= 8 + 2 * attached + inline, (roles[name], reads)
    listing = 3 + 2  # the caller, the roles, the customer managed policies; S3 read only once
    assert len(calls.since()) == result.reads == listing + sum(per_role.values())


def test_the_survey_table_in_text_and_html(session):
    seed(session, {"ecsInstanceRole": "documented", "broken": "no instance profile"})
    result = survey(session)
    text, page = str(result), result._repr_html_()
    assert "2 of 2 roles" in text and "broken" in text and "ecsInstanceRole-profile" in text
    assert "create_instance_profile: missing" in text
    assert page.count("<tr>") == 3 and "<code>broken</code>" in page


def test_a_deny_in_another_policy_wins():
    allow = json.loads(document({"Effect": "Allow", "Action": "ecs:*", "Resource": "*"}))
    deny = json.loads(document({"Effect": "Deny", "Action": "ecs:RegisterContainerInstance",
                                "Resource": "*"}))
    assert allows([allow]) and not allows([allow, deny]) and not allows([])


def test_survey_across_two_accounts_of_an_organization(reset_endpoint):
    """The management account and a member account, the role assumed in the member."""
    session = SandboxSession(reset_endpoint)
    organizations = session.client("organizations")
    organizations.create_organization(FeatureSet="ALL")
    member = organizations.create_account(Email="member@example.com", AccountName="member")[
        "CreateAccountStatus"]["AccountId"]
    ctx = Context(session, "us-east-1")
    in_member = assumed(ctx, f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", "seed")
    assert in_member.client("sts").get_caller_identity()["Account"] == member
    # AWS Organizations makes the role in each account it creates (so does moto).
    in_member.client("iam").get_role(RoleName="OrganizationAccountAccessRole")
    seed(session, {"ecsInstanceRole": "documented"})
    seed(in_member, {"ecsInstanceRole": "no instance profile", "member-lambda": "lambda"})

    result = survey_organization(session)
    assert sorted(result.accounts) == sorted(["123456789012", member])
    assert result.verdicts == {("123456789012", "ecsInstanceRole"): "ok",
                               (member, "ecsInstanceRole"): "2 finding(s)"}
    assert result.roles_listed == 1 + 3  # each account's OrganizationAccountAccessRole too
    only = survey_organization(session, accounts=[member])
    assert only.accounts == (member,) and [r.account for r in only.rows] == [member]


def test_a_role_deleted_during_the_survey_is_left_out(session, monkeypatch, record_calls):
    seed(session, {"keep": "documented", "gone": "inline policy instead"})
    iam = session.client("iam")
    real = survey_module.audit

    def deleted_first(spec, session):  # the role goes between the listing and its audit
        if spec.role_name == "gone":
            iam.delete_role_policy(RoleName="gone", PolicyName="instance")
            iam.remove_role_from_instance_profile(InstanceProfileName="gone-profile", RoleName="gone")
            iam.delete_role(RoleName="gone")
        return real(spec, session)

    monkeypatch.setattr(survey_module, "audit", deleted_first)
    calls = record_calls(session)
    result = survey(session)
    assert [r.role_name for r in result.rows] == ["keep"] and result.roles_listed == 2
    assert result.reads == len([c for c in calls.since() if c.startswith(("Get", "List"))])


def test_a_role_deleted_during_its_audit_is_a_row_saying_so(session, record_calls):
    """Issue 17, item 14: the role goes after the audit found it and before it read the
    role's policies (IAM answers NoSuchEntity); the survey finishes, and the row says so."""
    seed(session, {"keep": "documented", "gone": "inline policy instead"})
    iam = session.client("iam")
    done = []

    def delete(params=None, **_):  # on the sending thread, before the request leaves
        if not done and "gone" in str(params.get("body", "")):
            done.append(True)
            iam.delete_role_policy(RoleName="gone", PolicyName="instance")
            iam.remove_role_from_instance_profile(InstanceProfileName="gone-profile", RoleName="gone")
            iam.delete_role(RoleName="gone")

    session.events.register("before-call.iam.ListAttachedRolePolicies", delete)
    calls = record_calls(session)
    result = survey(session)
    assert result["keep"].verdict == "ok" and done
    findings = result["gone"].findings
    assert findings and all("deleted while the audit read it" in f for f in findings)
    assert result["gone"].doctor == "no role"
    assert "role gone was deleted while the doctor read it" in result["gone"].doctor_reason
    assert result.reads == len([c for c in calls.since() if c.startswith(("Get", "List"))])


def test_a_role_the_doctor_cannot_decide_is_cannot_tell_in_the_survey(session):
    """Issue 18.3: the survey shows the doctor's three verdicts; a Deny that depends on the
    instance's source address (IAM: aws:SourceIp, not knowable for a role) is "cannot tell"."""
    seed(session, {"vpc-only": "documented"})
    session.client("iam").put_role_policy(
        RoleName="vpc-only", PolicyName="outside-the-vpc", PolicyDocument=document(
            {"Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}))
    row = survey(session)["vpc-only"]
    assert row.doctor == "cannot tell"
    assert row.doctor_reason.startswith("cannot tell whether an instance with this role "
                                        "registers: ecs:RegisterContainerInstance: cannot tell: ")
    assert "aws:SourceIp" in row.doctor_reason


def test_discovery_finds_every_role_the_doctor_would_flag(session):
    """Issue 18.4: discovery and verdict use the same evaluator and request. IAM, Policy
    evaluation logic: an Allow scoped to a cluster ARN, a NotAction Allow, and an Allow
    under a condition the request meets all allow ecs:RegisterContainerInstance; one under
    a condition on aws:SourceIp may (the doctor cannot tell)."""
    iam = session.client("iam")
    account = session.client("sts").get_caller_identity()["Account"]
    register = ["ecs:RegisterContainerInstance", "ecs:DiscoverPollEndpoint", "ecs:Poll",
                "ecs:StartTelemetrySession", "ecs:Submit*"]
    grants = {
        "scoped": {"Effect": "Allow", "Action": register,
                   "Resource": f"arn:aws:ecs:us-east-1:{account}:cluster/prod"},
        "not-action": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
        "in-region": {"Effect": "Allow", "Action": "ecs:*", "Resource": "*",
                      "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}},
        "from-the-vpc": {"Effect": "Allow", "Action": "ecs:*", "Resource": "*",
                         "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
    }
    for name, grant in grants.items():
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "ec2.amazonaws.com"}}]}))
        iam.put_role_policy(RoleName=name, PolicyName="agent", PolicyDocument=document(grant))
        iam.create_instance_profile(InstanceProfileName=f"{name}-profile")
        iam.add_role_to_instance_profile(InstanceProfileName=f"{name}-profile", RoleName=name)
    result = survey(session)
    assert sorted(r.role_name for r in result.rows) == sorted(grants)
    for name in ("scoped", "not-action", "in-region"):
        assert result[name].found_because == ALLOWED
    assert result["from-the-vpc"].found_because.startswith(
        "trusted by ec2.amazonaws.com; its policies may allow ecs:RegisterContainerInstance "
        "(cannot tell: ")
    assert "depends on aws:SourceIp" in result["from-the-vpc"].found_because
    # The doctor's verdicts on the same request: cluster default is not prod.
    assert result["not-action"].doctor == "registers"  # everything but IAM, ECR and logs too
    assert result["in-region"].doctor == "registers, some calls denied"
    assert result["scoped"].doctor == "does not register"
    assert result["from-the-vpc"].doctor == "cannot tell"


def test_a_feature_policy_is_an_extra_finding_and_the_survey_says_why(session):
    """Issue 19 (words that mislead): a role 02 made with CloudWatch Logs is "ok" in its own
    audit but has a finding in the survey; the survey says what it compared with."""
    from ecsrole_lib import RoleSpec, apply, audit

    spec = RoleSpec(features=["cloudwatch_logs"], least_privilege=True)
    apply(spec, session)
    assert audit(spec, session).findings == []
    result = survey(session)
    row = next(r for r in result.rows if r.role_name == "ecsInstanceRole")
    assert row.verdict == "1 finding(s)" and "extra" in row.findings[0]
    assert "compares each role with the page's base setup" in str(result)
