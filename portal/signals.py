"""Signals by which feature packages tell the core (and each other) what happened."""

from blinker import Namespace

portal_signals = Namespace()

#: Sent after a searchable entity was created, changed or deleted and the change committed.
#: Arguments: sender (feature name), kind (e.g. "practice"), entity_id, action.
content_changed = portal_signals.signal("content-changed")

#: Sent once when a learner completes every required part of a course.
#: Arguments: sender (feature name), user_id, course_id.
course_completed = portal_signals.signal("course-completed")
