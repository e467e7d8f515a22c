variable "env" {
  type    = string
  default = "prod"
}

variable "kms_key_arn" {
  description = "A key managed elsewhere"
  type        = string
}

variable "subnets" {
  default = ["subnet-1", "subnet-2"]
}

variable "capture" {
  default = true
}

locals {
  prefix = "ml-${var.env}"
  tags = merge(
    { Team = "ml" },
    { Zone = var.env == "prod" ? "prod" : "dev" },
  )
  loop_a = "${local.loop_b}-a"
  loop_b = local.loop_a
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      Owner = "platform"
    }
  }
}

module "child" {
  source = "./child"
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}
