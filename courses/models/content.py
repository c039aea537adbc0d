"""What trainers write: courses, sections, lessons, files and quiz questions, per language.

Every entity has a language-independent row (order, kind, settings) and one row per language
for its texts, so learner progress hangs on rows that no language switch can change.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Float, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.i18n import pick_translation
from portal.models import UTCDateTime, utcnow

LANGUAGES = ("ky", "ru", "en")


class CourseStatus(StrEnum):
    """Whether learners can see a course."""

    DRAFT = "draft"
    PUBLISHED = "published"


class EnrolmentPolicy(StrEnum):
    """Who may enrol: anyone with an account, or only those a trainer enrols."""

    OPEN = "open"
    INVITATION = "invitation"


class LessonKind(StrEnum):
    """What a lesson is: text with pictures and files, a video, or a quiz."""

    TEXT = "text"
    VIDEO = "video"
    QUIZ = "quiz"


class QuestionKind(StrEnum):
    """How a quiz question is answered."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    NUMERIC = "numeric"


class AttemptPolicy(StrEnum):
    """Which attempt of a quiz counts: the best one or the last one."""

    BEST = "best"
    LAST = "last"


class TranslatedMixin:
    """Texts picked in the reader's language, falling back ky → ru → en."""

    def text(self, language: str | None = None):
        """The translation row to show in `language` (default: the request's)."""
        return pick_translation(self.translations, language)

    def translation(self, language: str):
        """The translation in exactly `language`, if written."""
        return next((t for t in self.translations if t.language == language), None)

    @property
    def languages(self) -> list[str]:
        """Languages written, in portal order."""
        present = {t.language for t in self.translations}
        return [language for language in LANGUAGES if language in present]


course_topic = Table(
    "course_topic",
    db.metadata,
    Column("course_id", ForeignKey("course.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topic.id"), primary_key=True),
)


class Course(TranslatedMixin, db.Model):
    """A course: sections of lessons and quizzes, with a certificate at the end."""

    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=CourseStatus.DRAFT, index=True)
    enrolment: Mapped[str] = mapped_column(String(20), default=EnrolmentPolicy.OPEN)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    organisation: Mapped[str] = mapped_column(String(200), default="")
    hours: Mapped[float | None] = mapped_column(Float)
    certificate: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    author = relationship("User")
    topics = relationship("Topic", secondary=course_topic, order_by="Topic.position")
    translations: Mapped[list["CourseTranslation"]] = relationship(
        cascade="all, delete-orphan", order_by="CourseTranslation.id"
    )
    sections: Mapped[list["Section"]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="Section.position"
    )

    @property
    def lessons(self) -> list["Lesson"]:
        """Every lesson in reading order."""
        return [lesson for section in self.sections for lesson in section.lessons]

    @property
    def minutes(self) -> int:
        """Estimated time to take the whole course."""
        return sum(lesson.minutes for lesson in self.lessons)

    @property
    def certificate_hours(self) -> float:
        """Hours stated on the certificate: set by the trainer, else the estimate rounded up
        to a half hour."""
        if self.hours:
            return self.hours
        return max(0.5, -(-self.minutes // 30) / 2)

    def __repr__(self) -> str:
        return f"<Course {self.slug} {self.status}>"


class CourseTranslation(db.Model):
    """A course's title, summary and description in one language."""

    __tablename__ = "course_translation"
    __table_args__ = (UniqueConstraint("course_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")


class Section(TranslatedMixin, db.Model):
    """A part of a course that groups lessons."""

    __tablename__ = "course_section"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable name within the course, so imports update sections instead of replacing them.
    key: Mapped[str] = mapped_column(String(80))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    course: Mapped[Course] = relationship(back_populates="sections")
    translations: Mapped[list["SectionTranslation"]] = relationship(
        cascade="all, delete-orphan", order_by="SectionTranslation.id"
    )
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="Lesson.position"
    )


class SectionTranslation(db.Model):
    """A section's title in one language."""

    __tablename__ = "course_section_translation"
    __table_args__ = (UniqueConstraint("section_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("course_section.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))


class Lesson(TranslatedMixin, db.Model):
    """A lesson of a section: its kind, order and settings; texts live in translations."""

    __tablename__ = "course_lesson"
    __table_args__ = (UniqueConstraint("course_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable name within the course: progress hangs on the lesson, so an import that
    #: updates a course finds its lessons by key and keeps them (and the learners' records).
    key: Mapped[str] = mapped_column(String(80))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("course_section.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20), default=LessonKind.TEXT)
    required: Mapped[bool] = mapped_column(default=True)
    minutes: Mapped[int] = mapped_column(default=10)
    video_file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id"))
    video_url: Mapped[str] = mapped_column(String(500), default="")
    #: Slugs of library practices shown as cards under the text (language-independent).
    practice_slugs: Mapped[list] = mapped_column(JSON, default=list)
    pass_mark: Mapped[int] = mapped_column(default=70)  # per cent, quizzes only
    max_attempts: Mapped[int | None]  # None: unlimited
    attempt_policy: Mapped[str] = mapped_column(String(10), default=AttemptPolicy.BEST)
    shuffle_questions: Mapped[bool] = mapped_column(default=False)
    shuffle_choices: Mapped[bool] = mapped_column(default=False)

    section: Mapped[Section] = relationship(back_populates="lessons")
    course: Mapped[Course] = relationship()
    video_file = relationship("StoredFile")
    translations: Mapped[list["LessonTranslation"]] = relationship(
        cascade="all, delete-orphan", order_by="LessonTranslation.id"
    )
    files: Mapped[list["LessonFile"]] = relationship(
        cascade="all, delete-orphan", order_by="LessonFile.position"
    )
    questions: Mapped[list["Question"]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan", order_by="Question.position"
    )

    @property
    def is_quiz(self) -> bool:
        """Whether the lesson is a quiz."""
        return self.kind == LessonKind.QUIZ

    @property
    def max_score(self) -> float:
        """Points a perfect attempt earns."""
        return float(sum(question.points for question in self.questions))


class LessonTranslation(db.Model):
    """A lesson's title and Markdown body in one language."""

    __tablename__ = "course_lesson_translation"
    __table_args__ = (UniqueConstraint("lesson_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("course_lesson.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(5))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")


class LessonFile(db.Model):
    """A file to download with a lesson: slides, a template, a handout."""

    __tablename__ = "course_lesson_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("course_lesson.id", ondelete="CASCADE"), index=True
    )
    stored_file_id: Mapped[int] = mapped_column(ForeignKey("stored_file.id"))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)

    stored_file = relationship("StoredFile")


class Question(TranslatedMixin, db.Model):
    """A quiz question: its kind, points and, for numeric questions, the answer."""

    __tablename__ = "course_question"
    __table_args__ = (UniqueConstraint("lesson_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable name within the quiz: attempts refer to questions by id.
    key: Mapped[str] = mapped_column(String(80))
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("course_lesson.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(20), default=QuestionKind.SINGLE)
    points: Mapped[int] = mapped_column(default=1)
    numeric_answer: Mapped[float | None] = mapped_column(Float)
    numeric_tolerance: Mapped[float] = mapped_column(Float, default=0.0)

    lesson: Mapped[Lesson] = relationship(back_populates="questions")
    translations: Mapped[list["QuestionTranslation"]] = relationship(
        cascade="all, delete-orphan", order_by="QuestionTranslation.id"
    )
    choices: Mapped[list["Choice"]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="Choice.position"
    )


class QuestionTranslation(db.Model):
    """A question's text and the explanation shown after an attempt, in one language."""

    __tablename__ = "course_question_translation"
    __table_args__ = (UniqueConstraint("question_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("course_question.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(5))
    text: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="")


class Choice(TranslatedMixin, db.Model):
    """One answer to choose from; whether it is right never leaves the server before grading."""

    __tablename__ = "course_choice"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("course_question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    is_correct: Mapped[bool] = mapped_column(default=False)

    question: Mapped[Question] = relationship(back_populates="choices")
    translations: Mapped[list["ChoiceTranslation"]] = relationship(
        cascade="all, delete-orphan", order_by="ChoiceTranslation.id"
    )


class ChoiceTranslation(db.Model):
    """A choice's text and its feedback in one language."""

    __tablename__ = "course_choice_translation"
    __table_args__ = (UniqueConstraint("choice_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    choice_id: Mapped[int] = mapped_column(ForeignKey("course_choice.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(5))
    text: Mapped[str] = mapped_column(Text)
    feedback: Mapped[str] = mapped_column(Text, default="")
