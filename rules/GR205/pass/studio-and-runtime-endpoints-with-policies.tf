resource "aws_vpc_endpoint" "studio" {
  vpc_id              = "vpc-0e8d3b2a1c9f47d60"
  service_name        = "aws.sagemaker.us-east-1.studio"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = ["subnet-0a1b2c3d4e5f60001"]
  security_group_ids  = ["sg-0123456789abcdef0"]

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "*"
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:PrincipalAccount" = "111122223333" }
        }
      }
    ]
  })
}

resource "aws_vpc_endpoint" "runtime" {
  vpc_id              = "vpc-0e8d3b2a1c9f47d60"
  service_name        = "com.amazonaws.us-east-1.sagemaker.runtime"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = ["subnet-0a1b2c3d4e5f60001"]
  security_group_ids  = ["sg-0123456789abcdef0"]
}

resource "aws_vpc_endpoint_policy" "runtime" {
  vpc_endpoint_id = aws_vpc_endpoint.runtime.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "sagemaker:InvokeEndpoint"
        Resource  = "arn:aws:sagemaker:us-east-1:111122223333:endpoint/app1-*"
        Condition = {
          StringEquals = { "aws:PrincipalAccount" = "111122223333" }
        }
      }
    ]
  })
}
