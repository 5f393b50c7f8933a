import json

from django.contrib.auth import authenticate, get_user_model, login
from django.contrib.auth.models import Group
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import get_application_model

from .validator import STATE


@csrf_exempt
def sign_in(request):
    """The provider's own login: username and password, then back to the authorize request."""
    if request.method != "POST":
        return HttpResponse("POST username and password", status=405)
    user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
    if user is None:
        return HttpResponse("bad credentials", status=403)
    login(request, user)
    return HttpResponseRedirect(request.GET.get("next", "/"))


@csrf_exempt
def control(request):
    """What the test changes at the provider: a person (groups, amr, active), a client, faults in the next tokens."""
    body = json.loads(request.body)
    if "user" in body:
        spec = body["user"]
        user, _ = get_user_model().objects.get_or_create(username=spec["username"])
        user.email = spec.get("email", f"{user.username}@corp.example")
        user.is_active = spec.get("active", True)
        user.set_password(spec.get("password", "idp-password"))
        user.save()
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in spec.get("groups", [])])
        STATE["amr"][user.username] = spec.get("amr", [])
        STATE["acr"][user.username] = spec.get("acr", "")
    if "client" in body:
        spec = body["client"]
        Application = get_application_model()
        Application.objects.filter(client_id=spec["client_id"]).delete()
        Application.objects.create(
            name=spec["client_id"],
            client_id=spec["client_id"],
            client_secret=spec["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=spec["redirect_uri"],
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    if "faults" in body:
        STATE["faults"] = body["faults"]
    return JsonResponse({"ok": True})
