"""Parsing, fragment wrappers and syntax-error lines, with the real tree-sitter grammars."""

from __future__ import annotations

import pytest

from proxy.parse import SYNTAX_CHECKED, ParseReport, parse, supported_languages, syntax_error_line

# ------------------------------------------------------------------------------- parse()


def test_parse_clean_python() -> None:
    report = parse("def f(x):\n    return x * 2\n", "python")
    assert isinstance(report, ParseReport)
    assert report.language == "python"
    assert report.ok and report.error_count == 0 and report.first_error_line is None
    assert report.line_count == 2


def test_parse_unknown_language_is_none() -> None:
    assert parse("whatever", "cobol") is None
    assert parse("x", "tsx") is None  # internal grammar, not a canonical language


def test_parse_counts_errors_and_lines() -> None:
    report = parse("x = 1\ny = (2 +\nz = 3\n", "python")
    assert report is not None
    assert report.error_count >= 1
    assert report.first_error_line == 2
    assert report.error_lines[0] == 2
    assert 0 < report.error_ratio <= 1


def test_all_grammars_load() -> None:
    expected = {"python", "javascript", "typescript", "go", "java", "bash", "sql", "yaml", "terraform",
                "dockerfile", "csharp", "ruby", "rust"}
    assert expected <= set(supported_languages())


@pytest.mark.parametrize(
    ("language", "code", "wrapper"),
    [
        ("java", "public int add(int a, int b) {\n    return a + b;\n}\n", None),
        ("java", "int x = 1;\nSystem.out.println(x);\n", None),
        ("go", "resp, err := http.Get(url)\nif err != nil {\n\treturn err\n}\ndefer resp.Body.Close()\n",
         None),
        ("typescript", "async getUser(id: string): Promise<User> {\n  return this.repo.find(id);\n}\n",
         "class"),
        ("typescript", "private readonly cache = new Map<string, number>();\n", "class"),
        ("csharp", "public string Name { get; set; }\n", "class"),
        ("python", "    def save(self):\n        self.slug = slugify(self.title)\n        return self\n",
         None),
        ("rust", "let x = 5;\nprintln!(\"{}\", x);\n", None),
    ],
)
def test_fragments_parse_cleanly(language: str, code: str, wrapper: str | None) -> None:
    report = parse(code, language)
    assert report is not None
    assert report.ok, report
    assert report.wrapper == wrapper


def test_wrapped_error_lines_map_back_to_the_snippet() -> None:
    # Go statements need `package main` + `func _() {`: two prefix lines to subtract.
    code = "x := 1\ny := 2\nfmt.Println(x, y))\n"
    report = parse(code, "go")
    assert report is not None
    assert report.wrapper == "func"
    assert report.first_error_line == 3


# ------------------------------------------------------------------- syntax_error_line()


@pytest.mark.parametrize(
    ("language", "code", "line"),
    [
        ("python", "import os\n\ndef f(x)\n    return x\n", 3),
        ("python", "x = 1\ny = foo(1,\nz = 3\n", 2),
        ("python", "items = [1, 2, 3\nprint(items)\n", 1),
        ("javascript", "function f() {\n  const x = ;\n  return x;\n}\n", 2),
        ("javascript", "const a = 1;\nif (a > 0 {\n  console.log(a);\n}\n", 2),
        ("go", "x := 1\ny := 2\nfmt.Println(x, y))\n", 3),
        ("go", "package main\n\nfunc main() {\n\tx := []int{1, 2\n\tfmt.Println(x)\n}\n", 4),
        ("bash", "for f in *.txt; do\n  echo $f\nfi\n", 3),
        ("bash", "if [ -f x ]; then\n  echo hi\n", 2),
        ("bash", "while true; do\n  curl -s localhost:8080 && break\n  sleep 2\n", 3),
        ("rust", "fn main() {\n    let x = 5\n    println!(\"{}\", x);\n}\n", 2),
        ("ruby", "def foo\n  puts 1\n", 1),
        ("terraform", 'resource "aws_s3_bucket" "b" {\n  bucket = \n}\n', 2),
    ],
)
def test_broken_snippets_report_the_line(language: str, code: str, line: int) -> None:
    assert syntax_error_line(code, language) == line


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("java", "@Override\npublic String toString() {\n    return \"Point\";\n}\n"),
        ("java", "private static final Logger log = LoggerFactory.getLogger(A.class);\n"),
        ("go", "x := 1\nfor i := range 10 {\n\tx += i\n}\nfmt.Println(x)\n"),
        ("typescript", "async getUser(id: string): Promise<User> {\n  return this.repo.find(id);\n}\n"),
        ("typescript", "const App = () => <div className=\"x\">{items.length}</div>;\n"),
        ("javascript", "const n: number = 1;\n"),  # TypeScript labelled as JavaScript
        ("python", "    def save(self, *args, **kwargs):\n        super().save(*args, **kwargs)\n"),
        ("python", "async def f():\n    ...\n"),
        ("csharp", "public required string Name { get; init; }\n"),
        ("csharp", "var x = 1;\nConsole.WriteLine(x);\n"),
        ("java", "public void run() {\n    ...\n    process(items);\n}\n"),  # elided body
        ("bash", "$ pip install -r requirements.txt\nCollecting flask\n$ python app.py\n"),
        ("bash", "f()\n{\n  local L OP=$1\n  [ \"$OP\" \"$L\" ] || return 1\n}\n"),  # grammar gap
        ("yaml", "image: {{ .Values.image.repository }}:{{ .Values.image.tag }}\nreplicas: 2\n"),
        ("dockerfile", "FROM alpine\nRUN <<EOF\napk add curl\nEOF\nCMD [\"sh\"]\n"),
        ("terraform", 'locals {\n  ids = [for s in var.subnets : s.id if s.enabled]\n}\n'),
        ("python", ""),
    ],
)
def test_valid_fragments_report_nothing(language: str, code: str) -> None:
    assert syntax_error_line(code, language) is None


@pytest.mark.parametrize(
    "code",
    [
        "SELECT id FROM users ORDER BY id LIMIT $2;\n",
        "TRUNCATE t RESTART IDENTITY;\n",
        "CREATE FUNCTION touch() RETURNS trigger AS $$\nBEGIN\n  NEW.updated_at := now();\n"
        "  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql;\n",
        "SELEC * FROM broken WHERE;\n",  # even broken SQL: the grammar cannot be trusted
    ],
)
def test_sql_never_reports_syntax_errors(code: str) -> None:
    report = parse(code, "sql")
    assert report is not None  # SQL still parses (for detection)
    assert syntax_error_line(code, "sql") is None


def test_syntax_checked_languages() -> None:
    assert "sql" not in SYNTAX_CHECKED
    assert {"python", "javascript", "typescript", "go", "bash"} <= SYNTAX_CHECKED
    assert syntax_error_line("def f(:\n", "cobol") is None


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("python", "client = Client(api_key=<YOUR API KEY>)\nclient.run()\n"),
        ("python", "def handler(event):\n    <your logic here>\n    return ok\n"),
        ("javascript", "const config = {\n  region: <aws-region>,\n};\n"),
        ("go", "func main() {\n\tdb := Open(<connection_string>)\n\tdefer db.Close()\n}\n"),
        ("java", "public void run() {\n    client.call(…);\n}\n"),
        ("yaml", "image: <registry>/<image-name>:<tag>\nreplicas: 2\n"),
        ("bash", "Then run the migration and check the output before you continue.\nThis is the safe order.\n"),
        ("python", "First install the package with pip and then import it in your module.\n"
                   "After that, the client is ready to use for every request you make.\n"),
    ],
)
def test_placeholders_and_prose_are_not_syntax_errors(language: str, code: str) -> None:
    assert syntax_error_line(code, language) is None


@pytest.mark.parametrize(
    ("language", "code", "line"),
    [
        # a real error next to code that only looks like a placeholder still counts
        ("java", "List<String> names = new ArrayList<>(;\n", 1),
        ("python", "values = [1, 2, 3\nprint(values)\n", 1),
        ("javascript", "const items = fetchAll(;\nconsole.log(items);\n", 1),
    ],
)
def test_errors_beside_placeholder_look_alikes_are_reported(language: str, code: str, line: int) -> None:
    assert syntax_error_line(code, language) == line
