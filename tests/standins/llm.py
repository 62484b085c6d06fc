"""An OpenAI-compatible chat-completions server on loopback, for LLM extraction tests.

Modes (design-notes §9 verification):
- ``json_schema``: honours ``response_format`` (json_schema and json_object) and tools;
- ``tools_only``: refuses ``response_format`` with 400, answers tool calls;
- ``invalid_once``: the first answer is not JSON, the next ones are the configured answer;
- ``error``: every call answers ``error_status`` (401, 429, 500...).

Every request body is kept in ``requests``; ``GET /v1/models`` lists ``models``.
"""

from __future__ import annotations

import json
import socket
import threading
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.site.server import start_in_thread, stop_thread

HOST = "127.0.0.1"
MODES = ("json_schema", "tools_only", "invalid_once", "error")


class LlmStandin:
    def __init__(self, answer: dict[str, Any] | None = None, mode: str = "json_schema") -> None:
        self.answer: dict[str, Any] = dict(answer or {})
        self.mode = mode
        self.error_status = 500
        self.models = ["standin-small", "standin-large"]
        self.requests: list[dict[str, Any]] = []
        self.keys: list[str] = []  # the Authorization header of each request
        self._invalid_sent = False
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((HOST, 0))
        self.url = f"http://{HOST}:{self._socket.getsockname()[1]}/v1"
        app = Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
                Route("/v1/models", self._models),
            ]
        )
        config = uvicorn.Config(
            app, log_level="critical", access_log=False, lifespan="off", http="h11"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def reset(self, answer: dict[str, Any] | None = None, mode: str = "json_schema") -> None:
        assert mode in MODES
        self.answer, self.mode, self.error_status = dict(answer or {}), mode, 500
        self.requests.clear()
        self.keys.clear()
        self._invalid_sent = False

    async def _models(self, request: Request) -> Response:
        self.keys.append(request.headers.get("authorization", ""))
        if self.mode == "error":
            return _error(self.error_status, "models are not available")
        return JSONResponse(
            {"object": "list", "data": [_model(name) for name in self.models]},
        )

    async def _chat(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append(body)
        self.keys.append(request.headers.get("authorization", ""))
        if self.mode == "error":
            return _error(self.error_status, "the stand-in fails as configured")
        if self.mode == "tools_only" and "response_format" in body:
            return _error(400, "response_format is not supported by this model")
        if self.mode == "invalid_once" and not self._invalid_sent:
            self._invalid_sent = True
            return JSONResponse(_completion(body, "Sure! Here is the data: {price: 12,"))
        text = json.dumps(self.answer)
        if body.get("tools"):
            return JSONResponse(_completion(body, None, tool_arguments=text))
        return JSONResponse(_completion(body, text))

    def start(self) -> LlmStandin:
        start_in_thread(self._server, self._thread, "the LLM stand-in")
        return self

    def stop(self) -> None:
        stop_thread(self._server, self._thread, self._socket)


def _model(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": 0, "owned_by": "standin"}


def _error(status: int, message: str) -> Response:
    body = {"error": {"message": message, "type": "standin_error", "code": status}}
    return JSONResponse(body, status_code=status)


def _completion(
    body: dict[str, Any], content: str | None, tool_arguments: str | None = None
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_arguments is not None:
        message["tool_calls"] = [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "extract", "arguments": tool_arguments},
            }
        ]
    prompt_chars = sum(len(str(m.get("content") or "")) for m in body.get("messages", []))
    return {
        "id": "chatcmpl-standin",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "standin"),
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        # Four characters a token, like the estimate route: deterministic for the tests.
        "usage": {
            "prompt_tokens": prompt_chars // 4,
            "completion_tokens": len(content or tool_arguments or "") // 4,
            "total_tokens": 0,
        },
    }
