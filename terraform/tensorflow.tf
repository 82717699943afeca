# TF Serving on ECS Fargate: cluster, log group, task definition (TF Serving, plus the model-sync
# sidecar in "sync" mode), the service behind the ALB, and optional CPU target tracking.

locals {
  sync_mode = var.model_loading_mode == "sync"

  models_dir = "/models"
  # TF Serving only polls the task volume in sync mode, which costs nothing, so it looks every
  # 30 s at most; S3 is polled by the sidecar every model_poll_interval_seconds. In native_s3
  # mode TF Serving polls S3 itself, on the interval as the article had it.
  tfserving_poll_seconds = local.sync_mode ? min(30, var.model_poll_interval_seconds) : var.model_poll_interval_seconds

  # Fargate's allowed task sizes (Linux): memory in MiB for each CPU value.
  fargate_memory_by_cpu = {
    "256"   = [512, 1024, 2048]
    "512"   = range(1024, 4097, 1024)
    "1024"  = range(2048, 8193, 1024)
    "2048"  = range(4096, 16385, 1024)
    "4096"  = range(8192, 30721, 1024)
    "8192"  = range(16384, 61441, 4096)
    "16384" = range(32768, 122881, 8192)
  }
  allowed_task_memory = lookup(local.fargate_memory_by_cpu, tostring(var.task_cpu), [])

  # "2.6.0", "2.4.3-gpu", "2.5.1@sha256:..." -> major and minor, for the native_s3 image check.
  tfserving_version  = try(regex(":(?P<major>[0-9]+)\\.(?P<minor>[0-9]+)(?:\\.[0-9]+)?(?:-[A-Za-z0-9_.-]+)?(?:@sha256:[a-f0-9]{64})?$", var.tfserving_image), null)
  tfserving_reads_s3 = try(tonumber(local.tfserving_version.major) == 2 && tonumber(local.tfserving_version.minor) <= 6, false)

  images_in_this_regions_ecr = alltrue([
    for image in local.task_images : try(regex(local.ecr_image_pattern, image).region == data.aws_region.current.region, false)
  ])

  log_configuration = {
    logDriver = "awslogs"
    options = {
      "awslogs-group"         = aws_cloudwatch_log_group.tfserving.name
      "awslogs-region"        = data.aws_region.current.region
      "awslogs-stream-prefix" = "tfserving"
    }
  }

  model_base_path = local.sync_mode ? local.models_dir : "s3://${aws_s3_bucket.models.id}"

  # The image's entrypoint is a bash script that starts tensorflow_model_server without `exec`,
  # so SIGTERM never reaches the server and every stop waits for SIGKILL. The server runs as the
  # container's main process instead, with the flags that script would pass (gRPC 8500, REST
  # 8501, --model_name=$MODEL_NAME, --model_base_path=$MODEL_BASE_PATH/$MODEL_NAME); the two
  # variables stay set for tools that read them.
  tfserving_flags = [
    "--port=${local.tfserving_grpc_port}",
    "--rest_api_port=${local.tfserving_rest_port}",
    "--model_name=${var.model_name}",
    "--model_base_path=${local.model_base_path}/${var.model_name}",
    "--file_system_poll_wait_seconds=${local.tfserving_poll_seconds}",
  ]
  # Prometheus metrics need a monitoring config file: a shell writes it to the scratch /tmp and
  # then replaces itself with the server (exec), so SIGTERM still reaches the server.
  prometheus_metrics_path = "/monitoring/prometheus/metrics"
  monitoring_config_file  = "/tmp/monitoring.config"
  tfserving_monitored_start = join(" ", [
    "printf 'prometheus_config { enable: true, path: \"%s\" }\\n' '${local.prometheus_metrics_path}' >${local.monitoring_config_file}",
    "&& exec tensorflow_model_server ${join(" ", local.tfserving_flags)} --monitoring_config_file=${local.monitoring_config_file}",
  ])

  tfserving_container = {
    name                   = "tfserving"
    image                  = var.tfserving_image
    essential              = true
    readonlyRootFilesystem = true
    portMappings = [{
      containerPort = local.tfserving_rest_port
      hostPort      = local.tfserving_rest_port
      protocol      = "tcp"
    }]
    entryPoint = var.prometheus_metrics_enabled ? ["/bin/sh", "-c"] : ["tensorflow_model_server"]
    command    = var.prometheus_metrics_enabled ? [local.tfserving_monitored_start] : local.tfserving_flags
    environment = local.sync_mode ? [
      { name = "MODEL_BASE_PATH", value = local.model_base_path },
      { name = "MODEL_NAME", value = var.model_name },
      ] : [
      { name = "AWS_REGION", value = data.aws_region.current.region },
      { name = "MODEL_BASE_PATH", value = local.model_base_path },
      { name = "MODEL_NAME", value = var.model_name },
      { name = "S3_ENDPOINT", value = "s3.${data.aws_region.current.region}.${data.aws_partition.current.dns_suffix}" },
      { name = "S3_USE_HTTPS", value = "1" },
      { name = "S3_VERIFY_SSL", value = "1" },
    ]
    mountPoints = concat(
      [{ sourceVolume = "scratch", containerPath = "/tmp", readOnly = false }],
      local.sync_mode ? [{ sourceVolume = "models", containerPath = local.models_dir, readOnly = true }] : [],
    )
    dependsOn        = local.sync_mode ? [{ containerName = "model-sync", condition = "START" }] : []
    logConfiguration = local.log_configuration
  }

  model_sync_container = {
    name                   = "model-sync"
    image                  = var.model_sync_image
    essential              = false
    readonlyRootFilesystem = true
    entryPoint             = ["/bin/sh", "-c"]
    command = [templatefile("${path.module}/templates/model_sync.sh.tftpl", {
      bucket           = aws_s3_bucket.models.id
      model_name       = var.model_name
      models_dir       = local.models_dir
      marker           = local.model_complete_marker
      interval_seconds = var.model_poll_interval_seconds
      retry_seconds    = min(15, var.model_poll_interval_seconds)
    })]
    environment = [
      { name = "AWS_DEFAULT_REGION", value = data.aws_region.current.region },
      # The root file system is read-only: the CLI keeps its cache and config under a writable HOME.
      { name = "HOME", value = "/tmp" },
    ]
    mountPoints = [
      { sourceVolume = "models", containerPath = local.models_dir, readOnly = false },
      { sourceVolume = "scratch", containerPath = "/tmp", readOnly = false },
    ]
    # Restart in place if the loop ever dies; TF Serving keeps serving what it has meanwhile.
    restartPolicy = {
      enabled              = true
      restartAttemptPeriod = 60
    }
    logConfiguration = local.log_configuration
  }
}

resource "aws_ecs_cluster" "main" {
  name = "${var.name_prefix}-cluster"

  setting {
    name  = "containerInsights"
    value = var.container_insights ? "enabled" : "disabled"
  }

  tags = {
    Name = "${var.name_prefix}-cluster"
  }
}

resource "aws_cloudwatch_log_group" "tfserving" {
  name              = "/ecs/${var.name_prefix}/tfserving"
  retention_in_days = var.log_retention_days

  tags = {
    Name = "/ecs/${var.name_prefix}/tfserving"
  }
}

resource "aws_ecs_task_definition" "tfserving" {
  family                   = "${var.name_prefix}-tfserving"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.task_cpu)
  memory                   = tostring(var.task_memory)
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  # Official tensorflow/serving images are built for x86-64 only.
  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode(concat(
    [local.tfserving_container],
    local.sync_mode ? [local.model_sync_container] : [],
  ))

  # Scratch space for /tmp, since the containers' root file systems are read-only.
  volume {
    name = "scratch"
  }

  # Task-local storage shared by the sidecar (writes) and TF Serving (reads).
  dynamic "volume" {
    for_each = local.sync_mode ? ["models"] : []

    content {
      name = volume.value
    }
  }

  tags = {
    Name = "${var.name_prefix}-tfserving"
  }

  lifecycle {
    precondition {
      condition     = contains(local.allowed_task_memory, var.task_memory)
      error_message = "Fargate does not offer task_cpu = ${var.task_cpu} with task_memory = ${var.task_memory}. Allowed memory for ${var.task_cpu} CPU units: ${join(", ", [for m in local.allowed_task_memory : tostring(m)])} MiB."
    }

    precondition {
      condition     = local.sync_mode || local.tfserving_reads_s3
      error_message = "model_loading_mode = \"native_s3\" needs a TF Serving image with a 2.x tag no newer than 2.6 (for example tensorflow/serving:2.6.0): images from 2.7 on cannot read s3:// paths. Use model_loading_mode = \"sync\" with ${var.tfserving_image}."
    }

    precondition {
      condition     = !(local.private_tasks && !var.nat_gateway_enabled) || local.images_in_this_regions_ecr
      error_message = "Private tasks without a NAT gateway can only pull images from ECR in ${data.aws_region.current.region} through the VPC endpoints: mirror ${join(" and ", local.task_images)} into ECR and point the image variables at the copies, or set nat_gateway_enabled = true."
    }
  }
}

resource "aws_ecs_service" "tfserving" {
  name                              = "${var.name_prefix}-tfserving"
  cluster                           = aws_ecs_cluster.main.id
  task_definition                   = aws_ecs_task_definition.tfserving.arn
  launch_type                       = "FARGATE"
  platform_version                  = "LATEST"
  desired_count                     = var.desired_count
  health_check_grace_period_seconds = var.health_check_grace_period_seconds
  propagate_tags                    = "SERVICE"

  network_configuration {
    subnets          = local.task_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = var.task_subnet_type == "public"
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.tfserving.arn
    container_name   = "tfserving"
    container_port   = local.tfserving_rest_port
  }

  tags = {
    Name = "${var.name_prefix}-tfserving"
  }

  # The target group must be attached to the ALB, and the execution role allowed to write logs,
  # before the first task starts. In private mode the NAT route or the endpoints must exist too.
  # A model uploaded from model_local_path is complete (every file, then its _COMPLETE marker)
  # before the first task looks for it.
  depends_on = [
    aws_lb_listener.tfserving,
    aws_s3_object.model_files,
    aws_s3_object.model_complete,
    aws_iam_role_policy.execution,
    aws_iam_role_policy.task_model_read,
    aws_route.private_nat,
    aws_vpc_endpoint.interface,
    aws_vpc_endpoint.s3,
    aws_route_table_association.private,
  ]
}

# --- Autoscaling (autoscaling_enabled = true) -----------------------------------------------

resource "aws_appautoscaling_target" "tfserving" {
  count = var.autoscaling_enabled ? 1 : 0

  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.main.name}/${aws_ecs_service.tfserving.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.autoscaling_min_capacity
  max_capacity       = var.autoscaling_max_capacity

  lifecycle {
    precondition {
      condition     = var.autoscaling_min_capacity <= var.autoscaling_max_capacity
      error_message = "autoscaling_min_capacity (${var.autoscaling_min_capacity}) must not exceed autoscaling_max_capacity (${var.autoscaling_max_capacity})."
    }

    precondition {
      condition     = var.desired_count >= var.autoscaling_min_capacity && var.desired_count <= var.autoscaling_max_capacity
      error_message = "With autoscaling on, desired_count (${var.desired_count}) must lie between autoscaling_min_capacity (${var.autoscaling_min_capacity}) and autoscaling_max_capacity (${var.autoscaling_max_capacity}), or every apply would push the service outside its scaling range."
    }
  }
}

resource "aws_appautoscaling_policy" "cpu" {
  count = var.autoscaling_enabled ? 1 : 0

  name               = "${var.name_prefix}-cpu-target-tracking"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.tfserving[0].service_namespace
  resource_id        = aws_appautoscaling_target.tfserving[0].resource_id
  scalable_dimension = aws_appautoscaling_target.tfserving[0].scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling_cpu_target
    scale_out_cooldown = 60
    scale_in_cooldown  = 300

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}
