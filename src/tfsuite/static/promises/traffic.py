"""Promises about the request path: client -> ALB :9000 -> target group :8501 -> container :8501."""

from __future__ import annotations

from tfsuite.static import contract as c
from tfsuite.static.expressions import mentions, objects, reference, resolve
from tfsuite.static.hcl import Block, Config
from tfsuite.static.promises import about, promise, required


def tfserving_containers(config: Config, task: Block) -> list[dict]:
    return [o for o in objects(config, task.get("container_definitions"))
            if o.get("name") == c.TFSERVING_CONTAINER and "image" in o]


def _port_mappings(container: dict) -> list[dict]:
    mappings = container.get("portMappings") or []
    return [m for m in (mappings if isinstance(mappings, list) else [mappings]) if isinstance(m, dict)]


@promise("listener-port", f"The ALB listener answers on var.listener_port (default {c.LISTENER_PORT}) over HTTP")
@about(c.LISTENER)
def listener_port(config: Config, listener: Block):
    if reference(listener.get("port")) != "var.listener_port":
        yield listener.address, f"port is {listener.get('port')!r}, not var.listener_port"
    variable = config.variables().get("listener_port")
    if variable is None:
        yield "variable.listener_port", "is missing"
    elif variable.get("default") != c.LISTENER_PORT:
        yield "variable.listener_port", f"default is {variable.get('default')!r}, expected {c.LISTENER_PORT}"
    if listener.get("protocol") != "HTTP":
        yield listener.address, f"protocol is {listener.get('protocol')!r}, expected HTTP"
    if reference(listener.get("load_balancer_arn")) != "aws_lb.tfserving.arn":
        yield listener.address, "load_balancer_arn is not aws_lb.tfserving.arn"


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


@promise("target-group", f"The target group sends HTTP to port {c.REST_PORT} on task IPs")
@about(c.TARGET_GROUP)
def target_group(config: Config, group: Block):
    port = resolve(config, group.get("port"))
    if port != c.REST_PORT:
        yield group.address, f"port resolves to {port!r}, expected {c.REST_PORT}"
    for key, expected in (("protocol", "HTTP"), ("target_type", "ip")):
        if group.get(key) != expected:
            yield group.address, f"{key} is {group.get(key)!r}, expected {expected!r}"
    if not mentions(group.get("vpc_id"), "aws_vpc.main"):
        yield group.address, "vpc_id is not aws_vpc.main"


@promise("health-check", f"The health check asks for {c.HEALTH_CHECK_PATH} on the traffic port and wants 200")
@about(c.TARGET_GROUP)
def health_check(config: Config, group: Block):
    checks = group.nested("health_check")
    if len(checks) != 1:
        yield group.address, "has no health_check block (the default / is not served by TF Serving)"
        return
    check = checks[0]
    if check.get("path") != c.HEALTH_CHECK_PATH:
        yield group.address, f"health check path is {check.get('path')!r}, expected {c.HEALTH_CHECK_PATH!r}"
    if str(check.get("matcher")) != "200":
        yield group.address, f"health check matcher is {check.get('matcher')!r}, expected '200'"
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
        ports = [resolve(config, m.get("containerPort")) for m in _port_mappings(container)]
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
    if service.get("wait_for_steady_state") not in (None, False):
        yield where, "wait_for_steady_state is set (applies would hang on emulators; the contract leaves it false)"
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
        if not mentions(groups, "aws_security_group.tasks") or mentions(groups, "aws_security_group.alb"):
            yield where, f"security_groups is {groups!r}, expected [aws_security_group.tasks.id] only"
    task, _ = required(config, *c.TASK_DEFINITION)
    if task:
        if task.get("network_mode") != "awsvpc":
            yield task.address, f"network_mode is {task.get('network_mode')!r}, expected awsvpc"
        if task.get("requires_compatibilities") != ["FARGATE"]:
            yield task.address, "requires_compatibilities is not [\"FARGATE\"]"
        for role, target in (("execution_role_arn", "aws_iam_role.execution"), ("task_role_arn", "aws_iam_role.task")):
            if not mentions(task.get(role), target):
                yield task.address, f"{role} is not {target}.arn"
