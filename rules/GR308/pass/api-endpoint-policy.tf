# The SageMaker API endpoint's policy, managed apart from the endpoint (which another stack owns).
resource "aws_vpc_endpoint_policy" "sagemaker_api" {
  vpc_endpoint_id = "vpce-0a1b2c3d4e5f67890"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PresignedUrlFromTheVpcOnly"
      Effect    = "Allow"
      Principal = "*"
      Action    = ["sagemaker:CreatePresignedNotebookInstanceUrl", "sagemaker:CreatePresignedDomainUrl"]
      Resource  = "*"
      Condition = { IpAddress = { "aws:VpcSourceIp" = "10.20.0.0/16" } }
    }]
  })
}
