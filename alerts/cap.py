"""Reading CAP 1.2 documents (GB/T 35965.1-2018 profile): one alert, or an ATOM/RSS
feed of several. Every alert is validated against the OASIS schema before anything
is read from it; a document that fails says why in Chinese (``Refused``).

XML from outside is parsed with entities unresolved, no DTD loaded, no network and
no huge trees, and any document with a DOCTYPE is refused outright (XXE, billion
laughs)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

CAP = "urn:oasis:names:tc:emergency:cap:1.2"
ATOM = "http://www.w3.org/2005/Atom"
MAX_BYTES = 1024 * 1024
_SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "schema" / "CAP-v1.2.xsd")))
# GB/T 35965.1 identifiers begin with the issuer's 6-digit GB/T 2260 division code.
_DIVISION = re.compile(r"^(\d{6})")
# CAP 3.2.1: identifiers and senders hold no spaces, commas or restricted characters.
_TOKEN = re.compile(r"^[^\s,<&]+$")
_LEVEL_WORDS = (
    ("red", ("红", "red", "Ⅰ")),
    ("orange", ("橙", "orange", "Ⅱ")),
    ("yellow", ("黄", "yellow", "Ⅲ")),
    ("blue", ("蓝", "blue", "Ⅳ")),
)
_LEVEL_NUMERALS = {"I": "red", "1": "red", "II": "orange", "2": "orange"}
_LEVEL_NUMERALS |= {"III": "yellow", "3": "yellow", "IV": "blue", "4": "blue"}
SEVERITY_LEVELS = {"Extreme": "red", "Severe": "orange", "Moderate": "yellow", "Minor": "blue"}
# <parameter>/<eventCode> names that carry the GB/T level or colour.
_LEVEL_NAMES = ("level", "级别", "等级", "颜色", "color", "colour", "severity")


class Refused(Exception):
    """Not a CAP 1.2 alert we can take; ``reason`` says why, in Chinese."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CapAlert:
    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    scope: str
    references: list[tuple[str, str, str]]
    event: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    sender_name: str = ""
    severity: str = ""
    level: str = ""
    effective: datetime | None = None
    expires: datetime | None = None
    area_desc: str = ""
    geocodes: list[tuple[str, str]] = field(default_factory=list)
    polygons: list[list[tuple[float, float]]] = field(default_factory=list)
    circles: list[tuple[float, float, float]] = field(default_factory=list)
    xml: str = ""

    @property
    def division(self) -> str:
        """The issuer's division code from the identifier ('' when it has none)."""
        found = _DIVISION.match(self.identifier)
        return found.group(1) if found else ""


@dataclass
class Parsed:
    alerts: list[CapAlert] = field(default_factory=list)
    # Feed entries that point at a CAP document elsewhere (fetched by the puller).
    links: list[str] = field(default_factory=list)
    # Alerts inside a feed that were refused one by one: (reason, their XML).
    refused: list[tuple[str, str]] = field(default_factory=list)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse(data: bytes) -> Parsed:
    """One CAP alert, or an ATOM/RSS feed of them. Raises Refused."""
    if len(data) > MAX_BYTES:
        raise Refused(f"文档超过 {MAX_BYTES // 1024} KB，拒收")
    if not data.strip():
        raise Refused("文档为空")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise Refused(f"不是格式正确的 XML：{exc.msg}（第 {exc.lineno} 行）") from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise Refused("文档含有 DOCTYPE/DTD 声明：为防范外部实体攻击一律拒收")
    if root.tag == f"{{{CAP}}}alert":
        return Parsed(alerts=[read_alert(root)])
    if root.tag == f"{{{ATOM}}}feed":
        return _feed(root.iter(f"{{{ATOM}}}entry"), _atom_link)
    if root.tag == "rss":
        return _feed(root.iter("item"), _rss_link)
    if etree.QName(root).localname == "alert":
        ns = etree.QName(root).namespace or "（无命名空间）"
        raise Refused(f"不是 CAP 1.2 预警：命名空间为 {ns}，应为 {CAP}")
    raise Refused(
        f"不是 CAP 1.2 预警，也不是 ATOM/RSS 订阅：根元素为 <{etree.QName(root).localname}>"
    )


def _feed(entries, link_of) -> Parsed:
    parsed = Parsed()
    for entry in entries:
        inside = entry.find(f".//{{{CAP}}}alert")
        if inside is None:
            link = link_of(entry)
            if link:
                parsed.links.append(link)
            continue
        try:
            parsed.alerts.append(read_alert(inside))
        except Refused as refused:
            parsed.refused.append((refused.reason, _text(inside)))
    return parsed


def _atom_link(entry) -> str:
    links = entry.findall(f"{{{ATOM}}}link")
    for link in links:  # a link typed as CAP first, then the entry's own link
        if "cap" in (link.get("type") or ""):
            return link.get("href", "")
    for link in links:
        if link.get("rel", "alternate") == "alternate":
            return link.get("href", "")
    return ""


def _rss_link(item) -> str:
    enclosure = item.find("enclosure")
    if enclosure is not None and enclosure.get("url"):
        return enclosure.get("url")
    return (item.findtext("link") or "").strip()


def _text(element) -> str:
    return etree.tostring(element, encoding="unicode")


def read_alert(element) -> CapAlert:
    """A validated <cap:alert> element as a CapAlert. Raises Refused."""
    # Validated on its own, as the document it would be (a feed's entry too).
    alone = etree.fromstring(etree.tostring(element), _parser())
    if not _SCHEMA.validate(alone):
        error = _SCHEMA.error_log.last_error
        raise Refused(
            f"不符合 CAP 1.2 XML 模式（OASIS CAP-v1.2.xsd）：第 {error.line} 行：{error.message}"
        )

    def one(parent, name: str) -> str:
        return (parent.findtext(f"{{{CAP}}}{name}") or "").strip()

    identifier, sender = one(alone, "identifier"), one(alone, "sender")
    for label, value in (("identifier", identifier), ("sender", sender)):
        if not _TOKEN.match(value):
            raise Refused(f"<{label}> 为空或含有空格、逗号等 CAP 不允许的字符：{value!r}")
    msg_type = one(alone, "msgType")
    references = _references(one(alone, "references"))
    if msg_type in ("Update", "Cancel") and not references:
        raise Refused(f"{msg_type} 消息缺少 <references>，无法知道它更新或撤销哪条预警")
    info = _info(alone)
    fields: dict = {}
    if info is not None:
        fields = {
            "event": one(info, "event"),
            "headline": one(info, "headline"),
            "description": one(info, "description"),
            "instruction": one(info, "instruction"),
            "sender_name": one(info, "senderName"),
            "severity": one(info, "severity"),
            "level": _level(info),
            "effective": _time(one(info, "effective")),
            "expires": _time(one(info, "expires")),
            **_areas(info),
        }
    return CapAlert(
        identifier=identifier,
        sender=sender,
        sent=_time(one(alone, "sent")),
        status=one(alone, "status"),
        msg_type=msg_type,
        scope=one(alone, "scope"),
        references=references,
        xml=_text(alone),
        **fields,
    )


def _references(text: str) -> list[tuple[str, str, str]]:
    out = []
    for ref in text.split():
        parts = ref.split(",")
        if len(parts) != 3:
            raise Refused(f"<references> 中的 {ref!r} 不是“发送者,标识符,发送时间”的格式")
        try:
            sent = _time(parts[2])
        except ValueError:
            raise Refused(f"<references> 中的发送时间 {parts[2]!r} 不是有效时间") from None
        out.append((parts[0], parts[1], sent.isoformat()))
    return out


def _info(alert):
    """The <info> in Chinese if there is one, else the first."""
    infos = alert.findall(f"{{{CAP}}}info")
    for info in infos:
        if (info.findtext(f"{{{CAP}}}language") or "").lower().startswith("zh"):
            return info
    return infos[0] if infos else None


def _time(text: str) -> datetime | None:
    return datetime.fromisoformat(text).astimezone(UTC) if text else None


def level_of(text: str) -> str:
    """A GB/T level from a colour word or level numeral ('' when it names none)."""
    value = text.strip()
    for level, words in _LEVEL_WORDS:
        if any(w.lower() in value.lower() for w in words):
            return level
    numeral = value.upper().removesuffix("级").removesuffix("LEVEL").strip()
    return _LEVEL_NUMERALS.get(numeral, "")


def _level(info) -> str:
    """The GB/T level named in <parameter> or <eventCode>, else from <severity>."""
    for name in ("parameter", "eventCode"):
        for pair in info.findall(f"{{{CAP}}}{name}"):
            key = (pair.findtext(f"{{{CAP}}}valueName") or "").lower()
            if any(word in key for word in _LEVEL_NAMES):
                found = level_of(pair.findtext(f"{{{CAP}}}value") or "")
                if found:
                    return found
    return SEVERITY_LEVELS.get((info.findtext(f"{{{CAP}}}severity") or "").strip(), "")


def _areas(info) -> dict:
    descs, geocodes, polygons, circles = [], [], [], []
    for area in info.findall(f"{{{CAP}}}area"):
        descs.append((area.findtext(f"{{{CAP}}}areaDesc") or "").strip())
        for code in area.findall(f"{{{CAP}}}geocode"):
            geocodes.append(
                (
                    (code.findtext(f"{{{CAP}}}valueName") or "").strip(),
                    (code.findtext(f"{{{CAP}}}value") or "").strip(),
                )
            )
        for polygon in area.findall(f"{{{CAP}}}polygon"):
            polygons.append(_points(polygon.text or ""))
        for circle in area.findall(f"{{{CAP}}}circle"):
            centre, _, radius = (circle.text or "").strip().partition(" ")
            (lat, lon), km = _points(centre)[0], _number(radius)
            circles.append((lat, lon, km))
    return {
        "area_desc": "；".join(d for d in descs if d),
        "geocodes": geocodes,
        "polygons": polygons,
        "circles": circles,
    }


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise Refused(f"区域坐标 {text!r} 不是数字") from None


def _points(text: str) -> list[tuple[float, float]]:
    points = []
    for pair in text.split():
        lat, _, lon = pair.partition(",")
        points.append((_number(lat), _number(lon)))
    if not points:
        raise Refused("<polygon>/<circle> 没有坐标")
    return points
