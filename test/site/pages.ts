/**
 * Server-rendered pages of the demo site. Widget pages put the Okta Classic widget markup in a
 * `<template id="widget-template">` that /assets/widget.js renders into `#okta-login-container` after a
 * delay, like the real JS widget; markup, classes and texts follow the Classic widget's.
 */
import { html, raw, type SafeHtml } from './html.js';
import type { Lang, Texts } from './i18n.js';
import type { DemoUser, SiteSettings } from './state.js';

export const ROUTES = {
  signIn: '/signin',
  enroll: '/signin/enroll',
  enrollFinish: '/signin/enroll/finish',
  enrollTotp: '/signin/enroll/google/token:software:totp',
  totpScan: '/signin/enroll-activate/google/token:software:totp',
  totpManual: '/signin/enroll-activate/google/token:software:totp/manual',
  totpActivate: '/signin/enroll-activate/google/token:software:totp/activate',
  verifyTotp: '/signin/verify/google/token:software:totp',
  enrollWebauthn: '/signin/enroll/fido/webauthn',
  verifyWebauthn: '/signin/verify/fido/webauthn',
  app: '/app',
  signOut: '/signout',
  mfaReset: '/admin/mfa-reset',
  embed: '/embed',
  registrationOptions: '/api/webauthn/registration/options',
  registrationVerify: '/api/webauthn/registration/verify',
  authenticationOptions: '/api/webauthn/authentication/options',
  authenticationVerify: '/api/webauthn/authentication/verify',
} as const;

export type PageContext = {
  t: Texts;
  lang: Lang;
  csrf: string;
  settings: SiteSettings;
  /** Current path (for the language switch links). */
  path: string;
};

/** A message in the form's error container; `code` is a stable word tests can match. */
export type FormError = { code: string; message: string };

/** Generated input ids like the widget's (`input42`): a counter that starts somewhere different each page. */
class InputIds {
  private next = 30 + Math.floor(Math.random() * 60);
  take(): string {
    return `input${this.next++}`;
  }
}

type Beacon = 'google-auth' | 'webauthn';

function document(
  ctx: PageContext,
  page: string,
  body: SafeHtml,
  options: { widget: boolean; title?: string } = { widget: true },
): string {
  const { t, lang, settings } = ctx;
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="${ctx.csrf}">
<title>${options.title ?? t.htmlTitle}</title>
<link rel="stylesheet" href="/assets/site.css">
<script src="/assets/widget.js" defer></script>
</head>
<body data-page="${page}" data-widget="${options.widget ? '1' : '0'}" data-render-delay="${settings.renderDelayMs}" data-spa="${settings.spa ? '1' : '0'}" data-mount="${settings.mount}" data-lang="${lang}">
<nav class="lang-switch" aria-label="Language"><a href="${ctx.path}?lang=en" hreflang="en" data-se="lang-en">English</a> · <a href="${ctx.path}?lang=nl" hreflang="nl" data-se="lang-nl">Nederlands</a></nav>
${body}
</body>
</html>
`.value;
}

function widgetShell(ctx: PageContext, controller: SafeHtml, beacon?: Beacon, footer?: SafeHtml): SafeHtml {
  const beaconHtml = beacon
    ? html`<div class="auth-beacon auth-beacon-factor mfa-${beacon}" data-se="factor-beacon"><div class="auth-beacon-border"></div></div>`
    : '';
  return html`<div id="okta-login-container"></div>
<template id="widget-template"><div id="okta-sign-in" class="auth-container main-container${beacon ? '' : ' no-beacon'}">
<div class="okta-sign-in-header auth-header"><h1><img src="/assets/logo.svg" class="auth-org-logo" alt="${ctx.t.logoAlt}"></h1><div data-type="beacon-container" class="beacon-container">${beaconHtml}</div></div>
<div class="auth-content"><div class="auth-content-inner">${controller}</div></div>
<div class="auth-footer">${footer ?? ''}<a href="#" data-se="needhelp" class="link help js-help">${ctx.t.needHelp}</a></div>
</div></template>`;
}

function errorBox(error: FormError | undefined): SafeHtml {
  if (!error) return html``;
  return html`<div class="okta-form-infobox-error infobox infobox-error" role="alert" id="site-error" data-error-code="${error.code}"><span class="icon error-16"></span><p>${error.message}</p></div>`;
}

type FormOptions = {
  action: string;
  method?: 'POST' | 'GET';
  className?: string;
  dataSe: string;
  title: string;
  subtitle?: string;
  error?: FormError;
  fields: SafeHtml;
  submit?: { value: string; extraClass?: string; hidden?: boolean; id?: string };
  attributes?: SafeHtml;
};

function oForm(ctx: PageContext, ids: InputIds, o: FormOptions): SafeHtml {
  const method = o.method ?? 'POST';
  const submit = o.submit
    ? html`<div class="o-form-button-bar"><input class="button button-primary${o.submit.extraClass ? ` ${o.submit.extraClass}` : ''}${o.submit.hidden ? ' hide' : ''}" type="submit" value="${o.submit.value}" data-type="save"${o.submit.id ? raw(` id="${o.submit.id}"`) : ''}></div>`
    : '';
  return html`<form method="${method}" action="${o.action}" data-se="${o.dataSe}" slot="content" id="form${ids.take().slice(5)}" class="${o.className ? `${o.className} ` : ''}o-form o-form-edit-mode" novalidate${o.attributes ?? ''}>
<div data-se="o-form-content" class="o-form-content o-form-theme clearfix">
<h2 data-se="o-form-head" class="okta-form-title o-form-head">${o.title}</h2>
${o.subtitle ? html`<p class="okta-form-subtitle o-form-explain" data-se="o-form-explain">${o.subtitle}</p>` : ''}
<div class="o-form-error-container${o.error ? ' o-form-has-errors' : ''}" data-se="o-form-error-container">${errorBox(o.error)}</div>
<div class="o-form-fieldset-container" data-se="o-form-fieldset-container">${o.fields}</div>
</div>
${submit}${method === 'POST' ? html`<input type="hidden" name="_csrf" value="${ctx.csrf}">` : ''}
</form>`;
}

type TextFieldOptions = {
  name: string;
  label: string;
  type: 'text' | 'password' | 'tel';
  autocomplete: string;
  id?: string;
  value?: string;
  fieldsetClass?: string;
};

function textField(ids: InputIds, o: TextFieldOptions): SafeHtml {
  const id = o.id ?? ids.take();
  return html`<div data-se="o-form-fieldset-${o.name}" class="o-form-fieldset o-form-label-top${o.fieldsetClass ? ` ${o.fieldsetClass}` : ''}">
<div data-se="o-form-label" class="okta-form-label o-form-label"><label for="${id}">${o.label}</label></div>
<div data-se="o-form-input-container" class="o-form-input"><span data-se="o-form-input-${o.name}" class="o-form-input-name-${o.name} o-form-control okta-form-input-field input-fix"><input type="${o.type}" placeholder="" name="${o.name}" id="${id}" value="${o.value ?? ''}" aria-label="" autocomplete="${o.autocomplete}"></span></div>
</div>`;
}

function checkbox(ids: InputIds, name: string, label: string): SafeHtml {
  const id = ids.take();
  return html`<div data-se="o-form-fieldset-${name}" class="o-form-fieldset o-form-label-top margin-btm-0">
<div data-se="o-form-input-container" class="o-form-input"><span data-se="o-form-input-${name}" class="o-form-input-name-${name}"><div class="custom-checkbox"><input type="checkbox" name="${name}" id="${id}" value="true"><label for="${id}" data-se-for-name="${name}">${label}</label></div></span></div>
</div>`;
}

export function signInPage(
  ctx: PageContext,
  o: { error?: FormError; username?: string; demoHint: SafeHtml },
): string {
  const ids = new InputIds();
  const { t } = ctx;
  const form = oForm(ctx, ids, {
    action: ROUTES.signIn,
    className: 'primary-auth-form',
    dataSe: 'o-form',
    title: t.signIn,
    error: o.error,
    fields: html`${textField(ids, { name: 'username', label: t.username, type: 'text', autocomplete: 'username', id: 'okta-signin-username', value: o.username, fieldsetClass: 'margin-btm-5' })}
${textField(ids, { name: 'password', label: t.password, type: 'password', autocomplete: 'current-password', id: 'okta-signin-password', fieldsetClass: 'margin-btm-30' })}
${checkbox(ids, 'remember', t.rememberMe)}`,
    submit: { value: t.signInSubmit, id: 'okta-signin-submit' },
  });
  const body = html`${widgetShell(ctx, html`<div class="primary-auth">${form}</div>`)}
${o.demoHint}`;
  return document(ctx, 'sign-in', body);
}

function factorRow(
  o: {
    dataSe: string;
    icon: string;
    label: string;
    description: string;
    button?: { href: string; text: string };
  },
  enrolled: boolean,
): SafeHtml {
  return html`<div class="enroll-factor-row clearfix${enrolled ? ' enroll-factor-row-min' : ''}" data-se="${o.dataSe}">
<div class="enroll-factor-icon-container"><div class="factor-icon enroll-factor-icon ${o.icon}" title="${o.label}"></div></div>
<div class="enroll-factor-description"><h3 class="enroll-factor-label">${o.label}</h3>${enrolled ? html`<span class="icon success-16-green" data-se="factor-enrolled"></span>` : html`<p>${o.description}</p>`}
${o.button ? html`<div class="enroll-factor-button"><a href="${o.button.href}" class="button" data-se="enroll-factor-setup">${o.button.text}</a></div>` : ''}</div>
</div>`;
}

export function enrollChoicesPage(ctx: PageContext, user: DemoUser, canFinish: boolean): string {
  const ids = new InputIds();
  const { t } = ctx;
  const totpActive = user.totp?.status === 'ACTIVE';
  const hasKeys = user.credentials.length > 0;
  const totpRow = (enrolled: boolean) =>
    factorRow(
      {
        dataSe: 'GOOGLE_AUTH',
        icon: 'mfa-google-auth',
        label: t.googleAuthenticator,
        description: t.googleAuthenticatorDescription,
        button: enrolled ? undefined : { href: ROUTES.enrollTotp, text: t.setup },
      },
      enrolled,
    );
  const webauthnRow = (enrolled: boolean) =>
    factorRow(
      {
        dataSe: 'webauthn',
        icon: 'mfa-webauthn',
        label: t.webauthnFactor,
        description: t.webauthnFactorDescription,
        button: { href: ROUTES.enrollWebauthn, text: enrolled ? t.setupAnother : t.setup },
      },
      enrolled,
    );
  const enrolledRows = [totpActive ? totpRow(true) : '', hasKeys ? webauthnRow(true) : ''];
  const openRows = [totpActive ? '' : totpRow(false), hasKeys ? '' : webauthnRow(false)];
  const anyEnrolled = totpActive || hasKeys;
  const list = html`<div class="list-content">
${anyEnrolled ? html`<div class="list-subtitle" data-se="list-enrolled">${t.listEnrolled}</div><div class="enroll-factor-list">${enrolledRows}</div>` : ''}
${openRows.some((r) => r !== '') ? html`<div class="list-subtitle" data-se="list-${anyEnrolled ? 'optional' : 'setup'}">${anyEnrolled ? t.listOptional : t.listSetupRequired}</div><div class="enroll-factor-list">${openRows}</div>` : ''}
</div>`;
  const form = oForm(ctx, ids, {
    action: ROUTES.enrollFinish,
    className: 'enroll-choices',
    dataSe: 'o-form',
    title: t.enrollChoicesTitle,
    subtitle: canFinish ? t.enrollChoicesOptional : t.enrollChoicesDescription,
    fields: list,
    submit: canFinish ? { value: t.finish } : undefined,
  });
  return document(
    ctx,
    'enroll-choices',
    widgetShell(ctx, html`<div class="enroll-choices-container">${form}</div>`),
  );
}

export function deviceTypePage(ctx: PageContext): string {
  const ids = new InputIds();
  const { t } = ctx;
  const apple = ids.take();
  const android = ids.take();
  const form = oForm(ctx, ids, {
    action: ROUTES.enrollTotp,
    dataSe: 'step-device-type',
    title: t.setupGoogleAuthenticator,
    subtitle: t.selectDeviceType,
    fields: html`<div data-se="o-form-fieldset-__deviceType__" class="o-form-fieldset o-form-label-top">
<div data-se="o-form-input-container" class="o-form-input"><span data-se="o-form-input-__deviceType__" class="o-form-input-name-__deviceType__">
<div class="radio"><input type="radio" name="__deviceType__" value="APPLE" id="${apple}" checked><label for="${apple}" data-se-for-name="__deviceType__">${t.iphone}</label></div>
<div class="radio"><input type="radio" name="__deviceType__" value="ANDROID" id="${android}"><label for="${android}" data-se-for-name="__deviceType__">${t.android}</label></div>
</span></div></div>`,
    submit: { value: t.next },
  });
  return document(ctx, 'enroll-totp-device-type', widgetShell(ctx, form, 'google-auth', backLink(ctx)));
}

function backLink(ctx: PageContext): SafeHtml {
  return html`<a href="${ROUTES.enroll}" class="link help goto js-back" data-se="back-link">${ctx.t.back}</a> `;
}

export function scanPage(ctx: PageContext, qrSrc: string): string {
  const ids = new InputIds();
  const { t } = ctx;
  const form = oForm(ctx, ids, {
    action: ROUTES.totpActivate,
    method: 'GET',
    className: 'barcode-scan',
    dataSe: 'step-scan',
    title: t.setupGoogleAuthenticator,
    fields: html`<div class="scan-instructions clearfix">
<div class="scan-instructions-details-wrapper"><div class="scan-instructions-details"><p>${t.scanInstructions}</p></div></div>
<div class="scan-instructions-qrcode-wrapper">
<div class="qrcode-wrap"><img data-se="qrcode" class="qrcode-image" src="${qrSrc}" alt="QR code" width="200" height="200"></div>
<a href="${ROUTES.totpManual}" data-type="manual-setup" data-se="manual-setup" class="link manual-setup">${t.cantScan}</a>
<a href="${ROUTES.totpScan}?refresh=1" data-type="refresh-code" data-se="refresh-code" class="link refresh-code">${t.refreshCode}</a>
</div>
</div>`,
    submit: { value: t.next },
  });
  return document(ctx, 'enroll-totp-scan', widgetShell(ctx, form, 'google-auth', backLink(ctx)));
}

export function manualPage(ctx: PageContext, secret: string): string {
  const ids = new InputIds();
  const { t } = ctx;
  const form = oForm(ctx, ids, {
    action: ROUTES.totpActivate,
    method: 'GET',
    dataSe: 'step-manual-setup',
    title: t.cantScanQr,
    subtitle: t.manualInstructions,
    fields: html`<p class="shared-key margin-top-10" data-se="shared-key" tabindex="0">${secret}</p>`,
    submit: { value: t.next },
  });
  const back = html`<a href="${ROUTES.totpScan}" class="link help goto js-back" data-se="back-link">${t.back}</a> `;
  return document(ctx, 'enroll-totp-manual', widgetShell(ctx, form, 'google-auth', back));
}

export function activatePage(ctx: PageContext, error?: FormError): string {
  const ids = new InputIds();
  const { t } = ctx;
  const form = oForm(ctx, ids, {
    action: ROUTES.totpActivate,
    dataSe: 'step-sendcode',
    className: 'enroll-activate-totp',
    title: t.setupGoogleAuthenticator,
    subtitle: t.enterCodeFromApp,
    error,
    fields: textField(ids, { name: 'passCode', label: t.enterCode, type: 'tel', autocomplete: 'off' }),
    submit: { value: t.verify },
  });
  const back = html`<a href="${ROUTES.totpScan}" class="link help goto js-back" data-se="back-link">${t.back}</a> `;
  return document(ctx, 'enroll-totp-activate', widgetShell(ctx, form, 'google-auth', back));
}

function switchLinks(ctx: PageContext, user: DemoUser, current: 'totp' | 'webauthn'): SafeHtml {
  const links: SafeHtml[] = [];
  if (current !== 'totp' && user.totp?.status === 'ACTIVE') {
    links.push(
      html`<a href="${ROUTES.verifyTotp}" class="link js-switch-factor" data-se="switch-factor-GOOGLE_AUTH" title="${ctx.t.switchFactor}">${ctx.t.googleAuthenticator}</a> `,
    );
  }
  if (current !== 'webauthn' && user.credentials.length > 0) {
    links.push(
      html`<a href="${ROUTES.verifyWebauthn}" class="link js-switch-factor" data-se="switch-factor-webauthn" title="${ctx.t.switchFactor}">${ctx.t.webauthnFactor}</a> `,
    );
  }
  return html`${links}`;
}

export function verifyTotpPage(ctx: PageContext, user: DemoUser, error?: FormError): string {
  const ids = new InputIds();
  const { t } = ctx;
  const form = oForm(ctx, ids, {
    action: ROUTES.verifyTotp,
    className: 'mfa-verify-totp',
    dataSe: 'factor-totp',
    title: t.googleAuthenticator,
    subtitle: t.totpChallengeTitle,
    error,
    fields: html`${textField(ids, { name: 'answer', label: t.enterCode, type: 'tel', autocomplete: 'off', fieldsetClass: 'auth-passcode' })}
${checkbox(ids, 'rememberDevice', t.rememberDevice)}`,
    submit: { value: t.verify },
  });
  return document(
    ctx,
    'verify-totp',
    widgetShell(
      ctx,
      html`<div class="mfa-verify">${form}</div>`,
      'google-auth',
      switchLinks(ctx, user, 'totp'),
    ),
  );
}

function webauthnStatus(): SafeHtml {
  return html`<div id="webauthn-status" data-se="webauthn-status" data-state="idle" hidden></div>`;
}

export function enrollWebauthnPage(ctx: PageContext, optionsRequest: Record<string, string>): string {
  const ids = new InputIds();
  const { t } = ctx;
  const form = oForm(ctx, ids, {
    action: ROUTES.enrollWebauthn,
    className: 'enroll-webauthn',
    dataSe: 'o-form',
    title: t.enrollWebauthnTitle,
    fields: html`<div class="webauthn-enroll-text"><p class="webauthn-enroll-instructions">${t.enrollWebauthnInstructions}</p></div>
<div data-se="webauthn-waiting" class="okta-waiting-spinner hide"></div>
${webauthnStatus()}`,
    submit: { value: t.enroll },
    attributes: html` data-webauthn="register" data-options-url="${ROUTES.registrationOptions}" data-verify-url="${ROUTES.registrationVerify}" data-options-request="${JSON.stringify(optionsRequest)}" data-not-supported="${t.webauthnNotSupported}"`,
  });
  return document(ctx, 'enroll-webauthn', widgetShell(ctx, form, 'webauthn', backLink(ctx)));
}

export function verifyWebauthnPage(
  ctx: PageContext,
  user: DemoUser,
  optionsRequest: Record<string, string>,
): string {
  const ids = new InputIds();
  const { t } = ctx;
  const form = oForm(ctx, ids, {
    action: ROUTES.verifyWebauthn,
    className: 'verify-webauthn-form',
    dataSe: 'factor-webauthn',
    title: t.verifyWebauthnTitle,
    subtitle: t.verifyWebauthnInstructions,
    fields: html`<div data-se="webauthn-waiting" class="okta-waiting-spinner"></div>
${webauthnStatus()}`,
    submit: { value: t.retry, extraClass: 'retry-webauthn', hidden: true },
    attributes: html` data-webauthn="authenticate" data-options-url="${ROUTES.authenticationOptions}" data-verify-url="${ROUTES.authenticationVerify}" data-options-request="${JSON.stringify(optionsRequest)}" data-not-supported="${t.webauthnNotSupported}"`,
  });
  return document(
    ctx,
    'verify-webauthn',
    widgetShell(
      ctx,
      html`<div class="mfa-verify verify-webauthn">${form}</div>`,
      'webauthn',
      switchLinks(ctx, user, 'webauthn'),
    ),
  );
}

export function appPage(ctx: PageContext, user: DemoUser): string {
  const { t } = ctx;
  const body = html`<main id="app" class="app-page">
<h1>IAMconnected</h1>
<div id="signed-in" data-user="${user.name}">${t.signedInAs} <strong>${user.name}</strong></div>
<p><a href="${ROUTES.enroll}" id="setup-factors">${t.setUpMoreFactors}</a></p>
<form method="POST" action="${ROUTES.signOut}" id="sign-out-form"><input type="hidden" name="_csrf" value="${ctx.csrf}"><button type="submit" id="sign-out" class="button">${t.signOut}</button></form>
</main>`;
  return document(ctx, 'app', body, { widget: false, title: `IAMconnected - ${user.name}` });
}

export function mfaResetPage(ctx: PageContext, o: { done?: string; error?: FormError }): string {
  const { t } = ctx;
  const body = html`<main id="admin" class="app-page">
<h1>${t.mfaResetTitle}</h1>
${o.done ? html`<p id="mfa-reset-done" data-user="${o.done}">${t.mfaResetDone} <strong>${o.done}</strong></p>` : ''}
${o.error ? html`<p id="site-error" role="alert" data-error-code="${o.error.code}">${o.error.message}</p>` : ''}
<form method="POST" action="${ROUTES.mfaReset}" id="mfa-reset-form">
<label for="mfa-reset-username">${t.username}</label> <input type="text" id="mfa-reset-username" name="username" autocomplete="off">
<input type="hidden" name="_csrf" value="${ctx.csrf}">
<button type="submit" id="mfa-reset-submit" class="button">${t.mfaResetSubmit}</button>
</form>
</main>`;
  return document(ctx, 'mfa-reset', body, { widget: false, title: `IAMconnected - ${t.mfaResetTitle}` });
}

/** A page that shows the sign-in widget in a same-origin iframe (as portals embedding a sign-in do). */
export function embedPage(ctx: PageContext, src: string): string {
  const body = html`<main id="embed" class="app-page">
<h1>IAMconnected</h1>
<iframe id="signin-frame" src="${src}" title="${ctx.t.signIn}" width="420" height="640"></iframe>
</main>`;
  return document(ctx, 'embed', body, { widget: false });
}

export function demoHint(users: readonly string[], password: string): SafeHtml {
  return html`<aside id="demo-hint" class="demo-hint"><p>Demo users: ${users.join(', ')} (or any new name). Password: <code>${password}</code></p><p><a href="${ROUTES.mfaReset}">MFA reset</a></p></aside>`;
}

export function errorPage(ctx: PageContext, status: number, message: string): string {
  return document(
    ctx,
    'error',
    html`<main class="app-page"><h1>${status}</h1><p id="site-error" role="alert" data-error-code="http-${status}">${message}</p><p><a href="${ROUTES.signIn}">${ctx.t.signIn}</a></p></main>`,
    { widget: false },
  );
}
