"""REST API, version 1. Add endpoints here, one line each, with views wrapped in `triplec.api.auth.api_view`."""

from django.urls import path

from . import payments

app_name = "api"

urlpatterns = [
    path("v1/payments", payments.payments, name="payments"),
    path("v1/documents/<str:office>/<path:number>/clear", payments.clear, name="document-clear"),
]
