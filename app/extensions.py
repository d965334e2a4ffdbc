"""Flask extensions, created unbound; ``create_app`` binds them to an app."""

from __future__ import annotations

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
# Limits are declared where they apply (sign-in, sign-up); storage comes from
# RATELIMIT_STORAGE_URI (memory by default, Redis in production).
limiter = Limiter(key_func=get_remote_address)
# The anonymous page cache (app/page_cache.py): CACHE_TYPE chooses the store.
cache = Cache()
# Responses compressed as they leave (the page cache keeps them uncompressed, once).
compress = Compress()
