"""Load test of `voicecheck serve` on loopback: throughput, latency, shedding, memory.

Starts the server (a subprocess, the real uvicorn stack), then drives it from a separate
load-generator process over raw HTTP/1.1 keep-alive connections (asyncio, uvloop when
installed), with ~60-word replies (45-75 words, authored replies, four languages mixed):

1. closed loop: `--connections` connections send back to back for `--seconds`:
   requests/s, p50 / p99 latency (the sustainable load), and the server's CPU time per
   request (steady even on a busy machine);
2. open loop at `--overload` x that rate (default 2x) for `--seconds`: requests are sent on
   schedule whether or not earlier ones came back; share answered 200 / 429 / 503 / other,
   and p50 / p99 of the accepted ones measured from their scheduled time (no coordinated
   omission);
3. memory: server RSS (all its processes) before and after `--requests` more requests.

The load generator reports its own CPU use per request, so a saturated client shows up.
Every phase is bounded in time and count; only 127.0.0.1 is contacted.

    python bench/bench_serve.py [--workers 2] [--seconds 10] [--requests 100000]
                                [--connections 32] [--inline-below 4000] [--threads 2]
                                [--max-in-flight 64] [--queue-timeout 0.03]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import LANGS, machine, replies  # noqa: E402

HOST = "127.0.0.1"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def bodies() -> list[bytes]:
    texts = []
    for lang in LANGS:
        texts += [(t, lang) for t in (replies(lang, 45, 75) or [])[:50]]
    if not texts:  # no checkout data: a fixed 60-word English reply
        texts = [("Hi Sam, thanks for your patience. We apologize for any inconvenience. Your "
                  "order left our warehouse on Monday and should arrive by Friday. As per our "
                  "policy, refunds take five to seven business days once the parcel is back "
                  "with us. If anything else comes up, just reply to this message and I will "
                  "sort it out for you.", "en")]
    return [json.dumps({"text": t, "lang": lang}).encode() for t, lang in texts]


def request_bytes(body: bytes) -> bytes:
    return (b"POST /v1/check HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body))


async def _roundtrip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     payload: bytes) -> int:
    writer.write(payload)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    if b"connection: close" in head.lower():
        raise ConnectionResetError("server closed the connection")
    return status


async def _connect() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection(HOST, _PORT)


_PORT = 0


async def _send(reader: Any, writer: Any, payload: bytes) -> tuple[int, Any, Any]:
    """One request; on a dropped connection, status -1 and a fresh connection."""
    try:
        return await _roundtrip(reader, writer, payload), reader, writer
    except (ConnectionError, asyncio.IncompleteReadError):
        writer.close()
        reader, writer = await _connect()
        return -1, reader, writer


async def closed_loop(payloads: list[bytes], connections: int, seconds: float,
                      max_requests: int) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    stop = time.perf_counter() + seconds
    sent = 0

    async def one(index: int) -> None:
        nonlocal sent
        reader, writer = await _connect()
        i = index
        while time.perf_counter() < stop and sent < max_requests:
            sent += 1
            t0 = time.perf_counter()
            status, reader, writer = await _send(reader, writer, payloads[i % len(payloads)])
            if status == 200:
                latencies.append(time.perf_counter() - t0)
            statuses[status] = statuses.get(status, 0) + 1
            i += connections
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(connections)))
    elapsed = time.perf_counter() - started
    return {"elapsed": elapsed, "latencies": latencies, "statuses": statuses}


async def open_loop(payloads: list[bytes], rate: float, seconds: float, pool: int) -> dict:
    """Send at `rate` per second on schedule; latency counts from the scheduled time."""
    accepted: list[float] = []
    statuses: dict[int, int] = {}
    idle: asyncio.Queue = asyncio.Queue()
    for _ in range(pool):
        idle.put_nowait(await _connect())
    total = int(rate * seconds)
    started = time.perf_counter()
    tasks = []

    late = 0

    async def fire(i: int, due: float) -> None:
        nonlocal late
        reader, writer = await idle.get()
        if time.perf_counter() - due > 0.010:
            late += 1  # every connection was still waiting for an answer
        status, reader, writer = await _send(reader, writer, payloads[i % len(payloads)])
        if status == 200:
            accepted.append(time.perf_counter() - due)
        statuses[status] = statuses.get(status, 0) + 1
        idle.put_nowait((reader, writer))

    for i in range(total):
        due = started + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(fire(i, due)))
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=seconds + 30)
    elapsed = time.perf_counter() - started
    while not idle.empty():
        idle.get_nowait()[1].close()
    return {"elapsed": elapsed, "latencies": accepted, "statuses": statuses,
            "late": late / max(1, total)}


def _client(kind: str, port: int, args: dict, out: mp.Queue) -> None:
    """The load generator, in its own process."""
    global _PORT
    _PORT = port
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        pass
    payloads = [request_bytes(b) for b in bodies()]
    before = resource.getrusage(resource.RUSAGE_SELF)
    if kind == "closed":
        result = asyncio.run(closed_loop(payloads, args["connections"], args["seconds"],
                                         args["max_requests"]))
    else:
        result = asyncio.run(open_loop(payloads, args["rate"], args["seconds"], args["pool"]))
    after = resource.getrusage(resource.RUSAGE_SELF)
    result["client_cpu"] = (after.ru_utime + after.ru_stime) - (before.ru_utime +
                                                                before.ru_stime)
    out.put(result)


def drive(kind: str, port: int, **args) -> dict:
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_client, args=(kind, port, args, out))
    proc.start()
    result = out.get(timeout=args.get("seconds", 10) + 120)
    proc.join(30)
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the server and its worker processes: on a
    busy machine, CPU per request is steadier than wall-clock throughput."""
    pids = [pid] + _children(pid)
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                             text=True, check=False).stdout
    except OSError:
        return []
    return [int(p) for p in out.split()]


def server_rss(pid: int) -> float:
    """Resident MB of the server and its child processes (workers)."""
    pids = [pid] + _children(pid)
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def start_server(port: int, opts: argparse.Namespace) -> subprocess.Popen:
    limits = {"inline_below": opts.inline_below, "threads": opts.threads,
              "max_in_flight": opts.max_in_flight, "queue_timeout": opts.queue_timeout}
    code = ("from voicecheck.server.run import serve; from voicecheck.server import Limits; "
            f"serve('{HOST}', {port}, None, {opts.workers}, limits=Limits(**{limits!r}), "
            "log_level='warning')")
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise SystemExit("server did not start")
    return proc


def summary(name: str, result: dict) -> str:
    n = sum(result["statuses"].values())
    lat = result["latencies"]
    rate = n / result["elapsed"] if result["elapsed"] else 0
    parts = [f"{name}: {n:,} requests in {result['elapsed']:.1f} s = {rate:,.0f}/s",
             f"p50 {percentile(lat, 50) * 1000:.1f} ms, p99 {percentile(lat, 99) * 1000:.1f} ms"
             " (accepted)",
             "status " + ", ".join(f"{k}: {v:,} ({v / n:.1%})"
                                   for k, v in sorted(result["statuses"].items())),
             f"client CPU {result['client_cpu'] / max(1, n) * 1e6:.0f} µs/request "
             f"({result['client_cpu'] / result['elapsed']:.0%} of a core)"]
    if "late" in result:
        parts.append(f"sent more than 10 ms late (no free connection): {result['late']:.1%} "
                     "— a large share means the server could not even answer at this rate")
    return "\n  ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--requests", type=int, default=20_000,
                        help="requests between the two memory readings (e.g. 100000)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--overload", type=float, default=2.0)
    parser.add_argument("--inline-below", type=int, default=4_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-in-flight", type=int, default=64)
    parser.add_argument("--queue-timeout", type=float, default=0.03)
    opts = parser.parse_args()

    port = free_port()
    print(f"# bench_serve — {time.strftime('%Y-%m-%d')} — {machine()}")
    print(f"server: {opts.workers} worker(s), inline below {opts.inline_below} chars, "
          f"{opts.threads} pool threads, max in flight {opts.max_in_flight}, queue timeout "
          f"{opts.queue_timeout * 1000:g} ms; "
          f"{len(bodies())} distinct 45-75-word replies")
    server = start_server(port, opts)
    try:
        probe = urllib.request.Request(f"http://{HOST}:{port}/v1/check", data=bodies()[0],
                                       headers={"content-type": "application/json"})
        try:
            urllib.request.urlopen(probe, timeout=30).read()
        except urllib.error.HTTPError as error:
            raise SystemExit(f"the server refuses a check: {error.code} {error.read()[:300]!r}")
        drive("closed", port, connections=opts.connections, seconds=2, max_requests=5_000)
        rss0 = server_rss(server.pid)
        cpu0 = server_cpu(server.pid)
        closed = drive("closed", port, connections=opts.connections, seconds=opts.seconds,
                       max_requests=10_000_000)
        print(summary(f"closed loop, {opts.connections} connections", closed))
        served = sum(closed["statuses"].values())
        per = (server_cpu(server.pid) - cpu0) / max(1, served)
        print(f"  server CPU {per * 1e6:,.0f} µs/request (all workers) = at most "
              f"{(os.cpu_count() or 1) / per if per else float('nan'):,.0f} requests/s on "
              f"{os.cpu_count()} cores with a free client")
        rate = sum(closed["statuses"].values()) / closed["elapsed"]
        over = drive("open", port, rate=rate * opts.overload, seconds=opts.seconds,
                      pool=max(256, opts.connections * 8))
        print(summary(f"open loop at {opts.overload:g}x ({rate * opts.overload:,.0f}/s offered)",
                      over))
        rss1 = server_rss(server.pid)
        more = drive("closed", port, connections=opts.connections, seconds=3600,
                     max_requests=opts.requests)
        rss2 = server_rss(server.pid)
        print(f"memory: server RSS {rss0:.0f} MB warm, {rss1:.0f} MB after the load phases, "
              f"{rss2:.0f} MB after {sum(more['statuses'].values()):,} more requests "
              f"({more['elapsed']:.0f} s)")
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
