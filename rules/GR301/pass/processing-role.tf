# A processing role for app1's feature pipeline: processing jobs only with the platform key, traffic encryption,
# network isolation and the platform subnets/security group.
variable "platform_key_arn" {
  type    = string
  default = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

variable "subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

data "aws_iam_policy_document" "processing" {
  statement {
    sid       = "ProcessingEncryptedIsolatedInTheVpc"
    actions   = ["sagemaker:CreateProcessingJob"]
    resources = ["arn:aws:sagemaker:us-east-1:111122223333:processing-job/app1-*"]

    condition {
      test     = "StringEquals"
      variable = "sagemaker:VolumeKmsKey"
      values   = [var.platform_key_arn]
    }
    condition {
      test     = "Bool"
      variable = "sagemaker:InterContainerTrafficEncryption"
      values   = ["true"]
    }
    condition {
      test     = "Bool"
      variable = "sagemaker:NetworkIsolation"
      values   = ["true"]
    }
    condition {
      test     = "ForAllValues:StringEquals"
      variable = "sagemaker:VpcSubnets"
      values   = var.subnet_ids
    }
    condition {
      test     = "ForAllValues:StringEquals"
      variable = "sagemaker:VpcSecurityGroupIds"
      values   = ["sg-0123456789abcdef0"]
    }
    condition {
      test     = "Null"
      variable = "sagemaker:VpcSubnets"
      values   = ["false"]
    }
    condition {
      test     = "Null"
      variable = "sagemaker:VpcSecurityGroupIds"
      values   = ["false"]
    }
  }
}

resource "aws_iam_role_policy" "processing" {
  name   = "app1-processing"
  role   = "app1-feature-pipeline"
  policy = data.aws_iam_policy_document.processing.json
}
