#!/usr/bin/env bash
cd infra/prod
terraform init -input=false
# ruleid: bash.terraform-destroy-or-auto-approve
terraform apply -auto-approve
# ruleid: bash.terraform-destroy-or-auto-approve
terraform destroy -target=aws_db_instance.main
# ok: bash.terraform-destroy-or-auto-approve
terraform plan -out=tfplan
# ok: bash.terraform-destroy-or-auto-approve
terraform apply tfplan
