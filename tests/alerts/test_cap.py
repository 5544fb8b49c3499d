"""Reading CAP 1.2 documents: schema validation, refusals in Chinese, XXE, levels,
areas, feeds of several."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from alerts import cap
from alerts.areas import covers, distance_km, inside_polygon, significant
from tests.alerts import documents as doc

SENT = datetime(2026, 11, 17, 1, 50, tzinfo=UTC)


def test_a_gbt_alert_is_read_whole():
    parsed = cap.parse(doc.alert(SENT, level="orange").encode())
    (alert,) = parsed.alerts
    assert alert.identifier == doc.identifier(SENT) and alert.division == "110102"
    assert alert.sent == SENT and alert.sent.tzinfo is not None
    assert (alert.status, alert.msg_type, alert.scope) == ("Actual", "Alert", "Public")
    assert alert.level == "orange" and alert.severity == "Severe"
    assert alert.geocodes == [("GB/T 2260", "110102")] and alert.area_desc == "北京市西城区"
    assert "暴雨橙色预警" in alert.headline


def test_the_level_in_parameter_wins_over_severity():
    text = doc.alert(SENT, level="yellow").replace("<severity>Moderate", "<severity>Extreme")
    assert cap.parse(text.encode()).alerts[0].level == "yellow"
    without = text.replace(
        "<valueName>预警级别</valueName><value>黄色</value>",
        "<valueName>x</valueName><value>y</value>",
    )
    assert cap.parse(without.encode()).alerts[0].level == "red"


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("红色", "red"),
        ("Ⅱ级", "orange"),
        ("III", "yellow"),
        ("4", "blue"),
        ("Blue", "blue"),
        ("无", ""),
    ],
)
def test_level_words(value, level):
    assert cap.level_of(value) == level


@pytest.mark.parametrize("name", sorted(doc.MALFORMED))
def test_malformed_documents_are_refused_with_a_chinese_reason(name):
    with pytest.raises(cap.Refused) as refused:
        cap.parse(doc.MALFORMED[name].encode())
    assert not refused.value.reason.isascii()


def test_a_schema_refusal_names_the_line_and_the_schema():
    with pytest.raises(cap.Refused, match="CAP-v1.2.xsd.*第 \\d+ 行"):
        cap.parse(doc.MALFORMED["no severity"].encode())


def test_a_doctype_is_refused_and_no_entity_is_read():
    with pytest.raises(cap.Refused, match="DOCTYPE"):
        cap.parse(doc.XXE.encode())


def test_cap_1_1_and_other_roots_are_refused():
    old = doc.alert(SENT, namespace="urn:oasis:names:tc:emergency:cap:1.1")
    with pytest.raises(cap.Refused, match="命名空间"):
        cap.parse(old.encode())
    with pytest.raises(cap.Refused, match="根元素"):
        cap.parse(b"<html><body>503</body></html>")


def test_cancel_without_references_is_refused():
    with pytest.raises(cap.Refused, match="references"):
        cap.parse(doc.alert(SENT, msg_type="Cancel").encode())


def test_an_atom_feed_of_three_and_a_link():
    text = doc.atom(
        doc.alert(SENT, serial=1),
        doc.alert(SENT, serial=2, level="yellow"),
        doc.alert(SENT, serial=3, division=doc.ELSEWHERE),
        links=["http://feed.test/a.xml"],
    )
    parsed = cap.parse(text.encode())
    assert [a.identifier[-1] for a in parsed.alerts] == ["1", "2", "3"]
    assert parsed.links == ["http://feed.test/a.xml"] and parsed.refused == []


def test_a_bad_entry_in_a_feed_is_refused_alone():
    text = doc.atom(doc.alert(SENT), doc.MALFORMED["no severity"])
    parsed = cap.parse(text.encode())
    assert len(parsed.alerts) == 1 and len(parsed.refused) == 1


def test_rss_items_link_to_documents():
    rss = b"""<rss version="2.0"><channel><title>t</title><item><title>a</title>
    <link>http://feed.test/one.xml</link></item></channel></rss>"""
    assert cap.parse(rss).links == ["http://feed.test/one.xml"]


def test_division_codes_cover_by_prefix():
    assert significant("110000") == "11" and significant("110100") == "1101"
    assert covers("110000", "110102") and covers("110102", "110102")
    assert not covers("110105", "110102") and not covers("120000", "110102")
    assert covers("110102001", "110102") and not covers("110105001", "110102")


def test_shapes():
    square = [(39.0, 116.0), (39.0, 117.0), (40.0, 117.0), (40.0, 116.0), (39.0, 116.0)]
    assert inside_polygon(39.9, 116.36, square) and not inside_polygon(41.0, 116.5, square)
    assert 110 < distance_km(39.0, 116.0, 40.0, 116.0) < 112
