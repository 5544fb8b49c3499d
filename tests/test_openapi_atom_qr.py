"""The OpenAPI document, the Atom feed and QR codes."""

import io
import re

import pytest
from lxml import etree
from openapi_spec_validator import validate
from PIL import Image

from tests.builders import make_guide, publish_item

ATOM = "{http://www.w3.org/2005/Atom}"


def test_openapi_document_is_valid_3_1(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    validate(doc)


def test_every_api_route_is_described(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        assert path in doc["paths"], f"{rule.rule} is not in the OpenAPI document"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in doc["paths"][path], f"{method} {rule.rule} undocumented"


def test_responses_match_their_documented_schemas(client, clock):
    """Validate live answers against the document's own schemas."""
    from jsonschema import Draft202012Validator

    publish_item(clock.now(), "党费收缴")
    make_guide(clock.now())
    doc = client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/api/v1/items",
        "/api/v1/items/1",
        "/api/v1/guides",
        "/api/v1/guides/1",
        "/api/v1/catalogue",
        "/api/v1/slogans",
        "/api/v1/urgent-notices",
        "/api/v1/meetings",
    ):
        template = re.sub(r"/\d+$", "/{item_id}" if "items" in path else "/{guide_id}", path)
        schema = doc["paths"][template]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ]
        wrapped = {**schema, "components": doc["components"]}
        errors = list(Draft202012Validator(wrapped).iter_errors(client.get(path).get_json()))
        assert not errors, f"{path}: {errors[0].message}"


def test_atom_feed_is_well_formed_and_complete(client, clock):
    publish_item(clock.now(), "党费收缴使用情况", summary="上半年情况", body="<b>粗体</b> & 正文")
    publish_item(clock.now(), "党内事项", scope="party")
    response = client.get("/feed.atom")
    assert response.mimetype == "application/atom+xml"
    root = etree.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["党费收缴使用情况"]
    entry = entries[0]
    for required in ("id", "title", "updated", "link", "content", "summary"):
        assert entry.find(f"{ATOM}{required}") is not None, required
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", entry.findtext(f"{ATOM}updated"))
    assert entry.find(f"{ATOM}content").get("type") == "html"
    assert "<script" not in entry.findtext(f"{ATOM}content")


def decode_qr(png: bytes) -> str:
    import zxingcpp

    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert results, "no QR code found"
    return results[0].text


def test_item_qr_png_decodes_to_its_online_url(client, clock):
    item = publish_item(clock.now(), "有外链", online_url="https://www.example.gov.cn/a/1.html")
    plain = publish_item(clock.now(), "无外链")
    png = client.get(f"/qr/items/{item.id}.png")
    assert png.mimetype == "image/png"
    assert decode_qr(png.data) == "https://www.example.gov.cn/a/1.html"
    # Without its own URL the code points at the item's page on the configured base URL.
    assert decode_qr(client.get(f"/qr/items/{plain.id}.png").data) == (
        f"http://hall.example.test/p/items/{plain.id}"
    )


def test_guide_qr_codes_and_svg(client, clock):
    guide = make_guide(clock.now())
    assert decode_qr(client.get(f"/qr/guides/{guide.id}.png").data) == (
        f"http://hall.example.test/p/guides/{guide.id}"
    )
    svg = client.get(f"/qr/guides/{guide.id}.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    # Not online: no online-service code.
    assert client.get(f"/qr/guides/{guide.id}/online.png").status_code == 404


def test_qr_is_cached_by_content(client, clock):
    item = publish_item(clock.now(), "事项")
    first = client.get(f"/qr/items/{item.id}.png")
    again = client.get(f"/qr/items/{item.id}.png", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("url", ["/qr/items/1.gif", "/qr/items/1.png?box=999"])
def test_qr_bad_requests(client, clock, url):
    publish_item(clock.now(), "事项")
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert response.mimetype == "application/problem+json"


def test_no_qr_for_internal_items(client, clock):
    hidden = publish_item(clock.now(), "党内", scope="party")
    assert client.get(f"/qr/items/{hidden.id}.png").status_code == 404
