'use strict';
// The tenant console: people sign in (tenant, email, password, a one-time code when enrolled), enrol an
// authenticator, and see what their role allows: resets awaiting approval, people and invitations, the deletion
// countdown, integrations (connecting them; Jira's sync and its Disconnect & clean up), support access, the data export and the audit trail. The session is the HttpOnly
// cookie; its CSRF token lives in memory and goes with every state-changing request. A control the role may not
// use is removed from the page, not just disabled (the API refuses it anyway). Framework-free; every value
// from the API is written with textContent, never as markup.
(() => {
  const $ = (id) => document.getElementById(id);
  const APPROVERS = ['admin', 'manager'];
  let csrfToken = null;
  let me = null;
  let countdownTimer;
  let deadline;
  let jiraPoll;
  let jiraLinked = 0;

  class SessionEnded extends Error {}

  async function api(path, options = {}) {
    const method = options.method || 'GET';
    const headers = {};
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
    const response = await fetch(path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), credentials: 'same-origin' });
    const body = response.status === 204 ? null : await response.json().catch(() => null);
    if (response.status === 401 && !options.signingIn) {
      showSignIn('Your session has ended. Sign in again.');
      throw new SessionEnded();
    }
    return { status: response.status, ok: response.ok, body };
  }

  const messageOf = (body, fallback) => (body && body.message) || fallback;
  const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');

  function cell(text) {
    const td = document.createElement('td');
    td.textContent = text === null || text === undefined ? '' : String(text);
    return td;
  }

  function button(label, className, onClick) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.className = className;
    b.addEventListener('click', () => onClick(b).catch(ignoreSessionEnd));
    return b;
  }

  function ignoreSessionEnd(error) {
    if (!(error instanceof SessionEnded)) throw error;
  }

  function showOnly(id) {
    for (const section of ['signin', 'invitation', 'console']) $(section).hidden = section !== id;
    $('sign-out').hidden = id !== 'console';
  }

  function showSignIn(message) {
    csrfToken = null;
    me = null;
    clearInterval(countdownTimer);
    clearTimeout(jiraPoll);
    $('who').textContent = '';
    $('signin-error').textContent = message || '';
    showOnly('signin');
  }

  // ---- sign-in, invitation, sign-out -------------------------------------------------------------------

  async function signIn(event) {
    event.preventDefault();
    $('signin-error').textContent = '';
    const otp = $('signin-otp').value.trim();
    const credentials = { tenant: $('signin-tenant').value.trim(), email: $('signin-email').value.trim(), password: $('signin-password').value };
    const { status, ok, body } = await api('/v1/auth/sign-in', { method: 'POST', body: otp ? { ...credentials, otp } : credentials, signingIn: true });
    if (status === 401 && body && body.code === 'otp_required') {
      $('signin-otp-field').hidden = false;
      $('signin-otp').focus();
      $('signin-error').textContent = body.message;
      return;
    }
    if (!ok) {
      $('signin-otp').value = '';
      $('signin-error').textContent = messageOf(body, 'Sign-in failed.');
      return;
    }
    $('signin-password').value = '';
    $('signin-otp').value = '';
    $('signin-otp-field').hidden = true;
    $('signin-note').textContent = '';
    await enter(body);
  }

  async function signOut() {
    await api('/v1/auth/sign-out', { method: 'POST' }).catch(() => undefined);
    // A fresh page: the controls removed for this person's role come back for the next one.
    location.replace(location.pathname);
  }

  function invitationToken() {
    const match = /(?:^#|&)invitation=([^&]+)/.exec(location.hash);
    return match ? decodeURIComponent(match[1]) : null;
  }

  async function acceptInvitation(event) {
    event.preventDefault();
    const { ok, body } = await api('/v1/auth/invitations/accept', { method: 'POST', body: { token: invitationToken(), password: $('invitation-password').value }, signingIn: true });
    if (!ok) {
      $('invitation-status').textContent = messageOf(body, 'The invitation could not be accepted.');
      return;
    }
    $('invitation-password').value = '';
    history.replaceState(null, '', location.pathname);
    $('signin-tenant').value = body.tenant;
    $('signin-email').value = body.user.email;
    $('signin-note').textContent = `Your account is ready, ${body.user.displayName}. Sign in with your new password.`;
    showSignIn();
  }

  // ---- the console -----------------------------------------------------------------------------------------

  async function enter(session) {
    csrfToken = session.csrfToken;
    me = { ...session.user, otpEnrolmentRequired: session.otpEnrolmentRequired };
    $('who').textContent = `${me.displayName} (${me.email}) · ${me.role}`;
    for (const element of [...document.querySelectorAll('[data-roles]')]) {
      const allowed = element.dataset.roles.split(' ').includes(me.role);
      if (element.tagName === 'SECTION') element.hidden = !allowed || me.otpEnrolmentRequired;
      else if (!allowed) element.remove();
    }
    showOnly('console');
    showOtpState();
    if (me.otpEnrolmentRequired) return;
    const tenant = await api('/v1/tenant');
    if (tenant.ok) $('who').textContent = `${me.displayName} (${me.email}) · ${me.role} · ${tenant.body.name} (${tenant.body.slug})`;
    await loadAll();
  }

  const may = (section) => !$(section).hidden;

  async function loadAll() {
    const loads = [];
    if (may('pending')) loads.push(loadPending());
    if (may('users')) loads.push(loadUsers());
    if (may('deletion')) loads.push(loadDeletion());
    if (may('integrations')) loads.push(loadIntegrations());
    if (may('support')) loads.push(loadSupport());
    if (may('audit')) loads.push(loadAudit());
    await Promise.all(loads);
  }

  // ---- one-time codes --------------------------------------------------------------------------------------

  function showOtpState() {
    if (me.otpEnabled) $('otp-state').textContent = 'On: you sign in with a one-time code.';
    else if (me.otpEnrolmentRequired) $('otp-state').textContent = 'Your tenant requires a one-time code at sign-in. Set up an authenticator to continue.';
    else $('otp-state').textContent = 'Off: you sign in with your password alone.';
    $('start-otp-enrolment').hidden = me.otpEnabled;
  }

  async function startOtpEnrolment() {
    const { ok, body } = await api('/v1/auth/otp/enrolment', { method: 'POST' });
    if (!ok) {
      $('otp-status').textContent = messageOf(body, 'Could not start the enrolment.');
      return;
    }
    // The SVG is shown as an image: an <img> never runs a script or loads anything the SVG names.
    $('otp-qr').src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(body.qrCodeSvg)}`;
    $('otp-secret').textContent = body.secret;
    $('otp-enrolment').hidden = false;
    $('otp-status').textContent = '';
  }

  async function confirmOtp(event) {
    event.preventDefault();
    const { ok, body } = await api('/v1/auth/otp/enrolment/confirm', { method: 'POST', body: { code: $('otp-confirm-code').value.trim() } });
    $('otp-confirm-code').value = '';
    if (!ok) {
      $('otp-status').textContent = messageOf(body, 'That code did not match.');
      return;
    }
    $('otp-enrolment').hidden = true;
    $('otp-qr').removeAttribute('src');
    $('otp-secret').textContent = '';
    const list = $('recovery-codes');
    list.replaceChildren(...body.recoveryCodes.map((code) => Object.assign(document.createElement('li'), { textContent: code })));
    $('recovery').hidden = false;
    $('otp-status').textContent = 'One-time codes are on.';
    const wasRequired = me.otpEnrolmentRequired;
    me.otpEnabled = true;
    me.otpEnrolmentRequired = false;
    showOtpState();
    if (wasRequired) {
      for (const section of document.querySelectorAll('section[data-roles]')) section.hidden = !section.dataset.roles.split(' ').includes(me.role);
      await loadAll();
    }
  }

  // ---- resets awaiting approval ----------------------------------------------------------------------------

  async function loadPending() {
    const { ok, body } = await api('/v1/password-resets?status=awaiting_approval');
    const rows = $('pending-resets');
    rows.replaceChildren();
    if (!ok) {
      $('pending-status').textContent = messageOf(body, 'Could not list the resets.');
      return;
    }
    if (body.length === 0) {
      const tr = document.createElement('tr');
      tr.append(cell('Nothing awaits approval.'));
      rows.append(tr);
    }
    for (const reset of body) {
      const tr = document.createElement('tr');
      tr.dataset.ticket = reset.ticketRef;
      tr.append(cell(reset.ticketRef), cell(reset.summary), cell(when(reset.approvalDeadline)));
      const action = document.createElement('td');
      if (APPROVERS.includes(me.role)) {
        if (reset.requestedByYou) action.textContent = 'You asked for it: another manager or admin approves it.';
        else action.append(button('Approve', 'approve', () => approve(reset)));
      }
      tr.append(action);
      rows.append(tr);
    }
  }

  async function approve(reset) {
    $('pending-status').textContent = `Approving ${reset.ticketRef}…`;
    const { ok, body } = await api(`${reset.statusUrl}/approve`, { method: 'POST' });
    $('pending-status').textContent = ok ? `Approved ${reset.ticketRef}: the password is being reset.` : messageOf(body, 'Could not approve.');
    await loadPending();
  }

  // ---- people ----------------------------------------------------------------------------------------------

  async function loadUsers() {
    const [users, policy] = await Promise.all([api('/v1/users'), api('/v1/sign-in-policy')]);
    const rows = $('user-rows');
    rows.replaceChildren();
    if (users.ok) {
      for (const user of users.body) {
        const tr = document.createElement('tr');
        tr.dataset.email = user.email;
        tr.append(cell(user.displayName), cell(user.email), cell(user.role), cell(user.status), cell(user.otpEnabled ? 'on' : 'off'));
        const actions = document.createElement('td');
        if (me.role === 'admin' && user.id !== me.id) {
          if (user.status === 'locked') actions.append(button('Unlock', 'unlock', () => userAction(user, 'unlock', 'unlocked')));
          if (user.status !== 'deactivated') actions.append(button('Deactivate', 'deactivate', () => userAction(user, 'deactivation', 'deactivated')));
        }
        tr.append(actions);
        rows.append(tr);
      }
    }
    if (policy.ok) $('require-otp').checked = policy.body.requireOtp;
    $('require-otp').disabled = me.role !== 'admin';
  }

  async function userAction(user, path, done) {
    const { ok, body } = await api(`/v1/users/${user.id}/${path}`, { method: 'POST' });
    await loadUsers();
    $('users-status').textContent = ok ? `${user.email} is ${done}.` : messageOf(body, 'That did not work.');
  }

  async function invite(event) {
    event.preventDefault();
    const { ok, body } = await api('/v1/users/invitations', {
      method: 'POST',
      body: { email: $('invite-email').value.trim(), displayName: $('invite-name').value.trim(), role: $('invite-role').value },
    });
    if (!ok) {
      $('users-status').textContent = messageOf(body, 'The invitation failed.');
      return;
    }
    $('invitation-link').value = `${location.origin}${location.pathname}#invitation=${encodeURIComponent(body.invitationToken)}`;
    $('invitation-expires').textContent = when(body.expiresAt);
    $('invitation-result').hidden = false;
    $('users-status').textContent = `${body.user.email} is invited as ${body.user.role}.`;
    $('invite-form').reset();
    await loadUsers();
  }

  async function setRequireOtp() {
    const { ok, body } = await api('/v1/sign-in-policy', { method: 'PUT', body: { requireOtp: $('require-otp').checked } });
    $('users-status').textContent = ok ? (body.requireOtp ? 'Everyone now signs in with a one-time code.' : 'One-time codes are optional.') : messageOf(body, 'Could not change the policy.');
    await loadUsers();
  }

  // ---- deletion --------------------------------------------------------------------------------------------

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
    if ($('cancel-deletion')) $('cancel-deletion').disabled = left <= 0;
  }

  function showDeletion(deletion) {
    clearInterval(countdownTimer);
    const pending = deletion && (deletion.phase === 'pending' || deletion.phase === 'deleting');
    $('deletion-pending').hidden = !pending;
    $('deletion-request').hidden = Boolean(pending);
    if (!pending) return;
    $('scheduled-at').textContent = when(deletion.scheduledAt);
    $('scheduled-at').setAttribute('datetime', deletion.scheduledAt);
    $('requested-by').textContent = `Requested by ${deletion.requestedBy} on ${when(deletion.requestedAt)}.`;
    // The server's remaining time, counted down on this clock (a skewed local clock does not matter).
    deadline = Date.now() + deletion.remainingMs;
    tick();
    countdownTimer = setInterval(tick, 1000);
  }

  async function loadDeletion() {
    const { status, body } = await api('/v1/tenant/deletion');
    showDeletion(status === 200 ? body : null);
  }

  async function cancelDeletion() {
    $('cancel-deletion').disabled = true;
    $('deletion-status').textContent = 'Cancelling…';
    const { ok, body } = await api('/v1/tenant/deletion', { method: 'DELETE' });
    $('deletion-status').textContent = ok ? 'Deletion cancelled. The tenant is active.' : messageOf(body, 'Could not cancel.');
    await Promise.all([loadDeletion(), loadAudit()]);
  }

  async function requestDeletion(event) {
    event.preventDefault();
    $('deletion-status').textContent = 'Scheduling the deletion…';
    const { ok, body } = await api('/v1/tenant/deletion', { method: 'POST', body: { requesterEmail: $('requester-email').value } });
    $('deletion-status').textContent = ok ? 'The deletion is scheduled; you can cancel it until the time below.' : messageOf(body, 'Could not schedule the deletion.');
    $('confirm-deletion').checked = false;
    await Promise.all([loadDeletion(), loadAudit()]);
  }

  // ---- integrations and support access ---------------------------------------------------------------------

  async function loadIntegrations() {
    const { ok, body } = await api('/v1/integrations');
    const rows = $('integration-rows');
    rows.replaceChildren();
    if (!ok) return;
    for (const provider of ['google', 'jira']) {
      const integration = body.find((candidate) => candidate.provider === provider);
      const tr = document.createElement('tr');
      tr.dataset.provider = provider;
      tr.append(cell(provider === 'google' ? 'Google Workspace' : 'Jira Cloud'), cell(integration ? integration.status.replace('_', ' ') : 'not connected'));
      tr.append(cell(integration ? integration.externalAccount : ''), cell(integration ? when(integration.updatedAt) : ''));
      rows.append(tr);
    }
    await loadJira(body.find((candidate) => candidate.provider === 'jira'));
  }

  // ---- Jira: the connection, and Disconnect & clean up -----------------------------------------------------

  const DISCONNECT_PHASES = {
    stopping_sync: 'Stopping the sync and deleting the webhooks…',
    cleaning_issues: "Taking Custodian's marks off the Jira issues…",
    shredding: 'Destroying the stored tokens and keys…',
    unlinking_tickets: 'Marking the tickets unlinked…',
    done: 'Finishing…',
  };
  async function loadJira(integration) {
    clearTimeout(jiraPoll);
    const [status, configs, disconnection] = await Promise.all([api('/v1/jira/sync-status'), api('/v1/jira/sync-configs'), api('/v1/integrations/jira/disconnect')]);
    const running = disconnection.ok && disconnection.body.status === 'running';
    let state = 'not connected';
    if (running) state = 'disconnecting';
    else if (integration) state = integration.status === 'needs_reconsent' ? 'needs consent again' : 'connected';
    else if (disconnection.ok) state = 'disconnected';
    $('jira-panel').hidden = false;
    $('jira-panel').dataset.state = state;
    $('jira-state').textContent = state;
    $('jira-reconsent').hidden = !integration || integration.status !== 'needs_reconsent';
    $('jira-details').hidden = !integration;
    if (status.ok) {
      const { site, lastSuccessAt, lastError, counts } = status.body;
      jiraLinked = counts.issuesLinked;
      $('jira-site').textContent = site ? `${site.name ? `${site.name} · ` : ''}${site.url}` : 'no site chosen yet';
      const lastSync = lastSuccessAt ? when(lastSuccessAt) : 'not yet';
      $('jira-last-sync').textContent = lastError ? `${lastSync} (last error ${when(lastError.at)}: ${lastError.message})` : lastSync;
      $('jira-linked').textContent = String(counts.issuesLinked);
    }
    if (configs.ok) {
      const projects = configs.body.flatMap((config) => config.projectKeys);
      $('jira-projects').textContent = projects.length > 0 ? projects.join(', ') : 'none configured';
    }
    if ($('jira-disconnect')) $('jira-disconnect').hidden = !integration || running;
    // A finished clean-up stays on show until Jira is connected again.
    $('jira-progress').hidden = !disconnection.ok || (Boolean(integration) && !running);
    if (disconnection.ok) showDisconnection(disconnection.body);
    if (running) jiraPoll = setTimeout(() => pollDisconnection().catch(ignoreSessionEnd), 1000);
  }

  function showDisconnection(view) {
    let phase = DISCONNECT_PHASES[view.phase] || view.phase;
    if (view.status === 'completed') phase = 'Jira is disconnected and cleaned up.';
    else if (view.status !== 'running') phase = `The clean-up stopped (${view.status}) at: ${phase}`;
    $('jira-progress-phase').textContent = phase;
    $('jira-progress-bar').max = Math.max(view.total, 1);
    $('jira-progress-bar').value = view.status === 'completed' ? Math.max(view.total, 1) : view.cleaned + view.skipped;
    const counts = [`${view.cleaned} of ${view.total} Jira issues cleaned`, `${view.skipped} skipped (deleted in Jira meanwhile)`, `${view.failures.length} failed`];
    if (view.status === 'completed') counts.push(`${view.ticketsUnlinked} tickets marked unlinked`);
    $('jira-progress-counts').textContent = counts.join(' · ');
    $('jira-failures').replaceChildren(...view.failures.map((failure) => Object.assign(document.createElement('li'), { textContent: `${failure.issueKey}: ${failure.reason}` })));
    $('jira-revoke').hidden = !view.revokeAppAt;
    $('jira-revoke').textContent = view.revokeAppAt || '';
  }

  async function pollDisconnection() {
    const { ok, body } = await api('/v1/integrations/jira/disconnect');
    if (ok && body.status === 'running') {
      showDisconnection(body);
      jiraPoll = setTimeout(() => pollDisconnection().catch(ignoreSessionEnd), 1000);
      return;
    }
    await Promise.all([loadIntegrations(), loadAudit()]);
  }

  async function askToDisconnectJira() {
    const issues = jiraLinked === 1 ? '1 Jira issue' : `${jiraLinked} Jira issues`;
    $('jira-confirm-count').textContent = `This touches ${issues} linked to Custodian tickets, and any other issue that still carries Custodian's label or property.`;
    $('jira-confirm').showModal();
  }

  async function disconnectJira() {
    $('jira-confirm').close();
    $('jira-disconnect').hidden = true;
    $('jira-status').textContent = 'Starting Disconnect & clean up…';
    const { ok, body } = await api('/v1/integrations/jira/disconnect', { method: 'POST' });
    $('jira-status').textContent = ok ? '' : messageOf(body, 'Could not start the clean-up.');
    await loadIntegrations();
  }

  // The consent URL comes from the API with this session; the provider sends the browser back to the callback,
  // which completes only in this browser (a cookie the connect answer set).
  async function connect(path) {
    $('integrations-status').textContent = 'Opening the consent screen…';
    const { ok, body } = await api(path);
    if (!ok) {
      $('integrations-status').textContent = messageOf(body, 'Could not start the consent.');
      return;
    }
    location.assign(body.consentUrl);
  }

  async function loadSupport() {
    const { ok, body } = await api('/v1/support-access');
    const rows = $('support-rows');
    rows.replaceChildren();
    if (!ok) return;
    if (body.length === 0) {
      const tr = document.createElement('tr');
      tr.append(cell('No support access was ever granted.'));
      rows.append(tr);
    }
    for (const grant of body) {
      const tr = document.createElement('tr');
      tr.append(cell(grant.operator), cell(grant.reason), cell(when(grant.startsAt)), cell(when(grant.endedAt || grant.expiresAt)), cell(grant.active ? 'active' : 'ended'));
      const action = document.createElement('td');
      if (me.role === 'admin' && grant.active) action.append(button('End now', 'end-support', () => endSupport(grant)));
      tr.append(action);
      rows.append(tr);
    }
  }

  async function endSupport(grant) {
    await api(`/v1/support-access/${grant.id}`, { method: 'DELETE' });
    await Promise.all([loadSupport(), loadAudit()]);
  }

  // ---- export and audit ------------------------------------------------------------------------------------

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
      $('export-status').textContent = messageOf(body, 'The export could not be built.');
      return;
    }
    $('export-status').textContent = `Ready: ${body.sizeBytes} bytes, SHA-256 ${body.sha256}. The link works once, until ${when(body.expiresAt)}.`;
    $('export-link').href = body.downloadUrl;
    $('export-link').hidden = false;
    await loadAudit();
  }

  async function verifyAudit() {
    $('verify-result').textContent = 'Verifying…';
    const { ok, body } = await api('/v1/audit/verify');
    if (!ok) $('verify-result').textContent = messageOf(body, 'Could not verify.');
    else if (body.ok) $('verify-result').textContent = `The chain verifies: ${body.checkedEvents} events, up to #${body.lastSeq}.`;
    else $('verify-result').textContent = `The chain is broken at #${body.brokenSeq}: ${body.reason}`;
  }

  async function loadAudit() {
    const { ok, body } = await api('/v1/audit/events?limit=50');
    const rows = $('audit-events');
    rows.replaceChildren();
    if (!ok) return;
    for (const event of body) {
      const tr = document.createElement('tr');
      tr.append(cell(event.seq), cell(when(event.at)), cell(event.actor), cell(event.action), cell(event.target), cell(event.outcome));
      tr.lastChild.className = `outcome-${event.outcome}`;
      rows.append(tr);
    }
  }

  // ---- wiring ----------------------------------------------------------------------------------------------

  function on(id, type, handler) {
    const element = $(id);
    if (element) element.addEventListener(type, (event) => handler(event).catch(ignoreSessionEnd));
  }

  document.addEventListener('DOMContentLoaded', () => {
    on('signin-form', 'submit', signIn);
    on('invitation-form', 'submit', acceptInvitation);
    on('sign-out', 'click', signOut);
    on('start-otp-enrolment', 'click', startOtpEnrolment);
    on('otp-confirm-form', 'submit', confirmOtp);
    on('refresh-pending', 'click', loadPending);
    on('invite-form', 'submit', invite);
    on('require-otp', 'change', setRequireOtp);
    on('cancel-deletion', 'click', cancelDeletion);
    on('deletion-form', 'submit', requestDeletion);
    on('connect-google-form', 'submit', (event) => {
      event.preventDefault();
      return connect(`/v1/integrations/google/connect?domain=${encodeURIComponent($('google-domain').value.trim())}`);
    });
    on('connect-jira', 'click', () => connect('/v1/integrations/jira/connect'));
    on('jira-disconnect', 'click', askToDisconnectJira);
    on('jira-confirm-disconnect', 'click', disconnectJira);
    on('jira-cancel-disconnect', 'click', async () => $('jira-confirm').close());
    on('start-export', 'click', startExport);
    on('verify-audit', 'click', verifyAudit);
    $('export-link').addEventListener('click', () => setTimeout(() => { $('export-link').hidden = true; }, 0));

    if (invitationToken()) {
      showOnly('invitation');
      return;
    }
    api('/v1/auth/session', { signingIn: true })
      .then(({ ok, body }) => (ok ? enter(body) : showSignIn()))
      .catch(ignoreSessionEnd);
  });
})();
