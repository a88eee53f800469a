"""Reads about past imports, for the console's import page."""

from django.db.models import Q, QuerySet

from .models import ImportRun


def import_runs_for(user) -> QuerySet[ImportRun]:
    """Newest first. Administrators see every run; staff the runs of their own office (and their own)."""
    runs = ImportRun.objects.select_related("actor", "office")
    if user.is_administrator:
        return runs
    return runs.filter(Q(office_id=user.office_id) | Q(actor=user)) if user.office_id else runs.filter(actor=user)
