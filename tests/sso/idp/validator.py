"""Claims the way Okta or Keycloak send them (groups, amr), and faults the tests switch on to see them refused."""

import base64
import json
import time

from oauth2_provider.oauth2_validators import OAuth2Validator

# Set through POST /control/ (views.control): per-username `amr` and `acr`, and faults for the next ID tokens.
STATE = {"amr": {}, "acr": {}, "faults": {}}


class FaultyValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim below goes into the ID token and userinfo, whatever the scopes

    def get_additional_claims(self, request):
        user = request.user
        claims = {
            "email": user.email,
            "email_verified": True,
            "preferred_username": user.username,
            "name": f"{user.first_name} {user.last_name}".strip(),
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }
        amr = STATE["amr"].get(user.username)
        if amr:
            claims["amr"] = amr
        if STATE["acr"].get(user.username):
            claims["acr"] = STATE["acr"][user.username]
        return claims

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration = super().get_id_token_dictionary(token, token_handler, request)
        faults = STATE["faults"]
        if "audience" in faults:
            claims["aud"] = faults["audience"]
        if "expired" in faults:
            now = int(time.time())
            claims["iat"], claims["exp"] = now - 3600, now - 1800
        if "nonce" in faults:
            claims["nonce"] = faults["nonce"]
        return claims, expiration

    def finalize_id_token(self, id_token, token, token_handler, request):
        signed = super().finalize_id_token(id_token, token, token_handler, request)
        if "tamper" not in STATE["faults"]:
            return signed
        # A man in the middle grants himself a group: the payload changes, the provider's signature stays.
        header, payload, signature = signed.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["groups"] = [*claims.get("groups", []), STATE["faults"]["tamper"]]
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        return f"{header}.{forged}.{signature}"
