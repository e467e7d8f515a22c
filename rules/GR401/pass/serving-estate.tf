locals {
  tags = { zone = "prod", CostCenter = "CC-1234" }
}

resource "aws_s3_bucket" "capture" {
  bucket = "acme-ml-capture"
  tags   = local.tags
}

resource "aws_sagemaker_model" "cascade" {
  name               = "app1-cascade"
  execution_role_arn = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
  primary_container {
    image          = "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-inference:2.19-cpu"
    model_data_url = "s3://acme-ml-datasets/app1/models/cascade/model.tar.gz"
  }
  tags = local.tags
}

resource "aws_sagemaker_endpoint_configuration" "cascade" {
  name = "app1-cascade"
  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.cascade.name
    initial_instance_count = 2
    instance_type          = "ml.c5.xlarge"
  }
  tags = local.tags
}

resource "aws_sagemaker_endpoint" "cascade" {
  name                 = "app1-cascade"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.cascade.name
  tags                 = local.tags
}

resource "aws_sagemaker_notebook_instance" "research" {
  name          = "app1-research-jdoe"
  instance_type = "ml.t3.medium"
  role_arn      = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
  root_access   = "Disabled"
  tags          = merge(local.tags, { zone = "research" })
}

resource "aws_sagemaker_domain" "studio" {
  domain_name = "app1-studio"
  auth_mode   = "IAM"
  vpc_id      = "vpc-0e8d3b2a1c9f47d60"
  subnet_ids  = ["subnet-0a1b2c3d4e5f60001"]
  default_user_settings {
    execution_role = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
  }
  tags = merge(local.tags, { zone = "research" })
}

resource "aws_sagemaker_data_quality_job_definition" "cascade" {
  name     = "app1-cascade-data-quality"
  role_arn = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
  data_quality_app_specification {
    image_uri = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  }
  data_quality_job_input {
    endpoint_input {
      endpoint_name = aws_sagemaker_endpoint.cascade.name
    }
  }
  data_quality_job_output_config {
    monitoring_outputs {
      s3_output {
        s3_uri = "s3://acme-ml-capture/monitoring/"
      }
    }
  }
  job_resources {
    cluster_config {
      instance_count    = 1
      instance_type     = "ml.m5.large"
      volume_size_in_gb = 20
    }
  }
  tags = local.tags
}

resource "aws_sagemaker_monitoring_schedule" "cascade" {
  name = "app1-cascade-data-quality-hourly"
  monitoring_schedule_config {
    monitoring_job_definition_name = aws_sagemaker_data_quality_job_definition.cascade.name
    monitoring_type                = "DataQuality"
  }
  tags = local.tags
}

resource "aws_sagemaker_pipeline" "retrain" {
  pipeline_name         = "app1-cascade-retrain"
  pipeline_display_name = "app1-cascade-retrain"
  role_arn              = "arn:aws:iam::111122223333:role/app1-sagemaker-execution"
  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps   = []
  })
  tags = merge(local.tags, { zone = "dev" })
}

resource "aws_iam_role" "deploy" {
  name = "app1-deploy"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "codepipeline.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  tags = local.tags
}
