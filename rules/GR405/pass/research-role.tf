# The research role trains and may deploy, but a Deny keeps it away from prod-tagged endpoints.
data "aws_iam_policy_document" "research" {
  statement {
    sid       = "TrainAndExperiment"
    actions   = ["sagemaker:CreateTrainingJob", "sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint"]
    resources = ["arn:aws:sagemaker:us-east-1:111122223333:*/app1-*"]
  }
  statement {
    sid       = "NeverCreateProdEndpoints"
    effect    = "Deny"
    actions   = ["sagemaker:CreateEndpoint"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/zone"
      values   = ["prod"]
    }
  }
  statement {
    sid       = "NeverTouchProdEndpoints"
    effect    = "Deny"
    actions   = ["sagemaker:UpdateEndpoint"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "sagemaker:ResourceTag/zone"
      values   = ["prod"]
    }
  }
}

resource "aws_iam_role_policy" "research" {
  name   = "app1-research"
  role   = "app1-research"
  policy = data.aws_iam_policy_document.research.json
}
