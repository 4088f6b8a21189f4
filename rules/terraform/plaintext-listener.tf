# ruleid: terraform.plaintext-listener
resource "aws_lb_listener" "web" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

# ok: terraform.plaintext-listener
resource "aws_lb_listener" "redirect" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_cloudfront_distribution" "cdn" {
  default_cache_behavior {
    target_origin_id = "web"
    # ruleid: terraform.plaintext-listener
    viewer_protocol_policy = "allow-all"
  }
  ordered_cache_behavior {
    path_pattern     = "/api/*"
    target_origin_id = "api"
    # ok: terraform.plaintext-listener
    viewer_protocol_policy = "redirect-to-https"
  }
}
