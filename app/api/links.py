"""OpenAPI links: which operations can use what a response returns (a new company's slug,
a new question's id…). They tell client authors how the calls chain, and let the contract
fuzzer (schemathesis) follow them from a created object to the operations on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def links(
    blueprint: Any, status: int, *targets: tuple[str, dict[str, str]]
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Document that the ``status`` response feeds each ``(operation id, parameters)``,
    the parameters naming fields of the response body (``{"slug": "slug"}``)."""
    documented = {
        operation_id: {
            "operationId": operation_id,
            "parameters": {name: f"$response.body#/{field}" for name, field in parameters.items()},
        }
        for operation_id, parameters in targets
    }
    return blueprint.doc(responses={status: {"links": documented}})
