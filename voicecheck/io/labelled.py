"""Labelled replies for `voicecheck train` and `voicecheck eval`: CSV or JSON lines.

A row needs the reply text (column `reply` or `text`, or `--text-column`) and a label for the
head (column named like the head, or `label`); `lang` is optional. Labels of the built-in
heads are their scale's integers; a brand's own head takes two classes, written as 0/1,
true/false, yes/no, approved/rejected, send/block, good/bad. A whole number may be written as
a float (`1.0`, `4.0`: what pandas writes for a column with a missing value). A `lang` is
read case-blind and without its region (`ID`, `id-ID`, `en_US`); any other code is an error
naming file and line, found while reading, before any reply is processed.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

from voicecheck.guide.schema import LANGS
from voicecheck.model import VoicecheckError

BUILT_IN = {"formality": (1, 2, 3, 4, 5), "politeness": (1, 2, 3, 4, 5), "empathy": (0, 1, 2),
            "hostility": (0, 1)}
_BINARY = {"1": 1, "0": 0, "true": 1, "false": 0, "yes": 1, "no": 0, "approved": 1,
           "rejected": 0, "send": 1, "block": 0, "good": 1, "bad": 0, "pass": 1, "fail": 0}
MIN_ROWS = 30


@dataclass(frozen=True, slots=True)
class LabelledRow:
    text: str
    label: int
    lang: str | None
    line: int


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise VoicecheckError("no such file", path=str(path), code="E203") from None
    except OSError as exc:
        raise VoicecheckError(f"cannot read: {exc.strerror}", path=str(path), code="E203") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise VoicecheckError(f"not valid UTF-8 at byte {exc.start} (mixed encodings?); save "
                              "the file as UTF-8", path=str(path), line=line, code="E202") from None


def _records(path: Path, text: str) -> list[tuple[int, dict]]:
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        out = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise VoicecheckError(f"not a JSON object: {exc.msg}", path=str(path),
                                      line=number, code="E210") from None
            if not isinstance(record, dict):
                raise VoicecheckError("each line must be a JSON object", path=str(path),
                                      line=number, code="E210")
            out.append((number, record))
        return out
    if path.suffix.lower() in (".csv", ".tsv"):
        dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
        reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
        try:
            return [(reader.line_num, row) for row in reader]
        except csv.Error as exc:
            raise VoicecheckError(f"malformed CSV: {exc}", path=str(path), line=reader.line_num,
                                  code="E210") from None
    raise VoicecheckError("unknown format: use .csv, .tsv or .jsonl", path=str(path), code="E210")


def _whole(shown: str) -> int | None:
    """The integer a label spells, also written as a float ("4", "4.0", "1e0"); else None."""
    try:
        number = float(shown)
    except ValueError:
        return None
    if not math.isfinite(number) or number != int(number):
        return None
    return int(number)


def _label(value: object, head: str, path: Path, line: int) -> int:
    levels = BUILT_IN.get(head)
    shown = str(value).strip()
    if levels is None:
        label = _BINARY.get(shown.lower())
        if label is None and _whole(shown) in (0, 1):
            label = _whole(shown)
        if label is None:
            raise VoicecheckError(f"unknown label {shown!r} for head '{head}' (use 1/0, "
                                  "approved/rejected, send/block, good/bad)", path=str(path),
                                  line=line, code="E211")
        return label
    number = _whole(shown)
    if number is None or number not in levels:
        raise VoicecheckError(f"unknown label {shown!r} for head '{head}' (expected one of "
                              f"{', '.join(map(str, levels))})", path=str(path), line=line,
                              code="E211")
    return number


def _lang(value: object, path: Path, line: int) -> str | None:
    """A row's language: None when the cell is empty (identified later), else one of LANGS,
    read case-blind and without a region suffix ("ID", "id-ID", "en_US")."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    code = None
    if isinstance(value, str):
        code = value.strip().lower().replace("_", "-").split("-")[0]
    if code not in LANGS:
        raise VoicecheckError(f"unsupported language {str(value).strip()!r} (supported: "
                              f"{', '.join(LANGS)})", path=str(path), line=line, code="E103")
    return code


def read_labelled(path: str | Path, head: str, text_column: str | None = None,
                  label_column: str | None = None, lang: str | None = None
                  ) -> list[LabelledRow]:
    """Rows of a labelled file, with one-line errors naming file and line. `lang` (the
    command's --lang) is every row's language; the `lang` column is then not read."""
    path = Path(path)
    records = _records(path, _decode(path))
    if not records:
        raise VoicecheckError("no rows", path=str(path), code="E212")
    columns = list(records[0][1].keys())
    text_key = text_column or next((c for c in ("reply", "text") if c in columns), None)
    label_key = label_column or next((c for c in (head, "label") if c in columns), None)
    for wanted, found in (("text (reply/text or --text-column)", text_key),
                          (f"label ({head}/label or --label-column)", label_key)):
        if found is None or found not in columns:
            raise VoicecheckError(f"missing {wanted} column; columns are: {', '.join(columns)}",
                                  path=str(path), line=1, code="E212")
    rows = []
    for line, record in records:
        text = record.get(text_key)
        value = record.get(label_key)
        if value is None or value == "" or text is None or not str(text).strip():
            continue  # unlabelled rows are skipped
        rows.append(LabelledRow(str(text), _label(value, head, path, line),
                                lang or _lang(record.get("lang"), path, line), line))
    if len(rows) < MIN_ROWS:
        raise VoicecheckError(f"only {len(rows)} labelled rows; at least {MIN_ROWS} are needed "
                              "for a model and a held-out check that mean anything",
                              path=str(path), code="E212")
    if len({r.label for r in rows}) < 2:
        raise VoicecheckError(f"every row has the same label ({rows[0].label}); a head needs "
                              "examples of both sides", path=str(path), code="E212")
    return rows
