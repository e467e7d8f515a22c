resource "aws_sagemaker_notebook_instance" "scratch" {
  name          = "app1-scratch"
  instance_type = "ml.t3.medium"
  role_arn      = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
  root_access   = "Disabled"

  tags = {
    zone       = "research"
    CostCenter = "CC-1234"
  }
}
