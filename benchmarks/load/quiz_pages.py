"""Reading a quiz the way a learner does: its questions from the lesson page, the right answers
from the feedback page of an attempt (the portal shows them only after grading)."""

import random
import re
from dataclasses import dataclass, field

from page_parser import Element

NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


@dataclass
class FormQuestion:
    """A question as the quiz form shows it: its field name and choices (id → label)."""

    name: str
    text: str
    multiple: bool = False
    numeric: bool = False
    choices: dict[str, str] = field(default_factory=dict)


def form_questions(form: Element) -> list[FormQuestion]:
    """The questions of a quiz form, in the order shown."""
    questions = []
    for fieldset in form.find_all("fieldset", class_="question"):
        legend = fieldset.find("legend")
        text = re.sub(r"^\d+\.\s*", "", legend.text() if legend else "")
        inputs = fieldset.find_all("input")
        if not inputs:
            continue
        question = FormQuestion(name=inputs[0].attrs["name"], text=text)
        question.numeric = inputs[0].attrs.get("type", "text") == "text"
        question.multiple = inputs[0].attrs.get("type") == "checkbox"
        labels = {lab.attrs.get("for"): lab.text() for lab in fieldset.find_all("label")}
        for choice in inputs if not question.numeric else []:
            question.choices[choice.attrs["value"]] = labels.get(choice.attrs.get("id"), "")
        questions.append(question)
    return questions


def guessed_answers(questions: list[FormQuestion], rng: random.Random) -> list[tuple[str, str]]:
    """A hurried first attempt: one choice picked at random, 0 for numbers."""
    answers = []
    for question in questions:
        if question.numeric:
            answers.append((question.name, "0"))
        elif question.choices:
            answers.append((question.name, rng.choice(list(question.choices))))
    return answers


def attempt_passed(page: Element) -> bool:
    """Whether a feedback page says the attempt passed (its status line, not a flash message)."""
    return any(
        "flash-success" in p.attrs.get("class", "") for p in page.find_all("p", role="status")
    )


def right_answers_shown(page: Element) -> dict[str, tuple[set[str], str | None]]:
    """Per question text: (labels of the right choices, the right number) from a feedback page."""
    shown = {}
    feedback = page.find("ol", class_="feedback")
    items = [c for c in feedback.children if not isinstance(c, str)] if feedback else []
    for item in items:
        title = item.find("strong")
        if title is None:
            continue
        choices = item.find("ul", class_="choices")
        right = set()
        for choice in choices.find_all("li") if choices else []:
            if choice.find("span", class_="right"):
                right.add(label_of(choice))
        number = None
        if choices is None:
            numbers = NUMBER.findall(item.find_all("p")[-1].text())
            number = numbers[-1] if numbers else None
        shown[title.text()] = (right, number)
    return shown


def label_of(choice: Element) -> str:
    """A choice's label on the feedback page, without the notes in spans after it."""
    parts = [c if isinstance(c, str) else c.text() for c in choice.children if not is_span(c)]
    return " ".join(" ".join(parts).split())


def is_span(node) -> bool:
    """Whether a node is an element that annotates a choice (span, line break)."""
    return not isinstance(node, str) and node.tag in {"span", "br"}


def correct_answers(questions: list[FormQuestion], shown: dict) -> list[tuple[str, str]]:
    """The form fields that answer every question right, using what the feedback page showed."""
    answers = []
    for question in questions:
        right, number = shown.get(question.text, (set(), None))
        if question.numeric:
            answers.append((question.name, number or "0"))
            continue
        answers.extend(
            (question.name, choice_id)
            for choice_id, label in question.choices.items()
            if label in right
        )
    return answers
