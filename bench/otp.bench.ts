// TOTP codes per second for 1,000 accounts: our generateCode (validation + otplib) against otplib's
// generate called directly, measured in the same run, rounds interleaved. Prints figures and the ratio.
import { generateCode, type OtpAccount } from '@shared/otp/index.js';
import { generate } from 'otplib';

const ACCOUNTS = 1_000;
const ROUNDS = 15;
const AT_MS = 1_700_000_000_000;

// Deterministic 20-byte secrets (xorshift), so every run measures the same work.
let state = 0x9e3779b9;
function nextByte(): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return state & 0xff;
}
const accounts: OtpAccount[] = Array.from({ length: ACCOUNTS }, (_, i) => ({
  type: 'totp',
  issuer: `Service ${i}`,
  account: `user${i}@example.com`,
  secret: Uint8Array.from({ length: 20 }, nextByte),
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
}));

async function ours(): Promise<string[]> {
  const codes: string[] = [];
  for (const a of accounts) codes.push(await generateCode(a, AT_MS));
  return codes;
}

async function reference(): Promise<string[]> {
  const codes: string[] = [];
  for (const a of accounts) {
    codes.push(
      await generate({ secret: a.secret, algorithm: 'sha1', digits: 6, period: 30, epoch: AT_MS / 1000 }),
    );
  }
  return codes;
}

async function timed(run: () => Promise<string[]>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// Same codes from both, or the comparison means nothing (codes are compared, never printed).
const [mine, theirs] = [await ours(), await reference()];
if (mine.some((code, i) => code !== theirs[i])) {
  console.error('generateCode and otplib disagree; not benchmarking');
  process.exit(1);
}
for (let i = 0; i < 3; i++) await Promise.all([timed(ours), timed(reference)]); // warm-up

const oursMs: number[] = [];
const referenceMs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  oursMs.push(await timed(ours));
  referenceMs.push(await timed(reference));
}
const oursRate = (ACCOUNTS / median(oursMs)) * 1000;
const referenceRate = (ACCOUNTS / median(referenceMs)) * 1000;
const fmt = (n: number) => Math.round(n).toLocaleString('en');
console.log(`TOTP (SHA1, 6 digits, 20-byte secrets), ${ACCOUNTS} accounts, median of ${ROUNDS} rounds`);
console.log(
  `  generateCode (shared/otp):  ${fmt(oursRate)} codes/s  (${median(oursMs).toFixed(1)} ms per 1,000)`,
);
console.log(
  `  otplib generate (reference): ${fmt(referenceRate)} codes/s  (${median(referenceMs).toFixed(1)} ms per 1,000)`,
);
console.log(`  ratio generateCode / otplib: ${(oursRate / referenceRate).toFixed(2)}`);
