"""The deployment's promises as data (the Terraform contract every part of the suite relies on)."""

from __future__ import annotations

LISTENER_PORT = 9000  # clients call the ALB here (the article's port)
REST_PORT = 8501  # TF Serving's REST API in the container
GRPC_PORT = 8500  # TF Serving's gRPC API in the container (optional listener, grpc_enabled)
TLS_POLICY_PREFIX = "ELBSecurityPolicy-TLS13-"  # current load balancer TLS policies (TLS 1.2 and 1.3 only)
HEALTH_CHECK_PATH = "/v1/models/${var.model_name}/metadata"  # 200 only once a model version is loaded
TFSERVING_CONTAINER = "tfserving"

LISTENER = ("aws_lb_listener", "tfserving")
TARGET_GROUP = ("aws_lb_target_group", "tfserving")
LOAD_BALANCER = ("aws_lb", "tfserving")
TASK_DEFINITION = ("aws_ecs_task_definition", "tfserving")
SERVICE = ("aws_ecs_service", "tfserving")
ALB_SG = ("aws_security_group", "alb")
TASKS_SG = ("aws_security_group", "tasks")
BUCKET = ("aws_s3_bucket", "models")
LOG_GROUP = ("aws_cloudwatch_log_group", "tfserving")

REQUIRED_ADDRESSES = (
    "aws_vpc.main", "aws_subnet.public", "aws_subnet.private", "aws_internet_gateway.main",
    "aws_route_table.public", "aws_route.public_internet", "aws_route_table_association.public",
    "aws_route_table.private", "aws_route_table_association.private", "aws_vpc_endpoint.s3",
    "aws_lb.tfserving", "aws_lb_target_group.tfserving", "aws_lb_listener.tfserving",
    "aws_security_group.alb", "aws_security_group.tasks",
    "aws_vpc_security_group_ingress_rule.alb_listener", "aws_vpc_security_group_ingress_rule.tasks_from_alb",
    "aws_iam_role.execution", "aws_iam_role_policy.execution", "aws_iam_role.task",
    "aws_iam_role_policy.task_model_read", "aws_ecs_cluster.main", "aws_cloudwatch_log_group.tfserving",
    "aws_ecs_task_definition.tfserving", "aws_ecs_service.tfserving", "aws_appautoscaling_target.tfserving",
    "aws_appautoscaling_policy.cpu", "aws_s3_bucket.models", "aws_s3_bucket_versioning.models",
    "aws_s3_bucket_server_side_encryption_configuration.models", "aws_s3_bucket_public_access_block.models",
    "aws_s3_bucket_ownership_controls.models", "aws_s3_bucket_policy.models", "aws_s3_object.model_files",
)

REQUIRED_OUTPUTS = ("alb_dns_name", "predict_url", "model_bucket_name", "model_s3_prefix", "log_group_name",
                    "ecs_cluster_name", "ecs_service_name")

IMAGE_VARIABLES = ("tfserving_image", "model_sync_image")

# CloudWatch Logs accepts only these retention periods (days); 0 would mean "never expire".
LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192,
                      2557, 2922, 3288, 3653)

# Attribute references the 6.x provider deprecates (data.aws_region.X.name -> .region).
DEPRECATED_REFERENCES = {r"\bdata\.aws_region\.[A-Za-z0-9_-]+\.name\b": "data.aws_region.<name>.region"}
