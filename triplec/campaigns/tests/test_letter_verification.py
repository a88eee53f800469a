"""The Surat Teguran PDF looks official (letterhead, emblem slot, signing official, QR code) and its QR code
leads to a public page that confirms the letter number and the masked NPWP, and nothing else."""

import datetime as dt
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from triplec.campaigns.models import Target
from triplec.campaigns.pdf import notice_for_target, render_notice_pdf
from triplec.campaigns.services import campaign_approve, campaign_create, campaign_start
from triplec.campaigns.verify import verification_token, verification_url
from triplec.core.masking import mask_npwp

from .conftest import NOW


@pytest.fixture
def target(office, staff, head, approved_templates, letter_factory):
    letter_factory(name="Budi Santoso", issued=NOW.date() - dt.timedelta(days=2), amounts=(7_654_321,))
    campaign = campaign_create(office=office, maker=staff, name="Uji", criterion="a", days=7, frequency_cap_days=0)
    campaign_approve(campaign=campaign, approver=head)
    campaign_start(campaign=campaign, actor=head)
    return Target.objects.select_related("letter", "taxpayer", "campaign__office").get(messaged=True)


@pytest.mark.django_db
def test_it_confirms_the_letter_number_and_the_masked_npwp_and_nothing_else(client, target):
    url = verification_url(target.public_id)
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert token.split(":")[0] == str(target.public_id)  # the random public id, never the sequential one
    response = client.get(f"/verifikasi/{token}/")
    page = response.content.decode()
    assert response.status_code == 200 and 'id="verified"' in page
    assert target.letter.number in page and mask_npwp(target.taxpayer.npwp16) in page
    for secret in (
        target.taxpayer.name,
        target.taxpayer.npwp16,
        "7.654.321",
        "7654321",
        target.letter.documents.get().number,
    ):
        assert secret not in page


@pytest.mark.django_db
def test_it_refuses_a_forged_or_guessed_token(client, target):
    genuine = verification_token(target.public_id)
    public_id, signature = genuine.split(":")
    forged = f"{public_id}:{'A' * len(signature)}"
    for token in (forged, str(target.public_id), str(target.pk), f"{target.pk}:{signature}"):
        response = client.get(f"/verifikasi/{token}/")
        assert response.status_code == 404 and 'id="not-found"' in response.content.decode()
        assert target.letter.number not in response.content.decode()


@pytest.mark.django_db
def test_it_needs_no_login_and_is_not_indexed(client, target):
    response = client.get(f"/verifikasi/{verification_token(target.public_id)}/")
    assert response.status_code == 200 and response["X-Robots-Tag"].startswith("noindex")


@pytest.mark.django_db
def test_it_prints_letterhead_emblem_signing_official_qr_and_explains_the_copy(target, settings, tmp_path):
    office = target.campaign.office
    settings.MEDIA_ROOT = tmp_path
    office.letterhead = "KEMENTERIAN KEUANGAN REPUBLIK INDONESIA\nDIREKTORAT JENDERAL PAJAK\nKANWIL DJP NUSA TENGGARA"
    office.signer_name, office.signer_nip = "Yohanes Ndoen", "197805122003121001"
    png = (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
        b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
    )
    office.emblem = SimpleUploadedFile("lambang.png", png, content_type="image/png")
    office.save()
    notice = notice_for_target(target)
    assert notice.verify_url == verification_url(target.public_id)
    from weasyprint import HTML

    from triplec.campaigns import pdf as pdf_module

    captured = {}
    original = pdf_module.render_to_string

    def capture(name, context):
        captured["html"] = original(name, context)
        return captured["html"]

    pdf_module.render_to_string = capture
    try:
        data = render_notice_pdf(notice, office=office)
    finally:
        pdf_module.render_to_string = original
    assert data.startswith(b"%PDF")
    html = captured["html"]
    assert "KANWIL DJP NUSA TENGGARA" in html and 'src="file://' in html and "lambang" in html
    assert "ditandatangani secara elektronik" in html and "Yohanes Ndoen" in html and "NIP 197805122003121001" in html
    assert 'alt="Kode QR verifikasi"' in html and "data:image/svg+xml" in html
    assert "Salinan informasi." in html and target.letter.number in html
    text = "".join(
        box.text
        for page in HTML(string=html, base_url=str(tmp_path)).render().pages
        for box in _boxes(page._page_box)
        if hasattr(box, "text")
    )
    assert "ditandatangani secara elektronik" in text


def _boxes(box):
    yield box
    for child in getattr(box, "children", []):
        yield from _boxes(child)


def test_it_keeps_weasyprint_and_fonttools_progress_out_of_the_logs():
    for name in ("weasyprint", "fontTools", "fontTools.subset"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO)


@pytest.mark.django_db
def test_it_serves_a_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
