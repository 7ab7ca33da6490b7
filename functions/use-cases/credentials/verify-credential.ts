/** Anyone checks a presented credential (a JWS or a baked SVG badge): signature, issuer, dates, status. */
import { verifyPresented, type Verification } from '#credentials/verify.ts';

export function verifyCredential(presented: string): Promise<Verification> {
  return verifyPresented(presented);
}
