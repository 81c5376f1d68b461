"""The built-in sandbox network: a real HTTP JSON server on 127.0.0.1 that stands in for an
enterprise network, with a seeded organisation and switchable faults. API: API.md.

    state.py     SQLite state (WAL) and its queries     seed.py / corpus.py  the organisation
    routes.py    /api/v1 endpoints                      control.py           /_control/ endpoints
    server.py    HTTP server, pipeline, SandboxServer   faults.py            faults, rate limit, log
    simulate.py  other people acting at runtime         wire.py              errors, limits, paging
"""

from app.sandbox.server import SandboxServer, serve_forever

__all__ = ["SandboxServer", "serve_forever"]
