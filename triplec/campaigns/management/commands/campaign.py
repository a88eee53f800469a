"""`triplec campaign create|preview|approve|start|status|pause|resume|cancel` for offices that script their work.

Every action runs as a named account (`--as USERNAME`): the same services as the console, so the same rules
(maker != checker, a section head approves, nothing starts unapproved).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from triplec.accounts.models import User
from triplec.accounts.permissions import allowed
from triplec.campaigns import services
from triplec.campaigns.models import Campaign
from triplec.campaigns.selectors import campaign_preview, campaign_progress
from triplec.core.money import rupiah


class Command(BaseCommand):
    help = "Outreach campaigns: create, preview, approve, start, status, pause, resume, cancel."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--as", dest="username", required=True)
        create.add_argument("--name", required=True)
        create.add_argument("--criterion", choices=["a", "b", "c"], required=True)
        create.add_argument("--days", type=int)
        create.add_argument("--npwp-file", help="a text file of NPWPs, one per line (criterion c)")
        create.add_argument("--kaps", default="")
        create.add_argument("--min-amount", type=int)
        create.add_argument("--holdout", type=int, default=0, help="hold-out share in percent (0-50)")
        create.add_argument("--seed", type=int)
        create.add_argument("--no-pdf", action="store_true")
        create.add_argument("--frequency-cap-days", type=int)
        for name in ("preview", "approve", "start", "status", "pause", "resume", "cancel"):
            p = sub.add_parser(name)
            p.add_argument("campaign", type=int)
            p.add_argument("--as", dest="username", required=name not in ("preview", "status"))
            p.add_argument("--json", action="store_true")

    def handle(self, *args, action: str, **opts):
        user = None
        if opts.get("username"):
            user = User.objects.filter(username=opts["username"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user {opts['username']!r}")
        try:
            getattr(self, f"do_{action}")(user, opts)
        except services.CampaignError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None

    def _campaign(self, opts) -> Campaign:
        campaign = Campaign.objects.select_related("office", "template").filter(pk=opts["campaign"]).first()
        if campaign is None:
            raise CommandError(f"no campaign {opts['campaign']}")
        return campaign

    def _out(self, opts, data: dict, text: str) -> None:
        self.stdout.write(json.dumps(data, default=str) if opts.get("json") else text)

    def do_create(self, user, opts) -> None:
        if user.office is None:
            raise CommandError("the user belongs to no office")
        fields = {"attach_pdf": not opts["no_pdf"], "holdout_percent": opts["holdout"], "kaps": opts["kaps"]}
        for key, field in (
            ("days", "days"),
            ("min_amount", "minimum_amount"),
            ("seed", "holdout_seed"),
            ("frequency_cap_days", "frequency_cap_days"),
        ):
            if opts.get(key) is not None:
                fields[field] = opts[key]
        if opts.get("npwp_file"):
            try:
                with open(opts["npwp_file"], encoding="utf-8-sig") as fh:
                    fields["npwp_list"] = fh.read()
            except OSError as exc:
                raise CommandError(f"cannot read {opts['npwp_file']}: {exc.strerror}") from None
        campaign = services.campaign_create(
            office=user.office, maker=user, name=opts["name"], criterion=opts["criterion"], channel="cli", **fields
        )
        services.campaign_submit(campaign=campaign, actor=user, channel="cli")
        self.stdout.write(f"campaign {campaign.pk} created and submitted for approval")

    def _visible(self, user, campaign: Campaign) -> None:
        """Run as a named account, the command line sees what that account may see in the console."""
        if user is None:
            return  # the operator of the server itself
        if not allowed(user, "campaign.view") or (not user.is_administrator and user.office_id != campaign.office_id):
            raise CommandError(f"forbidden: {user.username} may not see campaign {campaign.pk}")

    def do_preview(self, user, opts) -> None:
        campaign = self._campaign(opts)
        self._visible(user, campaign)
        p = campaign_preview(campaign)
        services.campaign_preview_seen(campaign=campaign, actor=user, preview=p, channel="cli")
        text = [
            f"messages: {p['count']}  total: {rupiah(p['total_amount'])}  held out: {p['held_out']}  "
            f"excluded: {p['excluded']}  numbers: {p['unique_recipients']}",
            f"duration: {p['days']} office day(s), first {p['first_send']}, last {p['last_send']}  cost: {p['cost_display']}",
        ]
        if p["over_tier"]:
            text.append(f"WARNING: {p['unique_recipients']} recipients exceed the tier of {p['tier']} per 24 h")
        text += [f"  {r['label']}: {r['count']}" for r in p["by_reason"]]
        text += [f"  {r['label']}: {r['targets']} / {r['amount_display']}" for r in p["by_kap"]]
        if p["samples"]:
            text += ["--- sample ---", p["samples"][0]["text"]]
        self._out(opts, p, "\n".join(text))

    def do_approve(self, user, opts) -> None:
        c = services.campaign_approve(campaign=self._campaign(opts), approver=user, channel="cli")
        self.stdout.write(f"campaign {c.pk} approved by {user.username}")

    def do_start(self, user, opts) -> None:
        counts = services.campaign_start(campaign=self._campaign(opts), actor=user, channel="cli")
        self._out(opts, counts, " ".join(f"{k}={v}" for k, v in counts.items()))

    def do_status(self, user, opts) -> None:
        campaign = self._campaign(opts)
        self._visible(user, campaign)
        services.campaign_sync(campaign=campaign)
        p = campaign_progress(campaign)
        self._out(opts, p, " ".join(f"{k}={v}" for k, v in p.items() if k not in ("state_display", "finished")))

    def do_pause(self, user, opts) -> None:
        self.stdout.write(
            f"{services.campaign_pause(campaign=self._campaign(opts), actor=user, channel='cli')} messages held"
        )

    def do_resume(self, user, opts) -> None:
        self.stdout.write(
            f"{services.campaign_resume(campaign=self._campaign(opts), actor=user, channel='cli')} messages planned"
        )

    def do_cancel(self, user, opts) -> None:
        self.stdout.write(
            f"{services.campaign_cancel(campaign=self._campaign(opts), actor=user, channel='cli')} messages stopped"
        )
