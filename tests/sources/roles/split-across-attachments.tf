# The training permission is the role's own; the deployment permission arrives by an attachment.
resource "aws_iam_role" "research" {
  name = "app1-research"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "sagemaker.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
  tags = { zone = "research" }
}

resource "aws_iam_role_policy" "train" {
  name = "train"
  role = aws_iam_role.research.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sagemaker:CreateTrainingJob", Resource = "arn:aws:sagemaker:us-east-1:111122223333:training-job/app1-*" }]
  })
}

resource "aws_iam_policy" "deploy" {
  name = "app1-deploy"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint"], Resource = "arn:aws:sagemaker:us-east-1:111122223333:endpoint/app1-*" }]
  })
}

resource "aws_iam_role_policy_attachment" "deploy" {
  role       = aws_iam_role.research.name
  policy_arn = aws_iam_policy.deploy.arn
}
