import pytest
from django.utils import translation

from triplec.audit.models import AuditEntry
from triplec.messaging.models import OutboundMessage, State
from triplec.messaging.services import MessagingError, channel_for_office, message_enqueue
from triplec.taxpayers.models import ContactSource, ContactStatus
from triplec.taxpayers.services import contact_set_number, contact_set_status
from triplec.tests.support import make_taxpayer

from .factories import make_channel, make_template, queue_template, queue_text

pytestmark = pytest.mark.django_db


def test_it_creates_the_office_channel_from_settings_on_first_use():
    from triplec.tests.support import make_office

    channel = channel_for_office(make_office())
    assert (channel.phone_number_id, channel.api_version, channel.messages_per_second) == (
        "922000000000001",
        "v25.0",
        80,
    )
    assert channel_for_office(channel.office).pk == channel.pk


def test_it_enqueues_idempotently_by_key():
    channel = make_channel()
    template = make_template(channel)
    first = queue_template(channel, "campaign:1:tp:9", template=template)
    again = queue_template(channel, "campaign:1:tp:9", template=template)
    assert first.pk == again.pk and OutboundMessage.objects.count() == 1
    assert first.payload["to"] == "6281234567890"
    assert first.payload["biz_opaque_callback_data"] == str(first.callback_id)
    assert first.template.version == 1


def test_it_addresses_a_business_scoped_user_id_as_recipient():
    channel = make_channel()
    message = queue_text(channel, key="r1", to="ID.1234567")
    assert message.payload["recipient"] == "ID.1234567" and "to" not in message.payload


@pytest.mark.parametrize(
    "kwargs,error",
    [
        (dict(kind="text", payload={"text": ""}), "empty"),
        (dict(kind="buttons", payload={"text": "x", "buttons": [["a", "x" * 21]]}), "title"),
        (dict(kind="fax", payload={}), "unknown message kind"),
        (dict(kind="template", params=["only one"]), "needs 0 header and 2 body"),
        (dict(kind="text", payload={"text": "x"}, to="12"), "neither"),
    ],
)
def test_it_refuses_bad_input_with_a_clear_error(kwargs, error):
    channel = make_channel()
    if kwargs["kind"] == "template":
        kwargs["template"] = make_template(channel)
    kwargs.setdefault("to", "+6281234567890")
    with translation.override("en"), pytest.raises(MessagingError, match=error):
        message_enqueue(channel=channel, idempotency_key="x", **kwargs)
    assert not OutboundMessage.objects.exists()


def test_it_refuses_a_template_that_is_not_approved():
    channel = make_channel()
    with pytest.raises(MessagingError, match="paused"):
        message_enqueue(
            channel=channel,
            to="+6281234567890",
            kind="template",
            idempotency_key="x",
            template=make_template(channel, status="PAUSED"),
            params=["a", "b"],
        )


def test_it_records_bulk_to_an_opted_out_taxpayer_as_failed_with_the_reason_and_audits_it():
    channel = make_channel()
    taxpayer = make_taxpayer(channel.office)
    contact, _ = contact_set_number(taxpayer=taxpayer, phone="+6281234567890", source=ContactSource.REGISTRATION)
    contact_set_status(contact=contact, status=ContactStatus.OPTED_OUT)
    message = queue_template(channel, "x", to=contact.phone, params=["a", "b"], taxpayer=taxpayer)
    assert message.state == State.FAILED and "menolak" in message.error_reason
    assert AuditEntry.objects.filter(action="whatsapp.enqueue", taxpayer=taxpayer).exists()
