"""The XML of Huidu SDK 2.0 commands and answers (the Go client's ``xml.go`` and
``program.go``), built with ElementTree so every value is escaped.

A request is ``<sdk guid="…"><in method="…">…</in></sdk>``; an answer
``<sdk guid="…"><out method="…" result="kSuccess">…</out></sdk>``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

SDK_VERSION = "1000000"  # GetIFVersion's value: ``fmt.Sprintf("%x", 0x1000000)``
NEW_SESSION = "##GUID"  # the placeholder guid of the first call; the card answers its own
EFFECT_NONE, EFFECT_LEFT_MOVE = 0, 1  # EffectImmediate, EffectLeftMove
IMAGE_FILE = 0  # FileTypeImage: kept by the card, so a restart keeps its program


def request(guid: str, method: str, *children: ET.Element) -> bytes:
    sdk = ET.Element("sdk", guid=guid)
    call = ET.SubElement(sdk, "in", method=method)
    call.extend(children)
    # Empty elements written open and closed: the C# SDK sends <ploy></ploy>, never <ploy/>.
    body = ET.tostring(sdk, encoding="unicode", short_empty_elements=False)
    return ('<?xml version="1.0" encoding="utf-8"?>\r\n' + body).encode("utf-8")


def version() -> bytes:
    return request(NEW_SESSION, "GetIFVersion", ET.Element("version", value=SDK_VERSION))


@dataclass(frozen=True)
class Picture:
    """One page of the program: an uploaded image and how long / how it shows."""

    file_name: str
    tenths: int  # duration in 0.1 s (the Go client sends ``duration*10`` for seconds)
    moving: bool = False


def screen(program_guid: str, name: str, width: int, height: int, pictures) -> ET.Element:
    """One program of one full-screen area whose images play one after another (the
    card's own programs are replaced: AddProgram sends the whole screen)."""
    root = ET.Element("screen")
    if not pictures:
        return root
    program = ET.SubElement(root, "program", type="normal", id="0", guid=program_guid, name=name)
    ET.SubElement(program, "playControl", count="1", disabled="false")
    area = ET.SubElement(program, "area", guid=f"{program_guid}-area", name="strip", alpha="255")
    ET.SubElement(area, "rectangle", x="0", y="0", width=str(width), height=str(height))
    resources = ET.SubElement(area, "resources")
    for n, picture in enumerate(pictures):
        image = ET.SubElement(
            resources, "image", guid=f"{program_guid}-{n}", name=f"page{n}", fit="stretch"
        )
        effect = EFFECT_LEFT_MOVE if picture.moving else EFFECT_NONE
        ET.SubElement(
            image,
            "effect",
            {
                "in": str(effect),
                "inSpeed": "4",
                "out": str(EFFECT_NONE),
                "outSpeed": "4",
                "duration": str(max(1, picture.tenths)),
            },
        )
        ET.SubElement(image, "file", name=picture.file_name)
    return root


def luminance(percent: int) -> list[ET.Element]:
    """SetLuminancePloy, a fixed brightness (mode "default")."""
    return [
        ET.Element("mode", value="default"),
        ET.Element("default", value=str(percent)),
        ET.Element("ploy"),
        ET.Element("sensor", min="1", max="100", time="10"),
    ]


def switch_time(on: str, off: str) -> list[ET.Element]:
    """SetSwitchTime: open every day from ``on`` to ``off`` ("HH:MM"); both empty: always
    open (the timetable switched off)."""
    ploy = ET.Element("ploy", enable="true" if on else "false")
    if on:
        ET.SubElement(ploy, "item", enable="true", start=f"{on}:00", end=f"{off}:00")
    return [ET.Element("open", enable="true"), ploy]


@dataclass(frozen=True)
class Answer:
    guid: str
    method: str
    result: str
    body: ET.Element | None

    @property
    def ok(self) -> bool:
        return self.result == "kSuccess"


def answer(xml: bytes) -> Answer:
    try:
        root = ET.fromstring(xml.rstrip(b"\0"))
    except ET.ParseError as exc:
        raise ValueError(f"控制卡的应答不是 XML：{exc}") from None
    out = root.find("out")
    if root.tag != "sdk" or out is None:
        raise ValueError("控制卡的应答缺少 <sdk><out>")
    return Answer(root.get("guid", ""), out.get("method", ""), out.get("result", ""), out)
