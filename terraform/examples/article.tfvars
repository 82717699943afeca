# The article's set-up, on a current TF Serving image: eu-west-1, tasks in public subnets with a
# public IP (no NAT gateway), an internet-facing ALB on port 9000, one task, no autoscaling.
#
#   terraform -chdir=terraform apply -var-file=examples/article.tfvars
#
# Replace allowed_cidr_blocks with the networks of your clients (your own IP as a /32, e.g. from
# `curl -s https://checkip.amazonaws.com`); 0.0.0.0/0 is refused on purpose.

name_prefix = "tfserving"
aws_region  = "eu-west-1"

allowed_cidr_blocks = ["203.0.113.0/24"]

task_subnet_type = "public"
alb_internal     = false
listener_port    = 9000

model_name                  = "empty_model"
model_loading_mode          = "sync"
tfserving_image             = "tensorflow/serving:2.18.0"
model_poll_interval_seconds = 600

task_cpu      = 1024
task_memory   = 2048
desired_count = 1

# The repository's SavedModel, uploaded with the deployment (every file, then 1/_COMPLETE) before
# the service starts. Relative to the directory Terraform runs in: terraform/ with -chdir.
model_local_path = "../model/empty_model"

tags = {
  Environment = "article"
}
