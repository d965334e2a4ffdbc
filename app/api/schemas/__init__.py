"""The API's shapes: what requests may carry and what responses hold.

These marshmallow schemas do two jobs from one definition: the request schemas parse and
check every request (types, required fields, the bounds of docs/api.md, taken from the
models' constants), and both kinds are turned into the OpenAPI document served at
``/api/v1/openapi.json``, so the document cannot drift from the code.

The services still check every rule themselves (they are the same ones the HTML pages
call); the schemas only refuse what is not even the right shape, with the same bounds. When
a body is refused, each schema adds what the service's own checks find in the other fields
(``RequestSchema.problems``), so a 422 names every bad field at once (api.md Part 2).

What a body may hold besides its own fields (api.md Part 2) is ``app.api.bodies``: each
request schema names the resource whose fields a client may send back (``reads_back``).

One package, one import point (``from app.api.schemas import …``), in rooms by what a shape
is: ``base`` (field types, the error shape), ``resources`` (what responses hold),
``requests`` (bodies), ``queries`` (query strings), ``flags`` (issue 12's, kept together)
and ``insights`` (a company's insights: issue 14's query string and response).
"""

from __future__ import annotations

from app.api.schemas.base import (
    NO_SUCH_ANSWER,
    NO_SUCH_PRODUCT,
    ErrorSchema,
    Link,
)
from app.api.schemas.flags import (
    FlagCreateSchema,
    FlagListArgsSchema,
    FlagPageSchema,
    FlagReportSchema,
    FlagResolveSchema,
    FlagSchema,
)
from app.api.schemas.insights import InsightsArgsSchema, InsightsSchema
from app.api.schemas.queries import (
    ClaimListArgsSchema,
    CompanyListArgsSchema,
    PageArgsSchema,
    QuestionListArgsSchema,
    SearchArgsSchema,
    SimilarArgsSchema,
)
from app.api.schemas.requests import (
    AnswerCreateSchema,
    AnswerEditSchema,
    ApproveSchema,
    BestAnswerSchema,
    ClaimLinkTokenSchema,
    ClaimRequestSchema,
    CompanyCreateSchema,
    CompanyEditSchema,
    DeleteMeSchema,
    InvitationRequestSchema,
    InvitationTokenSchema,
    LinkTokenSchema,
    MergeSchema,
    ModeratorRoleSchema,
    ProductCreateSchema,
    QuestionCreateSchema,
    QuestionEditSchema,
    ReasonSchema,
    RejectSchema,
    SignUpSchema,
    StatusSchema,
    StillBrokenSchema,
    SuspendSchema,
    TokenRequestSchema,
)
from app.api.schemas.resources import (
    AnswerPageSchema,
    AnswerRevisionPageSchema,
    AnswerSchema,
    ChampionPageSchema,
    ChampionSchema,
    ClaimPageSchema,
    ClaimSchema,
    CompanyPageSchema,
    CompanySchema,
    InvitationSchema,
    MeSchema,
    ModerationLogPageSchema,
    ProductPageSchema,
    ProductSchema,
    QuestionListSchema,
    QuestionPageSchema,
    QuestionRevisionPageSchema,
    QuestionSchema,
    ScorecardSchema,
    SsoSecretSchema,
    StaffPageSchema,
    StaffSchema,
    StatusChangePageSchema,
    TokenSchema,
    UserSchema,
)

__all__ = [
    "AnswerCreateSchema",
    "AnswerEditSchema",
    "AnswerPageSchema",
    "AnswerRevisionPageSchema",
    "AnswerSchema",
    "ApproveSchema",
    "ChampionPageSchema",
    "ChampionSchema",
    "BestAnswerSchema",
    "ClaimLinkTokenSchema",
    "ClaimListArgsSchema",
    "ClaimPageSchema",
    "ClaimRequestSchema",
    "ClaimSchema",
    "CompanyCreateSchema",
    "CompanyEditSchema",
    "CompanyListArgsSchema",
    "CompanyPageSchema",
    "CompanySchema",
    "DeleteMeSchema",
    "ErrorSchema",
    "FlagCreateSchema",
    "FlagListArgsSchema",
    "FlagPageSchema",
    "FlagReportSchema",
    "FlagResolveSchema",
    "FlagSchema",
    "InsightsArgsSchema",
    "InsightsSchema",
    "InvitationRequestSchema",
    "InvitationSchema",
    "InvitationTokenSchema",
    "Link",
    "LinkTokenSchema",
    "MeSchema",
    "MergeSchema",
    "ModerationLogPageSchema",
    "ModeratorRoleSchema",
    "NO_SUCH_ANSWER",
    "NO_SUCH_PRODUCT",
    "PageArgsSchema",
    "ProductCreateSchema",
    "ProductPageSchema",
    "ProductSchema",
    "QuestionCreateSchema",
    "QuestionEditSchema",
    "QuestionListArgsSchema",
    "QuestionListSchema",
    "QuestionPageSchema",
    "QuestionRevisionPageSchema",
    "QuestionSchema",
    "ReasonSchema",
    "RejectSchema",
    "ScorecardSchema",
    "SearchArgsSchema",
    "SignUpSchema",
    "SimilarArgsSchema",
    "SsoSecretSchema",
    "StaffPageSchema",
    "StaffSchema",
    "StatusChangePageSchema",
    "StatusSchema",
    "StillBrokenSchema",
    "SuspendSchema",
    "TokenRequestSchema",
    "TokenSchema",
    "UserSchema",
]
