"""One taxpayer, one office: the two debt figures agree on every screen that shows them (ledger/selectors.py)."""

import pytest

from triplec.accounts.roles import Role
from triplec.conversations import answers
from triplec.conversations.bot import _owed_documents
from triplec.inbox.selectors import taxpayer_panel
from triplec.inbox.tests.factories import conversation, taxpayer_with_contact
from triplec.ledger.models import DocumentState
from triplec.tests.support import make_document, make_office, make_user

pytestmark = pytest.mark.django_db

OWED, COLLECTIBLE = 3_750_000, 1_500_000


@pytest.fixture
def taxpayer():
    office = make_office()
    t = taxpayer_with_contact(office)
    make_document(t, number="D-OPEN", amount=1_500_000)
    make_document(t, number="D-INSTALMENT", amount=1_250_000, state=DocumentState.INSTALMENT)
    make_document(t, number="D-OBJECTION", amount=1_000_000, state=DocumentState.OBJECTION)
    make_document(t, number="D-PAID", amount=0, principal=700_000, state=DocumentState.PAID)
    make_document(t, number="D-CANCELLED", amount=800_000, state=DocumentState.CANCELLED)
    return t


def test_it_shows_the_same_owed_and_collectible_figures_on_every_screen(client, taxpayer):
    client.force_login(make_user("kasi", Role.SECTION_HEAD, office=taxpayer.office))

    dashboard = client.get("/").context["d"]
    debts = client.get("/debts/").context
    page = client.get(f"/taxpayers/{taxpayer.pk}/").context
    search = client.get("/taxpayers/", {"q": taxpayer.name, "page": 1}).context["page"].object_list[0]
    panel = taxpayer_panel(conversation(taxpayer.office, taxpayer=taxpayer))
    bot_documents = _owed_documents(taxpayer)

    assert (dashboard.owed.amount, dashboard.collectible.amount) == (OWED, COLLECTIBLE)
    assert (debts["owed"].amount, debts["collectible"].amount) == (OWED, COLLECTIBLE)
    assert (page["owed"].amount, page["collectible"].amount) == (OWED, COLLECTIBLE)
    assert search.owed == OWED
    assert (panel["owed"].amount, panel["collectible"].amount) == (OWED, COLLECTIBLE)
    assert sum(d.amount_due for d in panel["documents"]) == OWED
    assert sum(d.amount_due for d in bot_documents) == OWED
    assert "Total masih harus dibayar: Rp3.750.000" in answers.rincian(taxpayer, bot_documents, [], [])


def test_it_labels_the_two_figures_distinctly_in_indonesian(client, taxpayer):
    client.force_login(make_user("kasi", Role.SECTION_HEAD, office=taxpayer.office))
    for url in ("/", "/debts/", f"/taxpayers/{taxpayer.pk}/"):
        body = client.get(url).content.decode()
        assert "Masih harus dibayar" in body and "Dapat ditagih sekarang" in body, url
        assert 'data-figure="owed">Rp3.750.000<' in body and 'data-figure="collectible">Rp1.500.000<' in body, url
