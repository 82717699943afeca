# Optional gRPC (grpc_enabled = true): clients call the ALB on grpc_listener_port over HTTPS
# (gRPC through an ALB needs an HTTPS listener, so certificate_arn is required); the ALB forwards
# to TF Serving's gRPC port 8500 through a target group of its own.

locals {
  # Every attribute that makes AWS replace the gRPC target group (see local.rest_target_group).
  grpc_target_group = {
    port             = local.tfserving_grpc_port
    protocol         = "HTTP"
    protocol_version = "GRPC"
    target_type      = "ip"
    vpc_cidr         = var.vpc_cidr
  }
  grpc_target_group_name = "${var.name_prefix}-g${substr(sha256(jsonencode(local.grpc_target_group)), 0, 8)}"
}

resource "aws_lb_target_group" "grpc" {
  count = var.grpc_enabled ? 1 : 0

  name                 = local.grpc_target_group_name
  port                 = local.grpc_target_group.port
  protocol             = "HTTP" # = local.grpc_target_group.protocol (promise target-group-replacement)
  protocol_version     = local.grpc_target_group.protocol_version
  target_type          = local.grpc_target_group.target_type
  vpc_id               = aws_vpc.main.id
  deregistration_delay = var.deregistration_delay_seconds

  # A gRPC health check on the model service: TF Serving answers an empty GetModelStatus with a
  # gRPC error status (not an HTTP one), which proves the gRPC server is up. Whether a model is
  # loaded is the REST target group's check (/metadata); ECS replaces a task that fails either.
  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = "/tensorflow.serving.ModelService/GetModelStatus"
    matcher             = "0-99"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = {
    Name = "${var.name_prefix}-grpc"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_listener" "grpc" {
  count = var.grpc_enabled ? 1 : 0

  load_balancer_arn = aws_lb.tfserving.arn
  port              = var.grpc_listener_port
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.grpc[0].arn
  }

  tags = {
    Name = "${var.name_prefix}-listener-${var.grpc_listener_port}"
  }

  lifecycle {
    precondition {
      condition     = local.https_enabled
      error_message = "grpc_enabled = true needs certificate_arn: an ALB forwards gRPC only from an HTTPS listener."
    }

    precondition {
      condition     = var.grpc_listener_port != var.listener_port
      error_message = "grpc_listener_port (${var.grpc_listener_port}) must differ from listener_port (${var.listener_port})."
    }
  }
}

# --- Security group rules of the gRPC path ----------------------------------------------------

resource "aws_vpc_security_group_ingress_rule" "alb_grpc_listener" {
  for_each = var.grpc_enabled ? toset(var.allowed_cidr_blocks) : toset([])

  security_group_id = aws_security_group.alb.id
  description       = "Clients to the load balancer gRPC listener"
  ip_protocol       = "tcp"
  from_port         = var.grpc_listener_port
  to_port           = var.grpc_listener_port
  cidr_ipv4         = each.value

  tags = {
    Name = "${var.name_prefix}-alb-grpc-listener"
  }
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks_grpc" {
  count = var.grpc_enabled ? 1 : 0

  security_group_id            = aws_security_group.alb.id
  description                  = "Load balancer to TF Serving gRPC port on the tasks"
  ip_protocol                  = "tcp"
  from_port                    = local.tfserving_grpc_port
  to_port                      = local.tfserving_grpc_port
  referenced_security_group_id = aws_security_group.tasks.id

  tags = {
    Name = "${var.name_prefix}-alb-to-tasks-grpc"
  }
}

resource "aws_vpc_security_group_ingress_rule" "tasks_grpc_from_alb" {
  count = var.grpc_enabled ? 1 : 0

  security_group_id            = aws_security_group.tasks.id
  description                  = "TF Serving gRPC port from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = local.tfserving_grpc_port
  to_port                      = local.tfserving_grpc_port
  referenced_security_group_id = aws_security_group.alb.id

  tags = {
    Name = "${var.name_prefix}-tasks-grpc-from-alb"
  }
}
