"""The page's own documents, copied from procedure.md (not from the code under test)."""

# "Create the role: AWS CLI", step 1: instance-role-trust-policy.json.
PAGE_TRUST_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}

# "CloudWatch Logs monitoring": instance-cw-logs.json.
PAGE_LOGS_POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow",
     "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents",
                "logs:DescribeLogStreams"],
     "Resource": ["arn:aws:logs:*:*:*"]}]}
