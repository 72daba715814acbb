/**
 * Texts of the Okta Classic sign-in widget as IAMconnected shows them, English and Dutch.
 *
 * Source: the Okta Classic widget's public `login.properties` / `login_nl_NL.properties`. Texts marked "(demo)" have no
 * widget original (server-side error messages the API would send) and are our own wording.
 */

export type Lang = 'en' | 'nl';
export const LANGS: readonly Lang[] = ['en', 'nl'];

export type Texts = {
  htmlTitle: string;
  logoAlt: string;
  signIn: string;
  username: string;
  password: string;
  rememberMe: string;
  signInSubmit: string;
  needHelp: string;
  help: string;
  signOut: string;
  back: string;
  next: string;
  verify: string;
  retry: string;
  usernameRequired: string;
  passwordRequired: string;
  unableToSignIn: string;
  errorBanner: string;
  sessionExpired: string;
  enrollChoicesTitle: string;
  enrollChoicesDescription: string;
  enrollChoicesOptional: string;
  listSetupRequired: string;
  listEnrolled: string;
  listOptional: string;
  setup: string;
  setupAnother: string;
  finish: string;
  googleAuthenticator: string;
  googleAuthenticatorDescription: string;
  webauthnFactor: string;
  webauthnFactorDescription: string;
  setupGoogleAuthenticator: string;
  selectDeviceType: string;
  iphone: string;
  android: string;
  scanInstructions: string;
  cantScan: string;
  refreshCode: string;
  cantScanQr: string;
  manualInstructions: string;
  enterCodeFromApp: string;
  enterCode: string;
  totpChallengeTitle: string;
  rememberDevice: string;
  codeMismatch: string;
  codeReused: string;
  codeRequired: string;
  switchFactor: string;
  enrollWebauthnTitle: string;
  enrollWebauthnInstructions: string;
  enroll: string;
  verifyWebauthnTitle: string;
  verifyWebauthnInstructions: string;
  webauthnFailed: string;
  webauthnNotSupported: string;
  signedInAs: string;
  setUpMoreFactors: string;
  mfaResetTitle: string;
  mfaResetSubmit: string;
  mfaResetDone: string;
  unknownUser: string;
};

const en: Texts = {
  htmlTitle: 'IAMconnected - Sign In',
  logoAlt: 'IAMconnected',
  signIn: 'Sign In',
  username: 'Username',
  password: 'Password',
  rememberMe: 'Remember me',
  signInSubmit: 'Sign In',
  needHelp: 'Need help signing in?',
  help: 'Help',
  signOut: 'Sign Out',
  back: 'Back',
  next: 'Next',
  verify: 'Verify',
  retry: 'Retry',
  usernameRequired: 'Please enter a username',
  passwordRequired: 'Please enter a password',
  unableToSignIn: 'Unable to sign in',
  errorBanner: 'We found some errors. Please review the form and make corrections.',
  sessionExpired: 'Your session has expired. Please try to sign in again.',
  enrollChoicesTitle: 'Set up multifactor authentication',
  enrollChoicesDescription:
    'Your company requires multifactor authentication to add an additional layer of security when signing in to your account',
  enrollChoicesOptional: 'You can configure any additional optional factor or click finish',
  listSetupRequired: 'Setup required',
  listEnrolled: 'Enrolled factors',
  listOptional: 'Additional optional factors',
  setup: 'Setup',
  setupAnother: 'Set up another',
  finish: 'Finish',
  googleAuthenticator: 'Google Authenticator',
  googleAuthenticatorDescription: 'Enter single-use code from the mobile app.',
  webauthnFactor: 'Security Key or Biometric Authenticator',
  webauthnFactorDescription:
    'Use a security key (USB or bluetooth) or a biometric authenticator (Windows Hello, Touch ID, etc.)',
  setupGoogleAuthenticator: 'Setup Google Authenticator',
  selectDeviceType: 'Select your device type',
  iphone: 'iPhone',
  android: 'Android',
  scanInstructions: 'Launch Google Authenticator, tap the "+" icon, then select "Scan barcode".',
  cantScan: "Can't scan?",
  refreshCode: 'Refresh code',
  cantScanQr: "Can't scan QR code?",
  manualInstructions:
    'To set up manually enter your account username and then input the following in the Secret Key Field',
  enterCodeFromApp: 'Enter code displayed from the application',
  enterCode: 'Enter Code',
  totpChallengeTitle: 'Enter your Google Authenticator passcode',
  rememberDevice: 'Do not challenge me on this device for the next 12 hours',
  codeMismatch: "Your code doesn't match our records. Please try again.",
  codeReused: 'Each code can only be used once. Please wait for a new code and try again.',
  codeRequired: 'This field cannot be left blank',
  switchFactor: 'Switch Factor',
  enrollWebauthnTitle: 'Set up security key or biometric authenticator',
  enrollWebauthnInstructions:
    'You will be prompted to register a security key or biometric authenticator (Windows Hello, Touch ID, etc.). Follow the instructions to complete enrollment.',
  enroll: 'Enroll',
  verifyWebauthnTitle: 'Security Key or Biometric Authenticator',
  verifyWebauthnInstructions:
    'You will be prompted to use a security key or biometric verification (Windows Hello, Touch ID, etc.). Follow the instructions to complete verification.',
  // (demo)
  webauthnFailed: 'The security key or biometric authenticator could not be verified. Please try again.',
  webauthnNotSupported:
    'Security key or biometric authenticator is not supported on this browser. Contact your admin for assistance.',
  // (demo)
  signedInAs: 'Signed in as',
  // (demo)
  setUpMoreFactors: 'Set up multifactor authentication',
  // (demo)
  mfaResetTitle: 'Reset multifactor authentication',
  // (demo)
  mfaResetSubmit: 'Reset Multifactor',
  // (demo)
  mfaResetDone: 'All factors were reset for',
  // (demo)
  unknownUser: 'No such user',
};

const nl: Texts = {
  htmlTitle: 'IAMconnected - Aanmelden',
  logoAlt: 'IAMconnected',
  signIn: 'Aanmelden',
  username: 'Gebruikersnaam',
  password: 'Wachtwoord',
  rememberMe: 'Mij onthouden',
  signInSubmit: 'Aanmelden',
  needHelp: 'Hulp nodig bij het aanmelden?',
  help: 'Hulp',
  signOut: 'Afmelden',
  back: 'Terug',
  next: 'Volgende',
  verify: 'Verifiëren',
  retry: 'Probeer het opnieuw',
  usernameRequired: 'Voer een gebruikersnaam in',
  passwordRequired: 'Voer een wachtwoord in',
  unableToSignIn: 'Inloggen mislukt',
  errorBanner: 'Er zijn fouten gevonden. Controleer het formulier en voer correcties door.',
  sessionExpired: 'Uw sessie is verlopen. Probeer opnieuw in te loggen.',
  enrollChoicesTitle: 'Multifactorauthenticatie instellen',
  enrollChoicesDescription:
    'Uw bedrijf vereist multifactor-authenticatie om een extra beveiliging toe te voegen bij het inloggen van uw account',
  enrollChoicesOptional: 'U kunt elke bijkomende optionele factor configureren of op Voltooien klikken',
  listSetupRequired: 'Setup vereist',
  listEnrolled: 'Geregistreerde factoren',
  listOptional: 'Bijkomende optionele factoren',
  setup: 'Instellen',
  setupAnother: 'Stel een ander in',
  finish: 'Voltooien',
  googleAuthenticator: 'Google Authenticator',
  googleAuthenticatorDescription: 'Geef de eenmalige code uit de mobiele app op.',
  webauthnFactor: 'Beveiligingssleutel of biometrische authenticator',
  webauthnFactorDescription:
    'Gebruik een beveiligingssleutel (USB of bluetooth) of een biometrische authenticator (Windows Hello, Touch ID, etc.)',
  setupGoogleAuthenticator: 'Google Authenticator instellen',
  selectDeviceType: 'Selecteer uw apparaattype',
  iphone: 'iPhone',
  android: 'Android',
  scanInstructions:
    'Open Google Authenticator, tik op het pictogram "+", selecteer vervolgens "Streepjescode scannen"',
  cantScan: 'Scannen niet mogelijk?',
  refreshCode: 'Code vernieuwen',
  cantScanQr: 'Kan de streepjescode niet worden gescand?',
  manualInstructions:
    'Om manueel in te stellen, geef uw account gebruikersnaam in en voer daarna het volgende in het veld Geheime sleutel in',
  enterCodeFromApp: 'Voer de code in weergegeven op de app',
  enterCode: 'Code invoeren',
  totpChallengeTitle: 'Voer uw Google Authenticator-pascode in',
  rememberDevice: 'Vraag me niet opnieuw op dit apparaat voor de komende 12 uur',
  // (demo)
  codeMismatch: 'Uw code komt niet overeen met onze gegevens. Probeer het opnieuw.',
  codeReused:
    'Elke code kan slechts een keer worden gebruikt. Wacht even voor een nieuwe code en probeer het opnieuw.',
  codeRequired: 'Dit veld mag niet leeg zijn',
  switchFactor: 'Van factor wisselen',
  enrollWebauthnTitle: 'Beveiligingssleutel of biometrische authenticator instellen',
  enrollWebauthnInstructions:
    'Uw browser vraagt om een beveiligingssleutel of biometrische authenticator te registreren (Windows Hello, Touch ID, etc.). Volg de instructies om de inschrijving te voltooien.',
  enroll: 'Inschrijven',
  verifyWebauthnTitle: 'Beveiligingssleutel of biometrische authenticator',
  verifyWebauthnInstructions:
    'Uw browser of apparaat vraagt u om verificatie met een beveiligingssleutel of biometrische authenticator. Volg de instructies om de authenticatie te voltooien.',
  // (demo)
  webauthnFailed:
    'De beveiligingssleutel of biometrische authenticator kon niet worden geverifieerd. Probeer het opnieuw.',
  webauthnNotSupported:
    'Beveiligingssleutel of biometrische authenticator wordt niet ondersteund door deze browser. Neem contact op met uw beheerder voor hulp.',
  // (demo)
  signedInAs: 'Aangemeld als',
  // (demo)
  setUpMoreFactors: 'Multifactorauthenticatie instellen',
  // (demo)
  mfaResetTitle: 'Multifactorauthenticatie resetten',
  // (demo)
  mfaResetSubmit: 'Multifactor resetten',
  // (demo)
  mfaResetDone: 'Alle factoren zijn gereset voor',
  // (demo)
  unknownUser: 'Onbekende gebruiker',
};

export const TEXTS: Readonly<Record<Lang, Texts>> = { en, nl };

export function isLang(value: string | null | undefined): value is Lang {
  return value === 'en' || value === 'nl';
}

/**
 * Picks the page language: an explicit choice (query or cookie) first, then the highest-weighted
 * supported language in `Accept-Language`, then English.
 */
export function pickLang(explicit: string | null | undefined, acceptLanguage: string | undefined): Lang {
  if (isLang(explicit)) return explicit;
  if (!acceptLanguage) return 'en';
  const ranked = acceptLanguage
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const q = qParam === undefined ? 1 : Number(qParam.slice(2));
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const entry of ranked) {
    if (isLang(entry.primary)) return entry.primary;
  }
  return 'en';
}
