output "alb_dns_name" {
  description = "DNS name of the load balancer."
  value       = aws_lb.tfserving.dns_name
}

output "predict_url" {
  description = "TF Serving REST predict URL through the load balancer (https:// when certificate_arn is set)."
  value       = "${local.listener_scheme}://${aws_lb.tfserving.dns_name}:${var.listener_port}/v1/models/${var.model_name}:predict"
}

output "model_metadata_url" {
  description = "Model metadata URL through the load balancer (the target group's health check path): 200 once a version is loaded."
  value       = "${local.listener_scheme}://${aws_lb.tfserving.dns_name}:${var.listener_port}/v1/models/${var.model_name}/metadata"
}

output "grpc_endpoint" {
  description = "host:port of TF Serving's gRPC API through the load balancer (TLS), or null when grpc_enabled is false."
  value       = var.grpc_enabled ? "${aws_lb.tfserving.dns_name}:${var.grpc_listener_port}" : null
}

output "model_bucket_name" {
  description = "Name of the S3 bucket that holds the models."
  value       = aws_s3_bucket.models.id
}

output "model_s3_prefix" {
  description = "Where to upload model versions: s3://<bucket>/<model_name>/ followed by a numeric version folder (1/, 2/, ...)."
  value       = local.model_s3_prefix
}

output "uploaded_model_objects" {
  description = "S3 keys uploaded from model_local_path (empty when model_local_path is null)."
  value       = sort([for object in aws_s3_object.model_files : object.key])
}

output "log_group_name" {
  description = "CloudWatch log group of the TF Serving and model-sync containers."
  value       = aws_cloudwatch_log_group.tfserving.name
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.main.name
}

output "ecs_service_name" {
  description = "Name of the ECS service running TF Serving."
  value       = aws_ecs_service.tfserving.name
}

output "task_definition_arn" {
  description = "ARN (with revision) of the TF Serving task definition."
  value       = aws_ecs_task_definition.tfserving.arn
}

output "target_group_arn" {
  description = "ARN of the ALB target group (port 8501, IP targets)."
  value       = aws_lb_target_group.tfserving.arn
}

output "alb_arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.tfserving.arn
}

output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.main.id
}

output "task_subnet_ids" {
  description = "Subnets the tasks run in (public or private, after task_subnet_type)."
  value       = local.task_subnet_ids
}

output "alb_security_group_id" {
  description = "Security group of the load balancer."
  value       = aws_security_group.alb.id
}

output "task_security_group_id" {
  description = "Security group of the tasks."
  value       = aws_security_group.tasks.id
}

output "task_role_arn" {
  description = "IAM role the containers use (read access to the model prefix)."
  value       = aws_iam_role.task.arn
}

output "execution_role_arn" {
  description = "IAM role ECS uses to pull images and write logs."
  value       = aws_iam_role.execution.arn
}
