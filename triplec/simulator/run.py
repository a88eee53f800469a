"""Starting the simulator: granian serving the plain ASGI app in one worker (the state lives in memory)."""

from __future__ import annotations

import argparse
import json
import logging
import os
from typing import Any

from granian import Granian
from granian.constants import Interfaces

from triplec.simulator.config import DEFAULT_CONFIG, merge_config


def serve(host: str, port: int, config: dict[str, Any], *, log_level: str = "info") -> None:
    """Run until interrupted. The config travels to granian's worker process through the environment."""
    full = merge_config(DEFAULT_CONFIG, config)  # fail here, with a clear message, not in the worker
    os.environ["TRIPLEC_SIMULATOR_CONFIG"] = json.dumps(full)
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    Granian(
        "triplec.simulator.server:app",
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=1,
        log_access=False,
        log_level=log_level,
        websockets=False,
        backlog=2048,
    ).serve()


def add_arguments(parser: argparse.ArgumentParser, defaults: dict[str, Any]) -> None:
    """The flags of `triplec simulator` (shared by `python -m triplec.simulator`)."""
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=defaults.get("port", 8001))
    parser.add_argument(
        "--webhook-url",
        default=defaults.get("webhook_url"),
        help="where signed webhooks go, e.g. http://127.0.0.1:8000/whatsapp/webhook/",
    )
    parser.add_argument("--app-secret", default=defaults.get("app_secret", DEFAULT_CONFIG["app_secret"]))
    parser.add_argument("--access-token", default=defaults.get("access_token", DEFAULT_CONFIG["access_token"]))
    parser.add_argument("--verify-token", default=defaults.get("verify_token", DEFAULT_CONFIG["verify_token"]))
    parser.add_argument("--phone-number-id", default=defaults.get("phone_number_id", DEFAULT_CONFIG["phone_number_id"]))
    parser.add_argument("--waba-id", default=defaults.get("waba_id", DEFAULT_CONFIG["waba_id"]))
    parser.add_argument(
        "--display-number", default=defaults.get("display_phone_number", DEFAULT_CONFIG["display_phone_number"])
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_CONFIG["seed"])
    parser.add_argument(
        "--templates-file",
        default=defaults.get("templates_file"),
        help="a JSON file keeping the templates and their states across restarts (default: in memory only)",
    )
    parser.add_argument(
        "--chats-file",
        default=defaults.get("chats_file"),
        help="a JSON file keeping the phone's chats and 24-hour windows across restarts (default: in memory only)",
    )
    parser.add_argument(
        "--config",
        default=None,
        metavar="JSON",
        help="more settings as JSON (the shape of POST /_sim/config); reset {config: true} returns to these",
    )
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])


def config_from_options(options: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = json.loads(options["config"]) if options.get("config") else {}
    config.setdefault("seed", options["seed"])
    for key, option in (
        ("webhook_url", "webhook_url"),
        ("app_secret", "app_secret"),
        ("access_token", "access_token"),
        ("verify_token", "verify_token"),
        ("phone_number_id", "phone_number_id"),
        ("waba_id", "waba_id"),
        ("templates_file", "templates_file"),
        ("chats_file", "chats_file"),
        ("display_phone_number", "display_number"),
    ):
        if options.get(option) is not None:
            config.setdefault(key, options[option])
    config["display_phone_number"] = "".join(ch for ch in config["display_phone_number"] if ch.isdigit())
    return config


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m triplec.simulator", description="WhatsApp Cloud API simulator")
    add_arguments(parser, {})
    options = vars(parser.parse_args(argv))
    serve(options["host"], options["port"], config_from_options(options), log_level=options["log_level"])
