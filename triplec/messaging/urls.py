from django.urls import path, re_path

from . import quarantine_views, views

app_name = "messaging"

urlpatterns = [
    re_path(r"^webhook/?$", views.webhook, name="webhook"),  # with or without the slash: Meta POSTs never redirect
    path("ping", views.ping, name="ping"),
    path("quarantine/", quarantine_views.quarantine_list, name="quarantine"),
    path("quarantine/<int:pk>/", quarantine_views.quarantine_detail, name="quarantine_event"),
    path("quarantine/<int:pk>/<slug:action>/", quarantine_views.quarantine_action, name="quarantine_action"),
]
