/**
 * Runs the demo sign-in site on its own: `tsx test/site/cli.ts [--port 8443] [--host localhost]
 * [--delay 300] [--no-spa] [--shadow] [--qr data-url] [--uv required|preferred|discouraged]`.
 */
import { parseArgs } from 'node:util';
import { DEMO_PASSWORD, DEMO_USERS, startDemoSite } from './server.js';
import type { SiteSettings } from './state.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: 'localhost' },
    delay: { type: 'string' },
    'no-spa': { type: 'boolean', default: false },
    qr: { type: 'string' },
    uv: { type: 'string' },
    shadow: { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a number from 0 to 65535, got "${values.port}"`);
  process.exit(2);
}
const settings: Partial<SiteSettings> = {
  spa: !values['no-spa'],
  mount: values.shadow ? 'shadow' : 'document',
};
if (values.delay !== undefined) {
  const delay = Number(values.delay);
  if (!Number.isFinite(delay) || delay < 0) {
    console.error(`--delay must be a number of milliseconds, got "${values.delay}"`);
    process.exit(2);
  }
  settings.renderDelayMs = delay;
}
if (values.qr !== undefined) {
  if (values.qr !== 'data-url' && values.qr !== 'png-route') {
    console.error('--qr must be data-url or png-route');
    process.exit(2);
  }
  settings.qrImage = values.qr;
}
if (values.uv !== undefined) {
  if (values.uv !== 'required' && values.uv !== 'preferred' && values.uv !== 'discouraged') {
    console.error('--uv must be required, preferred or discouraged');
    process.exit(2);
  }
  settings.userVerification = values.uv;
}

const site = await startDemoSite({ port, hostname: values.host, settings });
console.log(`Demo sign-in site: ${site.url('/signin')}`);
console.log(`Demo users: ${DEMO_USERS.join(', ')} (or any new name); password: ${DEMO_PASSWORD}`);
console.log(`MFA reset: ${site.url('/admin/mfa-reset')}`);

const stop = () => {
  void site.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
