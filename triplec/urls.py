from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from triplec.campaigns.views_verify import verify_letter

admin.site.site_header = "Just Triple C — Administrasi"
admin.site.site_title = "Just Triple C"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("triplec.accounts.urls")),
    path("events/", include("triplec.events.urls")),
    path("whatsapp/", include("triplec.messaging.urls")),
    path("taxpayers/", include("triplec.console.urls_taxpayers")),
    path("debts/", include("triplec.ledger.urls")),
    path("collect/", include("triplec.ledger.urls_collect")),
    path("billing/", include("triplec.billing.urls")),
    path("campaigns/", include("triplec.campaigns.urls")),
    # Public, no login: the QR code of a Surat Teguran PDF leads here (campaigns/verify.py).
    path("verifikasi/<str:token>/", verify_letter, name="verify_letter"),
    path("favicon.ico", RedirectView.as_view(url=static("console/favicon.svg"), permanent=True), name="favicon"),
    path("api/v1/campaigns/", include("triplec.campaigns.api_urls")),
    path("api/", include("triplec.api.urls")),
    path("inbox/", include("triplec.inbox.urls")),
    path("", include("triplec.console.urls")),
]
