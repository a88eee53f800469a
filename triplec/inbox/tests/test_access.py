"""Need-to-know: every inbox URL and API answers 404 for a conversation the user may not see."""

import pytest
from django.test import Client
from django.urls import reverse

from triplec.accounts.roles import Role
from triplec.audit.models import AuditEntry
from triplec.conversations.models import ConversationState
from triplec.inbox.urls import ALL_ROUTES
from triplec.tests.support import make_user

from .factories import conversation, office_pair, officer, taxpayer_with_contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    office, other_office = office_pair()
    a = officer("petugas_a", office)
    b = officer("petugas_b", office)
    head = make_user("kasi", Role.SECTION_HEAD, office=office)
    far = officer("petugas_far", other_office)
    tp = taxpayer_with_contact(office)
    mine = conversation(office, taxpayer=tp, assigned_to=a, state=ConversationState.OPEN)
    theirs = conversation(office, wa_id="6281200000002", assigned_to=b, state=ConversationState.OPEN)
    free = conversation(office, wa_id="6281200000003")
    elsewhere = conversation(other_office, wa_id="6281200000004")
    return dict(a=a, b=b, head=head, far=far, mine=mine, theirs=theirs, free=free, elsewhere=elsewhere)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _calls(pk: int):
    """Every conversation URL with the method it answers to."""
    post = {"reply", "template", "note", "resolve", "reopen", "assign", "billing", "contact_status", "task_done"}
    for name, needs_pk in ALL_ROUTES:
        if not needs_pk:
            continue
        kwargs = {"pk": pk}
        if name == "quick_reply_fill":
            kwargs["reply_pk"] = 1
        yield name, ("post" if name in post else "get"), reverse(f"inbox:{name}", kwargs=kwargs)


def test_it_answers_404_on_every_url_for_another_officers_conversation(world):
    client = _client(world["a"])
    for target in ("theirs", "elsewhere"):
        for name, method, url in _calls(world[target].pk):
            response = getattr(client, method)(url, {"text": "x", "officer": "me", "status": "opt_out"})
            assert response.status_code == 404, (target, name, response.status_code)
    world["theirs"].refresh_from_db()
    assert world["theirs"].assigned_to == world["b"] and world["theirs"].state == ConversationState.OPEN


def test_it_lets_an_officer_see_own_and_unassigned_conversations_of_the_office(world):
    client = _client(world["a"])
    assert client.get(reverse("inbox:conversation", args=[world["mine"].pk])).status_code == 200
    assert client.get(reverse("inbox:conversation", args=[world["free"].pk])).status_code == 200
    listed = {c["id"] for c in client.get(reverse("inbox:queue_json") + "?view=open").json()["conversations"]}
    listed |= {c["id"] for c in client.get(reverse("inbox:queue_json") + "?view=unassigned").json()["conversations"]}
    assert listed == {world["mine"].pk, world["free"].pk}
    # The office-wide view is for section heads: an officer asking for it gets their own queue.
    office_view = client.get(reverse("inbox:queue_json") + "?view=office").json()
    assert office_view["view"] == "mine"
    assert {c["id"] for c in office_view["conversations"]} == {world["mine"].pk}


def test_it_shows_a_section_head_the_whole_office_and_nothing_else(world):
    client = _client(world["head"])
    ids = {c["id"] for c in client.get(reverse("inbox:queue_json") + "?view=office").json()["conversations"]}
    assert ids == {world["mine"].pk, world["theirs"].pk, world["free"].pk}
    assert client.get(reverse("inbox:conversation", args=[world["theirs"].pk])).status_code == 200
    for name, method, url in _calls(world["elsewhere"].pk):
        assert getattr(client, method)(url).status_code == 404, name


def test_it_answers_404_to_staff_without_an_inbox_role_and_redirects_strangers(world):
    bailiff = make_user("jurusita", Role.BAILIFF, office=world["mine"].office)
    client = _client(bailiff)
    for url in (
        reverse("inbox:inbox"),
        reverse("inbox:queue_json"),
        reverse("inbox:queue_fragment"),
        reverse("inbox:quick_replies"),
        reverse("inbox:conversation", args=[world["free"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert Client().get(reverse("inbox:conversation", args=[world["free"].pk])).status_code == 302


def test_it_refuses_event_topics_of_conversations_the_user_may_not_see(world):
    from triplec.events.streams import allowed_topics

    topics = allowed_topics(
        world["a"],
        [
            f"conversation:{world['mine'].pk}",
            f"conversation:{world['theirs'].pk}",
            f"inboxheads:{world['mine'].office_id}",
        ],
    )
    assert f"conversation:{world['mine'].pk}" in topics
    assert f"conversation:{world['theirs'].pk}" not in topics
    assert f"inboxheads:{world['mine'].office_id}" not in topics
    head_topics = allowed_topics(
        world["head"], [f"inboxheads:{world['mine'].office_id}", f"inboxheads:{world['elsewhere'].office_id}"]
    )
    assert head_topics >= {f"inboxheads:{world['mine'].office_id}"}
    assert f"inboxheads:{world['elsewhere'].office_id}" not in head_topics


def test_it_audits_opening_a_conversation_with_its_taxpayer_panel(world):
    _client(world["a"]).get(reverse("inbox:conversation", args=[world["mine"].pk]))
    entry = AuditEntry.objects.filter(action="inbox.view").get()
    assert entry.actor == world["a"] and entry.taxpayer == world["mine"].taxpayer
