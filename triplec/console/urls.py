from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit, name="audit"),
    path("import/", views.import_page, name="import"),
    path("import/<int:pk>/", views.import_run, name="import_run"),
    path("import/<int:pk>/report.csv", views.import_report, name="import_report"),
]
