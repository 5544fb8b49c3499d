"""The simulator as an operator runs it: ``python -m display.led.onbon_sim``."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from display.led.errors import DeliveryError
from display.led.onbon import commands, driver
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def test_the_simulator_command_answers_draws_and_injects_faults(tmp_path):
    port = free_port()
    out = tmp_path / "png"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "display.led.onbon_sim",
            "--port",
            str(port),
            "--out",
            str(out),
            "--generation",
            "bx6",
            "--colour",
            "dual",
            "--busy",
            "1",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert f"127.0.0.1:{port}" in proc.stdout.readline()
        card = driver.Card("127.0.0.1", port, "bx6", 0x0174, "dual")
        for _ in range(50):
            try:
                driver.ping(card, 1.0)
                break
            except DeliveryError:
                time.sleep(0.1)
        image = Image.new("RGB", (64, 16))
        image.paste((255, 255, 0), (0, 0, 20, 16))
        area = commands.Area(0, 0, 0, 64, 16, [commands.Page(image)])
        with pytest.raises(DeliveryError, match="控制卡忙"):
            driver.push_area(card, area)  # --busy 1
        assert driver.push_area(card, area).answer.ack
        png = out / f"onbon-{port}-area0.png"
        assert png.exists()
        shown = Image.open(png).convert("RGB")
        assert shown.size == (256, 64)  # drawn 4× for people
        assert shown.getpixel((10, 10)) == (255, 255, 0) and shown.getpixel((200, 10)) == (0, 0, 0)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
