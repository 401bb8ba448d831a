"""Config errors name the file and the key; the shipped config.jsonc is valid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import modules.config as config_package
from modules.config import load_config, parse_config, with_overrides
from modules.errors import ConfigError
from modules.upstream.matchup import blind_battle, side_by_side
from modules.upstream.models import ArenaModel

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_config_is_valid_and_commented() -> None:
    config = load_config(ROOT / "config.jsonc")
    assert config.server.host == "127.0.0.1" and config.server.port == 5102
    text = (ROOT / "config.jsonc").read_text()
    # Every key line is preceded by a comment line (or is a section/rule line).
    lines = [ln.strip() for ln in text.splitlines()]
    for n, line in enumerate(lines):
        if line.startswith('"') and not line.endswith("{") and not line.startswith('"rules"'):
            assert lines[n - 1].startswith("//"), f"key without a comment: {line}"


def test_unknown_key_is_named_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonc"
    path.write_text('{ // comment\n "pool": {"max_instancez": 3}}')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(path) in err.value.message
    assert "pool.max_instancez: unknown key" in err.value.message


def test_wrong_type_and_cross_field_errors_name_keys(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonc"
    path.write_text('{"server": {"port": "eighty"}}')
    with pytest.raises(ConfigError, match="server.port"):
        load_config(path)
    with pytest.raises(ConfigError, match="min_instances"):
        parse_config({"pool": {"min_instances": 5, "max_instances": 2}})
    with pytest.raises(ConfigError, match="scale_down_threshold"):
        parse_config({"autoscale": {"scale_up_threshold": 0.5, "scale_down_threshold": 0.6}})
    with pytest.raises(ConfigError, match="balancer.strategy"):
        parse_config({"balancer": {"strategy": "fastest"}})


def test_broken_jsonc_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonc"
    path.write_text('{"server": {')
    with pytest.raises(ConfigError, match="not valid JSONC"):
        load_config(path)


def test_missing_file_gives_defaults_and_overrides_validate(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.jsonc")
    assert config.balancer.strategy == "least_busy"
    changed = with_overrides(config, pool={"initial_instances": 4})
    assert changed.pool.initial_instances == 4
    with pytest.raises(ConfigError, match="pool.initial_instances"):
        with_overrides(config, pool={"initial_instances": -1})


def test_default_alert_rules_match_the_shipped_file() -> None:
    shipped = load_config(ROOT / "config.jsonc").alerts.rules
    assert parse_config({}).alerts.rules == shipped
    assert {r.kind for r in shipped} >= {"error_rate", "needs_attention", "no_usable_instance"}


@pytest.mark.parametrize(
    ("pacing", "key"),
    [
        ({"min_interval_s": -1}, "pacing.min_interval_s"),
        ({"burst": 0}, "pacing.burst"),
        ({"burst_window_s": 0}, "pacing.burst_window_s"),
        ({"penalty_s": -5}, "pacing.penalty_s"),
        ({"success_factor": 1.5}, "pacing.success_factor"),
        ({"refusal_factor": 0.5}, "pacing.refusal_factor"),
        ({"min_interval_s": 100, "max_interval_s": 50}, "pacing.min_interval_s"),
        ({"penalty_s": 100, "penalty_max_s": 50}, "pacing.penalty_s"),
    ],
)
def test_pacing_that_cannot_work_is_refused_naming_the_key(
    tmp_path: Path, pacing: dict[str, float], key: str
) -> None:
    path = tmp_path / "c.jsonc"
    path.write_text(json.dumps({"pacing": pacing}))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert key in err.value.message and str(path) in err.value.message


def test_shipped_pacing_is_the_real_sites() -> None:
    pacing = load_config(ROOT / "config.jsonc").pacing
    assert pacing == parse_config({}).pacing
    assert (pacing.min_interval_s, pacing.burst, pacing.burst_window_s) == (45, 6, 900)
    assert (pacing.penalty_s, pacing.penalty_max_s, pacing.max_interval_s) == (1200, 7200, 900)


def test_shipped_file_shows_every_default() -> None:
    shipped = load_config(ROOT / "config.jsonc").model_dump(exclude={"source"})
    assert shipped == parse_config({}).model_dump(exclude={"source"})


def test_deadlines_must_fit_in_the_total_and_ui_overrides_reach_the_adapter() -> None:
    with pytest.raises(ConfigError, match="timeouts.first_byte_s"):
        parse_config({"timeouts": {"first_byte_s": 400, "total_s": 300}})
    with pytest.raises(ConfigError, match="arena.ui.submit"):
        parse_config({"arena": {"ui": {"submit": "click"}}})
    ui = parse_config({"arena": {"ui": {"composer": "#box", "chat_path": "/chat"}}}).arena.ui
    adapter = ui.adapter()
    assert adapter.composer == "#box"
    assert adapter.chat_url("https://arena.ai/", "gpt x") == "https://arena.ai/chat?model_a=gpt+x"


def test_battle_pages_come_from_arena_ui() -> None:
    ui = {"side_by_side_path": "/sbs", "model_b_param": "b", "battle_path": "/blind"}
    adapter = parse_config({"arena": {"ui": ui}}).arena.ui.adapter()
    x = ArenaModel("id-x", "x y")
    z = ArenaModel("id-z", "z")
    model_a, matchup = side_by_side(x, z)
    assert adapter.chat_url("https://arena.ai", "x y", matchup) == (
        "https://arena.ai/sbs?model_a=x+y&b=z"
    )
    assert adapter.chat_url("https://arena.ai/", "battle", blind_battle()[1]) == (
        "https://arena.ai/blind"
    )
    default = parse_config({}).arena.ui.adapter()
    assert default.chat_url("https://arena.ai", "x", matchup).startswith(
        "https://arena.ai/text/side-by-side?model_a=x&model_b=z"
    )


def test_the_package_exports_every_section() -> None:
    todo, names = [config_package.Section], set()
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    assert names <= set(config_package.__all__)
    assert all(hasattr(config_package, name) for name in config_package.__all__)
