data "aws_iam_policy_document" "ci" {
  # ruleid: terraform.iam-wildcard-admin
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "deployer" {
  name = "deployer"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      # ruleid: terraform.iam-wildcard-admin
      {
        Effect   = "Allow"
        Action   = "*"
        Resource = "*"
      },
      # ok: terraform.iam-wildcard-admin
      {
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = "arn:aws:s3:::shop-artifacts/*"
      },
    ]
  })
}

data "aws_iam_policy_document" "read" {
  # ok: terraform.iam-wildcard-admin
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::shop-artifacts/*"]
  }
}

data "aws_iam_policy_document" "deny_outside_vpc" {
  # ok: terraform.iam-wildcard-admin
  statement {
    effect    = "Deny"
    actions   = ["*"]
    resources = ["*"]
    condition {
      test     = "StringNotEquals"
      variable = "aws:SourceVpc"
      values   = [var.vpc_id]
    }
  }
}
