"""The coordinator owns everything with a lifetime: browsers, pool, monitors, history."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from pathlib import Path
from typing import Any

from ..browser.driver import BrowserDriver
from ..config import BridgeConfig
from ..errors import BadRequest, Conflict, NotFound, ShuttingDown
from ..identity.book import PaceBook
from ..identity.pace_store import PaceStore
from ..identity.pause import PauseSwitch
from ..identity.profiles import ProfileStore, check_name
from ..observability.hub import ObservabilityHub
from ..observability.log_entry import PRIVATE
from ..openai_api.attachments import image_policy
from ..openai_api.convert import to_chat_turns
from ..openai_api.schema import ChatCompletionRequest
from ..pool.health_monitor import HealthMonitor
from ..pool.identity_keeper import IdentityKeeper
from ..pool.instance import Instance
from ..pool.instance_state import State
from ..pool.launcher import InstanceLauncher
from ..pool.pool import Pool
from ..scaling.autoscaler import Autoscaler
from ..service.affinity import AffinityMap
from ..service.chat_job import ChatJob
from ..service.model_catalog import ModelCatalog
from ..service.response_store import ResponseStore
from ..service.runner import CompletionRunner
from ..util.event_bus import EventBus
from ..util.log_context import tag_task
from ..util.recurring import RecurringTask
from ..util.redact import SecretSet
from .accounts import Accounts
from .console_log import ConsoleLog, config_secrets
from .instance_request import add_request
from .pause_control import PauseControl
from .runtime_settings import SettingsManager
from .views import CoordinatorViews

log = logging.getLogger(__name__)


def data_dir(config: BridgeConfig) -> Path:
    """The storage folder, relative to the config file's folder."""
    source = config.source_file()
    base = source.parent if source is not None else Path()
    return (base / config.storage.path).resolve()


class Coordinator(CoordinatorViews):
    """Async context manager: starts the pool and its helpers, shuts them down in order."""

    def __init__(
        self,
        config: BridgeConfig,
        *,
        headless: bool | None = None,
        seed: int | None = None,
        secrets: SecretSet | None = None,
    ) -> None:
        self.config = config
        self.started_at = time.time()
        self.bus = EventBus()
        self.logs_ring = ConsoleLog(config, self.bus, secrets or config_secrets(config))
        self.driver = BrowserDriver(config.browser, headless=headless)
        self.catalog = ModelCatalog(
            data_dir(config) / config.arena.models_cache_file,
            list_stealth=config.arena.list_stealth_models,
        )
        self.launcher = InstanceLauncher(config, self.driver, self.catalog.update_from_html)
        self.pace_store = PaceStore(data_dir(config))
        self.paces = PaceBook(config.pacing, self.pace_store)
        profiles = ProfileStore(data_dir(config) / config.storage.profiles_dir)
        self.keeper = IdentityKeeper(profiles, config.arena.url, config.browser.proxies)
        for password in self.keeper.proxy_passwords():  # saved identities' own proxies
            self.logs_ring.secrets.add(password)
        self.pool = Pool(
            config, self.launcher, self.bus, seed=seed, paces=self.paces, keeper=self.keeper
        )
        self.accounts = Accounts(config, self.pool, self.launcher)
        self.pause = PauseControl(PauseSwitch(self.pace_store), self.pool.dispatcher, self.bus)
        affinity = config.balancer.affinity
        self.runner = CompletionRunner(
            self.pool,
            max_retries=config.balancer.max_retries,
            affinity=AffinityMap(affinity.max_entries, affinity.ttl_s)
            if affinity.enabled
            else None,
            affinity_wait_s=affinity.max_wait_s,
        )
        self.obs = ObservabilityHub(config, data_dir(config), self.bus, self.pool)
        self.obs.paused_s = self.pause.remaining_s
        self.health = HealthMonitor(config, self.pool, self.launcher)
        self.autoscaler = Autoscaler(config, self.pool, self.driver, self.bus)
        self.settings = SettingsManager(config, self.pool, self.autoscaler)
        self.responses = ResponseStore(
            data_dir(config) / config.openai.responses_store_file
            if config.storage.enabled
            else None,
            config.openai.responses_ttl_s,
        )
        self.accepting = True
        self._tasks = [
            RecurringTask("health", self.health.step, config.health.interval_s),
            RecurringTask("autoscale", self.autoscaler.step, config.autoscale.interval_s),
            RecurringTask("summary", self._publish_summary, 1.0),
            RecurringTask("alerts", self.obs.evaluate_alerts, config.alerts.evaluate_interval_s),
            RecurringTask("models", self._refresh_models, config.arena.model_refresh_interval_s),
            RecurringTask("log-summary", self._log_summary, 60.0),
            RecurringTask("config-watch", self.settings.reload_if_changed, 1.0),
        ]
        self._stack: contextlib.AsyncExitStack | None = None

    async def __aenter__(self) -> Coordinator:
        # Teardown runs in reverse: tasks stop, instances close, history flushes, browsers go.
        stack = self._stack = contextlib.AsyncExitStack()
        try:
            await stack.enter_async_context(self.logs_ring)
            await stack.enter_async_context(self.driver)
            self.driver.on_host_lost(lambda host: self.health.on_host_lost(host))
            await stack.enter_async_context(self.obs)
            stack.callback(self.responses.close)
            stack.enter_context(self.pace_store)
            stack.push_async_callback(self.pool.close)
            # Saved accounts always come back (within max_instances); anonymous ones fill up.
            accounts = min(self.keeper.accounts(), self.config.pool.max_instances)
            self.pool.target = max(self.pool.target, accounts)
            self.pool.ensure_size()
            for task in self._tasks:
                task.start()
                stack.push_async_callback(task.stop)
        except BaseException:
            self._stack = None
            await stack.aclose()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.shutdown()

    async def shutdown(self, grace_s: float | None = None) -> None:
        """Stop accepting, drain in-flight work up to the grace period, then close all."""
        if not self.accepting and self._stack is None:
            return
        self.accepting = False
        grace = self.config.shutdown.grace_s if grace_s is None else grace_s
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while self.in_flight() and loop.time() < deadline:
            await asyncio.sleep(0.05)
        if self.in_flight():
            log.warning(
                "shutdown: %d requests still running after %gs; cancelling", self.in_flight(), grace
            )
        stack, self._stack = self._stack, None
        if stack is not None:
            await stack.aclose()

    def in_flight(self) -> int:
        return sum(i.in_flight for i in self.pool.instances.values())

    async def wait_ready(self, count: int = 1, timeout_s: float = 60) -> None:
        """Wait until `count` instances are usable (start-up progress, tests)."""
        async with asyncio.timeout(timeout_s):
            while self.pool.usable_count() < count:
                await asyncio.sleep(0.05)

    # --- requests --------------------------------------------------------
    async def submit(self, request: ChatCompletionRequest) -> ChatJob:
        """Accept a validated request: resolve its model, convert it, start its events."""
        if not self.accepting:
            raise ShuttingDown("The bridge is shutting down.", retry_after_s=5)
        arena = self.config.arena
        wait_s = arena.page_load_timeout_s
        model, matchup = await self.catalog.resolve_request(request.model, wait_s)
        turns = to_chat_turns(request, model, image_policy(arena))
        job = ChatJob(request, model, turns, on_finish=self.obs.record_request, matchup=matchup)
        tag_task(request_id=job.id)  # this request's log lines name it in the console
        if self.config.logging.log_prompts:  # off by default: prompts are private
            text = turns[-1].text[:2000]  # private: stderr only, never the console or the feed
            log.info("%s prompt for %s: %r", job.id, request.model, text, extra=PRIVATE)
        job.attach(self.runner.run(job))
        return job

    async def _publish_summary(self) -> None:
        self.obs.update_gauges()
        if self.bus.has_subscribers():
            self.bus.publish("summary", {**self.status(), "instances": self.instances()})

    async def _refresh_models(self) -> None:
        """Re-read the model list from the site through an idle instance's page."""
        idle = [i for i in self.pool.instances.values() if i.usable and i.in_flight == 0]
        if not idle or idle[0].page is None:
            return
        status, html = await idle[0].page.fetch_text("/", self.config.arena.page_load_timeout_s)
        if status == 200:
            self.catalog.update_from_html(html)

    async def _log_summary(self) -> None:
        s = self.status()
        log.info(
            "pool %s, queue %d, %.2f req/s, error rate %.1f%%, strategy %s",
            s["pool"]["by_state"],
            s["queue"]["depth"],
            s["rates"]["requests_per_s"],
            100 * s["rates"]["error_rate"],
            s["strategy"],
        )

    # --- actions -----------------------------------------------------------
    async def add_instance(self, body: Any = None) -> dict[str, Any]:
        """Start one more instance, made as the operator's settings say (all optional); with
        a login (storage state or cookie) it is an account, checked before it is stored."""
        req = add_request(body, self.config.arena.url)
        refused = self.autoscaler.growth_refused()
        if refused is not None:
            raise Conflict(f"Cannot add an instance: {refused}.", code="pool_limit")
        for secret in req.spec.secrets():
            self.logs_ring.secrets.add(secret)  # masked in every log line from now on
        if req.login is not None:
            return (await self.accounts.add(req)).describe()
        self.pool.target += 1
        return self.pool.add(req.spec).describe()

    async def save_session(self, instance_id: str, body: Any = None) -> dict[str, Any]:
        """Keep the login in this instance (a person logged in) as a saved account."""
        name = body.get("name") if isinstance(body, dict) else None
        if name is not None and not isinstance(name, str):
            raise BadRequest("name must be a string.", param="name")
        return await self.accounts.save_session(
            self._get(instance_id, changing=True), check_name(name) if name else None
        )

    async def check_instance(self, instance_id: str) -> dict[str, Any]:
        """Run the health probe of one instance now; its verdict and the instance after it."""
        return await self.health.check_now(self._get(instance_id))

    def remove_instance(self, instance_id: str) -> dict[str, Any]:
        inst = self._get(instance_id, changing=True)
        # Below the floor the removed instance is replaced: removing then means "renew".
        floor = self.settings.current.min_instances
        self.pool.target = max(floor, self.pool.target - 1)
        self.pool.retire(inst, "removed by operator")
        self.keeper.forget(inst)  # let go: it does not come back at the next start
        self.pool.ensure_size()
        self.pool.dispatcher.fail_waiters_if_hopeless()
        return inst.describe()

    def recycle_instance(self, instance_id: str) -> dict[str, Any]:
        inst = self._get(instance_id, changing=True)
        return self.pool.recycle(inst, "session recycled by operator").describe()

    async def open_visible(self, instance_id: str) -> dict[str, Any]:
        inst = self._get(instance_id)
        return await self.health.open_visible(inst)

    def _get(self, instance_id: str, *, changing: bool = False) -> Instance:
        inst = self.pool.get(instance_id)
        if inst is None or inst.base_state is State.CLOSED:
            raise NotFound(f"No instance '{instance_id}'", param="id", code="instance_not_found")
        if changing and inst.base_state is State.DRAINING:
            raise Conflict(
                f"Instance '{instance_id}' is already draining; it closes when its "
                "running requests end.",
                param="id",
                code="instance_draining",
            )
        return inst
