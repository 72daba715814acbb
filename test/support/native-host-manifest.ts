import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_IDS, NATIVE_HOST_NAME } from '../../extension/ids';
import { HOST_LAUNCHER } from './paths';

/** Writes the Chromium native-messaging manifest into `<userDataDir>/NativeMessagingHosts/`. */
export function registerHostForChromium(userDataDir: string, launcher = HOST_LAUNCHER): string {
  const dir = join(userDataDir, 'NativeMessagingHosts');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${NATIVE_HOST_NAME}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name: NATIVE_HOST_NAME,
      description: 'mfa-bridge native host (test)',
      path: launcher,
      type: 'stdio',
      allowed_origins: [`chrome-extension://${EXTENSION_IDS.chromium}/`],
    }),
  );
  return file;
}

/** Writes the Firefox native-messaging manifest into `<home>/.mozilla/native-messaging-hosts/`. */
export function registerHostForFirefox(home: string, launcher = HOST_LAUNCHER): string {
  const dir = join(home, '.mozilla', 'native-messaging-hosts');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${NATIVE_HOST_NAME}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      name: NATIVE_HOST_NAME,
      description: 'mfa-bridge native host (test)',
      path: launcher,
      type: 'stdio',
      allowed_extensions: [EXTENSION_IDS.firefox],
    }),
  );
  return file;
}
