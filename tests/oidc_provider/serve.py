"""Start the test provider: `python -m tests.oidc_provider.serve` with OIDC_TEST_PORT,
OIDC_TEST_DB and OIDC_TEST_SETUP (JSON: the client and the users) in the environment. It
migrates its own database, makes its signing key, the client and the users, then serves."""

import json
import os
import socketserver
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from oidc_provider.models import Client, ResponseType  # noqa: E402


class ThreadedServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # the tests read no access log
        pass


def set_up(setup: dict) -> None:
    call_command("migrate", verbosity=0)
    call_command("creatersakey")
    unverified, _ = Group.objects.get_or_create(name="unverified")
    for person in setup["users"]:
        user = User.objects.create_user(
            person["username"], person["email"], person["password"],
            first_name=person.get("first_name", ""), last_name=person.get("last_name", ""),
        )  # fmt: skip
        if not person.get("verified", True):
            user.groups.add(unverified)
    client = Client.objects.create(
        name="MeshLearn tests",
        client_type="confidential",
        client_id=setup["client_id"],
        client_secret=setup["client_secret"],
        require_consent=False,
        reuse_consent=True,
        jwt_alg="RS256",
    )
    client.redirect_uris = setup["redirect_uris"]
    client.scope = ["openid", "email", "profile"]
    client.save()
    client.response_types.add(ResponseType.objects.get(value="code"))


if __name__ == "__main__":
    set_up(json.loads(os.environ["OIDC_TEST_SETUP"]))
    port = int(os.environ["OIDC_TEST_PORT"])
    server = make_server("127.0.0.1", port, get_wsgi_application(), ThreadedServer, QuietHandler)
    server.serve_forever()
