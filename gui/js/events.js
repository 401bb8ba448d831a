// Live feed: EventSource on /api/events with reconnect, a watchdog, and connection-state callbacks.
// EventSource retries by itself after network errors, but gives up (CLOSED) on HTTP errors
// such as 401/5xx; then we reconnect ourselves with backoff. A watchdog reconnects when the
// stream goes silent (summary is sent every second).

const EVENT_NAMES = ['summary', 'instance', 'alert', 'scale', 'log'];
const SILENCE_MS = 8000;

export class LiveFeed {
  /**
   * @param {object} opts
   * @param {(name: string, data: any) => void} opts.onEvent
   * @param {(state: 'connecting'|'online'|'offline') => void} opts.onState
   * @param {() => Promise<boolean>} [opts.checkAuth] resolves false when we are logged out
   */
  constructor({ url = 'api/events', onEvent, onState, checkAuth }) {
    this.url = url;
    this.onEvent = onEvent;
    this.onState = onState;
    this.checkAuth = checkAuth;
    this.es = null;
    this.state = null;
    this.retryMs = 1000;
    this.retryTimer = null;
    this.watchdog = null;
    this.lastMessage = 0;
    this.stopped = true;
    // The browser knows at once when the network goes away (an open stream may hang silently
    // until the watchdog fires): show offline now, reconnect as soon as it is back.
    window.addEventListener('offline', () => {
      if (this.stopped) return;
      this.setState('offline');
      this.scheduleReconnect();
    });
    window.addEventListener('online', () => {
      if (this.stopped) return;
      this.retryMs = 1000;
      this.connect();
    });
  }

  start() {
    this.stopped = false;
    this.connect();
    clearInterval(this.watchdog);
    this.watchdog = setInterval(() => this.checkSilence(), 2000);
  }

  stop() {
    this.stopped = true;
    clearInterval(this.watchdog);
    clearTimeout(this.retryTimer);
    if (this.es) this.es.close();
    this.es = null;
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.onState(state);
  }

  connect() {
    if (this.stopped) return;
    if (this.es) this.es.close();
    clearTimeout(this.retryTimer);
    if (this.state !== 'offline') this.setState('connecting');
    const es = new EventSource(this.url, { withCredentials: true });
    this.es = es;
    this.lastMessage = Date.now();
    es.onopen = () => {
      this.retryMs = 1000;
      this.lastMessage = Date.now();
      this.setState('online');
    };
    es.onerror = () => {
      if (es !== this.es) return;
      this.setState('offline');
      if (es.readyState === EventSource.CLOSED) this.scheduleReconnect();
      // readyState CONNECTING: the browser retries by itself; the watchdog covers stalls.
    };
    for (const name of EVENT_NAMES) {
      es.addEventListener(name, (ev) => {
        if (es !== this.es) return;
        this.lastMessage = Date.now();
        if (this.state !== 'online') { this.retryMs = 1000; this.setState('online'); }
        let data;
        try { data = JSON.parse(ev.data); } catch { return; }
        this.onEvent(name, data);
      });
    }
  }

  async scheduleReconnect() {
    if (this.stopped) return;
    if (this.es) { this.es.close(); this.es = null; }
    if (this.checkAuth) {
      try {
        if (!(await this.checkAuth())) return; // logged out: the app shows the login form
      } catch { /* bridge unreachable: keep retrying */ }
    }
    if (this.stopped || this.es) return; // stopped, or reconnected meanwhile (back online)
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 15000);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), wait);
  }

  checkSilence() {
    if (this.stopped || !this.es) return;
    if (Date.now() - this.lastMessage > SILENCE_MS) {
      this.lastMessage = Date.now();
      this.setState('offline');
      this.scheduleReconnect();
    }
  }
}
