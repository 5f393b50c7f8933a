"""Users, roles and API tokens, for register administrators. Every write is a call to apps.accounts.services.

Secrets (a new account's password, an enrolment link, a token) are rendered once in the POST's own answer,
never stored or put in a message or a redirect, and that answer is marked not to be cached.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.accounts import selectors
from apps.accounts.models import ApiToken
from apps.accounts.services import (
    api_token_grant,
    api_token_revoke,
    user_create,
    user_deactivate,
    user_mfa_reset,
    user_reactivate,
    user_roles_set,
)

from ..access import administrator_view
from ..user_forms import ROLE_LABELS, ConfirmForm, RolesForm, TokenForm, UserCreateForm
from .common import Refused, call_service


def _role_names(user):
    return [ROLE_LABELS.get(group.name, group.name) for group in user.groups.all()]


def _list(request, *, form=None, created=None, status=200):
    users = list(selectors.users_for_management())
    for user in users:
        user.role_names = _role_names(user)
    context = {"users": users, "form": form or UserCreateForm(), "created": created}
    return render(request, "workspace/users.html", context, status=status)


@never_cache
@administrator_view
def user_list(request):
    if request.method != "POST":
        return _list(request)
    form = UserCreateForm(request.POST)
    if not form.is_valid():
        return _list(request, form=form, status=400)
    data = form.cleaned_data
    try:
        user, password, secret = call_service(form, lambda: user_create(actor=request.user, **data))
    except Refused as refused:
        return _list(request, form=form, status=refused.status)
    created = {
        "user": user,
        "password": password,
        "enrolment_url": request.build_absolute_uri(reverse("mfa-enrolment-link", args=[secret])) if secret else "",
    }
    return _list(request, created=created, status=201)


def _target(pk):
    return get_object_or_404(get_user_model(), pk=pk)


def _detail(request, target, *, forms=None, shown=None, status=200):
    forms = forms or {}
    context = {
        "target": target,
        "role_names": _role_names(target),
        "roles_form": forms.get("roles") or RolesForm(initial={"roles": [g.name for g in target.groups.all()]}),
        "token_form": forms.get("token") or TokenForm(),
        "account_form": forms.get("account"),
        "tokens": selectors.user_tokens(target),
        "events": selectors.user_events(target),
        "shown": shown,
        "is_self": target.pk == request.user.pk,
    }
    return render(request, "workspace/user.html", context, status=status)


@never_cache
@administrator_view
def user_page(request, pk):
    return _detail(request, _target(pk))


def _run(request, target, key, form, run, success):
    """Call a service for the detail page's form `key`; a refusal is shown in place, beside that form."""
    try:
        result = call_service(form, run)
    except Refused as refused:
        return _detail(request, target, forms={key: form}, status=refused.status)
    messages.success(request, success(result) if callable(success) else success)
    return redirect("workspace:user", pk=target.pk)


@administrator_view
@require_POST
def user_roles(request, pk):
    target = _target(pk)
    form = RolesForm(request.POST)
    if not form.is_valid():
        return _detail(request, target, forms={"roles": form}, status=400)
    roles = form.cleaned_data["roles"]
    return _run(
        request,
        target,
        "roles",
        form,
        lambda: user_roles_set(actor=request.user, user=target, roles=roles),
        f"Roles of {target.get_username()} saved.",
    )


@administrator_view
@require_POST
def user_deactivate_view(request, pk):
    target = _target(pk)
    return _run(
        request,
        target,
        "account",
        ConfirmForm(request.POST),
        lambda: user_deactivate(actor=request.user, user=target),
        lambda revoked: f"{target.get_username()} is deactivated; {revoked} API token(s) revoked.",
    )


@administrator_view
@require_POST
def user_reactivate_view(request, pk):
    target = _target(pk)
    return _run(
        request,
        target,
        "account",
        ConfirmForm(request.POST),
        lambda: user_reactivate(actor=request.user, user=target),
        f"{target.get_username()} can sign in again.",
    )


@never_cache
@administrator_view
@require_POST
def user_mfa_reset_view(request, pk):
    target = _target(pk)
    form = ConfirmForm(request.POST)
    try:
        link, secret = call_service(form, lambda: user_mfa_reset(actor=request.user, user=target))
    except Refused as refused:
        return _detail(request, target, forms={"account": form}, status=refused.status)
    shown = {
        "what": "Enrolment link",
        "value": request.build_absolute_uri(reverse("mfa-enrolment-link", args=[secret])),
        "note": f"Works once, until {link.expires_at:%Y-%m-%d %H:%M} UTC, signed in as {target.get_username()}.",
    }
    return _detail(request, target, shown=shown)


@never_cache
@administrator_view
@require_POST
def user_token_create(request, pk):
    target = _target(pk)
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _detail(request, target, forms={"token": form}, status=400)
    data = form.cleaned_data
    try:
        record, token = call_service(
            form,
            lambda: api_token_grant(
                actor=request.user, user=target, name=data["name"], expiry_days=data["expiry_days"]
            ),
        )
    except Refused as refused:
        return _detail(request, target, forms={"token": form}, status=refused.status)
    shown = {
        "what": f"API token “{record.name}”",
        "value": token,
        "note": f"Expires {record.expiry:%Y-%m-%d}. Copy it now: it is not shown again, only its first characters.",
    }
    return _detail(request, target, shown=shown, status=201)


@administrator_view
@require_POST
def user_token_revoke(request, pk, token_id):
    target = _target(pk)
    token = get_object_or_404(ApiToken, pk=token_id, user=target)
    label = f"{token.name or 'token'} {token.token_key}…"
    return _run(
        request,
        target,
        "account",
        ConfirmForm(request.POST),
        lambda: api_token_revoke(token=token, actor=request.user),
        f"Token {label} revoked.",
    )
