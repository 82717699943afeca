# A production-leaning set-up: tasks in private subnets (S3 gateway endpoint for the model sync,
# a NAT gateway for the rest), images pulled through an ECR pull through cache instead of from
# Docker Hub, an internal ALB reachable from the VPC and connected networks, two or more tasks
# with CPU target tracking, deployments that roll back on failure or on alarm, a year of logs.
#
#   terraform -chdir=terraform apply -var-file=examples/production.tfvars
#
# Before the first apply: store a Docker Hub access token in Secrets Manager under a name that
# starts with ecr-pullthroughcache/ and put its ARN in dockerhub_credential_arn below, e.g.
#   aws secretsmanager create-secret --name ecr-pullthroughcache/dockerhub \
#     --secret-string '{"username":"<user>","accessToken":"<token>"}'

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

# Docker Hub's anonymous limit (about 10 pulls an hour per address) is shared by every task
# behind the NAT address: pull through this account's ECR instead.
ecr_pull_through_cache_enabled = true
dockerhub_credential_arn       = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:ecr-pullthroughcache/dockerhub-AbCdEf"

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

# Roll a deployment back when its tasks fail, or when the unhealthy-host or 5XX alarms fire
# during it; make apply wait for the service to settle (real AWS only: no task ever runs on an
# emulator, so the emulator runs set it to false).
deployment_alarms_enabled = true
# alarm_sns_topic_arn     = "arn:aws:sns:eu-west-1:111122223333:tfserving-alarms"
wait_for_steady_state = true

# HTTPS on port 9000 (and optionally gRPC on 8500) needs an ACM certificate for the ALB's name:
# certificate_arn = "arn:aws:acm:eu-west-1:111122223333:certificate/<id>"
# grpc_enabled    = true

# For long-lived environments also consider (see docs):
# alb_deletion_protection = true   # destroy then needs it set back to false first
# alb_access_logs_bucket  = "my-elb-access-logs-bucket"

tags = {
  Environment = "production"
}
