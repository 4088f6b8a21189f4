provider "aws" {
  region = "eu-west-1"
  # ruleid: terraform.hardcoded-secret
  access_key = "AKIAY3XQ2RZ7K8LM4NOP"
}

resource "aws_db_instance" "main" {
  engine   = "postgres"
  username = "shop"
  # ruleid: terraform.hardcoded-secret
  password = "Pr0d-Passw0rd!"
}

resource "aws_db_instance" "ok" {
  engine   = "postgres"
  username = "shop"
  # ok: terraform.hardcoded-secret
  password = var.db_password
}

resource "aws_db_instance" "managed" {
  engine   = "postgres"
  # ok: terraform.hardcoded-secret
  manage_master_user_password = true
}
