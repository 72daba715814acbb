// Demo site widget script (plain JS, served as /assets/widget.js).
// 1. Renders the widget markup from <template id="widget-template"> into #okta-login-container after
//    a delay, as the Okta JS widget does, so extensions must cope with late DOM.
// 2. In single-page mode (body[data-spa="1"]) posts the widget's forms with fetch and swaps the next
//    step in place without a page load, updating the address with history.pushState.
//    With body[data-mount="shadow"] the widget lives in an open shadow root on #okta-login-container.
// 3. Runs the WebAuthn ceremonies for form[data-webauthn="register" | "authenticate"]: options from the
//    server, navigator.credentials.create/get, the credential's JSON back to the server.
(() => {
  const root = document.documentElement;
  let renders = 0;
  let ceremonyAbort = null;

  const renderDelay = () => Number(document.body.dataset.renderDelay || '0');
  const spa = () => document.body.dataset.spa === '1';
  const csrfToken = () => document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

  /** Where the widget goes: the container itself, or a div in its (open) shadow root. */
  function renderTarget() {
    const host = document.getElementById('okta-login-container');
    if (!host || document.body.dataset.mount !== 'shadow') return host;
    if (!host.shadowRoot) {
      const shadow = host.attachShadow({ mode: 'open' });
      const style = document.createElement('link');
      style.rel = 'stylesheet';
      style.href = '/assets/site.css';
      shadow.append(style, document.createElement('div'));
      listen(shadow);
    }
    return host.shadowRoot.lastElementChild;
  }

  function renderTemplate(template) {
    const target = renderTarget();
    if (!template || !target) return;
    const fragment = document.importNode(template.content, true);
    window.setTimeout(() => {
      target.replaceChildren(fragment);
      renders += 1;
      root.dataset.widgetRenders = String(renders);
      afterRender(target);
    }, renderDelay());
  }

  function afterRender(target) {
    const first = target.querySelector(
      'input:not([type="hidden"]):not([type="checkbox"]):not([type="radio"]):not([type="submit"])',
    );
    if (first) first.focus();
    const auto = target.querySelector('form[data-webauthn="authenticate"]');
    if (auto) runCeremony(auto);
  }

  // ---------- single-page navigation ----------

  async function swapTo(response) {
    const text = await response.text();
    const doc = new DOMParser().parseFromString(text, 'text/html');
    if (doc.body?.dataset.widget !== '1') {
      window.location.assign(response.url);
      return;
    }
    if (response.url !== window.location.href) {
      window.history.pushState({ demoSite: true }, '', response.url);
    }
    document.title = doc.title;
    root.lang = doc.documentElement.lang;
    document.body.dataset.page = doc.body.dataset.page ?? '';
    const meta = document.querySelector('meta[name="csrf-token"]');
    const nextToken = doc.querySelector('meta[name="csrf-token"]')?.getAttribute('content');
    if (meta && nextToken) meta.setAttribute('content', nextToken);
    renderTemplate(doc.getElementById('widget-template'));
  }

  async function submitInPlace(form, submitter) {
    for (const button of form.querySelectorAll('[type="submit"]')) button.disabled = true;
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(form, submitter ?? null)) {
      if (typeof value === 'string') params.append(name, value);
    }
    const method = (form.getAttribute('method') || 'GET').toUpperCase();
    try {
      let response;
      if (method === 'GET') {
        const url = new URL(form.action);
        url.search = params.toString();
        response = await fetch(url, { credentials: 'same-origin' });
      } else {
        response = await fetch(form.action, { method: 'POST', body: params, credentials: 'same-origin' });
      }
      await swapTo(response);
    } catch {
      form.submit();
    }
  }

  async function navigateInPlace(href) {
    try {
      await swapTo(await fetch(href, { credentials: 'same-origin' }));
    } catch {
      window.location.assign(href);
    }
  }

  function onSubmit(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.dataset.webauthn) {
      event.preventDefault();
      runCeremony(form);
      return;
    }
    if (!spa() || !form.closest('#okta-sign-in')) return;
    event.preventDefault();
    abortCeremony();
    submitInPlace(form, event.submitter);
  }

  function onClick(event) {
    if (!spa() || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest('#okta-sign-in a[href]') : null;
    if (!link) return;
    const href = link.getAttribute('href');
    if (!href || href.startsWith('#')) {
      event.preventDefault();
      return;
    }
    const url = new URL(href, window.location.href);
    if (url.origin !== window.location.origin) return;
    event.preventDefault();
    abortCeremony();
    navigateInPlace(url.href);
  }

  /** Submit does not cross shadow boundaries, so a shadow-mounted widget gets its own listeners. */
  function listen(target) {
    target.addEventListener('submit', onSubmit);
    target.addEventListener('click', onClick);
  }
  listen(document);

  window.addEventListener('popstate', () => window.location.reload());

  // ---------- WebAuthn ----------

  function toBuffer(base64url) {
    const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '==='.slice((base64.length + 3) % 4));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    const bytes =
      buffer instanceof ArrayBuffer
        ? new Uint8Array(buffer)
        : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  const hasPkc = () => typeof window.PublicKeyCredential === 'function';

  function creationOptions(json) {
    if (hasPkc() && typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function') {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return {
      ...json,
      challenge: toBuffer(json.challenge),
      user: { ...json.user, id: toBuffer(json.user.id) },
      excludeCredentials: (json.excludeCredentials ?? []).map((c) => ({ ...c, id: toBuffer(c.id) })),
    };
  }

  function requestOptions(json) {
    if (hasPkc() && typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function') {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return {
      ...json,
      challenge: toBuffer(json.challenge),
      allowCredentials: (json.allowCredentials ?? []).map((c) => ({ ...c, id: toBuffer(c.id) })),
    };
  }

  function credentialJson(credential, kind) {
    if (typeof credential.toJSON === 'function') {
      try {
        return credential.toJSON();
      } catch {
        // fall through to the hand-built form
      }
    }
    const r = credential.response;
    const json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
      clientExtensionResults:
        typeof credential.getClientExtensionResults === 'function'
          ? credential.getClientExtensionResults()
          : {},
      response: { clientDataJSON: toBase64url(r.clientDataJSON) },
    };
    if (kind === 'register') {
      json.response.attestationObject = toBase64url(r.attestationObject);
      if (typeof r.getTransports === 'function') json.response.transports = r.getTransports();
      if (typeof r.getAuthenticatorData === 'function')
        json.response.authenticatorData = toBase64url(r.getAuthenticatorData());
      if (typeof r.getPublicKey === 'function') {
        const key = r.getPublicKey();
        if (key) json.response.publicKey = toBase64url(key);
      }
      if (typeof r.getPublicKeyAlgorithm === 'function')
        json.response.publicKeyAlgorithm = r.getPublicKeyAlgorithm();
    } else {
      json.response.authenticatorData = toBase64url(r.authenticatorData);
      json.response.signature = toBase64url(r.signature);
      if (r.userHandle) json.response.userHandle = toBase64url(r.userHandle);
    }
    return json;
  }

  async function postJson(url, body) {
    const response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken() },
      body: JSON.stringify(body),
    });
    let data = {};
    try {
      data = await response.json();
    } catch {
      data = { error: `http-${response.status}`, message: response.statusText };
    }
    return { ok: response.ok, data };
  }

  function serverError(data) {
    const error = new Error(data?.message || 'Server error');
    error.name = 'ServerError';
    error.code = data?.error || 'server-error';
    return error;
  }

  function setStatus(form, stateName, detail) {
    const status = form.querySelector('#webauthn-status');
    if (!status) return;
    status.dataset.state = stateName;
    status.dataset.errorName = detail?.name ?? '';
    status.dataset.errorCode = detail?.code ?? '';
    status.textContent = detail ? `${detail.name}: ${detail.message}` : stateName;
  }

  function showError(form, error) {
    const box = form.querySelector('.o-form-error-container');
    if (!box) return;
    const alert = document.createElement('div');
    alert.className = 'okta-form-infobox-error infobox infobox-error';
    alert.id = 'site-error';
    alert.setAttribute('role', 'alert');
    alert.dataset.errorName = error.name;
    alert.dataset.errorCode = error.code ?? error.name;
    const icon = document.createElement('span');
    icon.className = 'icon error-16';
    const text = document.createElement('p');
    text.textContent = error.message;
    alert.append(icon, text);
    box.replaceChildren(alert);
    box.classList.add('o-form-has-errors');
  }

  function abortCeremony() {
    if (ceremonyAbort) ceremonyAbort.abort();
    ceremonyAbort = null;
  }

  async function runCeremony(form) {
    if (form.dataset.busy === '1') return;
    form.dataset.busy = '1';
    const kind = form.dataset.webauthn;
    const spinner = form.querySelector('[data-se="webauthn-waiting"]');
    const submit = form.querySelector('[type="submit"]');
    const errors = form.querySelector('.o-form-error-container');
    if (errors) {
      errors.replaceChildren();
      errors.classList.remove('o-form-has-errors');
    }
    spinner?.classList.remove('hide');
    if (submit) {
      submit.disabled = true;
      if (kind === 'authenticate') submit.classList.add('hide');
    }
    setStatus(form, 'pending');
    abortCeremony();
    const abort = new AbortController();
    ceremonyAbort = abort;
    try {
      if (!navigator.credentials || typeof navigator.credentials.create !== 'function') {
        throw new DOMException(form.dataset.notSupported || 'WebAuthn is not supported', 'NotSupportedError');
      }
      const options = await postJson(
        form.dataset.optionsUrl,
        JSON.parse(form.dataset.optionsRequest || '{}'),
      );
      if (!options.ok) throw serverError(options.data);
      const credential =
        kind === 'register'
          ? await navigator.credentials.create({
              publicKey: creationOptions(options.data),
              signal: abort.signal,
            })
          : await navigator.credentials.get({
              publicKey: requestOptions(options.data),
              signal: abort.signal,
            });
      if (!credential) throw new DOMException('No credential was returned', 'NotAllowedError');
      const result = await postJson(form.dataset.verifyUrl, credentialJson(credential, kind));
      if (!result.ok || !result.data.ok) throw serverError(result.data);
      setStatus(form, 'success');
      window.location.assign(result.data.next);
    } catch (error) {
      if (abort.signal.aborted && !form.isConnected) return;
      const detail = {
        name: error?.name || 'Error',
        message: error?.message || String(error),
        code: error?.code,
      };
      showError(form, detail);
      setStatus(form, 'error', detail);
      spinner?.classList.add('hide');
      if (submit) {
        submit.disabled = false;
        submit.classList.remove('hide');
      }
    } finally {
      form.dataset.busy = '0';
      if (ceremonyAbort === abort) ceremonyAbort = null;
    }
  }

  // ---------- start ----------

  function start() {
    renderTemplate(document.getElementById('widget-template'));
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
