"""Whether an alert is for a hall: by GB/T 2260 division code, or by the alert's
<polygon>/<circle> where the hall has coordinates.

A division code names a province (110000), a city (110100) or a county (110102);
its trailing pairs of zeros mean "all of it". An alert for 110000 covers every hall
whose code begins 11; one for 110102 only halls in 110102. A township code longer
than six digits (110102001) covers part of a county: the county's halls are shown it,
since a warning is better seen in the next street than missed."""

from __future__ import annotations

import math

from alerts.models import Alert, AlertHallArea

EARTH_KM = 6371.0


def significant(code: str) -> str:
    """The code without its 'all of it' trailing zero pairs (110100 → 1101)."""
    code = code.strip()
    if not code.isdigit():
        return ""
    head = code[:6]
    while head.endswith("00") and len(head) > 2:
        head = head[:-2]
    return head + code[6:]


def covers(code: str, hall_code: str) -> bool:
    """Whether an alert's division code covers a hall's 6-digit code."""
    prefix = significant(code)
    if not prefix or len(hall_code) != 6:
        return False
    if len(prefix) > 6:  # below county level: the county's halls
        return prefix.startswith(hall_code)
    return hall_code.startswith(prefix)


def inside_polygon(lat: float, lon: float, polygon: list) -> bool:
    """Ray casting; CAP polygons are closed rings of (lat, lon)."""
    inside = False
    points = [tuple(p) for p in polygon]
    for (y1, x1), (y2, x2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                inside = not inside
    return inside


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def in_geometry(alert: Alert, lat: float, lon: float) -> bool:
    shapes = alert.geometry or {}
    if any(inside_polygon(lat, lon, p) for p in shapes.get("polygons", [])):
        return True
    return any(distance_km(lat, lon, c[0], c[1]) <= c[2] for c in shapes.get("circles", []))


def has_geometry(alert: Alert) -> bool:
    shapes = alert.geometry or {}
    return bool(shapes.get("polygons") or shapes.get("circles"))


def division_codes(alert: Alert) -> list[str]:
    """The codes an alert names: its geocodes, else its identifier's prefix."""
    codes = [value for _name, value in alert.geocodes or [] if value.strip().isdigit()]
    if codes:
        return codes
    head = alert.identifier[:6]
    return [head] if head.isdigit() and len(head) == 6 else []


def for_hall(alert: Alert, area: AlertHallArea) -> bool:
    """The hall's coordinates decide where both they and a shape exist; else its code."""
    if area.latitude is not None and area.longitude is not None and has_geometry(alert):
        return in_geometry(alert, area.latitude, area.longitude)
    return any(covers(code, area.division_code) for code in division_codes(alert))
