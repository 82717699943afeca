# Network and load balancer: a VPC with public subnets in az_count zones (ALB, and the tasks in
# the article's set-up), optional private subnets for the tasks, and the ALB that listens on
# listener_port and forwards to TF Serving's REST port 8501.

locals {
  tfserving_rest_port = 8501
  tfserving_grpc_port = 8500

  private_tasks = var.task_subnet_type == "private"
  nat_gateway   = local.private_tasks && var.nat_gateway_enabled
  # Private tasks without a NAT gateway reach ECR and CloudWatch Logs through interface endpoints
  # (S3, used by the model sync and by ECR image layers, always goes through the gateway endpoint).
  interface_endpoint_services = local.private_tasks && !var.nat_gateway_enabled ? toset(["ecr.api", "ecr.dkr", "logs"]) : toset([])

  # Each subnet gets 1/16 of the VPC: public subnets take blocks 0-5, private subnets 8-13.
  subnet_newbits     = 4
  private_block_base = 8

  azs = slice(data.aws_availability_zones.available.names, 0, min(var.az_count, length(data.aws_availability_zones.available.names)))

  task_subnet_ids = local.private_tasks ? aws_subnet.private[*].id : aws_subnet.public[*].id
  # An internal ALB sits next to private tasks; an internet-facing one needs the public subnets.
  alb_subnet_ids = var.alb_internal && local.private_tasks ? aws_subnet.private[*].id : aws_subnet.public[*].id
}

data "aws_availability_zones" "available" {
  state = "available"

  # Regular zones only: Local Zones and Wavelength Zones do not support every service used here.
  filter {
    name   = "zone-type"
    values = ["availability-zone"]
  }
}

resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = {
    Name = "${var.name_prefix}-vpc"
  }
}

# Adopt the VPC's default security group and strip its rules, so nothing can use it by accident.
resource "aws_default_security_group" "main" {
  vpc_id = aws_vpc.main.id

  tags = {
    Name = "${var.name_prefix}-default-deny"
  }
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id

  tags = {
    Name = "${var.name_prefix}-igw"
  }
}

resource "aws_subnet" "public" {
  count = var.az_count

  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(var.vpc_cidr, local.subnet_newbits, count.index)
  availability_zone = element(local.azs, count.index)
  # Tasks get a public IP from the service's network configuration, not from the subnet.
  map_public_ip_on_launch = false

  tags = {
    Name = "${var.name_prefix}-public-${element(local.azs, count.index)}"
    Tier = "public"
  }

  lifecycle {
    precondition {
      condition     = length(data.aws_availability_zones.available.names) >= var.az_count
      error_message = "The region offers ${length(data.aws_availability_zones.available.names)} availability zones, fewer than az_count = ${var.az_count}."
    }
  }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  tags = {
    Name = "${var.name_prefix}-public"
  }
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.main.id
}

resource "aws_route_table_association" "public" {
  count = var.az_count

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

# --- Private subnets for the tasks (task_subnet_type = "private") ---------------------------

resource "aws_subnet" "private" {
  count = local.private_tasks ? var.az_count : 0

  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet(var.vpc_cidr, local.subnet_newbits, local.private_block_base + count.index)
  availability_zone       = element(local.azs, count.index)
  map_public_ip_on_launch = false

  tags = {
    Name = "${var.name_prefix}-private-${element(local.azs, count.index)}"
    Tier = "private"
  }
}

resource "aws_route_table" "private" {
  count = local.private_tasks ? 1 : 0

  vpc_id = aws_vpc.main.id

  tags = {
    Name = "${var.name_prefix}-private"
  }
}

resource "aws_route_table_association" "private" {
  count = local.private_tasks ? var.az_count : 0

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[0].id
}

# The model sync (and ECR image layers) reach S3 without a NAT gateway and without data charges.
resource "aws_vpc_endpoint" "s3" {
  count = local.private_tasks ? 1 : 0

  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.${data.aws_region.current.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = [aws_route_table.private[0].id]

  tags = {
    Name = "${var.name_prefix}-s3"
  }
}

# One NAT gateway, in the first zone, for images pulled from Docker Hub. One per zone would
# survive the loss of that zone at the price of one more gateway per zone.
resource "aws_eip" "nat" {
  count = local.nat_gateway ? 1 : 0

  domain = "vpc"

  tags = {
    Name = "${var.name_prefix}-nat"
  }

  depends_on = [aws_internet_gateway.main]
}

resource "aws_nat_gateway" "main" {
  count = local.nat_gateway ? 1 : 0

  allocation_id = aws_eip.nat[0].id
  subnet_id     = aws_subnet.public[0].id

  tags = {
    Name = "${var.name_prefix}-nat"
  }

  depends_on = [aws_internet_gateway.main]
}

resource "aws_route" "private_nat" {
  count = local.nat_gateway ? 1 : 0

  route_table_id         = aws_route_table.private[0].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.main[0].id
}

# Without a NAT gateway, tasks pull mirrored images from ECR and ship logs through these.
resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoint_services

  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.${data.aws_region.current.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints[0].id]
  private_dns_enabled = true

  tags = {
    Name = "${var.name_prefix}-${replace(each.key, ".", "-")}"
  }
}

# --- Application Load Balancer --------------------------------------------------------------

resource "aws_lb" "tfserving" {
  name                       = "${var.name_prefix}-alb"
  load_balancer_type         = "application"
  internal                   = var.alb_internal
  security_groups            = [aws_security_group.alb.id]
  subnets                    = local.alb_subnet_ids
  drop_invalid_header_fields = true
  enable_deletion_protection = var.alb_deletion_protection

  dynamic "access_logs" {
    for_each = var.alb_access_logs_bucket == null ? [] : [var.alb_access_logs_bucket]

    content {
      bucket  = access_logs.value
      prefix  = "${var.name_prefix}-alb"
      enabled = true
    }
  }

  tags = {
    Name = "${var.name_prefix}-alb"
  }
}

resource "aws_lb_target_group" "tfserving" {
  name                 = "${var.name_prefix}-tg"
  port                 = local.tfserving_rest_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = aws_vpc.main.id
  deregistration_delay = var.deregistration_delay_seconds

  # /v1/models/<model> answers 200 as soon as the port is up; /metadata only once a version is
  # loaded, so a task receives traffic only when it can actually predict.
  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = "/v1/models/${var.model_name}/metadata"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = {
    Name = "${var.name_prefix}-tg"
  }
}

resource "aws_lb_listener" "tfserving" {
  load_balancer_arn = aws_lb.tfserving.arn
  port              = var.listener_port
  protocol          = "HTTP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.tfserving.arn
  }

  tags = {
    Name = "${var.name_prefix}-listener-${var.listener_port}"
  }
}

# --- VPC flow logs (vpc_flow_logs_enabled) --------------------------------------------------

resource "aws_cloudwatch_log_group" "flow_logs" {
  count = var.vpc_flow_logs_enabled ? 1 : 0

  name              = "/vpc/${var.name_prefix}/flow-logs"
  retention_in_days = var.log_retention_days

  tags = {
    Name = "/vpc/${var.name_prefix}/flow-logs"
  }
}

resource "aws_flow_log" "vpc" {
  count = var.vpc_flow_logs_enabled ? 1 : 0

  vpc_id               = aws_vpc.main.id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs[0].arn
  iam_role_arn         = aws_iam_role.flow_logs[0].arn

  tags = {
    Name = "${var.name_prefix}-vpc-flow-logs"
  }
}
