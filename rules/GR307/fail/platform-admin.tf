data "aws_iam_policy_document" "admin" {
  statement {
    sid       = "KeyAdministration"
    actions   = ["kms:*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "admin" {
  name   = "app1-platform-admin"
  policy = data.aws_iam_policy_document.admin.json
}

resource "aws_s3_bucket" "logs" {
  bucket = "acme-ml-logs"
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Anything"
      Effect    = "Allow"
      Principal = "*"
      Action    = "*"
      Resource  = "*"
    }]
  })
}
