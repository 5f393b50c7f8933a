"""ASGI entry point. Production settings unless DJANGO_SETTINGS_MODULE says otherwise: a server never fails open."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vendorrisk.settings.production")

application = get_asgi_application()
