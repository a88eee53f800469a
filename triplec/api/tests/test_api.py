import datetime as dt
import json

import pytest

from triplec.api.models import ApiToken
from triplec.audit.models import AuditEntry
from triplec.ledger.models import DocumentState, Payment
from triplec.tests.support import make_document, make_office, make_taxpayer, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return make_office()


@pytest.fixture
def token(office):
    user = make_user("sidjp", "collection_staff", office=office)
    return ApiToken.issue(user=user, name="core system")[1]


def post(client, url, body, token=None, raw=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(
        url, data=raw if raw is not None else json.dumps(body), content_type="application/json", **headers
    )


def item(taxpayer, **fields):
    data = {
        "ntpn": "0A1B2C3D4E5F6G7H",
        "billing_code": "",
        "npwp": taxpayer.npwp16,
        "document_number": "",
        "kap": "411125",
        "kjs": "300",
        "amount": 1_500_000,
        "paid_at": "2026-11-20T10:30:00+08:00",
        "bank": "BANK NTT",
    }
    data.update(fields)
    return data


def test_it_stores_only_the_hash_of_a_token(office):
    user = make_user("x", office=office)
    token, raw = ApiToken.issue(user=user, name="test")
    assert raw.startswith("tcc_") and raw not in token.token_hash and token.prefix == raw[:12]


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", "Basic abc", "Bearer "])
def test_it_refuses_requests_without_a_valid_token(client, header):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.post("/api/v1/payments", data="{}", content_type="application/json", **headers)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] in {"unauthenticated", "invalid_token"} and error["message"]


def test_it_refuses_a_revoked_token(client, office):
    token, raw = ApiToken.issue(user=make_user("y", "collection_staff", office=office), name="t")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert post(client, "/api/v1/payments", {}, raw).status_code == 401


def test_it_refuses_a_user_without_permission(client, office):
    raw = ApiToken.issue(user=make_user("svc", "service_officer", office=office), name="t")[1]
    response = post(client, "/api/v1/payments", {"ntpn": "x"}, raw)
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"


def test_it_records_one_payment_and_reports_the_match(client, office, token):
    taxpayer = make_taxpayer(office)
    doc = make_document(taxpayer, amount=1_500_000)
    response = post(client, "/api/v1/payments", item(taxpayer, document_number=doc.number), token)
    assert response.status_code == 200
    (result,) = response.json()["results"]
    assert result["status"] == "imported" and result["matched"] and result["match_method"] == "document_number"
    assert result["documents_paid"] == [doc.number]
    payment = Payment.objects.get()
    assert payment.source == "api" and payment.paid_at == dt.datetime(2026, 11, 20, 2, 30, tzinfo=dt.UTC)
    assert AuditEntry.objects.get(action="payment.import").channel == "api"
    again = post(client, "/api/v1/payments", item(taxpayer, document_number=doc.number), token)
    assert again.json()["results"][0]["status"] == "unchanged"


def test_it_returns_per_item_results_for_a_list(client, office, token):
    taxpayer = make_taxpayer(office)
    doc = make_document(taxpayer, amount=1_000_000)
    body = [
        item(taxpayer, ntpn="AAAA000000000001", document_number=doc.number, amount=1_000_000),
        item(taxpayer, ntpn="BAD"),
        item(taxpayer, ntpn="AAAA000000000002", billing_code="7" * 15),
        item(taxpayer, ntpn="AAAA000000000003", billing_code="0123"),
        item(taxpayer, ntpn="AAAA000000000004", amount=-10),
        item(taxpayer, ntpn="AAAA000000000005", npwp="0999999999999999"),
        item(taxpayer, ntpn="AAAA000000000006", paid_at="2026-11-20 10:30"),
        item(taxpayer, ntpn="AAAA000000000007", amount=10.5),
        "not an object",
    ]
    response = post(client, "/api/v1/payments", body, token)
    assert response.status_code == 200
    data = response.json()
    assert data["summary"] == {"imported": 1, "unchanged": 0, "rejected": 8}
    fields = [r.get("error", {}).get("field") for r in data["results"]]
    assert fields == [None, "ntpn", "billing_code", "billing_code", "amount", "npwp", "paid_at", "amount", "item"]
    assert all(r["error"]["message"] for r in data["results"][1:])
    assert Payment.objects.count() == 1


def test_it_answers_a_single_rejected_item_with_422(client, office, token):
    taxpayer = make_taxpayer(office)
    response = post(client, "/api/v1/payments", item(taxpayer, amount=0), token)
    assert response.status_code == 422 and response.json()["results"][0]["error"]["field"] == "amount"


def test_it_refuses_payments_of_another_offices_taxpayer(client, token):
    foreign = make_taxpayer(make_office("907", "KPP Pratama Atambua"))
    response = post(client, "/api/v1/payments", item(foreign), token)
    assert response.json()["results"][0]["error"]["field"] == "npwp" and not Payment.objects.exists()


def test_it_answers_another_offices_npwp_word_for_word_as_an_unknown_one(client, token):
    from triplec.tests.support import valid_npwp15

    foreign = make_taxpayer(make_office("907", "KPP Pratama Atambua"))
    unknown_npwp = "0" + valid_npwp15(kpp="907")
    errors = []
    for npwp in (foreign.npwp16, unknown_npwp):
        body = {**item(foreign), "npwp": npwp}
        error = post(client, "/api/v1/payments", body, token).json()["results"][0]["error"]
        errors.append({**error, "message": error["message"].replace(npwp, "<npwp>")})
    assert errors[0] == errors[1] and "kantor" not in errors[0]["message"]
    assert not Payment.objects.exists()


def test_it_reports_malformed_json(client, token):
    response = post(client, "/api/v1/payments", None, token, raw="{not json")
    assert response.status_code == 400 and response.json() == {
        "error": {"code": "invalid_json", "message": response.json()["error"]["message"]}
    }


def test_it_refuses_other_methods(client, token):
    response = client.get("/api/v1/payments", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


def test_it_clears_a_paid_document_through_the_api(client, office, token):
    taxpayer = make_taxpayer(office)
    doc = make_document(taxpayer, number="00012/107/25/922/26", amount=700)
    url = f"/api/v1/documents/922/{doc.number}/clear"
    refused = post(client, url, {}, token)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "balance_not_zero"
    post(client, "/api/v1/payments", item(taxpayer, document_number=doc.number, amount=700), token)
    response = post(client, url, {}, token)
    assert response.status_code == 200
    assert response.json()["state"] == "cleared" and response.json()["changed"] is True
    doc.refresh_from_db()
    assert doc.state == DocumentState.CLEARED
    assert post(client, url, {}, token).json()["changed"] is False


def test_it_hides_documents_of_another_office(client, token):
    other = make_office("907", "KPP Pratama Atambua")
    doc = make_document(make_taxpayer(other), number="X-1", amount_due=0, state=DocumentState.PAID)
    response = post(client, f"/api/v1/documents/907/{doc.number}/clear", {}, token)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    doc.refresh_from_db()
    assert doc.state == DocumentState.PAID


def test_it_shows_a_new_token_once_in_the_admin(client, office):
    admin = make_user("root", "administrator", office=office)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post("/admin/api/apitoken/add/", {"user": admin.pk, "name": "SIDJP"}, follow=True)
    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    raw = shown[0].rsplit(" ", 1)[-1]
    from triplec.api.models import hash_token

    assert hash_token(raw) == token.token_hash


def test_it_refuses_a_payment_time_in_the_future_with_a_clear_error(client, office, token):
    from django.utils import timezone

    taxpayer = make_taxpayer(office)
    doc = make_document(taxpayer)
    later = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    response = post(client, "/api/v1/payments", item(taxpayer, document_number=doc.number, paid_at=later), token)
    assert response.status_code == 422
    error = response.json()["results"][0]["error"]
    assert error["field"] == "paid_at" and "masa depan" in error["message"]
    assert not Payment.objects.exists()


def test_it_accepts_a_payment_time_a_little_ahead_as_clock_skew(client, office, token):
    from django.utils import timezone

    taxpayer = make_taxpayer(office)
    doc = make_document(taxpayer)
    skewed = (timezone.now() + dt.timedelta(minutes=2)).isoformat()
    response = post(client, "/api/v1/payments", item(taxpayer, document_number=doc.number, paid_at=skewed), token)
    assert response.status_code == 200 and response.json()["summary"]["imported"] == 1
