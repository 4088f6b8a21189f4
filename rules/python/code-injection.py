import ast
import os
from flask import Flask, request

app = Flask(__name__)


@app.route("/calc")
def calc():
    expr = request.args.get("expr", "")
    # ruleid: python.code-injection
    result = eval(expr)
    return {"result": result}


@app.route("/ping")
def ping():
    host = request.args["host"]
    # ruleid: python.code-injection
    os.system("ping -c 1 " + host)
    return "ok"


def repl():
    line = input("> ")
    # ruleid: python.code-injection
    exec(line)


@app.route("/calc2")
def calc_ok():
    expr = request.args.get("expr", "")
    # ok: python.code-injection
    result = ast.literal_eval(expr)
    return {"result": result}


@app.route("/page")
def page():
    n = int(request.args.get("n", "1"))
    # ok: python.code-injection
    os.system("echo %d" % n)
    return "ok"
