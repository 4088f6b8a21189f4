"""Code or prose? A reply without fences is scanned as a raw snippet only when it reads as code:
many grammars accept English (bash reads a sentence as a command), so prose shape is checked first.
"""

from __future__ import annotations

import re

from proxy.parse.detect import Detection, cue_scores, detect_with_cues

_LIST_MARKER = re.compile(r"^\s*(?:[-*+>]|\d+[.)]|#{1,6})\s+")
_COMMENT_START = re.compile(r"^\s*(#(?!#)|//|--|/\*|\*|<!--)")
_WORD = re.compile(r"^[(\"'“‘]?[A-Za-z][A-Za-z'’-]*[)\"'”’]?[,.;:!?]?[)\"'”’]?$")
_CODE_CHARS = re.compile(r"[{}()\[\];=<>$|&_`\\]")
_FUNCTION_WORD_LIST = (
    "a an the to of and or but is are was were be been it its this that these those you your we our "
    "i me my they their he she in on at by for with as if so can could will would should may might "
    "not no do does did have has had there here what which who how why when then than also just "
    "only more most some any each all into about because like let's don't it's isn't you'll"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_WORD_LIST.split())
# At most this share of the (non-comment) lines may read like sentences.
_MAX_PROSE_SHARE = 0.25
# Largest share of ERROR regions accepted for unfenced code, and the smallest cue score.
_MAX_RAW_ERROR_RATIO = 0.03
# tree-sitter-sql rejects plenty of valid SQL (see SYNTAX_CHECKED), so its error share
# says little; SQL needs strong statement cues instead.
_MAX_RAW_ERROR_RATIOS = {"sql": 0.5}
_MIN_RAW_CUE_SCORE = 3.0
_MIN_RAW_CUE_SCORES = {"sql": 5.0}


def is_prose_line(line: str) -> bool:
    """A line shaped like a sentence: mostly plain words, some of them the little words
    English cannot do without, little code punctuation.

    Commands (`sudo apt-get install -y nginx`) and Python headers (`for x in xs:`) are
    mostly words too; it is the function words that set prose apart.
    """
    stripped = _LIST_MARKER.sub("", line).strip()
    tokens = stripped.split()
    if len(tokens) < 5:
        return False
    words = [token for token in tokens if _WORD.match(token)]
    if len(words) / len(tokens) < 0.7:
        return False
    if len(_CODE_CHARS.findall(stripped)) / len(stripped) >= 0.03:
        return False
    function_words = sum(1 for word in words if word.strip("\"'()“”‘’,.;:!?").lower() in _FUNCTION_WORDS)
    return function_words / len(tokens) >= 0.15 or stripped.endswith((".", "?", "!"))


def prose_share(text: str) -> float:
    """Share of the lines that read like prose, ignoring comments and docstrings."""
    prose = total = 0
    in_docstring = False
    for line in text.splitlines():
        if not line.strip():
            continue
        quotes = line.count('"""') + line.count("'''")
        if in_docstring or quotes:
            if quotes % 2 == 1:
                in_docstring = not in_docstring
            continue
        if _COMMENT_START.match(line) and not _LIST_MARKER.match(line):
            continue
        total += 1
        prose += is_prose_line(line)
    return prose / total if total else 1.0


def looks_like_code(text: str) -> Detection | None:
    """A detection when an unfenced reply is code as a whole, None when it is prose (or a
    mix, or code too broken to trust).

    Prose is rejected before any parse: bash and YAML accept most English. Code must then
    parse in its detected language with almost no ERROR region and carry enough lexical
    evidence for that language.
    """
    if not text.strip() or prose_share(text) > _MAX_PROSE_SHARE:
        return None
    cues = cue_scores(text)
    if not cues or max(cues.values()) < _MIN_RAW_CUE_SCORE:
        return None  # no language has enough evidence: skip the parses
    detection = detect_with_cues(text, cues)
    if detection is None:
        return None
    language = detection.language
    if detection.error_ratio > _MAX_RAW_ERROR_RATIOS.get(language, _MAX_RAW_ERROR_RATIO):
        return None
    if cues.get(language, 0.0) < _MIN_RAW_CUE_SCORES.get(language, _MIN_RAW_CUE_SCORE):
        return None
    return detection
