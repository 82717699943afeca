# Security groups (clients -> ALB on listener_port -> tasks on 8501, tasks -> 443 out) and the
# two IAM roles of the task: the execution role ECS uses to pull images and write logs, and the
# task role the containers use to read the model prefix of the bucket.

# --- Security groups ------------------------------------------------------------------------

resource "aws_security_group" "alb" {
  name        = "${var.name_prefix}-alb"
  description = "TF Serving load balancer: listener port from allowed_cidr_blocks, 8501 to the tasks"
  vpc_id      = aws_vpc.main.id

  tags = {
    Name = "${var.name_prefix}-alb"
  }
}

resource "aws_vpc_security_group_ingress_rule" "alb_listener" {
  for_each = toset(var.allowed_cidr_blocks)

  security_group_id = aws_security_group.alb.id
  description       = "Clients to the load balancer listener"
  ip_protocol       = "tcp"
  from_port         = var.listener_port
  to_port           = var.listener_port
  cidr_ipv4         = each.value

  tags = {
    Name = "${var.name_prefix}-alb-listener"
  }
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks" {
  security_group_id            = aws_security_group.alb.id
  description                  = "Load balancer to TF Serving REST port on the tasks"
  ip_protocol                  = "tcp"
  from_port                    = local.tfserving_rest_port
  to_port                      = local.tfserving_rest_port
  referenced_security_group_id = aws_security_group.tasks.id

  tags = {
    Name = "${var.name_prefix}-alb-to-tasks"
  }
}

resource "aws_security_group" "tasks" {
  name        = "${var.name_prefix}-tasks"
  description = "TF Serving tasks: 8501 from the load balancer only, HTTPS out for images, logs and S3"
  vpc_id      = aws_vpc.main.id

  tags = {
    Name = "${var.name_prefix}-tasks"
  }
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_alb" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "TF Serving REST port from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = local.tfserving_rest_port
  to_port                      = local.tfserving_rest_port
  referenced_security_group_id = aws_security_group.alb.id

  tags = {
    Name = "${var.name_prefix}-tasks-from-alb"
  }
}

# Image registries (Docker Hub, ECR), CloudWatch Logs and S3 are all HTTPS on changing public
# addresses (or VPC endpoints), so the destination cannot be narrower than 0.0.0.0/0.
resource "aws_vpc_security_group_egress_rule" "tasks_https" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to image registries, CloudWatch Logs and S3"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = {
    Name = "${var.name_prefix}-tasks-https"
  }
}

resource "aws_security_group" "endpoints" {
  count = length(local.interface_endpoint_services) > 0 ? 1 : 0

  name        = "${var.name_prefix}-endpoints"
  description = "VPC interface endpoints (ECR, CloudWatch Logs): HTTPS from the tasks"
  vpc_id      = aws_vpc.main.id

  tags = {
    Name = "${var.name_prefix}-endpoints"
  }
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_from_tasks" {
  count = length(local.interface_endpoint_services) > 0 ? 1 : 0

  security_group_id            = aws_security_group.endpoints[0].id
  description                  = "HTTPS from the TF Serving tasks"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.tasks.id

  tags = {
    Name = "${var.name_prefix}-endpoints-from-tasks"
  }
}

# --- IAM ------------------------------------------------------------------------------------

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id

  # Images in a private ECR registry need pull permissions on the execution role; images from
  # Docker Hub need none.
  ecr_image_pattern = "^(?P<account>[0-9]{12})\\.dkr\\.ecr\\.(?P<region>[a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/(?P<repository>[a-z0-9._/-]+?)(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?(?:@sha256:[a-f0-9]{64})?$"
  task_images       = local.sync_mode ? [var.tfserving_image, var.model_sync_image] : [var.tfserving_image]
  ecr_images        = [for image in local.task_images : regex(local.ecr_image_pattern, image) if can(regex(local.ecr_image_pattern, image))]
  ecr_repository_arns = distinct([
    for image in local.ecr_images : "arn:${local.partition}:ecr:${image.region}:${image.account}:repository/${image.repository}"
  ])
}

resource "aws_iam_role" "execution" {
  name        = "${var.name_prefix}-execution"
  description = "ECS task execution role for ${var.name_prefix} TF Serving: pull images, write logs"

  # Destroy removes policies this configuration does not track (an apply interrupted between
  # PutRolePolicy and the state write, or a policy added by hand): AWS refuses DeleteRole while any
  # remain, and the role would leak.
  force_detach_policies = true

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EcsTasksAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })

  tags = {
    Name = "${var.name_prefix}-execution"
  }
}

resource "aws_iam_role_policy" "execution" {
  name = "${var.name_prefix}-execution"
  role = aws_iam_role.execution.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid      = "WriteTaskLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = [aws_cloudwatch_log_group.tfserving.arn, "${aws_cloudwatch_log_group.tfserving.arn}:*"]
      }],
      length(local.ecr_repository_arns) == 0 ? [] : [
        {
          # GetAuthorizationToken does not support resource-level permissions.
          Sid      = "EcrLogin"
          Effect   = "Allow"
          Action   = ["ecr:GetAuthorizationToken"]
          Resource = ["*"]
        },
        {
          Sid      = "PullTaskImages"
          Effect   = "Allow"
          Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
          Resource = local.ecr_repository_arns
        },
      ]
    )
  })
}

resource "aws_iam_role" "task" {
  name                  = "${var.name_prefix}-task"
  description           = "ECS task role for ${var.name_prefix} TF Serving: read the model prefix of the model bucket"
  force_detach_policies = true # see the execution role

  # Only ECS tasks of this account and region may assume it (confused deputy protection).
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EcsTasksOfThisAccountAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:ecs:${data.aws_region.current.region}:${local.account_id}:*" }
        StringEquals = { "aws:SourceAccount" = local.account_id }
      }
    }]
  })

  tags = {
    Name = "${var.name_prefix}-task"
  }
}

# What the model readers ask S3 for, and nothing more:
# - sync mode, the sidecar: ListObjectsV2 with prefix "<model_name>/" (the version listing) and
#   "<model_name>/<N>/" (`aws s3 sync` of one version), GetObject on the files.
# - native_s3 mode, TF Serving's S3 file system (S3FileSystem::Stat/GetChildren): HeadObject on
#   the key "<model_name>" (no slash; it does not exist) and on "<model_name>/<N>", ListObjects
#   with prefix "<model_name>/" and "<model_name>/<N>/", GetObject on the files. S3 answers a
#   HeadObject of a missing key with 404 only to callers who may list that key (ListBucket with
#   s3:prefix = the key), else with 403, which TF turns into "AWS Credentials have not been set
#   properly" and gives up: so "<model_name>" itself is readable and listable in that mode.
locals {
  model_read_prefixes = local.sync_mode ? ["${var.model_name}/*"] : [var.model_name, "${var.model_name}/*"]
}

resource "aws_iam_role_policy" "task_model_read" {
  name = "${var.name_prefix}-model-read"
  role = aws_iam_role.task.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ListModelPrefix"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = aws_s3_bucket.models.arn
        Condition = {
          StringLike = {
            "s3:prefix" = local.model_read_prefixes
          }
        }
      },
      {
        Sid      = "ReadModelObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = [for prefix in local.model_read_prefixes : "${aws_s3_bucket.models.arn}/${prefix}"]
      },
    ]
  })
}

resource "aws_iam_role" "flow_logs" {
  count = var.vpc_flow_logs_enabled ? 1 : 0

  name                  = "${var.name_prefix}-flow-logs"
  description           = "VPC flow logs of ${var.name_prefix}: deliver to their CloudWatch log group"
  force_detach_policies = true # see the execution role

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "VpcFlowLogsOfThisAccountAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:ec2:${data.aws_region.current.region}:${local.account_id}:vpc-flow-log/*" }
        StringEquals = { "aws:SourceAccount" = local.account_id }
      }
    }]
  })

  tags = {
    Name = "${var.name_prefix}-flow-logs"
  }
}

resource "aws_iam_role_policy" "flow_logs" {
  count = var.vpc_flow_logs_enabled ? 1 : 0

  name = "${var.name_prefix}-flow-logs"
  role = aws_iam_role.flow_logs[0].id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteFlowLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
        Resource = [aws_cloudwatch_log_group.flow_logs[0].arn, "${aws_cloudwatch_log_group.flow_logs[0].arn}:*"]
      },
      {
        # The delivery service looks its log group up by listing; the listing cannot be scoped
        # to one group, only to the log groups of this account and region.
        Sid      = "FindFlowLogGroup"
        Effect   = "Allow"
        Action   = ["logs:DescribeLogGroups"]
        Resource = "arn:${local.partition}:logs:${data.aws_region.current.region}:${local.account_id}:log-group:*"
      },
    ]
  })
}
