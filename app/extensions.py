"""Flask extensions, created unbound; ``create_app`` binds them to an app."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app, has_app_context
from flask_caching import Cache
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from app.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()


class _PerApp:
    """An attribute of ``AppLimiter`` kept per app: the app of the current context's."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, limiter: AppLimiter | None, owner: type | None = None) -> Any:
        if limiter is None:
            return self
        return limiter._state()[self.name]

    def __set__(self, limiter: AppLimiter, value: Any) -> None:
        limiter._state()[self.name] = value


class AppLimiter(Limiter):
    """Flask-Limiter, with whether it is on and where it counts kept per app.

    Flask-Limiter keeps ``enabled`` and its storage on the limiter itself, which every app
    of a process shares: an app built with ``RATELIMIT_ENABLED=False`` (the bench tools,
    some tests) turned the limits off for all the others, and the app bound last counted
    in its storage for every app. Here those attributes live in each app's
    ``app.extensions["limiter_state"]`` and are read from the app of the current context
    (``init_app`` writes them for the app it binds); outside any app, the constructor's.
    """

    enabled = _PerApp()
    initialized = _PerApp()
    _storage = _PerApp()
    _limiter = _PerApp()
    _storage_dead = _PerApp()
    _fallback_storage = _PerApp()
    _fallback_limiter = _PerApp()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._unbound: dict[str, Any] = {"_fallback_storage": None}
        self._binding = threading.local()  # the state of the app init_app is binding
        super().__init__(*args, **kwargs)

    def init_app(self, app: Flask) -> None:
        state = dict(self._unbound)
        self._binding.state = state
        try:
            super().init_app(app)
        finally:
            self._binding.state = None
        app.extensions["limiter_state"] = state

    def _state(self) -> dict[str, Any]:
        binding = getattr(self._binding, "state", None)
        if binding is not None:
            return binding
        if has_app_context():
            state = current_app.extensions.get("limiter_state")
            if state is not None:
                return state
        return self._unbound


# Limits are declared where they apply (sign-in, sign-up); storage comes from
# RATELIMIT_STORAGE_URI (memory by default, Redis in production), one per app.
limiter = AppLimiter(key_func=get_remote_address)
# The anonymous page cache (app/page_cache.py): CACHE_TYPE chooses the store.
cache = Cache()
# Responses compressed as they leave (the page cache keeps them uncompressed, once).
compress = Compress()
