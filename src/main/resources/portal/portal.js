// The smooth deploy portal: plain JavaScript of our own, no framework, nothing from another origin. Every read
// and every action goes to this function app's own API (/api/...) with the browser's own sign-in; the page keeps
// no state of its own beyond what it last read. Text from the API is only ever set as textContent, never as HTML.
'use strict';

(function () {
  const API = '/api';
  const POLL_MS = 2000;
  /** The actions the page knows how to ask for, in the order their buttons appear. */
  const KNOWN_ACTIONS = ['complete', 'reset', 'cancel', 'rollback'];
  /** Shown even when the status does not offer them, disabled with the reason. */
  const ALWAYS_SHOWN = ['complete', 'reset'];
  const ACTION_TEXT = {
    complete: {label: 'Complete (go live)', help: 'Swaps the staging slot into production: the new release goes live.'},
    reset: {label: 'Reset (roll back)', help: 'Puts the old code back in production and drops the temporary database.'},
    cancel: {label: 'Cancel', help: 'Stops the running deployment and undoes what it did so far.'},
    rollback: {label: 'Roll back', help: 'Within the rollback window after going live: puts the old release back.'}
  };
  const STATUS_KIND = {
    Succeeded: 'ok', Reset: 'neutral', Cancelled: 'neutral', Failed: 'bad',
    AwaitingVerification: 'wait', AwaitingResetVerification: 'wait',
    InProgress: 'run', Completing: 'run', Resetting: 'run', Cancelling: 'run'
  };
  const TERMINAL = new Set(['Succeeded', 'Reset', 'Cancelled', 'Failed']);

  let me = null;
  let timer = null;
  let generation = 0;

  // ------------------------------------------------------------------ small helpers

  /** An element with attributes (on* as listeners) and children (strings become text). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key.startsWith('on')) el.addEventListener(key.substring(2), value);
      else if (key === 'class') el.className = value;
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function statusBadge(status) {
    return h('span', {class: 'status status-' + (STATUS_KIND[status] || 'neutral'), 'data-status': status}, status);
  }

  function when(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z').replace(/Z$/, ' UTC');
  }

  function facts(pairs) {
    const dl = h('dl', {class: 'facts'});
    for (const [term, value] of pairs) {
      if (value === null || value === undefined || value === '') continue;
      dl.append(h('dt', {}, term), h('dd', {}, value));
    }
    return dl;
  }

  function table(caption, headers, rows) {
    return h('div', {class: 'scroll'}, h('table', {},
      caption ? h('caption', {class: 'muted'}, caption) : null,
      h('thead', {}, h('tr', {}, headers.map(x => h('th', {scope: 'col'}, x)))),
      h('tbody', {}, rows.map(r => h('tr', {}, r.map(c => h('td', {}, c)))))));
  }

  /** Reads the API; resolves {ok, status, body} with the parsed JSON (a problem when refused). */
  async function api(method, path, body) {
    const init = {method, headers: {'Accept': 'application/json'}, credentials: 'same-origin'};
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(API + path, init);
    } catch (e) {
      return {ok: false, status: 0, body: {title: 'The API could not be reached',
        detail: 'The request to ' + API + path + ' did not get an answer (' + e.message + '); check that the host runs, then reload.'}};
    }
    let parsed = null;
    const text = await response.text();
    try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = {title: 'Not JSON', detail: text.substring(0, 500)}; }
    return {ok: response.ok, status: response.status, body: parsed};
  }

  /** A refused request's RFC 9457 problem, as the API sent it. */
  function problemBox(answer, what) {
    const p = answer.body || {};
    return h('div', {class: 'problem', role: 'alert', 'data-problem-type': p.type || ''},
      h('p', {}, h('strong', {}, (what ? what + ': ' : '') + (p.title || 'Refused') + ' (HTTP ' + answer.status + ')')),
      p.detail ? h('p', {class: 'detail'}, p.detail) : null,
      p.type ? h('p', {class: 'muted'}, 'Problem type ', h('code', {}, p.type)) : null,
      Array.isArray(p.errors) && p.errors.length ? h('ul', {}, p.errors.map(e => h('li', {}, (e.field ? e.field + ': ' : '') + (e.detail || '')))) : null);
  }

  function crumbs(items) {
    const nav = document.getElementById('crumbs');
    nav.replaceChildren(h('ol', {}, items.map(([text, href], i) =>
      h('li', {}, href && i < items.length - 1 ? h('a', {href}, text) : h('span', {'aria-current': 'page'}, text)))));
  }

  function show(title, ...content) {
    const main = document.getElementById('main');
    main.replaceChildren(h('h1', {}, title), ...content);
    document.title = title + ' · Smooth deploy';
  }

  function schedule(fn, ms) {
    clearTimeout(timer);
    const mine = generation;
    timer = setTimeout(() => { if (mine === generation) fn(); }, ms || POLL_MS);
  }

  /** Asks before an action, in a modal dialog; resolves true when the person confirms. */
  function confirmAction(title, text, yesLabel) {
    const dialog = document.getElementById('confirm');
    document.getElementById('confirm-title').textContent = title;
    document.getElementById('confirm-text').textContent = text;
    document.getElementById('confirm-yes').textContent = yesLabel;
    return new Promise(resolve => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), {once: true});
      dialog.returnValue = '';
      dialog.showModal();
      document.getElementById('confirm-no').focus();
    });
  }

  // ------------------------------------------------------------------ who is signed in

  async function loadMe() {
    const answer = await api('GET', '/me');
    const el = document.getElementById('me');
    if (answer.ok) {
      me = answer.body;
      el.textContent = 'Signed in as ' + me.name + ' · roles: ' + (me.roles.length ? me.roles.join(', ') : 'none');
    } else {
      me = {name: null, roles: [], operations: {}, refused: answer};
      el.textContent = 'Not signed in: ' + ((answer.body && answer.body.detail) || 'HTTP ' + answer.status);
    }
  }

  /** Whether the signed-in person's roles allow an operation: {allowed, reason}. */
  function roleAllows(operation) {
    const known = me && me.operations && me.operations[operation];
    if (!known) {
      return me && me.name ? {allowed: true} : {allowed: false, reason: 'You are not signed in.'};
    }
    return {allowed: known.allowed, reason: known.reason};
  }

  // ------------------------------------------------------------------ environments

  async function environmentsView() {
    crumbs([['Environments', '#/']]);
    const answer = await api('GET', '/environments');
    if (!answer.ok) {
      show('Environments', problemBox(answer, 'Reading the environments'));
      return schedule(environmentsView, POLL_MS * 3);
    }
    const environments = answer.body.environments;
    const details = await Promise.all(environments.map(e => api('GET', '/environments/' + encodeURIComponent(e.name))));
    const cards = environments.map((env, i) => {
      const detail = details[i].ok ? details[i].body : null;
      const last = env.lastDeployment;
      const webApps = detail ? detail.webApps : [];
      return h('section', {class: 'card env', 'data-environment': env.name, 'aria-labelledby': 'env-' + env.name},
        h('h2', {id: 'env-' + env.name}, h('a', {href: '#/environments/' + encodeURIComponent(env.name)}, env.name)),
        facts([
          ['Last deployment', last ? h('span', {}, statusBadge(last.status), ' ',
            h('a', {href: '#/deployments/' + last.id}, last.id), ' ', h('span', {class: 'muted'}, when(last.createdAt))) : 'none yet'],
          ['Running now', env.currentDeploymentId ? h('a', {href: '#/deployments/' + env.currentDeploymentId}, env.currentDeploymentId) : 'nothing'],
          ['Maintenance', env.inMaintenance ? '⚠ in maintenance: ' + env.webAppsInMaintenance.join(', ') : 'no web app in maintenance']
        ]),
        webApps.length ? table(null, ['Web app', 'Role', 'Maintenance'], webApps.map(w =>
          [w.name, w.role, w.inMaintenance ? '⚠ in maintenance' : 'serving its own code'])) : null,
        h('p', {}, h('a', {href: '#/environments/' + encodeURIComponent(env.name)}, 'Deployment history of ' + env.name)));
    });
    show('Environments', environments.length ? h('div', {class: 'grid'}, cards)
      : h('p', {}, 'No environment is registered yet (PUT /api/environments/{name}).'));
    schedule(environmentsView, POLL_MS * 2);
  }

  // ------------------------------------------------------------------ an environment's history

  async function historyView(name, token) {
    crumbs([['Environments', '#/'], [name, null]]);
    const query = '?limit=20' + (token ? '&continuationToken=' + encodeURIComponent(token) : '');
    const answer = await api('GET', '/environments/' + encodeURIComponent(name) + '/deployments' + query);
    if (!answer.ok) {
      show('Environment ' + name, problemBox(answer, 'Reading the history'));
      return;
    }
    const page = answer.body;
    const rows = page.deployments.map(d => [h('a', {href: '#/deployments/' + d.id}, d.id), statusBadge(d.status), d.mode,
      when(d.createdAt), when(d.updatedAt), d.commitId || '', d.resumedFrom ? h('a', {href: '#/deployments/' + d.resumedFrom}, d.resumedFrom) : '']);
    show('Environment ' + name,
      h('h2', {}, 'Deployments, newest first'),
      rows.length ? table(null, ['Deployment', 'Status', 'Mode', 'Started', 'Last change', 'Commit', 'Resumed from'], rows)
        : h('p', {}, 'No deployment yet.'),
      h('div', {class: 'buttons'},
        token ? h('button', {type: 'button', onclick: () => historyView(name, null)}, 'Newest') : null,
        page.continuationToken ? h('button', {type: 'button', onclick: () => { generation++; historyView(name, page.continuationToken); }}, 'Older deployments') : null));
    if (!token) schedule(() => historyView(name, null), POLL_MS * 2);
  }

  // ------------------------------------------------------------------ a deployment

  const view = {id: null, logLines: 0, lastUpdated: null, message: null};

  async function deploymentView(id) {
    if (view.id !== id) {
      view.id = id; view.logLines = 0; view.lastUpdated = null; view.message = null; view.dataLoss = null;
      view.sites = null;
    }
    const answer = await api('GET', '/deployments/' + encodeURIComponent(id));
    if (!answer.ok) {
      crumbs([['Environments', '#/'], [id, null]]);
      show('Deployment ' + id, problemBox(answer, 'Reading the deployment'));
      return schedule(() => deploymentView(id), POLL_MS * 3);
    }
    const d = answer.body;
    const changed = d.updatedAt !== view.lastUpdated || !document.getElementById('deployment');
    if (view.sites === null) {
      // each web app's site, from the environment's registration: a validation link names its slot's host
      const env = await api('GET', '/environments/' + encodeURIComponent(d.environment));
      view.sites = env.ok ? env.body.webApps.map(w => ({name: w.name, site: w.resourceId.split('/').pop().toLowerCase()})) : [];
    }
    if (changed) {
      const [timeline, log] = await Promise.all([api('GET', '/deployments/' + id + '/timeline'), api('GET', '/deployments/' + id + '/log')]);
      renderDeployment(d, timeline, log);
      view.lastUpdated = d.updatedAt;
    } else if (!TERMINAL.has(d.status)) {
      // a log line can come without a change of the deployment's row: follow the log on its own while it runs
      const log = await api('GET', '/deployments/' + id + '/log');
      const card = document.getElementById('log-card');
      if (log.ok && card && log.body.lines.length !== view.logLines) {
        const old = document.getElementById('log');
        const atBottom = !old || old.scrollTop + old.clientHeight >= old.scrollHeight - 4;
        card.replaceWith(logCard(log));
        const now = document.getElementById('log');
        if (now && atBottom) now.scrollTop = now.scrollHeight;
      }
    }
    schedule(() => deploymentView(id), TERMINAL.has(d.status) ? POLL_MS * 3 : POLL_MS);
  }

  function renderDeployment(d, timeline, log) {
    crumbs([['Environments', '#/'], [d.environment, '#/environments/' + encodeURIComponent(d.environment)], [d.id, null]]);
    // What the person was doing on this same deployment's page survives the refresh: focus, typing, the choice.
    const previous = document.getElementById('deployment');
    const same = previous && previous.dataset.id === d.id;
    const focused = same && document.activeElement && document.activeElement.id;
    const typed = same && document.getElementById('accept-name');
    const typedValue = typed ? typed.value : '';
    const rollbackBox = same && document.getElementById('rollback-database');
    const rollbackChecked = rollbackBox ? rollbackBox.checked : false;
    const logScroll = document.getElementById('log');
    const atBottom = !logScroll || logScroll.scrollTop + logScroll.clientHeight >= logScroll.scrollHeight - 4;

    show('Deployment ' + d.id,
      h('div', {id: 'deployment', 'data-id': d.id, 'data-status': d.status, 'data-updated': d.updatedAt},
        h('div', {class: 'progress'},
          h('span', {}, 'Status '), h('span', {id: 'status'}, statusBadge(d.status)),
          h('progress', {id: 'progress', max: 100, value: d.percentComplete, 'aria-label': 'Progress'}),
          h('span', {id: 'percent'}, d.percentComplete + ' %')),
        h('div', {class: 'grid'},
          h('section', {class: 'card'}, h('h2', {}, 'Deployment'), facts([
            ['Environment', h('a', {href: '#/environments/' + encodeURIComponent(d.environment)}, d.environment)],
            ['Stage', d.stage], ['Mode', d.mode], ['Package', h('code', {}, d.package.uri)],
            ['SHA-256', d.package.sha256 ? h('code', {}, d.package.sha256) : null],
            ['Commit', d.commitId], ['Started', when(d.createdAt)], ['Last change', when(d.updatedAt)],
            ['Resumed from', d.resumedFrom ? h('a', {href: '#/deployments/' + d.resumedFrom}, d.resumedFrom) : null],
            ['Writes to the temporary database', d.temporaryDatabase && d.temporaryDatabase.writesSinceClone !== undefined
              ? h('span', {id: 'write-count'}, d.temporaryDatabase.writesSinceClone === null ? 'not counted yet'
                : d.temporaryDatabase.writesSinceClone + ' (counted ' + when(d.temporaryDatabase.writesCountedAt) + ')') : null]
          ])),
          actionsCard(d)),
        warningsAndErrors(d),
        d.diagnosis ? diagnosisCard(d.diagnosis) : null,
        validationCard(d),
        webAppsCard(d),
        timelineCard(timeline),
        smokeCard(d),
        auditCard(d),
        logCard(log)));

    const newTyped = document.getElementById('accept-name');
    if (newTyped) { newTyped.value = typedValue; newTyped.dispatchEvent(new Event('input')); }
    const newBox = document.getElementById('rollback-database');
    if (newBox) newBox.checked = rollbackChecked;
    if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
    const newLog = document.getElementById('log');
    if (newLog && atBottom) newLog.scrollTop = newLog.scrollHeight;
  }

  function actionsCard(d) {
    const offered = d.allowedActions || [];
    const shown = KNOWN_ACTIONS.filter(a => ALWAYS_SHOWN.includes(a) || offered.includes(a));
    offered.filter(a => !KNOWN_ACTIONS.includes(a)).forEach(a => shown.push(a));
    const card = h('section', {class: 'card', id: 'actions', 'aria-labelledby': 'actions-title'},
      h('h2', {id: 'actions-title'}, 'What you can do'), view.message);
    for (const action of shown) {
      card.append(actionBlock(d, action, offered));
    }
    const writes = d.temporaryDatabase && d.temporaryDatabase.writesSinceClone;
    if (offered.includes('complete') && (view.dataLoss || writes > 0)) {
      card.append(acceptDataLossBlock(d, view.dataLoss ? view.dataLoss.writes : writes));
    }
    return card;
  }

  function actionBlock(d, action, offered) {
    const text = ACTION_TEXT[action] || {label: action.charAt(0).toUpperCase() + action.slice(1), help: 'POST /api/deployments/' + d.id + '/' + action};
    const role = roleAllows(action + 'Deployment');
    let why = null;
    if (!offered.includes(action)) {
      why = text.label.replace(/ \(.*\)$/, '') + ' is not possible while the deployment is ' + d.status + ' (allowed now: '
        + (offered.length ? offered.join(', ') : 'nothing') + ').';
    } else if (!role.allowed) {
      why = role.reason || 'Your roles do not allow this.';
    }
    const whyId = 'why-' + action;
    const block = h('div', {class: 'action', 'data-action': action});
    if (action === 'reset') {
      block.append(h('label', {}, h('input', {type: 'checkbox', id: 'rollback-database', disabled: !!why}),
        'Also roll the database back to the moment the deployment started'));
    }
    block.append(
      h('div', {class: 'buttons'}, h('button', {type: 'button', id: 'action-' + action, class: action === 'complete' ? 'primary' : 'danger',
        disabled: !!why, 'aria-describedby': whyId, onclick: () => runAction(d, action)}, text.label)),
      h('p', {class: 'why', id: whyId}, why || text.help));
    return block;
  }

  function acceptDataLossBlock(d, writes) {
    const role = roleAllows('acceptDataLoss');
    const button = h('button', {type: 'button', id: 'action-accept-data-loss', class: 'danger', disabled: true,
      'aria-describedby': 'why-accept-data-loss', onclick: () => acceptDataLoss(d)}, 'Accept the data loss and complete');
    const why = h('p', {class: 'why', id: 'why-accept-data-loss'});
    const input = h('input', {type: 'text', id: 'accept-name', autocomplete: 'off', spellcheck: 'false', disabled: !role.allowed,
      oninput: () => {
        const matches = input.value === d.environment;
        button.disabled = !role.allowed || !matches;
        why.textContent = !role.allowed ? (role.reason || 'Your roles do not allow this.')
          : matches ? 'Going live loses ' + writesText(writes) + '; you are recorded as who accepted it.'
            : 'Type the environment name, ' + d.environment + ', to enable this.';
      }});
    const block = h('div', {class: 'action', 'data-action': 'acceptDataLoss'},
      h('p', {}, h('strong', {}, writesText(writes) + ' reached the temporary database since the clone.'),
        ' Going live switches to the production database and those writes are lost.'),
      h('label', {for: 'accept-name'}, 'Environment name'), ' ', input,
      h('div', {class: 'buttons'}, button), why);
    input.dispatchEvent(new Event('input'));
    return block;
  }

  function writesText(writes) {
    return writes === null || writes === undefined ? 'Writes that could not be counted' : writes + ' write(s)';
  }

  async function runAction(d, action) {
    let body = {};
    let question;
    if (action === 'reset') {
      const rollback = document.getElementById('rollback-database').checked;
      body = {rollbackDatabase: rollback};
      question = 'Reset deployment ' + d.id + ' of environment ' + d.environment + ': production goes back to the old code'
        + (rollback ? ', and the database is rolled back to the moment the deployment started (writes made since are lost).'
          : '; the database is kept as it is.');
    } else if (action === 'complete') {
      question = 'Complete deployment ' + d.id + ': the new release goes live on environment ' + d.environment + '.';
    } else {
      question = (ACTION_TEXT[action] ? ACTION_TEXT[action].label : action) + ' deployment ' + d.id + ' of environment ' + d.environment + '.';
    }
    const label = (ACTION_TEXT[action] ? ACTION_TEXT[action].label.replace(/ \(.*\)$/, '') : action) + ' ' + d.environment;
    if (!await confirmAction('Confirm on environment ' + d.environment, question, label)) return;
    await send(d, action, body);
  }

  async function acceptDataLoss(d) {
    if (!await confirmAction('Accept data loss on environment ' + d.environment,
      'Complete deployment ' + d.id + ' of environment ' + d.environment + ', losing the writes made to the temporary database.',
      'Accept and complete ' + d.environment)) return;
    await send(d, 'complete', {acceptDataLoss: true});
  }

  async function send(d, action, body) {
    const answer = await api('POST', '/deployments/' + encodeURIComponent(d.id) + '/' + action, body);
    if (answer.ok) {
      view.dataLoss = null;
      const name = ACTION_TEXT[action] ? ACTION_TEXT[action].label.replace(/ \(.*\)$/, '') : action;
      view.message = h('div', {class: 'done', role: 'status', id: 'action-result'}, name + ' accepted: the deployment is now ' + answer.body.status + '.');
    } else {
      const p = answer.body || {};
      if (p.type === 'urn:smoothdeploy:problem:data-loss') {
        view.dataLoss = {writes: p.writesToTemporaryDatabase};
      }
      view.message = h('div', {id: 'action-result'}, problemBox(answer, action + ' was refused'));
    }
    view.lastUpdated = null;
    generation++;
    await deploymentView(d.id);
    const result = document.getElementById('action-result');
    if (result) result.setAttribute('tabindex', '-1');
  }

  function warningsAndErrors(d) {
    if (!d.warnings.length && !d.errors.length) return null;
    return h('section', {class: 'card', id: 'problems'}, h('h2', {}, 'Warnings and errors'),
      d.warnings.map(w => h('p', {class: 'warning'}, w)),
      d.errors.length ? table(null, ['When', 'Step', 'Web app', 'Kind', 'Message'],
        d.errors.map(e => [when(e.at), e.stage, e.webApp || '', e.kind, e.message])) : null);
  }

  function diagnosisCard(diagnosis) {
    return h('section', {class: 'card', id: 'diagnosis', 'aria-labelledby': 'diagnosis-title'},
      h('h2', {id: 'diagnosis-title'}, 'Why it failed'),
      facts([['Cause', h('code', {id: 'diagnosis-cause'}, diagnosis.cause)], ['Summary', diagnosis.summary],
        ['Web apps', (diagnosis.affectedWebApps || []).join(', ')], ['Fix', h('span', {id: 'diagnosis-fix'}, diagnosis.fix)],
        ['Advice', h('code', {}, diagnosis.advice)]]),
      h('h3', {}, 'Evidence'), h('ul', {}, (diagnosis.evidence || []).map(e => h('li', {class: 'mono'}, e))));
  }

  function validationCard(d) {
    if (!d.validationLinks.length) return null;
    return h('section', {class: 'card', id: 'validation'}, h('h2', {}, 'Check the staging slots'),
      h('p', {class: 'muted'}, 'Each web app\'s staging slot, running the new release; open them before you complete.'),
      h('ul', {}, d.validationLinks.map(link => {
        let host = '';
        try { host = new URL(link).hostname.toLowerCase(); } catch (e) { host = ''; }
        // App Service names a slot's host <site>-<slot>.azurewebsites.net
        // (the longest site that fits, so cms-prod-staging is cms-prod's, not cms's)
        const webApp = (view.sites || []).filter(w => host === w.site || host.startsWith(w.site + '-'))
          .sort((a, b) => b.site.length - a.site.length)[0];
        return h('li', {}, webApp ? webApp.name + ': ' : '', h('a', {href: link, target: '_blank', rel: 'noopener noreferrer'}, link));
      })));
  }

  function webAppsCard(d) {
    return h('section', {class: 'card', id: 'webapps'}, h('h2', {}, 'Web apps'),
      table(null, ['Web app', 'Role', 'Phase', 'Maintenance', 'Working on', 'Step timings'], d.webApps.map(w => [
        w.name, w.role, w.phase, w.inMaintenance ? '⚠ in maintenance' : 'no', w.workingOn || '',
        h('ul', {}, Object.entries(w.timings || {}).map(([stage, t]) => h('li', {}, stage + ': ' + t.seconds + ' s'
          + (t.runs > 1 ? ' (' + t.runs + ' runs)' : ''))))])));
  }

  function timelineCard(answer) {
    const card = h('section', {class: 'card', id: 'timeline'}, h('h2', {}, 'Timeline'));
    if (!answer.ok) { card.append(problemBox(answer, 'Reading the timeline')); return card; }
    const steps = answer.body.steps;
    if (!steps.length) { card.append(h('p', {}, 'No step has started yet.')); return card; }
    const now = Date.now();
    const start = Math.min(...steps.map(s => Date.parse(s.startedAt)));
    const end = Math.max(...steps.map(s => s.endedAt ? Date.parse(s.endedAt) : Math.max(now, Date.parse(s.startedAt))));
    const span = Math.max(end - start, 1000);
    const chart = h('div', {class: 'chart', role: 'img', 'aria-label': 'Timeline: a bar per web app per step; the table below has the same times'});
    for (const s of steps) {
      const from = Date.parse(s.startedAt);
      const to = s.endedAt ? Date.parse(s.endedAt) : Math.max(now, from);
      const bar = h('div', {class: 'bar' + (s.outcome === 'Failed' ? ' failed' : s.endedAt ? '' : ' running'),
        title: (s.webApp || 'deployment') + ' · ' + s.stage + ' · ' + s.outcome});
      bar.style.left = ((from - start) / span * 100).toFixed(2) + '%';
      bar.style.width = Math.max((to - from) / span * 100, 0.4).toFixed(2) + '%';
      chart.append(h('div', {class: 'row'}, h('span', {class: 'label'}, (s.webApp || 'deployment') + ' · ' + s.stage), h('div', {class: 'track'}, bar)));
    }
    chart.append(h('div', {class: 'axis'}, h('span', {}, when(new Date(start).toISOString())), h('span', {}, Math.round(span / 1000) + ' s')));
    card.append(chart, h('details', {}, h('summary', {}, 'The timeline as a table'),
      table(null, ['Web app', 'Step', 'Started', 'Seconds', 'Runs', 'Outcome'], steps.map(s => [s.webApp || '', s.stage,
        when(s.startedAt), s.seconds === null ? 'running' : s.seconds, s.attempts, s.outcome + (s.error ? ': ' + s.error : '')]))));
    return card;
  }

  function smokeCard(d) {
    if (!d.smokeChecks || !d.smokeChecks.length) return null;
    return h('section', {class: 'card', id: 'smoke'}, h('h2', {}, 'Smoke checks'),
      table(null, ['Web app', 'Path', 'Expected', 'Answered', 'Result', 'Detail'], d.smokeChecks.map(c => [c.webApp, c.path,
        c.expectedStatus + (c.bodyContains ? ' containing "' + c.bodyContains + '"' : ''), c.status === undefined ? '' : String(c.status),
        c.passed ? '✔ passed' : '✖ failed', (c.detail || '') + (c.milliseconds !== undefined ? ' (' + c.milliseconds + ' ms)' : '')])));
  }

  function auditCard(d) {
    if (!d.audit || !d.audit.length) return null;
    return h('section', {class: 'card', id: 'audit'}, h('h2', {}, 'Who did what'),
      table(null, ['When', 'Action', 'By', 'Role', 'From'], d.audit.map(a => [when(a.at), a.action, a.by.name, a.by.role || '', a.by.source || ''])));
  }

  function logCard(answer) {
    const card = h('section', {class: 'card', id: 'log-card'}, h('h2', {}, 'Log'));
    if (!answer.ok) { card.append(problemBox(answer, 'Reading the log')); return card; }
    const lines = answer.body.lines;
    view.logLines = lines.length;
    card.append(h('p', {class: 'muted'}, lines.length + ' line(s); new lines appear while the deployment runs.'),
      h('ol', {class: 'log', id: 'log', tabindex: '0', 'aria-label': 'Deployment log'}, lines.map(l =>
        h('li', {class: 'lvl-' + l.level}, when(l.at) + '  ' + l.level.padEnd(7) + (l.webApp ? '[' + l.webApp + '] ' : '') + l.message))));
    return card;
  }

  // ------------------------------------------------------------------ routing

  async function route() {
    generation++;
    clearTimeout(timer);
    const path = location.hash.replace(/^#/, '') || '/';
    let m;
    if ((m = path.match(/^\/deployments\/([a-z0-9-]{1,64})$/))) return deploymentView(m[1]);
    if ((m = path.match(/^\/environments\/([a-z0-9-]{1,40})$/))) return historyView(m[1], null);
    return environmentsView();
  }

  window.addEventListener('hashchange', () => { route(); document.getElementById('main').focus(); });
  window.addEventListener('DOMContentLoaded', async () => { await loadMe(); await route(); });
})();
