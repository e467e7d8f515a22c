data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["sagemaker.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "exec" {
  name                 = "${local.prefix}-exec"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = "arn:aws:iam::111122223333:policy/boundary"
  tags                 = { Zone = "prod" }

  inline_policy {
    name = "logs"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = "logs:*"
        Resource = "*"
      }]
    })
  }
}

resource "aws_iam_policy" "read" {
  name = "read"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Read"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:ListBucket"]
        Resource = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]
      },
    ]
  })
}

resource "aws_iam_role_policy" "kms" {
  name = "kms"
  role = aws_iam_role.exec.id
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "${aws_kms_key.main.arn}"}]
    }
  EOT
}

resource "aws_iam_user_policy" "from_file" {
  name   = "from-file"
  user   = "someone"
  policy = file("${path.module}/policy.json")
}

resource "aws_organizations_policy" "scp" {
  name = "deny-leave"
  content = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Deny", Action = "organizations:LeaveOrganization", Resource = "*" }]
  })
}

resource "aws_organizations_policy" "tagging" {
  name    = "tags"
  type    = "TAG_POLICY"
  content = "{}"
}
