"""Language selection: user preference → session → Accept-Language → Kyrgyz."""

from flask import Flask, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user

from portal.extensions import babel

#: Each language's own name: shown untranslated so people find their language.
LANGUAGE_NAMES = {"ky": "Кыргызча", "ru": "Русский", "en": "English"}
SESSION_KEY = "language"


def init_app(app: Flask) -> None:
    """Attach Flask-Babel with the portal's locale selector and template helpers."""
    babel.init_app(app, locale_selector=select_locale)
    # Extraction trims {% trans %} blocks (babel.cfg); rendering must look up the same msgids.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(
        current_language=current_language,
        language_names=LANGUAGE_NAMES,
        pick_translation=pick_translation,
    )


def supported_languages() -> tuple[str, ...]:
    """The interface languages, in display order (Kyrgyz first)."""
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    """Choose the interface language for the current request."""
    languages = supported_languages()
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if session.get(SESSION_KEY) in languages:
        return session[SESSION_KEY]
    best = request.accept_languages.best_match(languages)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """The language code of the current request, e.g. 'ky'."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def remember_language(language: str) -> None:
    """Keep `language` for this visitor, and for the account when one is logged in."""
    from portal.extensions import db

    session[SESSION_KEY] = language
    if current_user.is_authenticated and current_user.language != language:
        current_user.language = language
        db.session.commit()


def fallback_order(language: str) -> list[str]:
    """Languages to try for content: the wanted one, then Kyrgyz, Russian, English."""
    order = [language, "ky", "ru", "en"]
    return [code for index, code in enumerate(order) if code not in order[:index]]


def pick_translation(translations, language: str | None = None):
    """Return the best translation row for `language` (default: the request's), or None."""
    by_language = {translation.language: translation for translation in translations}
    for code in fallback_order(language or current_language()):
        if code in by_language:
            return by_language[code]
    return None
