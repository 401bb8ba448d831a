"""Identities survive restarts: saved after sign-up and cookie rotation, reopened at start,
let go when the site forgot them; accounts are kept and parked when their login expires."""

from __future__ import annotations

import base64
import itertools
import json
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from modules.errors import LoginExpired
from modules.identity.profiles import ProfileStore
from modules.identity.storage_state import login_from_cookie
from modules.pool.identity_keeper import IdentityKeeper
from modules.pool.instance import Instance
from modules.pool.instance_spec import InstanceSpec
from modules.pool.instance_state import State
from modules.pool.pool import Pool
from modules.upstream.identity import SessionIdentity
from modules.util.event_bus import EventBus
from tests.support.fakes import FakeLauncher, FakePage, make_config
from tests.support.polling import wait_for

URL = "https://arena.ai"


def state_of(user_id: str, token: str = "t1") -> dict[str, Any]:
    """A storage state whose auth cookie names `user_id` (`token` stands for the secret)."""
    session = {"access_token": token, "user": {"id": user_id}}
    raw = base64.urlsafe_b64encode(json.dumps(session).encode()).decode()
    return login_from_cookie("base64-" + raw, URL).state


@dataclass
class StatePage(FakePage):
    """A fake page with a storage state (the login the keeper saves)."""

    state: dict[str, Any] = field(default_factory=dict)

    async def storage_state(self) -> dict[str, Any]:
        return self.state


class SigningLauncher(FakeLauncher):
    """Opens the saved login it is given, else signs up a new user; `forgotten` users'
    logins are refused like the site's GET /api/me (401)."""

    def __init__(self) -> None:
        super().__init__()
        self.users = (f"u{n}" for n in itertools.count(1))
        self.forgotten: set[str] = set()
        self.signups = 0

    async def open(self, inst: Instance, storage_state: dict[str, Any] | None = None) -> None:
        self.opened.append(inst.id)
        self.states.append(storage_state)
        if storage_state is None:
            self.signups += 1
            storage_state = state_of(next(self.users))
        page = StatePage(owner=inst.id, state=storage_state)
        inst.attach(page, self.transport(inst.id), "fake")  # type: ignore[arg-type]
        user = login_from_cookie(_cookie(storage_state), URL).user_id
        inst.set_identity(SessionIdentity(user, None, None))
        if user in self.forgotten:
            raise LoginExpired("401", instance_id=inst.id)


def _cookie(state: dict[str, Any]) -> str:
    return "".join(c["value"] for c in state["cookies"])


def make(
    folder: Path,
    launcher: SigningLauncher,
    instances: int = 1,
    proxies: list[dict[str, Any]] | None = None,
) -> Pool:
    config = make_config(
        pool={"initial_instances": instances},
        pacing={"enabled": False},
        browser={"proxies": proxies or []},
    )
    keeper = IdentityKeeper(ProfileStore(folder), URL, config.browser.proxies)
    return Pool(config, launcher, EventBus(), keeper=keeper)  # type: ignore[arg-type]


async def started(pool: Pool, usable: int) -> Pool:
    pool.ensure_size()
    await wait_for(lambda: pool.usable_count() == usable, 2, "instances ready")
    return pool


def private(folder: Path) -> bool:
    """Every saved identity is a 0700 folder of 0600 files."""
    return all(
        stat.S_IMODE(d.stat().st_mode) == 0o700
        and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in d.iterdir())
        for d in folder.iterdir()
    )


def users(pool: Pool) -> set[str | None]:
    return {i.identity.user_id for i in pool.active()}


async def test_a_restart_reopens_the_same_identities_without_a_sign_up(tmp_path: Path) -> None:
    first = SigningLauncher()
    pool = await started(make(tmp_path, first, 2), 2)
    before = users(pool)
    await pool.close()
    assert private(tmp_path)
    again = SigningLauncher()
    pool = await started(make(tmp_path, again, 2), 2)
    assert users(pool) == before and again.signups == 0
    await pool.close()


async def test_a_rotated_cookie_is_saved_again_an_unchanged_one_is_not(tmp_path: Path) -> None:
    pool = await started(make(tmp_path, SigningLauncher()), 1)
    (inst,) = pool.active()
    assert pool.keeper is not None and inst.spec.profile == "anon-u1"
    saved = ProfileStore(tmp_path)
    assert not await pool.keeper.save(inst)  # nothing changed since the sign-up's save
    assert isinstance(inst.page, StatePage)
    inst.page.state = state_of("u1", token="t2")  # the site refreshed the session
    assert await pool.keeper.save(inst)
    assert _cookie(saved.load_state("anon-u1") or {}) == _cookie(state_of("u1", "t2"))
    await pool.close()


async def test_an_identity_the_site_forgot_is_let_go_for_a_new_sign_up(tmp_path: Path) -> None:
    pool = await started(make(tmp_path, SigningLauncher()), 1)
    await pool.close()
    launcher = SigningLauncher()
    launcher.users = iter(["u9"])
    launcher.forgotten.add("u1")
    pool = await started(make(tmp_path, launcher), 1)
    assert users(pool) == {"u9"} and launcher.signups == 1
    assert ProfileStore(tmp_path).names() == ["anon-u9"]
    await pool.close()


async def test_an_expired_account_is_parked_and_kept(tmp_path: Path) -> None:
    ProfileStore(tmp_path).save("acct-a", state_of("a"), kind="account", user_id="a", proxy=None)
    launcher = SigningLauncher()
    launcher.forgotten.add("a")
    pool = make(tmp_path, launcher)
    pool.ensure_size()
    await wait_for(lambda: any(i.login_expired for i in pool.active()), 2, "parked")
    (inst,) = pool.active()
    assert inst.base_state is State.NEEDS_ATTENTION and inst.spec.account
    assert launcher.signups == 0 and ProfileStore(tmp_path).names() == ["acct-a"]
    await pool.close()


async def test_recycling_lets_an_anonymous_identity_go_and_reopens_an_account(
    tmp_path: Path,
) -> None:
    ProfileStore(tmp_path).save("acct-a", state_of("a"), kind="account", user_id="a", proxy=None)
    launcher = SigningLauncher()
    pool = await started(make(tmp_path, launcher, 2), 2)
    account = next(i for i in pool.active() if i.spec.account)
    anon = next(i for i in pool.active() if not i.spec.account)
    assert account.identity.user_id == "a"  # saved accounts are handed out first
    pool.recycle(anon, "test")
    pool.recycle(account, "test")
    await wait_for(lambda: pool.usable_count() == 2 and len(pool.active()) == 2, 2, "successors")
    assert users(pool) == {"a", "u2"}
    assert ProfileStore(tmp_path).names() == ["acct-a", "anon-u2"]
    await pool.close()


async def test_an_operator_spec_keeps_its_profile(tmp_path: Path) -> None:
    pool = make(tmp_path, SigningLauncher())
    spec = InstanceSpec(profile="acct-x", account=True)
    assert pool.keeper is not None
    assert pool.keeper.next_spec(spec, [], pool.with_proxy) is spec
