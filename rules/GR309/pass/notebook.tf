resource "aws_sagemaker_notebook_instance" "research" {
  name                   = "app1-research-bwong"
  instance_type          = "ml.t3.medium"
  role_arn               = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
  kms_key_id             = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  subnet_id              = "subnet-0a1b2c3d4e5f60001"
  security_groups        = ["sg-0123456789abcdef0"]
  direct_internet_access = "Disabled"
  root_access            = "Disabled"

  tags = {
    zone          = "research"
    CostCenter    = "CC-1234"
    creatorUserId = "AROAEXAMPLEROLEID:bwong"
  }
}
