"""REST endpoints of campaigns, on the API base (bearer token, JSON errors). Same services as the console and CLI."""

import datetime as dt

from django.utils.dateparse import parse_datetime

from triplec.api.auth import ApiError, api_view, json_body, office_scope

from . import services
from .models import Campaign, SavedFilter
from .selectors import campaign_preview, campaign_progress

CREATE_FIELDS = {
    "days": int,
    "only_before_paksa": bool,
    "reminder_interval_days": int,
    "reminder_max_count": int,
    "npwp_list": str,
    "kaps": str,
    "amount_min": int,
    "amount_max": int,
    "letter_age_min_days": int,
    "letter_age_max_days": int,
    "minimum_amount": int,
    "frequency_cap_days": int,
    "exclude_paksa_stage": bool,
    "holdout_percent": int,
    "attach_pdf": bool,
    "price_per_message": int,
}


def _fields(body: dict) -> dict:
    out = {}
    for key, kind in CREATE_FIELDS.items():
        if key in body and body[key] is not None:
            value = body[key]
            if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
                raise ApiError("invalid", f"{key} harus bilangan bulat", field=key)
            if kind is bool and not isinstance(value, bool):
                raise ApiError("invalid", f"{key} harus true/false", field=key)
            if kind is str and isinstance(value, list):
                value = "\n".join(map(str, value))
            out[key] = value
    if body.get("scheduled_start"):
        when = parse_datetime(str(body["scheduled_start"]))
        if when is None or when.tzinfo is None:
            raise ApiError("invalid", "scheduled_start harus waktu ISO 8601 dengan zona waktu", field="scheduled_start")
        out["scheduled_start"] = when.astimezone(dt.UTC)
    return out


def _campaign(request, pk: int) -> Campaign:
    scope = office_scope(request)
    qs = Campaign.objects.all() if scope is None else Campaign.objects.filter(office_id=scope)
    # Another office's campaign is "not found", not "forbidden": the API does not confirm it exists.
    campaign = qs.select_related("office", "maker", "approver", "template").filter(pk=pk).first()
    if campaign is None:
        raise ApiError("not_found", "Kampanye tidak ditemukan", status=404)
    return campaign


def _out(c: Campaign) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "criterion": c.criterion,
        "state": c.state,
        "office": c.office.code,
        "maker": c.maker.username,
        "approver": c.approver.username if c.approver_id else None,
        "approved_at": c.approved_at.isoformat() if c.approved_at else None,
        "approval_valid": c.approval_valid,
        "holdout_percent": c.holdout_percent,
        "holdout_seed": c.holdout_seed,
        "template": c.template.name if c.template_id else None,
        "template_version": c.template.version if c.template_id else None,
        "plan": c.plan,
    }


def _run(call):
    try:
        return call()
    except services.CampaignError as exc:
        raise ApiError(
            exc.code,
            exc.message,
            status=403 if exc.code in ("forbidden", "not_section_head", "maker_is_checker", "not_approved") else 409,
        ) from None


@api_view("GET", "POST")
def campaigns(request):
    user = request.api_user
    if request.method == "GET":
        scope = office_scope(request)
        qs = Campaign.objects.select_related("office", "maker", "approver", "template")
        if scope is not None:
            qs = qs.filter(office_id=scope)
        return {"results": [_out(c) for c in qs[:200]]}
    body = json_body(request)
    if not isinstance(body, dict):
        raise ApiError("invalid_json", "Badan permintaan harus objek JSON")
    fields = _fields(body)
    if body.get("saved_filter"):
        fields["saved_filter"] = SavedFilter.objects.filter(office_id=user.office_id, pk=body["saved_filter"]).first()
        if fields["saved_filter"] is None:
            raise ApiError("invalid", "Filter tersimpan tidak ditemukan", field="saved_filter")
    if user.office is None:
        raise ApiError("no_office", "Pengguna token ini tidak terdaftar pada kantor mana pun", status=403)
    campaign = _run(
        lambda: services.campaign_create(
            office=user.office,
            maker=user,
            name=str(body.get("name", "")),
            criterion=str(body.get("criterion", "")),
            channel="api",
            **fields,
        )
    )
    return 201, _out(campaign)


@api_view("GET", "PATCH")
def campaign(request, pk: int):
    c = _campaign(request, pk)
    if request.method == "PATCH":
        body = json_body(request)
        fields = _fields(body if isinstance(body, dict) else {})
        if isinstance(body, dict) and "name" in body:
            fields["name"] = str(body["name"])
        c = _run(lambda: services.campaign_update(campaign=c, actor=request.api_user, channel="api", **fields))
    return _out(c)


@api_view("GET")
def preview(request, pk: int):
    campaign = _campaign(request, pk)
    data = campaign_preview(campaign)
    services.campaign_preview_seen(campaign=campaign, actor=request.api_user, preview=data, channel="api")
    for key in ("first_send", "last_send"):
        data[key] = data[key].isoformat() if data[key] else None
    return data


@api_view("POST")
def action(request, pk: int, name: str):
    c = _campaign(request, pk)
    user = request.api_user
    calls = {
        "submit": lambda: services.campaign_submit(campaign=c, actor=user, channel="api"),
        "approve": lambda: services.campaign_approve(campaign=c, approver=user, channel="api"),
        "start": lambda: services.campaign_start(campaign=c, actor=user, channel="api"),
        "pause": lambda: services.campaign_pause(campaign=c, actor=user, channel="api"),
        "resume": lambda: services.campaign_resume(campaign=c, actor=user, channel="api"),
        "cancel": lambda: services.campaign_cancel(campaign=c, actor=user, channel="api"),
    }
    if name not in calls:
        raise ApiError("not_found", "Tindakan tidak dikenal", status=404)
    result = _run(calls[name])
    c.refresh_from_db()
    return {**_out(c), "result": result if isinstance(result, (dict, int)) else None}


@api_view("GET")
def status(request, pk: int):
    c = _campaign(request, pk)
    return {**_out(c), "progress": campaign_progress(c)}
