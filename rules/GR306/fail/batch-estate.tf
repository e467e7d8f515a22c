resource "aws_s3_bucket" "batch" {
  bucket = "acme-ml-batch"
  tags   = { zone = "dev" }
}

resource "aws_sagemaker_model" "batch" {
  name               = "app1-batch"
  execution_role_arn = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
  primary_container {
    image = "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference:2.19-cpu"
  }
  tags = { zone = "dev", CostCenter = "CC-4321" }
}

resource "aws_sagemaker_pipeline" "batch" {
  pipeline_name         = "app1-batch"
  pipeline_display_name = "app1-batch"
  role_arn              = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
  pipeline_definition   = jsonencode({ Version = "2020-12-01", Steps = [] })
}
