"""Language detection for unfenced code: lexical cues pick a few candidate grammars, and the language
whose parse leaves the least code inside ERROR regions wins.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from proxy.parse.fragments import ParseReport, parse_prepared, prepare
from proxy.parse.grammars import parser_for


@dataclass(frozen=True)
class Detection:
    """The language of an unlabelled snippet.

    `error_ratio` is the share of the snippet inside ERROR regions for that language's
    grammar (0.0 = parses cleanly); `confidence` (0..1) combines how cleanly it parsed with
    how far it beat the runner-up.
    """

    language: str
    confidence: float
    error_count: int
    error_ratio: float
    runner_up: str | None = None


_I = re.IGNORECASE
_M = re.MULTILINE

@dataclass(frozen=True)
class _Cue:
    """A lexical hint for a language. `needles` are literals of which one must occur for
    the pattern to match: a substring test rules most cues out far faster than `re` can."""

    pattern: re.Pattern[str]
    weight: float
    needles: tuple[str, ...] | None
    ignore_case: bool

    def matches(self, code: str, lowered: str) -> bool:
        if self.needles is not None:
            haystack = lowered if self.ignore_case else code
            if not any(needle in haystack for needle in self.needles):
                return False
        return self.pattern.search(code) is not None


# Lexical cues per language. A cue counts once however often it matches; cues only pick
# the candidate grammars and break ties, the parse decides.
_CUES: dict[str, list[_Cue]] = {}


def _cue(language: str, pattern: str, weight: float, flags: int = 0) -> None:
    needles = _required_literals(pattern)
    if needles is not None and flags & re.IGNORECASE:
        needles = tuple(needle.lower() for needle in needles)
    _CUES.setdefault(language, []).append(
        _Cue(re.compile(pattern, _M | flags), weight, needles, bool(flags & re.IGNORECASE))
    )


def _required_literals(pattern: str) -> tuple[str, ...] | None:
    """Literals of which every match of the regex contains one; None when that cannot be
    told cheaply, and the regex must always run.

    Per top-level alternative: its longest literal run outside groups and classes, or else
    the literals of a mandatory group (`(get|post)`), found the same way.
    """
    needles: list[str] = []
    for alternative in _split_alternatives(pattern):
        found = _alternative_literals(alternative)
        if found is None:
            return None
        needles.extend(found)
    return tuple(needles)


def _alternative_literals(alternative: str) -> tuple[str, ...] | None:
    best = run = ""
    groups: list[str] = []
    depth = i = 0
    group_start = 0
    while i < len(alternative):
        char = alternative[i]
        literal = ""
        if char == "\\" and i + 1 < len(alternative):
            escaped = alternative[i + 1]
            i += 2
            if depth == 0 and not (escaped.isalnum() or escaped == "_"):
                run += escaped
                continue
        elif char in "([":
            if depth == 0:
                group_start = i
            depth += 1
            i += 1
        elif char in ")]":
            depth -= 1
            i += 1
            optional = i < len(alternative) and alternative[i] in "?*{"
            if depth == 0 and char == ")" and not optional:
                groups.append(alternative[group_start + 1 : i - 1])
        elif depth == 0 and char in "*?{":
            run = run[:-1]  # the previous character is optional
            i += 1
        elif depth == 0 and char == "+":
            i += 1
        else:
            literal = char if depth == 0 and char not in ".^$|" else ""
            i += 1
        if literal:
            run += literal
        else:
            best = max(best, run, key=len)
            run = ""
    best = max(best, run, key=len)
    if len(best) >= 2:
        return (best,)
    for group in groups:
        if group.startswith(("?=", "?!", "?<")):
            continue  # lookarounds consume nothing
        found = _required_literals(group.removeprefix("?:"))
        if found is not None:
            return found
    return None


def _split_alternatives(pattern: str) -> list[str]:
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


_JS_LIKE = ("javascript", "typescript")
for _lang in _JS_LIKE:
    _cue(_lang, r"^\s*(export\s+)?(const|let|var)\s+[\w${}\[\], ]+\s*=", 2)
    _cue(_lang, r"=>", 1.5)
    _cue(_lang, r"\bfunction\b\s*\*?\s*\w*\s*\(", 2.5)
    _cue(_lang, r"\bconsole\.\w+\(", 3)
    _cue(_lang, r"\brequire\(\s*['\"]", 3)
    _cue(_lang, r"^\s*import\s.*\bfrom\s+['\"]|^\s*import\s+['\"]", 3)
    _cue(_lang, r"^\s*export\s+(default|const|function|class|async|\{)", 3)
    _cue(_lang, r"\b(document|window|localStorage|process\.env)\b", 2)
    _cue(_lang, r"===|!==", 2)
    _cue(_lang, r"\.then\(|\bnew Promise\(|\bawait\s+fetch\(", 2)
    _cue(_lang, r"\bmodule\.exports\b|\bexports\.\w+\s*=", 3)
    _cue(_lang, r"\b(app|router)\.(get|post|put|delete|use|listen)\(", 2)
    _cue(_lang, r"`[^`]*\$\{", 1.5)
    _cue(_lang, r"\bundefined\b|\bnull\b", 0.5)
    _cue(_lang, r"\}\);?\s*$", 1)
_cue("typescript", r"\w\??:\s*(string|number|boolean|any|void|unknown|never|Date|Promise<|Record<|Array<)"
     r"(\[\])?\s*[,;)=|{]", 4)
_cue("typescript", r"^\s*(export\s+)?(interface|type)\s+\w+(<[^>]*>)?\s*(=|\{|extends)", 4)
_cue("typescript", r"\)\s*:\s*[\w<>\[\]|, ]+\s*(\{|=>)", 2)
_cue("typescript", r"\bas\s+(const|string|number|any|unknown|\w+\[\])\b", 2)
_cue("typescript", r"^\s*import\s+type\b|\bkeyof\b|\breadonly\s+\w+\s*:", 3)
_cue("typescript", r"\b(private|public|protected)\s+(readonly\s+)?\w+\s*[:?]", 3)
_cue("typescript", r"^\s*@(Component|Injectable|Module|Controller|Input|Output|Get|Post)\(", 3)
_cue("typescript", r"\w<(string|number|\w+\[\]|[A-Z]\w*)(,\s*[\w\[\]]+)*>\s*\(", 1.5)
_cue("typescript", r"\b(private|public|protected)\s+readonly\s+\w+\s*[=:;]", 3)
_cue("typescript", r"^\s*(export\s+)?(const\s+)?enum\s+\w+\s*\{", 2)
_cue("typescript", r"\b(let|const|var)\s+\w+\s*:\s*[\w<>\[\]|. ]+=", 4)

_cue("python", r"^\s*(async\s+)?def\s+\w+\s*\(.*\)\s*(->\s*[^:]+)?:\s*(#.*)?$", 5)
_cue("python", r"^\s*(from\s+[\w.]+\s+import\s+[\w*(]|import\s+[\w.]+(\s+as\s+\w+)?(\s*,\s*[\w.]+)*\s*$)", 4)
_cue("python", r"^\s*class\s+\w+(\([^)]*\))?:\s*$", 5)
_cue("python", r"^\s*(if|elif|while|for|with|try|except|else|finally)\b[^{;]*:\s*(#.*)?$", 3)
_cue("python", r"\bself\.\w+", 1.5)
_cue("python", r"\b(None|True|False)\b", 2)
_cue("python", r"\w\((?:[^()]*,\s*)?[a-z_]\w*=[^=\s]", 2)
_cue("python", r"^[a-z_][\w.]*(\[[^\]]+\])?\s*=\s*[^=\s][^;{]*$", 1)
_cue("python", r"\bprint\(", 0.5)
_cue("python", r"\b__(name|init|main|file|dict|class)__\b", 3)
_cue("python", r"^\s*(elif|except)\b", 2)
_cue("python", r"\bf['\"][^'\"]*\{", 1.5)
_cue("python", r"^\s*@\w+(\.\w+)*(\(.*\))?\s*$", 0.5)
_cue("python", r"\b(not in|is not|lambda\s+\w*:)", 1.5)
_cue("python", r"^\s*\w+\s*=\s*\[.*\bfor\b.*\bin\b.*\]", 2)
_cue("python", r"^\s*\"\"\"|'''", 1.5)
_cue("python", r"^\s*(return|raise|yield|pass|await)\b", 0.5)

_cue("go", r"^package\s+\w+\s*$", 6)
_cue("go", r"^\s*func\s+(\([^)]*\)\s*)?\w+(\[[^\]]*\])?\s*\(", 5)
_cue("go", r"\w\s*:=\s*", 2.5)
_cue("go", r"\bfmt\.\w+\(|\blog\.(Printf|Fatal|Println)", 3)
_cue("go", r"if\s+err\s*!=\s*nil", 5)
_cue("go", r"^\s*import\s+(\($|\"|\w+\s+\")", 3)
_cue("go", r"\bchan\b|\bgo\s+func\b|^\s*defer\s", 2.5)
_cue("go", r"\[\][\w*.]+\{?|\bmap\[\w+\]", 2)
_cue("go", r"\bnil\b", 1)
_cue("go", r"^\s*type\s+\w+\s+(struct|interface)\s*\{", 5)
_cue("go", r"\berr\b", 1)
_cue("go", r"\bcontext\.Context\b|\bhttp\.\w+|\*http\.Request\b", 1.5)

_cue("java", r"^\s*(public|private|protected)\s+(static\s+)?(final\s+)?(synchronized\s+)?"
     r"[\w<>\[\], ?]+\s+[a-z]\w*\s*\(", 3)
_cue("java", r"\bSystem\.(out|err)\.print", 4)
_cue("java", r"^\s*import\s+(static\s+)?[\w.]+(\.\*)?;", 4)
_cue("java", r"^\s*package\s+[\w.]+;", 6)
_cue("java", r"@(Override|Autowired|Test|Service|RestController|Controller|GetMapping|PostMapping|"
     r"Entity|Bean|Component|Transactional|Value|Repository|Slf4j|Data|Id)\b", 3)
_cue("java", r"\bString\[\]\s+args|\bthrows\s+\w+", 3)
_cue("java", r"\b(ArrayList|HashMap|Optional|CompletableFuture|List<|Map<|Set<)", 1.5)
_cue("java", r"\.stream\(\)|Collectors\.|\.getMessage\(\)|\.equals\(", 2)
_cue("java", r"\b(boolean|final)\s+\w+|\bString\s+\w+\s*[=;,)]", 1.5)
_cue("java", r"\bnew\s+\w+(<[^>]*>)?\(", 1)
_cue("java", r"\bfor\s*\(\s*(int|long|var|final\s+\w+)\s+\w+\s*[=:]|\.(size|length)\(\)|\.get[A-Z]\w*\(", 2)
_cue("java", r"\(\s*(\w+|\([^()]*\))\s*->\s*[\w{(!]|\w::\w", 2.5)
_cue("java", r"^\s*[A-Z]\w*(<[\w<>, ?]+>)?(\[\])?\s+[a-z]\w*\s*=[^=]", 2)
_cue("java", r"\bcatch\s*\(\s*\w+(Exception|Error)\s+\w+\s*\)", 1.5)

_cue("csharp", r"^\s*using\s+[\w.]+;|^\s*using\s+(var|\()", 4)
_cue("csharp", r"^\s*namespace\s+[\w.]+", 4)
_cue("csharp", r"\bConsole\.(Write|Read)", 4)
_cue("csharp", r"\{\s*get;|\bget\s*\{|\binit;", 5)
_cue("csharp", r"\basync\s+Task\b|\bTask<|\bValueTask\b", 4)
_cue("csharp", r"^\s*(public|private|protected|internal)\s+(static\s+|async\s+|override\s+|virtual\s+)*"
     r"[\w<>\[\], ?]+\s+[A-Z]\w*\s*\(", 3)
_cue("csharp", r"^\s*\[(HttpGet|HttpPost|ApiController|Route|Fact|Test|Authorize|Required|Key)\b", 4)
_cue("csharp", r"\bforeach\s*\(\s*var\b|\bvar\s+\w+\s*=\s*new\b", 2)
_cue("csharp", r"\b(string|bool|decimal)\s+\w+\s*[=;,)]|\bstring\?", 1.5)
_cue("csharp", r"\.(Where|Select|FirstOrDefault|ToList|Any|Include)\(|\bnameof\(|\$\"", 2)
_cue("csharp", r"\b(Dictionary|IEnumerable|IList|ILogger|HttpClient|DbContext)\b", 2)
_cue("csharp", r"\bawait\s+\w+.*Async\(", 2)
_cue("csharp", r"\b(private|public|protected|internal)\s+(static\s+)?readonly\s+"
     r"[A-Z][\w<>, ]*\s+_?\w+\s*[;=]", 4)
_cue("csharp", r"\.[A-Z][a-z]\w*(<\w+>)?\(|\bvar\s+\w+\s*=|\bfor\s*\(\s*(int|var)\s+\w+\s*=", 2)
_cue("csharp", r"\bcatch\s*\(\s*\w*Exception(\s+\w+)?\s*\)|\b_[a-z]\w*\.\w", 1.5)
_cue("csharp", r"^\s*[A-Z]\w*(<[\w<>, ?]+>)?(\[\])?\s+[a-z]\w*\s*=[^=]", 1.5)

_cue("rust", r"\bfn\s+\w+\s*(<[^>]*>)?\s*\(", 5)
_cue("rust", r"^\s*let\s+(mut\s+)?\w+", 1.5)
_cue("rust", r"\b(println|vec|format|panic|assert_eq|assert|eprintln|write|writeln|macro_rules)!", 4)
_cue("rust", r"\b(impl|pub\s+fn|pub\s+struct|pub\s+enum|mod\s+\w+;|&mut|&self|&str|Box<|Vec<|Arc<)", 3)
_cue("rust", r"^\s*use\s+[\w:{}, *]+;", 4)
_cue("rust", r"\b(Option|Result)<|\b(Some|Ok|Err)\(", 2.5)
_cue("rust", r"\.unwrap\(\)|\.expect\(\"|\?;|\.await\??", 3)
_cue("rust", r"#\[(derive|test|tokio|cfg)\b", 5)
_cue("rust", r"\bmatch\s+[\w.&*()]+\s*\{|=>\s*\{?", 1)
_cue("rust", r"\w::\w", 1)

_cue("ruby", r"^\s*def\s+(self\.)?\w+[?!]?(\s*\(.*\))?\s*$", 4)
_cue("ruby", r"^\s*end\s*$", 3)
_cue("ruby", r"\bdo\s*\|\s*\w+(\s*,\s*\w+)*\s*\|", 4)
_cue("ruby", r"^\s*require(_relative)?\s+['\"]", 4)
_cue("ruby", r"\bputs\b|\battr_(accessor|reader|writer)\b", 3)
_cue("ruby", r"\.(each|map|select|reject|find_each)\s*(\{|do\b)|\.each_with_index\b", 3)
_cue("ruby", r"\b(has_many|belongs_to|validates|before_action|has_one)\b", 4)
_cue("ruby", r"^\s*class\s+\w+\s*<\s*[\w:]+\s*$|^\s*module\s+\w+\s*$", 4)
_cue("ruby", r"\bnil\b|\bunless\b|\belsif\b", 1.5)
_cue("ruby", r"#\{", 2)
_cue("ruby", r"(?<![\w@])@\w+\s*(=|\.)|\w+:\s+:\w+|:\w+\s*=>", 2)
_cue("ruby", r"^\s*rescue\b|\.new\(", 1)

_SHELL_COMMANDS = (
    r"sudo|apt-get|apt|yum|dnf|apk|brew|pip3?|pipx|npm|npx|yarn|pnpm|docker|docker-compose|kubectl|"
    r"helm|git|curl|wget|chmod|chown|mkdir|rm|cp|mv|ls|cd|echo|printf|export|source|cat|grep|sed|awk|"
    r"find|tar|ssh|scp|rsync|systemctl|journalctl|make|cargo|terraform|aws|gcloud|az|openssl|psql|mysql|"
    r"python3?|node|go|java|mvn|gradle|ln|touch|unzip|kill|ps|df|du|set|trap|exit|read|local|shift|"
    r"export|alias|crontab|useradd|chmod|systemd-run|nohup|xargs|tee|sleep|exec"
)
_cue("bash", r"^#!.*\b(ba|z|k|da)?sh\b", 10)
_cue("bash", r"^\s*\$ \S", 4)
_cue("bash", rf"^\s*(sudo\s+)?({_SHELL_COMMANDS})(\s|$)", 3)
_cue("bash", r"^\s*(fi|done|esac)\s*$|;\s*(then|do)\s*$", 4)
_cue("bash", r"\|\s*(grep|xargs|awk|sed|sort|uniq|head|tail|wc|tee|bash|sh|jq|cut|tr)\b", 3)
_cue("bash", r"2>&1|>\s*/dev/null|\|\|\s*(true|exit)", 3)
_cue("bash", r"\$\{?[A-Za-z_][A-Za-z_0-9]*\}?|\$\(|\$\d|\"\$@\"", 1.5)
_cue("bash", r"^\s*(if|while|until)\s+\[\[?\s|^\s*for\s+\w+\s+in\b[^:]*$", 3)
_cue("bash", r"\s--?[a-zA-Z][\w-]*", 1)
_cue("bash", r"^\s*[A-Za-z_][A-Za-z_0-9]*=(\S*|\"[^\"]*\"|'[^']*')\s*$", 1)
_cue("bash", r"\\\s*$", 0.5)

_cue("sql", r"\bSELECT\b[\s\S]+?\bFROM\b", 5, _I)
_cue("sql", r"^\s*(INSERT\s+INTO|UPDATE\s+[\w.\"]+\s+SET|DELETE\s+FROM|CREATE\s+(OR\s+REPLACE\s+)?"
     r"(TABLE|INDEX|UNIQUE\s+INDEX|VIEW|FUNCTION|PROCEDURE|TRIGGER|EXTENSION|SCHEMA|TYPE|MATERIALIZED)|"
     r"ALTER\s+(TABLE|INDEX)|DROP\s+(TABLE|INDEX|VIEW|SCHEMA|DATABASE)|TRUNCATE\b|WITH\s+\w+\s+AS\s*\(|"
     r"GRANT\s|REVOKE\s|BEGIN\s*;|COMMIT\s*;|EXPLAIN\s)", 6, _I)
_cue("sql", r"\b(WHERE|JOIN|GROUP\s+BY|ORDER\s+BY|LIMIT|VALUES|PRIMARY\s+KEY|NOT\s+NULL|REFERENCES|"
     r"VARCHAR|INTEGER|BIGINT|SERIAL|TIMESTAMPTZ?|RETURNING|ON\s+CONFLICT|HAVING)\b", 2)
_cue("sql", r";\s*$", 0.5)
_cue("sql", r"^\s*--\s", 0.5)

_cue("yaml", r"^(apiVersion|kind|metadata|spec):", 6)
_cue("yaml", r"^\s*- (name|uses|run|image|key|path|port|containerPort|hosts):", 3)
_cue("yaml", r"^[\w.-]+:\s*$", 2)
_cue("yaml", r"^---\s*$", 2)
_cue("yaml", r"^\s*(on|jobs|steps|runs-on|uses|services|image|ports|environment|volumes|version|"
     r"stages|script|tasks|hosts|become|replicas|containers|env|resources|limits|labels):", 2)
_cue("yaml", r"^\s+[\w.-]+:\s+\S", 1)

_cue("terraform", r"^\s*(resource|data|module|variable|output|provider|locals|terraform|backend|"
     r"required_providers)\s*(\"[^\"]*\"\s*)*\{", 7)
_cue("terraform", r"\b(var|local|module|data|each|count)\.\w+", 2)
_cue("terraform", r"^\s*(count|for_each|depends_on|source|ami|instance_type|cidr_block|tags|region|"
     r"bucket|acl|version|description|type|default|name)\s*=\s", 1.5)
_cue("terraform", r"\$\{[\w.\[\]\"]+\}", 0.5)
_cue("terraform", r"^\s*\w+\s*=\s*(\"|\[|\{|true|false|\d)", 0.5)
_cue("terraform", r"^\s*(dynamic|lifecycle|ingress|egress|provisioner)\s+(\"\w+\"\s*)?\{", 3)

_DOCKER_INSTRUCTIONS = r"RUN|CMD|ENTRYPOINT|COPY|ADD|WORKDIR|EXPOSE|ENV|ARG|USER|LABEL|HEALTHCHECK|VOLUME"
_cue("dockerfile", r"^FROM\s+(--platform=\S+\s+)?[\w.:/${}@-]+(\s+AS\s+\w+)?\s*$", 6, _I)
_cue("dockerfile", rf"^({_DOCKER_INSTRUCTIONS})\s", 3)
_cue("dockerfile", r"^(RUN|COPY|ADD)\s.*\n(?:.*\n)*?(CMD|ENTRYPOINT|EXPOSE|WORKDIR)\s", 3)
_cue("dockerfile", r"^(CMD|ENTRYPOINT)\s+\[\s*\"", 3)

_PS_VERBS = (r"Get|Set|New|Remove|Add|Clear|Copy|Move|Rename|Start|Stop|Restart|Invoke|Write|Read|Test|Import|"
             r"Export|Install|Uninstall|Update|Enable|Disable|Out|Select|Where|ForEach|Format|Convert|ConvertTo|"
             r"ConvertFrom|Register|Unregister|Connect|Disconnect|Resolve|Join|Split|Measure|Wait|Push|Pop|Enter|"
             r"Exit|Expand|Compress|Mount|Dismount|Initialize|Grant|Revoke|Send|Receive|Suspend|Resume|Sort|Group")
_cue("powershell", rf"(?:^|[|;(]\s*)(?:{_PS_VERBS})-[A-Z][A-Za-z]+\b", 5)
_cue("powershell", r"\$env:\w+|\$(?:ErrorActionPreference|PSScriptRoot|PSVersionTable|PSItem|null|true|false)\b", 4, _I)
_cue("powershell", r"\s-(?:eq|ne|gt|lt|ge|le|like|notlike|match|notmatch|contains|in|and|or|not)\s", 3, _I)
_cue("powershell", r"\|\s*(?:%|\?|ForEach-Object|Where-Object|Select-Object|Out-File|Out-Null)\b|\$_\.", 3)
_cue("powershell", r"^\s*(?:param\s*\(|\[CmdletBinding\(|function\s+[A-Z]\w*-[A-Z]\w*)|\[(?:string|int|switch|"
     r"PSCustomObject|System\.[\w.]+)\]\$?", 4, _I)
_cue("powershell", r"@\{\s*\w+\s*=|\s-(?:Recurse|Force|Path|LiteralPath|ErrorAction|Filter|Name|Value)\b", 2)

# Candidates considered when no cue fires at all: grammars that reject random text.
_FALLBACK_CANDIDATES = ("python", "javascript", "go", "java")
# Which candidates get parsed: at most this many, and only those whose cue score is close
# enough to the best one to win on parse quality. Parsing in the wrong grammar is the
# expensive part (error recovery costs 5-15 ms on 40 lines), so this pruning is what keeps
# detection within a few milliseconds.
_MAX_CANDIDATES = 4
_CANDIDATE_CUE_GAP = 8.0
_CANDIDATE_CUE_SHARE = 0.4
# In detection, wrappers are tried only when at most this share of the text is in error.
_WRAP_BELOW = 0.5
# Final score = cue score - weight * error_ratio. Grammars that reject much valid code
# (tree-sitter-sql) get a lighter weight so that real SQL keeps its cue lead.
_ERROR_WEIGHT = 40.0
_ERROR_WEIGHTS = {"sql": 10.0}
# Languages whose grammar accepts nearly any text, so a clean parse proves nothing.
_PERMISSIVE = frozenset({"bash", "yaml"})
_YAML_LINE = re.compile(r"^\s*(- )?(\"[^\"]*\"|'[^']*'|[\w./${}-]+):(\s|$)|^\s*- \S|^\s*#|^\s*$")
_DETECTION_ORDER = (
    "python", "javascript", "typescript", "go", "java", "csharp", "rust", "ruby",
    "bash", "powershell", "sql", "terraform", "dockerfile", "yaml",
)


def cue_scores(code: str) -> dict[str, float]:
    scores: dict[str, float] = {}
    lowered = code.lower()
    for language, cues in _CUES.items():
        score = sum(cue.weight for cue in cues if cue.matches(code, lowered))
        if score > 0:
            scores[language] = score
    yaml_score = scores.get("yaml", 0.0)
    if yaml_score:
        lines = [line for line in code.splitlines() if line.strip()]
        share = sum(1 for line in lines if _YAML_LINE.match(line)) / max(1, len(lines))
        # YAML reads any text as a scalar; only a mapping/sequence shape makes it YAML.
        scores["yaml"] = yaml_score + (4 if share >= 0.9 else -6 if share < 0.6 else 0)
    return scores


def detect_language(code: str) -> Detection | None:
    """The most likely language of unlabelled code, or None for empty input.

    Cheap lexical cues rank the languages; the top few are parsed (with fragment
    wrappers) and the winner maximises cue score minus a penalty proportional to the share
    of the snippet inside ERROR regions. Assumes the text is code: use `looks_like_code`
    for replies that may be prose.
    """
    if not code.strip():
        return None
    if _is_json_document(code):
        return Detection(language="json", confidence=1.0, error_count=0, error_ratio=0.0)
    return detect_with_cues(code, cue_scores(code))


def _is_json_document(code: str) -> bool:
    """A JSON object or array (a flag file, an API payload): data, judged by the JSON rules.

    Exact, not a guess: the text must parse as JSON. Python and JavaScript literals that
    happen to be valid JSON are data too, and carry no statement a code rule could judge.
    """
    stripped = code.strip()
    if not stripped.startswith(("{", "[")):
        return False
    try:
        json.loads(stripped)
    except (ValueError, RecursionError):
        return False
    return True


def detect_with_cues(code: str, cues: dict[str, float]) -> Detection | None:
    ranked = sorted(cues, key=lambda lang: (-cues[lang], _DETECTION_ORDER.index(lang)))
    top = cues[ranked[0]] if ranked else 0.0
    floor = max(top - _CANDIDATE_CUE_GAP, top * _CANDIDATE_CUE_SHARE)
    candidates = [lang for lang in ranked if cues[lang] >= floor and parser_for(lang) is not None]
    candidates = candidates[:_MAX_CANDIDATES]
    if not candidates:
        candidates = [lang for lang in _FALLBACK_CANDIDATES if parser_for(lang) is not None]
    scored: list[tuple[float, int, str, ParseReport]] = []
    for language in candidates:
        report = parse_prepared(prepare(code, language), language, wrap_below=_WRAP_BELOW)
        if report is None:
            continue
        weight = _ERROR_WEIGHTS.get(language, _ERROR_WEIGHT)
        score = cues.get(language, 0.0) - weight * report.error_ratio - 0.5 * min(report.error_count, 6)
        scored.append((score, -_DETECTION_ORDER.index(language), language, report))
    if not scored:
        return None
    scored.sort(reverse=True)
    best_score, _, language, report = scored[0]
    margin = best_score - scored[1][0] if len(scored) > 1 else best_score
    cleanliness = max(0.0, 1.0 - 4 * report.error_ratio)
    decisiveness = min(1.0, max(0.0, margin) / 6)
    confidence = round(cleanliness * (0.5 + 0.5 * decisiveness), 3)
    return Detection(
        language=language,
        confidence=confidence,
        error_count=report.error_count,
        error_ratio=round(report.error_ratio, 4),
        runner_up=scored[1][2] if len(scored) > 1 else None,
    )
