"""Realistic code snippets for every rule language, for the engine benchmark and the differential test.

A snippet is a handful of blocks of the kind an assistant suggests (risky ones that rules
should catch, clean ones that look similar), with identifiers varied by a seeded RNG so
that every snippet is a different file. `edge_cases` adds what breaks engines: empty and
whitespace-only text, CRLF, tabs, Unicode, syntax errors, a minified line, suppressions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Sample:
    name: str
    language: str
    code: str


NAMES = ["user", "order", "invoice", "report", "session", "payload", "item", "record", "account", "job"]

BLOCKS: dict[str, dict[str, list[str]]] = {
    "python": {
        "risky": [
            "resp = requests.get(f\"{{BASE}}/{name}s/{{ident}}\")\nresp.raise_for_status()\n",
            "subprocess.run(f\"tar czf /tmp/{name}.tgz {{path}}\", shell=True, check=True)\n",
            "try:\n    sync_{name}()\nexcept:\n    pass\n",
            "created_at = datetime.now()\n",
            "r = requests.post(URL, json=data, verify=False, timeout=5)\n",
            "cfg = yaml.load(open(\"{name}.yml\"))\n",
            "async def refresh_{name}():\n    time.sleep(2)\n    return await load_{name}()\n",
            "total_price = float(row[\"{name}_amount\"])\n",
            "os.system(\"echo \" + input(\"{name}? \"))\n",
            "AWS_KEY = \"AKIAIOSFODNN7EXAMPLE\"\n",
        ],
        "clean": [
            "resp = requests.get(f\"{{BASE}}/{name}s/{{ident}}\", timeout=10)\nresp.raise_for_status()\n",
            "subprocess.run([\"tar\", \"czf\", \"/tmp/{name}.tgz\", path], check=True)\n",
            "try:\n    sync_{name}()\nexcept ValueError as exc:\n    log.warning(\"sync failed: %s\", exc)\n",
            "created_at = datetime.now(timezone.utc)\n",
            "cfg = yaml.safe_load(open(\"{name}.yml\"))\n",
            "async def refresh_{name}():\n    await asyncio.sleep(2)\n    return await load_{name}()\n",
            "@dataclass\nclass {Name}:\n    id: int\n    label: str = \"\"\n"
            "    tags: list[str] = field(default_factory=list)\n",
            "def total_{name}(rows):\n    return sum(r.qty * r.unit for r in rows if r.active)\n",
            "for index, {name} in enumerate({name}s):\n    if index % 100 == 0:\n        print(index, {name})\n",
            "{name}_by_id = {{r.id: r for r in {name}s}}\nmissing = [k for k in wanted if k not in {name}_by_id]\n",
        ],
    },
    "javascript": {
        "risky": [
            "const res = await fetch(`${{API}}/{name}s/${{id}}`);\nconst body = await res.json();\n",
            "exec(`git log --author=${{{name}}}`, (err, out) => console.log(out));\n",
            "try {{\n  await save{Name}({name});\n}} catch (e) {{}}\n",
            "const value = eval({name}Expression);\n",
            "panel.innerHTML = `<b>${{{name}.title}}</b>`;\n",
            "setTimeout(\"refresh{Name}()\", 1000);\n",
            "// TODO(security): validate {name} input\n",
        ],
        "clean": [
            "const res = await fetch(`${{API}}/{name}s/${{id}}`, {{ signal: AbortSignal.timeout(5000) }});\n",
            "execFile(\"git\", [\"log\", `--author=${{{name}}}`], (err, out) => console.log(out));\n",
            "try {{\n  await save{Name}({name});\n}} catch (e) {{\n  logger.error(e);\n  throw e;\n}}\n",
            "panel.textContent = {name}.title;\n",
            "setTimeout(() => refresh{Name}(), 1000);\n",
            "export function total{Name}(rows) {{\n"
            "  return rows.filter((r) => r.active).reduce((a, r) => a + r.qty, 0);\n}}\n",
            "class {Name}Store {{\n  constructor() {{\n    this.items = new Map();\n  }}\n  get(id) {{\n"
            "    return this.items.get(id);\n  }}\n}}\n",
            "const {name}Ids = {name}s.map((x) => x.id).sort((a, b) => a - b);\n",
        ],
    },
    "go": {
        "risky": [
            "out, err := exec.Command(\"sh\", \"-c\", \"ls \"+{name}Dir).Output()\n",
            "resp, err := http.Get(baseURL + \"/{name}s\")\n",
            "count, _ := strconv.Atoi({name}Count)\n",
        ],
        "clean": [
            "out, err := exec.Command(\"ls\", {name}Dir).Output()\nif err != nil {{\n\treturn err\n}}\n",
            "client := &http.Client{{Timeout: 5 * time.Second}}\nresp, err := client.Get(baseURL + \"/{name}s\")\n",
            "type {Name} struct {{\n\tID   int    `json:\"id\"`\n\tName string `json:\"name\"`\n}}\n",
            "for i, {name} := range {name}s {{\n\tif {name}.ID == 0 {{\n\t\tcontinue\n\t}}\n"
            "\tfmt.Println(i, {name}.Name)\n}}\n",
        ],
    },
    "java": {
        "risky": [
            "Process p = Runtime.getRuntime().exec(\"ls \" + {name}Dir);\n",
            "try {{\n    load{Name}();\n}} catch (IOException e) {{ }}\n",
            "ResultSet rs = stmt.executeQuery(\"SELECT * FROM {name}s WHERE id = \" + id);\n",
        ],
        "clean": [
            "PreparedStatement ps = conn.prepareStatement(\"SELECT * FROM {name}s WHERE id = ?\");\n"
            "ps.setLong(1, id);\n",
            "try {{\n    load{Name}();\n}} catch (IOException e) {{\n    log.warn(\"load failed\", e);\n}}\n",
            "public int total{Name}(List<{Name}> rows) {{\n    return rows.stream().mapToInt({Name}::qty).sum();\n}}\n",
        ],
    },
    "bash": {
        "risky": [
            "curl -fsSL https://get.example.com/{name}.sh | sh\n",
            "git push --force origin main\n",
            "rm -rf /\n",
            "rm -rf \"$BUILD_DIR\"/\n",
            "chmod 777 /srv/{name}\n",
            "mysql -u root --password=hunter2 {name}db\n",
            "curl -k https://internal/{name}\n",
        ],
        "clean": [
            "set -euo pipefail\n",
            "for f in ./{name}s/*.json; do\n  jq . \"$f\" > /dev/null\ndone\n",
            "curl -fsSL --max-time 10 https://api.example.com/{name}s -o {name}s.json\n",
            "if [ -z \"${{BUILD_DIR:-}}\" ]; then\n  echo \"BUILD_DIR is not set\" >&2\n  exit 1\nfi\n",
            "chmod 640 /srv/{name}/config\n",
        ],
    },
    "sql": {
        "risky": [
            "DROP TABLE {name}s;\n",
            "DELETE FROM {name}s;\n",
            "TRUNCATE TABLE {name}_log;\n",
            "GRANT ALL ON {name}s TO app;\n",
            "UPDATE {name}s SET active = 0;\n",
        ],
        "clean": [
            "SELECT id, created_at FROM {name}s WHERE active = 1 ORDER BY created_at DESC LIMIT 50;\n",
            "CREATE INDEX idx_{name}_created ON {name}s (created_at);\n",
            "INSERT INTO {name}s (id, label) VALUES (1, 'first');\n",
            "SELECT o.id, count(*) FROM {name}s o JOIN lines l ON l.{name}_id = o.id GROUP BY o.id;\n",
        ],
    },
    "yaml": {
        "risky": [
            "spec:\n  containers:\n    - name: {name}\n      image: {name}:1.2\n      securityContext:\n"
            "        privileged: true\n",
            "spec:\n  hostNetwork: true\n  containers:\n    - name: {name}\n      image: {name}:1.2\n",
            "on: pull_request_target\njobs:\n  greet:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - run: echo \"${{{{ github.event.pull_request.title }}}}\"\n",
        ],
        "clean": [
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  replicas: 2\n",
            "services:\n  {name}:\n    image: {name}:1.2\n    ports:\n      - \"8080:8080\"\n",
            "steps:\n  - uses: actions/checkout@v4\n  - run: make test\n",
        ],
    },
    "terraform": {
        "risky": [
            "resource \"aws_s3_bucket\" \"{name}\" {{\n  bucket = \"{name}-data\"\n  acl    = \"public-read\"\n}}\n",
            "resource \"aws_security_group_rule\" \"{name}\" {{\n  type        = \"ingress\"\n"
            "  cidr_blocks = [\"0.0.0.0/0\"]\n}}\n",
        ],
        "clean": [
            "resource \"aws_s3_bucket\" \"{name}\" {{\n  bucket = \"{name}-data\"\n  acl    = \"private\"\n}}\n",
            "variable \"{name}_count\" {{\n  type    = number\n  default = 2\n}}\n",
            "output \"{name}_arn\" {{\n  value = aws_s3_bucket.{name}.arn\n}}\n",
        ],
    },
    "dockerfile": {
        "risky": [
            "FROM python:latest\n",
            "RUN curl -fsSL https://get.example.com/{name}.sh | sh\n",
            "USER root\n",
            "user root\n",
        ],
        "clean": [
            "FROM python:3.12-slim\n",
            "WORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
            "COPY . .\nUSER app\nCMD [\"python\", \"-m\", \"{name}\"]\n",
        ],
    },
}
BLOCKS["typescript"] = {
    "risky": [*BLOCKS["javascript"]["risky"], "const {name} = (input as any).{name};\n"],
    "clean": [*BLOCKS["javascript"]["clean"], "const {name}: {Name} = parse{Name}(input);\n"],
}
HEADERS = {
    "python": "import os\nimport subprocess\nimport requests\n\n",
    "javascript": "const {{ exec, execFile }} = require(\"child_process\");\n\n",
    "typescript": "import {{ exec, execFile }} from \"child_process\";\n\n",
    "go": "",
    "java": "",
    "bash": "#!/usr/bin/env bash\n",
    "sql": "-- {name} maintenance\n",
    "yaml": "",
    "terraform": "",
    "dockerfile": "",
}
LANGUAGES = list(BLOCKS)


def _fill(block: str, name: str) -> str:
    return block.format(name=name, Name=name.capitalize())


def _wrap(language: str, body: str, name: str) -> str:
    """Put statement-level code where the language needs it (a Go func, a Java class)."""
    if language == "go":
        indented = "".join(f"\t{line}\n" if line else "\n" for line in body.splitlines())
        return f"package main\n\nfunc handle{name.capitalize()}() error {{\n{indented}\treturn nil\n}}\n"
    if language == "java":
        indented = "".join(f"        {line}\n" if line else "\n" for line in body.splitlines())
        return (f"class {name.capitalize()}Service {{\n    void run() throws Exception {{\n{indented}"
                "    }\n}\n")
    return _fill(HEADERS[language], name) + body


def snippet(rng: random.Random, language: str, blocks: int, risky: float = 0.3) -> str:
    """A snippet of `blocks` blocks; each block is risky with probability `risky`."""
    name = rng.choice(NAMES)
    kinds = BLOCKS[language]
    parts = [_fill(rng.choice(kinds["risky" if rng.random() < risky else "clean"]), rng.choice(NAMES))
             for _ in range(blocks)]
    return _wrap(language, "\n".join(parts), name)


def clean_snippet(rng: random.Random, language: str, lines: int) -> str:
    """A clean snippet of at least `lines` lines (for latency by length)."""
    name = rng.choice(NAMES)
    parts: list[str] = []
    while sum(p.count("\n") + 1 for p in parts) < lines:
        parts.append(_fill(rng.choice(BLOCKS[language]["clean"]), rng.choice(NAMES)))
    text = _wrap(language, "\n".join(parts), name)
    return "\n".join(text.splitlines()[:max(lines, 1)]) + "\n"


def edge_cases() -> list[Sample]:
    """Inputs that have broken engines: odd whitespace, encodings, syntax, suppressions, size."""
    risky_py = "import requests\nrequests.get(url)\n"
    return [
        Sample("empty", "python", ""),
        Sample("whitespace", "bash", "  \n\t\n"),
        Sample("no-final-newline", "python", "import requests\nrequests.get(url)"),
        Sample("crlf", "python", risky_py.replace("\n", "\r\n")),
        Sample("crlf-sql", "sql", "SELECT 1;\r\nDROP TABLE users;\r\n"),
        Sample("tabs", "go", "package main\n\nfunc f() {\n\tresp, err := http.Get(u)\n\t_ = resp\n\t_ = err\n}\n"),
        Sample("unicode-comment", "python", "# Größe → 尺寸\nimport requests\nrequests.get(url)\n"),
        Sample("unicode-sql", "sql", "-- überprüfen\nDROP TABLE users;\n"),
        Sample("unicode-only", "sql", "-- ☃ ☃ ☃\nSELECT 'ü';\n"),
        Sample("syntax-error-py", "python", "def broken(:\n    requests.get(url)\n"),
        Sample("syntax-error-js", "javascript", "function f( {\n  fetch(url);\n"),
        Sample("nosemgrep", "python", "import requests\nrequests.get(url)  # nosemgrep\n"),
        Sample("nosemgrep-id", "python",
               "import requests\nrequests.get(url)  # nosemgrep: python.requests-without-timeout\n"),
        Sample("nosemgrep-js", "javascript", "fetch(url); // nosemgrep\n"),
        Sample("minified-js", "javascript", "var a=1;" * 700 + "fetch(u);eval(x);" + "b=2;" * 300 + "\n"),
        Sample("minified-js-2", "javascript", "fetch(u);" + "c(1);" * 2000 + "\n"),
        Sample("minified-ts", "typescript", "let q=(z as any);" + "w(2);" * 1500 + "fetch(v);\n"),
        Sample("long-line-py", "python", "import requests\nx = [" + "1, " * 3000 + "]\nrequests.get(u)\n"),
        Sample("long-py", "python", risky_py + "".join(f"x{i} = compute({i})\n" for i in range(400))),
        Sample("multiline-call", "python", "import requests\nrequests.get(\n    url,\n    params=p,\n)\n"),
        Sample("lowercase-sql", "sql", "drop table users;\ndelete from logs;\n"),
        Sample("delete-eol-sql", "sql", "delete from logs\nselect 1;\n"),
        Sample("delete-eof-sql", "sql", "select 1;\ndelete from logs"),
        Sample("mixedcase-docker", "dockerfile", "from python:latest\nUser root\n"),
        Sample("ts-only", "typescript", "const a = (b as any).c;\n"),
        Sample("js-as-ts", "typescript", "const x = eval(code);\nfetch(url);\n"),
        Sample("bash-generic", "bash", "mysql --password=secret db\ncurl --insecure https://x\n"),
        Sample("hcl-both", "terraform",
               "resource \"a\" \"b\" {\n  acl = \"public-read\"\n  cidr_blocks = [\"0.0.0.0/0\"]\n}\n"),
        Sample("null-byte", "python", "x = '\x00'\nimport requests\nrequests.get(u)\n"),
    ]


def corpus(seed: int = 7, per_language: int = 20) -> list[Sample]:
    """`per_language` generated snippets for every language (1-12 blocks), plus the edge cases."""
    rng = random.Random(seed)
    samples = edge_cases()
    for language in LANGUAGES:
        for number in range(per_language):
            blocks = rng.choice([1, 1, 2, 3, 5, 8, 12])
            risky = rng.choice([0.0, 0.2, 0.5, 1.0])
            samples.append(Sample(f"{language}-{number}", language, snippet(rng, language, blocks, risky)))
    return samples
