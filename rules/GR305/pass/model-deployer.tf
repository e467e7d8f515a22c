data "aws_iam_policy_document" "deployer" {
  statement {
    sid       = "ModelsAndConfigsForChargeback"
    actions   = ["sagemaker:CreateModel", "sagemaker:CreateEndpointConfig"]
    resources = ["arn:aws:sagemaker:us-east-1:111122223333:*/app1-*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestTag/CostCenter"
      values   = ["CC-5678"]
    }
  }
}

resource "aws_iam_policy" "deployer" {
  name   = "app1-model-deployer"
  policy = data.aws_iam_policy_document.deployer.json
}
