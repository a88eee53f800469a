"""REST endpoints of campaigns, mounted at /api/v1/campaigns (see docs/campaigns.md)."""

from django.urls import path

from . import api

app_name = "campaigns_api"

urlpatterns = [
    path("", api.campaigns, name="list"),
    path("<int:pk>", api.campaign, name="detail"),
    path("<int:pk>/preview", api.preview, name="preview"),
    path("<int:pk>/status", api.status, name="status"),
    path("<int:pk>/<str:name>", api.action, name="action"),
]
