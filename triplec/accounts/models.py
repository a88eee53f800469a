from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from triplec.core.fields import optional_fk

from .roles import Role


class User(AbstractUser):
    """A member of staff. Belongs to one office; administrators may have none and see every office."""

    office = optional_fk("offices.Office", on_delete=models.PROTECT, related_name="staff", verbose_name=_("office"))
    full_name = models.CharField(_("full name"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def has_role(self, *roles: str) -> bool:
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return bool(self._role_names.intersection(roles))

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.has_role(Role.ADMINISTRATOR)

    @property
    def role_labels(self) -> list[str]:
        names = set(self.groups.values_list("name", flat=True))
        return [str(r.label) for r in Role if r.value in names]
