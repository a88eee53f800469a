from django.urls import path, re_path

from . import views

app_name = "messaging"

urlpatterns = [
    re_path(r"^webhook/?$", views.webhook, name="webhook"),  # with or without the slash: Meta POSTs never redirect
    path("ping", views.ping, name="ping"),
]
