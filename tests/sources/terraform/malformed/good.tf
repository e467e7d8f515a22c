resource "aws_kms_key" "ok" {
  description = "still loads"
}
