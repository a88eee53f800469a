import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from stdnum.id import nik as stdnum_nik

from triplec.accounts.models import User
from triplec.accounts.roles import Role
from triplec.core.identifiers import parse_npwp, parse_whatsapp_number
from triplec.demo.services import demo_build
from triplec.ledger.models import DebtDocument, DocumentState, Payment, SuratPaksa, SuratTeguran
from triplec.offices.models import Holiday, Office
from triplec.taxpayers.models import Contact, Taxpayer, TaxpayerFlag

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)


def snapshot() -> list[tuple]:
    taxpayers = list(
        Taxpayer.objects.order_by("npwp16").values_list("npwp16", "npwp15", "nik", "name", "address", "contact__phone")
    )
    documents = list(
        DebtDocument.objects.order_by("number").values_list("number", "kap", "amount_due", "state", "issue_date")
    )
    letters = list(SuratTeguran.objects.order_by("number").values_list("number", "issue_date", "delivered_date"))
    return [taxpayers, documents, letters, list(Payment.objects.order_by("ntpn").values_list("ntpn", "amount"))]


def test_it_is_deterministic_per_seed():
    demo_build(taxpayers=120, seed=7, today=TODAY)
    first = snapshot()
    demo_build(taxpayers=120, seed=7, today=TODAY, force=True)
    assert snapshot() == first
    demo_build(taxpayers=120, seed=8, today=TODAY, force=True)
    assert snapshot()[0] != first[0]


def test_it_builds_a_realistic_kpp_pratama_kupang():
    summary = demo_build(taxpayers=400, seed=922, today=TODAY)
    office = Office.objects.get(code="922")
    assert (office.name, office.phone, office.time_zone) == ("KPP Pratama Kupang", "0380-821123", "Asia/Makassar")
    assert "Jl. Palapa No. 8" in office.address
    assert (
        Holiday.objects.filter(date=dt.date(2026, 8, 17)).exists()
        and Holiday.objects.filter(date__year=2027).count() >= 12
    )
    for username, role in [
        ("admin", Role.ADMINISTRATOR),
        ("kakpp", Role.OFFICE_HEAD),
        ("kasi", Role.SECTION_HEAD),
        ("staf", Role.COLLECTION_STAFF),
        ("ar1", Role.ACCOUNT_REPRESENTATIVE),
        ("ar2", Role.ACCOUNT_REPRESENTATIVE),
        ("petugas1", Role.SERVICE_OFFICER),
        ("petugas2", Role.SERVICE_OFFICER),
        ("jurusita", Role.BAILIFF),
    ]:
        user = User.objects.get(username=username)
        assert user.has_role(role) and user.office == office and user.check_password("demo12345"), username
    assert User.objects.get(username="admin").is_superuser and User.objects.get(username="admin").is_staff
    assert not User.objects.get(username="staf").is_staff

    taxpayers = list(Taxpayer.objects.all())
    assert len(taxpayers) == summary.taxpayers == 400
    for t in taxpayers:
        parsed = parse_npwp(t.npwp16)
        assert parsed.npwp16 == t.npwp16 and parsed.warning is None
        if t.npwp15:
            assert parse_npwp(t.npwp15).warning is None  # legacy numbers carry a correct check digit
        if t.nik:
            stdnum_nik.validate(t.nik)
            assert t.nik[:4] in ("5371", "5301")
        assert "Kupang" in t.city and "Kel. " in t.address
    assert any(t.name.startswith(("CV ", "PT ")) for t in taxpayers)
    assert any(int(t.nik[6:8]) > 40 for t in taxpayers if t.nik)  # women: day of birth + 40

    phones = list(Contact.objects.values_list("phone", flat=True))
    assert all(parse_whatsapp_number(p) == p and p.startswith("+628") for p in phones)
    without = Taxpayer.objects.filter(contact__isnull=True).count()
    assert 0.04 * 400 < without < 0.18 * 400
    shared = Contact.objects.values("phone").annotate(n=Count("id")).filter(n__gt=1)
    assert shared.exists() and all(2 <= s["n"] <= 4 for s in shared)

    docs = DebtDocument.objects.all()
    assert docs.values("document_type").distinct().count() >= 5 and docs.values("kap").distinct().count() >= 5
    assert docs.filter(amount_due__gt=0).exists() and all(
        d.due_date == DebtDocument.default_due_date(d.issue_date) for d in docs
    )
    states = set(docs.values_list("state", flat=True))
    assert {DocumentState.OPEN, DocumentState.PAID, DocumentState.INSTALMENT, DocumentState.OBJECTION} <= states
    assert SuratTeguran.objects.filter(delivered_date__isnull=False).exists()
    assert SuratTeguran.objects.filter(delivered_date__lt=TODAY - dt.timedelta(days=21)).exists()
    assert SuratPaksa.objects.exists() and TaxpayerFlag.objects.exists()
    assert all(p.allocations.exists() and len(p.ntpn) == 16 for p in Payment.objects.all())
    for st in SuratTeguran.objects.prefetch_related("documents")[:100]:
        assert all((st.issue_date - d.due_date).days >= 7 for d in st.documents.all())


def test_it_refuses_to_load_twice_unless_forced():
    call_command("demo_data", taxpayers=5, seed=1)
    with pytest.raises(CommandError, match="already holds 5 taxpayers"):
        call_command("demo_data", taxpayers=5, seed=1)
    call_command("demo_data", taxpayers=6, seed=1, force=True)
    assert Taxpayer.objects.count() == 6
