"""Run the test provider: `python -m tests.sso.idp.serve PORT` (IDP_DATABASE and IDP_RSA_PRIVATE_KEY set)."""

import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.sso.idp.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    server = make_server("127.0.0.1", int(sys.argv[1]), get_wsgi_application(), handler_class=QuietHandler)
    print("ready", flush=True)
    server.serve_forever()
