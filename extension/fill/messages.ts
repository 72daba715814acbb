/** The panel's texts in English, Dutch and German (IAMconnected users are mostly Dutch). */

export type Lang = 'en' | 'nl' | 'de';

const en = {
  lookalike: (host: string, real: string) =>
    `This page (${host}) is not ${real}.\nmfa-bridge does not fill codes on other sites.`,
  locked: 'mfa-bridge is locked. Unlock it to fill your code.',
  unlock: 'Unlock',
  waitingUnlock: 'Waiting for mfa-bridge to be unlocked…',
  saveOffer: (host: string) =>
    `Save this authenticator in mfa-bridge?\nIts codes will be filled on ${host} only.`,
  save: 'Save',
  notNow: 'Not now',
  saved: 'Saved. The code will be filled on the next step.',
  saveFailed: 'Could not save.',
  noAccount: (host: string) => `No authenticator in mfa-bridge is set up for ${host}.`,
  whichAccount: (host: string) => `Which account for ${host}?`,
  fillOffer: (name: string) => `Fill the code for ${name}?`,
  fill: 'Fill code',
  fillFailed: (reason: string) => `The code could not be filled (${reason}).`,
  filled: 'Code filled.',
  filledClock: (corrected: boolean) => `Code filled (clock ${corrected ? 'corrected' : 'off'}).`,
  clockOff: (s: number) => `\nYour computer's clock is ${s} s off: codes may be refused.`,
  error: 'Something went wrong.',
  tampered:
    'This page changed or covered the mfa-bridge prompt, so it no longer accepts clicks. Use the mfa-bridge toolbar button instead.',
  tooSoon: 'Click again: mfa-bridge only accepts a click once its prompt has been in view for a moment.',
  framed:
    'This sign-in page is shown inside another site, which could hide this prompt: open it in its own tab, or use the mfa-bridge toolbar button.',
};
type Messages = typeof en;

const nl: Messages = {
  lookalike: (host, real) =>
    `Deze pagina (${host}) is niet ${real}.\nmfa-bridge vult geen codes in op andere sites.`,
  locked: 'mfa-bridge is vergrendeld. Ontgrendel om je code in te vullen.',
  unlock: 'Ontgrendelen',
  waitingUnlock: 'Wachten tot mfa-bridge ontgrendeld is…',
  saveOffer: (host) =>
    `Deze authenticator in mfa-bridge bewaren?\nDe codes worden alleen op ${host} ingevuld.`,
  save: 'Bewaren',
  notNow: 'Niet nu',
  saved: 'Bewaard. De code wordt bij de volgende stap ingevuld.',
  saveFailed: 'Bewaren is niet gelukt.',
  noAccount: (host) => `Er is in mfa-bridge geen authenticator ingesteld voor ${host}.`,
  whichAccount: (host) => `Welk account voor ${host}?`,
  fillOffer: (name) => `De code voor ${name} invullen?`,
  fill: 'Code invullen',
  fillFailed: (reason) => `De code kon niet worden ingevuld (${reason}).`,
  filled: 'Code ingevuld.',
  filledClock: (corrected) => `Code ingevuld (klok ${corrected ? 'gecorrigeerd' : 'loopt niet gelijk'}).`,
  clockOff: (s) => `\nDe klok van je computer loopt ${s} s verkeerd: codes kunnen worden geweigerd.`,
  error: 'Er ging iets mis.',
  tampered:
    'Deze pagina heeft de melding van mfa-bridge veranderd of afgedekt; daarom reageert die niet meer op klikken. Gebruik de knop van mfa-bridge in de werkbalk.',
  tooSoon: 'Klik nog eens: mfa-bridge telt een klik pas als de melding even in beeld is geweest.',
  framed:
    'Deze aanmeldpagina staat binnen een andere site, die deze melding kan verbergen: open hem in een eigen tabblad, of gebruik de knop van mfa-bridge in de werkbalk.',
};

const de: Messages = {
  lookalike: (host, real) =>
    `Diese Seite (${host}) ist nicht ${real}.\nmfa-bridge füllt auf anderen Websites keine Codes aus.`,
  locked: 'mfa-bridge ist gesperrt. Entsperren Sie es, um Ihren Code einzufügen.',
  unlock: 'Entsperren',
  waitingUnlock: 'Warten, bis mfa-bridge entsperrt ist…',
  saveOffer: (host) =>
    `Diesen Authenticator in mfa-bridge speichern?\nSeine Codes werden nur auf ${host} eingefügt.`,
  save: 'Speichern',
  notNow: 'Nicht jetzt',
  saved: 'Gespeichert. Der Code wird im nächsten Schritt eingefügt.',
  saveFailed: 'Speichern fehlgeschlagen.',
  noAccount: (host) => `In mfa-bridge ist kein Authenticator für ${host} eingerichtet.`,
  whichAccount: (host) => `Welches Konto für ${host}?`,
  fillOffer: (name) => `Den Code für ${name} einfügen?`,
  fill: 'Code einfügen',
  fillFailed: (reason) => `Der Code konnte nicht eingefügt werden (${reason}).`,
  filled: 'Code eingefügt.',
  filledClock: (corrected) => `Code eingefügt (Uhr ${corrected ? 'korrigiert' : 'geht falsch'}).`,
  clockOff: (s) => `\nDie Uhr Ihres Computers geht ${s} s falsch: Codes können abgelehnt werden.`,
  error: 'Etwas ist schiefgelaufen.',
  tampered:
    'Diese Seite hat die Meldung von mfa-bridge verändert oder verdeckt, daher reagiert sie nicht mehr auf Klicks. Verwenden Sie die Schaltfläche von mfa-bridge in der Symbolleiste.',
  tooSoon:
    'Bitte erneut klicken: mfa-bridge zählt einen Klick erst, wenn die Meldung einen Moment sichtbar war.',
  framed:
    'Diese Anmeldeseite wird in einer anderen Website angezeigt, die diese Meldung verbergen könnte: Öffnen Sie sie in einem eigenen Tab oder verwenden Sie die Schaltfläche von mfa-bridge in der Symbolleiste.',
};

const ALL: Record<Lang, Messages> = { en, nl, de };

/** Messages for the setting (`auto` follows the browser's language). */
export function messagesFor(setting: string, browserLang: string): Messages {
  const pick = setting === 'auto' ? browserLang.slice(0, 2).toLowerCase() : setting;
  return ALL[(pick in ALL ? pick : 'en') as Lang];
}
