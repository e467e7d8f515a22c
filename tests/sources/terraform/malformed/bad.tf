resource "aws_s3_bucket" "broken" {
  bucket = "x"

resource "aws_kms_key" "never" {
