resource "aws_db_instance" "main" {
  identifier = "shop-prod"
  engine     = "postgres"
  # ruleid: terraform.db-deletion-unprotected
  skip_final_snapshot = true
  # ruleid: terraform.db-deletion-unprotected
  deletion_protection = false
  # ok: terraform.db-deletion-unprotected
  backup_retention_period = 14
}

resource "aws_rds_cluster" "aurora" {
  cluster_identifier = "shop"
  # ok: terraform.db-deletion-unprotected
  deletion_protection = true
  # ok: terraform.db-deletion-unprotected
  final_snapshot_identifier = "shop-final"
}
