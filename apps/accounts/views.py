"""Account pages: TOTP enrolment, and the 403 page that also writes the security log."""

import logging
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

security_log = logging.getLogger("vendorrisk.security")


def _qr_svg(data):
    # Rendered here as inline SVG: an external QR service would leak the secret, a data: URL needs no exception.
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 - our own generated SVG, no user input


@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request):
    """Enrol a TOTP device: scan the QR code, type a code from the app to confirm it."""
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return render(request, "accounts/mfa_setup.html", {"enrolled": True})
    device, _ = TOTPDevice.objects.get_or_create(user=request.user, confirmed=False, defaults={"name": "default"})
    error = ""
    if request.method == "POST":
        if device.verify_token(request.POST.get("token", "").strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            security_log.info("mfa.enrolled user=%s", request.user.get_username())
            return redirect("mfa-setup")
        error = "That code is not valid. Check your device's clock and type the current six-digit code."
    context = {
        "enrolled": False,
        "qr_svg": _qr_svg(device.config_url),
        "secret": b32encode(device.bin_key).decode(),
        "error": error,
    }
    return render(request, "accounts/mfa_setup.html", context)


def permission_denied(request, exception=None):
    user = getattr(request, "user", None)
    security_log.warning(
        "permission.denied user=%s method=%s path=%s",
        user.get_username() if user is not None and user.is_authenticated else "anonymous",
        request.method,
        request.path,
    )
    return render(request, "403.html", status=403)
