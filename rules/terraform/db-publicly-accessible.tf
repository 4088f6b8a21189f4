resource "aws_db_instance" "main" {
  engine         = "postgres"
  instance_class = "db.t4g.medium"
  # ruleid: terraform.db-publicly-accessible
  publicly_accessible = true
}

resource "aws_redshift_cluster" "dw" {
  cluster_identifier = "dw"
  # ruleid: terraform.db-publicly-accessible
  publicly_accessible = true
}

resource "aws_db_instance" "replica" {
  engine = "postgres"
  # ok: terraform.db-publicly-accessible
  publicly_accessible = false
}

resource "aws_instance" "web" {
  # ok: terraform.db-publicly-accessible
  associate_public_ip_address = false
}
