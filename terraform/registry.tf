# Optional ECR pull through cache for Docker Hub (ecr_pull_through_cache_enabled): the tasks pull
# tensorflow/serving and amazon/aws-cli from this account's ECR, which fetches them from Docker
# Hub once with the deployer's Docker Hub login and keeps them. Private tasks behind one NAT
# address otherwise share Docker Hub's anonymous limit (about 10 pulls an hour per address),
# which a rolling deploy or a crash loop exhausts; with the cache they need no NAT gateway at all
# (ECR is reached through the VPC endpoints).

locals {
  dockerhub_cache        = var.ecr_pull_through_cache_enabled
  dockerhub_cache_prefix = "${var.name_prefix}-dockerhub"
  ecr_registry           = "${local.account_id}.dkr.ecr.${data.aws_region.current.region}.${data.aws_partition.current.dns_suffix}"

  # The Docker Hub path of each image variable, or null for images from another registry (a first
  # path component with a dot or a colon, or "localhost", names a registry host). Official images
  # ("busybox:1.36") live under library/ on Docker Hub.
  configured_images = { tfserving = var.tfserving_image, model_sync = var.model_sync_image }
  dockerhub_paths = {
    for key, image in local.configured_images : key => (
      can(regex("^(docker\\.io|index\\.docker\\.io|registry-1\\.docker\\.io)/", image)) ? join("/", slice(split("/", image), 1, length(split("/", image)))) :
      can(regex("^([^/]*[.:][^/]*|localhost)/", image)) ? null : image
    )
  }
  dockerhub_repositories = {
    for key, path in local.dockerhub_paths : key => (strcontains(split(":", split("@", path)[0])[0], "/") ? path : "library/${path}") if path != null
  }

  # What the task definition runs: the cached copy when the cache is on and the image is on Docker
  # Hub, else the image as configured. (Spelt out per image, so policy scanners read the pins.)
  cached_images = {
    for key, repository in local.dockerhub_repositories : key => "${local.ecr_registry}/${local.dockerhub_cache_prefix}/${repository}"
  }
  task_image = {
    tfserving  = local.dockerhub_cache ? lookup(local.cached_images, "tfserving", var.tfserving_image) : var.tfserving_image
    model_sync = local.dockerhub_cache ? lookup(local.cached_images, "model_sync", var.model_sync_image) : var.model_sync_image
  }
}

resource "aws_ecr_pull_through_cache_rule" "dockerhub" {
  count = local.dockerhub_cache ? 1 : 0

  ecr_repository_prefix = local.dockerhub_cache_prefix
  upstream_registry_url = "registry-1.docker.io"
  credential_arn        = var.dockerhub_credential_arn

  lifecycle {
    precondition {
      condition     = var.dockerhub_credential_arn != null
      error_message = "ecr_pull_through_cache_enabled = true needs dockerhub_credential_arn: ECR pulls from Docker Hub only with a Docker Hub login."
    }
  }
}
