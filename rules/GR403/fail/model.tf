resource "aws_sagemaker_model" "recommender" {
  name               = "app1-recommender"
  execution_role_arn = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"

  container {
    image          = "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference:2.19-cpu"
    model_data_url = "s3://acme-ml-datasets/app1/models/recommender/model.tar.gz"
  }

  tags = { zone = "prod", "lineage:trainingjob" = "app1-recommender-20261101" }
}
