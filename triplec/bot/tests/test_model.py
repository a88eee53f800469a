"""The n-gram model and how the classifier combines it with the rules."""

import threading

import numpy as np
import scipy.sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from triplec.bot.nlu import classify, model
from triplec.bot.nlu.data import LABELLED, load_labelled
from triplec.bot.nlu.evaluation import leave_one_set_out, stratified_kfold
from triplec.bot.nlu.model import CHAR_NGRAMS, MIN_DF, WORD_NGRAMS, C, default_model, model_text, train
from triplec.bot.nlu.normalise import normalise

ROWS = [
    ("minta kode billing dong", "kode_billing"),
    ("kode billing nya kirim ya", "kode_billing"),
    ("mau bayar pakai kode billing", "kode_billing"),
    ("sudah bayar kemarin", "sudah_bayar"),
    ("sdh bayar lunas pak", "sudah_bayar"),
    ("sudah lunas di bank", "sudah_bayar"),
    ("halo selamat pagi", "salam"),
    ("pagi kak halo", "salam"),
    ("selamat siang halo", "salam"),
]


def test_its_fast_scoring_equals_scikit_learns() -> None:
    model = train(ROWS)
    texts = [normalise(text).text for text, _ in ROWS]
    vectorisers = (
        TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=MIN_DF, sublinear_tf=True),
        TfidfVectorizer(
            analyzer="word", ngram_range=WORD_NGRAMS, min_df=MIN_DF, sublinear_tf=True, token_pattern=r"\S+"
        ),
    )
    matrix = scipy.sparse.hstack([v.fit_transform(texts) for v in vectorisers]).tocsr()
    reference = LogisticRegression(C=C, max_iter=3000, random_state=0).fit(matrix, [i for _, i in ROWS])
    probes = ["kirim kode billing", "sy sudah bayar", "halo", "zzz tidak dikenal", ""]
    expected = reference.predict_proba(scipy.sparse.hstack([v.transform(probes) for v in vectorisers]).tocsr())
    for probe, row in zip(probes, expected, strict=True):
        got = model.probabilities(probe)
        assert np.allclose([got[c] for c in reference.classes_], row, atol=1e-9), probe


def test_it_trains_deterministically() -> None:
    first, second = train(ROWS), train(list(ROWS))
    assert first.probabilities("bayar kode") == second.probabilities("bayar kode")
    assert first.intents == ("kode_billing", "salam", "sudah_bayar")


def test_the_default_model_is_built_once_from_every_training_file() -> None:
    assert default_model() is default_model()
    assert default_model().size >= 1800


def test_a_receipt_number_reaches_the_model_as_a_word() -> None:
    assert model_text("sudah bayar", True) == "sudah bayar ntpn"
    assert model_text("sudah bayar", False) == "sudah bayar"
    assert classify("8C4E1A9B7D3F2E6A").intent == "sudah_bayar"


def test_it_explains_the_model_next_to_the_rules() -> None:
    result = classify("sy blm bayar, minta kode billing")
    assert "kode_billing:billing" in result.matched
    assert result.matched[-1].startswith("model:kode_billing ")


def test_it_understands_phrasings_no_rule_was_written_for() -> None:
    """Phrasings that fire no rule of their intent (the second fires a scam rule on "isi pulsa"): the model
    carries them."""
    for text, intent in [
        ("mas yang layani saya kemarin attitude nya jelek banget, mohon dievaluasi", "pengaduan"),
        ("yang punya usaha itu su pulang kampung, hp ini sekarang beta yang isi pulsa", "salah_nomor"),
        ("sy baru bisa lunasi abis dapat THR ya pak", "angsuran"),
    ]:
        result = classify(text)
        assert result.intent == intent, (text, result)
        assert not any(name.startswith(intent + ":") for name in result.matched[:-1]), result.matched


def test_short_messages_without_clear_evidence_are_not_acted_on() -> None:
    for text in ("bayar", "sudah", "kirim"):
        assert classify(text).confidence < 0.85, text


def test_stratified_kfold_scores_every_message_once() -> None:
    result = stratified_kfold(files=(LABELLED,), k=2)
    assert result.total == len(load_labelled(LABELLED))
    assert result.accuracy >= 0.85
    assert not result.confident_misses()


def test_leave_one_set_out_scores_each_file_with_a_model_that_never_saw_it(tmp_path) -> None:
    first, second = tmp_path / "first.tsv", tmp_path / "second.tsv"
    first.write_text("".join(f"{text}\t{intent}\n" for text, intent in ROWS[::2]), encoding="utf-8")
    second.write_text("".join(f"{text}\t{intent}\n" for text, intent in ROWS[1::2]), encoding="utf-8")
    results = leave_one_set_out((first, second))
    assert list(results) == ["first.tsv", "second.tsv"]
    assert results["first.tsv"].total == 5 and results["second.tsv"].total == 4
    assert results["second.tsv"].accuracy >= 0.75


def test_the_warm_up_runs_the_other_first_uses_before_training_in_its_thread_even_when_one_fails(monkeypatch) -> None:
    """The web entry points warm WeasyPrint this way (docs/campaigns.md) before the model trains."""
    ran: list[tuple[str, str]] = []
    trained = threading.Event()

    def train_stub():
        ran.append(("model", threading.current_thread().name))
        trained.set()

    def broken():
        ran.append(("broken", threading.current_thread().name))
        raise RuntimeError("no fonts")

    monkeypatch.setattr(model, "default_model", train_stub)
    model.warm_up(broken, lambda: ran.append(("pdf", threading.current_thread().name)))
    assert trained.wait(timeout=30)
    assert ran == [(name, "intent-model-warm-up") for name in ("broken", "pdf", "model")]
