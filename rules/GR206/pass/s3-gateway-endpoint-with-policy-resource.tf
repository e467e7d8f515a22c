resource "aws_vpc_endpoint" "s3" {
  vpc_id            = "vpc-0e8d3b2a1c9f47d60"
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = ["rtb-0a1b2c3d4e5f60001"]
}

data "aws_iam_policy_document" "s3_endpoint" {
  statement {
    sid       = "PlatformBucketsOnly"
    actions   = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::acme-ml-datasets", "arn:aws:s3:::acme-ml-datasets/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_vpc_endpoint_policy" "s3" {
  vpc_endpoint_id = aws_vpc_endpoint.s3.id
  policy          = data.aws_iam_policy_document.s3_endpoint.json
}
