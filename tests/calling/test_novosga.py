"""Calls pulled from NovoSGA: a simulated NovoSGA (a real HTTP server speaking its
token endpoint and panel JSON, tests/calling/novosga_sim.py) is configured in the
console; its calls reach the hall's windows (and so the wall, strip and voice
paths) once each, in any order; an unknown window, a refusal, an error and
silence are reported to the operator."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from calling.adapters import novosga, pull
from calling.models import CallEvent, CallingWindow, NovosgaLink
from content_feed.db import db
from content_feed.models import Hall, LedgerEntry
from tests.calling.conftest import WALL
from tests.calling.novosga_sim import NovosgaServer


@pytest.fixture(scope="module")
def server():
    server = NovosgaServer().start()
    yield server
    server.stop()


@pytest.fixture
def sim(server, app, monkeypatch):
    """The simulator emptied, with no link left from the test before."""
    server.sim.rows.clear()
    server.sim.hidden.clear()
    server.sim.requests.clear()
    server.sim.mode, server.sim.shuffle = "ok", False
    server.sim.revoke()
    db.session.execute(delete(NovosgaLink))
    db.session.commit()
    # The ledger keeps every row: each test reads those written after this.
    server.sim.ledger_from = db.session.execute(select(func.max(LedgerEntry.id))).scalar() or 0
    pull._clients.clear()
    monkeypatch.setattr(novosga, "TIMEOUT", 0.3)
    return server.sim


def ledger(sim, action: str = "calling.novosga.%") -> list[LedgerEntry]:
    return list(
        db.session.execute(
            select(LedgerEntry)
            .where(LedgerEntry.id > sim.ledger_from, LedgerEntry.action.like(action))
            .order_by(LedgerEntry.id)
        ).scalars()
    )


def configure(operator, server, hall_id: int, **changes):
    form = {
        "hall": hall_id,
        "active": "1",
        "base_url": server.url,
        "unit_id": "1",
        "client_id": server.sim.client_id,
        "client_secret": server.sim.client_secret,
        "username": server.sim.username,
        "password": server.sim.password,
        "interval_seconds": "2",
        **changes,
    }
    return operator.post("/admin/calling/hall/novosga", data=form)


@pytest.fixture
def linked(hall, operator, server, sim):
    """hall-1 linked to the simulator through the console; (hall, link)."""
    response = configure(operator, server, hall.id)
    assert response.status_code == 302, response.get_data(as_text=True)
    return hall, link_of(hall)


def link_of(hall: Hall) -> NovosgaLink:
    db.session.expire_all()
    return db.session.execute(
        select(NovosgaLink).where(NovosgaLink.hall_id == hall.id)
    ).scalar_one()


def poll(hall: Hall, clock, seconds: int = 3) -> pull.Receipt:
    clock.set(clock.now() + timedelta(seconds=seconds))
    return pull.poll(db.session, link_of(hall), clock.now())


def window(number: str) -> CallingWindow | None:
    db.session.expire_all()
    return db.session.execute(
        select(CallingWindow).where(CallingWindow.window.has(number=number))
    ).scalar_one_or_none()


def events() -> list[CallEvent]:
    db.session.expire_all()
    return list(db.session.execute(select(CallEvent).order_by(CallEvent.id)).scalars())


def test_new_calls_reach_the_windows_once(linked, sim, clock, client):
    hall, link = linked
    assert link.client_secret and sim.client_secret not in link.client_secret  # sealed
    sim.call("A", 1, 3)
    sim.call("A", 2, 5)
    first = poll(hall, clock)
    # What NovoSGA showed before it was connected is history: not called.
    assert first.error == "" and first.taken == [] and events() == []
    ident = sim.call("A", 3, 3, service=1)
    sim.call("B", 17, 12, service=2)
    taken = poll(hall, clock)
    assert taken.taken == ["applied", "applied"]
    row = window("3")
    assert (row.state, row.ticket, row.service) == ("calling", "A003", "不动产登记")
    assert (window("12").ticket, window("12").service) == ("B017", "社保")
    assert events()[0].event_id == f"novosga-1-{ident}-A003"
    assert {e.source for e in events()} == {"novosga"}
    # Asked again and again, the same answer calls nobody twice.
    for _ in range(3):
        assert poll(hall, clock).taken == []
    assert len(events()) == 2
    # The wall's answer carries the call (the band, strip and voice read the same rows).
    answer = client.get("/calling/screens/wall-1/calls.json", headers=WALL).json
    assert [c["ticket"] for c in answer["calls"]][:2] == ["B017", "A003"]
    assert "请A003号到3号窗口办理" in [a["text"] for a in answer["announcements"]]
    # NovoSGA was asked as its panel app asks: a token, the services, the panel.
    assert sim.requests[:3] == [
        "POST /api/token",
        "GET /api/unidades/1/servicos",
        "GET /api/unidades/1/painel?servicos=1%2C2",
    ]
    assert sum(r.startswith("POST /api/token") for r in sim.requests) == 1  # kept


def test_order_of_the_list_and_late_rows_do_not_matter(linked, sim, clock):
    hall, _link = linked
    sim.shuffle = True
    poll(hall, clock)  # connected: empty history
    a = sim.call("A", 10, 1)
    late = sim.call("A", 11, 2)
    c = sim.call("A", 12, 2)
    sim.hidden.add(late)  # its transaction commits after the next one's
    assert poll(hall, clock).taken == ["applied", "applied"]
    assert window("2").ticket == "A012"
    sim.hidden.clear()
    assert poll(hall, clock).taken == ["stale"]  # in the history, not over A012
    assert window("2").ticket == "A012" and window("1").ticket == "A010"
    by_id = {e.event_id.split("-")[2]: e for e in events()}
    assert by_id[str(late)].occurred_at < by_id[str(c)].occurred_at
    assert set(by_id) == {str(a), str(late), str(c)}
    # Eleven calls between two polls: the panel shows ten (the eleventh is NovoSGA's
    # to lose); from then on its answer is full, and below its lowest id is old.
    for n in range(20, 31):
        sim.call("B", n, 4, service=2)
    assert len(poll(hall, clock).taken) == 10
    sim.call("B", 31, 4, service=2)
    assert poll(hall, clock).taken == ["applied"]
    assert window("4").ticket == "B031"


def test_calling_the_same_ticket_again_is_a_recall(linked, sim, clock):
    hall, _link = linked
    poll(hall, clock)
    sim.call("A", 7, 3)
    poll(hall, clock)
    sim.call("A", 7, 3)  # NovoSGA's "chamar novamente": a new row
    poll(hall, clock, seconds=30)
    assert [e.kind for e in events()] == ["call", "recall"]
    assert window("3").ticket == "A007"


def test_a_call_for_an_unknown_window_is_reported_once(linked, sim, clock, operator):
    hall, _link = linked
    poll(hall, clock)
    sim.call("A", 1, 99, local="Sala")
    sim.call("A", 2, 1)
    receipt = poll(hall, clock)
    assert receipt.taken == ["applied"]  # the other call still comes in
    assert len(receipt.refused) == 1
    message = receipt.refused[0]
    assert "A001（Sala 99）" in message and "没有编号为“99”的窗口" in message
    assert "已登记的窗口：1、2、3、4、5、12" in message
    poll(hall, clock)
    assert [e.summary for e in ledger(sim, "calling.novosga.refused")] == [message]
    page = operator.get("/admin/calling/").get_data(as_text=True)
    assert f'id="novosga-refused-{hall.id}"' in page and "没有编号为“99”的窗口" in page


@pytest.mark.parametrize(
    "trouble, said",
    [
        ("secret", "invalid_client"),
        ("password", "invalid_grant"),
        ("error", "HTTP 500"),
        ("silent", "秒内没有应答"),
        ("unit", "HTTP 404"),
    ],
)
def test_a_refusing_or_silent_server_is_reported(linked, sim, clock, operator, trouble, said):
    hall, link = linked
    sim.call("A", 1, 1)
    assert poll(hall, clock).error == ""
    if trouble == "secret":
        sim.client_secret = "rotated"
    elif trouble == "password":
        sim.password = "changed"
    elif trouble == "unit":
        sim.unit_id = 2
    else:
        sim.mode = trouble
        sim.delay = 0.6
    sim.revoke()  # the kept token goes too: the adapter asks for a new one
    try:
        for _ in range(2):
            receipt = poll(hall, clock)
            assert said in receipt.error
        link = link_of(hall)
        assert said in link.poll_error and link.failing_since is not None
        page = operator.get("/admin/calling/").get_data(as_text=True)
        assert f'id="novosga-error-{hall.id}"' in page and said in page
    finally:
        sim.client_secret, sim.password = "client-secret-1", "painel-pass-1"
        sim.unit_id, sim.mode = 1, "ok"
    sim.call("A", 2, 1)
    assert poll(hall, clock).taken == ["applied"]  # back: what it called meanwhile comes
    assert link_of(hall).poll_error == ""
    # Failing and recovering once each, however many polls failed.
    assert [e.action for e in ledger(sim) if e.action != "calling.novosga.settings"] == [
        "calling.novosga.failing",
        "calling.novosga.recovered",
    ]


def test_an_answer_of_another_shape_is_an_error_not_a_quiet_hall(linked, sim, clock):
    hall, _link = linked
    # PainelSenha::jsonSerialize's shape (``senha``): not what the panel route sends.
    sim.rows.append({"id": 500, "senha": "A001", "local": "Guichê", "servico": {"id": 1}})
    assert "没有可识别的叫号" in poll(hall, clock).error


def test_a_revoked_token_is_renewed(linked, sim, clock):
    hall, _link = linked
    poll(hall, clock)
    sim.revoke()
    sim.call("A", 5, 5)
    assert poll(hall, clock).taken == ["applied"]
    assert sum(r == "POST /api/token" for r in sim.requests) == 2


def test_only_due_active_links_are_polled(linked, sim, clock, world):
    hall, link = linked
    app = world[0]
    at = clock.now()
    assert pull.poll_due_links(app, at) == [link.id]
    assert pull.poll_due_links(app, at + timedelta(seconds=1)) == []  # interval 2 s
    assert pull.poll_due_links(app, at + timedelta(seconds=2)) == [link.id]
    link = link_of(hall)
    link.active = False
    db.session.commit()
    assert pull.poll_due_links(app, at + timedelta(seconds=60)) == []


def test_the_poller_thread_polls_while_it_leads(linked, sim, world, monkeypatch):
    app = world[0]
    leading = [False]
    monkeypatch.setattr(pull, "TICK", 0.05)
    puller = pull.Puller(app, leads=lambda: leading[0]).start()
    try:
        time.sleep(0.3)
        assert sim.requests == []  # another node leads
        leading[0] = True
        deadline = time.monotonic() + 3
        while not sim.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "POST /api/token" in sim.requests
    finally:
        puller.stop()


def test_a_silent_novosga_holds_up_only_its_own_hall(linked, sim, world, monkeypatch, operator):
    app = world[0]
    other = NovosgaServer().start()
    try:
        east = db.session.execute(select(Hall).where(Hall.code == "hall-2")).scalar_one()
        assert configure(operator, other, east.id).status_code == 302
        sim.mode, sim.delay = "silent", 2.0
        monkeypatch.setattr(novosga, "TIMEOUT", 1.2)
        monkeypatch.setattr(pull, "TICK", 0.05)
        puller = pull.Puller(app).start()
        try:
            deadline = time.monotonic() + 0.8  # before hall-1's request times out
            while "GET /api/unidades/1/painel?servicos=1%2C2" not in other.sim.requests:
                assert time.monotonic() < deadline, other.sim.requests
                time.sleep(0.02)
            assert sim.requests == ["POST /api/token"]  # still waiting for its answer
        finally:
            puller.stop()
    finally:
        other.stop()


def test_secrets_sealed_under_another_key_ask_to_be_typed_again(linked, sim, clock, world):
    hall, _link = linked
    app = world[0]
    key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another-key"
    pull._clients.clear()
    try:
        receipt = poll(hall, clock)
    finally:
        app.config["SECRET_KEY"] = key
    assert "无法解密" in receipt.error and "重新填写" in link_of(hall).poll_error
    assert sim.requests == []


def test_the_console_form_checks_and_keeps_secrets(hall, operator, server, sim):
    response = configure(
        operator,
        server,
        hall.id,
        base_url="ftp://x",
        unit_id="abc",
        client_secret="",
        password="",
        interval_seconds="1",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for text in (
        "请填写 NovoSGA 的地址",
        "请填写 NovoSGA 的单位编号",
        "请填写客户端密钥",
        "请填写该用户的密码",
        "请填写 2–60 之间的整数（秒）",
    ):
        assert text in page
    assert 'value="ftp://x"' in page  # nothing typed is lost
    assert configure(operator, server, hall.id).status_code == 302
    link = link_of(hall)
    assert sim.password not in link.password and sim.password not in page
    # Saved again with the secrets left blank: they stay.
    assert configure(operator, server, hall.id, client_secret="", password="").status_code == 302
    assert link_of(hall).password == link.password
    page = operator.get(f"/admin/calling/hall?hall={hall.id}").get_data(as_text=True)
    assert sim.client_secret not in page and "已保存，留空不变" in page
    entry = ledger(sim, "calling.novosga.settings")[0]
    assert entry.after["base_url"] == server.url and "password" not in entry.after


def test_a_hall_user_sees_only_their_halls_link(app, hall, server, sim):
    from content_feed.models import User
    from tests.builders import PASSWORD, make_hall_user

    east = db.session.execute(select(Hall).where(Hall.code == "hall-2")).scalar_one()
    if db.session.execute(select(User).where(User.username == "east-novosga")).scalar() is None:
        make_hall_user("east-novosga", {east: "operator"})  # (the module's world keeps it)
        db.session.commit()
    client = app.test_client()
    client.post("/admin/login", data={"username": "east-novosga", "password": PASSWORD})
    assert client.get(f"/admin/calling/hall?hall={hall.id}").status_code == 404
    assert configure(client, server, hall.id).status_code == 404
    assert (
        client.post("/admin/calling/hall/novosga/poll", data={"hall": hall.id}).status_code == 404
    )
    assert (
        db.session.execute(select(NovosgaLink).where(NovosgaLink.hall_id == hall.id)).first()
        is None
    )
    assert configure(client, server, east.id).status_code == 302
