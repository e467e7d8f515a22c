resource "aws_sagemaker_model" "cascade" {
  name               = "app1-cascade"
  execution_role_arn = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"

  primary_container {
    image          = "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference:2.19-cpu"
    model_data_url = "s3://acme-ml-datasets/app1/models/cascade/model.tar.gz"
  }

  tags = {
    zone                    = "prod"
    "lineage:training-job" = "app1-cascade-20261126"
  }
}
