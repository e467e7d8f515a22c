# The SageMaker platform around the property-image cascade (app1), the Terraform twin of ../platform.yaml: a
# customer-managed key, the dataset bucket with SSE-KMS and deny policies, PrivateLink endpoints with restrictive
# policies, and the data-scientist role fenced by SageMaker's IAM condition keys.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "vpc_id" {
  type    = string
  default = "vpc-0e8d3b2a1c9f47d60"
}

variable "subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

variable "security_group_id" {
  type    = string
  default = "sg-0123456789abcdef0"
}

variable "platform_key_arn" {
  description = "The platform's customer-managed key: aws_kms_key.platform, by the ARN the organisation approves."
  type        = string
  default     = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

variable "sagemaker_api_endpoint_id" {
  type    = string
  default = "vpce-0a1b2c3d4e5f67890"
}

variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}

variable "cost_center" {
  type    = string
  default = "CC-1234"
}

variable "zone" {
  type    = string
  default = "prod"
  validation {
    condition     = contains(["research", "dev", "uat", "prod"], var.zone)
    error_message = "zone must be one of research, dev, uat, prod."
  }
}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  region  = data.aws_region.current.name
  account = data.aws_caller_identity.current.account_id
  tags    = { zone = var.zone, CostCenter = var.cost_center }
}
