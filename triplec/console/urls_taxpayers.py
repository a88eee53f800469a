from django.urls import path

from . import views_taxpayers as views

app_name = "taxpayers"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/contact/number/", views.contact_number, name="contact_number"),
    path("<int:pk>/contact/status/", views.contact_status, name="contact_status"),
]
