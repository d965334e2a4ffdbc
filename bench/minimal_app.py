"""The yardstick: the smallest Flask page, served by gunicorn exactly like Helpsquare.

``bench/run.py`` serves it with the same workers and the same wrk load, so Helpsquare's
requests per second can be read as a share of what Flask itself manages on this machine.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
