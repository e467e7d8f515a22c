resource "aws_iam_policy" "ml_ops" {
  name = "app1-ml-ops"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "TrainingAndHosting"
        Effect   = "Allow"
        Action   = ["sagemaker:Create*", "sagemaker:Update*", "sagemaker:Describe*"]
        Resource = "arn:aws:sagemaker:us-east-1:111122223333:*/app1-*"
      }
    ]
  })
}
