"""Render the measured sections of models/MODEL_CARD.md from training/results/*.json.

    python training/model_card.py     # rewrites the text between the GENERATED markers
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from voicecheck.checks.tone import tone_limit  # noqa: E402
from voicecheck.tone.train import metrics_table  # noqa: E402

START = "<!-- GENERATED: metrics -->"
END = "<!-- /GENERATED -->"


def render(results: dict) -> str:
    hostile, error = tone_limit("VC206", "above"), tone_limit("VC203", "above")
    impolite, informal = tone_limit("VC205", "below"), tone_limit("VC201", "below")
    data = results["data"]
    lines = [
        f"Authored pairs after near-duplicate removal: {data['authored_pairs']} "
        f"({data['near_duplicates_removed']} removed); splits: "
        + ", ".join(f"{k} {v}" for k, v in data["splits"].items())
        + f"; auxiliary data: {'yes' if data.get('aux') else 'no'}"
        + f"; English word vectors: {'yes' if data.get('vectors') else 'no'}.",
        "",
        "Held-out **test** split (never used for fitting, model or threshold selection); "
        "95 % bootstrap intervals in brackets; accuracy and macro-F1 compare the upper half "
        "of each scale with the lower half (hostility: hostile vs not, at the model's "
        "threshold); ECE is the mean over each head's thresholds, 10 bins; ECE by chance is "
        "the median ECE that a perfectly calibrated model with the same probabilities would "
        "show on this many replies (the noise floor).",
        "",
        metrics_table(results["test"]),
        "",
        "Real canned replies (`../shared/eval/canned-real`, evaluation only, mostly acceptable "
        f"replies): share of replies with hostility over {hostile:g} and over {error:g} (where "
        f"VC206 and VC203 speak), under politeness {impolite:g} and under formality "
        f"{informal:g} (the neutral-guide limits of VC205 and VC201).",
        "",
        f"| group | n | hostility ≥ {hostile:g} | hostility ≥ {error:g} | "
        f"politeness < {impolite:g} | formality < {informal:g} |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for group, r in results.get("real_reply_rates", {}).items():
        lines.append(f"| {group} | {r['n']} | {r['hostile']:.3f} | "
                     f"{r.get('hostile_error', float('nan')):.3f} | {r['impolite']:.3f} | "
                     f"{r['informal']:.3f} |")
    return "\n".join(lines)


def main() -> None:
    results = json.loads((ROOT / "training" / "results" / "tone_metrics_aux.json").read_text())
    card = ROOT / "models" / "MODEL_CARD.md"
    text = card.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    card.write_text(f"{head}{START}\n{render(results)}\n{END}{tail}", encoding="utf-8")
    print(f"updated {card}")


if __name__ == "__main__":
    main()
