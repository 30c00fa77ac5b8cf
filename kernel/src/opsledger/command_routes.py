"""A route that runs one command, declared in one line instead of a handler of the same
shape per command.

`post_command(router, "/permits/{permit_id}/finish", c.FinishWorks, run, body=PermitBody)`
is the route a service would write by hand: `POST` with the body derived from the
command minus the path parameters (`opsledger.bodies`), the path parameters typed
`path_type`, the command run by `answer(commands, command)`, whose return type is the
route's answer. A command with no field left for the body takes no body. The handler's
name (the OpenAPI operation) is `name`, by default the command's in snake case.
"""

import inspect
import re
from collections.abc import Awaitable, Callable
from typing import Any, Literal, get_type_hints

from fastapi import APIRouter

from opsledger.bodies import CommandBody
from opsledger.routes import Commands

__all__ = ["post_command"]

_PARAM = re.compile(r"{(\w+)}")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def post_command(
    router: APIRouter,
    path: str,
    command: type[Any],
    answer: Callable[[Any, Any], Awaitable[Any]],
    *,
    body: type[
        Any
    ] = CommandBody,  # a CommandBody: the kernel's or the service's, with its vocabulary
    path_type: Any = str,
    status_code: int = 200,
    name: str | None = None,
    doc: str | None = None,
) -> None:
    """Add `POST path` running `command` built from the body and the path parameters."""
    names = tuple(_PARAM.findall(path))
    model = body[command, Literal[names] if names else None]
    takes_body = bool(model.model_fields)

    async def endpoint(commands: Any, **params: Any) -> Any:
        payload = params.pop("body", None)
        built = payload.command(**params) if payload is not None else command(**params)
        return await answer(commands, built)

    parameters = [
        inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, annotation=path_type) for n in names
    ]
    if takes_body:
        parameters.append(
            inspect.Parameter("body", inspect.Parameter.KEYWORD_ONLY, annotation=model)
        )
    parameters.append(
        inspect.Parameter("commands", inspect.Parameter.KEYWORD_ONLY, annotation=Commands)
    )
    returns = get_type_hints(answer).get("return", Any)
    endpoint.__signature__ = inspect.Signature(parameters, return_annotation=returns)  # type: ignore[attr-defined]
    endpoint.__name__ = endpoint.__qualname__ = name or _snake(command.__name__)
    endpoint.__doc__ = doc
    router.post(path, status_code=status_code)(endpoint)
