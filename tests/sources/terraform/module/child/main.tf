resource "aws_s3_bucket" "child" {
  bucket = "child-bucket"
}
