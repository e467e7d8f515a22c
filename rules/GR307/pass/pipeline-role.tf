resource "aws_iam_role" "execution" {
  name = "app1-sagemaker-execution"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

data "aws_iam_policy_document" "pipeline" {
  statement {
    sid       = "PassTheExecutionRole"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.execution.arn]
    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["sagemaker.amazonaws.com"]
    }
  }
  statement {
    sid       = "RunThePipeline"
    actions   = ["sagemaker:StartPipelineExecution", "sagemaker:DescribePipelineExecution"]
    resources = ["arn:aws:sagemaker:us-east-1:111122223333:pipeline/app1-*"]
  }
}

resource "aws_iam_policy" "pipeline" {
  name   = "app1-pipeline-runner"
  policy = data.aws_iam_policy_document.pipeline.json
}

resource "aws_s3_bucket" "artefacts" {
  bucket = "acme-ml-artefacts"
}

resource "aws_s3_bucket_policy" "artefacts" {
  bucket = aws_s3_bucket.artefacts.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "ExecutionRoleReads"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:role/app1-sagemaker-execution" }
      Action    = ["s3:GetObject"]
      Resource  = "arn:aws:s3:::acme-ml-artefacts/*"
    }]
  })
}
