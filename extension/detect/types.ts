/** What a page asks for. `other-code` marks SMS, e-mail and voice code prompts: never filled with a TOTP. */
export type MfaKind = 'totp' | 'totp-enroll' | 'security-key' | 'other-code';

export interface MfaPrompt {
  kind: MfaKind;
  /** The code field, or the boxes of a split field in order. Empty for QR screens and security-key prompts. */
  inputs: HTMLInputElement[];
  /** The button that submits the code (Verify / Next), when one is found. */
  submit?: HTMLElement;
  /** On an enrolment page: the otpauth URI or the base32 secret (normalised: upper case, no spaces). */
  secret?: string;
  /** The rule that matched: `okta-classic`, `okta-idx`, `azure-b2c`, `entra`, `keycloak`, `generic`. */
  profile: string;
  /** 0..1: how sure the rule is. Profile matches score higher than the generic heuristic. */
  confidence: number;
}

/** One document or shadow root the detector looks into. */
export type SearchRoot = Document | ShadowRoot;

/** Per-call context shared by the profiles. */
export interface DetectContext {
  doc: Document;
  /** The document, every open shadow root and every same-origin iframe document, in tree order. */
  roots: SearchRoot[];
  /** False where the DOM has no layout engine (happy-dom): size checks are skipped there. */
  hasLayout: boolean;
  /** Location of the top document (route hashes of the Okta widget live here). */
  href: string;
  /** Every <input> in every root, in tree order (from the tag index: cheap on large pages). */
  readonly inputs: HTMLInputElement[];
}

export interface Profile {
  name: string;
  detect(ctx: DetectContext): MfaPrompt | null;
}
