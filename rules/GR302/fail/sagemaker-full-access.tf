# A "power user" policy: every SageMaker action on every resource, notebooks of other users included.
resource "aws_iam_policy" "sagemaker_power_user" {
  name = "app1-sagemaker-power-user"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "Everything"
      Effect   = "Allow"
      Action   = "sagemaker:*"
      Resource = "*"
    }]
  })
}
