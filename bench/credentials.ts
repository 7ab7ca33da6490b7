/**
 * Verifiable credentials: the time to issue one (what the decision task adds to a
 * certification: a status entry, the pathway's school and district, the KMS signature, and
 * the transaction) and to verify one (POST /credentials/verify through its Lambda handler:
 * signature, issuer, dates, status), against the local platform (DynamoDB Local, the local
 * KMS server reached by the real KMSClient). Also: one KMS Sign alone, and a status list read
 * when its signed copy is current vs right after a revocation (signed on read).
 *
 * `npm run bench -- credentials [--n=200]`. Target: issue p95 under 100 ms and verify p95
 * under 50 ms locally (flagged otherwise); in AWS a KMS Sign adds ~10–20 ms.
 */
import './pipeline-env.ts';
import type { BenchReport } from './run.ts';

const N = Number(process.argv.find((a) => a.startsWith('--n='))?.slice(4) ?? 200);

export async function run(): Promise<BenchReport> {
  const { startPlatform } = await import('../infra/local/platform.ts');
  const { seedDemoData } = await import('../infra/local/seed.ts');
  const { newId } = await import('#core/ids.ts');
  const { credentialIssue } = await import('#credentials/issue.ts');
  const { signJwt, issuerIdentity } = await import('#credentials/signer.ts');
  const { statusListJwt } = await import('#credentials/status.ts');
  const { issueCertification } = await import('#store/certifications.ts');
  const { credentialRevocation } = await import('#store/credentials.ts');
  const { transact } = await import('#store/db.ts');
  const { listAllPathways } = await import('#store/registry.ts');
  const { invokeDirect, median, percentile } = await import('./support.ts');

  const platform = await startPlatform({
    persist: false,
    withStepFunctions: false,
    scheduleTickMs: 0,
    eventRules: [],
    log: (l) => (/threw|failed|error/i.test(l) ? console.error(l) : undefined),
  });
  try {
    await seedDemoData();
    const pathways = (await listAllPathways({}, 20)).items;
    const issueMs: number[] = [];
    const signMs: number[] = [];
    const verifyMs: number[] = [];
    const jwts: string[] = [];
    const ids: string[] = [];
    const { kid } = issuerIdentity();

    for (let i = 0; i < N + 10; i++) {
      const pathway = pathways[i % pathways.length]!;
      const at = new Date().toISOString();
      const { certification, items } = issueCertification({
        id: newId('certification'),
        pathwayId: pathway.id,
        districtId: pathway.districtId,
        applicationId: newId('application'),
        level: 'gold',
        issuedAt: at,
        previous: undefined,
      });
      const t0 = performance.now();
      const credential = await credentialIssue(certification, pathway, '2026.1');
      await transact([...items, ...credential.items]);
      const elapsed = performance.now() - t0;
      if (i >= 10) issueMs.push(elapsed);
      jwts.push(credential.credential.jwt);
      ids.push(certification.id);

      const s0 = performance.now();
      await signJwt({ alg: 'ES256', kid }, { n: i });
      if (i >= 10) signMs.push(performance.now() - s0);
    }

    for (let i = 0; i < N + 10; i++) {
      const r = await invokeDirect(platform, 'POST', '/credentials/verify', undefined, 200, {
        body: { credential: jwts[i % jwts.length] },
      });
      if (r.json.verified !== true) throw new Error(`credential ${i} did not verify: ${String(r.json.summary)}`);
      if (i >= 10) verifyMs.push(r.elapsed);
    }

    // Status list: a read with a current signed copy, and the first read after a revocation.
    await statusListJwt('1');
    const cachedMs: number[] = [];
    const resignMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const c0 = performance.now();
      await statusListJwt('1');
      cachedMs.push(performance.now() - c0);
      await transact(await credentialRevocation(ids[i]!, 'withdrawn', new Date().toISOString()));
      const r0 = performance.now();
      await statusListJwt('1');
      resignMs.push(performance.now() - r0);
    }

    const row = (what: string, xs: number[]) =>
      `| ${what} | ${xs.length} | ${median(xs).toFixed(1)} | ${percentile(xs, 0.95).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`;
    const table = [
      '| operation | n | p50 ms | p95 ms | max ms |',
      '|---|---:|---:|---:|---:|',
      row('issue a credential (entry, reads, KMS Sign, transaction)', issueMs),
      row('KMS Sign alone (local server)', signMs),
      row('verify a credential (POST /credentials/verify handler)', verifyMs),
      row('status list read, signed copy current', cachedMs),
      row('status list read after a revocation (signs)', resignMs),
    ].join('\n');
    const flags: string[] = [];
    if (percentile(issueMs, 0.95) > 100) flags.push(`issue p95 ${percentile(issueMs, 0.95).toFixed(1)} ms > 100 ms`);
    if (percentile(verifyMs, 0.95) > 50) flags.push(`verify p95 ${percentile(verifyMs, 0.95).toFixed(1)} ms > 50 ms`);
    return {
      title: 'Verifiable credentials: issue and verify',
      method:
        `${N} gold credentials issued for the demo pathways as the decision task does (status entry, school and district reads, ` +
        'KMS Sign of the SHA-256 digest, the transaction with the certification), then each verified through the `credentials` ' +
        'Lambda handler (no HTTP hop): signature against the KMS public key (cached per instance), issuer, dates, status list read. ' +
        'Local KMS server and DynamoDB Local; the first 10 of each are warm-up and not counted. Status list reads: 20 with a current ' +
        'signed copy (one GetItem each) and 20 right after a revocation (signs a new copy and keeps it).',
      table,
      flags,
    };
  } finally {
    await platform.stop();
  }
}
