"""The benchmark registry: `triplec bench list`, `triplec bench run NAME [--size N]`, `triplec bench run all`.

A benchmark is a function `run(size: int) -> dict` that does its own baseline in the same process and returns
the fields of its one JSON line: at least name, size, seconds, rate, baseline_rate and ratio (latency benches
add p50_ms, p95_ms, p99_ms). The `bench` command gives it a throwaway, freshly migrated database first (a temp
SQLite file, or a new PostgreSQL database when DATABASE_URL says postgres), so it never touches real data.

Register one line per benchmark at the bottom of this file:
    register("name", "module.path:function", default_size, "what it measures")
"""

from dataclasses import dataclass
from importlib import import_module
from typing import Any, Callable

REQUIRED_FIELDS = ("name", "size", "seconds", "rate", "baseline_rate", "ratio")


def headline(name: str, size: int, seconds: float, rate: float, baseline_rate: float, ratio_digits: int = 3) -> dict:
    """The REQUIRED_FIELDS of a benchmark's line, rounded as the lines always are; the bench adds its own fields."""
    return {
        "name": name,
        "size": size,
        "seconds": round(seconds, 3),
        "rate": round(rate, 1),
        "baseline_rate": round(baseline_rate, 1),
        "ratio": round(rate / baseline_rate, ratio_digits),
    }


@dataclass(frozen=True)
class Benchmark:
    name: str
    target: str  # "module.path:function"
    default_size: int
    help: str

    def load(self) -> Callable[[int], dict[str, Any]]:
        module, _, function = self.target.partition(":")
        return getattr(import_module(module), function)


BENCHMARKS: dict[str, Benchmark] = {}


def register(name: str, target: str, default_size: int, help: str) -> None:
    if ":" not in target:
        raise ValueError(f"benchmark target must be 'module.path:function', not {target!r}")
    BENCHMARKS[name] = Benchmark(name, target, default_size, help)


def get(name: str) -> Benchmark:
    try:
        return BENCHMARKS[name]
    except KeyError:
        raise KeyError(f"no benchmark {name!r}; known: {', '.join(sorted(BENCHMARKS)) or 'none'}") from None


register(
    "import",
    "bench.import_bench:run",
    100_000,
    "taxpayer CSV import end to end with validation, vs raw sqlite3.executemany of the same rows",
)
register(
    "bot-nlu",
    "bench.bot_nlu_bench:run",
    20_000,
    "bot intent classifier messages/s on the labelled sets, vs a one-keyword-per-intent lookup",
)
register(
    "reconcile",
    "bench.reconcile_bench:run",
    100_000,
    "payments matched/s against a 1,000,000-document ledger (all three paths), vs a raw SQL join",
)
register(
    "simulator",
    "bench.simulator_bench:run",
    5_000,
    "WhatsApp simulator POST /messages req/s from a bare httpx loop, vs GET /_sim/health in the same loop",
)
register(
    "campaign_build",
    "bench.campaign_build_bench:run",
    100_000,
    "campaign start: select, exclude, render and enqueue N targets of 10N taxpayers (baseline: raw SQL selection)",
)
register(
    "dispatch",
    "bench.dispatch_bench:run",
    3_000,
    "WhatsApp outbox -> simulator msg/s with the rate limit lifted, vs a bare httpx loop of the same payloads",
)
register(
    "ratelimit",
    "bench.ratelimit_bench:run",
    30,
    "achieved WhatsApp send rate at a configured 80 msg/s over SIZE seconds (target within 5%)",
)
register(
    "webhook",
    "bench.webhook_bench:run",
    5_000,
    "signed single-status webhook POSTs/s into granian WSGI with p50/p99, vs a trivial view in the same server",
)
register(
    "faults",
    "bench.faults_bench:run",
    2_000,
    "WhatsApp fault run: 5% HTTP 500, 2% timeouts, 10% duplicate/reordered webhooks, dispatcher SIGKILLed twice",
)
register(
    "bot",
    "bench.bot_bench:run",
    2_000,
    "bot: signed inbound webhook to reply enqueued (p50/p95/p99 ms), vs the bare webhook intake",
)
register(
    "inbox_latency",
    "bench.inbox_latency_bench:run",
    1_000,
    "webhook POST (WSGI process) to the SSE event read from another process (ASGI): p50/p95, vs a bare publish",
)
register(
    "xlsx_bomb",
    "bench.xlsx_bomb_bench:run",
    99_000,
    "peak RSS of a fresh import process: 600 MB XLSX bomb, sparse-grid XLSX, and SIZE-row XLSX at the limits",
)
register(
    "idle_cpu",
    "bench.idle_cpu_bench:run",
    60,
    "CPU of every process of an idle `triplec demo` over SIZE seconds, % of one core (target < 2)",
)
register(
    "bailiff_list",
    "bench.bailiff_list_bench:run",
    10_000,
    "Surat Paksa list at N due letters: page p95, recording p95, XLSX export seconds, vs the page's rows in raw SQL",
)
register(
    "letters",
    "bench.letters_bench:run",
    500,
    "SIZE concurrent downloads of distinct Surat Teguran PDFs (stored at the start) from the web process: "
    "p50/p95/p99 and failures, vs the same concurrency on a trivial view",
)
