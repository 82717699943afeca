# Inputs of the root module. Every variable is typed and described; values that can be wrong
# are validated here, and checks that need two variables at once (Fargate cpu/memory pairs,
# image version against the loading mode, autoscaling bounds) are preconditions in the
# resources that use them, so that Terraform >= 1.6 is enough.

# --- Naming and placement -------------------------------------------------------------------

variable "name_prefix" {
  description = "Prefix for every resource name (3-20 characters: lowercase letters, digits and hyphens, starting with a letter; not a prefix AWS reserves for load balancers, security groups or S3 buckets)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,19}$", var.name_prefix))
    error_message = "The name_prefix must be 3-20 characters of lowercase letters, digits and hyphens, starting with a letter (for example \"tfserving\")."
  }

  validation {
    # Names derived from the prefix would be refused by AWS: load balancers may not start with
    # "internal-", security groups with "sg-".
    condition     = !startswith(var.name_prefix, "internal-") && !startswith(var.name_prefix, "sg-")
    error_message = "The name_prefix must not start with \"internal-\" (reserved by Elastic Load Balancing) or \"sg-\" (reserved for security group IDs)."
  }

  validation {
    # The model bucket is <name_prefix>-models-<account>-<region>: S3 reserves these bucket name
    # prefixes. Its reserved suffixes (-s3alias, --ol-s3, --x-s3, --table-s3, .mrap) cannot occur,
    # since the name ends with the region; its length is at most 20 + 8 + 12 + 1 + 15 = 56 < 63 characters for every region code.
    # The other names stay within their limits too: "<prefix>-alb" and "<prefix>-tg" (load
    # balancer and target group, 32), "<prefix>-execution" and "<prefix>-flow-logs" (IAM roles, 64).
    condition     = !startswith(var.name_prefix, "xn--") && !startswith(var.name_prefix, "sthree-") && !startswith(var.name_prefix, "amzn-s3-demo-")
    error_message = "The name_prefix must not start with \"xn--\", \"sthree-\" or \"amzn-s3-demo-\": S3 reserves these prefixes for bucket names, and the model bucket's name starts with name_prefix."
  }
}

variable "aws_region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "eu-west-1"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.aws_region))
    error_message = "The aws_region must be a region code such as \"eu-west-1\"."
  }
}

variable "tags" {
  description = "Extra tags applied to every resource through the provider's default_tags (Project and ManagedBy are always set)."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for key in keys(var.tags) : !startswith(lower(key), "aws:")])
    error_message = "Tag keys starting with \"aws:\" are reserved by AWS."
  }
}

# --- Network --------------------------------------------------------------------------------

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC (prefix length /16 to /22). Subnets get 1/16 of it each."
  type        = string
  default     = "10.0.0.0/16"
  nullable    = false

  validation {
    condition     = can(cidrnetmask(var.vpc_cidr)) && try(tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 22, false)
    error_message = "The vpc_cidr must be an IPv4 CIDR block with a prefix length between /16 and /22, for example \"10.0.0.0/16\"."
  }

  validation {
    condition     = try(cidrhost(var.vpc_cidr, 0) == split("/", var.vpc_cidr)[0], true)
    error_message = "The vpc_cidr must be written in canonical form (no host bits set), for example \"10.0.0.0/16\" rather than \"10.0.0.1/16\"."
  }
}

variable "az_count" {
  description = "Number of availability zones to spread subnets over (2 to 6; an ALB needs at least 2)."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 6 && floor(var.az_count) == var.az_count
    error_message = "The az_count must be a whole number from 2 to 6."
  }
}

variable "task_subnet_type" {
  description = "Where the ECS tasks run: \"public\" (public IP, no NAT needed, the article's set-up) or \"private\" (private subnets with an S3 gateway endpoint, plus a NAT gateway or VPC interface endpoints for image pulls and logs)."
  type        = string
  default     = "public"
  nullable    = false

  validation {
    condition     = contains(["public", "private"], var.task_subnet_type)
    error_message = "The task_subnet_type must be \"public\" or \"private\"."
  }
}

variable "nat_gateway_enabled" {
  description = "Only with task_subnet_type = \"private\": route the private subnets to the internet through one NAT gateway (needed to pull images from Docker Hub). When false, interface endpoints for ECR and CloudWatch Logs are created instead and both images must be mirrored into ECR in this account and region."
  type        = bool
  default     = true
  nullable    = false
}

variable "vpc_flow_logs_enabled" {
  description = "Record the VPC's accepted and rejected traffic (VPC flow logs) in a CloudWatch log group kept for log_retention_days."
  type        = bool
  default     = true
  nullable    = false
}

# --- Load balancer --------------------------------------------------------------------------

variable "alb_internal" {
  description = "Make the Application Load Balancer internal (reachable only from inside the VPC and connected networks) instead of internet-facing."
  type        = bool
  default     = false
  nullable    = false
}

variable "listener_port" {
  description = "Port the load balancer listens on (HTTP). Requests are forwarded to TF Serving's REST port 8501."
  type        = number
  default     = 9000
  nullable    = false

  validation {
    condition     = var.listener_port >= 1 && var.listener_port <= 65535 && floor(var.listener_port) == var.listener_port
    error_message = "The listener_port must be a whole number from 1 to 65535."
  }
}

variable "allowed_cidr_blocks" {
  description = "IPv4 CIDR blocks allowed to reach the load balancer's listener port. Required, with no default: name your clients explicitly (0.0.0.0/0 is refused)."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.allowed_cidr_blocks) > 0
    error_message = "The allowed_cidr_blocks must list at least one CIDR block."
  }

  validation {
    condition     = alltrue([for cidr in var.allowed_cidr_blocks : can(cidrnetmask(cidr))])
    error_message = "Every entry of allowed_cidr_blocks must be an IPv4 CIDR block such as \"203.0.113.0/24\" or \"198.51.100.7/32\"."
  }

  validation {
    condition     = alltrue([for cidr in var.allowed_cidr_blocks : try(cidrhost(cidr, 0) == split("/", cidr)[0], true)])
    error_message = "Every entry of allowed_cidr_blocks must be in canonical form (no host bits set), for example \"203.0.113.0/24\" rather than \"203.0.113.5/24\"."
  }

  validation {
    condition     = alltrue([for cidr in var.allowed_cidr_blocks : try(tonumber(split("/", cidr)[1]) > 0, true)])
    error_message = "The allowed_cidr_blocks must not contain 0.0.0.0/0: list the networks of your clients instead."
  }
}

variable "alb_deletion_protection" {
  description = "Turn on deletion protection for the load balancer. While it is on, `terraform destroy` fails until it is set back to false and applied."
  type        = bool
  default     = false
  nullable    = false
}

variable "alb_access_logs_bucket" {
  description = "Name of an existing S3 bucket (with the Elastic Load Balancing log delivery policy) that receives the load balancer's access logs under the prefix <name_prefix>-alb. Null turns access logs off."
  type        = string
  default     = null

  validation {
    condition     = var.alb_access_logs_bucket == null ? true : can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.alb_access_logs_bucket))
    error_message = "The alb_access_logs_bucket must be a valid S3 bucket name (3-63 lowercase letters, digits, dots and hyphens) or null."
  }
}

variable "health_check_grace_period_seconds" {
  description = "Seconds the ECS service ignores failing load balancer health checks after a task starts (time to sync and load the model)."
  type        = number
  default     = 120
  nullable    = false

  validation {
    condition     = var.health_check_grace_period_seconds >= 0 && var.health_check_grace_period_seconds <= 7200 && floor(var.health_check_grace_period_seconds) == var.health_check_grace_period_seconds
    error_message = "The health_check_grace_period_seconds must be a whole number from 0 to 7200."
  }
}

variable "deregistration_delay_seconds" {
  description = "Seconds the target group keeps draining in-flight requests to a task that is being removed."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.deregistration_delay_seconds >= 0 && var.deregistration_delay_seconds <= 3600 && floor(var.deregistration_delay_seconds) == var.deregistration_delay_seconds
    error_message = "The deregistration_delay_seconds must be a whole number from 0 to 3600."
  }
}

# --- Model and images -----------------------------------------------------------------------

variable "model_name" {
  description = "Name of the served model: the REST path /v1/models/<model_name>, the S3 prefix <model_name>/ and the folder TF Serving loads."
  type        = string
  default     = "empty_model"
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,100}$", var.model_name))
    error_message = "The model_name must be 1-100 characters of letters, digits, underscores and hyphens."
  }
}

variable "model_loading_mode" {
  description = "How TF Serving gets the model: \"sync\" (default; a sidecar copies s3://<bucket>/<model_name>/ into a shared task volume every model_poll_interval_seconds, works with every TF Serving image) or \"native_s3\" (TF Serving reads s3:// itself, only images 2.6 and older)."
  type        = string
  default     = "sync"
  nullable    = false

  validation {
    condition     = contains(["sync", "native_s3"], var.model_loading_mode)
    error_message = "The model_loading_mode must be \"sync\" or \"native_s3\"."
  }
}

variable "tfserving_image" {
  description = "TensorFlow Serving image, pinned by an explicit tag (never \"latest\") and/or a sha256 digest. With model_loading_mode = \"native_s3\" it must be a 2.x tag no newer than 2.6."
  type        = string
  default     = "tensorflow/serving:2.18.0"
  nullable    = false

  validation {
    condition     = can(regex("^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:[._/-][a-z0-9]+)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(?:@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64})$", var.tfserving_image)) && !can(regex("(?i):latest(?:@sha256:[a-f0-9]{64})?$", var.tfserving_image))
    error_message = "The tfserving_image must be an image reference pinned by an explicit tag other than \"latest\" or by an @sha256 digest, for example \"tensorflow/serving:2.18.0\"."
  }
}

variable "model_sync_image" {
  description = "Image of the model-sync sidecar (needs the AWS CLI v2 and /bin/sh), pinned by an explicit tag (never \"latest\") and/or a sha256 digest. Used only with model_loading_mode = \"sync\"."
  type        = string
  default     = "amazon/aws-cli:2.22.35"
  nullable    = false

  validation {
    condition     = can(regex("^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:[._/-][a-z0-9]+)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(?:@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64})$", var.model_sync_image)) && !can(regex("(?i):latest(?:@sha256:[a-f0-9]{64})?$", var.model_sync_image))
    error_message = "The model_sync_image must be an image reference pinned by an explicit tag other than \"latest\" or by an @sha256 digest, for example \"amazon/aws-cli:2.22.35\"."
  }
}

variable "model_poll_interval_seconds" {
  description = "Seconds between checks of S3 for new model versions (the article used 600). In sync mode this is the model-sync sidecar's interval, and TF Serving checks the task volume every 30 s at most; in native_s3 mode it is TF Serving's own --file_system_poll_wait_seconds."
  type        = number
  default     = 600
  nullable    = false

  validation {
    condition     = var.model_poll_interval_seconds >= 1 && var.model_poll_interval_seconds <= 86400 && floor(var.model_poll_interval_seconds) == var.model_poll_interval_seconds
    error_message = "The model_poll_interval_seconds must be a whole number from 1 to 86400."
  }
}

variable "prometheus_metrics_enabled" {
  description = "Serve TF Serving's Prometheus metrics at /monitoring/prometheus/metrics on the REST port 8501 (TF Serving's --monitoring_config_file), reachable through the load balancer from allowed_cidr_blocks like the predict API. Off by default, as in the article."
  type        = bool
  default     = false
  nullable    = false
}

variable "model_local_path" {
  description = "Optional path to a local SavedModel folder holding numeric version folders (such as 1/saved_model.pb). Every file under it is uploaded to s3://<bucket>/<model_name>/ as one S3 object, then each version's <N>/_COMPLETE marker; the ECS service is created after the upload. A relative path is resolved from the directory Terraform runs in (terraform/ with -chdir=terraform; the examples use \"../model/empty_model\"). Null uploads nothing."
  type        = string
  default     = null

  validation {
    condition     = var.model_local_path == null ? true : length(fileset(var.model_local_path, "**")) > 0
    error_message = "The model_local_path must be a folder that contains files (for example \"../model/empty_model\", holding 1/saved_model.pb), or null."
  }

  validation {
    condition     = var.model_local_path == null ? true : length([for file in fileset(var.model_local_path, "**") : file if can(regex("^[0-9]+/", file))]) > 0
    error_message = "The model_local_path must hold numeric version folders (1/saved_model.pb, 2/..., as TF Serving expects), not the SavedModel files themselves."
  }
}

variable "model_noncurrent_version_expiration_days" {
  description = "Days the model bucket keeps overwritten or deleted object versions before expiring them (current objects are never expired)."
  type        = number
  default     = 90
  nullable    = false

  validation {
    condition     = var.model_noncurrent_version_expiration_days >= 1 && var.model_noncurrent_version_expiration_days <= 3650 && floor(var.model_noncurrent_version_expiration_days) == var.model_noncurrent_version_expiration_days
    error_message = "The model_noncurrent_version_expiration_days must be a whole number from 1 to 3650."
  }
}

variable "force_destroy_bucket" {
  description = "Allow `terraform destroy` to delete the model bucket even when it still holds objects (every version is deleted). Keep false outside test environments."
  type        = bool
  default     = false
  nullable    = false
}

# --- ECS ------------------------------------------------------------------------------------

variable "task_cpu" {
  description = "Fargate task CPU units (256, 512, 1024, 2048, 4096, 8192 or 16384); must form an allowed pair with task_memory."
  type        = number
  default     = 1024
  nullable    = false

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.task_cpu)
    error_message = "The task_cpu must be one of Fargate's CPU sizes: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "task_memory" {
  description = "Fargate task memory in MiB; must be allowed for task_cpu (for example 1024 CPU takes 2048-8192 in steps of 1024)."
  type        = number
  default     = 2048
  nullable    = false

  validation {
    condition     = var.task_memory >= 512 && var.task_memory <= 122880 && var.task_memory % 512 == 0
    error_message = "The task_memory must be a Fargate memory size in MiB between 512 and 122880 (for example 2048)."
  }
}

variable "desired_count" {
  description = "Number of TF Serving tasks the service runs (the starting point when autoscaling is on)."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.desired_count >= 0 && var.desired_count <= 10 && floor(var.desired_count) == var.desired_count
    error_message = "The desired_count must be a whole number from 0 to 10."
  }
}

variable "container_insights" {
  description = "Turn on CloudWatch Container Insights for the ECS cluster."
  type        = bool
  default     = true
  nullable    = false
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the containers' logs (one of CloudWatch's allowed retention values)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "The log_retention_days must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

# --- Autoscaling ----------------------------------------------------------------------------

variable "autoscaling_enabled" {
  description = "Scale the service between autoscaling_min_capacity and autoscaling_max_capacity with target tracking on average CPU."
  type        = bool
  default     = false
  nullable    = false
}

variable "autoscaling_min_capacity" {
  description = "Fewest tasks autoscaling keeps running (at least 1)."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.autoscaling_min_capacity >= 1 && var.autoscaling_min_capacity <= 100 && floor(var.autoscaling_min_capacity) == var.autoscaling_min_capacity
    error_message = "The autoscaling_min_capacity must be a whole number from 1 to 100."
  }
}

variable "autoscaling_max_capacity" {
  description = "Most tasks autoscaling may run (at least autoscaling_min_capacity)."
  type        = number
  default     = 4
  nullable    = false

  validation {
    condition     = var.autoscaling_max_capacity >= 1 && var.autoscaling_max_capacity <= 100 && floor(var.autoscaling_max_capacity) == var.autoscaling_max_capacity
    error_message = "The autoscaling_max_capacity must be a whole number from 1 to 100."
  }
}

variable "autoscaling_cpu_target" {
  description = "Average service CPU utilisation (percent) that target tracking aims for."
  type        = number
  default     = 70
  nullable    = false

  validation {
    condition     = var.autoscaling_cpu_target >= 10 && var.autoscaling_cpu_target <= 90
    error_message = "The autoscaling_cpu_target must be between 10 and 90 (percent)."
  }
}
