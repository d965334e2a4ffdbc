"""The object a write acts on, loaded and checked before its body is read.

``acting_on`` loads the object the path names (404) and asks the policy whether the caller
may act on it (403) before the request body is parsed, so a caller who may not edit an
object hears 403 whatever they send (api.md Part 2), and the body's checks can compare what
is sent with the object as it is (``current``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g

from app.api.auth import signed_in_user
from app.policy import Permission, require

_TARGET = "api_target"
_SHOWN = "api_target_shown"


def acting_on(
    load: Callable[..., Any],
    permission: Permission | None = None,
    *,
    check: Callable[[Any, Any], Any] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Load the object with ``load(**path_values)`` and ``require`` the permission on it, or
    call ``check(user, obj)``, a service's own refusal for writes whose permission depends
    on the fields (an edit that some may make in part).

    Goes right under ``@operation`` (which answers 401 first) and above
    ``@blueprint.arguments``; the view reads the object with ``target()``.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def acting(*args: Any, **kwargs: Any) -> Any:
            obj = load(**kwargs)
            if permission is not None:
                require(signed_in_user(), permission, obj)
            if check is not None:
                check(signed_in_user(), obj)
            setattr(g, _TARGET, obj)
            g.pop(_SHOWN, None)
            return view(*args, **kwargs)

        return acting

    return decorate


def target() -> Any:
    """The object ``acting_on`` loaded for this request, or None."""
    return g.get(_TARGET)


def current(schema: type, name: str) -> Any:
    """The value of field ``name`` of the target as ``schema`` shows it (dumped once per
    request): what a client that read the object would send back."""
    shown = g.get(_SHOWN)
    if shown is None or shown[0] is not schema:
        obj = target()
        if obj is None:
            raise RuntimeError("no object to compare with: decorate the view with acting_on")
        shown = (schema, schema().dump(obj))
        setattr(g, _SHOWN, shown)
    return shown[1].get(name)
