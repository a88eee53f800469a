"""A conversation with one WhatsApp peer of one channel: its state machine (bot states, then the officer's
states of the live inbox), the taxpayer it is about, its counters and clocks; the bot's turns; staff tasks;
the identity guard that locks details after failed challenges."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.core.fields import actor_fk, optional_fk
from triplec.core.phrases import Phrase


class ConversationState(models.TextChoices):
    # The bot is talking.
    MENU = "menu", _("bot: menu")
    CHOOSING_TAXPAYER = "choosing_taxpayer", _("bot: choosing the taxpayer")
    CHALLENGE = "challenge", _("bot: identity challenge")
    CHOOSING_DOCUMENTS = "choosing_documents", _("bot: choosing documents")
    AWAITING_NTPN = "awaiting_ntpn", _("bot: waiting for the NTPN")
    # A person is (or will be) talking.
    WAITING_OFFICER = "waiting_officer", _("waiting for an officer")
    OPEN = "open", _("open")
    WAITING_TAXPAYER = "waiting_taxpayer", _("waiting for the taxpayer")
    RESOLVED = "resolved", _("resolved")


BOT_STATES = frozenset(
    {
        ConversationState.MENU,
        ConversationState.CHOOSING_TAXPAYER,
        ConversationState.CHALLENGE,
        ConversationState.CHOOSING_DOCUMENTS,
        ConversationState.AWAITING_NTPN,
    }
)
HUMAN_STATES = frozenset(
    {ConversationState.WAITING_OFFICER, ConversationState.OPEN, ConversationState.WAITING_TAXPAYER}
)


class Conversation(models.Model):
    """One open conversation per (channel, peer) at a time; a new one starts after it is resolved.

    The bot and the live inbox share this row: the bot moves it between its own states and hands it off
    (`waiting_officer`); officers then move it between `open`, `waiting_taxpayer` and `resolved`. Every write
    goes through `services.py` under a row lock, so concurrent webhooks for one contact see one state.
    """

    office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="conversations", verbose_name=_("office")
    )
    channel = models.ForeignKey(
        "messaging.Channel", on_delete=models.PROTECT, related_name="conversations", verbose_name=_("channel")
    )
    peer = models.ForeignKey(
        "messaging.Peer", on_delete=models.CASCADE, related_name="conversations", verbose_name=_("WhatsApp peer")
    )
    taxpayer = optional_fk(
        "taxpayers.Taxpayer",
        on_delete=models.SET_NULL,
        related_name="conversations",
        verbose_name=_("taxpayer"),
        help_text=_("the taxpayer this conversation is about; a shared number chooses"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ConversationState.choices, default=ConversationState.MENU, db_index=True
    )
    pending_intent = models.CharField(
        _("pending request"),
        max_length=20,
        blank=True,
        help_text=_("what the taxpayer asked for before a choice or a challenge"),
    )
    options = models.JSONField(
        _("options last offered"),
        default=list,
        blank=True,
        help_text=_("intents or ids in the order last shown, so a typed digit means one"),
    )
    assigned_to = optional_fk(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="conversations", verbose_name=_("assigned to")
    )
    handoff_reason = models.CharField(_("handoff reason"), max_length=40, blank=True)
    handoff_summary = models.TextField(_("handoff summary"), blank=True)
    handed_off_at = models.DateTimeField(_("handed off at"), null=True, blank=True)
    other_count = models.PositiveSmallIntegerField(_("consecutive unrecognised messages"), default=0)
    challenge_failures = models.PositiveSmallIntegerField(_("failed identity challenges"), default=0)
    challenge_kind = models.CharField(_("challenge asked"), max_length=20, blank=True)
    verified_taxpayer = optional_fk(
        "taxpayers.Taxpayer", on_delete=models.SET_NULL, related_name="+", verbose_name=_("identity confirmed for")
    )
    verified_at = models.DateTimeField(_("identity confirmed at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    last_message_at = models.DateTimeField(_("last message at"), default=timezone.now, db_index=True)
    last_inbound_at = models.DateTimeField(_("last message from the taxpayer"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-last_message_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "peer"], condition=~Q(state="resolved"), name="conversation_one_open_per_peer"
            ),
        ]
        indexes = [models.Index(fields=["office", "state", "-last_message_at"], name="conversation_queue")]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return f"#{self.pk} {self.peer} ({self.get_state_display()})"

    @property
    def is_bot(self) -> bool:
        return self.state in BOT_STATES

    @property
    def is_handed_off(self) -> bool:
        return self.state in HUMAN_STATES


# What the timeline calls each kind of event.
EVENT_KINDS = {
    "handoff": _("Handed to an officer"),
    "assigned": _("Assigned to"),
    "resolved": _("Resolved"),
    "reopened": _("Reopened"),
    "challenge": _("Identity question asked"),
    "challenge_passed": _("Identity question answered"),
    "identity_locked": _("Details locked"),
    "taxpayer_chosen": _("Taxpayer chosen"),
    "opt_out": _("Opted out of WhatsApp messages"),
    "opt_in": _("Opted in to WhatsApp messages again"),
    "wrong_number": _("Wrong number reported"),
    "fraud_worry": _("Asked whether the messages are genuine"),
    "scam_report": _("Scam reported"),
    "complaint": _("Complaint"),
    "note": _("Internal note"),
    "contact_wrong_number": _("Contact marked as wrong number"),
    "contact_opted_out": _("Contact marked as opted out"),
    "contact_active": _("Contact marked as active"),
    "contact_undeliverable": _("Contact marked as undeliverable"),
    "billing_code": _("Billing code sent"),
}
# The question the bot asked (Conversation.challenge_kind), as the timeline of a passed challenge names it.
CHALLENGE_KINDS = {
    "npwp15_serial": Phrase("digits 5 to 8 of the old NPWP"),
    "npwp_hidden": Phrase("the hidden digits of the NPWP"),
}


class ConversationEvent(models.Model):
    """Things that happen in a conversation besides messages (handoff, identity checks, staff tasks; officers'
    notes later), so the timeline shows them in place."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=30)
    # Written by people or quoting data (a note, a name, a code); what the system says is a phrase
    # (core.phrases) shown in the reader's language, and `text` holds it in the default language.
    text = models.TextField(_("text"), blank=True)
    phrase = models.JSONField(_("text (translatable)"), null=True, blank=True)
    actor = actor_fk()
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("conversation event")
        verbose_name_plural = _("conversation events")

    @property
    def label(self) -> str:
        label = EVENT_KINDS.get(self.kind)
        return str(label) if label is not None else self.kind

    @property
    def shown_text(self) -> str:
        """The text in the active language. Events written before phrases keep their text, except the bot's own
        fixed words (the reason for a challenge, the question it asked), which are translated."""
        if self.phrase:
            return str(Phrase.from_data(self.phrase))
        if self.kind == "challenge":
            return str(Phrase(self.text))
        if self.kind == "challenge_passed" and self.text in CHALLENGE_KINDS:
            return str(CHALLENGE_KINDS[self.text])
        return self.text


class BotTurn(models.Model):
    """The bot's handling of one inbound message: exactly once per wamid (the OneToOne makes a retried webhook
    a no-op), with what it understood and did, for staff and for tuning."""

    inbound = models.OneToOneField("messaging.InboundMessage", on_delete=models.CASCADE, related_name="bot_turn")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="turns")
    intent = models.CharField(_("intent"), max_length=20, blank=True)
    confidence = models.FloatField(_("confidence"), default=0)
    state_before = models.CharField(max_length=20, blank=True)
    state_after = models.CharField(max_length=20, blank=True)
    action = models.CharField(_("action"), max_length=40, blank=True)
    replies = models.PositiveSmallIntegerField(_("replies queued"), default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("bot turn")
        verbose_name_plural = _("bot turns")


class TaskKind(models.TextChoices):
    WRONG_NUMBER = "wrong_number", _("wrong number reported")
    IDENTITY_LOCKED = "identity_locked", _("identity challenge failed three times")
    PAYMENT_CLAIM = "payment_claim", _("payment claim to check")
    SCAM_REPORT = "scam_report", _("scam report")
    COMPLAINT = "complaint", _("complaint")


class TaskQueue(models.TextChoices):
    """Who works a task. A complaint may be about an officer, so it goes to the section head, never to a queue
    the officer complained about can read."""

    OFFICERS = "petugas", _("officers")
    SCAM_REPORTS = "laporan_penipuan", _("scam reports")
    SECTION_HEAD = "kasi", _("section head")


TASK_QUEUES: dict[str, str] = {
    TaskKind.WRONG_NUMBER: TaskQueue.OFFICERS,
    TaskKind.IDENTITY_LOCKED: TaskQueue.OFFICERS,
    TaskKind.PAYMENT_CLAIM: TaskQueue.OFFICERS,
    TaskKind.SCAM_REPORT: TaskQueue.SCAM_REPORTS,
    TaskKind.COMPLAINT: TaskQueue.SECTION_HEAD,
}


class StaffTask(models.Model):
    """Work the bot leaves for staff: a wrong number to correct, a locked contact to check, a claim to verify, a
    scam report to follow up, a complaint for the section head."""

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="staff_tasks")
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices)
    queue = models.CharField(
        _("queue"), max_length=20, choices=TaskQueue.choices, default=TaskQueue.OFFICERS, db_index=True
    )
    reported_number = models.CharField(
        _("reported number"),
        max_length=20,
        blank=True,
        help_text=_("the number a scam report names, in full for staff to act on"),
    )
    taxpayer = optional_fk(
        "taxpayers.Taxpayer", on_delete=models.SET_NULL, related_name="staff_tasks", verbose_name=_("taxpayer")
    )
    contact = optional_fk(
        "taxpayers.Contact", on_delete=models.SET_NULL, related_name="staff_tasks", verbose_name=_("contact")
    )
    conversation = optional_fk(Conversation, on_delete=models.SET_NULL, related_name="staff_tasks")
    summary = models.CharField(_("summary"), max_length=300)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = actor_fk()

    class Meta:
        ordering = ["done_at", "-created_at"]
        indexes = [models.Index(fields=["office", "done_at"], name="staff_task_open")]
        verbose_name = _("staff task")
        verbose_name_plural = _("staff tasks")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"


class IdentityGuard(models.Model):
    """Failed identity challenges of one registered contact, across conversations; three lock details until a
    member of staff unlocks them (after checking identity another way)."""

    contact = models.OneToOneField("taxpayers.Contact", on_delete=models.CASCADE, related_name="identity_guard")
    failures = models.PositiveSmallIntegerField(_("failures"), default=0)
    last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    unlocked_at = models.DateTimeField(_("unlocked at"), null=True, blank=True)
    unlocked_by = actor_fk()

    class Meta:
        verbose_name = _("identity guard")
        verbose_name_plural = _("identity guards")

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None
