resource "aws_s3_bucket" "datasets" {
  bucket = "acme-ml-datasets"
}

data "aws_iam_policy_document" "datasets" {
  statement {
    sid       = "DenyUploadsWithoutEncryptionHeader"
    effect    = "Deny"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.datasets.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Null"
      variable = "s3:x-amz-server-side-encryption"
      values   = ["true"]
    }
  }
}

resource "aws_s3_bucket_policy" "datasets" {
  bucket = aws_s3_bucket.datasets.id
  policy = data.aws_iam_policy_document.datasets.json
}
