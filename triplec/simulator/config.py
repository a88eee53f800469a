"""The simulator's runtime configuration: defaults, and a merge that rejects what it does not understand.

Plain dicts on purpose: the control API takes and returns exactly this JSON, so there is one shape to learn.
"""

from __future__ import annotations

import copy
from typing import Any

DEFAULT_CONFIG: dict[str, Any] = {
    "seed": 922,
    "webhook_url": None,
    "app_secret": "demo-app-secret",
    "access_token": "demo-access-token",
    "verify_token": "demo-verify-token",
    "phone_number_id": "922000000000001",
    "waba_id": "922000000000002",
    "display_phone_number": "62380821123",
    # Each delay counts from the previous status (sent from acceptance, delivered from sent, read from delivered).
    "delays_ms": {"sent": 100, "delivered": 400, "read": 1500},
    # True: the taxpayer "reads" every message after delays_ms.read. False: only when the phone page shows it.
    "auto_read": True,
    "faults": {
        "http_500": 0.0,
        "http_429": 0.0,
        "timeout": 0.0,
        "timeout_seconds": 15.0,
        # Of the timed-out requests, the share whose message was nevertheless accepted (the ambiguous case a
        # dispatcher must resolve after a crash or a client timeout).
        "timeout_accept": 0.5,
        "duplicate_webhook": 0.0,
        "reorder_statuses": 0.0,
        "skip_delivered": 0.0,
        "webhook_delay_ms": 0,
        "webhook_down": False,
    },
    "non_whatsapp_numbers": [],
    # "async": accepted (200), then a `failed` status webhook with 131026, as Meta does; "sync": a 400 at once.
    "non_whatsapp_mode": "async",
    "per_number_mps": 80,
    # Meta's documented burst for one (business, user) pair: 45 messages in 6 s, then 131056.
    "pair_limit": {"count": 45, "seconds": 6},
    "window_hours": 24,
    "webhook_retry": {"max_attempts": 10, "base_ms": 1000, "max_ms": 300000},
    # How many webhook POSTs may be in flight at once (keeps the send path fast when our endpoint is slow).
    "webhook_concurrency": 32,
    "template_approval_ms": 2000,
    # PMP pricing echoed in status webhooks. Since 1 Oct 2026 service messages are billed too (see the contract).
    "service_billable": True,
    "media_max_bytes": 16 * 1024 * 1024,
    # A JSON file that keeps the templates and their states across restarts (the demo's is in the data dir);
    # None keeps them in memory only (tests).
    "templates_file": None,
    # Likewise the phone's chats: the users, their 24-hour windows and the messages they received.
    "chats_file": None,
}

RATE_FAULTS = {
    "http_500",
    "http_429",
    "timeout",
    "timeout_accept",
    "duplicate_webhook",
    "reorder_statuses",
    "skip_delivered",
}


class ConfigError(ValueError):
    """A control-API request asked for a setting that does not exist or has the wrong type."""


def _check_rate(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError(f"faults.{name} must be a number between 0 and 1")
    return float(value)


def merge_config(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """A new config: `current` with `patch` merged in (nested dicts merged one level deep), validated."""
    if not isinstance(patch, dict):
        raise ConfigError("the config must be a JSON object")
    new = copy.deepcopy(current)
    for key, value in patch.items():
        if key not in DEFAULT_CONFIG:
            raise ConfigError(f"unknown setting: {key}")
        default = DEFAULT_CONFIG[key]
        if isinstance(default, dict) and key != "pair_limit":
            if not isinstance(value, dict):
                raise ConfigError(f"{key} must be an object")
            for sub, subval in value.items():
                if sub not in default:
                    raise ConfigError(f"unknown setting: {key}.{sub}")
                new[key][sub] = subval
        else:
            new[key] = value
    _validate(new)
    return new


def _validate(cfg: dict[str, Any]) -> None:
    if not isinstance(cfg["seed"], int) or isinstance(cfg["seed"], bool):
        raise ConfigError("seed must be an integer")
    if cfg["webhook_url"] is not None and not (
        isinstance(cfg["webhook_url"], str) and cfg["webhook_url"].startswith(("http://", "https://"))
    ):
        raise ConfigError("webhook_url must be an http(s) URL or null")
    for key in ("app_secret", "access_token", "verify_token", "phone_number_id", "waba_id", "display_phone_number"):
        if not isinstance(cfg[key], str) or not cfg[key]:
            raise ConfigError(f"{key} must be a non-empty string")
    for key in ("sent", "delivered", "read"):
        value = cfg["delays_ms"][key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(f"delays_ms.{key} must be a number ≥ 0")
    faults = cfg["faults"]
    for name in RATE_FAULTS:
        faults[name] = _check_rate(name, faults[name])
    if faults["http_500"] + faults["http_429"] + faults["timeout"] > 1:
        raise ConfigError("faults.http_500 + faults.http_429 + faults.timeout must not exceed 1")
    for name in ("timeout_seconds", "webhook_delay_ms"):
        if isinstance(faults[name], bool) or not isinstance(faults[name], (int, float)) or faults[name] < 0:
            raise ConfigError(f"faults.{name} must be a number ≥ 0")
    if not isinstance(faults["webhook_down"], bool):
        raise ConfigError("faults.webhook_down must be true or false")
    if not isinstance(cfg["auto_read"], bool):
        raise ConfigError("auto_read must be true or false")
    numbers = cfg["non_whatsapp_numbers"]
    if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers):
        raise ConfigError("non_whatsapp_numbers must be a list of digit strings")
    cfg["non_whatsapp_numbers"] = ["".join(ch for ch in n if ch.isdigit()) for n in numbers]
    if cfg["non_whatsapp_mode"] not in ("async", "sync"):
        raise ConfigError("non_whatsapp_mode must be 'async' or 'sync'")
    mps = cfg["per_number_mps"]
    if mps is not None and (isinstance(mps, bool) or not isinstance(mps, (int, float)) or mps <= 0):
        raise ConfigError("per_number_mps must be a positive number or null")
    pair = cfg["pair_limit"]
    if pair is not None:
        if not isinstance(pair, dict) or set(pair) != {"count", "seconds"}:
            raise ConfigError("pair_limit must be {count, seconds} or null")
        if (
            not isinstance(pair["count"], int)
            or pair["count"] < 1
            or not isinstance(pair["seconds"], (int, float))
            or pair["seconds"] <= 0
        ):
            raise ConfigError("pair_limit.count must be an integer ≥ 1 and pair_limit.seconds a number > 0")
    retry = cfg["webhook_retry"]
    if not isinstance(retry["max_attempts"], int) or retry["max_attempts"] < 1:
        raise ConfigError("webhook_retry.max_attempts must be an integer ≥ 1")
    for name in ("base_ms", "max_ms"):
        if isinstance(retry[name], bool) or not isinstance(retry[name], (int, float)) or retry[name] < 0:
            raise ConfigError(f"webhook_retry.{name} must be a number ≥ 0")
    for name in ("webhook_concurrency", "media_max_bytes"):
        if not isinstance(cfg[name], int) or cfg[name] < 1:
            raise ConfigError(f"{name} must be an integer ≥ 1")
    for name in ("window_hours", "template_approval_ms"):
        if isinstance(cfg[name], bool) or not isinstance(cfg[name], (int, float)) or cfg[name] < 0:
            raise ConfigError(f"{name} must be a number ≥ 0")
    for name in ("templates_file", "chats_file"):
        if cfg[name] is not None and not (isinstance(cfg[name], str) and cfg[name]):
            raise ConfigError(f"{name} must be a file path or null")
    if not isinstance(cfg["service_billable"], bool):
        raise ConfigError("service_billable must be true or false")


def public_config(cfg: dict[str, Any]) -> dict[str, Any]:
    """The config as the control API shows it (everything: this is a local test double, not a vault)."""
    return copy.deepcopy(cfg)
