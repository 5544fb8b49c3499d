"""A NovoSGA server as its source answers (novosga/novosga at e683e6ba…):
the OAuth2 token endpoint, a unit's services and its panel, nothing else.

- ``POST /api/token`` (league/oauth2-server's token controller, the route
  config/routes/league_oauth2_server.yaml keeps for old clients): form fields
  grant_type=password, client_id, client_secret, username, password. A wrong
  client: 401 ``invalid_client``; a wrong user: 400 ``invalid_grant``, both with
  ``error_description`` and ``message`` (tests/Controller/Api/OAuthTokenTest.php).
  GET is 405.
- Every other ``/api`` path wants ``Authorization: Bearer`` (the ``api``
  firewall of config/packages/security.yaml): none is 403, a token it does not
  know 401 (OAuthTokenTest again).
- ``GET /api/unidades/{id}/servicos``: ``ServicoUnidade::jsonSerialize`` rows.
- ``GET /api/unidades/{id}/painel?servicos=1,2``: PainelController::painel —
  the unit's painel_senha rows of those services, ``ORDER BY id DESC``, at most
  10, as ``getArrayResult()`` writes them (the entity's fields and the joined
  ``servico``'s); an unknown unit is 404 (the route's entity argument).

Switches for the tests: ``mode`` ("ok", "error" → 500, "silent" → answers after
``delay`` seconds), ``shuffle`` (answer the rows in another order), ``hidden``
(ids not visible yet: a transaction that commits late), ``revoke()``.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CREATED = "2024-10-21T15:34:41-03:00"  # DateTimeNormalizer's RFC 3339


@dataclass
class Service:
    id: int
    nome: str
    sigla: str

    def servico(self) -> dict:
        # Doctrine's array of the entity: its mapped fields (and its traits').
        return {
            "id": self.id,
            "nome": self.nome,
            "descricao": self.nome,
            "ativo": True,
            "peso": 1,
            "createdAt": CREATED,
            "updatedAt": CREATED,
            "deletedAt": None,
        }

    def servico_unidade(self) -> dict:
        return {
            "sigla": self.sigla,
            "peso": 1,
            "servico": {
                "id": self.id,
                "nome": self.nome,
                "descricao": self.nome,
                "peso": 1,
                "ativo": True,
                "macro": None,
                "createdAt": "2024-10-21T15:34:41",
                "updatedAt": "2024-10-21T15:34:41",
                "deletedAt": None,
            },
            "departamento": None,
            "ativo": True,
            "tipo": 1,
            "mensagem": "",
            "numeroInicial": 1,
            "numeroFinal": None,
            "incremento": 1,
            "maximo": None,
        }


@dataclass
class Novosga:
    unit_id: int = 1
    client_id: str = "sunlight-client"
    client_secret: str = "client-secret-1"
    username: str = "painel"
    password: str = "painel-pass-1"
    services: list[Service] = field(
        default_factory=lambda: [Service(1, "不动产登记", "A"), Service(2, "社保", "B")]
    )
    mode: str = "ok"
    delay: float = 1.0
    shuffle: bool = False
    hidden: set = field(default_factory=set)
    rows: list[dict] = field(default_factory=list)
    tokens: set = field(default_factory=set)
    requests: list[str] = field(default_factory=list)

    def call(self, sigla: str, numero: int, numero_local: int, service: int = 1, **extra) -> int:
        """``AtendimentoService::chamarSenha``: one new painel_senha row; its id."""
        ident = max((r["id"] for r in self.rows), default=100) + 1
        servico = next(s for s in self.services if s.id == service)
        self.rows.append(
            {
                "id": ident,
                "numeroSenha": numero,
                "siglaSenha": sigla,
                "mensagem": "",
                "local": extra.get("local", "Guichê"),
                "numeroLocal": numero_local,
                "peso": extra.get("peso", 0),
                "prioridade": extra.get("prioridade", "Normal"),
                "nomeCliente": "",
                "documentoCliente": "",
                "servico": servico.servico(),
            }
        )
        return ident

    def revoke(self) -> None:
        self.tokens.clear()

    def panel(self, unit: int, servicos: str) -> list[dict]:
        wanted = {int(s) for s in servicos.split(",") if s.strip().isdigit()}
        rows = [
            r
            for r in self.rows
            if r["servico"]["id"] in wanted and r["id"] not in self.hidden and unit == self.unit_id
        ]
        rows = sorted(rows, key=lambda r: r["id"], reverse=True)[:10]
        if self.shuffle:
            rows = rows[1::2] + rows[0::2]
        return rows


class _Handler(BaseHTTPRequestHandler):
    sim: Novosga

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status: int, body) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _refuse_mode(self) -> bool:
        if self.sim.mode == "silent":
            time.sleep(self.sim.delay)
        if self.sim.mode == "error":
            self._send(500, {"error": "Internal Server Error"})
            return True
        return False

    def do_POST(self):
        self.sim.requests.append(f"POST {self.path}")
        if self._refuse_mode():
            return
        if self.path != "/api/token":
            return self._send(404, {"error": "Not Found"})
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        sim = self.sim
        if form.get("client_id") != sim.client_id or form.get("client_secret") != sim.client_secret:
            text = "Client authentication failed"
            return self._send(
                401, {"error": "invalid_client", "error_description": text, "message": text}
            )
        if form.get("grant_type") != "password":
            return self._send(400, {"error": "unsupported_grant_type"})
        if form.get("username") != sim.username or form.get("password") != sim.password:
            text = "The user credentials were incorrect."
            return self._send(
                400, {"error": "invalid_grant", "error_description": text, "message": text}
            )
        token = secrets.token_hex(16)
        sim.tokens.add(token)
        self._send(
            200,
            {
                "token_type": "Bearer",
                "expires_in": 3600,
                "access_token": token,
                "refresh_token": secrets.token_hex(16),
            },
        )

    def do_GET(self):
        self.sim.requests.append(f"GET {self.path}")
        if self._refuse_mode():
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/api/token":
            return self._send(405, {"error": "Method Not Allowed"})
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return self._send(403, {"error": "access_denied", "message": "Access Denied."})
        if auth[7:] not in self.sim.tokens:
            return self._send(401, {"error": "access_denied", "message": "Unauthorized"})
        parts = url.path.strip("/").split("/")
        if len(parts) == 4 and parts[:2] == ["api", "unidades"] and parts[2].isdigit():
            if int(parts[2]) != self.sim.unit_id:
                return self._send(404, {"error": "Not Found"})
            if parts[3] == "servicos":
                return self._send(200, [s.servico_unidade() for s in self.sim.services])
            if parts[3] == "painel":
                query = dict(urllib.parse.parse_qsl(url.query))
                return self._send(200, self.sim.panel(int(parts[2]), query.get("servicos", "")))
        self._send(404, {"error": "Not Found"})


class NovosgaServer:
    """The simulator on a free loopback port, in a thread of this process."""

    def __init__(self, sim: Novosga | None = None):
        self.sim = sim or Novosga()
        handler = type("Handler", (_Handler,), {"sim": self.sim})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> NovosgaServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
