// The GUI's views in one table: route, nav label / page title, module, nav badge.
// The nav links and the view sections are built from it.

import { h } from './dom.js';
import * as overview from './views/overview.js';
import * as instances from './views/instances.js';
import * as requests from './views/requests.js';
import * as logs from './views/logs.js';
import * as alerts from './views/alerts.js';
import * as settings from './views/settings.js';

export const VIEWS = [
  { name: 'overview', title: 'Overview', module: overview },
  { name: 'instances', title: 'Instances', module: instances, badge: 'badge' },
  { name: 'requests', title: 'Requests', module: requests },
  { name: 'logs', title: 'Logs', module: logs },
  { name: 'alerts', title: 'Alerts', module: alerts, badge: 'badge badge-alert' },
  { name: 'settings', title: 'Settings', module: settings },
];

export const byName = Object.fromEntries(VIEWS.map((v) => [v.name, v]));

/** Put one nav link per view before `navFoot`, and one section per view into `main`. */
export function buildShell(navFoot, main) {
  for (const v of VIEWS) {
    const badge = v.badge ? h('span', { class: v.badge, 'data-badge': v.name, hidden: true }) : null;
    navFoot.before(h('a', { href: `#${v.name}`, 'data-view': v.name }, v.title, badge ? ' ' : null, badge));
    main.append(h('section', { id: `view-${v.name}`, class: 'view', 'data-view': v.name, hidden: true }));
  }
}
