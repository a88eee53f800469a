import datetime as dt

import pytest

from triplec.campaigns.models import Target
from triplec.campaigns.selection import build_selection
from triplec.campaigns.services import campaign_approve, campaign_create, campaign_start
from triplec.ledger.models import DocumentState, SuratPaksa
from triplec.taxpayers.models import FlagKind, TaxpayerFlag

from .conftest import NOW


def _campaign(office, staff, criterion="a", **fields):
    fields.setdefault("frequency_cap_days", 0)
    return campaign_create(office=office, maker=staff, name="Uji", criterion=criterion, **fields)


def _reasons(campaign):
    sel = build_selection(campaign, now=NOW)
    return {c.letter_id: (c.reason or ("held_out" if c.held_out else "queued")) for c in sel.candidates}


@pytest.mark.django_db
def test_it_selects_newly_issued_letters_under_criterion_a(office, staff, approved_templates, letter_factory):
    new = letter_factory(issued=dt.date(2026, 10, 2))
    old = letter_factory(issued=dt.date(2026, 9, 1))
    result = _reasons(_campaign(office, staff, days=7))
    assert result == {new.pk: "queued"}
    assert old.pk not in result


@pytest.mark.django_db
def test_it_selects_delivered_unpaid_letters_under_criterion_b_only_before_surat_paksa_date(
    office, staff, approved_templates, letter_factory
):
    recent = letter_factory(issued=dt.date(2026, 9, 20), delivered=dt.date(2026, 9, 25))
    overdue = letter_factory(issued=dt.date(2026, 8, 20), delivered=dt.date(2026, 8, 25))
    undelivered = letter_factory(issued=dt.date(2026, 9, 20))
    result = _reasons(_campaign(office, staff, criterion="b", only_before_paksa=True))
    assert result == {recent.pk: "queued", overdue.pk: "past_paksa_date"}
    assert undelivered.pk not in result
    assert _reasons(_campaign(office, staff, criterion="b", only_before_paksa=False))[overdue.pk] == "queued"


@pytest.mark.django_db
def test_it_selects_an_uploaded_npwp_list_under_criterion_c(office, staff, approved_templates, letter_factory):
    a = letter_factory(issued=dt.date(2026, 5, 2))
    letter_factory(issued=dt.date(2026, 5, 2))  # not in the list
    listed = f"{a.taxpayer.npwp_display}\nbukan-npwp\n0999999999999999\n"
    campaign = _campaign(office, staff, criterion="c", npwp_list=listed)
    sel = build_selection(campaign, now=NOW)
    assert [(c.letter_id, c.reason) for c in sel.candidates] == [(a.pk, "")]
    assert sel.invalid_lines == ["bukan-npwp"]
    assert sel.unknown_npwps == ["0999999999999999"]


@pytest.mark.django_db
def test_it_applies_a_saved_filter_under_criterion_c(office, staff, approved_templates, letter_factory):
    from triplec.campaigns.models import SavedFilter

    ppn = letter_factory(kap="411211", amounts=(9_000_000,))
    letter_factory(kap="411125", amounts=(9_000_000,))
    letter_factory(kap="411211", amounts=(100_000,))
    saved = SavedFilter.objects.create(
        office=office, name="PPN besar", filters={"kaps": ["411211"], "amount_min": 1_000_000}
    )
    assert _reasons(_campaign(office, staff, criterion="c", saved_filter=saved)) == {ppn.pk: "queued"}


@pytest.mark.django_db
def test_it_filters_by_kap_amount_account_representative_and_letter_age(
    office, staff, approved_templates, letter_factory
):
    from triplec.tests.support import make_taxpayer, make_user

    ar = make_user("ar1", "account_representative", office=office)
    mine = letter_factory(
        kap="411211",
        amounts=(5_000_000,),
        taxpayer=make_taxpayer(office, account_representative=ar),
        issued=dt.date(2026, 10, 1),
    )
    letter_factory(kap="411211", amounts=(5_000_000,), issued=dt.date(2026, 10, 1))  # other AR
    campaign = _campaign(
        office,
        staff,
        kaps="411211",
        amount_min=1_000_000,
        amount_max=6_000_000,
        account_representative=ar,
        letter_age_min_days=2,
        letter_age_max_days=10,
    )
    assert _reasons(campaign) == {mine.pk: "queued"}
    campaign.letter_age_min_days = 6
    assert _reasons(campaign) == {}


@pytest.mark.django_db
def test_it_counts_every_exclusion_under_its_reason(office, staff, approved_templates, letter_factory):
    ok = letter_factory()
    instalment = letter_factory(state=DocumentState.INSTALMENT)
    objection = letter_factory(state=DocumentState.OBJECTION)
    flagged = {}
    for kind in (FlagKind.DECEASED, FlagKind.BANKRUPT, FlagKind.LIQUIDATION):
        flagged[kind] = letter_factory()
        TaxpayerFlag.objects.create(taxpayer=flagged[kind].taxpayer, kind=kind, reason="uji")
    expired_flag = letter_factory()
    TaxpayerFlag.objects.create(
        taxpayer=expired_flag.taxpayer, kind=FlagKind.DECEASED, reason="salah", expires_on=dt.date(2026, 1, 1)
    )
    paksa = letter_factory()
    SuratPaksa.objects.create(
        office=office, taxpayer=paksa.taxpayer, teguran=paksa, number="SP-1", issue_date=dt.date(2026, 10, 3)
    )
    small = letter_factory(amounts=(50_000,))
    no_contact = letter_factory(phone=None)
    opted = letter_factory(contact_status="opted_out")
    undeliverable = letter_factory(contact_status="undeliverable")
    wrong = letter_factory(contact_status="wrong_number")
    paid = letter_factory(state=DocumentState.PAID)
    result = _reasons(_campaign(office, staff, minimum_amount=100_000))
    assert result == {
        ok.pk: "queued",
        instalment.pk: "instalment",
        objection.pk: "objection",
        flagged[FlagKind.DECEASED].pk: "deceased",
        flagged[FlagKind.BANKRUPT].pk: "bankrupt",
        flagged[FlagKind.LIQUIDATION].pk: "liquidation",
        expired_flag.pk: "queued",
        paksa.pk: "paksa_stage",
        small.pk: "below_minimum",
        no_contact.pk: "no_contact",
        opted.pk: "opted_out",
        undeliverable.pk: "undeliverable",
        wrong.pk: "wrong_number",
    }
    assert paid.pk not in result  # paid documents never count
    # The Surat Paksa exclusion is configurable.
    assert _reasons(_campaign(office, staff, minimum_amount=100_000, exclude_paksa_stage=False))[paksa.pk] == "queued"


@pytest.mark.django_db
def test_it_excludes_taxpayers_contacted_within_the_frequency_cap_and_letters_already_messaged(
    office, staff, head, approved_templates, letter_factory
):
    first = letter_factory()
    campaign = _campaign(office, staff)
    campaign_approve(campaign=campaign, approver=head)
    campaign_start(campaign=campaign, actor=head, now=NOW)
    second_letter = letter_factory(taxpayer=first.taxpayer)
    again = _campaign(office, staff, frequency_cap_days=7)
    assert _reasons(again) == {first.pk: "already_messaged", second_letter.pk: "frequency_cap"}


@pytest.mark.django_db
def test_it_respects_the_reminder_interval_and_maximum_count_under_criterion_b(
    office, staff, head, approved_templates, letter_factory
):
    letter = letter_factory(issued=dt.date(2026, 9, 28), delivered=dt.date(2026, 10, 1))
    for days_later, expected in ((0, "queued"), (1, "reminder_interval"), (8, "queued"), (16, "reminder_limit")):
        now = NOW + dt.timedelta(days=days_later)
        campaign = _campaign(
            office, staff, criterion="b", reminder_interval_days=7, reminder_max_count=2, only_before_paksa=False
        )
        reason = build_selection(campaign, now=now).candidates[0].reason or "queued"
        assert reason == expected, days_later
        if reason == "queued":
            campaign_approve(campaign=campaign, approver=head)
            campaign_start(campaign=campaign, actor=head, now=now)
    assert Target.objects.filter(letter=letter, messaged=True).count() == 2
