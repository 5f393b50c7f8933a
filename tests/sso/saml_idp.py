"""A SAML 2.0 identity provider built with pysaml2 inside the test: it reads our AuthnRequest and answers with a
response signed by its own key (or unsigned, or tampered with after signing)."""

import base64
import datetime
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import AUTHN_PASSWORD_PROTECTED, NAME_FORMAT_BASIC, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

IDP_ENTITY_ID = "https://idp.test/metadata"
IDP_SSO_URL = "https://idp.test/sso"
MFA_CONTEXT = "http://schemas.microsoft.com/claims/multipleauthn"


def write_key_pair(folder):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_file, cert_file = folder / "idp.key", folder / "idp.crt"
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_file), str(cert_file)


def idp_config(key_file, cert_file, sp_metadata_file=None):
    conf = {
        "entityid": IDP_ENTITY_ID,
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "service": {
            "idp": {
                "name": "Test IdP",
                "endpoints": {"single_sign_on_service": [(IDP_SSO_URL, BINDING_HTTP_REDIRECT)]},
                "policy": {"default": {"lifetime": {"minutes": 15}, "name_form": NAME_FORMAT_BASIC}},
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
            }
        },
        "key_file": key_file,
        "cert_file": cert_file,
    }
    if sp_metadata_file:
        conf["metadata"] = {"local": [sp_metadata_file]}
    config = IdPConfig()
    config.load(conf)
    return config


def write_idp_metadata(folder, key_file, cert_file) -> str:
    path = folder / "idp-metadata.xml"
    path.write_bytes(create_metadata_string(None, config=idp_config(key_file, cert_file)))
    return str(path)


class SamlIdp:
    def __init__(self, key_file, cert_file, sp_metadata_file):
        self.server = Server(config=idp_config(key_file, cert_file, sp_metadata_file))

    def respond(self, login_redirect, *, subject, groups, email="", authn_context=AUTHN_PASSWORD_PROTECTED, sign=True):
        """The IdP's answer to the AuthnRequest in our redirect: (SAMLResponse form value, RelayState)."""
        assert login_redirect.startswith(IDP_SSO_URL), login_redirect
        query = parse_qs(urlsplit(login_redirect).query)
        request = self.server.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT).message
        identity = {"groups": list(groups), "email": [email or f"{subject}@corp.example"], "username": [subject]}
        response = self.server.create_authn_response(
            identity,
            in_response_to=request.id,
            destination=request.assertion_consumer_service_url,
            sp_entity_id=request.issuer.text,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=f"id-{subject}"),
            authn={"class_ref": authn_context, "authn_auth": IDP_ENTITY_ID},
            sign_assertion=sign,
            sign_response=False,
            binding=BINDING_HTTP_POST,
        )
        return str(response), query.get("RelayState", [""])[0]


def encode(response_xml: str) -> str:
    return base64.b64encode(response_xml.encode()).decode()
