"""Migration hazards (issue 19) are found in every form a reply carries them: an XML or YAML changelog fence,
a console session with prompts, the added lines of a patch, a later fence of the reply, and a raw file named
by its path. Real CLI, real Semgrep engine and tree-sitter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

REPLY = '''Here is the plan.

```bash
alembic revision -m "tidy users"
```

Liquibase (XML):

```xml
<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
  <changeSet id="7" author="dev">
    <renameColumn tableName="users" oldColumnName="name" newColumnName="full_name"/>
  </changeSet>
</databaseChangeLog>
```

Liquibase (YAML):

```yaml
databaseChangeLog:
  - changeSet:
      id: 8
      author: dev
      changes:
        - dropColumn:
            tableName: users
            columnName: legacy_email
```

From a terminal:

```console
$ psql "$DATABASE_URL" -c "DELETE FROM carts WHERE 1=1;"
DELETE 18233
```

The patch:

```diff
--- a/migrations/versions/3f2a_tidy.py
+++ b/migrations/versions/3f2a_tidy.py
@@ -1,3 +1,4 @@
 def upgrade():
     op.add_column("users", sa.Column("timezone", sa.String(), nullable=True))
+    op.drop_column("users", "legacy_phone")
```

And a patch that only takes a drop out:

```diff
--- a/db/000042_cleanup.up.sql
+++ b/db/000042_cleanup.up.sql
@@ -1,2 +1,2 @@
-ALTER TABLE users DROP COLUMN legacy_email;
+ALTER TABLE users ADD COLUMN timezone text;
```

Plain XML config is data, not code:

```xml
<configuration><appender name="STDOUT" class="ConsoleAppender"/></configuration>
```
'''


def scan(*args: str, stdin: str | None = None) -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-m", "proxy", "scan", "--format", "json", *args], input=stdin,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode in (0, 1), result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def rules_of(snippet: dict[str, Any]) -> set[str]:
    return {finding["rule_id"] for finding in snippet["findings"]}


def test_each_form_of_a_migration_reply_is_judged() -> None:
    document = scan("-", stdin=REPLY)
    snippets = document["snippets"]
    assert [s["language"] for s in snippets] == ["bash", "xml", "yaml", "bash", "python", "sql", "xml"]
    assert document["decision"] == "block"
    first, xml, yaml, console, patch, removal, config = snippets
    assert first["decision"] == "allow"
    assert rules_of(xml) == {"xml.liquibase-drops-or-renames"} and xml["decision"] == "block"
    assert xml["findings"][0]["line"] == 3
    assert rules_of(yaml) == {"yaml.liquibase-drops-or-renames"} and yaml["decision"] == "block"
    assert "sql.where-always-true" in rules_of(console) and console["decision"] == "block"
    assert rules_of(patch) == {"python.alembic-drops-or-renames"} and patch["origin"] == "diff"
    assert removal["decision"] == "allow", removal["findings"]
    assert config["decision"] == "allow" and config["parse_errors"] == 0, config["findings"]


def test_changelog_file_is_routed_by_its_xml_extension(tmp_path: Path) -> None:
    changelog = tmp_path / "db.changelog-master.xml"
    changelog.write_text('<databaseChangeLog>\n  <changeSet id="1" author="a">\n'
                         '    <dropTable tableName="coupons"/>\n  </changeSet>\n</databaseChangeLog>\n')
    document = scan(str(changelog))
    (snippet,) = document["snippets"]
    assert snippet["language"] == "xml"
    assert rules_of(snippet) == {"xml.liquibase-drops-or-renames"} and document["decision"] == "block"


def test_rollback_of_a_changeset_is_not_a_drop(tmp_path: Path) -> None:
    changelog = tmp_path / "changelog.xml"
    changelog.write_text('<changeSet id="2" author="a">\n  <addColumn tableName="users">\n'
                         '    <column name="tz" type="text"/>\n  </addColumn>\n  <rollback>\n'
                         '    <dropColumn tableName="users" columnName="tz"/>\n  </rollback>\n</changeSet>\n')
    document = scan(str(changelog))
    assert document["decision"] == "allow", document
