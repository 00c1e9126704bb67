// The chat page. Talks only to the local client that served it, with the token from the
// link. Every piece of text from the network is put in with textContent, never as HTML.
'use strict';

const $ = (id) => document.getElementById(id);
const state = { token: null, user: null, channels: [], current: null, lastDay: null, stream: null };

function readToken() {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromLink) {
    sessionStorage.setItem('chat-token', fromLink);
    history.replaceState(null, '', location.pathname); // the token leaves the address bar
  }
  return fromLink || sessionStorage.getItem('chat-token');
}

async function api(method, path, body) {
  const headers = { 'X-Chat-Token': state.token };
  const init = { method, headers, cache: 'no-store', credentials: 'omit' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    throw new Error(data.message || (res.status + ' ' + res.statusText));
  }
  return data;
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

// A stable colour per name: the same name always gets the same one of twelve classes.
function colour(name) {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return 'c' + (h % 12);
}

function setConnection(text, online) {
  const c = $('connection');
  c.textContent = text;
  c.classList.toggle('offline', !online);
}

function showNotice(text) {
  const n = $('notice');
  n.textContent = text;
  n.hidden = !text;
}

function showError(text) {
  $('command-error').textContent = text || '';
}

// ---------------------------------------------------------------- login

async function start() {
  state.token = readToken();
  if (!state.token) {
    $('no-token').hidden = false;
    setConnection('no token', false);
    return;
  }
  let session;
  try {
    session = await api('GET', '/api/session');
  } catch (e) {
    $('no-token').hidden = false;
    $('no-token').textContent = 'The local client refused this page: ' + e.message;
    setConnection('refused', false);
    return;
  }
  state.user = session.user;
  $('user').textContent = session.user;
  $('login-user').textContent = session.user;
  if (session.loggedIn) {
    await enter(session);
  } else {
    setConnection('not logged in', false);
    $('login').hidden = false;
    $('password').focus();
  }
}

async function login(event) {
  event.preventDefault();
  const field = $('password');
  const button = $('login-button');
  $('login-error').textContent = '';
  button.disabled = true;
  setConnection('logging in…', false);
  try {
    const session = await api('POST', '/api/login', { password: field.value });
    field.value = '';
    $('login').hidden = true;
    await enter(session);
  } catch (e) {
    field.value = '';
    $('login-error').textContent = e.message;
    setConnection('not logged in', false);
    field.focus();
  } finally {
    button.disabled = false;
  }
}

async function enter(session) {
  $('app').hidden = false;
  setConnection(session.connected ? 'connected' : 'offline: reconnecting', session.connected);
  listen();
  for (const a of await api('GET', '/api/alarms')) addAlarm(a);
  await refreshChannels();
  if (!state.current && state.channels.length > 0) await select(state.channels[0].name);
  else render();
  $('message').focus();
}

// ---------------------------------------------------------------- live events

// Server-Sent Events read with fetch, so that the token travels in a header (EventSource
// cannot send one) and never in a URL.
async function listen() {
  if (state.stream) return;
  state.stream = true;
  try {
    const res = await fetch('/api/events', { headers: { 'X-Chat-Token': state.token }, cache: 'no-store', credentials: 'omit' });
    if (!res.ok) throw new Error('events: ' + res.status);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    await refreshChannels(); // what happened before the stream opened
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        if (data) await onEvent(JSON.parse(data));
      }
    }
  } catch (e) {
    // the local client went away or cut a slow page off: try again below
  }
  state.stream = null;
  setConnection('lost the local client; retrying…', false);
  setTimeout(async () => {
    try {
      const session = await api('GET', '/api/session');
      setConnection(session.connected ? 'connected' : 'offline: reconnecting', session.connected);
      listen();
      await refreshChannels();
      if (state.current) await loadHistory();
    } catch (e) {
      setConnection('the local client has stopped', false);
    }
  }, 2000);
}

async function onEvent(e) {
  switch (e.type) {
    case 'message':
    case 'member':
    case 'rotated':
    case 'expired':
      if (e.channel === state.current) {
        appendEntry(e);
        if (e.type === 'message') api('POST', '/api/read', { channel: state.current }).catch(() => {});
      }
      await refreshChannels();
      if (e.type === 'member' && !state.current) await select(e.channel);
      break;
    case 'alarm':
      addAlarm(e.alarm);
      break;
    case 'disconnected':
      setConnection('offline: reconnecting in ' + Math.ceil(e.retryInMs / 1000) + ' s (' + e.reason + ')', false);
      break;
    case 'reconnected':
      setConnection('connected', true);
      break;
    case 'ready':
      setConnection('connected', true);
      break;
    case 'connectionFailed':
      setConnection('stopped connecting: ' + e.reason, false);
      break;
    case 'notice':
      showNotice(e.message);
      break;
    case 'directory':
      if (e.revoked.length > 0) showNotice('Revoked by the admin: ' + e.revoked.join(', '));
      break;
  }
}

// An alarm raised while the page was loading may come both live and from /api/alarms: shown once.
const shownAlarms = new Set();

function addAlarm(a) {
  const where = a.channel ? ' in #' + a.channel + (a.seq > 0 ? ' at entry ' + a.seq : '')
    : (a.seq > 0 ? ' (directory version ' + a.seq + ')' : '');
  const text = a.kind + where + ': ' + a.message;
  if (shownAlarms.has(text)) return;
  shownAlarms.add(text);
  $('alarm-list').append(el('li', null, text));
  $('alarms').hidden = false;
}

// ---------------------------------------------------------------- channels and history

async function refreshChannels() {
  state.channels = await api('GET', '/api/channels');
  render();
}

function channel() {
  return state.channels.find((c) => c.name === state.current);
}

function render() {
  const list = $('channel-list');
  const focused = document.activeElement && document.activeElement.dataset.channel; // kept across the redraw
  list.replaceChildren();
  for (const c of state.channels) {
    const b = el('button', 'channel' + (c.active ? '' : ' inactive'));
    b.type = 'button';
    b.dataset.channel = c.name;
    b.append(el('span', null, '#' + c.name));
    const unread = c.name === state.current ? 0 : c.unread;
    if (unread > 0) b.append(el('span', 'unread', String(unread)));
    b.setAttribute('aria-label', '#' + c.name + (unread > 0 ? ', ' + unread + ' unread' : '') + (c.active ? '' : ', left'));
    if (c.name === state.current) b.setAttribute('aria-current', 'true');
    b.addEventListener('click', () => select(c.name));
    const li = el('li');
    li.append(b);
    list.append(li);
    if (c.name === focused) b.focus();
  }
  const c = channel();
  $('channel-title').textContent = c ? '#' + c.name : 'No channel yet: create one';
  const active = !!c && c.active;
  $('readonly').hidden = !c || c.active;
  for (const id of ['message', 'invitee']) $(id).disabled = !active;
  for (const b of document.querySelectorAll('#send-form button, #invite-form button')) b.disabled = !active;
  $('leave').disabled = !active;
  const members = $('member-list');
  members.replaceChildren();
  if (!c) return;
  const iAmAdmin = c.admins.includes(state.user);
  for (const m of c.members) {
    const li = el('li');
    li.append(el('span', colour(m), m));
    if (m === state.user) li.append(el('span', 'you', '(you)'));
    if (c.admins.includes(m)) li.append(el('span', 'badge', 'admin'));
    if (active && iAmAdmin && m !== state.user) {
      const r = el('button', null, 'Remove');
      r.type = 'button';
      r.setAttribute('aria-label', 'Remove ' + m + ' from #' + c.name);
      r.addEventListener('click', () => command('/api/remove', { channel: c.name, user: m }));
      li.append(r);
    }
    members.append(li);
  }
}

async function select(name) {
  state.current = name;
  showError('');
  await loadHistory();
  await api('POST', '/api/read', { channel: name }).catch(() => {});
  await refreshChannels();
}

async function loadHistory() {
  const name = state.current;
  const h = await api('GET', '/api/history?channel=' + encodeURIComponent(name) + '&limit=500');
  if (name !== state.current) return;
  $('history').replaceChildren();
  state.lastDay = null;
  for (const e of h.entries) appendEntry(e);
}

function appendEntry(e) {
  const list = $('history');
  const when = new Date(e.timestamp);
  const day = when.toLocaleDateString(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
  if (day !== state.lastDay) {
    const sep = el('li', 'day', day);
    sep.setAttribute('role', 'separator');
    list.append(sep);
    state.lastDay = day;
  }
  const li = el('li');
  li.dataset.seq = String(e.seq);
  const time = el('time', 'time', when.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }));
  time.dateTime = e.timestamp;
  time.title = when.toLocaleString();
  li.append(time);
  if (e.type === 'message') {
    li.className = 'msg' + (e.mine ? ' mine' : '');
    li.append(el('span', 'from ' + colour(e.from), e.from));
    if (e.mine) li.append(el('span', 'you', '(you)'));
    li.append(el('span', 'text', e.text));
  } else {
    li.className = 'system';
    li.append(el('span', 'text', describe(e)));
  }
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.append(li);
  if (atBottom || e.mine) li.scrollIntoView({ block: 'nearest' });
}

function describe(e) {
  if (e.type === 'rotated') return e.by + ' rotated the channel key (epoch ' + e.epoch + ')';
  if (e.type === 'expired') return '\u2014 ' + e.count.toLocaleString('en') + ' older message' + (e.count === 1 ? '' : 's')
      + ' expired on the server \u2014';
  switch (e.change) {
    case 'added': return e.user === e.by ? e.by + ' created the channel' : e.by + ' added ' + e.user;
    case 'left': return e.user + ' left';
    case 'removed': return e.by + ' removed ' + e.user;
    case 'admin': return e.by + ' made ' + e.user + ' an admin';
    default: return e.by + ' changed ' + e.user + ': ' + e.change;
  }
}

// ---------------------------------------------------------------- commands

async function command(path, body) {
  showError('');
  try {
    const done = await api('POST', path, body);
    if (done.queued) showNotice('Queued: it is sent when the connection is back.');
    return true;
  } catch (e) {
    showError(e.message);
    return false;
  }
}

async function send(event) {
  event.preventDefault();
  const box = $('message');
  const text = box.value;
  if (!state.current || text.trim() === '') return;
  box.value = '';
  if (!(await command('/api/send', { channel: state.current, text }))) box.value = text;
  box.focus();
}

async function create(event) {
  event.preventDefault();
  const field = $('new-channel');
  const name = field.value.trim();
  if (await command('/api/create', { channel: name })) {
    field.value = '';
    await select(name);
  }
}

async function invite(event) {
  event.preventDefault();
  const field = $('invitee');
  if (await command('/api/invite', { channel: state.current, user: field.value.trim() })) field.value = '';
  await refreshChannels();
}

async function leave() {
  if (state.current && confirm('Leave #' + state.current + '? It stays here as read-only history.')) {
    await command('/api/leave', { channel: state.current });
    await refreshChannels();
  }
}

async function quit() {
  await api('POST', '/api/quit', {}).catch(() => {});
  setConnection('stopped: you can close this page', false);
  $('app').hidden = true;
  $('login').hidden = true;
}

document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', login);
  $('send-form').addEventListener('submit', send);
  $('create-form').addEventListener('submit', create);
  $('invite-form').addEventListener('submit', invite);
  $('leave').addEventListener('click', leave);
  $('quit').addEventListener('click', quit);
  $('message').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $('send-form').requestSubmit();
    }
  });
  start();
});
