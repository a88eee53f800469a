import pytest
from django.utils import translation

from triplec.messaging.models import Template
from triplec.messaging.registry import (
    TemplateParamsError,
    from_meta,
    render_template,
    template_category_webhook,
    template_save,
    template_send_body,
    template_status_webhook,
    to_meta,
)

from .factories import make_channel, make_template

pytestmark = pytest.mark.django_db


def test_it_renders_the_text_the_phone_shows():
    channel = make_channel()
    template = make_template(
        channel,
        header_type="TEXT",
        header_text="Tagihan {{1}}",
        body="Yth. {{1}}, utang Anda {{2}}.",
        footer="KPP Pratama Kupang",
    )
    text = render_template(template, {"header": ["PPh"], "body": ["Budi", "Rp1.500.000"]})
    assert text == "Tagihan PPh\n\nYth. Budi, utang Anda Rp1.500.000.\n\nKPP Pratama Kupang"


def test_it_renders_named_parameters():
    template = make_template(make_channel(), parameter_format="NAMED", body="Yth. {{nama}}, sisa {{jumlah}}.")
    assert render_template(template, {"nama": "Ani", "jumlah": "Rp10"}) == "Yth. Ani, sisa Rp10."


def test_it_refuses_a_wrong_parameter_count_or_format():
    template = make_template(make_channel())
    with translation.override("en"), pytest.raises(TemplateParamsError, match="needs 0 header and 2 body"):
        render_template(template, ["Budi"])
    with translation.override("id"), pytest.raises(TemplateParamsError, match="memerlukan 0 parameter header"):
        render_template(template, ["Budi"])
    with pytest.raises(TemplateParamsError, match="positional"):
        render_template(template, "Budi")
    named = make_template(template.channel, name="n1", parameter_format="NAMED", body="Hi {{nama}}")
    with translation.override("en"), pytest.raises(TemplateParamsError, match="missing parameters"):
        render_template(named, {"name": "x"})


def test_it_builds_send_components_with_named_params_and_a_document_header():
    template = make_template(
        make_channel(),
        parameter_format="NAMED",
        header_type="DOCUMENT",
        body="Yth. {{nama}}",
        buttons=[{"type": "QUICK_REPLY", "text": "Bayar"}],
    )
    body = template_send_body(
        template,
        {"nama": "Ani"},
        document={"link": "https://x/st.pdf", "filename": "st.pdf"},
        button_payloads=["PAY:1"],
    )
    components = body["template"]["components"]
    assert body["template"]["language"] == {"policy": "deterministic", "code": "id"}
    assert components[0] == {
        "type": "header",
        "parameters": [{"type": "document", "document": {"link": "https://x/st.pdf", "filename": "st.pdf"}}],
    }
    assert components[1]["parameters"] == [{"type": "text", "text": "Ani", "parameter_name": "nama"}]
    assert components[2] == {
        "type": "button",
        "sub_type": "quick_reply",
        "index": "0",
        "parameters": [{"type": "payload", "payload": "PAY:1"}],
    }
    with pytest.raises(TemplateParamsError, match="document header"):
        template_send_body(template, {"nama": "Ani"})


def test_it_makes_a_new_version_when_the_content_changes_and_not_for_a_status():
    channel = make_channel()
    first, new = template_save(channel=channel, name="t", body="A {{1}}", status="PENDING")
    assert new and first.version == 1
    same, new = template_save(channel=channel, name="t", body="A {{1}}", status="APPROVED")
    assert not new and same.pk == first.pk and same.status == "APPROVED"
    second, new = template_save(channel=channel, name="t", body="B {{1}}")
    assert new and second.version == 2 and second.status == "APPROVED"
    assert list(Template.objects.filter(name="t").values_list("version", "is_current")) == [(2, True), (1, False)]


def test_it_reads_and_writes_metas_template_json():
    data = {
        "id": "55",
        "name": "kode_billing_v1",
        "language": "id",
        "status": "APPROVED",
        "category": "UTILITY",
        "components": [
            {"type": "HEADER", "format": "TEXT", "text": "Kode {{1}}"},
            {"type": "BODY", "text": "Yth. {{1}} {{2}}"},
            {"type": "FOOTER", "text": "KPP"},
            {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Sudah bayar"}]},
        ],
    }
    fields = from_meta(data)
    assert fields["header_type"] == "TEXT" and fields["buttons"] == [{"type": "QUICK_REPLY", "text": "Sudah bayar"}]
    template = make_template(make_channel(), **{k: v for k, v in fields.items() if k != "language"})
    out = to_meta(template)
    assert out["components"][1] == {
        "type": "BODY",
        "text": "Yth. {{1}} {{2}}",
        "example": {"body_text": [["contoh 1", "contoh 2"]]},
    }


def test_it_follows_status_and_category_webhooks():
    template = make_template(make_channel(), meta_id="77")
    template_status_webhook(
        channel=template.channel,
        value={
            "event": "PAUSED",
            "message_template_id": 77,
            "message_template_name": template.name,
            "reason": "LOW_QUALITY",
        },
    )
    template.refresh_from_db()
    assert (template.status, template.status_reason) == ("PAUSED", "LOW_QUALITY")
    template_category_webhook(
        channel=template.channel, value={"message_template_id": 77, "correct_category": "MARKETING"}
    )
    template.refresh_from_db()
    assert template.category == "UTILITY"  # the impending notice changes nothing
    template_category_webhook(
        channel=template.channel,
        value={"message_template_id": 77, "previous_category": "UTILITY", "new_category": "MARKETING"},
    )
    template.refresh_from_db()
    assert template.category == "MARKETING"
