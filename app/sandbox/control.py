"""The /_control/ endpoints: faults, latency, rate limit, request log, simulation, stats.

They need ``X-Sandbox-Control: <token>`` and are never faulted, rate limited or logged, so a
test can always steer the server. Each maps onto a ``SandboxServer`` method.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.sandbox import simulate
from app.sandbox.faults import FAULT_KINDS
from app.sandbox.wire import ApiError

if TYPE_CHECKING:
    from app.sandbox.server import SandboxServer, _Request

_FAULT_FIELDS = (
    "kind",
    "count",
    "method",
    "path_prefix",
    "status",
    "retry_after",
    "hang_s",
    "apply",
    "item_index",
)


#: A control answer: the HTTP status and the JSON body (None: no body).
Answer = tuple[int, dict | None]


def _faults(sandbox: SandboxServer) -> dict:
    return {
        "faults": sandbox.faults.pending(),
        "latency_ms": sandbox.faults.latency_ms,
        "kinds": FAULT_KINDS,
    }


def _add_fault(sandbox: SandboxServer, body: dict) -> Answer:
    unknown = set(body) - set(_FAULT_FIELDS)
    if unknown:
        raise ApiError(422, "invalid", f"Unknown fault fields: {sorted(unknown)}.")
    sandbox.add_fault(**body)
    return 201, _faults(sandbox)


def _clear_faults(sandbox: SandboxServer, body: dict) -> Answer:
    sandbox.clear_faults()
    return 204, None


def _set_latency(sandbox: SandboxServer, body: dict) -> Answer:
    sandbox.set_latency(int(body.get("ms", 0)))
    return 200, _faults(sandbox)


def _set_rate_limit(sandbox: SandboxServer, body: dict) -> Answer:
    sandbox.set_rate_limit(int(body["capacity"]), float(body["window_s"]))
    limiter = sandbox.rate_limiter
    return 200, {"capacity": limiter.capacity, "window_s": limiter.window_s}


def _reset_log(sandbox: SandboxServer, body: dict) -> Answer:
    sandbox.reset_log()
    return 204, None


#: (method, name after /_control/) -> what answers it, given the server and the JSON body.
_ENDPOINTS: dict[tuple[str, str], Callable[[SandboxServer, dict], Answer]] = {
    ("GET", "faults"): lambda sandbox, _: (200, _faults(sandbox)),
    ("POST", "faults"): _add_fault,
    ("DELETE", "faults"): _clear_faults,
    ("POST", "latency"): _set_latency,
    ("POST", "rate_limit"): _set_rate_limit,
    ("GET", "requests"): lambda sandbox, _: (200, {"requests": sandbox.requests()}),
    ("POST", "reset_log"): _reset_log,
    ("POST", "simulate"): lambda sandbox, body: (
        200,
        {"comments": simulate.run(sandbox._live_state(), body)},
    ),
    ("GET", "stats"): lambda sandbox, _: (200, sandbox.stats()),
    ("GET", "clusters"): lambda sandbox, _: (200, {"clusters": sandbox.question_clusters()}),
}


def _route(sandbox: SandboxServer, request: _Request) -> Answer:
    name = request.path.removeprefix("/_control/").rstrip("/")
    verb = request.method
    body = request.json_body() or {}
    endpoint = _ENDPOINTS.get((verb, name))
    if endpoint is None:
        raise ApiError(404, "not_found", f"There is no control endpoint {verb} {request.path}.")
    return endpoint(sandbox, body)


def handle_control(sandbox: SandboxServer, request: _Request) -> Answer:
    """(status, JSON body) for a control request; errors use the API's error shape."""
    secret = request.headers.get("X-Sandbox-Control", "")
    if not hmac.compare_digest(secret.encode(), sandbox.token.encode()):
        return 403, ApiError(403, "forbidden", "Send X-Sandbox-Control: <token>.").body()
    try:
        return _route(sandbox, request)
    except ApiError as error:
        return error.status, error.body()
    except (KeyError, TypeError, ValueError) as exc:
        return 422, {"error": {"code": "invalid", "message": f"Bad control request: {exc}"}}
