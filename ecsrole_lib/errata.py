"""The page's own errors, E1 to E9: what it says, what is right, and why.

E1 to E6 break a command or leave a question open; E7 to E9 are slips in its prose
that teach something wrong. ``as_written`` quotes the page (Korean edition) exactly.

>>> [e.id for e in errata()]
['E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7', 'E8', 'E9']
>>> errata()[2].step
'attach_s3_read_only'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Erratum", "errata"]


@dataclass(frozen=True)
class Erratum:
    """One error on the page, and the step of the plan it belongs to."""

    id: str
    where: str
    as_written: str
    corrected: str
    why: str
    step: str


_ERRATA = (
    Erratum("E1", "AWS CLI step 4, the sentence above the command",
            "ecsInstanceRole 인스턴스 프로파일에 ecsInstanceRole-profile 역할을 추가합니다. "
            "(add role ecsInstanceRole-profile to instance profile ecsInstanceRole)",
            "Add role ecsInstanceRole to instance profile ecsInstanceRole-profile",
            "The sentence swaps the two names; the command below it is right.",
            "add_role_to_instance_profile"),
    Erratum("E2", "AWS CLI step 5, the sentence above the command",
            "AmazonEC2ContainerServiceRoleForEC2Role",
            "AmazonEC2ContainerServiceforEC2Role",
            "No managed policy has the name in the sentence; the command's ARN is right.",
            "attach_managed_policy"),
    Erratum("E3", "Amazon S3 read-only access, the AWS CLI command",
            "aws iam attach-role-policy --role-name ecsInstanceRole "
            "--policy-arn arn:aws::iam::aws:policy/AmazonS3ReadOnlyAccess",
            "aws iam attach-role-policy --role-name ecsInstanceRole "
            "--policy-arn arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
            "An extra ':' after 'aws' empties the service field, so IAM rejects the ARN.",
            "attach_s3_read_only"),
    Erratum("E4", "Container instance monitoring, AWS CLI step 3",
            "aws iam list-policies --scope Local --query 'Policies[?PolicyName==`cwlogsppolicy`].Arn'",
            "aws iam list-policies --scope Local --query 'Policies[?PolicyName==`cwlogspolicy`].Arn'",
            "The doubled 'p' names no policy, so the query prints an empty list without any error.",
            "find_logs_policy"),
    Erratum("E5", "Container instance monitoring, AWS CLI step 4",
            "aws iam attach-role-policy --role-name ecsInstanceRole "
            "--policy-arn arn:aws:iam:111122223333:aws:policy/cwlogspolicy",
            "aws iam attach-role-policy --role-name ecsInstanceRole "
            "--policy-arn arn:aws:iam::111122223333:policy/cwlogspolicy",
            "The account id sits in the region field and a stray 'aws:' precedes 'policy/'; "
            "a customer managed policy's ARN is arn:aws:iam::<account>:policy/<name>.",
            "attach_logs_policy"),
    Erratum("E6", "Amazon ECR permissions",
            "역할이 Amazon ECR을 지원하는지 확인하려면 ... Amazon ECS 컨테이너 인스턴스 IAM 역할을 "
            "참조하세요. (to check the role supports ECR, see this same page)",
            "Read the attached policies' documents and look for the four ECR actions.",
            "The page links to itself, so the question is left open; the guide answers it "
            "from AmazonEC2ContainerServiceforEC2Role's document.",
            "check_ecr_permissions"),
    Erratum("E7", "Introduction, the paragraph on the managed policy",
            "이 관리형 정책은 IAM 연결에 연결하고, 컨테이너 인스턴스와 연결할 수 있습니다. "
            "(this managed policy is attached to an IAM attachment, and can be attached to "
            "container instances)",
            "이 관리형 정책을 IAM 역할에 연결하고, 그 역할을 컨테이너 인스턴스와 연결할 수 있습니다. "
            "(attach this managed policy to an IAM role, and associate that role with your "
            "container instances)",
            "The sentence is garbled: a policy is attached to a role, not to an 'IAM attachment', "
            "and it is the role (through its instance profile) that goes with the instances.",
            "attach_managed_policy"),
    Erratum("E8", "Create the container instance role, the console procedure's title",
            "Elastic Container Service에 대한 서비스 역할을 생성하는 방법(IAM 콘솔) "
            "(to create a service role for Elastic Container Service)",
            "컨테이너 인스턴스 IAM 역할을 생성하는 방법(IAM 콘솔) "
            "(to create the container instance IAM role)",
            "The procedure makes the container instance role, which Amazon EC2 "
            "(ec2.amazonaws.com) assumes for the instances; Amazon ECS does not assume it, so it "
            "is not a service role for Amazon ECS. Elastic Container Service is only the "
            "console's use case group.",
            "create_role"),
    Erratum("E9", "Introduction, the paragraph on ENI trunking",
            "역할 하나에 awsvpcTrunking 계정 설정을 활성화하고 ENI 트렁킹이 필요한 작업에 해당 역할을 "
            "사용합니다. (enable awsvpcTrunking for one role and use that role for tasks that "
            "need ENI trunking)",
            "역할 하나에 awsvpcTrunking 계정 설정을 활성화하고, ENI 트렁킹이 필요한 작업을 실행할 "
            "컨테이너 인스턴스를 그 역할로 시작합니다. (launch the container instances that run "
            "those tasks with that role)",
            "A container instance role belongs to instances, not tasks (a task has its own task "
            "role): instances registered with the role's instance profile get a trunk interface, "
            "and their awsvpc tasks use it.",
            "enable_awsvpc_trunking"),
)


def errata() -> list[Erratum]:
    """The page's errors, in page order."""
    return list(_ERRATA)
