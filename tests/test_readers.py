"""Readers of canned-reply libraries: every example file, every format's shape, positions
mapped back to the file, suppressions, and clear errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voicecheck.io.readers import (
    FORMATS,
    Fields,
    SourceFile,
    detect_format,
    normalise_lang,
    read_library,
)
from voicecheck.model import VoicecheckError

LIBRARY = Path(__file__).resolve().parents[1] / "examples" / "library"
EXPECTED = {  # file -> (format, number of replies)
    "txt/en-password-reset.txt": ("txt", 1),
    "txt/id-pesanan-dibatalkan.txt": ("txt", 1),
    "txt/fa-refund.txt": ("txt", 1),
    "replies.md": ("md", 5),
    "balasan-id.md": ("md", 5),
    "balasan-ms.yaml": ("yaml", 6),
    "replies.json": ("json", 6),
    "macros.csv": ("csv", 6),
    "helpdesk/zendesk-macros.json": ("zendesk", 4),
    "helpdesk/freshdesk-canned-responses.json": ("freshdesk", 4),
    "helpdesk/helpscout-saved-replies.json": ("helpscout", 6),
    "helpdesk/front-message-templates.json": ("front", 4),
}
HTML_FORMATS = ("zendesk", "freshdesk", "helpscout", "front")


def test_the_example_library_is_all_listed():
    files = {p.relative_to(LIBRARY).as_posix() for p in LIBRARY.rglob("*") if p.is_file()
             and p.name != ".voicecheck.yaml"}
    assert files == set(EXPECTED)
    assert {fmt for fmt, _ in EXPECTED.values()} == set(FORMATS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_example_file_reads(name):
    fmt, count = EXPECTED[name]
    path = LIBRARY / name
    assert detect_format(path) == fmt
    lib = read_library(path)
    assert lib.format == fmt
    assert len(lib.replies) == count
    ids = [r.reply_id for r in lib.replies]
    assert len(set(ids)) == len(ids)
    for reply in lib.replies:
        assert reply.path == str(path)
        assert reply.text == reply.text.strip() and reply.text
        _assert_maps_back(lib, reply, html=fmt in HTML_FORMATS)


def _assert_maps_back(lib: SourceFile, reply, html: bool) -> None:
    """Every offset lands in the file, in order; a character maps to itself, or (decoded from
    an escape, an entity or a tag) to the backslash, '&' or '<' that wrote it."""
    offsets = [reply.source_offset(i) for i in range(len(reply.text) + 1)]
    assert all(0 <= o <= len(lib.text) for o in offsets)
    assert offsets == sorted(offsets)
    for ch, o in zip(reply.text, offsets):
        if ch.isspace():
            continue
        got = lib.text[o]
        assert got == ch or got == "\\" or (html and got in "&<"), (reply.reply_id, ch, got)


def test_languages_are_normalised():
    langs = {r.reply_id: r.lang for r in read_library(LIBRARY / "balasan-ms.yaml").replies}
    assert set(langs.values()) == {"ms"}  # "ms-MY" and "ms"
    fa = read_library(LIBRARY / "replies.json").replies[0]
    assert fa.lang == "fa"  # "fa-IR"
    assert {r.lang for r in read_library(LIBRARY / "balasan-id.md").replies} == {"id"}
    assert normalise_lang("Bahasa Indonesia") == "id" and normalise_lang(None) is None


def test_markdown_sections_titles_and_suppressions():
    lib = read_library(LIBRARY / "replies.md")
    titles = [r.title for r in lib.replies]
    assert titles[0] == "Order running late"
    assert [r.reply_id for r in lib.replies][:2] == ["order-running-late", "wrong-drink-delivered"]
    deposit = next(r for r in lib.replies if r.title == "Deposit for a catering order")
    (supp,) = deposit.suppressions
    assert supp.codes == ("VC101",) and supp.target_line is None
    assert lib.text.splitlines()[supp.line - 1].startswith("<!-- voicecheck: disable=VC101")
    assert "voicecheck" not in deposit.text  # comments are not checked text
    start = deposit.text.index("guaranteed")
    line, col = lib.position(deposit.source_offset(start))
    assert lib.text.splitlines()[line - 1][col - 1:].startswith("guaranteed")


def test_yaml_item_comments_and_block_scalars():
    lib = read_library(LIBRARY / "balasan-ms.yaml")
    reply = next(r for r in lib.replies if r.reply_id == "tukar-alamat")
    (supp,) = reply.suppressions
    assert supp.codes == ("VC110",) and supp.text == "# voicecheck: disable=VC110"
    assert lib.text.splitlines()[supp.line - 1].strip() == supp.text
    folded = next(r for r in lib.replies if r.reply_id == "langganan-dibatalkan")
    assert "\n" not in folded.text  # ">" folds lines
    i = folded.text.index("dan anda")
    line, col = lib.position(folded.source_offset(i))
    assert lib.text.splitlines()[line - 1][col - 1:].startswith("dan anda")


def test_csv_bom_crlf_and_multiline_cells():
    lib = read_library(LIBRARY / "macros.csv")
    assert not lib.text.startswith("\ufeff")
    missing = next(r for r in lib.replies if r.reply_id == "en-missing-item")
    assert missing.channel == "email" and missing.title == "Missing item"
    i = missing.text.index("I'm sorry")
    assert lib.position(missing.source_offset(i)) == (7, 1)  # second line of a quoted cell


def test_helpdesk_shapes():
    zendesk = read_library(LIBRARY / "helpdesk/zendesk-macros.json")
    assert [r.reply_id for r in zendesk.replies][0] == "360041200011"
    assert zendesk.replies[0].title == "Delivery::Order running late"
    assert zendesk.replies[0].text.startswith("Hi {{ticket.requester.first_name}},\nI'm sorry")
    assert "<" not in zendesk.replies[0].text
    plain = next(r for r in zendesk.replies if r.reply_id == "360041200013")
    assert "\n\nFrom" not in plain.text and "account to the new one" in plain.text
    freshdesk = read_library(LIBRARY / "helpdesk/freshdesk-canned-responses.json")
    assert "I\u2019ve refunded" in freshdesk.replies[2].text  # &rsquo; decoded
    helpscout = read_library(LIBRARY / "helpdesk/helpscout-saved-replies.json")
    assert [r.reply_id for r in helpscout.replies][:2] == ["123456", "123456/chat"]
    assert helpscout.replies[0].text.startswith("Hi %customer.firstName%,\n\nThanks")
    front = read_library(LIBRARY / "helpdesk/front-message-templates.json")
    assert front.replies[0].reply_id == "rsp_3h2k9"
    assert front.replies[0].title == "Order delayed by weather"


# --- each format, small inputs -------------------------------------------------------------

def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def test_txt_is_one_reply_with_comment_suppressions(tmp_path):
    path = _write(tmp_path, "late.txt", "Hi,\r\n<!-- voicecheck: disable-next-line=VC110 -->\r\n"
                                        "We apologize for any inconvenience.\r\nBye\r\n")
    lib = read_library(path)
    (reply,) = lib.replies
    assert reply.reply_id == "late" and reply.title is None
    (supp,) = reply.suppressions
    assert supp.line == 2 and supp.target_line == 3 and supp.codes == ("VC110",)
    a, b = supp.target
    assert reply.text[a:b].rstrip("\r") == "We apologize for any inconvenience."
    assert lib.position(reply.source_offset(reply.text.index("Bye"))) == (4, 1)


def test_markdown_headings_setext_fences_and_duplicates(tmp_path):
    text = ("Intro, not a reply.\n\nLate order\n==========\nSorry it is late.\n\n"
            "```\n# not a heading\n```\n\n## Late order\nSecond one.\n\n### Empty\n\n"
            "## Refund <!-- x -->\n<!-- voicecheck: disable -->\nDone.\n")
    lib = read_library(_write(tmp_path, "r.md", text))
    assert [r.reply_id for r in lib.replies] == ["late-order", "late-order-2", "refund-x"]
    assert "# not a heading" in lib.replies[0].text
    assert lib.replies[2].suppressions[0].codes == ()


def test_markdown_with_windows_line_ends(tmp_path):
    text = ("---\r\nlang: fa\r\n---\r\nتأخیر\r\n=====\r\nمتأسفیم که سفارش‌تان دیر رسید.\r\n\r\n"
            "## بازپرداخت ##\r\n<!-- voicecheck: disable-next-line=VC110 -->\r\nمبلغ برگشت داده شد.\r\n")
    lib = read_library(_write(tmp_path, "fa.md", text))
    first, second = lib.replies
    assert (first.title, first.lang, first.text) == ("تأخیر", "fa", "متأسفیم که سفارش‌تان دیر رسید.")
    assert second.title == "بازپرداخت" and second.reply_id == "بازپرداخت"
    assert second.suppressions[0].target_line == 10
    assert lib.position(second.source_offset(second.text.index("مبلغ"))) == (10, 1)


def test_markdown_without_headings_is_one_reply(tmp_path):
    lib = read_library(_write(tmp_path, "single.md", "---\nlang: ms\n---\nTerima kasih.\n"))
    (reply,) = lib.replies
    assert (reply.reply_id, reply.lang, reply.text) == ("single", "ms", "Terima kasih.")


def test_json_positions_are_exact_through_escapes(tmp_path):
    body = "Caf\u00e9 \U0001F600\n\"quoted\"\ttab \\ done"
    src = json.dumps([{"id": 1, "body": body}], ensure_ascii=True)
    lib = read_library(_write(tmp_path, "r.json", src))
    (reply,) = lib.replies
    assert reply.text == body
    for word in ("quoted", "tab", "done"):
        i = body.index(word)
        assert lib.text[reply.source_offset(i):].startswith(word)
    assert lib.text[reply.source_offset(3):].startswith("\\u00e9")
    assert lib.text[reply.source_offset(5):].startswith("\\ud83d\\ude00")


def test_json_fields_dotted_paths_and_ignore_field(tmp_path):
    src = json.dumps({"data": [{"key": "k1", "attributes": {"reply_body": "Hello.", "locale":
                      "en_GB"}, "voicecheck_ignore": ["VC119", "VC301"]}]}, indent=2)
    fields = Fields(body="attributes.reply_body", lang="attributes.locale")
    lib = read_library(_write(tmp_path, "r.json", src), fields=fields)
    (reply,) = lib.replies
    assert (reply.reply_id, reply.text, reply.lang) == ("k1", "Hello.", "en")
    (supp,) = reply.suppressions
    assert supp.codes == ("VC119", "VC301")
    assert lib.text.splitlines()[supp.line - 1].strip().startswith('"voicecheck_ignore"')


def test_json_ids_from_titles_or_position(tmp_path):
    src = json.dumps([{"title": "Late order", "text": "a"}, {"text": "b"}, {"title": "Late order",
                                                                          "text": "c"}])
    ids = [r.reply_id for r in read_library(_write(tmp_path, "r.json", src)).replies]
    assert ids == ["late-order", "#2", "late-order-2"]


def test_yaml_mapping_with_one_list_and_custom_fields(tmp_path):
    src = ("meta: {owner: support}\nmacros:\n  - slug: a\n    answer: 'It''s here.'\n"
           "  - slug: b\n    answer: \"Line one\\nline two\"\n")
    lib = read_library(_write(tmp_path, "r.yml", src), fields=Fields(body="answer"))
    assert [(r.reply_id, r.text) for r in lib.replies] == [("a", "It's here."),
                                                           ("b", "Line one\nline two")]
    b = lib.replies[1]
    assert lib.text[b.source_offset(b.text.index("line two")):].startswith("line two")


def test_yaml_numbers_booleans_and_nulls(tmp_path):
    src = "- id: 7\n  active: true\n  channel: null\n  body: Thanks.\n- id: 8\n  body: ~\n"
    (reply,) = read_library(_write(tmp_path, "r.yaml", src)).replies
    assert (reply.reply_id, reply.channel, reply.text) == ("7", None, "Thanks.")


def test_yaml_disable_next_line_inside_the_item(tmp_path):
    src = ("- id: a\n  body: |\n    Hello.\n    Sorry for any inconvenience.\n"
           "  # voicecheck: disable-next-line=robotic-apology\n  title: t\n")
    (reply,) = read_library(_write(tmp_path, "r.yaml", src)).replies
    (supp,) = reply.suppressions
    assert (supp.codes, supp.line, supp.target_line) == (("robotic-apology",), 5, 6)


def test_csv_semicolons_tabs_and_columns(tmp_path):
    semi = read_library(_write(tmp_path, "r.csv", "key;reply;language\nx;\"Hi; there\";EN\n"))
    assert [(r.reply_id, r.text, r.lang) for r in semi.replies] == [("x", "Hi; there", "en")]
    tsv = read_library(_write(tmp_path, "r.tsv", "Name\tAnswer\nn1\tHello, you.\n"),
                       fields=Fields(id="Name", body="Answer"))
    assert [(r.reply_id, r.text) for r in tsv.replies] == [("n1", "Hello, you.")]


def test_csv_header_case_and_empty_files(tmp_path):
    lib = read_library(_write(tmp_path, "r.csv", "ID,Title,Body\n7,Late,Sorry it is late.\n"))
    assert [(r.reply_id, r.title, r.text) for r in lib.replies] == [("7", "Late",
                                                                     "Sorry it is late.")]
    for name in ("empty.yaml", "empty.csv", "empty.txt", "empty.md"):
        assert read_library(_write(tmp_path, name, "")).replies == []
    assert read_library(_write(tmp_path, "empty.json", "[]")).replies == []


def test_yaml_comment_on_the_items_first_line(tmp_path):
    src = "- id: a\n  body: Hi.\n- id: b  # voicecheck: disable=VC110,VC119\n  body: Yo.\n"
    a, b = read_library(_write(tmp_path, "r.yaml", src)).replies
    assert a.suppressions == []
    assert [(s.codes, s.line) for s in b.suppressions] == [(("VC110", "VC119"), 3)]


def test_utf16_with_bom_is_read(tmp_path):
    path = _write(tmp_path, "r.csv", "id,body\r\n1,Terima kasih\r\n".encode("utf-16"))
    assert read_library(path).replies[0].text == "Terima kasih"


@pytest.mark.parametrize("name, content, code, line", [
    ("bad.json", '[{"id": 1,\n "body": "x",\n}]', "E231", 3),
    ("bad.json", '[{"id": 1, "body": "unterminated}]', "E231", 1),
    ("deep.json", "[" * 500 + "]" * 500, "E231", 1),
    ("shape.json", '{"a": 1}', "E234", 1),
    ("nobody.json", '[{"id": 1, "note": "x"}]', "E234", 1),
    ("bad.yaml", "- id: a\n  body: [unclosed\n", "E232", None),
    ("tag.yaml", "- !!python/object:os.system {body: x}\n", "E232", 1),
    ("bomb.yaml", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                  "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c]\n"
                  "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e]\n",
     "E236", None),
    ("bad.csv", 'id,body\n1,"never closed\n', "E233", 2),
    ("wide.csv", "id,body\n1,Hello, there\n", "E233", 2),
    ("supp.md", "# A\n<!-- voicecheck: disable VC101 -->\nHi.\n", "E237", 2),
    ("ignore.json", '[{"body": "x", "voicecheck_ignore": "VC 101"}]', "E237", 1),
    ("latin1.txt", "Caf\u00e9".encode("latin-1"), "E202", 1),
    ("r.docx", "x", "E238", None),
])
def test_bad_input_is_one_clear_error(tmp_path, name, content, code, line):
    path = _write(tmp_path, name, content)
    with pytest.raises(VoicecheckError) as info:
        read_library(path)
    assert info.value.code == code, str(info.value)
    assert info.value.path == str(path)
    if line is not None:
        assert info.value.line == line, str(info.value)


def test_missing_file_directory_and_unknown_format(tmp_path):
    for path, code in ((tmp_path / "none.json", "E230"), (tmp_path, "E230")):
        with pytest.raises(VoicecheckError) as info:
            read_library(path, fmt="json")
        assert info.value.code == code
    with pytest.raises(VoicecheckError) as info:
        read_library(_write(tmp_path, "r.json", "[]"), fmt="excel")
    assert info.value.code == "E238"


def test_zendesk_value_lists_and_macros_without_a_comment(tmp_path):
    src = json.dumps({"macro": {"id": 9, "title": "T", "actions": [
        {"field": "status", "value": "solved"},
        {"field": "comment_value", "value": ["channel:all", "Thanks, all sorted."]}]}})
    lib = read_library(_write(tmp_path, "m.json", src))
    assert lib.format == "zendesk"
    assert [(r.reply_id, r.text) for r in lib.replies] == [("9", "Thanks, all sorted.")]


def test_html_comment_suppression_in_a_helpdesk_body(tmp_path):
    body = ("<p>Hi,</p><!-- voicecheck: disable-next-line=VC110 --><p>Sorry for any "
            "inconvenience.</p><p>Bye</p><!-- voicecheck: disable=VC119 -->")
    src = json.dumps({"_results": [{"id": "rsp_1", "name": "n", "body": body}]})
    (reply,) = read_library(_write(tmp_path, "front.json", src)).replies
    nxt, whole = reply.suppressions
    assert reply.text[nxt.target[0]:nxt.target[1]] == "Sorry for any inconvenience."
    assert whole.codes == ("VC119",) and whole.target is None
    assert nxt.text == "<!-- voicecheck: disable-next-line=VC110 -->"


def test_detect_format_by_content():
    assert detect_format("x.json", '{"canned_responses": []}') == "freshdesk"
    assert detect_format("x.json", '{"_results": [{"id": "rsp_1"}]}') == "front"
    assert detect_format("x.json", '[{"id": 1, "name": "n", "preview": "p"}]') == "helpscout"
    assert detect_format("x.json", '[{"id": 1, "body": "b"}]') == "json"
    assert detect_format("X.MD") == "md"


def test_a_lone_surrogate_in_an_id_title_or_channel_is_shown_as_a_replacement(tmp_path):
    """JSON's "\\ud800" (and YAML's) in an id or title made every output format, the cache
    and -o crash with UnicodeEncodeError, leaving temporary files behind."""
    from tests.conftest import run_cli

    lib = tmp_path / "lib.json"
    lib.write_text('[{"id": "a\\ud800b", "title": "T\\udfff", "channel": "c\\ud800",'
                   ' "text": "We apologize for any inconvenience."}]', encoding="utf-8")
    reply, = read_library(lib).replies
    assert (reply.reply_id, reply.title, reply.channel) == ("a\ufffdb", "T\ufffd", "c\ufffd")
    lib.write_text('[{"id": "a\\ud800b", "title": "T\\udfff",'
                   ' "text": "We apologize for any inconvenience."}]', encoding="utf-8")
    out = tmp_path / "out.json"
    done = run_cli("lint", str(lib), "--lang", "en", "--format", "json", "-o", str(out))
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))[0]["reply_id"] == "a\ufffdb"
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
