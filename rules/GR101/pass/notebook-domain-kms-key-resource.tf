resource "aws_kms_key" "platform" {
  description         = "app1 platform key"
  enable_key_rotation = true
}

resource "aws_sagemaker_notebook_instance" "research" {
  name                   = "app1-research"
  role_arn               = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
  instance_type          = "ml.t3.medium"
  kms_key_id             = aws_kms_key.platform.arn
  subnet_id              = "subnet-0a1b2c3d4e5f60001"
  security_groups        = ["sg-0123456789abcdef0"]
  direct_internet_access = "Disabled"
  root_access            = "Disabled"
}

resource "aws_sagemaker_domain" "studio" {
  domain_name             = "app1-studio"
  auth_mode               = "IAM"
  vpc_id                  = "vpc-0e8d3b2a1c9f47d60"
  subnet_ids              = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  app_network_access_type = "VpcOnly"
  kms_key_id              = aws_kms_key.platform.key_id

  default_user_settings {
    execution_role  = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
    security_groups = ["sg-0123456789abcdef0"]
  }
}
