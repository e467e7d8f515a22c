resource "aws_sagemaker_notebook_instance" "scratch" {
  name          = "app1-scratch"
  role_arn      = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
  instance_type = "ml.t3.medium"
}

resource "aws_sagemaker_domain" "studio" {
  domain_name = "app1-studio"
  auth_mode   = "IAM"
  vpc_id      = "vpc-0e8d3b2a1c9f47d60"
  subnet_ids  = ["subnet-0a1b2c3d4e5f60001"]

  default_user_settings {
    execution_role = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
  }
}
