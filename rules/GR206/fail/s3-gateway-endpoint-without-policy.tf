resource "aws_vpc_endpoint" "s3" {
  vpc_id            = "vpc-0e8d3b2a1c9f47d60"
  service_name      = "com.amazonaws.us-east-1.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = ["rtb-0a1b2c3d4e5f60001"]
}
