"""CAP 1.2 documents of our own in the GB/T 35965.1-2018 shape: identifiers
ZZZZZZDDDUUUXX_YYYYMMDDhhmmss (6-digit GB/T 2260 division code of the issuer,
then the issuing unit), times in +08:00, levels as colours in <parameter> and as
CAP <severity>. Built by hand: no public GB/T 35965.1 example was found to copy."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))
SENDER = "bjxc-qxt@12379.cn"
SEVERITY = {"red": "Extreme", "orange": "Severe", "yellow": "Moderate", "blue": "Minor"}
COLOUR = {"red": "红色", "orange": "橙色", "yellow": "黄色", "blue": "蓝色"}
# 西城区 (110102) is where the tests' hall is; 朝阳区 (110105) is another area.
HERE, ELSEWHERE = "110102", "110105"


def stamp(at: datetime) -> str:
    return at.astimezone(CST).strftime("%Y%m%d%H%M%S")


def cst(at: datetime) -> str:
    return at.astimezone(CST).isoformat(timespec="seconds")


def identifier(at: datetime, division: str = HERE, serial: int = 1) -> str:
    return f"{division}41600000_{stamp(at)}_{serial}"


def alert(
    sent: datetime,
    *,
    level: str = "red",
    event: str = "暴雨",
    division: str = HERE,
    serial: int = 1,
    msg_type: str = "Alert",
    status: str = "Actual",
    references: list[str] = (),
    expires: datetime | None = None,
    polygon: str = "",
    circle: str = "",
    area: bool = True,
    namespace: str = "urn:oasis:names:tc:emergency:cap:1.2",
    with_declaration: bool = True,
) -> str:
    """One <alert> document (as text)."""
    colour = COLOUR[level]
    expires = expires or sent + timedelta(hours=6)
    refs = f"<references>{' '.join(references)}</references>" if references else ""
    shapes = (f"<polygon>{polygon}</polygon>" if polygon else "") + (
        f"<circle>{circle}</circle>" if circle else ""
    )
    area_xml = (
        f"<area><areaDesc>北京市{'西城区' if division == HERE else '朝阳区'}</areaDesc>{shapes}"
        f"<geocode><valueName>GB/T 2260</valueName><value>{division}</value></geocode></area>"
        if area
        else ""
    )
    head = '<?xml version="1.0" encoding="UTF-8"?>\n' if with_declaration else ""
    return f"""{head}<alert xmlns="{namespace}">
  <identifier>{identifier(sent, division, serial)}</identifier>
  <sender>{SENDER}</sender>
  <sent>{cst(sent)}</sent>
  <status>{status}</status>
  <msgType>{msg_type}</msgType>
  <scope>Public</scope>
  {refs}
  <info>
    <language>zh-CN</language>
    <category>Met</category>
    <event>{event}</event>
    <urgency>Immediate</urgency>
    <severity>{SEVERITY[level]}</severity>
    <certainty>Likely</certainty>
    <eventCode><valueName>GB/T 35965.1 事件类型</valueName><value>11B03</value></eventCode>
    <effective>{cst(sent)}</effective>
    <expires>{cst(expires)}</expires>
    <senderName>北京市西城区气象台</senderName>
    <headline>西城区气象台发布{event}{colour}预警信号</headline>
    <description>预计未来3小时西城区将出现{event}，请注意防范。</description>
    <instruction>停止户外活动，远离低洼地带。</instruction>
    <parameter><valueName>预警级别</valueName><value>{colour}</value></parameter>
    {area_xml}
  </info>
</alert>"""


def reference(sent: datetime, division: str = HERE, serial: int = 1) -> str:
    return f"{SENDER},{identifier(sent, division, serial)},{cst(sent)}"


def heartbeat(sent: datetime) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{HERE}41600000_{stamp(sent)}_HB</identifier>
  <sender>{SENDER}</sender>
  <sent>{cst(sent)}</sent>
  <status>System</status>
  <msgType>Alert</msgType>
  <scope>Public</scope>
</alert>"""


def atom(*entries: str, links: list[str] = ()) -> str:
    """An ATOM feed carrying each alert in an entry's content, and entries that link."""
    items = [
        f"<entry><id>urn:entry:{n}</id><title>预警 {n}</title><updated>2026-11-17T10:00:00+08:00</updated>"
        f'<content type="application/cap+xml">{body}</content></entry>'
        for n, body in enumerate(e.split("?>", 1)[-1] for e in entries)
    ]
    items += [
        f"<entry><id>urn:link:{n}</id><title>预警</title><updated>2026-11-17T10:00:00+08:00</updated>"
        f'<link rel="alternate" type="application/cap+xml" href="{href}"/></entry>'
        for n, href in enumerate(links)
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        "<id>urn:feed:test</id><title>预警信息</title><updated>2026-11-17T10:00:00+08:00</updated>"
        + "".join(items)
        + "</feed>"
    )


# Malformed in the ways a feed goes wrong.
MALFORMED = {
    "not XML": "<alert>这不是完整的 XML",
    "no severity": alert(datetime(2026, 11, 17, 1, 0, tzinfo=CST)).replace(
        "<severity>Extreme</severity>", ""
    ),
    "time without zone": alert(datetime(2026, 11, 17, 1, 0, tzinfo=CST)).replace(
        "+08:00</sent>", "</sent>"
    ),
}
XXE = """<?xml version="1.0"?>
<!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&xxe;</identifier></alert>"""
