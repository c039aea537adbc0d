"""Writing quizzes: questions of four kinds, their texts per language and their answers."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from courses.models import (
    Choice,
    ChoiceTranslation,
    Lesson,
    Question,
    QuestionKind,
    QuestionTranslation,
    QuizAttempt,
)
from courses.services.authoring import new_key, renumber, save_texts
from portal.extensions import db


@dataclass
class ChoiceDraft:
    """An answer as the editor sent it; `choice_id` is None for a new one."""

    choice_id: int | None
    correct: bool
    texts: dict[str, dict | None]


@dataclass
class QuestionDraft:
    """A question as the editor sent it, checked for its kind."""

    kind: str
    points: int
    texts: dict[str, dict | None]
    choices: list[ChoiceDraft] = field(default_factory=list)
    statement_true: bool = True
    numeric_answer: float | None = None
    numeric_tolerance: float = 0.0


def create_question(lesson: Lesson, draft: QuestionDraft, languages: Iterable[str]) -> Question:
    """Add a question at the end of a quiz."""
    key = new_key("question", lesson.questions)
    question = Question(key=key, position=len(lesson.questions))
    lesson.questions.append(question)
    apply_draft(question, draft, languages)
    db.session.commit()
    return question


def update_question(question: Question, draft: QuestionDraft, languages: Iterable[str]) -> None:
    """Save a question and its answers."""
    apply_draft(question, draft, languages)
    db.session.commit()


def apply_draft(question: Question, draft: QuestionDraft, languages: Iterable[str]) -> None:
    """Copy the draft onto the question; its answers are replaced to fit the kind."""
    was_true_false = question.kind == QuestionKind.TRUE_FALSE
    question.kind, question.points = draft.kind, draft.points
    save_texts(question, QuestionTranslation, languages, draft.texts)
    question.numeric_answer, question.numeric_tolerance = None, 0.0
    if draft.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        replace_choices(question, draft.choices, languages)
    elif draft.kind == QuestionKind.TRUE_FALSE:
        set_true_false(question, draft.statement_true, keep=was_true_false)
    else:
        question.choices = []
        question.numeric_answer = draft.numeric_answer
        question.numeric_tolerance = draft.numeric_tolerance


def replace_choices(question: Question, drafts: list[ChoiceDraft], languages) -> None:
    """Make the question's answers the drafts, in order; answers not among them are deleted."""
    existing = {choice.id: choice for choice in question.choices}
    kept = []
    for draft in drafts:
        choice = existing.get(draft.choice_id) or Choice()
        choice.is_correct = draft.correct
        save_texts(choice, ChoiceTranslation, languages, draft.texts)
        kept.append(choice)
    renumber(kept)
    question.choices = kept


def set_true_false(question: Question, statement_true: bool, keep: bool) -> None:
    """The two answers of a true/false question: True at position 0, False at 1."""
    if not keep or len(question.choices) != 2:
        question.choices = [Choice(position=0), Choice(position=1)]
    true_choice, false_choice = question.choices
    true_choice.is_correct, false_choice.is_correct = statement_true, not statement_true


def delete_question(question: Question) -> None:
    """Delete a question; earlier attempts keep the points they were graded with."""
    lesson = question.lesson
    lesson.questions.remove(question)
    renumber(lesson.questions)
    db.session.commit()


def attempt_count(lesson: Lesson) -> int:
    """How many attempts learners have submitted at the quiz."""
    return db.session.scalar(
        select(func.count()).select_from(QuizAttempt).filter_by(lesson_id=lesson.id)
    )
