import os
from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/health")
def health():
    return jsonify(ok=True)


if __name__ == "__main__":
    # ruleid: python.flask-debug-enabled
    app.run(host="0.0.0.0", port=8080, debug=True)
    # ruleid: python.flask-debug-enabled
    app.run(debug=True)
    # ok: python.flask-debug-enabled
    app.run(host="0.0.0.0", port=8080, debug=os.environ.get("FLASK_DEBUG") == "1")
    # ok: python.flask-debug-enabled
    app.run(host="127.0.0.1", port=8080)
