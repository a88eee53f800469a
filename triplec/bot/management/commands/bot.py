"""`triplec bot classify|evaluate|calibration|crossval`: the bot's understanding from the command line.

classify: one message per line on stdin, one JSON line per message on stdout (for staff checking a message,
and for piping exports through the classifier). evaluate: any labelled file (TSV or a blind CSV) scored: accuracy,
per-intent precision/recall, the confusions, the misses at confidence >= 0.9 and the calibration table, then the
same figures as JSON lines. calibration: the calibration table of one or more files. crossval: the model's
generalisation figures (each training file left out in turn, and stratified k-fold), as tables and JSON lines.
"""

import json
import sys
from pathlib import Path
from typing import TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from triplec.bot.nlu import classify
from triplec.bot.nlu.evaluation import (
    BLIND_SETS,
    CALIBRATION_TOLERANCE,
    CONFIDENT,
    HELD_OUT_FILES,
    KFOLD,
    LABELLED,
    SEED,
    Evaluation,
    LabelledSetError,
    collapse_for,
    evaluate,
    leave_one_set_out,
    load_labelled,
    stratified_kfold,
)


class Command(BaseCommand):
    help = "The bot's intent classifier: classify messages from stdin, or evaluate it on a labelled set."
    stealth_options = ("stdin",)  # call_command("bot", "classify", stdin=io.StringIO(...)) in tests

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=type(parser).__base__)
        classify_parser = sub.add_parser("classify", help="one message per line on stdin -> one JSON line each")
        classify_parser.add_argument(
            "--explain", action="store_true", help="also print the rules that fired, the NTPN and the menu digit"
        )
        evaluate_parser = sub.add_parser("evaluate", help="accuracy overall, per intent, and the confusions")
        evaluate_parser.add_argument(
            "--file", default=str(LABELLED), help="labelled TSV (text<TAB>intent) or blind CSV (text,intent,register)"
        )
        evaluate_parser.add_argument(
            "--split",
            choices=["all", "tune", "dev"],
            default="all",
            help="dev = every 5th row (not used for tuning), tune = the rest",
        )
        evaluate_parser.add_argument("--errors", action="store_true", help="list every misclassified message")
        evaluate_parser.add_argument(
            "--min-accuracy",
            type=float,
            default=None,
            help="exit with an error if overall accuracy is below this (0-1)",
        )
        calibration_parser = sub.add_parser(
            "calibration", help="stated confidence against accuracy per confidence band"
        )
        calibration_parser.add_argument(
            "files", nargs="*", help="labelled files (default: heldout.tsv and, if present, the blind sets)"
        )
        crossval_parser = sub.add_parser(
            "crossval", help="train on all but one training file and score it; then stratified k-fold"
        )
        crossval_parser.add_argument("--folds", type=int, default=KFOLD, help=f"k of the k-fold (default {KFOLD})")
        crossval_parser.add_argument("--seed", type=int, default=SEED, help=f"k-fold shuffle seed (default {SEED})")

    def handle(self, *args, **options) -> None:
        if options["action"] == "classify":
            self._classify(options.get("stdin") or sys.stdin, explain=options["explain"])
        elif options["action"] == "calibration":
            paths = [Path(f) for f in options["files"]] or [p for p in (*HELD_OUT_FILES, *BLIND_SETS) if p.is_file()]
            for path in paths:
                result = self._load_and_evaluate(path, "all")
                self.stdout.write(
                    f"{path.name}: {result.correct}/{result.total} correct, accuracy {result.accuracy:.1%}"
                )
                self._calibration(result)
        elif options["action"] == "crossval":
            self._crossval(options["folds"], options["seed"])
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

    def _load_and_evaluate(self, path: Path, split: str) -> Evaluation:
        if not path.is_file():
            raise CommandError(f"labelled file not found: {path}")
        try:
            rows = load_labelled(path, split=split)
        except LabelledSetError as exc:
            raise CommandError(str(exc)) from exc
        if not rows:
            raise CommandError(f"no labelled rows in {path}")
        return evaluate(rows, collapse=collapse_for(path))

    def _calibration(self, result: Evaluation) -> None:
        out = self.stdout
        out.write(
            f"{'band':<12}{'count':>6}{'stated':>9}{'accuracy':>10}{'gap':>8}  within ±{CALIBRATION_TOLERANCE:.0%}"
        )
        for band in result.calibration():
            label = f"{band.low:.1f}-{band.high:.2f}" if band.high >= 1 else f"{band.low:.1f}-{band.high:.1f}"
            if band.count:
                out.write(
                    f"{label:<12}{band.count:>6}{band.mean_confidence:>9.1%}{band.accuracy:>10.1%}"
                    f"{band.gap * 100:>+7.1f}  {'yes' if band.within else 'NO'}"
                )
            else:
                out.write(f"{label:<12}{0:>6}{'-':>9}{'-':>10}{'-':>8}  -")
        misses = result.confident_misses()
        out.write(f"misses at confidence >= {CONFIDENT}: {len(misses)}")
        for p in misses:
            out.write(f"  [{p.expected} -> {p.got} {p.confidence:.2f}] {p.text}")
        clarified = result.clarified
        wrong = sum(not p.correct for p in clarified)
        offered = sum(p.expected in p.options for p in clarified)
        out.write(
            f"would ask a clarifying question: {len(clarified)} of {result.total} "
            f"({wrong} of them misclassified; the right intent among the options offered: {offered}); "
            f"misclassified and acted on: {sum(not p.correct and not p.clarify for p in result.predictions)}"
        )
        out.write("(accuracy counts the best guess even where the bot would ask first)")

    def _json_lines(self, result: Evaluation, name: str) -> None:
        for row in result.summary(name):
            self.stdout.write(json.dumps(row, ensure_ascii=False))

    def _crossval(self, folds: int, seed: int) -> None:
        out = self.stdout
        results = dict(leave_one_set_out())
        results[f"stratified {folds}-fold (seed {seed})"] = stratified_kfold(k=folds, seed=seed)
        for name, result in results.items():
            title = name if "fold" in name else f"{name} (trained on the other files)"
            out.write(f"{title}: {result.correct}/{result.total} correct, accuracy {result.accuracy:.1%}")
            self._calibration(result)
        for name, result in results.items():
            self._json_lines(result, name)

    def _evaluate(self, path: Path, split: str, show_errors: bool, min_accuracy: float | None) -> None:
        result = self._load_and_evaluate(path, split)
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
            for p in result.predictions:
                if not p.correct:
                    out.write(f"  [{p.expected} -> {p.got} {p.confidence:.2f}] {p.text}")
        self._calibration(result)
        self._json_lines(result, f"{path.name} ({split})" if split != "all" else path.name)
        if min_accuracy is not None and result.accuracy < min_accuracy:
            raise CommandError(f"accuracy {result.accuracy:.1%} is below {min_accuracy:.1%}")
