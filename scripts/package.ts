// `npm run package`: release artifacts into release/ (git-ignored), after `npm run build`.
//
//   npm run package -- [--target linux-x64,darwin-x64,win-x64] [--key org-key.pem]
//                      [--base-url https://intranet.example.com/mfa-bridge/] [--out release]
//
// The organisation's extension signing key comes from --key, MFA_BRIDGE_SIGNING_KEY_FILE or
// MFA_BRIDGE_SIGNING_KEY (PEM); without one a throw-away key is used and the build says so. --base-url
// is where the CRX, XPI and their update manifests will be served from.
import { parseArgs } from 'node:util';
import { packageRelease } from './package/release';
import { TARGET_NAMES } from './package/targets';

const { values } = parseArgs({
  options: {
    target: { type: 'string', multiple: true },
    key: { type: 'string' },
    'base-url': { type: 'string' },
    out: { type: 'string', default: 'release' },
    'firefox-id': { type: 'string' },
  },
});

const targets = (values.target ?? [TARGET_NAMES.join(',')]).flatMap((t) => t.split(',')).filter(Boolean);
packageRelease({
  out: values.out,
  targets,
  ...(values.key ? { keyFile: values.key } : {}),
  ...(values['base-url'] ? { baseUrl: values['base-url'] } : {}),
  ...(values['firefox-id'] ? { firefoxId: values['firefox-id'] } : {}),
  log: (line) => console.log(line),
}).catch((err: unknown) => {
  console.error(`package: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
