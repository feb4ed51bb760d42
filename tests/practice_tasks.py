"""Building practice tasks for the tests: a task of the given checks and workloads, read through
course_format.tasks exactly as a course file's task is."""

import yaml

from course_format.tasks import TaskData, read_task_file
from course_format.yamlfile import parse_yaml

BOOKINFO = [
    {
        "name": "productpage-v1",
        "namespace": "bookinfo",
        "labels": {"app": "productpage", "version": "v1"},
        "service": "productpage",
        "service_account": "bookinfo-productpage",
        "ip": "10.8.0.11",
    },
    {
        "name": "reviews-v1",
        "namespace": "bookinfo",
        "labels": {"app": "reviews", "version": "v1"},
        "service": "reviews",
        "service_account": "bookinfo-reviews",
        "ports": [9080],
    },
    {
        "name": "reviews-v2",
        "namespace": "bookinfo",
        "labels": {"app": "reviews", "version": "v2"},
        "service": "reviews",
        "service_account": "bookinfo-reviews",
        "ports": [9080],
    },
    {
        "name": "ingressgateway",
        "namespace": "istio-system",
        "labels": {"istio": "ingressgateway"},
    },
    {
        "name": "legacy",
        "namespace": "legacy",
        "labels": {"app": "legacy"},
        "sidecar": False,
    },
]


def make_task(checks: list, workloads: list | None = None, **fields) -> TaskData:
    task = {
        "slug": "a-task",
        "title": "A task",
        "lesson": "routing",
        "domain": "traffic",
        "scenario": "Something to do.",
        "workloads": BOOKINFO if workloads is None else workloads,
        "hints": ["A hint."],
        "solution": "kind: Placeholder\n",
        "sources": ["https://istio.io/latest/docs/"],
        "checks": checks,
    }
    task.update(fields)
    text = yaml.safe_dump({"tasks": [task]}, sort_keys=False)
    return read_task_file(parse_yaml(text, "task.yaml"))[0]


def route_check(request: dict, expect: dict, name: str = "probe") -> dict:
    return {"name": name, "route": {"request": request, "expect": expect}, "fail": "Not yet."}
