declare module 'crx3' {
  interface Crx3Options {
    crxPath: string;
    keyPath: string;
    zipPath?: string;
    xmlPath?: string;
    forceDateTime?: number;
  }
  /** Writes a CRX3 file of `files` (a directory is taken whole), signed with the key at keyPath. */
  export default function crx3(files: string[], options: Crx3Options): Promise<{ appId: string }>;
}
