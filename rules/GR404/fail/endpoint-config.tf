variable "instance_count" {
  type    = number
  default = 1
}

resource "aws_sagemaker_endpoint_configuration" "recommender" {
  name = "app1-recommender"

  production_variants {
    variant_name           = "primary"
    model_name             = "app1-recommender"
    initial_instance_count = var.instance_count
    instance_type          = "ml.c5.xlarge"
  }

  tags = { zone = "prod" }
}
