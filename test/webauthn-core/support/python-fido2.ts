import { execFileSync } from 'node:child_process';

/**
 * Runs a snippet under Debian's python3 with python-fido2 (an independent CTAP2 implementation),
 * feeding it JSON on stdin and returning its JSON stdout.
 */
export function runPythonFido2<T>(script: string, input: unknown): T {
  const out = execFileSync('/usr/bin/python3', ['-c', script], {
    input: JSON.stringify(input),
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.toString('utf8')) as T;
}

/** JSON-safe form of a CBOR value for the Python side: bytes as {"b": hex}, maps as {"m": [[k, v]...]}. */
export type Tagged =
  | number
  | string
  | boolean
  | null
  | { b: string }
  | { m: [Tagged, Tagged][] }
  | { a: Tagged[] }
  | { i: string };

export const PY_FROM_TAGGED = `
import json, sys
def conv(t):
    if isinstance(t, dict):
        if 'b' in t: return bytes.fromhex(t['b'])
        if 'i' in t: return int(t['i'])
        if 'a' in t: return [conv(x) for x in t['a']]
        if 'm' in t: return {conv(k): conv(v) for k, v in t['m']}
    return t
`;
