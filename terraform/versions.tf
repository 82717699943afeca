terraform {
  required_version = ">= 1.6.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.47.0"
    }
  }
}

# Test harnesses point this provider at emulators with an override.tf dropped into a temporary
# copy of this folder, so there are deliberately no endpoint variables here.
provider "aws" {
  region = var.aws_region

  default_tags {
    tags = merge(var.tags, {
      "Project"   = "tfserving"
      "ManagedBy" = "terraform"
    })
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}
