"""The API's views, one module per resource; importing this package registers them all."""

from app.api.views import (  # noqa: F401 - each module registers its routes on the blueprint
    accounts,
    answers,
    champions,
    claims,
    companies,
    flags,
    insights,
    integrations,
    moderation,
    posts,
    questions,
    search,
    users,
    webhooks,
)
