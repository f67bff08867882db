"""Kind `pii`: personal data that must not be written into a reply.

    kind: pii
    pii: email | phone | card | national_id | account | address

Cards are Luhn-checked and must start and run as a card network's do (so order numbers, a
15-digit IMEI and a tracking number pass, and so does a number labelled as one); phone
numbers are parsed with Google's libphonenumber (the `phonenumbers` package), with the region
of the reply's language.
`national_id` is an identity number of one of our markets: a Malaysian MyKad number by its
shape (900101-14-5678), an Indonesian NIK, an Iranian national code and a US Social Security
number right after their name (the name is what makes sixteen or ten digits an identity
number; no check digit is tested, so a number a person mistyped is still caught).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from voicecheck.checks.base import Context, Rule, fill, make_finding
from voicecheck.model import Finding
from voicecheck.text.draft import Draft

PARAMS = {"pii": "str"}
KINDS = ("email", "phone", "card", "national_id", "account", "address")
REGION = {"en": "US", "id": "ID", "ms": "MY", "fa": "IR"}
# English is written to customers everywhere: numbers in these regions' national format count
# too, but only when written with their trunk '0' (07911 123456, 0412 345 678, 0917 123 4567),
# so that a bare ten-digit order number is not read as an Indian mobile
OTHER_REGIONS = {"en": ("GB", "IN", "AU", "PH", "NG")}
# a run that could hold a phone number (nine digits or more, maybe spaced or dashed); only these
# runs are handed to libphonenumber, which costs ~100 µs a pass over a whole reply
_PHONE_LIKE = re.compile(r"\+?\(?\d[\d\s().\u2013-]{6,24}\d")

_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
_DIGIT = re.compile(r"\d")
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
# a phone number the reply says is the brand's own line, said just before it in the same
# sentence: "call our team on 020 7946 0958", "hubungi kami di 021-555-0100", «تلفن پشتیبانی»
# ("Our courier will call you on …" is the customer's number and stays reported)
_OUR_LINE = {
    "en": r"\b(?:call|ring|phone|text|contact|reach|whatsapp|message|dial)\s+"
          r"(?:us|our(?:\s+\w+){1,2})\b"
          r"|\bour\s+(?:\w+\s+)?(?:number|line|hotline|helpline|office|store|branch|desk|"
          r"call\s*cent(?:re|er))\b",
    "id": r"\b(?:hubungi|telepon|telpon|kontak|whatsapp|wa|sms)\s+(?:kami|call\s*center|cs|"
          r"customer\s+service|hotline|layanan\s+pelanggan)\b|\b(?:call\s*center|hotline)\b",
    "ms": r"\b(?:hubungi|telefon|call|whatsapp|wa|sms)\s+(?:kami|pusat\s+panggilan|talian|"
          r"khidmat\s+pelanggan|hotline)\b|\b(?:talian\s+(?:bantuan|hotline|khidmat)|hotline)\b",
    "fa": r"(?:شماره|تلفن)\s+(?:پشتیبانی|مرکز\s+تماس|دفتر|شرکت)|مرکز\s+تماس|تلفن\s+گویا"
          r"|(?:^|\s)(?:با\s+ما|تماس\s+با\s+ما)(?=\s)",
}
_OUR_LINE_RE = {lang: re.compile(f"(?i:{pattern})") for lang, pattern in _OUR_LINE.items()}
# a number the reply itself names as something other than a card: "IMEI 490154203237518"
_NOT_CARD_LABEL = re.compile(r"(?i)\b(?:imei|tracking|track(?:ing)? (?:no|number|id)|awb|"
                             r"waybill|consignment|serial|s/n|resi)\b[^\d\n]{0,20}$")
_MYKAD = re.compile(r"(?<!\d)\d{6}-\d{2}-\d{4}(?!\d)")
# a bank account number: eight digits or more (any script's digits, spaced or dashed) right
# after the word for an account in one of our languages, or an Iranian IBAN (Sheba); masked or
# short references ("account ending 7731") are left alone
_ACCOUNT = re.compile(
    r"(?i)(?:\baccount|\bacct|\ba/c|\bakaun|\brekening|\bno\.?\s?rek|\bnorek|حساب|شبا|\biban)"
    r"(?:\s?(?:no\.?|number|nombor|nomor|num|#|:|شماره(?:\u200c?ی)?))*[\s:#.-]{0,3}"
    r"((?:\d[ -]?){7,29}\d)(?![\d-])")
_SHEBA = re.compile(r"(?i)\bIR\s?(?:\d[ -]?){23}\d(?!\d)")
# identity numbers written after their name (any script's digits): an Indonesian NIK (16
# digits), an Iranian national code (10) and a US Social Security number (3-2-4)
_NIK = re.compile(
    r"(?i)(?:\bNIK|\bKTP|\bnomor induk kependudukan)(?:\s?(?:no\.?|nomor|number|:|#))*"
    r"[\s:#.-]{0,3}((?:\d[ .-]?){15}\d)(?![\d-])")
_MELLI = re.compile(
    r"(?i)(?:کد[\s\u200c]?ملی|شماره(?:[\s\u200c]?ی)?[\s\u200c]ملی|\bnational code)"
    r"(?:[\s\u200c]?(?:شما|:|#|no\.?|number))*[\s:#.-]{0,3}((?:\d[ -]?){9}\d)(?![\d-])")
_SSN = re.compile(
    r"(?i)(?:\bSSN|\bsocial security(?: number| no\.?)?)[\s:#.-]{0,3}(\d{3}[ -]?\d{2}[ -]?\d{4})(?![\d-])")


# a customer's street address: words that say the address is the customer's (their address,
# their home, a delivery to it) and, later in the same sentence, a street with its house number
# (en "14 Jacaranda Street"; id/ms "Jl. Melati No. 8", "No. 12, Jalan Ampang"; fa "خیابان گلبرگ،
# پلاک ۱۴"). A brand's own address ("our store at 548 Market St", "kirim ke gudang kami di …")
# has no such words, or has the brand's between them, and is left alone.
_ADDRESS_CUE = {
    "en": r"\b(?:your|ur)\s+(?:(?:home|delivery|shipping|billing|postal|mailing|registered|new|"
          r"old|current|correct)\s+)?(?:address|home|house|flat|apartment|place)\b"
          r"|\bdeliver(?:y|ed|ing)?\s+(?:\w+\s+){0,3}?(?:to|at)\b|\byou\s+live\s+at\b"
          r"|\b(?:your|ur)\s+(?:trip|ride|journey|pick-?up|drop-?off)\s+(?:\w+\s+){0,2}?(?:from|to|at)\b"
          r"|\b(?:dropped\s+off|left)\s+at\b",
    "id": r"\balamat\s+(?:yang\s+)?(?:(?:pengiriman|rumah|tinggal|penagihan|terdaftar|baru|lama)\s+)?"
          r"(?:Kakak|Kak|Anda|kamu|Bapak|Ibu|Bpk|Pak|Bu|Mas|Mbak|Agan|Gan|Sis)\b"
          r"|\balamat\s+(?:pengiriman|rumah|tinggal|penagihan|terdaftar)\b|\bberalamat\b"
          r"|\b(?:dikirim|dikirimkan|diantar|diantarkan|diantarin|dijemput)\s+(?:\w+\s+){0,3}?(?:ke|di)\b"
          r"|\b(?:perjalanan|titik jemput|lokasi jemput|penjemputan)\s+(?:Kakak|Kak|Anda|kamu|Bapak|Ibu)"
          r"\s+(?:\w+\s+){0,2}?(?:dari|ke|di)\b",
    "ms": r"\balamat\s+(?:yang\s+)?(?:(?:penghantaran|rumah|kediaman|berdaftar|baharu|lama)\s+)?"
          r"(?:tuan|puan|encik|cik|anda|awak|kamu|abang|akak|kak|bang)\b"
          r"|\balamat\s+(?:penghantaran|rumah|kediaman|berdaftar)\b|\bberalamat\b"
          r"|\b(?:dihantar|dihantarkan|hantar)\s+(?:\w+\s+){0,3}?(?:ke|di)\b"
          r"|\b(?:perjalanan|lokasi ambil|lokasi pengambilan)\s+(?:tuan|puan|encik|cik|anda|awak)"
          r"\s+(?:\w+\s+){0,2}?(?:dari|ke|di)\b",
    "fa": r"(?:آدرس|نشانی)[\s\u200c]*(?:(?:منزل|تحویل|پستی|ثبت[\s\u200c]?شده)(?:[\s\u200c]*(?:شما|تون))?"
          r"|شما|تون|ت)(?=[\s\u200c:،,]|$)|(?:ارسال|تحویل|فرستاده)[^.!?؟\n]{0,30}?به(?=\s)",
}
_ADDRESS_BODY = {
    "en": r"\b\d{1,5}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?,?\s+(?:[A-Z][\w'’-]*\.?\s+){1,3}"
          r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Close|Court|Ct|"
          r"Crescent|Cres|Place|Pl|Terrace|Tce|Grove|Gardens|Square|Sq|Parkway|Pkwy|Highway|Hwy|"
          r"Row|Walk|Mews)\b\.?"
          # a flat or unit and its building ("Flat 302, Sai Residency", "Apt 4B, Harbour View")
          r"|\b(?:Flat|Apt|Apartment|Unit|Suite)\.?\s*(?:No\.?\s*)?\d{1,5}[A-Za-z]?,?\s+"
          r"(?:[A-Z][\w'’-]*\s+){0,2}[A-Z][\w'’-]*",
    "id": r"\b(?:Jl|Jln|Jalan|Gg|Gang|Lorong|Lrg|Komplek|Kompleks|Komp|Perumahan|Perum|Taman|Tmn|"
          r"Persiaran|Lebuh|Blok)\.?\s+[^,.!?\n]{1,40}?\s(?:No|Nomor|Nombor)\.?\s?\d{1,5}[A-Za-z]?\b"
          r"|\b(?:No|Nomor|Nombor|Lot)\.?\s?\d{1,5}[A-Za-z]?,?\s+(?:Jl|Jln|Jalan|Lorong|Lrg|Taman|Tmn|"
          r"Persiaran|Lebuh)\b\.?(?:\s+[A-Z]\w*){1,3}",
    "fa": r"(?:خیابان|کوچه|بلوار|میدان|بزرگراه)[^.!?؟\n]{1,60}?پلاک[\s\u200c]*\d{1,5}",
}
_ADDRESS_BODY["ms"] = _ADDRESS_BODY["id"]
# the brand's own place between the cue and the street: "delivered to our store at …"
_ADDRESS_OURS = {
    "en": r"\b(?:our|us|we|store|shop|branch|office|warehouse|depot|hub|locker|counter)\b",
    "id": r"\b(?:kami|kita|toko|gerai|cabang|kantor|gudang|agen|loket)\b",
    "ms": r"\b(?:kami|kita|kedai|cawangan|pejabat|gudang|kaunter)\b",
    "fa": r"(?:^|[\s\u200c])(?:ما|فروشگاه|شعبه|دفتر|انبار)(?=[\s\u200c:،,.]|$)",
}
_ADDRESS = {lang: (re.compile(f"(?i:{_ADDRESS_CUE[lang]})"),
                   re.compile(_ADDRESS_BODY[lang]),
                   re.compile(f"(?i:{_ADDRESS_OURS[lang]})")) for lang in _ADDRESS_CUE}
# a sentence ends at . ! ? or a line break, but not at a street word's abbreviation ("Jl. Melati")
_ABBREVIATIONS = ("Jl", "Jln", "Gg", "Lrg", "Tmn", "Komp", "Perum", "No", "St", "Rd", "Ave", "Dr",
                  "Blvd", "Pl", "Sq", "Apt", "Ct", "Cres")
_SENTENCE_END = re.compile("".join(rf"(?<!\b{a})" for a in _ABBREVIATIONS)
                           + r"[.!?؟\n](?:\s|$)")


def _addresses(text: str, lang: str) -> list[tuple[int, int]]:
    """Spans of the streets with a house number that follow a cue in the same sentence, at most
    80 characters before them. Streets are rare, so they are found first and each looks back
    a bounded way: linear in the text."""
    if lang not in _ADDRESS or not _DIGIT.search(text):
        return []
    cue, body, ours = _ADDRESS[lang]
    return [street.span() for street in body.finditer(text)
            if any(not ours.search(text, found.start(), street.start())
                   for found in _said_before(cue, text, street.start(), 80))]


def _said_before(pattern: re.Pattern[str], text: str, at: int,
                 reach: int) -> Iterator[re.Match[str]]:
    """Matches of `pattern` in the `reach` characters before `at` that are in the same
    sentence as `at` (what the reply says a street or a number is)."""
    for found in pattern.finditer(text, max(0, at - reach), at):
        if not _SENTENCE_END.search(text, found.end(), at):
            yield found


# what each named identity number's pattern starts with, as plain substrings: a reply without
# any of them is not searched by those patterns at all (they are case-blind alternations, slow)
_ID_NAMES = ("nik", "ktp", "induk", "ملی", "national code", "ssn", "social security")


def _digits(text: str) -> str:
    """The digits of `text` as ASCII, whatever their script (۱۲۳ -> 123)."""
    return "".join(str(int(c)) for c in text if c.isdecimal())


def _placeholder_digits(digits: str) -> bool:
    """Digits no one is issued: one digit repeated, or counting up (a format shown as an
    example, "1234567890")."""
    return len(set(digits)) == 1 or digits in "01234567890123456789"


def card_shaped(digits: str) -> bool:
    """Whether ASCII `digits` start and run as some card network's numbers do: Visa 4 (13, 16
    or 19 digits), Mastercard 51-55 and 2221-2720 (16), American Express 34 and 37 (15),
    Diners 300-305, 36, 38, 39 (14-19), JCB 3528-3589 (16-19), RuPay 81-82 (16), and the
    5 and 6 ranges of Maestro, Discover, UnionPay, RuPay, Verve and Iran's Shetab cards (12-19).

    >>> [card_shaped(n) for n in ("4111111111111111", "490154203237518", "1234567812345670")]
    [True, False, False]
    """
    n, two, four = len(digits), int(digits[:2]), int(digits[:4])
    if digits[0] == "4":
        return n in (13, 16, 19)
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return n == 16
    if two in (34, 37):
        return n == 15
    if two in (36, 38, 39) or 300 <= int(digits[:3]) <= 305:
        return 14 <= n <= 19
    if 3528 <= four <= 3589:
        return 16 <= n <= 19
    if digits[0] in "56":
        return 12 <= n <= 19
    return two in (81, 82) and n == 16


def luhn(digits: str) -> bool:
    """Luhn checksum.

    >>> luhn("4111111111111111"), luhn("4111111111111112")
    (True, False)
    """
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


class PiiRule:
    uses_matcher = False

    def __init__(self, rule: Rule, lang: str) -> None:
        self.rule = rule
        self.kind = rule.params["pii"]
        self.lang = lang
        self.region = REGION.get(lang, "US")
        self.other_regions = OTHER_REGIONS.get(lang, ())

    def _spans(self, text: str) -> list[tuple[int, int]]:
        if self.kind == "email":
            return [m.span() for m in _EMAIL.finditer(text)]
        if self.kind == "national_id":
            if len(_DIGIT.findall(text)) < 9:
                return []  # the shortest, a Social Security number, has 9
            spans = [m.span() for m in _MYKAD.finditer(text)]
            lowered = text.lower()
            if not any(name in lowered for name in _ID_NAMES):
                return spans  # no number's name at all
            named = [m.span(1) for pattern in (_NIK, _MELLI, _SSN) for m in pattern.finditer(text)
                     if not _placeholder_digits(_digits(m.group(1)))]
            return sorted(spans + named)
        if self.kind == "card":
            if len(_DIGIT.findall(text)) < 13:
                return []  # a card number has 13-19 digits
            spans = []
            for m in _CARD.finditer(text):
                digits = _digits(m.group())
                if (13 <= len(digits) <= 19 and luhn(digits) and len(set(digits)) > 1
                        and card_shaped(digits)
                        and not _NOT_CARD_LABEL.search(text, max(0, m.start() - 40), m.start())):
                    spans.append(m.span())
            return spans
        if self.kind == "address":
            return _addresses(text, self.lang)
        if self.kind == "account":
            return ([m.span(1) for m in _ACCOUNT.finditer(text)]
                    + [m.span() for m in _SHEBA.finditer(text)])
        return self._phones(text)

    def _phones(self, text: str) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for run in _PHONE_LIKE.finditer(text):
            if sum(c.isdigit() for c in run.group()) >= 9:
                # a little context either side: the matcher checks what the number touches
                start, end = max(0, run.start() - 2), min(len(text), run.end() + 2)
                trunk = run.group().lstrip("+( ")[:1] == "0"
                out += [(start + s, start + e)
                        for s, e in self._phones_in(text[start:end], trunk)
                        if not self._our_line(text, start + s)]
        return out

    def _our_line(self, text: str, at: int) -> bool:
        """Whether the reply says, just before `at` and in the same sentence, that the number
        there is the brand's own line ("call our team on …")."""
        ours = _OUR_LINE_RE.get(self.lang)
        return ours is not None and next(_said_before(ours, text, at, 40), None) is not None

    def _phones_in(self, run: str, trunk: bool) -> list[tuple[int, int]]:
        """The personal phone numbers in one digit run, by the first region whose numbering
        plan reads it: the reply language's own, then (for a run written with a trunk '0')
        the other regions of the language."""
        import phonenumbers

        types = phonenumbers.PhoneNumberType
        # toll-free, shared-cost and premium lines are businesses' hotlines, not a customer's
        hotline = {types.TOLL_FREE, types.SHARED_COST, types.PREMIUM_RATE, types.UAN}
        regions = (self.region, *self.other_regions) if trunk else (self.region,)
        for region in regions:
            found = list(phonenumbers.PhoneNumberMatcher(run, region, max_tries=20,
                                                         leniency=phonenumbers.Leniency.VALID))
            if found:
                return [(m.start, m.end) for m in found
                        if phonenumbers.number_type(m.number) not in hotline]
        return []

    def run(self, draft: Draft, ctx: Context, severity: str) -> list[Finding]:
        out = []
        for s, e in self._spans(draft.clean.text):
            start, end = draft.clean.to_original(s, e)
            channel = ctx.channel or "this channel"
            message = fill(self.rule.message, match=draft.original[start:end], channel=channel)
            out.append(make_finding(self.rule, severity, draft, start, end, message))
        return out


def compile_rule(rule: Rule, lang: str) -> Any:
    return PiiRule(rule, lang)
