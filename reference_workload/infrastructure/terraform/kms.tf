# The platform key: rotated yearly, administered by the account, usable by SageMaker's execution role. The other
# resources name it through var.platform_key_arn, the ARN guardrails.yaml approves, so the IAM conditions compare
# against a known value. The existing platform imports its key (terraform import aws_kms_key.platform
# 1234abcd-12ab-34cd-56ef-1234567890ab); a new account applies, then approves the new ARN and sets the variable.

resource "aws_kms_key" "platform" {
  description         = "app1 platform key: datasets, model artefacts, training volumes, endpoint data capture"
  key_usage           = "ENCRYPT_DECRYPT"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${local.account}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "ExecutionRoleUses"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.execution.arn }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant", "kms:DescribeKey"]
        Resource  = "*"
      },
    ]
  })
  tags = local.tags
}

resource "aws_kms_alias" "platform" {
  name          = "alias/app1-platform"
  target_key_id = aws_kms_key.platform.key_id
}
