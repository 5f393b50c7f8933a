"""Helpers for tests that need a verified second factor."""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift):06d}"


def enrolled_device(user):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def login_verified(client, user):
    """Sign `client` in as `user` with a session verified by a confirmed TOTP device, as after a code login."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or enrolled_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
