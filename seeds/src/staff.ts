/**
 * The demo bank staff member who signs in at the demo kiosk (KIOSK-0001, ICBC) for the assisted path.
 *
 * DEMO ONLY: the password and the TOTP secret are published here so that the demo and the tests can sign in
 * (the simulator dock shows the current code, as an authenticator app would). A real deployment enrols its staff
 * through the bureau's console and never seeds these. The server stores only an argon2id hash of the password,
 * made when it seeds.
 */
export interface DemoStaff {
  staffNumber: string;
  password: string;
  /** RFC 6238 secret, base32 (SHA-1, 6 digits, 30-second steps: what authenticator apps default to). */
  totpSecretBase32: string;
  name: string;
  role: 'bankStaff';
  bankId: string;
}

export const DEMO_STAFF: DemoStaff = {
  staffNumber: '100001',
  password: 'demo-staff-password-2026',
  totpSecretBase32: 'KRSXG5CTORQWMZSPORYFGZLDOJSXIMJS',
  name: '李晓梅',
  role: 'bankStaff',
  // The bank of the demo kiosk (KIOSK-0001 stands in ICBC's 成都春熙路支行).
  bankId: 'ICBC',
};
