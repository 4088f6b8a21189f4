resource "aws_s3_bucket_acl" "assets" {
  bucket = aws_s3_bucket.assets.id
  # ruleid: terraform.s3-public-access
  acl = "public-read"
}

resource "aws_s3_bucket_public_access_block" "assets" {
  bucket = aws_s3_bucket.assets.id
  # ruleid: terraform.s3-public-access
  block_public_acls = false
  # ok: terraform.s3-public-access
  block_public_policy = true
}

resource "aws_s3_bucket_acl" "logs" {
  bucket = aws_s3_bucket.logs.id
  # ok: terraform.s3-public-access
  acl = "private"
}
