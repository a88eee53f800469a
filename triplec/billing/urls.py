from django.urls import path

from . import views

app_name = "billing"

urlpatterns = [
    path("taxpayer/<int:taxpayer_id>/", views.taxpayer_billing, name="taxpayer"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/", views.preview, name="preview"),
]
