# PrivateLink to SageMaker's API, runtime and notebooks, and a gateway to S3, each with a policy narrower than the
# default full access.

resource "aws_vpc_endpoint" "sagemaker_api" {
  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.${local.region}.sagemaker.api"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = var.subnet_ids
  security_group_ids  = [var.security_group_id]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "PresignedUrlFromTheVpcOnly"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["sagemaker:CreatePresignedNotebookInstanceUrl", "sagemaker:CreatePresignedDomainUrl"]
        Resource  = "*"
        Condition = { IpAddress = { "aws:VpcSourceIp" = var.vpc_cidr } }
      },
      {
        Sid       = "PlatformAccountOnly"
        Effect    = "Allow"
        Principal = "*"
        NotAction = ["sagemaker:CreatePresignedNotebookInstanceUrl", "sagemaker:CreatePresignedDomainUrl"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:PrincipalAccount" = local.account } }
      },
    ]
  })
  tags = local.tags
}

resource "aws_vpc_endpoint" "sagemaker_runtime" {
  vpc_id              = var.vpc_id
  service_name        = "com.amazonaws.${local.region}.sagemaker.runtime"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = var.subnet_ids
  security_group_ids  = [var.security_group_id]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "sagemaker:InvokeEndpoint"
      Resource  = "arn:aws:sagemaker:${local.region}:${local.account}:endpoint/app1-*"
      Condition = { StringEquals = { "aws:PrincipalAccount" = local.account } }
    }]
  })
  tags = local.tags
}

resource "aws_vpc_endpoint" "notebook" {
  vpc_id              = var.vpc_id
  service_name        = "aws.sagemaker.${local.region}.notebook"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = var.subnet_ids
  security_group_ids  = [var.security_group_id]
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "*"
      Resource  = "*"
      Condition = { StringEquals = { "aws:PrincipalAccount" = local.account } }
    }]
  })
  tags = local.tags
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = var.vpc_id
  service_name      = "com.amazonaws.${local.region}.s3"
  vpc_endpoint_type = "Gateway"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PlatformBucketsOnly"
      Effect    = "Allow"
      Principal = "*"
      Action    = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketLocation"]
      Resource  = ["arn:aws:s3:::acme-ml-datasets", "arn:aws:s3:::acme-ml-datasets/*"]
    }]
  })
  tags = local.tags
}
