resource "aws_sagemaker_notebook_instance" "admin" {
  name          = "app1-admin"
  instance_type = "ml.t3.medium"
  role_arn      = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
  root_access   = "Enabled"

  tags = { zone = "dev" }
}
