import tomllib
from pathlib import Path

import pytest

from tracker.app.config import _read_key_by_key, load_config
from tracker.core import config as core_config
from tracker.core.config import DEFAULT_URL, Config, Table, validated
from tracker.core.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_committed_config_is_valid_and_matches_defaults() -> None:
    config = load_config(ROOT / "config.toml")
    source = config.source("aiia")
    assert source.url == DEFAULT_URL
    assert source.deadline == 60 and source.max_page_bytes == 10_000_000
    assert config.store.path == ROOT / "snapshots" / "tracker.db"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[sources]]\nid='x'\nname='n'\nurl='http://a/'\nretries='many'\n", "sources.0.retries"),
        ("[[sources]]\nid='x'\nname='n'\nurl='ftp://a/'\n", "not an http(s) URL: 'ftp://a/'"),
        ("[store]\npaht='x'\n", "[store]: unknown key 'paht' (did you mean 'path'?)"),
        ("[schedule]\ncron='x'\ninterval_seconds=-1\n", "schedule.interval_seconds"),
        ("[[watchers]]\nname='w'\nkind='webhook'\n", "a webhook watcher needs `url`"),
        ("[store\n", "not valid TOML"),
        # tomllib recurses into each level: this deep, it runs out of stack.
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        # The reader sets it: the models would take it from a file.
        ("origin = 'mine'\n", "unknown key 'origin' (known: sources, store, schedule,"),
        (
            "[[watchers]]\nname='w'\nkind='file'\npath='x'\ntiers=['vice chair']\n",
            "watchers.0.tiers: unknown tier 'vice chair' (use chair, vice_chair",
        ),
    ],
)
def test_bad_values_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


# Every key of every table set, and a watcher of each kind.
FULL = """
baseline_url = "https://example.org/b.csv"
[store]
path = "db/t.db"
[[sources]]
id = "aiia"
name = "A"
url = "http://a.example/x"
aliases = ["https://a.example/x"]
user_agent = "ua/1"
connect_timeout = 5
read_timeout = 7.5
deadline = "30"
retries = 2.0
backoff = 1.5
max_retry_after = 100
max_page_bytes = 1000
max_loss_share = 0.3
max_growth_share = 2
confirm_departures = 2
max_pages = 5
selectors = {tier = "h3", member = "li"}
[[sources]]
id = "b-2"
name = "B"
url = "https://b.example/"
[schedule]
interval_seconds = 3600
timezone = "UTC"
jitter = 10
misfire_grace = 60
coalesce = false
alert_after_failures = 2
retry_backoff = 30
[wayback]
cdx_url = "https://w.example/cdx"
capture_url = "https://w.example/{timestamp}/{url}"
cdx_per_minute = 10
captures_per_second = 0.5
retry_wait = 5
retries = 1
[[watchers]]
name = "slack"
kind = "apprise"
url = "slack://x"
secret_env = "TOKEN"
events = ["joined", "error"]
tiers = ["chair", "理事单位"]
names = ["x"]
min_changes = 2
sources = ["aiia"]
max_length = 500
[[watchers]]
name = "hook.1"
kind = "webhook"
url = "https://h.example/"
[[watchers]]
name = "log"
kind = "file"
path = "changes.jsonl"
[[watchers]]
name = "feed"
kind = "feed"
path = "out/feed.xml"
feed_entries = 10
"""


@pytest.mark.parametrize("text", [FULL, (ROOT / "config.toml").read_text(encoding="utf-8")])
def test_a_valid_file_reads_alike_whole_and_key_by_key(text: str) -> None:
    """msgspec reads a valid file in one call; the key-by-key reading, which words the errors
    of a refused one, must mean the same by every key (repr: 30 and 30.0 are equal)."""
    data = tomllib.loads(text)
    assert repr(validated(Config, data)) == repr(_read_key_by_key(data, "config.toml"))


def test_the_models_annotations_are_types_not_text() -> None:
    # Text would be evaluated by msgspec on first use, in every command that reads a file.
    kinds = [k for k in vars(core_config).values() if isinstance(k, type)]
    tables = [k for k in kinds if issubclass(k, Table)]
    annotations = [a for table in tables for a in vars(table)["__annotations__"].values()]
    assert len(tables) > 5 and annotations and not any(isinstance(a, str) for a in annotations)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "absent.toml")


def test_environment_variable_chooses_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[store]\npath='db/t.db'\n", encoding="utf-8")
    monkeypatch.setenv("TRACKER_CONFIG", str(path))
    assert load_config().store.path == tmp_path / "db" / "t.db"


def test_unknown_source_lists_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"no source 'nope' .*known: aiia"):
        load_config(ROOT / "config.toml").source("nope")


def test_watcher_tiers_are_read_as_tier_ids(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[[watchers]]\nname='w'\nkind='file'\npath='x'\n"
        "tiers=['vice-chair', '理事单位', 'ordinary', '普通会员单位（350家）']\n",
        encoding="utf-8",
    )
    assert load_config(path).watchers[0].tiers == ["vice_chair", "board", "ordinary", "ordinary"]


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        # msgspec stops at a list's first bad item; each is still named.
        (
            "[[watchers]]\nname='w'\nkind='file'\npath='x'\nnames=[1, 'ok', 2]\n",
            ["watchers.0.names.0: Input should be a valid string (got 1)",
             "watchers.0.names.2: Input should be a valid string (got 2)"],
        ),
        (
            "[[watchers]]\nname='w'\nkind=3\npath='x'\n",
            ["watchers.0.kind: Input should be 'apprise', 'webhook', 'file' or 'feed' (got 3)"],
        ),
        (
            "[[sources]]\nid='x'\nname='n'\nurl='http://a/'\ndeadline='inf'\nread_timeout='NaN'\n",
            ["sources.0.read_timeout: Input should be a finite number (got 'NaN')",
             "sources.0.deadline: Input should be a finite number (got 'inf')"],
        ),
    ],
)  # fmt: skip
def test_every_problem_is_named_in_the_words_it_always_had(
    tmp_path: Path, text: str, lines: list[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value).splitlines() == [f"{path}: {line}" for line in lines]
