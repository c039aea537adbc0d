"""Checks of a course record before import: every problem, with the path where it was found.

Paths read like sections[1].lessons[2].questions[0].choices, counted from 0 as in the file.
Each kind of entity has a table of rules, one per field; a rule returns what is wrong with a
value (None when it is fine), and a field without a rule is unknown.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from courses.models import AttemptPolicy, CourseStatus, EnrolmentPolicy, LessonKind, QuestionKind
from courses.record_rules import (
    Rule,
    flag,
    hours,
    is_number,
    objects_list,
    one_of,
    practice_slugs,
    slug,
    text,
    topic_codes,
    web_address,
    whole,
)

LANGUAGES = ("ky", "ru", "en")
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
MAX_CHOICES = 30  # as many as the quiz editor offers

COURSE_RULES = {
    "slug": slug,
    "status": one_of(CourseStatus),
    "enrolment": one_of(EnrolmentPolicy),
    "topics": topic_codes,
    "organisation": text(200),
    "hours": hours,
    "certificate": flag,
    "author": text(),
    "sections": objects_list,
}
SECTION_RULES = {"lessons": objects_list}
LESSON_RULES = {
    "kind": one_of(LessonKind),
    "required": flag,
    "minutes": whole(0, 600),
    "video_url": web_address,
    "practices": practice_slugs,
}
QUIZ_RULES = {
    "pass_mark": whole(0, 100),
    "max_attempts": whole(1, 100),
    "attempt_policy": one_of(AttemptPolicy),
    "shuffle_questions": flag,
    "shuffle_choices": flag,
    "questions": objects_list,
}
QUESTION_RULES = {"kind": one_of(QuestionKind), "points": whole(1, 100)}
#: Answer fields by question kind; checked together by check_answer.
ANSWER_FIELDS = {
    QuestionKind.SINGLE: ("choices",),
    QuestionKind.MULTIPLE: ("choices",),
    QuestionKind.TRUE_FALSE: ("answer",),
    QuestionKind.NUMERIC: ("answer", "tolerance"),
}
CHOICE_RULES = {"correct": flag}
RULES = {
    "course": COURSE_RULES,
    "section": SECTION_RULES,
    "lesson": LESSON_RULES,
    "question": QUESTION_RULES,
    "choice": CHOICE_RULES,
}
#: Per entity: the texts of one translation, the first one required, with their limits.
TEXTS = {
    "course": {"title": text(200), "summary": text(300), "description": text()},
    "section": {"title": text(200)},
    "lesson": {"title": text(200), "body": text()},
    "question": {"text": text(5000), "explanation": text(5000)},
    "choice": {"text": text(1000), "feedback": text(1000)},
}


@dataclass
class Node:
    """The course, or a section, lesson, question or choice of it, with its path and key."""

    kind: str
    path: str
    item: dict
    key: str = ""
    scope: str = ""  # where the key must be unique

    @property
    def rules(self) -> dict[str, Rule]:
        """The rules of this node's own fields (quiz settings only on quizzes)."""
        if self.kind == "lesson" and self.item.get("kind") == LessonKind.QUIZ:
            return LESSON_RULES | QUIZ_RULES
        return RULES[self.kind]

    @property
    def known_fields(self) -> set[str]:
        """Every field this node may have."""
        known = set(self.rules) | {"translations"}
        if self.kind not in ("course", "choice"):
            known.add("key")
        if self.kind == "question":
            known |= set(ANSWER_FIELDS.get(self.item.get("kind", QuestionKind.SINGLE), ()))
        return known


def section_key(section: dict, index: int) -> str:
    """The section's key, or one made from its position."""
    return section.get("key") or f"section-{index + 1}"


def lesson_key(lesson: dict, section_index: int, index: int) -> str:
    """The lesson's key, or one made from its section's position and its own."""
    return lesson.get("key") or f"lesson-{section_index + 1}-{index + 1}"


def question_key(question: dict, index: int) -> str:
    """The question's key, or one made from its position."""
    return question.get("key") or f"question-{index + 1}"


def objects(value) -> Iterator[tuple[int, dict]]:
    """(index, item) of the JSON objects in a list; anything else yields nothing."""
    for index, item in enumerate(value if isinstance(value, list) else []):
        if isinstance(item, dict):
            yield index, item


def walk(record: dict) -> Iterator[Node]:
    """The course and every well-formed section, lesson, question and choice, in file order."""
    yield Node("course", "", record)
    for i, section in objects(record.get("sections")):
        path = f"sections[{i}]"
        yield Node("section", path, section, section_key(section, i), "course")
        for j, lesson in objects(section.get("lessons")):
            lesson_path = f"{path}.lessons[{j}]"
            yield Node("lesson", lesson_path, lesson, lesson_key(lesson, i, j), "course")
            if lesson.get("kind") == LessonKind.QUIZ:
                yield from walk_questions(lesson, lesson_path)


def walk_questions(lesson: dict, lesson_path: str) -> Iterator[Node]:
    """The questions of a quiz lesson and the choices of its choice questions."""
    for k, question in objects(lesson.get("questions")):
        path = f"{lesson_path}.questions[{k}]"
        yield Node("question", path, question, question_key(question, k), lesson_path)
        if question.get("kind", QuestionKind.SINGLE) in CHOICE_KINDS:
            for c, choice in objects(question.get("choices")):
                yield Node("choice", f"{path}.choices[{c}]", choice)


def at(path: str, field: str) -> str:
    """The path of a field of the node at `path` (the course's fields have no prefix)."""
    return f"{path}.{field}" if path else field


def unknown_fields(record) -> list[str]:
    """Paths of the fields this portal does not know (reported, not fatal)."""
    if not isinstance(record, dict):
        return []
    found = []
    for node in walk(record):
        found += [at(node.path, name) for name in node.item if name not in node.known_fields]
        translations = node.item.get("translations")
        for language, texts in translations.items() if isinstance(translations, dict) else ():
            if language in LANGUAGES and isinstance(texts, dict):
                where = at(node.path, f"translations.{language}")
                found += [f"{where}.{name}" for name in texts if name not in TEXTS[node.kind]]
    return found


def check_record(record) -> list[str]:
    """Every problem that keeps `record` from being imported (empty when it is fine)."""
    if not isinstance(record, dict):
        return ["the record is not a JSON object"]
    problems = [f"{field}: required" for field in ("slug", "status") if not record.get(field)]
    seen_keys: set[tuple[str, str]] = set()
    for node in walk(record):
        problems += check_fields(node.item, node.rules, node.path)
        problems += check_translations(node)
        problems += check_key(node, seen_keys)
        if node.kind == "question":
            problems += check_answer(node.item, node.path)
    return problems


def check_fields(item: dict, rules: dict[str, Rule], path: str) -> list[str]:
    """What the rules find wrong with the fields present (null counts as absent)."""
    present = (field for field in rules if item.get(field) is not None)
    found = ((field, rules[field](item[field])) for field in present)
    return [f"{at(path, field)}: {problem}" for field, problem in found if problem]


def check_answer(question: dict, path: str) -> list[str]:
    """The answer a question's kind needs: choices, true or false, or a number."""
    kind = question.get("kind", QuestionKind.SINGLE)
    if kind in CHOICE_KINDS:
        return check_choices(question, path)
    if kind == QuestionKind.TRUE_FALSE and not isinstance(question.get("answer"), bool):
        return [f"{at(path, 'answer')}: a true/false question needs true or false"]
    if kind != QuestionKind.NUMERIC:
        return []
    problems = []
    if not is_number(question.get("answer")):
        problems.append(f"{at(path, 'answer')}: a numeric question needs a number")
    tolerance = question.get("tolerance")
    if tolerance is not None and not (is_number(tolerance) and tolerance >= 0):
        problems.append(f"{at(path, 'tolerance')}: must be a number, 0 or more")
    return problems


def check_choices(question: dict, path: str) -> list[str]:
    """The rules a quiz editor enforces: two choices or more, and the right number correct."""
    where, choices = at(path, "choices"), question.get("choices")
    if not isinstance(choices, list) or not 2 <= len(choices) <= MAX_CHOICES:
        return [f"{where}: a question needs from 2 to {MAX_CHOICES} choices"]
    if problem := objects_list(choices):
        return [f"{where}: {problem}"]
    correct = sum(choice.get("correct") is True for choice in choices)
    if question.get("kind", QuestionKind.SINGLE) == QuestionKind.SINGLE and correct != 1:
        return [f"{where}: a single-choice question needs exactly one correct choice"]
    if question.get("kind") == QuestionKind.MULTIPLE and not correct:
        return [f"{where}: a multiple-choice question needs at least one correct choice"]
    return []


def check_translations(node: Node) -> list[str]:
    """At least one known language, each an object with its required text."""
    translations, where = node.item.get("translations"), at(node.path, "translations")
    if not isinstance(translations, dict) or not translations:
        return [f"{where}: at least one of ky, ru, en is required"]
    problems = []
    for language, texts in translations.items():
        if language not in LANGUAGES:
            problems.append(f"{where}: unknown language {language!r}")
        elif not isinstance(texts, dict):
            problems.append(f"{where}.{language}: must be an object")
        else:
            problems += check_texts(texts, TEXTS[node.kind], f"{where}.{language}")
    return problems


def check_texts(texts: dict, rules: dict[str, Rule], path: str) -> list[str]:
    """One language's texts: the first is required and not blank, all within their limits."""
    required = next(iter(rules))
    value = texts.get(required)
    if not isinstance(value, str) or not value.strip():
        return [f"{path}.{required}: required"]
    return check_fields(texts, rules, path)


def check_key(node: Node, seen: set[tuple[str, str]]) -> list[str]:
    """A key is a short name of letters, digits, dots, hyphens or underscores, unique in scope."""
    if node.kind in ("course", "choice"):
        return []  # choices have no keys: they are matched by position
    given, where = node.item.get("key"), at(node.path, "key")
    if given not in (None, "") and (
        not isinstance(given, str) or len(given) > 80 or not KEY_PATTERN.match(given)
    ):
        return [f"{where}: {given!r} must be latin letters, digits, '.', '-' or '_'"]
    if (node.scope, node.key) in seen:
        parent = "quiz" if node.kind == "question" else "course"
        return [f"{where}: {node.key!r} is used by an earlier {node.kind} of this {parent}"]
    seen.add((node.scope, node.key))
    return []
