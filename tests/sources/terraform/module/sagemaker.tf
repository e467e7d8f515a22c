resource "aws_kms_key" "main" {
  description         = "ML data key"
  enable_key_rotation = true
}

resource "aws_subnet" "a" {
  vpc_id     = "vpc-1"
  cidr_block = "10.0.0.0/24"
}

resource "aws_security_group" "nb" {
  vpc_id = "vpc-1"
}

resource "aws_sagemaker_notebook_instance" "nb" {
  name                   = "${local.prefix}-nb"
  role_arn               = "arn:aws:iam::111122223333:role/nb"
  instance_type          = "ml.t3.medium"
  kms_key_id             = aws_kms_key.main.arn
  subnet_id              = aws_subnet.a.id
  security_groups        = [aws_security_group.nb.id]
  direct_internet_access = "Disabled"
  root_access            = "Disabled"
  tags                   = local.tags
}

resource "aws_sagemaker_notebook_instance" "defaults" {
  name          = "defaults"
  role_arn      = "arn:aws:iam::111122223333:role/nb"
  instance_type = "ml.t3.medium"
  kms_key_id    = var.kms_key_arn
  tags          = { Zone = local.loop_a }
}

resource "aws_sagemaker_model" "m" {
  name                     = "${local.prefix}-model"
  execution_role_arn       = "arn:aws:iam::111122223333:role/exec"
  enable_network_isolation = true

  primary_container {
    image          = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/model:1"
    model_data_url = "s3://models/model.tar.gz"
  }

  vpc_config {
    subnets            = var.subnets
    security_group_ids = ["sg-1"]
  }
}

resource "aws_sagemaker_endpoint_configuration" "ec" {
  name        = "${local.prefix}-ec"
  kms_key_arn = aws_kms_key.main.arn

  production_variants {
    variant_name           = "a"
    model_name             = aws_sagemaker_model.m.name
    initial_instance_count = 2
    instance_type          = "ml.m5.large"
  }

  production_variants {
    variant_name           = "b"
    model_name             = aws_sagemaker_model.m.name
    initial_instance_count = 1
    instance_type          = "ml.m5.large"
  }

  data_capture_config {
    enable_capture              = var.capture
    initial_sampling_percentage = 50
    destination_s3_uri          = "s3://${aws_s3_bucket.data.bucket}/capture"
    kms_key_id                  = aws_kms_key.main.arn

    capture_options {
      capture_mode = "Input"
    }
  }
}

resource "aws_sagemaker_endpoint" "ep" {
  name                 = "${local.prefix}-ep"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.ec.name
  tags                 = { Zone = "prod" }
}

resource "aws_sagemaker_domain" "d" {
  domain_name             = "studio"
  auth_mode               = "IAM"
  vpc_id                  = "vpc-1"
  subnet_ids              = [aws_subnet.a.id]
  kms_key_id              = aws_kms_key.main.arn
  app_network_access_type = "VpcOnly"

  default_user_settings {
    execution_role  = "arn:aws:iam::111122223333:role/studio"
    security_groups = [aws_security_group.nb.id]
  }
}

resource "aws_sagemaker_data_quality_job_definition" "dq" {
  name     = "dq"
  role_arn = "arn:aws:iam::111122223333:role/monitor"

  job_resources {
    cluster_config {
      instance_count    = 1
      instance_type     = "ml.m5.large"
      volume_size_in_gb = 20
      volume_kms_key_id = aws_kms_key.main.arn
    }
  }

  data_quality_job_output_config {
    kms_key_id = aws_kms_key.main.arn

    monitoring_outputs {
      s3_output {
        s3_uri = "s3://monitoring/out"
      }
    }
  }

  network_config {
    enable_inter_container_traffic_encryption = true
    enable_network_isolation                  = false

    vpc_config {
      subnets            = [aws_subnet.a.id]
      security_group_ids = ["sg-1"]
    }
  }
}

resource "aws_sagemaker_monitoring_schedule" "s" {
  name = "dq-schedule"

  monitoring_schedule_config {
    monitoring_job_definition_name = aws_sagemaker_data_quality_job_definition.dq.name
    monitoring_type                = "DataQuality"

    schedule_config {
      schedule_expression = "cron(0 * ? * * *)"
    }
  }

  tags = { Zone = "prod" }
}

resource "aws_sagemaker_pipeline" "p" {
  pipeline_name         = "${local.prefix}-pipeline"
  pipeline_display_name = "training"
  role_arn              = "arn:aws:iam::111122223333:role/pipeline"

  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Parameters = [
      { Name = "InstanceType", Type = "String", DefaultValue = "ml.m5.xlarge" },
    ]
    Steps = [
      {
        Name = "Train"
        Type = "Training"
        Arguments = {
          RoleArn = "arn:aws:iam::111122223333:role/train"
          ResourceConfig = {
            InstanceType   = { Get = "Parameters.InstanceType" }
            InstanceCount  = 1
            VolumeSizeInGB = 30
            VolumeKmsKeyId = aws_kms_key.main.arn
          }
          EnableNetworkIsolation = true
        }
      },
    ]
  })
}
