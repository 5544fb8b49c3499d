"""Voice: number normalisation, one announcement at a time per area (order, text,
repeats, volume by daypart), the WAV produced and its cache, a hall's own clips."""

from __future__ import annotations

import array
import io
import math
import wave
from datetime import timedelta

from sqlalchemy import select

from calling import voice
from calling.models import Announcement, CallingHall, CallingWindow
from content_feed.db import db
from tests.calling.test_console import window_id


def test_numbers_are_read_as_halls_read_them():
    assert voice.ticket_words("A001") == ["A", "零", "零", "一"]
    assert voice.ticket_words("b-12") == ["B", "一", "二"]
    assert voice.number_words("3") == ["三"]
    assert voice.number_words("12") == ["十", "二"]
    assert voice.number_words("20") == ["二", "十"]
    assert voice.number_words("105") == ["一", "零", "五"]
    words = voice.call_words("A001", "12")
    assert words[0] == voice.CHIME
    assert voice.spoken_text(words) == "请 A 零零一 号 到 十二 号 窗口 办理"
    assert voice.call_text("A001", "12") == "请A001号到12号窗口办理"


def announcements() -> list[Announcement]:
    db.session.expire_all()
    return list(db.session.execute(select(Announcement).order_by(Announcement.starts_at)).scalars())


def test_calls_are_spoken_one_at_a_time_per_area_in_order(events, clock, hall):
    settings = db.session.execute(select(CallingHall)).scalar_one()
    settings.repeats, settings.volume_plan = 3, "09:30-11:00=30"
    # Window 12 is upstairs: an area of its own.
    db.session.add(CallingWindow(window_id=window_id("12"), hall_id=hall.id, area="二楼"))
    db.session.commit()
    events.send("call", "1", ticket="A001")
    events.send("call", "2", ticket="A002")
    events.send("call", "12", ticket="C003")
    assert [a.text for a in announcements()] == [
        "请A001号到1号窗口办理",
        "请C003号到12号窗口办理",  # another area: at once
        "请A002号到2号窗口办理",
    ]
    one, upstairs_call, two = announcements()
    assert one.starts_at == clock.now() and upstairs_call.starts_at == clock.now()
    assert two.starts_at == one.ends_at  # waits for the first, repeated three times
    assert one.repeats == 3 and one.volume == 30  # 10:00 in the hall: the quiet daypart
    length = voice.seconds_of(voice.Voice(*_folders()).speak(voice.call_words("A001", "1"))[1])
    assert abs((one.ends_at - one.starts_at).total_seconds() - (3 * length + 2 * 0.8)) < 0.01
    assert one.spoken == "请 A 零零一 号 到 一 号 窗口 办理"


def _folders():
    from calling.announcements import folders

    return folders()


def test_the_audio_is_valid_wav_cached_by_what_it_says(events, client):
    events.send("call", "3", ticket="A001")
    answer = client.get(
        "/calling/screens/wall-1/calls.json", headers={"X-Terminal-Token": "wall-token"}
    )
    url = answer.json["announcements"][0]["audio"]
    audio = client.get(url)
    assert audio.status_code == 200 and audio.mimetype == "audio/wav"
    with wave.open(io.BytesIO(audio.data)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, voice.RATE)
        seconds = w.getnframes() / w.getframerate()
    assert 2.5 < seconds < 10
    # The same words again: the same file, not made twice.
    events.send("end", "3", ticket="A001")
    events.send("call", "3", ticket="A001")
    assert len({a.audio for a in announcements()}) == 1
    assert client.get("/calling/audio/" + "0" * 32 + ".wav").status_code == 404
    assert client.get("/calling/audio/../../secret.wav").status_code == 404


def test_a_recall_within_five_seconds_is_not_spoken_again(events, clock):
    t = clock.now()
    events.send("call", "4", ticket="A010", at=t)
    events.send("recall", "4", ticket="A010", at=t + timedelta(seconds=3))
    events.send("recall", "4", ticket="A010", at=t + timedelta(seconds=30))
    assert len(announcements()) == 2


def tone_wav(rate: int = 44100, seconds: float = 0.4) -> bytes:
    samples = array.array(
        "h",
        (
            int(8000 * math.sin(2 * math.pi * 440 * i / rate))
            for i in range(int(rate * seconds))
            for _ in range(2)  # stereo
        ),
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return out.getvalue()


def test_a_hall_records_its_own_words(operator, events, hall):
    before = events.send("call", "5", ticket="A001")
    assert before.status_code == 200
    bad = operator.post(
        "/admin/calling/hall/clip",
        data={"hall": hall.id, "word": "请", "clip": (io.BytesIO(b"not a wav"), "q.wav")},
        follow_redirects=True,
    )
    assert "不是有效的 WAV 文件" in bad.get_data(as_text=True)
    good = operator.post(
        "/admin/calling/hall/clip",
        data={"hall": hall.id, "word": "请", "clip": (io.BytesIO(tone_wav()), "qing.wav")},
        follow_redirects=True,
    )
    assert "已保存“请”的录音" in good.get_data(as_text=True)
    events.send("end", "5", ticket="A001")
    events.send("call", "5", ticket="A001")
    old, new = announcements()
    assert old.audio != new.audio and old.text == new.text
    # The recorded word is in the new sound (resampled to one format): about 0.4 s longer or shorter.
    clips, cache = _folders()
    lengths = [voice.seconds_of((cache / f"{a.audio}.wav").read_bytes()) for a in (old, new)]
    assert lengths[0] != lengths[1]


def test_a_kiosk_has_text_read_aloud(app, client):
    kiosk = {"X-Terminal-Token": "kiosk-token"}
    spoken = client.post(
        "/calling/screens/kiosk-1/speak", json={"text": "不动产登记 3 个工作日"}, headers=kiosk
    )
    assert spoken.status_code == 200 and spoken.json["seconds"] > 1
    audio = client.get(spoken.json["audio"])
    assert audio.mimetype == "audio/wav" and voice.seconds_of(audio.data) > 1
    assert voice.text_words("不动产登记 3 个工作日") == ["不动产登记", "三", "个工作日"]
    empty = client.post("/calling/screens/kiosk-1/speak", json={"text": " "}, headers=kiosk)
    assert empty.status_code == 422 and empty.json["errors"] == {"text": "请给出要朗读的文字"}
    wall = {"X-Terminal-Token": "wall-token"}
    assert (
        client.post("/calling/screens/wall-1/speak", json={"text": "x"}, headers=wall).status_code
        == 404
    )
