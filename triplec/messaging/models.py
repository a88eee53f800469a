"""The WhatsApp channel: per-office channels, the template registry, peers, inbound messages, the outbox, status
history and the webhook inbox."""

import json
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.core.fields import actor_fk, optional_fk
from triplec.core.masking import mask_contact
from triplec.settings import env

from . import shapes


def mask_secret(value: str) -> str:
    """What the UI and admin may show of a token or secret."""
    if not value:
        return "—"
    if len(value) <= 8:
        return "****"
    return f"{value[:4]}…{value[-4:]}"


class Channel(models.Model):
    """One WhatsApp business number of an office. Secrets are never stored here: they come from the
    environment (the named variable, or the WHATSAPP_* setting when no name is given)."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="whatsapp_channels", verbose_name=_("office")
    )
    phone_number_id = models.CharField(_("phone number id"), max_length=40, unique=True)
    display_number = models.CharField(_("display number"), max_length=40)
    waba_id = models.CharField(_("WhatsApp Business Account id"), max_length=40)
    base_url = models.URLField(_("base URL"), max_length=300)
    api_version = models.CharField(_("API version"), max_length=10, default="v25.0")
    provider = models.CharField(
        _("provider"),
        max_length=20,
        default="simulator",
        choices=[("cloudapi", "Meta Cloud API"), ("simulator", _("Local simulator"))],
    )
    messages_per_second = models.PositiveIntegerField(_("messages per second"), default=80)
    access_token_env = models.CharField(
        _("access token variable"),
        max_length=80,
        blank=True,
        help_text=_("Name of the environment variable holding the token; empty = WHATSAPP_ACCESS_TOKEN."),
    )
    app_secret_env = models.CharField(_("app secret variable"), max_length=80, blank=True)
    verify_token_env = models.CharField(_("verify token variable"), max_length=80, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("WhatsApp channel")
        verbose_name_plural = _("WhatsApp channels")

    def __str__(self) -> str:
        return f"{self.display_number} ({self.office.code})"

    def _secret(self, env_name: str, setting: str) -> str:
        if env_name:
            return env(env_name)
        return getattr(settings, setting)

    @property
    def access_token(self) -> str:
        return self._secret(self.access_token_env, "WHATSAPP_ACCESS_TOKEN")

    @property
    def app_secret(self) -> str:
        return self._secret(self.app_secret_env, "WHATSAPP_APP_SECRET")

    @property
    def verify_token(self) -> str:
        return self._secret(self.verify_token_env, "WHATSAPP_VERIFY_TOKEN")


class TemplateCategory(models.TextChoices):
    UTILITY = "UTILITY", _("utility")
    MARKETING = "MARKETING", _("marketing")
    AUTHENTICATION = "AUTHENTICATION", _("authentication")


class TemplateStatus(models.TextChoices):
    APPROVED = "APPROVED", _("approved")
    PENDING = "PENDING", _("pending")
    PAUSED = "PAUSED", _("paused")
    DISABLED = "DISABLED", _("disabled")
    REJECTED = "REJECTED", _("rejected")


class TemplateQuality(models.TextChoices):
    """Meta's quality score of a template, from the recipients' feedback: red ones are paused soon."""

    GREEN = "GREEN", _("high")
    YELLOW = "YELLOW", _("medium")
    RED = "RED", _("low")
    UNKNOWN = "UNKNOWN", _("not yet rated")


class Template(models.Model):
    """One version of a message template. A change of body, header, footer, buttons or parameter format is a
    new row with the next version number; only the newest row is `is_current`. Senders keep the row they used,
    so a letter sent last month can still be shown exactly as it was."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="templates")
    name = models.CharField(_("name"), max_length=512)
    language = models.CharField(_("language"), max_length=15, default="id")
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current"), default=True)
    meta_id = models.CharField(_("Meta template id"), max_length=40, blank=True)
    category = models.CharField(
        _("category"), max_length=20, choices=TemplateCategory.choices, default=TemplateCategory.UTILITY
    )
    parameter_format = models.CharField(
        _("parameter format"),
        max_length=10,
        default="POSITIONAL",
        choices=[("POSITIONAL", _("positional")), ("NAMED", _("named"))],
    )
    header_type = models.CharField(
        _("header"),
        max_length=10,
        default="NONE",
        choices=[("NONE", _("none")), ("TEXT", _("text")), ("DOCUMENT", _("document"))],
    )
    header_text = models.CharField(_("header text"), max_length=60, blank=True)
    body = models.TextField(_("body"))
    footer = models.CharField(_("footer"), max_length=60, blank=True)
    buttons = models.JSONField(_("quick-reply buttons"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TemplateStatus.choices, default=TemplateStatus.PENDING
    )
    status_reason = models.CharField(_("status reason"), max_length=300, blank=True)
    quality_rating = models.CharField(
        _("quality rating"), max_length=10, choices=TemplateQuality.choices, default=TemplateQuality.UNKNOWN
    )
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "name", "language", "version"], name="template_version_unique"),
            models.UniqueConstraint(
                fields=["channel", "name", "language"], condition=models.Q(is_current=True), name="template_one_current"
            ),
        ]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self) -> str:
        return f"{self.name} [{self.language}] v{self.version}"


class Peer(models.Model):
    """Someone on WhatsApp who wrote to (or was written to by) a channel: by phone (`wa_id`) and/or business-
    scoped user id. Linked to the taxpayers' registered contacts with that number (several taxpayers may share
    one); a peer with no contact is an unknown sender, kept so that staff can still answer."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="peers")
    wa_id = models.CharField(_("WhatsApp id (digits)"), max_length=20, blank=True, db_index=True)
    user_id = models.CharField(_("business-scoped user id"), max_length=140, blank=True, db_index=True)
    profile_name = models.CharField(_("profile name"), max_length=200, blank=True)
    contacts = models.ManyToManyField("taxpayers.Contact", blank=True, related_name="whatsapp_peers")
    last_inbound_at = models.DateTimeField(_("last message from the user"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("WhatsApp peer")
        verbose_name_plural = _("WhatsApp peers")

    def __str__(self) -> str:
        return mask_contact("+" + self.wa_id if self.wa_id else "", self.user_id)

    @property
    def is_unknown(self) -> bool:
        """No registered contact of the channel's own office (another office's is another relationship)."""
        return not self.contacts.filter(taxpayer__office_id=self.channel.office_id).exists()

    def window_open(self, at=None) -> bool:
        """The 24-hour customer-service window: free-form messages only while it is open."""
        at = at or timezone.now()
        return self.last_inbound_at is not None and at - self.last_inbound_at < WINDOW


WINDOW = timezone.timedelta(hours=24)


class InboundMessage(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="inbound_messages")
    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="inbound_messages")
    wamid = models.CharField(max_length=200, unique=True)
    type = models.CharField(max_length=20)
    text = models.TextField(blank=True, help_text=_("the text, button text or chosen row title"))
    reply_id = models.CharField(max_length=256, blank=True, help_text=_("quick-reply payload or interactive id"))
    context_wamid = models.CharField(max_length=200, blank=True)
    payload = models.JSONField(default=dict)
    sent_at = models.DateTimeField(help_text=_("the user's timestamp"))
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")


class Lane(models.IntegerChoices):
    """Lower goes first: a taxpayer waiting for an answer never waits behind a campaign."""

    REPLY = 0, _("reply")
    BULK = 1, _("bulk")


class State(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    DELIVERED = "delivered", _("delivered")
    READ = "read", _("read")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", _("expired")


# States a status webhook may move a message out of, towards the given state (forward only; failed terminal;
# a message once delivered or read cannot become failed).
FORWARD_FROM: dict[str, list[str]] = {
    State.SENT: [State.QUEUED, State.SENDING],
    State.DELIVERED: [State.QUEUED, State.SENDING, State.SENT],
    State.READ: [State.QUEUED, State.SENDING, State.SENT, State.DELIVERED],
    State.FAILED: [State.QUEUED, State.SENDING, State.SENT],
}


class BodyShape(models.Model):
    """A request body many messages share (a campaign's template message), with holes for what differs per
    message; the messages that use it store only their values (shapes.py)."""

    text = models.TextField(help_text=_("the Cloud API request body as JSON, with @@E_…@@ / @@R_…@@ holes"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message body shape")
        verbose_name_plural = _("message body shapes")


class OutboundMessage(models.Model):
    """One message we send, from the moment someone asks for it until its last status."""

    idempotency_key = models.CharField(max_length=200, unique=True)
    callback_id = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("sent as biz_opaque_callback_data; echoed in status webhooks"),
    )
    # No index of its own on channel, template or created_by: no query looks messages up by them alone (the
    # claim goes by outbox_claim, a conversation by number), and every index is written for each message of a
    # campaign start. Deleting a channel, template or user (rare; they are deactivated) scans instead.
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="outbound_messages", db_index=False)
    taxpayer = optional_fk("taxpayers.Taxpayer", on_delete=models.SET_NULL, related_name="whatsapp_messages")
    to = models.CharField(max_length=20, blank=True, help_text=_("digits, no +"))
    recipient = models.CharField(max_length=140, blank=True, help_text=_("business-scoped user id"))
    kind = models.CharField(max_length=20)
    payload = models.JSONField(help_text=_("the Cloud API request body; with a shape, only this message's values"))
    # No index: shapes are never deleted while a message uses them, and each index is written for every message.
    shape = optional_fk(BodyShape, on_delete=models.PROTECT, related_name="+", db_index=False)
    template = optional_fk(Template, on_delete=models.PROTECT, related_name="+", db_index=False)
    lane = models.PositiveSmallIntegerField(choices=Lane.choices, default=Lane.BULK)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    not_after = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    needs_resolution = models.BooleanField(
        default=False, help_text=_("an earlier attempt may have reached WhatsApp: ask before sending again")
    )
    wamid = models.CharField(max_length=200, blank=True, db_index=True)
    error_code = models.IntegerField(null=True, blank=True)
    error_reason = models.CharField(max_length=300, blank=True)
    pricing_category = models.CharField(max_length=40, blank=True)
    pricing_billable = models.BooleanField(null=True)
    pricing_type = models.CharField(max_length=40, blank=True)
    created_by = actor_fk(db_index=False)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "lane", "next_attempt_at"], name="outbox_claim"),
            # A conversation's messages, and the queued ones an opt-out fails, are found by number.
            models.Index(fields=["to"], name="outbox_to"),
            models.Index(fields=["recipient"], name="outbox_recipient"),
        ]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.state}"

    @property
    def body(self) -> dict:
        """The Cloud API request body: the payload, or the shape filled with the payload's values."""
        if self.shape_id is None:
            return self.payload
        return json.loads(
            shapes.cut(self.shape.text).fill(self.to or self.recipient, str(self.callback_id), self.payload)
        )


class MessageStatus(models.Model):
    """Every status webhook once: unique by (wamid, status) so retries and duplicates add nothing."""

    wamid = models.CharField(max_length=200)
    status = models.CharField(max_length=20)
    message = optional_fk(OutboundMessage, on_delete=models.CASCADE, related_name="statuses")
    timestamp = models.DateTimeField()
    error_code = models.IntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wamid", "status"], name="status_once")]
        verbose_name = _("message status")
        verbose_name_plural = _("message statuses")


class EventState(models.TextChoices):
    PENDING = "pending", _("pending")
    PROCESSED = "processed", _("processed")
    QUARANTINED = "quarantined", _("quarantined")
    DISCARDED = "discarded", _("discarded")


class QuarantineReason(models.TextChoices):
    """Why a signed body was put aside instead of processed (`schema.Poison.code`, plus giving up)."""

    NOT_UTF8 = "not_utf8", _("Not UTF-8 text")
    NUL_BYTE = "nul_byte", _("A NUL byte in the body")
    NOT_JSON = "not_json", _("Not valid JSON")
    TOO_DEEP = "too_deep", _("Nested too deep")
    BAD_TEXT = "bad_text", _("Text that cannot be stored")
    SHAPE = "shape", _("Not the shape of a Meta webhook")
    GAVE_UP = "gave_up", _("Processing kept failing")


class WebhookEvent(models.Model):
    """The webhook inbox: the raw body stored before we acknowledge, so nothing is lost if processing fails.

    pending → processed; or quarantined (a body that can never be processed as it is, with the reason: never
    retried by the loops; an administrator re-processes or discards it) → pending again or discarded."""

    body_hash = models.CharField(max_length=64, unique=True)
    body = models.TextField()
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # Not indexed: every query of it also asks `processed_at IS NULL` (indexed), and an index here cost every
    # webhook POST and every processed event one more B-tree write.
    state = models.CharField(_("state"), max_length=12, choices=EventState.choices, default=EventState.PENDING)
    reason_code = models.CharField(_("reason"), max_length=12, choices=QuarantineReason.choices, blank=True)
    reason = models.TextField(_("reason detail"), blank=True)
    quarantined_at = models.DateTimeField(_("quarantined at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    @property
    def body_altered(self) -> bool:
        """The stored body is not byte for byte what was received (made storable at intake): never processed."""
        return self.reason_code in (QuarantineReason.NOT_UTF8, QuarantineReason.NUL_BYTE)


class DispatcherHeartbeat(models.Model):
    """Each running dispatcher says it is alive every second: claims of a silent one are resolved and retried,
    and the channel's rate is shared among the live ones."""

    name = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(default=timezone.now)
