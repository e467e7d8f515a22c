locals {
  app = "app1"
}

data "aws_iam_policy_document" "training" {
  statement {
    sid       = "TrainApp1Models"
    actions   = ["sagemaker:CreateTrainingJob"]
    resources = ["arn:aws:sagemaker:us-east-1:111122223333:training-job/${local.app}-*"]
  }
  statement {
    sid       = "ReadAnything"
    actions   = ["sagemaker:DescribeTrainingJob", "sagemaker:ListTrainingJobs"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "training" {
  name               = "app1-training"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "codebuild.amazonaws.com" }, Action = "sts:AssumeRole" }] })

  inline_policy {
    name   = "training"
    policy = data.aws_iam_policy_document.training.json
  }

  tags = { zone = "dev" }
}
