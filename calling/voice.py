"""Announcements as sound: recorded clips of a small vocabulary, joined server-side.

Real halls speak calls from clips (请, 号, 到, 窗口, 办理, the digits, the letters,
a chime). The default set is made with Debian's espeak-ng (``cmn-latn-pinyin``
for Chinese syllables, ``en`` for letter names) by ``make voice`` (``main``) or on
first use; a hall's own recordings (uploaded in the
console) take their place word by word. A word outside the vocabulary is spoken
by espeak-ng ``cmn`` on the spot. Every clip is brought to one format (22050 Hz,
mono, 16 bit) and the joined WAV is cached by what it says.
"""

from __future__ import annotations

import array
import hashlib
import io
import math
import os
import re
import subprocess
import sys
import wave
from pathlib import Path

RATE = 22050
ESPEAK = "espeak-ng"
CHIME = "♪"
DIGITS = "零一二三四五六七八九"
NUMERALS = DIGITS + "十"
# Chinese words of the vocabulary and their pinyin for espeak-ng cmn-latn-pinyin.
PINYIN = {
    "请": "qing3",
    "号": "hao4",
    "到": "dao4",
    "窗口": "chuang1 kou3",
    "办理": "ban4 li3",
    "十": "shi2",
    "零": "ling2",
    "一": "yi1",
    "二": "er4",
    "三": "san1",
    "四": "si4",
    "五": "wu3",
    "六": "liu4",
    "七": "qi1",
    "八": "ba1",
    "九": "jiu3",
}
LETTERS = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
VOCABULARY = [CHIME, *PINYIN, *LETTERS]
GAP_MS = 60  # between two words
SILENCE = 400  # below this a sample counts as silence when trimming a clip


def ticket_words(ticket: str) -> list[str]:
    """A ticket read digit by digit, letters by name: "A001" → A 零 零 一."""
    words = []
    for ch in ticket.strip().upper():
        if ch.isdigit():
            words.append(DIGITS[int(ch)])
        elif "A" <= ch <= "Z":
            words.append(ch)
    return words


def number_words(number: str) -> list[str]:
    """A window number as said: 3 → 三, 12 → 十二, 20 → 二十; else digit by digit."""
    if not number.isdigit() or len(number) > 2 or int(number) < 10:
        return ticket_words(number) or [number]
    n = int(number)
    tens, ones = divmod(n, 10)
    words = [] if tens == 1 else [DIGITS[tens]]
    words.append("十")
    if ones:
        words.append(DIGITS[ones])
    return words


def call_words(ticket: str, window_number: str) -> list[str]:
    return [
        CHIME,
        "请",
        *ticket_words(ticket),
        "号",
        "到",
        *number_words(window_number),
        "号",
        "窗口",
        "办理",
    ]


def call_text(ticket: str, window_number: str) -> str:
    return f"请{ticket}号到{window_number}号窗口办理"


def spoken_text(words: list[str]) -> str:
    """The words as read, letters apart: "请 A 零零一 号 …" (the chime left out)."""
    out: list[str] = []
    for word in words:
        if word == CHIME:
            continue
        if out and word in NUMERALS and out[-1][-1] in NUMERALS:
            out[-1] += word
        else:
            out.append(word)
    return " ".join(out)


def text_words(text: str) -> list[str]:
    """Free text (an item read aloud) as words: vocabulary words where they are,
    digits as Chinese digits, the rest in runs for espeak-ng."""
    text = re.sub(r"\d", lambda m: DIGITS[int(m.group())], text)
    return [part for part in re.split(r"\s+", text) if part]


# -- clips -------------------------------------------------------------------------


def _espeak(args: list[str], text: str) -> bytes:
    result = subprocess.run(
        [ESPEAK, *args, "--stdout", text], capture_output=True, timeout=30, check=True
    )
    return result.stdout


def synthesize(word: str) -> bytes:
    """One word as WAV from espeak-ng: vocabulary words as recorded for the default set."""
    if word == CHIME:
        return chime()
    if word in PINYIN:
        return _espeak(["-v", "cmn-latn-pinyin", "-s", "150"], PINYIN[word])
    if len(word) == 1 and word in LETTERS:
        return _espeak(["-v", "en", "-s", "150"], word)
    return _espeak(["-v", "cmn", "-s", "150"], word)


def chime(ms: int = 700) -> bytes:
    """Two falling tones (ding-dong), soft at both ends."""
    samples = array.array("h")
    half = RATE * ms // 2000
    for freq in (784.0, 622.0):
        for i in range(half):
            envelope = min(1.0, i / 200) * math.exp(-3.0 * i / half)
            samples.append(int(9000 * envelope * math.sin(2 * math.pi * freq * i / RATE)))
    return to_wav(samples)


def clip_name(word: str) -> str:
    return "chime.wav" if word == CHIME else f"{word.encode('utf-8').hex()}.wav"


def ensure_default_clips(folder: Path) -> Path:
    """The default set in ``folder``, made where missing (a few ms per word)."""
    folder.mkdir(parents=True, exist_ok=True)
    for word in VOCABULARY:
        path = folder / clip_name(word)
        if not path.exists():
            data = normalised(synthesize(word))
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
    return folder


# -- WAV ---------------------------------------------------------------------------


def to_wav(samples: array.array) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples.tobytes())
    return out.getvalue()


class BadClip(ValueError):
    pass


def samples_of(data: bytes) -> array.array:
    """A WAV as mono 16-bit samples at RATE (linear resampling)."""
    try:
        with wave.open(io.BytesIO(data)) as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            raw = w.readframes(w.getnframes())
    except (wave.Error, EOFError) as exc:
        raise BadClip("不是有效的 WAV 文件（需要未压缩的 PCM 格式）") from exc
    if width != 2 or channels not in (1, 2) or not 8000 <= rate <= 96000:
        raise BadClip("WAV 需为 16 位 PCM、单声道或立体声")
    samples = array.array("h")
    samples.frombytes(raw[: len(raw) - len(raw) % (2 * channels)])
    if sys.byteorder == "big":
        samples.byteswap()
    if channels == 2:
        samples = array.array(
            "h", ((a + b) // 2 for a, b in zip(samples[::2], samples[1::2], strict=True))
        )
    if rate != RATE and samples:
        step = rate / RATE
        count = int(len(samples) / step)
        last = len(samples) - 1
        samples = array.array(
            "h",
            (
                int(
                    samples[int(i * step)]
                    + (samples[min(last, int(i * step) + 1)] - samples[int(i * step)])
                    * (i * step - int(i * step))
                )
                for i in range(count)
            ),
        )
    return samples


def trimmed(samples: array.array) -> array.array:
    """Without the silence espeak-ng (or a recorder) leaves at both ends."""
    loud = [i for i, s in enumerate(samples) if abs(s) > SILENCE]
    if not loud:
        return samples
    pad = RATE * 20 // 1000
    return samples[max(0, loud[0] - pad) : loud[-1] + pad]


def normalised(data: bytes) -> bytes:
    return to_wav(trimmed(samples_of(data)))


def join(clips: list[bytes]) -> bytes:
    gap = array.array("h", bytes(2 * (RATE * GAP_MS // 1000)))
    samples = array.array("h")
    for n, clip in enumerate(clips):
        if n:
            samples.extend(gap)
        samples.extend(samples_of(clip))
    return to_wav(samples)


def seconds_of(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as w:
        return w.getnframes() / w.getframerate()


class Voice:
    """Words to WAV for one hall: its own clips, then the default set, then espeak-ng."""

    def __init__(self, defaults: Path, cache: Path, own: dict[str, bytes] | None = None):
        self.defaults, self.cache, self.own = defaults, cache, own or {}

    def clip(self, word: str) -> bytes:
        if word in self.own:
            return self.own[word]
        path = self.defaults / clip_name(word)
        if word in VOCABULARY:
            if not path.exists():
                ensure_default_clips(self.defaults)
            return path.read_bytes()
        return normalised(synthesize(word))  # fallback: any other word

    def key(self, words: list[str]) -> str:
        own = sorted((w, hashlib.sha256(d).hexdigest()[:12]) for w, d in self.own.items())
        return hashlib.sha256(repr((words, own)).encode()).hexdigest()[:32]

    def speak(self, words: list[str]) -> tuple[str, bytes]:
        """(cache key, WAV) of ``words``: made once per text and set of clips."""
        key = self.key(words)
        path = self.cache / f"{key}.wav"
        if path.exists():
            return key, path.read_bytes()
        data = join([self.clip(w) for w in words])
        self.cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return key, data


def main(argv: list[str] | None = None) -> int:
    """``make voice``: make the default clips into DIR (argument)."""
    args = argv if argv is not None else sys.argv[1:]
    folder = ensure_default_clips(Path(args[0] if args else "instance/calling/clips"))
    print(f"{len(VOCABULARY)} clips in {folder}")
    return 0
