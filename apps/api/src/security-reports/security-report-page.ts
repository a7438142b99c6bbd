import { createHash } from 'node:crypto';

const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
label { display: block; margin-top: 1rem; font-weight: 600; }
input, textarea { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; }
textarea { min-height: 10rem; }
button { margin-top: 1.5rem; padding: .6rem 1.2rem; font: inherit; }
#result { margin-top: 1.5rem; padding: 1rem; border-radius: 4px; }
#result.ok { background: #e8f5e9; }
#result.error { background: #fdecea; }
`;

// Posts the form as JSON to the API and shows the reference (or what to fix). No framework, no cookies.
const SCRIPT = `
const form = document.getElementById('report');
const result = document.getElementById('result');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const report = {};
  for (const [name, value] of new FormData(form)) if (value.trim() !== '') report[name] = value.trim();
  result.className = '';
  result.textContent = 'Sending ...';
  try {
    const response = await fetch('/v1/security-reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(report),
    });
    const body = await response.json();
    if (response.ok) {
      result.className = 'ok';
      result.textContent = 'Thank you. Your reference is ' + body.ref + '. We will acknowledge your report by ' +
        new Date(body.acknowledgementDueAt).toUTCString() + '.';
      form.reset();
    } else {
      result.className = 'error';
      result.textContent = body.message || 'The report could not be sent.';
    }
  } catch (error) {
    result.className = 'error';
    result.textContent = 'The report could not be sent: ' + error.message;
  }
});
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** Only this page's own inline style and script may run; it may talk to its own origin only. */
export const SECURITY_REPORT_PAGE_CSP = [
  "default-src 'none'",
  `style-src ${hash(STYLE)}`,
  `script-src ${hash(SCRIPT)}`,
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_REPORT_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Report a security vulnerability - Custodian</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Report a security vulnerability</h1>
<p>Found a vulnerability in Custodian? Tell us here. You get a reference at once, and an acknowledgement
from our security team within 2 business days (Monday to Friday, UTC, excluding holidays).</p>
<noscript><p>This form needs JavaScript. Without it, send the same fields as JSON to POST /v1/security-reports.</p></noscript>
<form id="report" method="post">
  <label for="summary">Summary</label>
  <input id="summary" name="summary" required maxlength="200">
  <label for="details">Details: what you found, how to reproduce it, what it affects</label>
  <textarea id="details" name="details" required maxlength="10000"></textarea>
  <label for="affectedAsset">Affected URL or component (optional)</label>
  <input id="affectedAsset" name="affectedAsset" maxlength="500">
  <label for="reporterName">Your name (optional)</label>
  <input id="reporterName" name="reporterName" maxlength="200">
  <label for="reporterEmail">Your email, for the acknowledgement</label>
  <input id="reporterEmail" name="reporterEmail" type="email" required maxlength="320">
  <button type="submit">Send report</button>
</form>
<div id="result" role="status" aria-live="polite"></div>
<script>${SCRIPT}</script>
</body>
</html>
`;
