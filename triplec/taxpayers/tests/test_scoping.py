import pytest

from triplec.accounts.roles import Role
from triplec.ledger.models import DebtDocument
from triplec.taxpayers.selectors import scoped_to_user, search_taxpayers, visible_taxpayers
from triplec.taxpayers.services import contact_set_number
from triplec.tests.support import make_document, make_office, make_taxpayer, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_offices():
    kupang, atambua = make_office("922"), make_office("923", "KPP Pratama Atambua")
    return kupang, atambua, make_taxpayer(kupang, name="Yohanes Kupang"), make_taxpayer(atambua, name="Maria Atambua")


def test_staff_see_only_their_own_office(two_offices):
    kupang, _, in_kupang, _ = two_offices
    staff = make_user("staf", Role.COLLECTION_STAFF, office=kupang)
    assert list(visible_taxpayers(staff)) == [in_kupang]


def test_administrators_see_every_office(two_offices):
    admin = make_user("admin", Role.ADMINISTRATOR)
    assert visible_taxpayers(admin).count() == 2


def test_a_user_without_office_or_role_sees_nothing(two_offices):
    assert visible_taxpayers(make_user("nobody")).count() == 0


def test_the_office_rule_applies_to_documents_too(two_offices):
    kupang, _, in_kupang, in_atambua = two_offices
    mine, _theirs = make_document(in_kupang), make_document(in_atambua)
    staff = make_user("staf", Role.COLLECTION_STAFF, office=kupang)
    assert list(scoped_to_user(DebtDocument.objects.all(), staff)) == [mine]


def test_it_finds_a_taxpayer_by_npwp_in_any_layout(two_offices):
    kupang, _, in_kupang, _ = two_offices
    staff = make_user("staf", Role.COLLECTION_STAFF, office=kupang)
    n = in_kupang.npwp15
    dotted = f"{n[:2]}.{n[2:5]}.{n[5:8]}.{n[8]}-{n[9:12]}.{n[12:]}"
    for query in (dotted, n, in_kupang.npwp16, n[:9]):
        assert list(search_taxpayers(staff, query)) == [in_kupang], query


def test_it_finds_a_taxpayer_by_name_or_phone_but_never_across_offices(two_offices):
    kupang, _, in_kupang, in_atambua = two_offices
    contact_set_number(taxpayer=in_kupang, phone="+6281234567890", source="registration")
    contact_set_number(taxpayer=in_atambua, phone="+6281234567890", source="registration")
    staff = make_user("staf", Role.COLLECTION_STAFF, office=kupang)
    assert list(search_taxpayers(staff, "yohanes")) == [in_kupang]
    assert list(search_taxpayers(staff, "0812-3456-7890")) == [in_kupang]
    assert list(search_taxpayers(staff, "maria")) == []
