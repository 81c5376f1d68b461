"""The /_control/ endpoints: faults, latency, rate limit, request log, simulation, stats.

They need ``X-Sandbox-Control: <token>`` and are never faulted, rate limited or logged, so a
test can always steer the server. Each maps onto a ``SandboxServer`` method.
"""

from __future__ import annotations

import hmac
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


def _faults(sandbox: SandboxServer) -> dict:
    return {
        "faults": sandbox.faults.pending(),
        "latency_ms": sandbox.faults.latency_ms,
        "kinds": FAULT_KINDS,
    }


def _route(sandbox: SandboxServer, request: _Request) -> tuple[int, dict | None]:
    name = request.path.removeprefix("/_control/").rstrip("/")
    verb = request.method
    body = request.json_body() or {}
    if (verb, name) == ("GET", "faults"):
        return 200, _faults(sandbox)
    if (verb, name) == ("POST", "faults"):
        unknown = set(body) - set(_FAULT_FIELDS)
        if unknown:
            raise ApiError(422, "invalid", f"Unknown fault fields: {sorted(unknown)}.")
        sandbox.add_fault(**body)
        return 201, _faults(sandbox)
    if (verb, name) == ("DELETE", "faults"):
        sandbox.clear_faults()
        return 204, None
    if (verb, name) == ("POST", "latency"):
        sandbox.set_latency(int(body.get("ms", 0)))
        return 200, _faults(sandbox)
    if (verb, name) == ("POST", "rate_limit"):
        sandbox.set_rate_limit(int(body["capacity"]), float(body["window_s"]))
        return 200, {
            "capacity": sandbox.rate_limiter.capacity,
            "window_s": sandbox.rate_limiter.window_s,
        }
    if (verb, name) == ("GET", "requests"):
        return 200, {"requests": sandbox.requests()}
    if (verb, name) == ("POST", "reset_log"):
        sandbox.reset_log()
        return 204, None
    if (verb, name) == ("POST", "simulate"):
        return 200, {"comments": simulate.run(sandbox._live_state(), body)}
    if (verb, name) == ("GET", "stats"):
        return 200, sandbox.stats()
    if (verb, name) == ("GET", "clusters"):
        return 200, {"clusters": sandbox.question_clusters()}
    raise ApiError(404, "not_found", f"There is no control endpoint {verb} {request.path}.")


def handle_control(sandbox: SandboxServer, request: _Request) -> tuple[int, dict | None]:
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
