# The model bucket: TF Serving's models live under s3://<bucket>/<model_name>/<version>/.
# Private, versioned, encrypted, TLS only; optionally filled from a local SavedModel folder.

locals {
  # Account and region make the name unique in the global S3 namespace and known at plan time.
  model_bucket_name = "${var.name_prefix}-models-${local.account_id}-${data.aws_region.current.region}"
  model_s3_prefix   = "s3://${aws_s3_bucket.models.id}/${var.model_name}/"

  # Upload protocol: version N of the model is complete once the object <model_name>/N/_COMPLETE
  # exists, and uploaders write it last. The sync sidecar publishes only complete versions.
  model_complete_marker = "_COMPLETE"

  # Every file of the local SavedModel folder except markers (Terraform writes its own), and the
  # numeric version folders they belong to.
  model_files = var.model_local_path == null ? toset([]) : toset([
    for file in fileset(var.model_local_path, "**") : file if basename(file) != local.model_complete_marker
  ])
  model_versions = toset([for file in local.model_files : split("/", file)[0] if can(regex("^[0-9]+/", file))])
}

resource "aws_s3_bucket" "models" {
  bucket        = local.model_bucket_name
  force_destroy = var.force_destroy_bucket

  tags = {
    Name = local.model_bucket_name
  }
}

resource "aws_s3_bucket_ownership_controls" "models" {
  bucket = aws_s3_bucket.models.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "models" {
  bucket = aws_s3_bucket.models.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# Every model version stays recoverable: an overwritten or deleted SavedModel can be restored.
resource "aws_s3_bucket_versioning" "models" {
  bucket = aws_s3_bucket.models.id

  versioning_configuration {
    status = "Enabled"
  }
}

# Old object versions (overwritten or deleted model files) expire after a while; interrupted
# multipart uploads of large model files are cleaned up.
resource "aws_s3_bucket_lifecycle_configuration" "models" {
  bucket = aws_s3_bucket.models.id

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.model_noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.models]
}

resource "aws_s3_bucket_server_side_encryption_configuration" "models" {
  bucket = aws_s3_bucket.models.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_policy" "models" {
  bucket = aws_s3_bucket.models.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.models.arn, "${aws_s3_bucket.models.arn}/*"]
      Condition = {
        Bool = { "aws:SecureTransport" = "false" }
      }
    }]
  })

  depends_on = [aws_s3_bucket_public_access_block.models]
}

# One object per file of the local SavedModel folder, e.g. 1/saved_model.pb ->
# <model_name>/1/saved_model.pb. The etag makes Terraform upload a file again when it changes.
resource "aws_s3_object" "model_files" {
  for_each = local.model_files

  bucket = aws_s3_bucket.models.id
  key    = "${var.model_name}/${each.value}"
  source = "${var.model_local_path}/${each.value}"
  etag   = filemd5("${var.model_local_path}/${each.value}")

  depends_on = [
    aws_s3_bucket_ownership_controls.models,
    aws_s3_bucket_server_side_encryption_configuration.models,
    aws_s3_bucket_versioning.models,
  ]
}

# The marker of each uploaded version, written after every file of the model: its content lists
# the version's files with their MD5 sums (`md5sum -c` format), so it changes, and the sidecar
# publishes the version again, whenever a file of the version changes.
resource "aws_s3_object" "model_complete" {
  for_each = local.model_versions

  bucket       = aws_s3_bucket.models.id
  key          = "${var.model_name}/${each.value}/${local.model_complete_marker}"
  content_type = "text/plain"
  content = join("", [
    for file in sort(tolist(local.model_files)) :
    "${filemd5("${var.model_local_path}/${file}")}  ${trimprefix(file, "${each.value}/")}\n"
    if startswith(file, "${each.value}/")
  ])

  depends_on = [aws_s3_object.model_files]
}
