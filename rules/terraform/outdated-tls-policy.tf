resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.web.arn
  port              = 443
  protocol          = "HTTPS"
  # ruleid: terraform.outdated-tls-policy
  ssl_policy = "ELBSecurityPolicy-2016-08"
}

resource "azurerm_storage_account" "data" {
  name = "shopdata"
  # ruleid: terraform.outdated-tls-policy
  min_tls_version = "TLS1_0"
}

resource "aws_lb_listener" "https2" {
  load_balancer_arn = aws_lb.web.arn
  # ok: terraform.outdated-tls-policy
  ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

resource "azurerm_storage_account" "logs" {
  name = "shoplogs"
  # ok: terraform.outdated-tls-policy
  min_tls_version = "TLS1_2"
}
