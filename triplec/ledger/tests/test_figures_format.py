"""The debt figures' document counts read the Indonesian way in the console (5.937, not 5937)."""

from django.template.loader import render_to_string
from django.utils import translation


def test_the_owed_and_collectible_figures_count_documents_with_thousand_dots():
    context = {
        "owed": {"amount": 41_376_850_400, "documents": 5_937},
        "collectible": {"amount": 38_090_895_300, "documents": 1_001},
    }
    with translation.override("id"):
        html = render_to_string("ledger/_debt_figures.html", context)
    assert "Rp41.376.850.400" in html and "5.937 dokumen." in html
    assert "1.001 dokumen terbuka" in html and "5937" not in html
