"""The deployment's structural promises: each is a function over a parsed configuration that
yields (address, message) for every way the promise is broken. The registry turns them into
Findings tagged with the promise's id, which the broken-configuration fixtures name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from tfsuite.static.findings import Finding
from tfsuite.static.hcl import Block, Config

Check = Callable[[Config], Iterable[tuple[str, str]]]
BlockCheck = Callable[[Config, Block], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Promise:
    id: str
    text: str  # what the deployment promises, in one sentence
    check: Check

    def __call__(self, config: Config) -> list[Finding]:
        return sorted(Finding(self.id, address, message) for address, message in self.check(config))


PROMISES: dict[str, Promise] = {}


def promise(rule_id: str, text: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        if rule_id in PROMISES:
            raise ValueError(f"promise {rule_id!r} is registered twice")
        PROMISES[rule_id] = Promise(rule_id, text, check)
        return check
    return register


def about(resource: tuple[str, str]) -> Callable[[BlockCheck], Check]:
    """For a promise about one resource: "is missing" when the configuration lacks it, otherwise
    what check(config, block) finds in it."""
    def wrap(check: BlockCheck) -> Check:
        @functools.wraps(check)
        def run(config: Config) -> Iterator[tuple[str, str]]:
            block = config.resource(*resource)
            if block is None:
                yield f"{resource[0]}.{resource[1]}", "is missing"
                return
            yield from check(config, block)
        return run
    return wrap


def required(config: Config, rtype: str, name: str) -> tuple[Block | None, list[tuple[str, str]]]:
    block = config.resource(rtype, name)
    return block, ([] if block else [(f"{rtype}.{name}", "is missing")])


def check_promises(config: Config, only: Iterable[str] | None = None) -> list[Finding]:
    ids = list(PROMISES) if only is None else list(only)
    unknown = sorted(set(ids) - set(PROMISES))
    if unknown:
        raise KeyError(f"unknown promise id(s) {unknown}; known: {sorted(PROMISES)}")
    return [finding for rule_id in ids for finding in PROMISES[rule_id](config)]


# Registration happens on import.
from tfsuite.static.promises import access, interface, serving, storage, traffic  # noqa: E402,F401
