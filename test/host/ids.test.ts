// The host names the extension IDs from shared/src/protocol (it may not import extension/): they must
// be the ones the extension is built with.
import { NATIVE_HOST_NAME as PROTOCOL_HOST, EXTENSION_IDS as PROTOCOL_IDS } from '@shared/protocol/index.js';
import { describe, expect, it } from 'vitest';
import { EXTENSION_IDS, NATIVE_HOST_NAME } from '../../extension/ids.js';

describe('extension identities', () => {
  it('shared/src/protocol mirrors extension/ids.ts', () => {
    expect(PROTOCOL_IDS).toEqual(EXTENSION_IDS);
    expect(PROTOCOL_HOST).toBe(NATIVE_HOST_NAME);
  });
});
