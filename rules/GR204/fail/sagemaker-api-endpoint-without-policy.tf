resource "aws_vpc_endpoint" "sagemaker_api" {
  vpc_id              = "vpc-0e8d3b2a1c9f47d60"
  service_name        = "com.amazonaws.us-east-1.sagemaker.api"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = ["subnet-0a1b2c3d4e5f60001"]
  security_group_ids  = ["sg-0123456789abcdef0"]
}
