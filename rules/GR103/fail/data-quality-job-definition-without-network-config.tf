resource "aws_sagemaker_data_quality_job_definition" "cascade" {
  name     = "app1-data-quality"
  role_arn = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"

  data_quality_app_specification {
    image_uri = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  }

  data_quality_job_input {
    endpoint_input {
      endpoint_name = "app1-cascade"
    }
  }

  data_quality_job_output_config {
    monitoring_outputs {
      s3_output {
        s3_uri = "s3://acme-ml-datasets/app1/monitoring/data-quality/"
      }
    }
  }

  job_resources {
    cluster_config {
      instance_count    = 2
      instance_type     = "ml.m5.xlarge"
      volume_size_in_gb = 20
    }
  }
}
