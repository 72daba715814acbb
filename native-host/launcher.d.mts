export declare const KNOWN_NODE_ENV: readonly string[];
export declare const CLEARED_ENV: readonly string[];
export declare function devLauncher(nodePath: string, bundlePath: string): string;
export declare function releaseShLauncher(): string;
export declare function releaseCmdLauncher(): string;
