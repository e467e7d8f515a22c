# Batch transform for app1 without any condition: the volume key is the caller's choice (or none).
data "aws_iam_policy_document" "transform" {
  statement {
    sid       = "BatchTransform"
    actions   = ["sagemaker:CreateTransformJob"]
    resources = ["arn:aws:sagemaker:us-east-1:111122223333:transform-job/app1-*"]
  }
}

resource "aws_iam_policy" "transform" {
  name   = "app1-batch-transform"
  policy = data.aws_iam_policy_document.transform.json
}
