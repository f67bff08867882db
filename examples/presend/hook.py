"""A pre-send hook that runs voicecheck in process (no server).

Load the guide and models once (at import or start-up), then call `before_send()` for every
reply an agent is about to send. `Checker.check()` is thread-safe, so one checker serves every
thread of the inbox tool.

    python examples/presend/hook.py
"""

from __future__ import annotations

from pathlib import Path

import voicecheck

GUIDE = Path(__file__).resolve().parents[1] / ".voicecheck.yaml"  # the Kopi Kita example guide
CHECKER = voicecheck.Checker(str(GUIDE) if GUIDE.exists() else None)
CHECKER.warm()  # rules, model and language identifier now, not on an agent's first send


def before_send(draft: str, customer: str | None = None,
                channel: str | None = None) -> tuple[bool, str]:
    """(ok, message): ok is False when the reply must not be sent as is (verdict `fail`);
    the message lists what to fix, one finding per line, with the first suggestion."""
    try:
        report = CHECKER.check(draft, channel=channel, customer=customer)
    except voicecheck.VoicecheckError as error:  # e.g. an unknown channel name
        return False, f"cannot check this reply: {error}"
    lines = []
    for f in report.findings:
        fix = f" -> try: {f.suggestions[0].text!r}" if f.suggestions else ""
        lines.append(f"{f.severity}: {f.text!r}: {f.message}{fix}")
    head = {"pass": "looks good", "warn": "send, but consider revising",
            "fail": "do not send yet"}[report.verdict]
    return report.verdict != "fail", "\n".join([f"{head} (score {report.score})", *lines])


if __name__ == "__main__":
    customer = "My card was charged twice!!"
    for draft in ("Hi {{first_name}}, we apologize for any inconvenience. As per our policy, "
                  "refunds take 14 days.",
                  "Sorry about the double charge, Sam. I've refunded the second payment today; "
                  "you'll see it on your card within three working days."):
        ok, message = before_send(draft, customer=customer, channel="email")
        print(f"{'SEND' if ok else 'BLOCK'}: {draft}\n  " + message.replace("\n", "\n  "))
