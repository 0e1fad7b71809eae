"""The baseline for the cached-GET benchmark: a bare FastAPI app served exactly as `postings serve` serves.

`GET /v1/postings/{posting_id}` (an int path parameter, as the service's route has) returns the bytes of
the file named by BARE_BODY_FILE, a real posting's JSON, so both sides send the same body size; /healthz
answers the start-up check. No middleware, no logging, no cache: what uvicorn and FastAPI cost alone.

    python bench/bare_app.py serve --host 127.0.0.1 --port P [--workers N]

runs `postings serve` itself (postings.cli) with only the app swapped, so the uvicorn settings (loop,
HTTP implementation, workers, proxy headers, ...) cannot drift from the service's.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Response


def create_app() -> FastAPI:
    body = Path(os.environ["BARE_BODY_FILE"]).read_bytes()
    app = FastAPI()

    @app.get("/v1/postings/{posting_id}")
    async def get_posting(posting_id: int) -> Response:
        return Response(content=body, media_type="application/json", headers={"ETag": '"1"'})

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def main() -> int:
    import uvicorn
    from postings import cli

    real_run = uvicorn.run

    def run_bare(_app: str, **options: Any) -> None:
        real_run("bare_app:create_app", **options)

    uvicorn.run = run_bare
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parent), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    return cli.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
