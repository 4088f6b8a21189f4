provider "vault" {
  address = "https://vault.internal:8200"
  # ruleid: terraform.tls-verification-disabled
  skip_tls_verify = true
}

provider "kubernetes" {
  host = "https://k8s.internal:6443"
  # ruleid: terraform.tls-verification-disabled
  insecure = true
}

provider "vault" {
  alias   = "secure"
  address = "https://vault.internal:8200"
  # ok: terraform.tls-verification-disabled
  skip_tls_verify = false
  ca_cert_file    = "/etc/ssl/vault-ca.pem"
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket = aws_s3_bucket.logs.id
  # ok: terraform.tls-verification-disabled
  block_public_acls = true
}
