// Entry point of the native host: browser-started (native messaging) or person-started (CLI).
console.error('mfa-bridge-host: not built yet');
process.exit(1);
