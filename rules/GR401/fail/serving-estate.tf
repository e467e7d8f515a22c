resource "aws_sagemaker_notebook_instance" "ops" {
  name          = "app1-ops"
  instance_type = "ml.t3.medium"
  role_arn      = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
  root_access   = "Disabled"
}

resource "aws_sagemaker_endpoint" "cascade" {
  name                 = "app1-cascade"
  endpoint_config_name = "app1-cascade"
  tags                 = { zone = "live" }
}

resource "aws_iam_role" "deploy" {
  name = "app1-deploy"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "codepipeline.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  tags = { CostCenter = "CC-1234" }
}

resource "aws_s3_bucket" "capture" {
  bucket = "acme-ml-capture"
  tags   = { zone = "prod " }
}
