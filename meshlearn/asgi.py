"""ASGI entry point, for an ASGI server (e.g. `uvicorn meshlearn.asgi:application`).

The site is served by gunicorn through wsgi.py; this is Django's standard counterpart.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meshlearn.settings")
application = get_asgi_application()
