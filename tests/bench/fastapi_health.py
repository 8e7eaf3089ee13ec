"""The seed's stack for the health comparison of `make bench`: FastAPI served
by uvicorn (Debian python3-fastapi, python3-uvicorn), answering the same fixed
JSON body as the gateway's GET /api/v1/health. Run by scripts/bench.d/10-health:
  python3 -m uvicorn --app-dir tests/bench fastapi_health:app --port N
"""
from fastapi import FastAPI

app = FastAPI()


@app.get("/api/v1/health")
async def health():
    return {"status": "ok", "version": "0.1.0"}
