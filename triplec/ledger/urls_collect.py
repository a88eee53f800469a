from django.urls import path

from . import views_collect as views

app_name = "collect"

urlpatterns = [
    path("payments/", views.payments_list, name="payments"),
    path("payments/unmatched/", views.unmatched, name="unmatched"),
    path("payments/<int:pk>/assign/", views.assign, name="assign"),
    path("claims/", views.claims, name="claims"),
    path("claims/<int:pk>/resolve/", views.claim_resolve, name="claim-resolve"),
    path("bailiff/", views.bailiff_list, name="bailiff"),
    path("bailiff/<int:pk>/paksa/", views.paksa_issue, name="paksa-issue"),
    path("paksa/<int:pk>/served/", views.paksa_served, name="paksa-served"),
]
