"""API tokens: one per client system (the core system, a bot), tied to a user whose office scopes it."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX_LENGTH = 8


def hash_token(raw: str) -> str:
    """Tokens are long random strings, so one SHA-256 is enough (no need for a slow password hash)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_token() -> str:
    return "tcc_" + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    """Only the hash is stored: the token is shown once, when it is created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Which system uses it, e.g. core system SIDJP"))
    prefix = models.CharField(_("prefix"), max_length=TOKEN_PREFIX_LENGTH + 4, db_index=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        """Create a token; returns it with the raw value, which is never stored and cannot be shown again."""
        raw = new_raw_token()
        token = cls.objects.create(
            user=user, name=name, prefix=raw[: TOKEN_PREFIX_LENGTH + 4], token_hash=hash_token(raw)
        )
        return token, raw
