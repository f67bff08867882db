"""Offsets from checked text back to the file, for any unicode input (hypothesis)."""

from __future__ import annotations

import csv
import io
import json

import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from voicecheck.io.formats.csvpos import read_rows
from voicecheck.io.formats.jsonpos import parse_json, string_map
from voicecheck.io.formats.yamlpos import YamlDoc
from voicecheck.io.html_text import html_to_text, strip_comments

HTML_BITS = st.sampled_from(["<p>", "</p>", "<br>", "<br />", "<div class='x'>", "</div>",
                             "<b>", "</b>", "&amp;", "&nbsp;", "&#233;", "&#x1F600;", "&bogus;",
                             "<!-- voicecheck: disable -->", "<!-- note", "<script>x<y</script>",
                             "<style>p{}</style>", "  ", "\n", "\r\n", "<", ">", "&", "<li>"])
HTML = st.lists(st.one_of(st.text(max_size=8), HTML_BITS), max_size=25).map("".join)


def _check_map(src: str, text: str, source, a: int, b: int, decoded: str = "") -> None:
    offsets = [source(i) for i in range(len(text) + 1)]
    assert all(a <= o <= b for o in offsets)
    assert all(o < b for o in offsets[:-1]) or not text
    assert offsets == sorted(offsets)
    for ch, o in zip(text, offsets):
        if not ch.isspace():
            assert src[o] == ch or src[o] in decoded, (ch, src[o])


@given(HTML, st.integers(0, 3))
@settings(max_examples=300, deadline=None)
def test_html_text_maps_every_character_inside_the_source(html, pad):
    src = "x" * pad + html + "y" * pad
    mapped = html_to_text(src, pad, pad + len(html))
    _check_map(src, mapped.text, mapped.source, pad, pad + len(html), decoded="&<")
    for c in mapped.comments:
        assert src[c.start:c.start + 4] == "<!--" and pad <= c.start < c.end <= pad + len(html)


@given(HTML)
@settings(max_examples=200, deadline=None)
def test_stripping_comments_keeps_every_other_character(html):
    mapped = strip_comments(html)
    _check_map(html, mapped.text, mapped.source, 0, len(html))
    assert "<!--" not in mapped.text


@given(st.text(), st.booleans())
@settings(max_examples=300, deadline=None)
def test_json_strings_map_through_every_escape(value, ascii_only):
    src = '{"body": ' + json.dumps(value, ensure_ascii=ascii_only) + "}"
    doc = parse_json(src, "x.json")
    assert doc["body"] == value
    quote = doc.starts["body"]
    m = string_map(src, quote, len(value))
    _check_map(src, value, m.source, quote + 1, len(src) - 2, decoded="\\")


@given(st.lists(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)),
                                 max_size=12), min_size=2, max_size=2), min_size=1, max_size=6),
       st.sampled_from([",", ";", "\t"]), st.sampled_from(["\n", "\r\n"]))
@settings(max_examples=200, deadline=None)
def test_csv_cells_read_back_and_map_to_their_characters(rows, delimiter, newline):
    # Python's writer leaves a lone "\r" unquoted when the line ends are "\n"
    assume(newline == "\r\n" or not any("\r" in cell for row in rows for cell in row))
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline,
               quoting=csv.QUOTE_MINIMAL).writerows([["a", "b"], *rows])
    src = buf.getvalue()
    got = read_rows(src, "x.csv", delimiter)
    expected = [["a", "b"], *rows]  # only blank lines are skipped
    assert [[c.value for c in r] for r in got] == expected
    for row in got:
        for cell in row:
            _check_map(src, cell.value, cell.map(src).source, cell.start, cell.end)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1),
       st.sampled_from(['"', "'", "|", ">", None]), st.sampled_from(["\n", "\r\n"]))
@settings(max_examples=300, deadline=None)
def test_yaml_scalars_map_to_their_source(value, style, newline):
    src = yaml.safe_dump({"body": value}, default_style=style, allow_unicode=True, width=20)
    src = src.replace("\n", newline)
    doc = YamlDoc(src, "x.yaml")
    node = doc.data.nodes["body"]
    loaded = doc.data["body"]
    a, b = node.start_mark.index, node.end_mark.index
    _check_map(src, loaded, doc.scalar_map(node, loaded).source, a, b, decoded="\\'\"")
