"""meshlearn/asgi.py serves the site to an ASGI server as wsgi.py does to gunicorn."""

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator

pytestmark = pytest.mark.django_db


@async_to_sync
async def asgi_get(path: str) -> tuple[int, dict[bytes, bytes], bytes]:
    from meshlearn.asgi import application

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("192.0.2.1", 5000),
        "server": ("testserver", 80),
    }
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await communicator.receive_output(10)
    body = b""
    while True:
        message = await communicator.receive_output(10)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    return start["status"], {name.lower(): value for name, value in start["headers"]}, body


def test_the_asgi_application_answers_the_health_check_with_the_site_s_headers():
    status, headers, body = asgi_get("/healthz/")
    assert status == 200, body
    assert b"frame-ancestors 'none'" in headers[b"content-security-policy"]
