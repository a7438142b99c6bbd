'use strict';
// The tenant page: sign in with an admin API key (kept in sessionStorage, sent as a bearer token), see and
// cancel a pending deletion with a live countdown, export the data, read the last 50 audit events.
// Framework-free; every value from the API is written with textContent, never as markup.
(() => {
  const KEY = 'custodian.apiKey';
  const $ = (id) => document.getElementById(id);
  let countdownTimer;
  let deadline;

  async function api(path, options = {}) {
    const response = await fetch(path, {
      ...options,
      headers: { Authorization: `Bearer ${sessionStorage.getItem(KEY)}`, 'Content-Type': 'application/json', ...(options.headers || {}) },
    });
    const body = response.status === 204 ? null : await response.json().catch(() => null);
    if (response.status === 401) {
      signOut('That key is not valid (or was revoked).');
      throw new Error('unauthorized');
    }
    return { status: response.status, ok: response.ok, body };
  }

  function showSignedIn(signedIn) {
    $('signin').hidden = signedIn;
    $('tenant').hidden = !signedIn;
    $('sign-out').hidden = !signedIn;
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY);
    clearInterval(countdownTimer);
    $('tenant-name').textContent = '';
    $('signin-error').textContent = message || '';
    showSignedIn(false);
  }

  function formatRemaining(ms) {
    const total = Math.max(0, Math.floor(ms / 1000));
    const days = Math.floor(total / 86400);
    const hours = Math.floor((total % 86400) / 3600);
    const minutes = Math.floor((total % 3600) / 60);
    const seconds = total % 60;
    const pad = (n) => String(n).padStart(2, '0');
    return `${days} d ${pad(hours)} h ${pad(minutes)} min ${pad(seconds)} s`;
  }

  function tick() {
    const left = deadline - Date.now();
    $('countdown').textContent = left > 0 ? formatRemaining(left) : 'the grace period is over; deletion is under way';
    $('cancel-deletion').disabled = left <= 0;
  }

  function showDeletion(deletion) {
    clearInterval(countdownTimer);
    const pending = deletion && (deletion.phase === 'pending' || deletion.phase === 'deleting');
    $('deletion-pending').hidden = !pending;
    $('deletion-request').hidden = Boolean(pending);
    if (!pending) return;
    $('scheduled-at').textContent = new Date(deletion.scheduledAt).toLocaleString();
    $('scheduled-at').setAttribute('datetime', deletion.scheduledAt);
    $('requested-by').textContent = `Requested by ${deletion.requestedBy} on ${new Date(deletion.requestedAt).toLocaleString()}.`;
    // The server's remaining time, counted down on this clock (a skewed local clock does not matter).
    deadline = Date.now() + deletion.remainingMs;
    tick();
    countdownTimer = setInterval(tick, 1000);
  }

  async function loadDeletion() {
    const { status, body } = await api('/v1/tenant/deletion');
    showDeletion(status === 200 ? body : null);
  }

  async function loadAudit() {
    const { ok, body } = await api('/v1/audit/events?limit=50');
    const rows = $('audit-events');
    rows.replaceChildren();
    if (!ok) return;
    for (const event of body) {
      const tr = document.createElement('tr');
      const cells = [event.seq, new Date(event.at).toLocaleString(), event.actor, event.action, event.target || '', event.outcome];
      for (const value of cells) {
        const td = document.createElement('td');
        td.textContent = String(value);
        tr.append(td);
      }
      tr.lastChild.className = `outcome-${event.outcome}`;
      rows.append(tr);
    }
  }

  async function load() {
    const { ok, body } = await api('/v1/tenant');
    if (!ok) {
      signOut(body && body.message ? body.message : 'This page needs an admin key of a tenant.');
      return;
    }
    if (body.caller.role !== 'admin') {
      signOut('This page needs an admin key.');
      return;
    }
    $('tenant-name').textContent = `${body.name} (${body.slug}) · ${body.status.replace('_', ' ')}`;
    showSignedIn(true);
    await Promise.all([loadDeletion(), loadAudit()]);
  }

  async function cancelDeletion() {
    $('cancel-deletion').disabled = true;
    $('deletion-status').textContent = 'Cancelling…';
    const { ok, body } = await api('/v1/tenant/deletion', { method: 'DELETE' });
    $('deletion-status').textContent = ok ? 'Deletion cancelled. The tenant is active.' : body.message;
    await load();
  }

  async function requestDeletion(event) {
    event.preventDefault();
    $('deletion-status').textContent = 'Scheduling the deletion…';
    const { ok, body } = await api('/v1/tenant/deletion', {
      method: 'POST',
      body: JSON.stringify({ requesterEmail: $('requester-email').value }),
    });
    $('deletion-status').textContent = ok ? 'The deletion is scheduled; you can cancel it until the time below.' : body.message;
    $('confirm-deletion').checked = false;
    await load();
  }

  async function startExport() {
    $('start-export').disabled = true;
    $('export-link').hidden = true;
    $('export-status').textContent = 'Building the export…';
    let { ok, body } = await api('/v1/tenant/export', { method: 'POST' });
    while (ok && body.status === 'building') {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      ({ ok, body } = await api(`/v1/tenant/export/${body.id}`));
    }
    $('start-export').disabled = false;
    if (!ok || !body.downloadUrl) {
      $('export-status').textContent = (body && body.message) || 'The export could not be built.';
      return;
    }
    $('export-status').textContent = `Ready: ${body.sizeBytes} bytes, SHA-256 ${body.sha256}. The link works once, until ${new Date(body.expiresAt).toLocaleString()}.`;
    $('export-link').href = body.downloadUrl;
    $('export-link').hidden = false;
    await loadAudit();
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('signin-form').addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(KEY, $('api-key').value.trim());
      $('api-key').value = '';
      $('signin-error').textContent = '';
      load().catch(() => undefined);
    });
    $('sign-out').addEventListener('click', () => signOut());
    $('cancel-deletion').addEventListener('click', () => cancelDeletion().catch(() => undefined));
    $('deletion-form').addEventListener('submit', (event) => requestDeletion(event).catch(() => undefined));
    $('start-export').addEventListener('click', () => startExport().catch(() => undefined));
    $('export-link').addEventListener('click', () => setTimeout(() => { $('export-link').hidden = true; }, 0));
    if (sessionStorage.getItem(KEY)) load().catch(() => undefined);
    else showSignedIn(false);
  });
})();
