from django.urls import path

from . import views, views_office

app_name = "console"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit, name="audit"),
    path("import/", views.import_page, name="import"),
    path("import/<int:pk>/", views.import_run, name="import_run"),
    path("import/template/<slug:kind>.<slug:fmt>", views.import_template, name="import_template"),
    path("import/<int:pk>/report.csv", views.import_report, name="import_report"),
    path("office/calendar/", views_office.office_calendar, name="office_calendar"),
    path("office/calendar/holidays/", views_office.office_holiday_add, name="office_holiday_add"),
    path("office/calendar/holidays/<int:pk>/delete/", views_office.office_holiday_delete, name="office_holiday_delete"),
    path("office/calendar/national/", views_office.office_national_holidays, name="office_national_holidays"),
]
