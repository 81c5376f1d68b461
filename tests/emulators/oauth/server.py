"""An RFC-shaped authorization server over HTTPS for the OAuth module's own tests:
/authorize (302 back), /token (RFC 6749 5.1 / 5.2 JSON), /whoami (a protected resource)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from emulators.microsoft.apiserver import Request, Response
from emulators.oauth.authority import Authority, OAuthRefusal


class RfcServer:
    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        self.token_requests: list[dict[str, str]] = []

    def handle(self, request: Request) -> Response:
        try:
            if request.method == "GET" and request.path == "/authorize":
                return Response(302, b"", {"Location": self.authority.authorize(request.query)})
            if request.method == "POST" and request.path == "/token":
                form = dict(parse_qsl(request.body.decode()))
                self.token_requests.append(form)
                issued = self.authority.token(form)
                body = {"access_token": issued.access_token, "token_type": "Bearer"}
                if issued.refresh_token:
                    body["refresh_token"] = issued.refresh_token
                if issued.expires_in is not None:
                    body["expires_in"] = issued.expires_in
                body["scope"] = " ".join(sorted(issued.grant.scopes))
                return Response(200, body)
            if request.method == "GET" and request.path == "/whoami":
                grant = self.authority.check(request.headers.get("authorization"))
                return Response(200, {"user": grant.user})
        except OAuthRefusal as refusal:
            body = {"error": refusal.error, "error_description": refusal.description}
            return Response(refusal.status, body)
        return Response(404, {"error": "not_found"})
