"""The shared field declarations give migrations exactly the field a model would spell out."""

from django.conf import settings
from django.db import models

from triplec.core.fields import actor_fk, optional_fk


def test_it_declares_an_optional_link_as_a_nullable_foreign_key_forms_may_leave_empty():
    field = optional_fk("offices.Office", on_delete=models.PROTECT, related_name="staff", verbose_name="office")
    spelled_out = models.ForeignKey(
        "offices.Office", null=True, blank=True, on_delete=models.PROTECT, related_name="staff", verbose_name="office"
    )

    assert field.deconstruct() == spelled_out.deconstruct()


def test_it_declares_the_acting_user_as_an_optional_link_emptied_when_the_user_goes():
    field = actor_fk(db_index=False)
    spelled_out = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )

    assert field.deconstruct() == spelled_out.deconstruct()
    assert field.remote_field.on_delete is models.SET_NULL
