resource "aws_kms_key" "platform" {
  description         = "app1 platform key"
  enable_key_rotation = true
}

resource "aws_sagemaker_endpoint_configuration" "cascade" {
  name        = "app1-cascade-prod"
  kms_key_arn = aws_kms_key.platform.arn

  production_variants {
    variant_name           = "AllTraffic"
    model_name             = "app1-cascade"
    initial_instance_count = 2
    instance_type          = "ml.m5.large"
  }

  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = 20
    destination_s3_uri          = "s3://acme-ml-datasets/app1/capture/"
    kms_key_id                  = aws_kms_key.platform.arn

    capture_options {
      capture_mode = "Input"
    }
    capture_options {
      capture_mode = "Output"
    }
  }
}

resource "aws_sagemaker_data_quality_job_definition" "cascade" {
  name     = "app1-data-quality"
  role_arn = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"

  data_quality_app_specification {
    image_uri = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  }

  data_quality_job_input {
    endpoint_input {
      endpoint_name = "app1-cascade-prod"
    }
  }

  data_quality_job_output_config {
    kms_key_id = aws_kms_key.platform.arn
    monitoring_outputs {
      s3_output {
        s3_uri = "s3://acme-ml-datasets/app1/monitoring/data-quality/"
      }
    }
  }

  job_resources {
    cluster_config {
      instance_count    = 1
      instance_type     = "ml.m5.xlarge"
      volume_size_in_gb = 20
    }
  }
}
