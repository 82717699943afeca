"""The destroy guard's order after a signal: what the workspace's owner clears first, then destroy."""

from tfsuite.runner.guard import DestroyGuard


class RecordingWorkspace:
    """Stands in for tfsuite.runner.workspace.Workspace: records the calls the guard makes."""

    def __init__(self, calls: list[str], name: str = "ws") -> None:
        self.calls, self.name, self.dir = calls, name, f"/tmp/{name}"

    def destroy(self, **_) -> None:
        self.calls.append(f"destroy {self.name}")

    def remove(self) -> None:
        self.calls.append(f"remove {self.name}")


def test_what_the_owner_clears_goes_before_the_destroy():
    calls: list[str] = []
    guard = DestroyGuard()
    guard.protect(RecordingWorkspace(calls), before_destroy=lambda: calls.append("sweep orphans"))
    try:
        assert guard.destroy_all(remove=True) == []
    finally:
        guard.uninstall()
    assert calls == ["sweep orphans", "destroy ws", "remove ws"]


def test_a_failure_before_the_destroy_is_reported_and_the_destroy_still_runs():
    calls: list[str] = []

    def failing() -> None:
        raise RuntimeError("the janitor could not delete subnet-1")

    guard = DestroyGuard()
    guard.protect(RecordingWorkspace(calls), before_destroy=failing)
    try:
        failures = guard.destroy_all()
    finally:
        guard.uninstall()
    assert calls == ["destroy ws"]
    assert len(failures) == 1 and "before destroy: RuntimeError: the janitor could not delete subnet-1" in failures[0]


def test_a_released_workspace_takes_its_hook_with_it():
    calls: list[str] = []
    guard = DestroyGuard()
    first = RecordingWorkspace(calls, "first")
    guard.protect(first, before_destroy=lambda: calls.append("hook of first"))
    guard.release(first)
    guard.protect(RecordingWorkspace(calls, "second"))
    try:
        guard.destroy_all()
    finally:
        guard.uninstall()
    assert calls == ["destroy second"]
