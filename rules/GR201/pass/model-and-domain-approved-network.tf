resource "aws_sagemaker_model" "cascade" {
  name                     = "app1-cascade"
  execution_role_arn       = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
  enable_network_isolation = true

  primary_container {
    image          = "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference:2.19-cpu"
    model_data_url = "s3://acme-ml-datasets/app1/models/model.tar.gz"
  }

  vpc_config {
    subnets            = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}

resource "aws_sagemaker_domain" "studio" {
  domain_name             = "app1-studio"
  auth_mode               = "IAM"
  vpc_id                  = "vpc-0e8d3b2a1c9f47d60"
  subnet_ids              = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  app_network_access_type = "VpcOnly"

  default_user_settings {
    execution_role  = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
    security_groups = ["sg-0123456789abcdef0"]
  }
}
