"""NovoSGA's interface as its own source serves it (novosga/novosga at commit
e683e6badaa8bfe012986ee6699ededd76201518, v2.2 line; its panel client
novosga/panel-app e862b80a69a0c9ceee2c52b672f7a26b6976b912 asks the same way):

- ``POST /api/token`` (form: ``grant_type=password``, ``client_id``,
  ``client_secret``, ``username``, ``password``; league/oauth2-server) answers
  ``{"token_type": "Bearer", "expires_in": …, "access_token": …, "refresh_token": …}``;
  a wrong client is ``401 invalid_client``, a wrong user ``400 invalid_grant``.
- ``GET /api/unidades/{id}/servicos`` (Bearer): the unit's services, each
  ``ServicoUnidade::jsonSerialize`` with ``servico.id``.
- ``GET /api/unidades/{id}/painel?servicos=1,2`` (Bearer): the last 10 rows of
  ``painel_senha`` of those services, newest id first, as Doctrine's array
  hydration writes them (not ``PainelSenha::jsonSerialize``): ``id``,
  ``numeroSenha``, ``siglaSenha``, ``mensagem``, ``local`` (the place's name,
  Guichê/窗口), ``numeroLocal``, ``peso``, ``prioridade``, ``nomeCliente``,
  ``documentoCliente`` and ``servico`` {``id``, ``nome``, …}. No time and no
  "since": each row is one call (a recall adds a row), known by its id.

This module speaks that protocol and turns rows into calls; calling/adapters/pull.py
decides which are new.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from web.outbound import opener

TIMEOUT = 5.0  # seconds: a poll every few seconds must not hang on a dead server
MAX_BYTES = 1024 * 1024
# The token is renewed this long before NovoSGA says it expires.
TOKEN_MARGIN = 60


class NovosgaError(Exception):
    """NovoSGA refused, failed or did not answer: the message is for the operator."""


class Denied(NovosgaError):
    """401/403: the token (or the user) is not taken."""


@dataclass(frozen=True)
class Call:
    id: int
    ticket: str  # siglaSenha + numeroSenha padded to 3 digits, as NovoSGA shows it
    window: str  # numeroLocal
    place: str  # local (Guichê, 窗口 …)
    service: str
    priority: str


def _oauth_error(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    return str(data.get("error", ""))[:40] if isinstance(data, dict) else ""


def _ask(request: urllib.request.Request, timeout: float):
    try:
        # No redirects: the credentials and the token go to the configured server only.
        with opener(redirects=False).open(request, timeout=timeout) as answer:
            body = answer.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        code, oauth = exc.code, _oauth_error(exc.read(4096))
        if code == 401 and oauth == "invalid_client":
            raise NovosgaError("NovoSGA 不认可客户端 ID 或密钥（invalid_client）") from None
        if code == 400 and oauth == "invalid_grant":
            raise NovosgaError("NovoSGA 用户名或密码不对（invalid_grant）") from None
        if code in (401, 403):
            raise Denied(f"NovoSGA 拒绝访问（HTTP {code}），请检查用户及其权限") from None
        if code == 404:
            raise NovosgaError(
                "NovoSGA 没有这个地址或单位（HTTP 404），请检查地址与单位编号"
            ) from None
        if code >= 500:
            raise NovosgaError(f"NovoSGA 服务器出错（HTTP {code}）") from None
        raise NovosgaError(
            f"NovoSGA 回答 HTTP {code}{'（' + oauth + '）' if oauth else ''}"
        ) from None
    except TimeoutError:
        raise NovosgaError(f"NovoSGA 在 {timeout:g} 秒内没有应答") from None
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise NovosgaError(f"NovoSGA 在 {timeout:g} 秒内没有应答") from None
        raise NovosgaError(f"无法连接 NovoSGA：{reason}") from None
    if len(body) > MAX_BYTES:
        raise NovosgaError("NovoSGA 的应答过大")
    try:
        return json.loads(body)
    except ValueError:
        raise NovosgaError("NovoSGA 的应答不是 JSON（地址是否指向 NovoSGA？）") from None


class Client:
    """One hall's NovoSGA: the token (renewed before it expires, or at a 401) and the
    unit's services (the panel is asked per service list) kept between polls."""

    def __init__(
        self,
        base_url: str,
        unit_id: int,
        client_id: str,
        client_secret: str,
        username: str,
        password: str,
        timeout: float | None = None,
    ):
        self.api = base_url.rstrip("/") + "/api"
        self.unit_id = unit_id
        self._credentials = {
            "grant_type": "password",
            "client_id": client_id,
            "client_secret": client_secret,
            "username": username,
            "password": password,
        }
        self.timeout = timeout or TIMEOUT
        self._token = ""
        self._expires = 0.0
        self._services: list[int] | None = None

    def _authenticate(self) -> None:
        body = urllib.parse.urlencode(self._credentials).encode()
        data = _ask(
            urllib.request.Request(
                self.api + "/token",
                data=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                },
            ),
            self.timeout,
        )
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise NovosgaError("NovoSGA 没有给出访问令牌（access_token）")
        lifetime = data.get("expires_in")
        lifetime = lifetime if isinstance(lifetime, int) and lifetime > 0 else 3600
        self._token = token
        self._expires = time.monotonic() + max(lifetime - TOKEN_MARGIN, lifetime / 2)
        self._services = None  # asked again with each new token: services change rarely

    def _get(self, path: str, query: dict | None = None):
        if not self._token or time.monotonic() >= self._expires:
            self._authenticate()
        url = f"{self.api}{path}" + ("?" + urllib.parse.urlencode(query) if query else "")
        for attempt in (1, 2):
            request = urllib.request.Request(
                url,
                headers={"Authorization": f"Bearer {self._token}", "Accept": "application/json"},
            )
            try:
                return _ask(request, self.timeout)
            except Denied:
                # A token NovoSGA no longer takes (restarted, revoked): one new token, once.
                if attempt == 2:
                    raise
                self._token = ""
                self._authenticate()
        raise AssertionError("unreachable")

    def services(self) -> list[int]:
        if self._services is None:
            rows = self._get(f"/unidades/{self.unit_id}/servicos")
            if not isinstance(rows, list):
                raise NovosgaError("NovoSGA 的服务列表不是预期的格式")
            ids = []
            for row in rows:
                servico = row.get("servico") if isinstance(row, dict) else None
                if isinstance(servico, dict) and isinstance(servico.get("id"), int):
                    ids.append(servico["id"])
            self._services = ids
        return self._services

    def panel(self) -> list[dict]:
        """The unit's last calls (at most 10), as NovoSGA sends them."""
        services = self.services()
        if not services:
            raise NovosgaError(f"NovoSGA 单位 {self.unit_id} 没有启用的服务，面板无叫号可取")
        rows = self._get(
            f"/unidades/{self.unit_id}/painel", {"servicos": ",".join(map(str, services))}
        )
        if not isinstance(rows, list):
            raise NovosgaError("NovoSGA 的面板应答不是预期的格式（应为列表）")
        return rows


def call_of(row) -> Call | None:
    """One panel row as a call; None for a row without the fields a call needs."""
    if not isinstance(row, dict):
        return None
    ident, number, prefix = row.get("id"), row.get("numeroSenha"), row.get("siglaSenha")
    place_number = row.get("numeroLocal")
    if not (isinstance(ident, int) and isinstance(number, int) and isinstance(place_number, int)):
        return None
    servico = row.get("servico")
    service = servico.get("nome") if isinstance(servico, dict) else ""
    return Call(
        id=ident,
        # As PainelSenha::jsonSerialize and the panel app write it: A + 001.
        ticket=f"{prefix if isinstance(prefix, str) else ''}{number:03d}"[:20],
        window=str(place_number),
        place=str(row.get("local") or "")[:20],
        service=str(service or "")[:100],
        priority=str(row.get("prioridade") or "")[:100],
    )
