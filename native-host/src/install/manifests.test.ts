import { describe, expect, it } from 'vitest';
import { planInstall } from './install.js';
import {
  BROWSERS,
  checkPlatform,
  InstallError,
  manifestFor,
  manifestPath,
  parseBrowser,
} from './manifests.js';

describe('native messaging manifest locations', () => {
  it('puts per-user manifests where each browser reads them on Linux and macOS', () => {
    const linux = BROWSERS.map((b) => manifestPath(b, 'linux', '/home/u'));
    expect(linux).toEqual([
      '/home/u/.config/google-chrome/NativeMessagingHosts/mfa_bridge.host.json',
      '/home/u/.config/chromium/NativeMessagingHosts/mfa_bridge.host.json',
      '/home/u/.config/microsoft-edge/NativeMessagingHosts/mfa_bridge.host.json',
      '/home/u/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts/mfa_bridge.host.json',
      '/home/u/.config/vivaldi/NativeMessagingHosts/mfa_bridge.host.json',
      '/home/u/.mozilla/native-messaging-hosts/mfa_bridge.host.json',
    ]);
    const mac = BROWSERS.map((b) => manifestPath(b, 'darwin', '/Users/u'));
    expect(mac).toEqual([
      '/Users/u/Library/Application Support/Google/Chrome/NativeMessagingHosts/mfa_bridge.host.json',
      '/Users/u/Library/Application Support/Chromium/NativeMessagingHosts/mfa_bridge.host.json',
      '/Users/u/Library/Application Support/Microsoft Edge/NativeMessagingHosts/mfa_bridge.host.json',
      '/Users/u/Library/Application Support/BraveSoftware/Brave-Browser/NativeMessagingHosts/mfa_bridge.host.json',
      '/Users/u/Library/Application Support/Vivaldi/NativeMessagingHosts/mfa_bridge.host.json',
      '/Users/u/Library/Application Support/Mozilla/NativeMessagingHosts/mfa_bridge.host.json',
    ]);
  });

  it('writes allowed_origins with a trailing slash for Chromium browsers and allowed_extensions for Firefox', () => {
    expect(manifestFor('edge', '/opt/h')).toMatchObject({
      name: 'mfa_bridge.host',
      path: '/opt/h',
      type: 'stdio',
      allowed_origins: ['chrome-extension://jphdiiljokkbpjhkanpehokpajefgahn/'],
    });
    expect(manifestFor('firefox', '/opt/h')).toMatchObject({
      allowed_extensions: ['mfa-bridge@mfa-bridge.org'],
    });
  });

  it('refuses relative host paths, unknown browsers and Windows', () => {
    expect(() =>
      planInstall({ browsers: ['chrome'], platform: 'linux', home: '/h', hostPath: 'dist/x' }),
    ).toThrow(InstallError);
    expect(() => parseBrowser('safari')).toThrow(expect.objectContaining({ code: 'UNKNOWN_BROWSER' }));
    expect(parseBrowser('Firefox')).toBe('firefox');
    expect(() => checkPlatform('win32')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_PLATFORM' }));
  });
});
