# Optional CloudWatch alarms on the load balancer (deployment_alarms_enabled = true): tasks
# failing the health check, and 5XX answers from TF Serving or from the load balancer itself.
# The ECS service rolls a deployment back when one of them fires during it (its alarms block);
# alarm_sns_topic_arn, when set, is notified on alarm and on recovery.

locals {
  alarm_actions = var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]

  # name suffix -> what the alarm watches
  deployment_alarms = {
    unhealthy-hosts = {
      description = "TF Serving tasks failing the load balancer health check (model not loaded, crash loop)"
      metric_name = "UnHealthyHostCount"
      statistic   = "Maximum"
      threshold   = 0
      per_target  = true
    }
    target-5xx = {
      description = "5XX answers from TF Serving behind the load balancer"
      metric_name = "HTTPCode_Target_5XX_Count"
      statistic   = "Sum"
      threshold   = var.alarm_5xx_threshold
      per_target  = true
    }
    elb-5xx = {
      description = "5XX answers from the load balancer itself (no healthy target, timeouts)"
      metric_name = "HTTPCode_ELB_5XX_Count"
      statistic   = "Sum"
      threshold   = var.alarm_5xx_threshold
      per_target  = false
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "deployment" {
  for_each = { for suffix, alarm in local.deployment_alarms : suffix => alarm if var.deployment_alarms_enabled }

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/ApplicationELB"
  metric_name         = each.value.metric_name
  statistic           = each.value.statistic
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanThreshold"
  # No requests means no 5XX: missing data is not a failure.
  treat_missing_data = "notBreaching"

  dimensions = {
    for name, value in {
      LoadBalancer = aws_lb.tfserving.arn_suffix
      TargetGroup  = aws_lb_target_group.tfserving.arn_suffix
    } : name => value if name == "LoadBalancer" || each.value.per_target
  }

  alarm_actions = local.alarm_actions
  ok_actions    = local.alarm_actions

  tags = {
    Name = "${var.name_prefix}-${each.key}"
  }
}
