"""moto's IAM enforcement, made to evaluate the condition keys our policies use (a compatibility
patch in the style of moto_compat; applied by moto_compat.apply()).

Gap (moto 5.2.5; upstream: getmoto/moto#8680 brought condition evaluation to trust policies only,
getmoto/moto#8842 made every other condition operator "not supported, so ignored"): when
INITIAL_NO_AUTH_ACTION_COUNT switches enforcement on, moto feeds only `sts:ExternalId` to
conditions and evaluates only `StringEquals`. Any other operator is skipped, so the task role's
`s3:ListBucket` statement conditioned on `StringLike s3:prefix` allows listing ANY prefix of the
bucket: a policy too narrow (or too wide) for the sync sidecar is never noticed.

Fix:
1. The request context: S3 requests get `s3:prefix`, `s3:delimiter` and `s3:max-keys` from the
   ListBucket query string (AWS sets them for ListBucket only), and `aws:SecureTransport` = true
   (as moto_compat #4: the emulator stands in for AWS's HTTPS endpoints).
2. The condition operators AWS documents for strings, ARNs, booleans, numbers and Null, with the
   `...IfExists` suffix and the `ForAnyValue:`/`ForAllValues:` prefixes, evaluated as AWS does: a key
   missing from the request makes a positive operator false and a negated one (`StringNotLike`, ...)
   true. An operator not listed here makes the statement NOT apply (moto ignored it: too lenient).

The canary (tests/rehearsal/test_moto_iam_conditions.py) runs a too-wide listing with the patch
taken off (`unpatched()`) and expects AccessDenied, strict xfail: it starts passing, and fails the
run, on the day moto evaluates s3:prefix itself.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

from moto.iam import access_control
from moto.iam.access_control import IAMPolicy, IAMPolicyStatement, IAMRequestBase, PermissionResult

_ORIGINALS = {
    "check_action_permitted": IAMRequestBase.check_action_permitted,
    "_check_conditions": IAMPolicyStatement._check_conditions,
}
_LIST_BUCKET_KEYS = {"prefix": "s3:prefix", "delimiter": "s3:delimiter", "max-keys": "s3:max-keys"}


def request_context(request: IAMRequestBase) -> dict[str, list[str]]:
    """The condition keys of one request, as AWS would set them for our policies."""
    context: dict[str, list[str]] = {"aws:SecureTransport": ["true"]}
    for key, value in access_control.format_incoming_conditional_values(request._data).items():
        context[key] = [value]
    if request._action == "s3:ListBucket":
        query = parse_qs(urlsplit(request._path).query, keep_blank_values=True)
        for name, key in _LIST_BUCKET_KEYS.items():
            if name in query:
                context[key] = query[name][:1]
    return context


def _like(pattern: str, value: str) -> bool:
    return fnmatch.fnmatchcase(value, pattern.replace("[", "[[]"))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


_STRING = {
    "StringEquals": lambda want, got: got == want,
    "StringEqualsIgnoreCase": lambda want, got: got.lower() == want.lower(),
    "StringLike": lambda want, got: _like(want, got),
    "ArnEquals": lambda want, got: got == want,
    "ArnLike": lambda want, got: _like(want, got),
    "Bool": lambda want, got: got.lower() == want.lower(),
    "NumericEquals": lambda want, got: _number(got) is not None and _number(got) == _number(want),
    "NumericLessThan": lambda want, got: _number(got) is not None and _number(got) < _number(want),
    "NumericLessThanEquals": lambda want, got: _number(got) is not None and _number(got) <= _number(want),
    "NumericGreaterThan": lambda want, got: _number(got) is not None and _number(got) > _number(want),
    "NumericGreaterThanEquals": lambda want, got: _number(got) is not None and _number(got) >= _number(want),
}
_NEGATED = {"StringNotEquals": "StringEquals", "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
            "StringNotLike": "StringLike", "ArnNotEquals": "ArnEquals", "ArnNotLike": "ArnLike",
            "NumericNotEquals": "NumericEquals"}


def _values(raw: Any) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    return [str(v).lower() if isinstance(v, bool) else str(v) for v in items]


def condition_holds(operator: str, key: str, expected: Any, context: dict[str, list[str]]) -> bool:
    """One `"Operator": {"key": expected}` entry against the request context."""
    quantifier, _, operator = operator.rpartition(":")
    if_exists = operator.endswith("IfExists")
    operator = operator.removesuffix("IfExists")
    wanted = _values(expected)
    actual = context.get(key)
    if operator == "Null":
        return (actual is None) == (wanted[0].lower() == "true")
    if actual is None:
        return if_exists or operator in _NEGATED
    negated = operator in _NEGATED
    compare = _STRING.get(_NEGATED.get(operator, operator))
    if compare is None:
        return False  # an operator we cannot evaluate never grants (moto's default ignored it)

    def matches(value: str) -> bool:
        return any(compare(w, value) for w in wanted)

    if quantifier == "ForAllValues":
        result = all(matches(v) for v in actual)
    else:  # single-valued keys and ForAnyValue
        result = any(matches(v) for v in actual)
    return not result if negated else result


def _check_conditions(self: IAMPolicyStatement, incoming: dict | None) -> bool:
    conditions = self._statement.get("Condition")
    if not conditions:
        return True
    context = {k: v if isinstance(v, list) else [v] for k, v in (incoming or {}).items()}
    return all(condition_holds(operator, key, expected, context)
               for operator, tests in conditions.items() for key, expected in tests.items())


def _is_action_permitted_in(policy: IAMPolicy, action: str, resource: str,
                            context: dict[str, list[str]]) -> PermissionResult:
    """moto's IAMPolicy.is_action_permitted, with the request context (a condition that does not
    hold makes the statement not apply: NEUTRAL, as AWS; moto returned DENIED for that)."""
    statements = policy._policy_json["Statement"]
    permitted = False
    for statement in statements if isinstance(statements, list) else [statements]:
        evaluated = IAMPolicyStatement(statement)
        if not evaluated._check_conditions(context):
            continue
        result = evaluated.is_action_permitted(action, resource, None, context)
        if result == PermissionResult.DENIED:
            return result
        permitted = permitted or result == PermissionResult.PERMITTED
    return PermissionResult.PERMITTED if permitted else PermissionResult.NEUTRAL


def _check_action_permitted(self: IAMRequestBase, resource: str) -> None:
    if self._action == "sts:GetCallerIdentity":
        return
    context = request_context(self)
    permitted = False
    for policy in self._access_key.collect_policies():
        result = _is_action_permitted_in(IAMPolicy(policy), self._action, resource, context)
        if result == PermissionResult.DENIED:
            self._raise_access_denied()
        permitted = permitted or result == PermissionResult.PERMITTED
    if self._is_assuming_role_operation(resource):
        permitted = permitted and self._check_role_trust_relationship(resource)
    if not permitted:
        self._raise_access_denied()


def _install(check_action_permitted: Any, check_conditions: Any) -> None:
    IAMRequestBase.check_action_permitted = check_action_permitted
    IAMPolicyStatement._check_conditions = check_conditions


def apply() -> None:
    _install(_check_action_permitted, _check_conditions)


@contextmanager
def unpatched() -> Iterator[None]:
    """moto's own evaluation for the duration (the canary's repro); the patch comes back after."""
    patched = (IAMRequestBase.check_action_permitted, IAMPolicyStatement._check_conditions)
    _install(_ORIGINALS["check_action_permitted"], _ORIGINALS["_check_conditions"])
    try:
        yield
    finally:
        _install(*patched)
