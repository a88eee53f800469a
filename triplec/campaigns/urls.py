from django.urls import path

from . import templates_views, views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("templates/", templates_views.template_list, name="templates"),
    path("templates/<int:pk>/<slug:action>/", templates_views.template_action_view, name="template_action"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/progress/", views.campaign_progress_page, name="progress"),
    path("<int:pk>/progress.json", views.campaign_progress_json, name="progress_json"),
    path("<int:pk>/<str:action>/", views.campaign_action, name="action"),
    path("notice/<str:token>/surat-teguran.pdf", views.notice_pdf, name="notice_pdf"),
]
