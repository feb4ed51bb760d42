"""A generated course of any size, shaped like content/istio-service-mesh/ (issue 25's load).

Each lesson has five sections: Markdown with headings, lists, a table, inline code, links and a
fenced YAML block; an `examples` section with two checked configs (a VirtualService and a
DestinationRule); a section of cards; a `quiz` section; a wrap-up with sources. Its quiz asks
three questions (single, multiple, and one whose choices are YAML snippets). About 6 KB of YAML
a lesson: 500 lessons are 2.8 MB as a folder, 3.1 MB as one file. The shipped lessons are
18-38 KB of prose; issue 25's "2 MB, about 180 lessons" is ~11 KB a lesson.

`write_course(folder, lessons)` writes course.yaml and one file per lesson (what `loadcourse`
reads); `write_course(folder, lessons, single_file=True)` writes one file with the lessons
inline (what the admin's import takes). `variant` changes every lesson's text, so a second
load of another variant updates every row. Pure Python: the tests use it too.

Run alone: `.venv/bin/python bench/big_course.py 500 /tmp/x [--single]` prints the path.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

SLUG = "generated"


def write_course(
    folder: Path, lessons: int = 500, *, single_file: bool = False, variant: str = ""
) -> Path:
    """Write the course under `folder`; returns the folder (or the single file)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    head = (
        f"slug: {SLUG}\ntitle: A generated course of {lessons} lessons\n"
        "summary: Written by bench/big_course.py to time course loading.\npublished: true\n"
    )
    texts = [lesson_text(n, variant) for n in range(lessons)]
    final = final_quiz(lessons)
    if single_file:
        path = folder / f"{SLUG}.yaml"
        inline = "".join(_as_list_item(text) for text in texts)
        path.write_text(head + "lessons:\n" + inline + final, encoding="utf-8")
        return path
    course = folder / SLUG
    course.mkdir()
    names = [f"lesson-{n:03d}.yaml" for n in range(lessons)]
    for name, text in zip(names, texts, strict=True):
        (course / name).write_text(text, encoding="utf-8")
    listing = "".join(f"  - {name}\n" for name in names)
    (course / "course.yaml").write_text(head + "lessons:\n" + listing + final, encoding="utf-8")
    return course


def _as_list_item(text: str) -> str:
    """A lesson file's mapping as an item of the course's `lessons:` list."""
    lines = text.splitlines()
    rest = "".join(f"    {line}\n" if line else "\n" for line in lines[1:])
    return f"  - {lines[0]}\n{rest}"


def lesson_text(n: int, variant: str = "") -> str:
    services = ("reviews", "ratings", "details", "productpage", "checkout", "cart")
    host = services[n % len(services)]
    weight = 10 + n % 80
    edit = f" ({variant})" if variant else ""
    return textwrap.dedent(
        f"""\
        slug: lesson-{n:03d}
        title: "Lesson {n}: routing {host} with care{edit}"
        summary: Shift traffic for {host} by weight, define its versions, and check the result.
        published: true
        sections:
          - slug: why
            title: Why route {host} at all{edit}
            body: |
              With no rules, a proxy spreads requests for `{host}` over **every** healthy
              endpoint, whatever its version ([Traffic management](https://istio.io/latest/docs/concepts/traffic-management/)).
              That is rarely what a release wants: lesson {n} shows the two resources that
              change it.

              ### What changes

              - A `VirtualService` says *how* requests for a host are routed: ordered rules,
                each with conditions and destinations.
              - A `DestinationRule` names the **subsets** and sets the traffic policy:
                load balancing, connection pools, outlier detection.
              - Together they give a canary: {weight} % to the new version, the rest to v1.

              | resource | decides | example field |
              |---|---|---|
              | VirtualService | where a request goes | `http[].route[].weight` |
              | DestinationRule | what a subset is | `subsets[].labels` |
              | Gateway | what enters the mesh | `servers[].hosts` |

              A quick check from inside the mesh:

              ```sh
              kubectl exec deploy/sleep -- curl -s http://{host}:9080/health
              ```
            sources:
              - title: "Istio docs: Traffic management concepts"
                url: https://istio.io/latest/docs/concepts/traffic-management/
          - slug: configs
            title: The two configs{edit}
            kind: examples
            body: |
              The route below sends {weight} % of the requests for `{host}` to `v2`. Both
              subsets must exist in the `DestinationRule`, or the proxies answer **503** with
              the response flag `NR` until they do.
            sources:
              - title: "Istio API reference: VirtualService"
                url: https://istio.io/latest/docs/reference/config/networking/virtual-service/
              - title: "Istio API reference: DestinationRule"
                url: https://istio.io/latest/docs/reference/config/networking/destination-rule/
            examples:
              - slug: split-{n}
                title: "{weight} % of {host} to v2"
                explanation: |
                  Weights of one route must add up to 100. The rule has no `match`, so it is
                  the default route and catches every request{edit}.
                yaml: |
                  apiVersion: networking.istio.io/v1
                  kind: VirtualService
                  metadata:
                    name: {host}-split-{n}
                  spec:
                    hosts:
                    - {host}
                    http:
                    - route:
                      - destination:
                          host: {host}
                          subset: v1
                        weight: {100 - weight}
                      - destination:
                          host: {host}
                          subset: v2
                        weight: {weight}
              - slug: subsets-{n}
                title: The subsets of {host}
                explanation: Each subset selects pods by their `version` label.
                yaml: |
                  apiVersion: networking.istio.io/v1
                  kind: DestinationRule
                  metadata:
                    name: {host}-{n}
                  spec:
                    host: {host}
                    trafficPolicy:
                      loadBalancer:
                        simple: LEAST_REQUEST
                    subsets:
                    - name: v1
                      labels:
                        version: v1
                    - name: v2
                      labels:
                        version: v2
          - slug: cases
            title: Three teams that did it
            layout: cards
            body: |
              Short stories of the same change{edit}.

              ### A shop

              Moved {weight} % of checkout to v2 on a Friday, and back within a minute.

              ### A bank

              Split by header first, by weight only once the staff had tried it.

              ### A game studio

              Kept the `DestinationRule` in the same commit as the route, always.
          - slug: check
            title: Check your understanding
            kind: quiz
            body: Three questions on lesson {n}; the quiz keeps your best score.
          - slug: wrap-up
            title: Wrap-up
            body: |
              1. Route with a `VirtualService`, define versions with a `DestinationRule`.
              2. Ship both together, subsets first.
              3. Watch the `NR` flag in the access log after every change{edit}.
            sources:
              - title: "Istio docs: Traffic management best practices"
                url: https://istio.io/latest/docs/ops/best-practices/traffic-management/
        quiz:
          slug: {SLUG}-check-{n}
          title: Check lesson {n}
          questions:
            - prompt: What decides which subset a request for `{host}` reaches?
              explanation: The destinations and their weights, in the `VirtualService`{edit}.
              choices:
                - text: The VirtualService's route
                  correct: true
                - text: The Kubernetes Service's selector
                  why: It selects every version's pods; the mesh routes among them{edit}.
                - text: The Gateway
                  why: A Gateway only says what enters the mesh at its edge.
            - prompt: Which fields does a DestinationRule set?
              kind: multiple
              explanation: Subsets and the traffic policy; routing is the VirtualService's.
              choices:
                - text: subsets
                  correct: true
                - text: trafficPolicy
                  correct: true
                - text: http routes
                  why: Those belong to a VirtualService.
            - prompt: Which route sends {weight} % to v2?
              explanation: The weights must add up to 100.
              choices:
                - yaml: |
                    - destination: {{host: {host}, subset: v2}}
                      weight: {weight}
                    - destination: {{host: {host}, subset: v1}}
                      weight: {100 - weight}
                  correct: true
                - yaml: |
                    - destination: {{host: {host}, subset: v2}}
                      weight: {weight}
                  why: The other {100 - weight} % has nowhere to go.
        """
    )


def final_quiz(lessons: int) -> str:
    return textwrap.dedent(
        f"""\
        quizzes:
          - slug: {SLUG}-final
            title: Final quiz
            draw_per_lesson: 1
            questions: []
        """
    )


if __name__ == "__main__":
    count, where = int(sys.argv[1]), Path(sys.argv[2])
    print(write_course(where, count, single_file="--single" in sys.argv))
