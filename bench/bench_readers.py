"""Speed of the library readers (`voicecheck.io.readers.read_library`), without checking.

Generates libraries of N replies (default 20,000; ~60-word bodies with a placeholder, some
escapes and HTML) in a temporary folder and reads each one, best of 3:

* replies per second for json, csv, yaml, md, zendesk (HTML bodies) and front
* the same, then mapping one offset per reply back to (line, column), as a lint with one
  finding per reply would
* --big: one ~200 MB Zendesk export (time, replies/s, peak memory), to show reading is linear

    python bench/bench_readers.py [--replies N] [--big]

Target (docs/design.md): reading must not be the bottleneck of a >= 3,000 replies/s lint;
>= 30,000 replies/s for json and csv.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine
from voicecheck.io.readers import read_library

BODY = ("Hi {{ticket.requester.first_name}},\n\nI'm sorry your order #{n} is running late. "
        "Your rider was held up by roadworks and is now about {m} minutes away. You can follow "
        "the rider live from the order page in the app, and the delivery fee for this order "
        "has been refunded to your card. \"Thanks\" for bearing with us.\n\nBest regards,\n"
        "{{current_user.first_name}}")


def body(n: int) -> str:
    return BODY.replace("{n}", str(n)).replace("{m}", str(5 + n % 20))


def html_body(n: int) -> str:
    paragraphs = body(n).split("\n\n")
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs).replace(
        "I'm", "I&#39;m")


def write_all(folder: Path, n: int) -> dict[str, Path]:
    items = [{"id": f"r{k}", "title": f"Late order {k}", "lang": "en", "body": body(k)}
             for k in range(n)]
    paths = {}
    paths["json"] = folder / "replies.json"
    paths["json"].write_text(json.dumps({"replies": items}, indent=2), encoding="utf-8")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["id", "title", "lang", "body"])
    writer.writerows([i["id"], i["title"], i["lang"], i["body"]] for i in items)
    paths["csv"] = folder / "replies.csv"
    paths["csv"].write_text(buf.getvalue(), encoding="utf-8")
    paths["yaml"] = folder / "replies.yaml"
    paths["yaml"].write_text("".join(
        f"- id: {i['id']}\n  title: {i['title']}\n  lang: en\n  body: |\n"
        + "".join(f"    {line}\n" if line else "\n" for line in i["body"].split("\n"))
        for i in items), encoding="utf-8")
    paths["md"] = folder / "replies.md"
    paths["md"].write_text("".join(f"## {i['title']}\n\n{i['body']}\n\n" for i in items),
                           encoding="utf-8")
    paths["zendesk"] = folder / "macros.json"
    paths["zendesk"].write_text(json.dumps({"macros": [zendesk_macro(k) for k in range(n)]}),
                                encoding="utf-8")
    paths["front"] = folder / "templates.json"
    paths["front"].write_text(json.dumps({"_results": [
        {"id": f"rsp_{k}", "name": f"Late {k}", "subject": "Your order", "body": html_body(k),
         "attachments": []} for k in range(n)]}), encoding="utf-8")
    return paths


def zendesk_macro(k: int) -> dict[str, object]:
    return {"id": 360000000000 + k, "title": f"Delivery::Late {k}", "active": True,
            "actions": [{"field": "status", "value": "pending"},
                        {"field": "comment_value_html", "value": html_body(k)}],
            "restriction": None, "description": None}


def best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def locate_all(path: Path) -> int:
    lib = read_library(path)
    for reply in lib.replies:
        i = reply.text.find("roadworks")
        lib.position(reply.source_offset(max(i, 0)))
    return len(lib.replies)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=int, default=20_000)
    parser.add_argument("--big", action="store_true", help="also read a ~200 MB Zendesk export")
    args = parser.parse_args()
    print(f"# bench_readers — {time.strftime('%Y-%m-%d')} — {machine()} — "
          f"{args.replies:,} replies per file")
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_all(Path(tmp), args.replies)
        print("| format | MB | read: replies/s | read + locate one offset per reply: replies/s |")
        print("|---|---|---|---|")
        for fmt, path in paths.items():
            count = len(read_library(path).replies)
            assert count == args.replies, (fmt, count)
            read = best_of(lambda path=path: read_library(path))
            located = best_of(lambda path=path: locate_all(path))
            size = path.stat().st_size / 1e6
            print(f"| {fmt} | {size:.1f} | {count / read:,.0f} | {count / located:,.0f} |")
        if args.big:
            big = Path(tmp) / "big.json"
            per = len(json.dumps(zendesk_macro(0)))
            n = 200_000_000 // per
            with open(big, "w", encoding="utf-8") as fh:
                fh.write('{"macros": [')
                for k in range(n):
                    fh.write(("," if k else "") + json.dumps(zendesk_macro(k)))
                fh.write("]}")
            started = time.perf_counter()
            count = len(read_library(big).replies)
            took = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"\n{big.stat().st_size / 1e6:.0f} MB Zendesk export: {count:,} replies in "
                  f"{took:.1f} s ({count / took:,.0f} replies/s), peak RSS {peak:,.0f} MB")


if __name__ == "__main__":
    main()
