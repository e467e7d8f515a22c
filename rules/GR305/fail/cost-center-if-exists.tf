# `StringEqualsIfExists` lets a request without the tag through.
data "aws_iam_policy_document" "notebooks" {
  statement {
    actions   = ["sagemaker:CreateNotebookInstance"]
    resources = ["arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/app1-*"]
    condition {
      test     = "StringEqualsIfExists"
      variable = "aws:RequestTag/CostCenter"
      values   = ["CC-1234"]
    }
  }
}

resource "aws_iam_policy" "notebooks" {
  name   = "app1-notebooks"
  policy = data.aws_iam_policy_document.notebooks.json
}
