"""Model field declarations that many apps repeat, written once.

They return plain Django fields with the same arguments a model would spell out, so the migrations see exactly
the field they would see without them.
"""

from django.conf import settings
from django.db import models


def optional_fk(to, *, on_delete, related_name: str, **options) -> models.ForeignKey:
    """A link that may be empty: NULL in the database and not required in forms. What happens to the row when
    the linked one is deleted, and the reverse accessor, are each model's own decision, so they are asked for."""
    return models.ForeignKey(to, null=True, blank=True, on_delete=on_delete, related_name=related_name, **options)


def actor_fk(**options) -> models.ForeignKey:
    """The member of staff who did something (created, changed, resolved, unlocked it): empty when the system did
    it on its own, emptied when the user is deleted, and no reverse accessor on the user."""
    return optional_fk(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, related_name="+", **options)
