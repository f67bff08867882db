"""A deterministic corpus of English customer-service replies for the peer benchmark.

    python bench/peers/corpus.py [--count 2400] [--out bench/peers/corpus]

Writes `OUT/replies/NNNN.md` (one reply per file, no heading: each tool's natural unit) and
`OUT/flawed/NN.md` (the 50 labelled replies of flawed.yaml, one per file, one line each).
Replies are assembled from the fragments below (written for this benchmark, not taken from
any data set): a greeting, an acknowledgement, one to three body sentences about an order,
account or billing problem, a next step and a closing. About one reply in four carries a
typical weakness (stock apology, passive voice, wordy phrase, blame, cliché …) so that every
tool has something to report. The same --count and seed give byte-identical files.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent

GREETINGS = ["Hi {name},", "Hello {name},", "Hi there,", "Good morning {name},", "Hey {name},",
             "Dear {name},", "Thanks for getting in touch, {name}.", "Hi {name}, thanks for "
             "your message."]
NAMES = ["Sam", "Priya", "Alex", "Jordan", "Mei", "Tomás", "Aisha", "Lena", "Chris", "Dewi",
         "Farid", "Nora", "Kofi", "Hana", "Luca", "Rosa"]
ACKS = [
    "I can see why the late {thing} is frustrating.",
    "Thanks for your patience while we looked into the {thing}.",
    "I'm sorry the {thing} didn't arrive when we said it would.",
    "That sounds annoying, and I want to get it sorted for you today.",
    "I've read through your messages about the {thing}.",
    "Thanks for sending the photos of the {thing}; they helped a lot.",
    "You're right that the {thing} should have been here by now.",
]
THINGS = ["order", "parcel", "refund", "replacement", "invoice", "delivery", "exchange",
          "subscription renewal", "gift card", "account change"]
BODIES = [
    "Your {thing} left our warehouse on {day} and the tracking number is {ref}.",
    "I've issued a refund of {amount} to the card ending in {digits}; banks usually show it "
    "within three to five working days.",
    "The courier marked the {thing} as delivered at {time}, so I've opened a trace with them.",
    "I've sent a replacement by express post, and you don't need to return the damaged one.",
    "Your account now uses the new email address, and the old one can no longer sign in.",
    "I've cancelled the duplicate charge of {amount}; you'll see it drop off your statement.",
    "The size you asked for is back in stock, so I've switched the {thing} and kept the same "
    "delivery date.",
    "I've added a note to your account so the next agent can see everything we've agreed.",
    "Our team fixed the sign-in fault this morning, and your saved items are all still there.",
    "I've moved your delivery to {day} between 9 and 12, as you asked.",
    "The voucher code {ref} takes {amount} off your next order and is valid for 60 days.",
    "I checked with the warehouse and the missing item was packed separately; it arrives "
    "{day}.",
]
NEXT = [
    "If it hasn't arrived by {day}, reply here and I'll send a new one straight away.",
    "You don't need to do anything else.",
    "I'll check the tracking again tomorrow and message you with an update.",
    "Could you confirm the delivery address so I can book the collection?",
    "If anything else looks wrong, just reply to this message.",
    "I've set a reminder to follow up with you on {day}.",
]
CLOSINGS = ["Thanks, {agent}", "Best wishes, {agent}", "Speak soon, {agent}",
            "Kind regards, {agent}", "Take care, {agent}", "– {agent}"]
AGENTS = ["Dana", "Marco", "Siti", "Ravi", "Olga", "Ben", "Yuki", "Amara"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

# Weaknesses mixed into some replies (the labelled evaluation set is flawed.yaml).
WEAK = [
    "We apologize for any inconvenience this may have caused.",
    "Sorry for the inconvenience.",
    "The parcel was lost by the courier.",
    "Your request has been received and will be processed in due course.",
    "In order to process the refund, we need the order number.",
    "Due to the fact that the item is out of stock, the order was cancelled.",
    "As per our policy, refunds take 14 days.",
    "You should have checked the address before ordering.",
    "At the end of the day, we want you to be happy.",
    "Obviously, the tracking link is in the email.",
    "I think maybe the courier might be a bit late.",
    "Please reach out to our team if you need anything going forward.",
    "Our chairman has asked every agent to review these cases.",
    "That policy is honestly a bit crazy, I agree.",
    "THIS IS VERY IMPORTANT!!!",
]


def reply(rng: random.Random) -> str:
    """One reply, assembled from the fragments above."""
    fill = {
        "name": rng.choice(NAMES), "thing": rng.choice(THINGS), "day": rng.choice(DAYS),
        "ref": f"{rng.choice('ABCDEFGHJK')}{rng.randrange(10**7, 10**8)}",
        "amount": f"${rng.randrange(5, 400)}.{rng.randrange(100):02d}",
        "digits": f"{rng.randrange(10000):04d}", "time": f"{rng.randrange(8, 19)}:{rng.choice(['05', '20', '45'])}",
        "agent": rng.choice(AGENTS),
    }
    sentences = [rng.choice(ACKS)] + rng.sample(BODIES, rng.randint(1, 3)) + [rng.choice(NEXT)]
    if rng.random() < 0.25:
        sentences.insert(rng.randint(0, len(sentences)), rng.choice(WEAK))
    body = " ".join(sentences).format(**fill)
    return f"{rng.choice(GREETINGS).format(**fill)}\n\n{body}\n\n{rng.choice(CLOSINGS).format(**fill)}\n"


def flawed() -> list[dict]:
    """The 50 labelled replies of flawed.yaml."""
    import yaml

    with open(HERE / "flawed.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)["replies"]


def write(count: int, out: Path, seed: int = 8) -> None:
    rng = random.Random(seed)
    for name in ("replies", "flawed"):
        shutil.rmtree(out / name, ignore_errors=True)
        (out / name).mkdir(parents=True)
    width = len(str(count))
    for i in range(count):
        (out / "replies" / f"{i:0{width}d}.md").write_text(reply(rng), encoding="utf-8")
    for i, item in enumerate(flawed()):
        (out / "flawed" / f"{i:02d}.md").write_text(item["text"] + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2400)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--out", type=Path, default=HERE / "corpus")
    args = parser.parse_args()
    write(args.count, args.out, args.seed)
    print(f"{args.count} replies in {args.out / 'replies'}, 50 labelled in {args.out / 'flawed'}")


if __name__ == "__main__":
    main()
