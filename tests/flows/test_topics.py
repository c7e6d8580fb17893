"""Topics: the bundled taxonomy assigns what an article is about, acronyms match only in capitals, an
imported topic wins, a new taxonomy version re-assigns, and a bad topic file gets one clear error."""

from __future__ import annotations

from datetime import date

import pytest

from flows.analysis.topics import DEFAULT_FILE, TopicFileError, assign_topics, load_taxonomy
from tests.warehouse.synthetic import article
from warehouse import load, topics_store
from warehouse.db import connect

BORDER = (
    "Border Patrol agents said migrants crossing the southern border sought asylum, and ICE scheduled "
    "deportations while the sanctuary city refused to help immigration officers."
)
BAKERY = "The bakery on Main Street sold ice cream and pies at the summer fair, and the ice melted."


def test_the_bundled_taxonomy_assigns_topics():
    tax = load_taxonomy()
    assert tax.version and "immigration" in tax.ids and len(tax.ids) >= 10
    assert tax.assign("Migrants at the border", BORDER)[0] == "immigration"
    assert tax.assign("Summer fair", BAKERY) == ("other", 0.0)  # 'ice' in lowercase is not ICE


def test_assigning_stores_topics_an_import_wins_and_a_new_version_reassigns(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load.insert_articles(
        con,
        [
            {**article("a1", "o", date(2026, 11, 2)), "title": "Border", "text": BORDER},
            {**article("a2", "o", date(2026, 11, 2)), "title": "Fair", "text": BAKERY},
            {**article("a3", "o", date(2026, 11, 2)), "title": "Border", "text": BORDER},
        ],
    )
    topics_store.store_topics(con, [("a3", "my-import-topic", None)], "import", None)
    tax = load_taxonomy()
    assert assign_topics(con, tax) == 2 and assign_topics(con, tax) == 0  # idempotent
    current = dict(con.execute("select article_id, topic from stg_article_topics").fetchall())
    assert current == {"a1": "immigration", "a2": "other", "a3": "my-import-topic"}
    bumped = tmp_path / "topics.toml"
    bumped.write_text(
        DEFAULT_FILE.read_text(encoding="utf-8").replace('version = "', 'version = "x'), "utf-8"
    )
    assert assign_topics(con, load_taxonomy(bumped)) == 2  # every taxonomy topic again, not the import


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('version = "1"\n[[topics]]\nid = "a"\npatterns = ["re:(unclosed"]\n', "topic 'a': pattern"),
        (
            'version = "1"\n[[topics]]\nid = "a"\npatterns = ["x"]\n[[topics]]\nid = "a"\npatterns = ["y"]\n',
            "more than once",
        ),
        ('[[topics]]\nid = "a"\npatterns = ["x"]\n', "needs a `version`"),
        ('version = "1"\n[[topics]]\nid = "Bad Id"\npatterns = ["x"]\n', "lowercase"),
        ('version = "1"\n[[topics]]\nid = "a"\npatterns = []\n', "non-empty list"),
        ("version = \n", "not valid TOML"),
    ],
)
def test_a_bad_topic_file_is_refused_with_what_to_fix(tmp_path, body, message):
    path = tmp_path / "topics.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(TopicFileError, match=message) as err:
        load_taxonomy(path)
    assert str(path) in str(err.value)


def test_a_topic_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "topics.toml"
    path.write_bytes(b'version = "\xff"\n')
    with pytest.raises(TopicFileError, match="not UTF-8"):
        load_taxonomy(path)
