resource "aws_sagemaker_endpoint_configuration" "cascade" {
  name        = "app1-cascade"
  kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

  production_variants {
    variant_name           = "primary"
    model_name             = "app1-cascade"
    initial_instance_count = 2
    instance_type          = "ml.c5.xlarge"
  }

  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = 100
    destination_s3_uri          = "s3://acme-ml-datasets/app1/capture/"
    kms_key_id                  = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    capture_options {
      capture_mode = "Input"
    }
    capture_options {
      capture_mode = "Output"
    }
  }

  tags = { zone = "prod", CostCenter = "CC-1234" }
}
