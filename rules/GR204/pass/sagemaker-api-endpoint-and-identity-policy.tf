resource "aws_vpc_endpoint" "sagemaker_api" {
  vpc_id              = "vpc-0e8d3b2a1c9f47d60"
  service_name        = "com.amazonaws.us-east-1.sagemaker.api"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  security_group_ids  = ["sg-0123456789abcdef0"]

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "PresignedUrlFromTheVpcOnly"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["sagemaker:CreatePresignedNotebookInstanceUrl", "sagemaker:CreatePresignedDomainUrl"]
        Resource  = "*"
        Condition = {
          IpAddress = { "aws:VpcSourceIp" = "10.20.0.0/16" }
        }
      }
    ]
  })
}

resource "aws_iam_policy" "data_scientist" {
  name = "app1-data-scientist"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "sagemaker:CreatePresignedNotebookInstanceUrl"
        Resource = "*"
        Condition = {
          StringEquals = { "aws:SourceVpce" = "vpce-0a1b2c3d4e5f67890" }
        }
      }
    ]
  })
}
