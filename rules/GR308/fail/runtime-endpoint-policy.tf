# The runtime endpoint's policy lets principals of the organisation invoke app1's endpoints, but
# `StringEqualsIfExists` also admits any request that carries no aws:PrincipalOrgID at all.
resource "aws_vpc_endpoint_policy" "sagemaker_runtime" {
  vpc_endpoint_id = "vpce-0a1b2c3d4e5f67891"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "sagemaker:InvokeEndpoint"
      Resource  = "arn:aws:sagemaker:us-east-1:111122223333:endpoint/app1-*"
      Condition = { StringEqualsIfExists = { "aws:PrincipalOrgID" = "o-a1b2c3d4e5" } }
    }]
  })
}
