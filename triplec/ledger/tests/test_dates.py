import datetime as dt

from triplec.ledger.models import DebtDocument, SuratTeguran, add_months


def test_it_defaults_the_due_date_to_one_month_after_issue():
    assert DebtDocument.default_due_date(dt.date(2026, 3, 15)) == dt.date(2026, 4, 15)


def test_it_clamps_the_due_date_to_the_end_of_a_shorter_month():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)


def test_it_derives_the_surat_paksa_date_from_delivery_never_from_input():
    letter = SuratTeguran(number="ST-1", issue_date=dt.date(2026, 11, 1))
    assert letter.surat_paksa_due_date is None
    letter.delivered_date = dt.date(2026, 11, 3)
    assert letter.surat_paksa_due_date == dt.date(2026, 11, 24)
