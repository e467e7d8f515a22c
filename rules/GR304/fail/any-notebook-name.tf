data "aws_iam_policy_document" "notebooks" {
  statement {
    sid       = "AnyNotebookName"
    actions   = ["sagemaker:CreateNotebookInstance"]
    resources = ["arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/*"]
  }
}

resource "aws_iam_policy" "notebooks" {
  name   = "app1-notebooks"
  policy = data.aws_iam_policy_document.notebooks.json
}
