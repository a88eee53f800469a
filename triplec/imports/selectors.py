"""Reads about past imports, for the console's import page."""

from django.db.models import Q, QuerySet

from .kinds import KINDS
from .kinds.base import Column
from .models import ImportRun


def import_runs_for(user) -> QuerySet[ImportRun]:
    """Newest first. Administrators see every run; staff the runs of their own office (and their own)."""
    runs = ImportRun.objects.select_related("actor", "office")
    if user.is_administrator:
        return runs
    return runs.filter(Q(office_id=user.office_id) | Q(actor=user)) if user.office_id else runs.filter(actor=user)


def import_columns(kind: str) -> tuple[Column, ...]:
    """The columns a file of this kind has, in the documented order (docs/import-format.md). KeyError for an
    unknown kind."""
    return KINDS[kind].columns
