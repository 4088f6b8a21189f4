"""Data is data: JSON, XML, HTML, TOML, INI and CSV told apart from code.

A ```json fence holding a config, or an unlabelled API response, is not a program: no
grammar of a programming language may report it as a syntax error (a half-shown JSON
object is not broken Python). But a data label is only a claim, so it is believed only
when the text parses as that format; otherwise the snippet is detected like any unlabelled
code (a ```json fence holding shell commands is still judged as shell), with the syntax
check off, since the reply called it data.

Parsers here are the standard library's; XML with a DTD is never parsed (entity expansion).
"""

from __future__ import annotations

import configparser
import csv
import io
import json
import re
import tomllib
import xml.etree.ElementTree as ElementTree

from proxy.languages import DATA_LANGUAGES

MAX_DATA_CHARS = 512 * 1024  # larger texts are not parsed as data here (they are scanned as code)
_TOML_TABLE = re.compile(r"^\s*\[\[?[\w.\-\" ]+\]\]?\s*$", re.MULTILINE)
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL)
_XML_START = re.compile(r"^\s*<(?:\?xml\b|[A-Za-z_][\w:.-]*[\s/>])")


def is_data_language(language: str | None) -> bool:
    return language in DATA_LANGUAGES


def confirms(code: str, language: str) -> bool:
    """Whether `code` really is `language` data (a fence's label is a claim, the parse is the proof)."""
    if len(code) > MAX_DATA_CHARS or not code.strip():
        return False
    check = _CHECKS.get(language)
    return check is not None and check(code)


def recognise(code: str) -> str | None:
    """The data format of unlabelled text (JSON, XML, HTML, TOML with tables), or None.

    Only formats whose shape no program has: a JSON document, an XML or HTML document, TOML
    with a `[table]` header. A Python list literal is valid JSON too; calling it data costs nothing.
    """
    stripped = code.strip()
    if not stripped or len(code) > MAX_DATA_CHARS:
        return None
    if stripped[0] in "{[" and _json(code):
        return "json"
    if stripped[0] == "<":
        if _HTML_START.match(code):
            return "html"
        if _xml(code):
            return "xml"
    if _TOML_TABLE.search(code) and _toml(code):
        return "toml"
    return None


def _json(code: str) -> bool:
    try:
        value = json.loads(code)
    except (ValueError, RecursionError):
        return _json_lines(code)
    return isinstance(value, dict | list)


def _json_lines(code: str) -> bool:
    """JSON Lines / NDJSON: one JSON object per non-empty line."""
    lines = [line for line in code.splitlines() if line.strip()]
    if len(lines) < 2:
        return False
    try:
        return all(isinstance(json.loads(line), dict | list) for line in lines)
    except (ValueError, RecursionError):
        return False


def _xml(code: str) -> bool:
    if not _XML_START.match(code) or "<!DOCTYPE" in code.upper() or "<!ENTITY" in code.upper():
        return False
    try:
        ElementTree.fromstring(code.strip().encode("utf-8", "surrogatepass"))
    except (ElementTree.ParseError, ValueError, UnicodeError):
        return False
    return True


def _html(code: str) -> bool:
    """HTML is lenient by design: a document or a fragment made of tags, not of code."""
    stripped = code.strip()
    return stripped.startswith("<") and stripped.endswith(">") and "<script" not in stripped.lower()


def _toml(code: str) -> bool:
    try:
        tomllib.loads(code)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return False
    return True


def _ini(code: str) -> bool:
    parser = configparser.ConfigParser(interpolation=None, strict=False, allow_no_value=True)
    try:
        parser.read_string(code)
    except (configparser.Error, ValueError):
        return False
    return bool(parser.sections()) or bool(parser.defaults())


def _csv(code: str) -> bool:
    """Rows of the same width (2+ columns), by the dialect the sniffer finds."""
    lines = [line for line in code.splitlines() if line.strip()]
    if not lines:
        return False
    try:
        dialect = csv.Sniffer().sniff(code[:4096], delimiters=",;\t|")
    except csv.Error:
        return len(lines) == 1
    widths = {len(row) for row in csv.reader(io.StringIO(code), dialect) if row}
    return len(widths) == 1 and widths.pop() >= 2


_CHECKS = {"json": _json, "xml": _xml, "html": _html, "toml": _toml, "ini": _ini, "csv": _csv}
