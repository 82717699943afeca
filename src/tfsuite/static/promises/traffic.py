"""Promises about the request path: client -> ALB :9000 -> target group :8501 -> container :8501."""

from __future__ import annotations

from tfsuite.static import contract as c
from tfsuite.static.expressions import mentions, objects, reference, resolve
from tfsuite.static.hcl import Block, Config
from tfsuite.static.promises import about, promise, required


def tfserving_containers(config: Config, task: Block) -> list[dict]:
    return [o for o in objects(config, task.get("container_definitions"))
            if o.get("name") == c.TFSERVING_CONTAINER and "image" in o]


def _port_mappings(config: Config, container: dict) -> list[dict]:
    return [m for m in objects(config, container.get("portMappings")) if "containerPort" in m]


@promise("listener-port", "The ALB listener answers on var.listener_port over HTTP, or HTTPS with "
                          "var.ssl_policy only when var.certificate_arn (default null) is set (the port it "
                          f"resolves to, {c.LISTENER_PORT}, is the gate's CKV_TFS_1)")
@about(c.LISTENER)
def listener_port(config: Config, listener: Block):
    if reference(listener.get("port")) != "var.listener_port":
        yield listener.address, f"port is {listener.get('port')!r}, not var.listener_port"
    if "listener_port" not in config.variables():
        yield "variable.listener_port", "is missing"
    yield from _listener_protocol(config, listener)
    if reference(listener.get("load_balancer_arn")) != "aws_lb.tfserving.arn":
        yield listener.address, "load_balancer_arn is not aws_lb.tfserving.arn"


def _listener_protocol(config: Config, listener: Block):
    protocol = listener.get("protocol")
    if protocol == "HTTP":
        return
    https = resolve(config, "${local.https_enabled}")
    if protocol != '${local.https_enabled ? "HTTPS" : "HTTP"}' or https != "${var.certificate_arn != null}":
        yield listener.address, (f"protocol is {protocol!r}, expected HTTP, or HTTPS exactly when "
                                 "var.certificate_arn is set (local.https_enabled)")
        return
    certificate = config.variables().get("certificate_arn")
    if certificate is None or certificate.get("default") is not None:
        yield "variable.certificate_arn", "must exist with the default null (plain HTTP, the article's set-up)"
    if reference(listener.get("certificate_arn")) != "var.certificate_arn":
        yield listener.address, "certificate_arn is not var.certificate_arn"
    if "var.ssl_policy" not in str(listener.get("ssl_policy")):
        yield listener.address, "ssl_policy is not var.ssl_policy"
    policy = config.variables().get("ssl_policy")
    if policy is None or not str(policy.get("default", "")).startswith(c.TLS_POLICY_PREFIX):
        yield "variable.ssl_policy", f"default is not a {c.TLS_POLICY_PREFIX}* policy"


@promise("listener-forward", "The listener's default action forwards to aws_lb_target_group.tfserving "
                             "(target_group_arn, not a forward {} block)")
@about(c.LISTENER)
def listener_forward(config: Config, listener: Block):
    actions = listener.nested("default_action")
    if len(actions) != 1:
        yield listener.address, f"has {len(actions)} default actions, expected one forward"
        return
    action = actions[0]
    if action.get("type") != "forward":
        yield listener.address, f"default action type is {action.get('type')!r}, expected forward"
    if reference(action.get("target_group_arn")) != "aws_lb_target_group.tfserving.arn":
        yield listener.address, "default action does not set target_group_arn = aws_lb_target_group.tfserving.arn"
    if "forward" in action:
        yield listener.address, "uses a forward {} block (moto and the contract expect target_group_arn)"


@promise("target-group", "The target group lives in the deployment's VPC (port, protocol and target type "
                         "are the gate's CKV_TFS_2)")
@about(c.TARGET_GROUP)
def target_group(config: Config, group: Block):
    if not mentions(group.get("vpc_id"), "aws_vpc.main"):
        yield group.address, "vpc_id is not aws_vpc.main"


@promise("health-check", "The health check is enabled, on the traffic port, built from var.model_name (its "
                         "path and matcher are the gate's CKV_TFS_3)")
@about(c.TARGET_GROUP)
def health_check(config: Config, group: Block):
    checks = group.nested("health_check")
    if len(checks) != 1:
        yield group.address, "has no health_check block (the default / is not served by TF Serving)"
        return
    check = checks[0]
    if check.get("enabled") is False:
        yield group.address, "health check is disabled"
    if check.get("port", "traffic-port") not in ("traffic-port", c.REST_PORT, str(c.REST_PORT)):
        yield group.address, f"health check port is {check.get('port')!r}, expected traffic-port"
    if "model_name" not in config.variables():
        yield "variable.model_name", "is missing (the health check path is built from it)"


@promise("container-port", f"The {c.TFSERVING_CONTAINER} container publishes TF Serving's REST port {c.REST_PORT}")
@about(c.TASK_DEFINITION)
def container_port(config: Config, task: Block):
    containers = tfserving_containers(config, task)
    if not containers:
        yield task.address, f"defines no container named {c.TFSERVING_CONTAINER!r} with an image"
        return
    for container in containers:
        ports = [resolve(config, m.get("containerPort")) for m in _port_mappings(config, container)]
        if c.REST_PORT not in ports:
            yield task.address, f"container {c.TFSERVING_CONTAINER} maps ports {ports}, not {c.REST_PORT}"


@promise("service-wiring", "The ECS service runs the task definition on Fargate in the tasks' security "
                           f"group and registers container {c.TFSERVING_CONTAINER}:{c.REST_PORT} in the target group")
@about(c.SERVICE)
def service_wiring(config: Config, service: Block):
    where = service.address
    if reference(service.get("task_definition")) != "aws_ecs_task_definition.tfserving.arn":
        yield where, "task_definition is not aws_ecs_task_definition.tfserving.arn"
    if service.get("launch_type") != "FARGATE":
        yield where, f"launch_type is {service.get('launch_type')!r}, expected FARGATE"
    waits = service.get("wait_for_steady_state")
    if waits not in (None, False) and resolve(config, waits, defaults=True) is not False:
        yield where, ("wait_for_steady_state is on by default (applies would hang on emulators; the contract "
                      "leaves it false unless var.wait_for_steady_state turns it on)")
    balancers = service.nested("load_balancer")
    if len(balancers) != 1:
        yield where, f"has {len(balancers)} load_balancer blocks, expected one"
    for lb in balancers:
        if reference(lb.get("target_group_arn")) != "aws_lb_target_group.tfserving.arn":
            yield where, "load_balancer.target_group_arn is not aws_lb_target_group.tfserving.arn"
        if lb.get("container_name") != c.TFSERVING_CONTAINER:
            yield where, f"load_balancer.container_name is {lb.get('container_name')!r}, not {c.TFSERVING_CONTAINER!r}"
        port = resolve(config, lb.get("container_port"))
        if port != c.REST_PORT:
            yield where, f"load_balancer.container_port resolves to {port!r}, expected {c.REST_PORT}"
    networks = service.nested("network_configuration")
    if len(networks) != 1:
        yield where, "has no network_configuration (awsvpc tasks need one)"
    for network in networks:
        groups = network.get("security_groups")
        if not mentions(groups, "aws_security_group.tasks"):  # sharing with the ALB: CKV_TFS_8
            yield where, f"security_groups is {groups!r}, expected [aws_security_group.tasks.id]"
    task, _ = required(config, *c.TASK_DEFINITION)
    if task:
        if task.get("network_mode") != "awsvpc":
            yield task.address, f"network_mode is {task.get('network_mode')!r}, expected awsvpc"
        if task.get("requires_compatibilities") != ["FARGATE"]:
            yield task.address, "requires_compatibilities is not [\"FARGATE\"]"
        for role, target in (("execution_role_arn", "aws_iam_role.execution"), ("task_role_arn", "aws_iam_role.task")):
            if not mentions(task.get(role), target):
                yield task.address, f"{role} is not {target}.arn"
