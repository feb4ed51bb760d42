"""Taking a quiz: the cover, one question at a time, feedback after each answer, the result.

Thin views: look up (attempts only through `owned_attempts`, so another learner's id is a 404;
a visitor who owns no such attempt is told, by htmx, that they are signed out), call a service,
render. cover.py: the quiz's address and starting; answer.py: the answer POST; attempt.py: the
feedback and result pages; taking.py draws the page a quiz is taken on.
"""

from .answer import quiz_answer
from .attempt import quiz_feedback, quiz_result
from .cover import quiz_detail, quiz_start
from .exam import exam_end
from .exam_task import exam_task_submit

__all__ = [
    "exam_end",
    "exam_task_submit",
    "quiz_answer",
    "quiz_detail",
    "quiz_feedback",
    "quiz_result",
    "quiz_start",
]
