resource "aws_kms_key" "platform" {
  description         = "app1 platform key"
  enable_key_rotation = true
}

resource "aws_s3_bucket" "datasets" {
  bucket = "acme-ml-datasets"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "datasets" {
  bucket = aws_s3_bucket.datasets.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.platform.arn
    }
    bucket_key_enabled = true
  }
}
