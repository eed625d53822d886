"""The baseline for bench/ingest.py: a bare Flask endpoint that reads the body and answers 202."""

from flask import Flask, request

app = Flask("bare")


@app.post("/api/v1/webhooks/cms/<name>")
def hook(name: str):  # type: ignore[no-untyped-def]
    request.get_data()
    return {"status": "accepted"}, 202
