"""A pre-send hook that calls a running `voicecheck serve` over HTTP, with the standard library
only (urllib). It fails open: when the service is down or slow, the agent can still send.

    python examples/presend/http_hook.py                    # starts a server for the demo
    VOICECHECK_URL=http://127.0.0.1:8080 python examples/presend/http_hook.py
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request


def before_send(draft: str, customer: str | None = None, channel: str | None = None, *,
                url: str = "http://127.0.0.1:8080", guide: str = "default",
                token: str | None = None, timeout: float = 2.0) -> tuple[bool, str]:
    """(ok, message) from POST /v1/check; ok is False only on verdict `fail`."""
    body = {"text": draft, "guide": guide}
    if customer:
        body["customer"] = customer
    if channel:
        body["channel"] = channel
    request = urllib.request.Request(f"{url}/v1/check", data=json.dumps(body).encode("utf-8"),
                                     method="POST",
                                     headers={"content-type": "application/json"})
    if token:
        request.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            report = json.load(response)
    except urllib.error.HTTPError as error:
        try:
            problem = json.load(error)["error"]
        except (ValueError, KeyError):
            problem = {"code": str(error.code), "message": error.reason}
        if error.code in (429, 503):  # busy: do not hold the agent up
            return True, f"not checked (server busy: {problem['message']})"
        return False, f"cannot check this reply: {problem['code']} {problem['message']}"
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        return True, f"not checked (voicecheck unreachable: {error})"
    lines = [f"{f['severity']}: {f['text']!r}: {f['message']}" for f in report["findings"]]
    return report["verdict"] != "fail", "\n".join(
        [f"{report['verdict']} (score {report['score']})", *lines])


def _demo(url: str) -> None:
    for draft in ("Hi {{first_name}}, we apologize for any inconvenience. As per our policy, "
                  "refunds take 14 days.",
                  "Sorry about the double charge, Sam. I've refunded the second payment today."):
        ok, message = before_send(draft, customer="My card was charged twice!!", url=url)
        print(f"{'SEND' if ok else 'BLOCK'}: {draft}\n  " + message.replace("\n", "\n  "))


if __name__ == "__main__":
    if os.environ.get("VOICECHECK_URL"):
        _demo(os.environ["VOICECHECK_URL"].rstrip("/"))
    else:  # no server given: run one in this process for the demo
        from voicecheck.server import create_app
        from voicecheck.server.run import background

        with background(create_app()) as server_url:
            _demo(server_url)
