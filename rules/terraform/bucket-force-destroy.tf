resource "aws_s3_bucket" "uploads" {
  bucket = "shop-user-uploads"
  # ruleid: terraform.bucket-force-destroy
  force_destroy = true
}

resource "google_storage_bucket" "exports" {
  name     = "shop-exports"
  location = "EU"
  # ruleid: terraform.bucket-force-destroy
  force_destroy = true
}

resource "aws_s3_bucket" "logs" {
  bucket = "shop-logs"
  # ok: terraform.bucket-force-destroy
  force_destroy = false
}

resource "aws_s3_bucket_versioning" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  # ok: terraform.bucket-force-destroy
  versioning_configuration {
    status = "Enabled"
  }
}
