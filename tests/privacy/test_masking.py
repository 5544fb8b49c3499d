"""inquiries.privacy.mask_text, the one function every published answer goes through:
every way people write a phone, e-mail, ID or bank-card number, and their own name,
is hidden wherever it stands in the text, and the text around it is left alone."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inquiries.privacy import mask_text, masked_parts

FAST = settings(max_examples=150, deadline=None)
# Words around the number: Chinese and punctuation, no digits, letters or '@'.
AROUND = st.text(
    alphabet="我家的低保事情请回电话手机号码联系邮箱身份证卡，。：、（） ", max_size=12
)
DIGIT = st.sampled_from("0123456789")
SEPARATORS = st.sampled_from(["", " ", "-", " - ", "－", "\u3000", "."])


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


def written(draw, groups: list[str]) -> str:
    """Digit groups joined by one separator style, as a person would write them."""
    sep = draw(SEPARATORS)
    return sep.join(groups)


def assert_hidden(number: str, before: str, after: str, at_least: int) -> None:
    text = before + number + after
    out = mask_text(text)
    assert out.startswith(before) and out.endswith(after), (text, out)
    shown = out[len(before) : len(out) - len(after)]
    assert shown.count("*") >= at_least, (text, out)
    assert digits_of(number) not in digits_of(shown), (text, out)
    assert mask_text(out) == out  # masking is stable: a preview re-masked is the same


@st.composite
def mobiles(draw):
    digits = (
        "1"
        + draw(st.sampled_from("3456789"))
        + "".join(draw(st.lists(DIGIT, min_size=9, max_size=9)))
    )
    number = written(draw, [digits[:3], digits[3:7], digits[7:]])
    prefix = draw(st.sampled_from(["", "+86 ", "+86", "+86-", "0086 ", "(+86)", "86", "＋86 "]))
    return prefix + number


@st.composite
def landlines(draw):
    area = (
        "0"
        + draw(st.sampled_from("123456789"))
        + "".join(draw(st.lists(DIGIT, min_size=1, max_size=2)))
    )
    local = draw(st.sampled_from("2345678")) + "".join(
        draw(st.lists(DIGIT, min_size=6, max_size=7))
    )
    form = draw(st.sampled_from(["plain", "paren", "intl"]))
    if form == "paren":
        return f"({area}){draw(SEPARATORS).strip('.')}{local}"
    if form == "intl":
        return f"+86 {area[1:]} {local}"
    return written(draw, [area, local])


@st.composite
def id_numbers(draw):
    length = draw(st.sampled_from([15, 18]))
    body = draw(st.sampled_from("123456789")) + "".join(
        draw(st.lists(DIGIT, min_size=length - 2, max_size=length - 2))
    )
    last = draw(st.sampled_from("0123456789X")) if length == 18 else draw(DIGIT)
    return body + last


@st.composite
def bank_cards(draw):
    length = draw(st.integers(16, 19))
    digits = draw(st.sampled_from("3456")) + "".join(
        draw(st.lists(DIGIT, min_size=length - 1, max_size=length - 1))
    )
    return written(draw, [digits[i : i + 4] for i in range(0, length, 4)])


@pytest.mark.parametrize(
    ("numbers", "at_least"),
    [
        # Mobiles in every spacing, with and without the country code.
        (mobiles(), 4),
        (landlines(), 4),
        (id_numbers(), 8),
        (bank_cards(), 8),
    ],
    ids=["mobile", "landline", "id-15-18", "bank-card"],
)
@FAST
@given(data=st.data(), before=AROUND, after=AROUND)
def test_numbers_in_every_written_form(numbers, at_least, data, before, after):
    assert_hidden(data.draw(numbers), before, after, at_least)


@FAST
@given(
    st.from_regex(r"[a-z][a-z0-9._]{1,15}", fullmatch=True),
    st.from_regex(r"[a-z0-9]{2,10}\.(com|cn|net|com\.cn|gov\.cn)", fullmatch=True),
    AROUND,
    AROUND,
)
def test_email_addresses(local, domain, before, after):
    text = f"{before}{local}@{domain}{after}"
    out = mask_text(text)
    assert out == f"{before}{local[0]}{'*' * (len(local) - 1)}@{domain}{after}"


NAMES = st.text(alphabet="王李张刘陈杨欧阳娜明华芳军伟秀英", min_size=2, max_size=4)


@FAST
@given(NAMES, AROUND, AROUND, st.booleans())
def test_the_askers_own_name_wherever_it_appears(name, before, after, spaced):
    written_name = " ".join(name) if spaced else name
    text = f"{before}{written_name}{after}{written_name}"
    out = mask_text(text, names=[name])
    assert name not in out.replace(" ", "")
    # The family name's first character stays, as on every masked name.
    assert out.count(name[0]) >= 1


def test_the_forms_the_review_found_in_clear():
    text = (
        "我家的低保 手机138 2468 1357，139-8642-7531，+86 136 0000 5432，座机0571-88886666，"
        "邮箱 ouyang.nana@example.com，身份证 11010519491231002X、旧证 110105491231002，"
        "卡号 6222 0212 3456 7890 123，我叫欧阳娜娜"
    )
    out = mask_text(text, names=["欧阳娜娜"])
    for clear in (
        "2468",
        "8642",
        "0000",
        "8888666",
        "ouyang.nana",
        "19491231",
        "491231",
        "3456 7890",
        "欧阳娜娜",
        "娜娜",
    ):
        assert clear not in out, (clear, out)


def test_ordinary_numbers_stay():
    text = "2026-12-07 15:30 办理，费用 12.5 元，第 1356 号窗口，热线 12345，400-800-8888"
    assert mask_text(text) == text


def test_parts_mark_exactly_what_was_hidden():
    parts = masked_parts("张三说：电话13812345678。", names=["张三"], words=["幸福小区"])
    assert parts == [("张*", True), ("说：电话", False), ("138****5678", True), ("。", False)]
    extra = masked_parts("住幸福小区 3 栋", words=["幸福小区"])
    assert extra == [("住", False), ("****", True), (" 3 栋", False)]
