"""The bot's turn: one inbound message in, the conversation's next state and the replies out.

`handle_inbound` runs once per inbound wamid (a `BotTurn` row, unique per message, makes a retried webhook a
no-op), inside one transaction holding the conversation's lock, so concurrent messages of one contact are
answered one after the other against the state the previous one left. Replies go to the outbox's reply lane
with idempotency keys derived from the inbound wamid.

Secrecy (Pasal 34 UU KUP): details (documents, amounts, billing codes, payment checks) only go to a registered,
active contact of the taxpayer, recently verified or confirmed by a challenge in this conversation; every
disclosure is audited (`action="disclose"`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from triplec.audit.services import audit_record
from triplec.billing.messages import render_billing_message
from triplec.billing.services import BillingError, billing_code_issue
from triplec.bot.nlu.classifier import INTENTS, Classification, classify
from triplec.bot.nlu.policy import clarification_options, needs_clarification
from triplec.core.masking import mask_contact, mask_phone
from triplec.core.money import rupiah
from triplec.core.phrases import Phrase
from triplec.events.bus import publish
from triplec.ledger.models import SuratPaksa, SuratTeguran
from triplec.ledger.payments import check_payment_claim
from triplec.ledger.selectors import owed_documents
from triplec.messaging.models import InboundMessage, Lane
from triplec.messaging.services import message_enqueue
from triplec.taxpayers.models import Contact, ContactSource, ContactStatus
from triplec.taxpayers.services import contact_set_status

from . import answers
from .answers import Reply
from .identity import (
    NO_CHALLENGE,
    NO_CHALLENGE_REPLY,
    Identity,
    challenge_answer,
    challenge_kind,
    challenge_passes,
    challenge_question,
    identify,
    identity_confirmed,
    initials,
    is_locked,
    needs_challenge,
    verified_in,
)
from .models import CHALLENGE_KINDS, BotTurn, Conversation, ConversationState, TaskKind
from .selectors import COMPLAINT_INTENT
from .services import (
    conversation_event,
    conversation_handoff,
    conversation_lock,
    identity_failure,
    identity_success,
    queued_bulk_cancel,
    staff_task_create,
)

log = logging.getLogger(__name__)

DETAIL_INTENTS = frozenset({"rincian", "kode_billing", "sudah_bayar"})
# Intents that still act while an officer has the conversation: the taxpayer's right to stop is never queued.
ALWAYS_INTENTS = frozenset({"berhenti", "mulai", "salah_nomor"})
SILENT_TYPES = frozenset({"reaction", "system", "unsupported", "sticker", "ephemeral", "errors"})
MEDIA_TYPES = frozenset({"image", "document", "audio", "voice", "video", "location", "contacts"})


def now() -> dt.datetime:
    """The bot's clock; tests replace it to see the out-of-hours wording."""
    return timezone.now()


@dataclass
class Turn:
    conversation: Conversation
    inbound: InboundMessage
    identity: Identity
    now: dt.datetime
    replies: list[Reply] = field(default_factory=list)
    action: str = ""
    intent: str = ""
    confidence: float = 0.0
    reply_taxpayer: object = None  # set once details are disclosed: the outbox row is then the taxpayer's

    @property
    def office(self):
        return self.conversation.office

    def say(self, *replies: Reply) -> None:
        self.replies.extend(replies)


def handle_inbound(*, message: InboundMessage, at: dt.datetime | None = None) -> BotTurn | None:
    """Answer one inbound message (at most once). Returns the turn, or None when the message is not ours to
    answer (an echo of our own number, a duplicate)."""
    at = at or now()
    peer = message.peer
    channel = message.channel
    if peer.wa_id and peer.wa_id == re.sub(r"\D", "", channel.display_number or ""):
        return None  # our own number: an echo, never answered
    with transaction.atomic():
        conversation = conversation_lock(channel=channel, peer=peer, now=at)
        if BotTurn.objects.filter(inbound=message).exists():
            return None  # this wamid was answered already (a webhook retried by Meta)
        state_before = conversation.state
        identity = identify(wa_id=peer.wa_id, user_id=peer.user_id, office_id=channel.office_id)
        turn = Turn(conversation, message, identity, at)
        _note_inbound(turn)
        if not _rate_ok(turn):
            turn.action = "rate_limited"
        else:
            _dispatch(turn)
        record = BotTurn.objects.create(
            inbound=message,
            conversation=conversation,
            intent=turn.intent,
            confidence=turn.confidence,
            state_before=state_before,
            state_after=conversation.state,
            action=turn.action[:40],
            replies=len(turn.replies),
            created_at=at,
        )
        _send(turn)
        conversation.save()
    return record


# --- bookkeeping ------------------------------------------------------------------------------------------------
def _note_inbound(turn: Turn) -> None:
    c = turn.conversation
    c.last_message_at = c.last_inbound_at = turn.now
    if c.state == ConversationState.WAITING_TAXPAYER:
        c.state = ConversationState.OPEN  # the taxpayer answered the officer


def _rate_ok(turn: Turn) -> bool:
    """Bot-to-bot loops and floods: above the per-minute cap the bot stops answering and hands off once."""
    c = turn.conversation
    recent = BotTurn.objects.filter(
        conversation=c, replies__gt=0, created_at__gte=turn.now - dt.timedelta(minutes=1)
    ).count()
    if recent < settings.BOT_MAX_REPLIES_PER_MINUTE:
        return True
    if not c.is_handed_off:
        _to_officer(turn, "rate_limited", "Terlalu banyak pesan dalam satu menit (kemungkinan bot/otomatis).")
    return False


def _send(turn: Turn) -> None:
    c, peer = turn.conversation, turn.inbound.peer
    to = f"+{peer.wa_id}" if peer.wa_id else peer.user_id
    outbound = []
    for n, reply in enumerate(turn.replies, 1):
        message = message_enqueue(
            channel=c.channel,
            to=to,
            kind=reply.kind,
            payload=reply.payload,
            idempotency_key=f"bot:{turn.inbound.wamid}:{n}",
            lane=Lane.REPLY,
            taxpayer=turn.reply_taxpayer,
        )
        outbound.append(message.pk)
    # One event per turn (the message in and the replies out): each event is a commit of its own.
    publish(
        f"conversation:{c.pk}",
        "message.new",
        {"conversation": c.pk, "inbound": turn.inbound.pk, "outbound": outbound, "state": c.state},
    )
    if turn.replies:
        c.last_message_at = turn.now
        c.options = turn.replies[-1].options


def _disclose(turn: Turn, contact: Contact, what: str, summary: Phrase) -> None:
    c = turn.conversation
    why = (
        "challenge passed in this conversation"
        if verified_in(c, contact)
        else f"registered {contact.source} contact, verified {contact.verified_at:%Y-%m-%d}"
    )
    _audit_disclosure(c, contact, what, why, summary, inbound=turn.inbound.wamid)
    turn.reply_taxpayer = contact.taxpayer


def _audit_disclosure(c: Conversation, contact: Contact, what: str, why: str, summary: Phrase, **more) -> None:
    """Something about the contact's taxpayer told in this conversation: audited as a disclosure."""
    detail = {
        "what": what,
        "contact": mask_contact(contact.phone, contact.wa_user_id),
        "why": why,
        "conversation": c.pk,
    }
    _audit(c, "disclose", contact.taxpayer, summary, {**detail, **more})


def _audit(c: Conversation, action: str, taxpayer, summary: Phrase, detail: dict, obj=None) -> None:
    """A step of the bot about a taxpayer, in the audit log under the conversation (or `obj`) and its office."""
    audit_record(
        action=action, channel="bot", taxpayer=taxpayer, obj=obj or c, office=c.office, summary=summary, detail=detail
    )


def _summary(turn: Turn, reason: str) -> str:
    """The officer's first look: who (as far as we know), why, what was asked."""
    c = turn.conversation
    lines = [f"Alasan: {reason}"]
    active = turn.identity.active
    contact = turn.identity.likely(c.taxpayer_id)
    if contact is not None:
        tp = contact.taxpayer
        verified = "terkonfirmasi" if identity_confirmed(c, contact, turn.now) else "perlu dikonfirmasi"
        lines.append(f"Wajib pajak: {tp.name} ({tp.npwp_masked}); identitas {verified}")
        docs = list(owed_documents(taxpayer=tp).values_list("amount_due", flat=True))
        if docs:
            lines.append(f"Masih harus dibayar: {len(docs)} dokumen, {rupiah(sum(docs))}")
    elif len(active) > 1:
        lines.append(f"Nomor terdaftar untuk {len(active)} wajib pajak; belum memilih")
    elif turn.identity.known:
        lines.append(
            "Nomor terdaftar tetapi tidak aktif ("
            + ", ".join(sorted({x.get_status_display() for x in turn.identity.contacts}))
            + ")"
        )
    else:
        lines.append("Nomor tidak terdaftar pada data kami")
    # The conversation opens while its first message is handled, a moment after that message arrived.
    texts = list(
        InboundMessage.objects.filter(
            Q(bot_turn__conversation=c) | Q(received_at__gte=c.opened_at), peer=turn.inbound.peer
        )
        .exclude(text="")
        .exclude(bot_turn__intent=COMPLAINT_INTENT)  # a complaint's words are the section head's (inbox)
        .order_by("-id")
        .values_list("text", flat=True)[:3]
    )
    if turn.inbound.text and turn.inbound.text not in texts:
        texts.insert(0, turn.inbound.text)
    if texts:
        lines.append("Pesan terakhir: " + " | ".join(f"“{t[:120]}”" for t in reversed(texts[:3])))
    return "\n".join(lines)


# --- dispatch ---------------------------------------------------------------------------------------------------
def _classify(turn: Turn, menu: list[str] | None = None) -> Classification:
    m = turn.inbound
    options = menu if menu is not None else (turn.conversation.options or None)
    if options and not all(o in _INTENT_SET for o in options):
        options = None
    result = classify(m.text, button_payload=m.reply_id or None, menu=options)
    if result.intent == "lainnya" and result.digits_choice is not None and options:
        result = classify(m.text, button_payload=m.reply_id or None)  # a digit of the main menu after all
    return result


_INTENT_SET = frozenset(INTENTS)


def _dispatch(turn: Turn) -> None:
    c, m = turn.conversation, turn.inbound
    if m.type in SILENT_TYPES:
        turn.action = "ignored"
        return
    if m.type in MEDIA_TYPES and not m.text:
        if c.is_bot:
            turn.say(answers.media_unsupported())
        turn.action = "media"
        return
    result = _classify(turn)
    turn.intent, turn.confidence = result.intent, result.confidence
    if c.is_handed_off:
        # A person has the conversation: the bot only honours stop / start / wrong number, when it is sure.
        if result.intent in ALWAYS_INTENTS and not needs_clarification(result):
            _intent(turn, result)
        else:
            turn.action = "with_officer"
        return
    if c.state == ConversationState.CHOOSING_TAXPAYER and _choose_taxpayer(turn, result):
        return
    if c.state == ConversationState.CHALLENGE and _answer_challenge(turn, result):
        return
    if c.state == ConversationState.CHOOSING_DOCUMENTS and _choose_documents(turn, result):
        return
    if c.state == ConversationState.AWAITING_NTPN and result.ntpn is None and result.intent in ("lainnya",):
        _count_other(
            turn,
            lambda: turn.say(
                answers.text(
                    "NTPN belum terbaca. NTPN terdiri dari 16 huruf/angka "
                    "pada Bukti Penerimaan Negara (BPN). Mohon kirim ulang, "
                    "atau ketik PETUGAS."
                )
            ),
        )
        return
    if c.state == ConversationState.AWAITING_NTPN and result.ntpn:
        turn.intent = "sudah_bayar"
        result = Classification("sudah_bayar", 1.0, result.matched, result.ntpn)
    if needs_clarification(result):
        _clarify(turn, result)
        return
    _intent(turn, result)


def _clarify(turn: Turn, result: Classification) -> None:
    """Not sure enough to act: one short numbered question; the answer (digit or button) is then certain."""
    c = turn.conversation
    _to_menu(c)
    turn.say(answers.clarify(clarification_options(result)))
    turn.action = "clarify"


def _to_menu(c: Conversation) -> None:
    if c.is_bot:
        c.state = ConversationState.MENU
    c.pending_intent = ""


def _count_other(turn: Turn, reprompt) -> None:
    """Two unrecognised messages in a row go to a person; one gets the menu (or the current question) again."""
    c = turn.conversation
    c.other_count += 1
    if c.other_count >= 2:
        _handoff(turn, "not_understood", "Dua pesan berturut-turut tidak dipahami bot.")
        return
    turn.action = "not_understood"
    reprompt()


def _handoff(turn: Turn, reason: str, why: str) -> None:
    c = turn.conversation
    if _to_officer(turn, reason, why):
        turn.say(answers.handed_off(c.office, turn.now, reason=reason))
    c.other_count = 0
    turn.action = f"handoff:{reason}"


def _to_officer(turn: Turn, reason: str, why: str) -> bool:
    """Hand the conversation to the officers with the summary of `why`; False when it was handed off already."""
    return conversation_handoff(
        conversation=turn.conversation, reason=reason, now=turn.now, summary=_summary(turn, why)
    )


def _intent(turn: Turn, result: Classification) -> None:
    c = turn.conversation
    intent = result.intent
    if intent == "lainnya":
        _count_other(
            turn,
            lambda: turn.say(
                answers.not_understood(c.office, turn.now)
                if turn.identity.known
                else answers.stranger(c.office, turn.now, asked_details=False)
            ),
        )
        if c.is_bot:
            _to_menu(c)
        return
    c.other_count = 0
    turn.action = intent
    handler = HANDLERS[intent]
    handler(turn, result)


# --- identity gate ------------------------------------------------------------------------------------------------
def _authorised(turn: Turn, intent: str) -> Contact | None:
    """The contact whose taxpayer's details may be told now, or None after saying what must happen first."""
    c, who = turn.conversation, turn.identity
    if not who.known:
        turn.say(
            answers.unverified_claim()
            if intent == "sudah_bayar"
            else answers.stranger(c.office, turn.now, asked_details=True)
        )
        turn.action = "stranger"
        _to_menu(c)
        return None
    active = who.active
    if not active:
        turn.say(answers.contact_inactive(who.contacts[0].status))
        turn.action = "contact_inactive"
        _to_menu(c)
        return None
    contact = who.by_taxpayer(c.taxpayer_id)
    if contact is None and len(active) == 1:
        contact = active[0]
        c.taxpayer = contact.taxpayer
    if contact is None:
        taxpayers = [x.taxpayer for x in active]
        c.state, c.pending_intent = ConversationState.CHOOSING_TAXPAYER, intent
        turn.say(answers.choose_taxpayer(taxpayers))
        turn.action = "choose_taxpayer"
        for x in active:  # masked NPWP and initials are still about the taxpayer: audited
            summary = Phrase("masked NPWP and initials in a choice for a shared number")
            _audit_disclosure(c, x, "taxpayer_choice", "number registered to several taxpayers", summary)
        return None
    if is_locked(contact):
        turn.say(answers.locked(c.office))
        turn.action = "locked"
        _to_menu(c)
        return None
    if not identity_confirmed(c, contact, turn.now):
        kind = challenge_kind(contact.taxpayer)
        if kind == NO_CHALLENGE:  # nothing we hold is secret enough to ask (identity.py): an officer confirms
            turn.say(answers.text(NO_CHALLENGE_REPLY))
            _handoff(turn, "identity_check", "Identitas perlu dikonfirmasi petugas (NPWP berbasis NIK).")
            return None
        c.state, c.pending_intent, c.challenge_kind = ConversationState.CHALLENGE, intent, kind
        turn.say(answers.challenge(challenge_question(kind, contact.taxpayer)))
        conversation_event(
            conversation=c, kind="challenge", text=Phrase(needs_challenge(contact, turn.now)), at=turn.now
        )
        turn.action = "challenge"
        return None
    return contact


def _picked(turn: Turn, result: Classification, prefix: str, *, first: int) -> str | None:
    """The option of the last list the taxpayer picked: a button's id after `prefix`, or the digit of a numbered
    list counted from `first`; None when the message picks nothing."""
    c, m = turn.conversation, turn.inbound
    if m.reply_id.startswith(prefix):
        return m.reply_id[len(prefix) :]
    digit, options = result.digits_choice, c.options or []
    if digit is not None and first <= digit < first + len(options):
        return options[digit - first]
    return None


def _choose_taxpayer(turn: Turn, result: Classification) -> bool:
    c = turn.conversation
    chosen = _picked(turn, result, "wp:", first=1)
    if chosen is None:
        if result.digits_choice is None and result.intent != "lainnya":
            _to_menu(c)
            return False  # they asked something else: answer that
        _count_other(turn, lambda: turn.say(answers.choose_taxpayer([x.taxpayer for x in turn.identity.active])))
        return True
    contact = next((x for x in turn.identity.active if str(x.taxpayer_id) == str(chosen)), None)
    if contact is None:  # a stale list (the number was changed meanwhile): start again
        _to_menu(c)
        turn.say(answers.main_menu(c.office, turn.now))
        turn.action = "choice_stale"
        return True
    c.taxpayer = contact.taxpayer
    c.other_count = 0
    pending = c.pending_intent or "rincian"
    c.state, c.pending_intent = ConversationState.MENU, ""
    conversation_event(conversation=c, kind="taxpayer_chosen", text=contact.taxpayer.npwp_masked, at=turn.now)
    turn.intent = pending
    HANDLERS[pending](turn, Classification(pending, 1.0, ["resumed"]))
    return True


def _answer_challenge(turn: Turn, result: Classification) -> bool:
    c = turn.conversation
    contact = turn.identity.by_taxpayer(c.taxpayer_id)
    if contact is None:
        _to_menu(c)
        return False
    digits = challenge_answer(turn.inbound.text)
    if digits is None:
        if result.intent not in ("lainnya",) and result.digits_choice is None:
            _to_menu(c)
            return False  # an escape (PETUGAS, STOP, ...): handled as asked
        _count_other(turn, lambda: turn.say(answers.challenge(challenge_question(c.challenge_kind, contact.taxpayer))))
        return True
    turn.intent = "challenge_answer"
    if challenge_passes(c.challenge_kind, contact.taxpayer, digits):
        identity_success(contact=contact)
        c.verified_taxpayer, c.verified_at = contact.taxpayer, turn.now
        c.challenge_failures, c.other_count = 0, 0
        pending = c.pending_intent or "rincian"
        c.state, c.pending_intent = ConversationState.MENU, ""
        conversation_event(
            conversation=c,
            kind="challenge_passed",
            text=CHALLENGE_KINDS.get(c.challenge_kind, c.challenge_kind),
            at=turn.now,
        )
        detail = {"kind": c.challenge_kind}
        _audit(c, "identity.challenge_passed", contact.taxpayer, Phrase("bot identity challenge passed"), detail)
        turn.say(answers.text(answers.challenge_passed()))
        turn.action = "challenge_passed"
        HANDLERS[pending](turn, Classification(pending, 1.0, ["resumed"]))
        return True
    guard = identity_failure(contact=contact, now=turn.now)
    c.challenge_failures += 1
    detail = {"kind": c.challenge_kind, "failures": guard.failures}
    _audit(c, "identity.challenge_failed", contact.taxpayer, Phrase("bot identity challenge failed"), detail)
    if guard.is_locked:
        turn.action = "locked"
        conversation_event(
            conversation=c,
            kind="identity_locked",
            text=Phrase("%(n)s failed answers", n=guard.failures),
            at=turn.now,
        )
        staff_task_create(
            office_id=c.office_id,
            kind=TaskKind.IDENTITY_LOCKED,
            taxpayer=contact.taxpayer,
            contact=contact,
            conversation=c,
            summary=f"Rincian dikunci: {guard.failures}x jawaban verifikasi salah dari "
            f"{mask_phone(contact.phone) if contact.phone else 'pengguna WhatsApp'}",
        )
        detail = {"failures": guard.failures, "conversation": c.pk}
        summary = Phrase("details locked after %(n)s failed challenges", n=guard.failures)
        _audit(c, "identity.locked", contact.taxpayer, summary, detail, obj=contact)
        turn.say(answers.locked(c.office))
        _to_officer(turn, "identity_locked", "Verifikasi identitas gagal tiga kali; rincian dikunci.")
        return True
    left = settings.BOT_CHALLENGE_MAX_FAILURES - guard.failures
    turn.action = "challenge_failed"
    turn.say(answers.challenge(challenge_question(c.challenge_kind, contact.taxpayer), retry=True, left=left))
    return True


def _choose_documents(turn: Turn, result: Classification) -> bool:
    c, m = turn.conversation, turn.inbound
    choice = _picked(turn, result, "doc:", first=0)
    if choice is None and re.fullmatch(r"\s*(semua|semuanya|all|0)\s*", (m.text or "").lower()):
        choice = "all"
    if choice is None:
        if result.intent != "lainnya":
            _to_menu(c)
            return False
        _count_other(
            turn,
            lambda: turn.say(
                answers.text("Mohon balas dengan angka tagihan yang dipilih (0 untuk semua), atau ketik PETUGAS.")
            ),
        )
        return True
    contact = _authorised(turn, "kode_billing")
    if contact is None:
        return True
    open_docs = _owed_documents(contact.taxpayer)
    documents = open_docs if choice == "all" else [d for d in open_docs if str(d.pk) == str(choice)]
    if not documents:
        turn.say(answers.text("Tagihan tersebut sudah tidak terbuka. Berikut daftar terbaru."))
        _kode_billing(turn, Classification("kode_billing", 1.0))
        return True
    c.state, c.pending_intent = ConversationState.MENU, ""
    turn.intent = "kode_billing"
    _issue(turn, contact, documents)
    return True


# --- handlers -------------------------------------------------------------------------------------------------------
def _owed_documents(taxpayer) -> list:
    return list(owed_documents(taxpayer=taxpayer))


def _rincian(turn: Turn, result: Classification) -> None:
    contact = _authorised(turn, "rincian")
    if contact is None:
        return
    tp = contact.taxpayer
    _to_menu(turn.conversation)
    documents = _owed_documents(tp)
    if not documents:
        _disclose(turn, contact, "no_debt", Phrase("bot: no open debt"))
        turn.say(answers.no_debt(tp))
        return
    ids = [d.pk for d in documents]
    teguran = list(
        SuratTeguran.objects.filter(taxpayer=tp, closed_at__isnull=True, documents__in=ids)
        .distinct()
        .order_by("issue_date")
    )
    paksa = list(SuratPaksa.objects.filter(taxpayer=tp, teguran__in=[t.pk for t in teguran]).order_by("issue_date"))
    _disclose(
        turn,
        contact,
        "rincian",
        Phrase(
            "bot: details of %(n)s documents, %(amount)s",
            n=len(documents),
            amount=rupiah(sum(d.amount_due for d in documents)),
        ),
    )
    turn.say(answers.text(answers.rincian(tp, documents, teguran, paksa)), answers.after_details())


def _kode_billing(turn: Turn, result: Classification) -> None:
    contact = _authorised(turn, "kode_billing")
    if contact is None:
        return
    c = turn.conversation
    documents = _owed_documents(contact.taxpayer)
    if not documents:
        _to_menu(c)
        _disclose(turn, contact, "no_debt", Phrase("bot: no open debt"))
        turn.say(answers.no_debt(contact.taxpayer))
        return
    if len(documents) == 1:
        _to_menu(c)
        _issue(turn, contact, documents)
        return
    c.state, c.pending_intent = ConversationState.CHOOSING_DOCUMENTS, "kode_billing"
    _disclose(turn, contact, "document_list", Phrase("bot: list of %(n)s documents to choose from", n=len(documents)))
    turn.say(answers.choose_documents(documents))
    turn.action = "choose_documents"


def _issue(turn: Turn, contact: Contact, documents: list) -> None:
    try:
        result = billing_code_issue(taxpayer=contact.taxpayer, documents=documents, channel="bot")
    except BillingError as exc:
        turn.say(answers.billing_failed(exc.message, exc.transient))
        turn.action = "billing_failed"
        return
    code = result.billing_code
    _disclose(turn, contact, "kode_billing", Phrase("bot: billing code for %(n)s documents", n=len(documents)))
    turn.say(answers.text(render_billing_message(code).text))
    turn.action = "billing_issued"


def _sudah_bayar(turn: Turn, result: Classification) -> None:
    c = turn.conversation
    contact = _authorised(turn, "sudah_bayar")
    if contact is None:
        return
    if not result.ntpn:
        c.state, c.pending_intent = ConversationState.AWAITING_NTPN, "sudah_bayar"
        turn.say(answers.ask_ntpn())
        turn.action = "ask_ntpn"
        return
    claim = check_payment_claim(taxpayer=contact.taxpayer, ntpn=result.ntpn, channel="bot")
    if claim.status == "invalid":
        c.state = ConversationState.AWAITING_NTPN
        turn.say(answers.text(claim.message))
        turn.action = "ntpn_invalid"
        return
    _to_menu(c)
    if claim.status == "found":
        _disclose(turn, contact, "payment", Phrase("bot: payment %(ntpn)s confirmed", ntpn=result.ntpn))
        turn.say(answers.claim_found(claim.message))
        turn.action = "claim_found"
    else:
        turn.reply_taxpayer = contact.taxpayer
        turn.say(answers.claim_pending(claim.message))
        turn.action = "claim_pending"


def _info(reply_fn):
    def handler(turn: Turn, result: Classification) -> None:
        _to_menu(turn.conversation)
        turn.say(reply_fn())

    return handler


def _salam(turn: Turn, result: Classification) -> None:
    c = turn.conversation
    _to_menu(c)
    if turn.identity.active:
        turn.say(answers.main_menu(c.office, turn.now))
    elif turn.identity.known:
        turn.say(answers.contact_inactive(turn.identity.contacts[0].status))
    else:
        turn.say(answers.stranger(c.office, turn.now, asked_details=False))


def _petugas(turn: Turn, result: Classification) -> None:
    _handoff(turn, "requested", "Wajib pajak meminta berbicara dengan petugas.")


def _terima_kasih(turn: Turn, result: Classification) -> None:
    c = turn.conversation
    last = BotTurn.objects.filter(conversation=c).order_by("-id").values_list("action", flat=True).first()
    if last == "terima_kasih":
        turn.action = "terima_kasih_quiet"  # thanks for our thanks: no reply, no loop
        return
    _to_menu(c)
    turn.say(answers.thanks())


def _status_by_taxpayer(contact: Contact, status: str, reason: str) -> None:
    """The person at the number changes a contact's status over WhatsApp (audited by contact_set_status)."""
    contact_set_status(contact=contact, status=status, channel="bot", reason=reason, source=ContactSource.WHATSAPP)


def _berhenti(turn: Turn, result: Classification) -> None:
    c, peer = turn.conversation, turn.inbound.peer
    contacts = [x for x in turn.identity.contacts if x.status == ContactStatus.ACTIVE]
    for contact in contacts:
        _status_by_taxpayer(contact, ContactStatus.OPTED_OUT, "Permintaan berhenti melalui WhatsApp")
    queued_bulk_cancel(
        channel_id=c.channel_id,
        wa_id=peer.wa_id,
        user_id=peer.user_id,
        reason="Wajib pajak menolak menerima pesan WhatsApp",
    )
    conversation_event(conversation=c, kind="opt_out", text=Phrase("%(n)s contacts", n=len(contacts)), at=turn.now)
    _to_menu(c)
    turn.say(answers.stopped() if turn.identity.known else answers.stopped_unknown())


def _mulai(turn: Turn, result: Classification) -> None:
    c = turn.conversation
    restartable = [
        x for x in turn.identity.contacts if x.status in (ContactStatus.OPTED_OUT, ContactStatus.UNDELIVERABLE)
    ]
    if not turn.identity.known:
        _to_menu(c)
        turn.say(answers.stranger(c.office, turn.now, asked_details=False))
        return
    if not restartable and not turn.identity.active:
        _to_menu(c)
        turn.say(answers.start_refused())
        return
    for contact in restartable:
        _status_by_taxpayer(contact, ContactStatus.ACTIVE, "Permintaan mulai lagi melalui WhatsApp")
    conversation_event(conversation=c, kind="opt_in", text=Phrase("%(n)s contacts", n=len(restartable)), at=turn.now)
    _to_menu(c)
    turn.say(answers.started(c.office, turn.now))


def _salah_nomor(turn: Turn, result: Classification) -> None:
    c, peer = turn.conversation, turn.inbound.peer
    contacts = [x for x in turn.identity.contacts if x.status != ContactStatus.WRONG_NUMBER]
    for contact in contacts:
        _status_by_taxpayer(
            contact,
            ContactStatus.WRONG_NUMBER,
            "Dilaporkan bukan nomor wajib pajak oleh pengguna nomor melalui WhatsApp",
        )
        staff_task_create(
            office_id=contact.taxpayer.office_id,
            kind=TaskKind.WRONG_NUMBER,
            taxpayer=contact.taxpayer,
            contact=contact,
            conversation=c,
            summary=f"Nomor {mask_contact(contact.phone, contact.wa_user_id)} "
            f"dilaporkan bukan milik {initials(contact.taxpayer.name)} "
            f"({contact.taxpayer.npwp_masked}); perbarui kontak",
        )
    queued_bulk_cancel(channel_id=c.channel_id, wa_id=peer.wa_id, user_id=peer.user_id, reason="Nomor WhatsApp salah")
    conversation_event(conversation=c, kind="wrong_number", text=Phrase("%(n)s contacts", n=len(contacts)), at=turn.now)
    c.taxpayer, c.verified_taxpayer, c.verified_at = None, None, None
    turn.say(answers.wrong_number())
    if c.is_bot:  # nothing more to talk about with this number: closed; staff have their task
        c.pending_intent = ""
        c.state, c.resolved_at = ConversationState.RESOLVED, turn.now
        conversation_event(conversation=c, kind="resolved", text=Phrase("wrong number"), at=turn.now)


def _penipuan_khawatir(turn: Turn, result: Classification) -> None:
    """ "Is this a scam?" is answered at once, before any identity question: the answer discloses nothing."""
    c = turn.conversation
    _to_menu(c)
    conversation_event(conversation=c, kind="fraud_worry", text="", at=turn.now)
    turn.say(answers.fraud_worry(c.office))


def _lapor_penipuan(turn: Turn, result: Classification) -> None:
    """A scam in the office's name: the anti-fraud answer and a task in the scam-report queue; never a billing
    code or payment prompt in this turn."""
    c = turn.conversation
    _to_menu(c)
    number = reported_number(turn.inbound.text)
    shown = mask_phone(number) if number else ""
    contact = turn.identity.likely(c.taxpayer_id)
    staff_task_create(
        office_id=c.office_id,
        kind=TaskKind.SCAM_REPORT,
        conversation=c,
        reported_number=number,
        taxpayer=contact.taxpayer if contact else None,
        contact=contact,
        summary=f"Laporan penipuan atas nama kantor pajak"
        f"{' dari nomor ' + shown if shown else ''}: “{(turn.inbound.text or '')[:200]}”",
    )
    conversation_event(conversation=c, kind="scam_report", text=shown, at=turn.now)
    turn.say(answers.scam_report(c.office, named_number=bool(number)))


def _pengaduan(turn: Turn, result: Classification) -> None:
    """The complaint channels; a complaint written out also becomes a task for the section head (it may be
    about an officer, so it never goes to the officers' queue or a handoff). "Where can I complain?" or a tapped
    menu item only asks for the channels."""
    c = turn.conversation
    _to_menu(c)
    written = _is_complaint(turn.inbound.text, result)
    if written:
        contact = turn.identity.likely(c.taxpayer_id)
        staff_task_create(
            office_id=c.office_id,
            kind=TaskKind.COMPLAINT,
            conversation=c,
            taxpayer=contact.taxpayer if contact else None,
            contact=contact,
            summary=f"Pengaduan melalui WhatsApp: “{(turn.inbound.text or '')[:240]}”",
        )
        conversation_event(conversation=c, kind="complaint", text=Phrase("passed to the section head"), at=turn.now)
    turn.say(answers.pengaduan(forwarded=written))


# Rules that describe what went wrong (not only "I want to complain" / "where do I complain").
_COMPLAINT_CONTENT = frozenset(
    {"pengaduan:officer misconduct", "pengaduan:rude", "pengaduan:bad service", "pengaduan:asks for money"}
)
_ASKS_WHERE = re.compile(
    r"\b(?:ke ?mana|di ?mana|bagaimana|gimana|gmn|caranya|cara|email|e-mail|nomor|no|saluran"
    r"|alamat|link|website|situs)\b",
    re.IGNORECASE,
)


def _is_complaint(text: str, result: Classification) -> bool:
    if any(m.startswith(("button", "menu digit")) for m in result.matched):
        return False
    if _COMPLAINT_CONTENT & set(result.matched):
        return True
    return len((text or "").split()) >= 6 and not _ASKS_WHERE.search(text or "")


_PHONE = re.compile(r"(?<!\d)(?:\+?62|0)[\s.-]?8[\d\s.-]{7,15}\d(?!\d)")


def reported_number(text: str) -> str:
    """The first Indonesian mobile number in a message, as +62…, or ""."""
    match = _PHONE.search(text or "")
    if not match:
        return ""
    digits = re.sub(r"\D", "", match.group())
    digits = "62" + digits[1:] if digits.startswith("0") else digits
    return "+" + digits if 10 <= len(digits) <= 15 else ""


HANDLERS = {
    "rincian": _rincian,
    "kode_billing": _kode_billing,
    "sudah_bayar": _sudah_bayar,
    "angsuran": _info(answers.angsuran),
    "keberatan": _info(answers.keberatan),
    "pengaduan": _pengaduan,
    "penipuan_khawatir": _penipuan_khawatir,
    "lapor_penipuan": _lapor_penipuan,
    "petugas": _petugas,
    "berhenti": _berhenti,
    "mulai": _mulai,
    "salah_nomor": _salah_nomor,
    "salam": _salam,
    "terima_kasih": _terima_kasih,
}
