"""`triplec bot classify` and `triplec bot evaluate`: the bot's understanding from the command line.

classify: one message per line on stdin, one JSON line per message on stdout (for staff checking a message,
and for piping exports through the classifier). evaluate: accuracy on a labelled TSV.
"""

import json
import sys
from pathlib import Path
from typing import TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from triplec.bot.nlu import classify
from triplec.bot.nlu.evaluation import LABELLED, LabelledSetError, evaluate, load_labelled


class Command(BaseCommand):
    help = "The bot's intent classifier: classify messages from stdin, or evaluate it on a labelled set."
    stealth_options = ("stdin",)  # call_command("bot", "classify", stdin=io.StringIO(...)) in tests

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser).__base__)
        classify_parser = sub.add_parser("classify", help="one message per line on stdin -> one JSON line each")
        classify_parser.add_argument("--explain", action="store_true",
                                     help="also print the rules that fired, the NTPN and the menu digit")
        evaluate_parser = sub.add_parser("evaluate", help="accuracy overall, per intent, and the confusions")
        evaluate_parser.add_argument("--file", default=str(LABELLED), help="labelled TSV: text<TAB>intent")
        evaluate_parser.add_argument("--split", choices=["all", "tune", "dev"], default="all",
                                     help="dev = every 5th row (not used for tuning), tune = the rest")
        evaluate_parser.add_argument("--errors", action="store_true", help="list every misclassified message")
        evaluate_parser.add_argument("--min-accuracy", type=float, default=None,
                                     help="exit with an error if overall accuracy is below this (0-1)")

    def handle(self, *args, **options) -> None:
        if options["action"] == "classify":
            self._classify(options.get("stdin") or sys.stdin, explain=options["explain"])
        else:
            self._evaluate(Path(options["file"]), options["split"], options["errors"], options["min_accuracy"])

    def _classify(self, stdin: TextIO, *, explain: bool) -> None:
        for line in stdin:
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            result = classify(text)
            row = {"text": text, "intent": result.intent, "confidence": result.confidence}
            if explain:
                row.update(matched=result.matched, ntpn=result.ntpn, digits_choice=result.digits_choice)
            self.stdout.write(json.dumps(row, ensure_ascii=False))

    def _evaluate(self, path: Path, split: str, show_errors: bool, min_accuracy: float | None) -> None:
        if not path.is_file():
            raise CommandError(f"labelled file not found: {path}")
        try:
            rows = load_labelled(path, split=split)
        except LabelledSetError as exc:
            raise CommandError(str(exc)) from exc
        if not rows:
            raise CommandError(f"no labelled rows in {path}")
        result = evaluate(rows)
        out = self.stdout
        out.write(f"{path.name} ({split}): {result.correct}/{result.total} correct, accuracy {result.accuracy:.1%}")
        out.write(f"{'intent':<14}{'count':>6}{'precision':>11}{'recall':>8}")
        for score in result.per_intent:
            out.write(f"{score.intent:<14}{score.count:>6}{score.precision:>11.1%}{score.recall:>8.1%}")
        if result.confusions:
            out.write("confusions (expected -> got: count):")
            for expected, got, count in result.confusions:
                out.write(f"  {expected} -> {got}: {count}")
        else:
            out.write("confusions: none")
        if show_errors:
            for text, expected, got in result.errors:
                out.write(f"  [{expected} -> {got}] {text}")
        if min_accuracy is not None and result.accuracy < min_accuracy:
            raise CommandError(f"accuracy {result.accuracy:.1%} is below {min_accuracy:.1%}")
