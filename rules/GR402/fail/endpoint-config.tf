resource "aws_sagemaker_endpoint_configuration" "recommender" {
  name = "app1-recommender"

  production_variants {
    variant_name           = "primary"
    model_name             = "app1-recommender"
    initial_instance_count = 3
    instance_type          = "ml.c5.xlarge"
  }

  data_capture_config {
    enable_capture              = false
    initial_sampling_percentage = 10
    destination_s3_uri          = "s3://acme-ml-datasets/app1/capture/"
    capture_options {
      capture_mode = "Input"
    }
  }

  tags = { zone = "prod" }
}
