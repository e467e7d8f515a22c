resource "aws_sagemaker_endpoint_configuration" "cascade" {
  name        = "app1-cascade"
  kms_key_arn = "arn:aws:kms:us-east-1:111122223333:alias/aws/sagemaker"

  production_variants {
    variant_name           = "AllTraffic"
    model_name             = "app1-cascade"
    initial_instance_count = 1
    instance_type          = "ml.m5.large"
  }
}

resource "aws_sagemaker_notebook_instance" "scratch" {
  name          = "app1-scratch"
  role_arn      = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
  instance_type = "ml.t3.medium"
}
