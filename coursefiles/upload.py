"""Load a course file uploaded through the admin, with the same checks as `loadcourse`.

The upload is written to a private temporary folder and read by `read_course` exactly as the
command reads a file, so the two can never disagree; error messages name the uploaded file,
not the temporary path. Nothing is written unless the whole file passes.
"""

import re
import tempfile
from pathlib import Path

from course_format.schema import read_course
from course_format.yamlfile import MAX_FILE_BYTES, ContentError

from .loading import LoadReport, check_course_examples, load_course

SINGLE_FILE_HINT = (
    "Upload one YAML file with the lessons written inline, as `dumpcourse` or "
    "'Export YAML' writes it; lesson files beside it are not read."
)


def _safe_name(name: str) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(name or "course.yaml").name).strip(".-")
    return base[:100] or "course.yaml"


def load_uploaded_course(upload, *, delete_learner_work: bool = False) -> LoadReport:
    """Validate and load an uploaded course file. Raises ContentError; writes nothing then.

    An upload is often an older export: unless asked, a file that leaves out what learners
    have read or answered is refused (WorkAtStake) rather than deleting their work."""
    name = _safe_name(upload.name)
    if upload.size > MAX_FILE_BYTES:
        raise ContentError(name, f"the file is larger than {MAX_FILE_BYTES // 1024} KB")
    with tempfile.TemporaryDirectory(prefix="course-upload-") as folder:
        path = Path(folder) / name
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            data = read_course(path)
            problems = check_course_examples(data)
        except ContentError as exc:
            exc.file = _display_name(exc.file, folder, name)
            if "does not exist" in exc.message or "outside the course folder" in exc.message:
                exc.message = f"{exc.message}. {SINGLE_FILE_HINT}"
            exc.args = (str(exc),)
            raise
    for lesson in data.lessons:  # keep the temporary path out of anything shown later
        lesson.file = _display_name(lesson.file, folder, name)
    return load_course(data, delete_learner_work=delete_learner_work, problems=problems)


def _display_name(file: str, folder: str, name: str) -> str:
    return name if file.startswith(folder) else file
