# The seed's notebook access control for app1's data scientists, as Terraform writes it (`$${` is a literal `${`).
variable "api_endpoint_id" {
  type    = string
  default = "vpce-0a1b2c3d4e5f67890"
}

data "aws_iam_policy_document" "notebook_access" {
  statement {
    sid       = "OnlyTheCreatorOpensANotebook"
    effect    = "Deny"
    actions   = ["sagemaker:CreatePresignedNotebookInstanceUrl"]
    resources = ["*"]
    condition {
      test     = "ForAllValues:StringNotEquals"
      variable = "sagemaker:ResourceTag/creatorUserId"
      values   = ["$${aws:userId}"]
    }
  }

  statement {
    sid       = "PresignedUrlThroughTheEndpointOnly"
    actions   = ["sagemaker:CreatePresignedNotebookInstanceUrl"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:SourceVpce"
      values   = [var.api_endpoint_id]
    }
  }
}

resource "aws_iam_policy" "notebook_access" {
  name   = "app1-notebook-access"
  policy = data.aws_iam_policy_document.notebook_access.json
}
