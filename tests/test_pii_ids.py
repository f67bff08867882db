"""VC505's identity numbers: a MyKad number by its shape, an NIK, an Iranian national code and a
US Social Security number only after their name, in any script's digits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voicecheck.engine import Checker

CHECKER = Checker(model=False)
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def _ids(text: str, lang: str) -> list[str]:
    report = CHECKER.check(text, lang=lang, channel="email")
    return [f.text for f in report.findings if f.code == "VC505"]


@pytest.mark.parametrize(("text", "lang", "found"), [
    ("NIK: 3174-0517-0890-0003 sudah kami cocokkan.", "id", ["3174-0517-0890-0003"]),
    ("No. KTP 3174051708900003 atas nama Ibu Rina.", "id", ["3174051708900003"]),
    ("Nomor pesanan 3174051708900003 sudah dikirim.", "id", []),        # no name: an order
    ("Masukkan NIK 1234567890123456 sebagai contoh format.", "id", []),  # counting up
    ("NIK 0000000000000000 belum diisi.", "id", []),
    ("کدملی 0073451282 ثبت شد.", "fa", ["0073451282"]),
    ("شماره‌ی ملی: 0073451282 ثبت شد.", "fa", ["0073451282"]),
    ("کد پیگیری 0073451282 ثبت شد.", "fa", []),                       # a tracking code
    ("Your SSN 078-05-1120 is on file.", "en", ["078-05-1120"]),
    ("Your order 078-05-1120 is on its way.", "en", []),
    ("Kami telah mengesahkan nombor MyKad 900101-14-5678 anda.", "ms", ["900101-14-5678"]),
])
def test_identity_numbers(text, lang, found):
    assert _ids(text, lang) == found


def test_persian_digits_are_digits():
    text = "کد ملی 0073451282 شما ثبت شد.".translate(PERSIAN)
    assert _ids(text, "fa") == ["0073451282".translate(PERSIAN)]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789 -.:#\nNIKSNکد ملی", max_size=120), st.sampled_from(["id", "fa"]))
def test_any_digit_soup_gives_spans_on_digits(text, lang):
    for found in _ids(text if text.strip() else "x", lang):  # an empty reply is refused
        assert found[0].isdecimal() and found[-1].isdecimal()


def _addresses(text: str, lang: str = "en", channel: str = "twitter_public") -> list[str]:
    report = CHECKER.check(text, lang=lang, channel=channel)
    return [f.text for f in report.findings if f.code == "VC507"]


@pytest.mark.parametrize(("text", "lang", "found"), [
    ("Your address is 9 Elm St. The driver comes at 5.", "en", ["9 Elm St."]),
    ("Your home address 221B Baker Street is on file.", "en", ["221B Baker Street"]),
    ("We delivered it yesterday. Our office is at 12 Hill Road.", "en", []),
    ("It was delivered to our depot at 12 Hill Road.", "en", []),
    ("Your place in the queue is 12, Ben.", "en", []),
    ("We've found your trip from 218 Alder St to Terminal 2 at 9:42pm.", "en", ["218 Alder St"]),
    ("Our trip from 12 Hill Road depot leaves at 9.", "en", []),
    ("Perjalanan Kakak dari Jl. Kenanga No. 12 sudah kami cek.", "id", ["Jl. Kenanga No. 12"]),
    ("Paket sudah sampai di alamat Kakak di Jl. Kenanga Raya No. 12A.", "id",
     ["Jl. Kenanga Raya No. 12A"]),
    ("Pemeliharaan jaringan di Jl. Kartini No. 5, Makassar dijadwalkan Kamis.", "id", []),
    ("Paket diantar ke gudang kami di Jl. Industri No. 5.", "id", []),
    ("Alamat penghantaran: Lot 5, Jalan Ampang.", "ms", ["Lot 5, Jalan Ampang"]),
    ("آدرس ثبت‌شده: تهران، خیابان گلبرگ، پلاک ۱۴", "fa", ["خیابان گلبرگ، پلاک ۱۴"]),
    ("آدرست رو چک کردم: خیابان گلبرگ، پلاک ۱۴", "fa", ["خیابان گلبرگ، پلاک ۱۴"]),
    ("فروشگاه ما در خیابان ولیعصر، پلاک ۱۲ است.", "fa", []),
])
def test_customer_addresses_in_public_replies(text, lang, found):
    assert _addresses(text, lang) == found
    assert _addresses(text, lang, channel="dm") == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["your address", "delivery to", "12", "Elm", "Street", "St.",
                                 "our", ".", ",", "\n", "Jl.", "No.", "alamat Kakak", "di"]),
                max_size=30).map(" ".join), st.sampled_from(["en", "id"]))
def test_address_spans_start_at_a_digit_or_a_street_word(text, lang):
    for found in _addresses(text if text.strip() else "x", lang):
        assert found[:1].isdigit() or found.split()[0].rstrip(".") in ("Jl", "No")
