# The execution role SageMaker jobs run as, and the data scientists' self-service policy, fenced by SageMaker's
# condition keys: training only encrypted, isolated and inside the approved subnets, presigned URLs only through the
# endpoint and only for the notebook's creator, and the execution role as the only role they may pass.

resource "aws_iam_role" "execution" {
  name = "app1-sagemaker-execution"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = local.tags
}

resource "aws_iam_role_policy" "execution_datasets" {
  name = "datasets"
  role = aws_iam_role.execution.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
        Resource = [aws_s3_bucket.datasets.arn, "${aws_s3_bucket.datasets.arn}/*"]
      },
      {
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = var.platform_key_arn
      },
    ]
  })
}

resource "aws_iam_policy" "data_scientist" {
  name        = "app1-data-scientist"
  description = "Self-service SageMaker for app1 data scientists, fenced by SageMaker's condition keys."
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "TrainOnlyEncryptedIsolatedInTheVpc"
        Effect   = "Allow"
        Action   = "sagemaker:CreateTrainingJob"
        Resource = "arn:aws:sagemaker:${local.region}:${local.account}:training-job/app1-*"
        Condition = {
          StringEquals = {
            "aws:RequestTag/CostCenter" = var.cost_center
            "sagemaker:VolumeKmsKey"    = var.platform_key_arn
          }
          Bool = {
            "sagemaker:InterContainerTrafficEncryption" = "true"
            "sagemaker:NetworkIsolation"                = "true"
          }
          "ForAllValues:StringEquals" = {
            "sagemaker:VpcSubnets"          = var.subnet_ids
            "sagemaker:VpcSecurityGroupIds" = [var.security_group_id]
          }
          Null = {
            "sagemaker:VpcSubnets"          = "false"
            "sagemaker:VpcSecurityGroupIds" = "false"
          }
        }
      },
      {
        Sid       = "PresignedUrlThroughTheEndpointOnly"
        Effect    = "Allow"
        Action    = "sagemaker:CreatePresignedNotebookInstanceUrl"
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceVpce" = var.sagemaker_api_endpoint_id } }
      },
      {
        Sid       = "OnlyTheCreatorOpensANotebook"
        Effect    = "Deny"
        Action    = "sagemaker:CreatePresignedNotebookInstanceUrl"
        Resource  = "*"
        Condition = { "ForAllValues:StringNotEquals" = { "sagemaker:ResourceTag/creatorUserId" = "$${aws:userId}" } }
      },
      {
        Sid       = "PassOnlyTheExecutionRoleToSageMaker"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = aws_iam_role.execution.arn
        Condition = { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }
      },
    ]
  })
  tags = local.tags
}
