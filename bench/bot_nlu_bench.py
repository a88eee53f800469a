"""Benchmark `bot-nlu`: the bot's intent classifier on N messages, against a naive one-keyword-per-intent lookup.

Messages are the repository's labelled and held-out sets, cycled to N (the model was trained on the labelled set, so
the accuracy here mixes seen and unseen messages; `triplec bot crossval` gives the generalisation figures). The
classifier is timed without its per-message result cache (so repeated texts are really re-classified); the
per-token normalisation cache stays warm, as it would in a running worker, and the model is trained before the
timing starts (its start-up is reported apart, `model_start_s`). The baseline is what a first attempt would be:
lower-case the text and look for one keyword per intent. Both accuracies are reported next to the rates.
"""

import statistics
import time
from typing import Any

from triplec.bot.nlu import classifier
from triplec.bot.nlu.evaluation import HELDOUT, LABELLED, load_labelled

NAIVE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("bukan nomor", "salah_nomor"),
    ("stop", "berhenti"),
    ("mulai", "mulai"),
    ("lapor", "pengaduan"),
    ("keberatan", "keberatan"),
    ("sudah bayar", "sudah_bayar"),
    ("cicil", "angsuran"),
    ("billing", "kode_billing"),
    ("rincian", "rincian"),
    ("petugas", "petugas"),
    ("terima kasih", "terima_kasih"),
    ("halo", "salam"),
)


def naive_classify(text: str) -> str:
    lowered = text.lower()
    for keyword, intent in NAIVE_KEYWORDS:
        if keyword in lowered:
            return intent
    return "lainnya"


def run(size: int) -> dict[str, Any]:
    rows = load_labelled(LABELLED) + load_labelled(HELDOUT)
    messages = [rows[i % len(rows)] for i in range(size)]
    classify_uncached = classifier._classify_text.__wrapped__
    # The model is trained once per process, at the first free-text message: timed apart, then the steady state.
    started = time.perf_counter()
    classifier.default_model()
    model_start_seconds = time.perf_counter() - started

    started = time.perf_counter()
    baseline_hits = sum(naive_classify(text) == intent for text, intent in messages)
    baseline_seconds = time.perf_counter() - started

    latencies: list[float] = []
    hits = 0
    started = time.perf_counter()
    for text, intent in messages:
        t0 = time.perf_counter()
        hits += classify_uncached(text, None).intent == intent
        latencies.append(time.perf_counter() - t0)
    seconds = time.perf_counter() - started

    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    rate = size / seconds if seconds else 0.0
    baseline_rate = size / baseline_seconds if baseline_seconds else 0.0
    return {
        "name": "bot-nlu",
        "size": size,
        "seconds": round(seconds, 4),
        "rate": round(rate, 1),
        "baseline_rate": round(baseline_rate, 1),
        "ratio": round(rate / baseline_rate, 4) if baseline_rate else 0.0,
        "p50_ms": round(quantiles[49] * 1000, 3),
        "p95_ms": round(quantiles[94] * 1000, 3),
        "p99_ms": round(quantiles[98] * 1000, 3),
        "accuracy": round(hits / size, 4),
        "baseline_accuracy": round(baseline_hits / size, 4),
        "model_start_s": round(model_start_seconds, 2),
    }
