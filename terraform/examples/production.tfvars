# A production-leaning set-up: tasks in private subnets (NAT gateway for Docker Hub pulls, S3
# gateway endpoint for the model sync), an internal ALB reachable from the VPC and connected
# networks, two or more tasks with CPU target tracking, a year of logs.
#
#   terraform -chdir=terraform apply -var-file=examples/production.tfvars

name_prefix = "tfserving-prod"
aws_region  = "eu-west-1"

# Internal clients only, e.g. the VPC itself and a peered or VPN-connected network.
allowed_cidr_blocks = ["10.0.0.0/16", "10.100.0.0/16"]

vpc_cidr            = "10.0.0.0/16"
az_count            = 3
task_subnet_type    = "private"
nat_gateway_enabled = true
alb_internal        = true
listener_port       = 9000

model_name                  = "empty_model"
model_loading_mode          = "sync"
tfserving_image             = "tensorflow/serving:2.18.0"
model_sync_image            = "amazon/aws-cli:2.22.35"
model_poll_interval_seconds = 600

task_cpu    = 2048
task_memory = 4096

desired_count            = 2
autoscaling_enabled      = true
autoscaling_min_capacity = 2
autoscaling_max_capacity = 6
autoscaling_cpu_target   = 60

health_check_grace_period_seconds = 180
deregistration_delay_seconds      = 30
log_retention_days                = 365

# For long-lived environments also consider (see docs):
# alb_deletion_protection = true   # destroy then needs it set back to false first
# alb_access_logs_bucket  = "my-elb-access-logs-bucket"

tags = {
  Environment = "production"
}
