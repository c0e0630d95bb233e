from ecsrole_lib import RoleSpec, apply


def test_fresh_base_spec_makes_the_pages_four_writes(session, iam):
    report = apply(RoleSpec(), session)
    assert report.writes == 4
    role = iam.get_role(RoleName="ecsInstanceRole")["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    profile = iam.get_instance_profile(InstanceProfileName="ecsInstanceRole-profile")["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == ["ecsInstanceRole"]
