"""Account pages: TOTP enrolment (behind an enrolment link or a verified session), and the 403 page.

A password alone must not let anyone enrol: whoever stole it could otherwise register their own authenticator
first. Enrolment needs a single-use link a security reviewer or an operator issued, or a session already verified
with a second factor.
"""

import logging
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .mfa import has_verified_second_factor
from .models import MfaEnrolmentLink
from .services import mfa_device_confirm, mfa_enrolment_link_redeem, mfa_recovery_codes_replace

security_log = logging.getLogger("vendorrisk.security")

# The redeemed link's id: lets this session (and no other) enrol until the link's deadline.
ENROLMENT_SESSION_KEY = "mfa_enrolment_link"
TEMPLATE = "accounts/mfa_setup.html"


def _qr_svg(data):
    # Rendered here as inline SVG: an external QR service would leak the secret, a data: URL needs no exception.
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308 - our own generated SVG, no user input


def _session_link_valid(request) -> bool:
    link_id = request.session.get(ENROLMENT_SESSION_KEY)
    return (
        bool(link_id)
        and MfaEnrolmentLink.objects.filter(pk=link_id, user=request.user, expires_at__gt=timezone.now()).exists()
    )


@login_required
@require_http_methods(["GET"])
def mfa_enrolment_link(request, secret):
    """Open an enrolment link, signed in as the user it was issued to. It works once."""
    try:
        link = mfa_enrolment_link_redeem(secret=secret, user=request.user)
    except PermissionDenied as refusal:
        security_log.warning("mfa.link_refused user=%s", request.user.get_username())
        return render(request, TEMPLATE, {"refused": str(refusal)}, status=403)
    request.session[ENROLMENT_SESSION_KEY] = link.pk
    security_log.info("mfa.link_redeemed user=%s link=%s", request.user.get_username(), link.pk)
    return redirect("mfa-setup")


@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request):
    """Enrol a TOTP device (scan the QR code, type a code to confirm it); replace recovery codes when verified."""
    user = request.user
    verified = has_verified_second_factor(user)
    enrolled = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if request.method == "POST" and request.POST.get("action") == "recovery-codes":
        if not verified:
            context = {"enrolled": enrolled, "refused": "Sign in with your code first."}
            return render(request, TEMPLATE, context, status=403)
        codes = mfa_recovery_codes_replace(user=user)
        security_log.info("mfa.recovery_codes_replaced user=%s", user.get_username())
        return render(request, TEMPLATE, {"enrolled": True, "verified": True, "recovery_codes": codes})
    has_link = _session_link_valid(request)
    if enrolled and not has_link:
        return render(request, TEMPLATE, {"enrolled": True, "verified": verified})
    if not (has_link or verified):
        return render(request, TEMPLATE, {"needs_link": True}, status=403)

    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "default"})
    error = ""
    if request.method == "POST":
        if device.verify_token(request.POST.get("token", "").strip()):
            codes = mfa_device_confirm(device=device)
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            otp_login(request, device)
            security_log.info("mfa.enrolled user=%s", user.get_username())
            return render(request, TEMPLATE, {"enrolled": True, "verified": True, "recovery_codes": codes})
        error = "That code is not valid. Check your device's clock and type the current six-digit code."
    context = {
        "enrolled": False,
        "qr_svg": _qr_svg(device.config_url),
        "secret": b32encode(device.bin_key).decode(),
        "error": error,
    }
    return render(request, TEMPLATE, context)


def permission_denied(request, exception=None):
    user = getattr(request, "user", None)
    security_log.warning(
        "permission.denied user=%s method=%s path=%s",
        user.get_username() if user is not None and user.is_authenticated else "anonymous",
        request.method,
        request.path,
    )
    # The services' refusals are written for people ("Only a security reviewer may …"): say which one applied.
    reason = str(exception) if exception is not None and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)
