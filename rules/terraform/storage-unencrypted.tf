resource "aws_db_instance" "main" {
  engine = "postgres"
  # ruleid: terraform.storage-unencrypted
  storage_encrypted = false
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
  # ruleid: terraform.storage-unencrypted
  encrypted = false
}

resource "aws_ebs_volume" "logs" {
  availability_zone = "eu-west-1a"
  size              = 20
  # ok: terraform.storage-unencrypted
  encrypted = true
}

resource "aws_rds_cluster" "aurora" {
  # ok: terraform.storage-unencrypted
  storage_encrypted = true
}
