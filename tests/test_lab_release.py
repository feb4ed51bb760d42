"""The config lab asks which Istio release the config is for (issue 22): the page's select and
`release` on /lab/check.json. A field newer than the release chosen gets ML0026."""

import textwrap

from django.test import Client

DYNAMIC_DNS = textwrap.dedent("""\
    apiVersion: networking.istio.io/v1
    kind: ServiceEntry
    metadata:
      name: wiki
    spec:
      hosts: ["*.wikipedia.org"]
      ports: [{number: 443, name: tls, protocol: TLS}]
      resolution: DYNAMIC_DNS
""")


def _codes(response) -> list[str]:
    return [p["code"] for p in response.json()["problems"]]


def test_json_checks_for_the_newest_release_unless_told(client):
    newest = client.post("/lab/check.json", {"config": DYNAMIC_DNS})
    older = client.post("/lab/check.json", {"config": DYNAMIC_DNS, "release": "1.27"})
    assert newest.status_code == older.status_code == 200
    assert "ML0026" not in _codes(newest)
    [late] = [p for p in older.json()["problems"] if p["code"] == "ML0026"]
    assert late["path"] == "spec.resolution" and late["line"] == 8
    assert "1.28" in late["message"] and late["severity"] == "warning"


def test_json_refuses_a_release_it_does_not_know(client):
    response = Client().post("/lab/check.json", {"config": DYNAMIC_DNS, "release": "0.8"})
    assert response.status_code == 400
    assert "release" in response.json()["fields"]


def test_the_page_offers_the_releases_newest_first_and_checks_for_the_one_chosen(client):
    html = client.get("/lab/").content.decode()
    start = html.index('name="release"')
    select = html[start : html.index("</select>", start)]
    assert select.index("1.31") < select.index("1.22")
    page = client.post("/lab/", {"config": DYNAMIC_DNS, "release": "1.27"}).content.decode()
    assert "ML0026" in page and 'value="1.27" selected' in page
