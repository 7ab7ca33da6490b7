/**
 * The notifier's email right in the real stack: ses:SendEmail only on the stage's sender
 * identity (the address or its domain) and only as that sender, the sender in its
 * environment; no other function may send email.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { functionCatalog } from '../../functions/catalog.ts';
import { actionsOf, allStatements, functionResource, functionStatements, prodContext, resourcesOf, synth, type Synthesized } from './support.ts';

let prod: Synthesized;
beforeAll(() => {
  prod = synth(prodContext);
});

const sesOf = (s: Synthesized, name: string) => functionStatements(s, name).filter((st) => actionsOf(st).some((a) => a.startsWith('ses:')));
const identity = (name: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:identity/${name}`]],
});

describe('the email grant', () => {
  it('lets the notifier send only as the stage sender, through its identity', () => {
    const statements = sesOf(prod, 'notifier');
    expect(statements).toHaveLength(1);
    const st = statements[0]!;
    expect(st.Effect).toBe('Allow');
    expect(actionsOf(st)).toEqual(['ses:SendEmail']);
    expect(resourcesOf(st)).toEqual([identity('certification@pathcert.example'), identity('pathcert.example')]);
    expect(st.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'certification@pathcert.example' } });
    const env = functionResource(prod, 'notifier').props.Environment.Variables as Record<string, unknown>;
    expect(env.SES_SENDER).toBe('certification@pathcert.example');
    expect(env.TABLE_NAME).toBeDefined();
  });

  it('is held by no other function, and no statement anywhere sends email on "*"', () => {
    for (const [name, spec] of Object.entries(functionCatalog)) {
      const grants = spec.grants as { email?: boolean };
      if (!grants.email) expect(sesOf(prod, name), name).toEqual([]);
    }
    for (const st of allStatements(prod)) {
      if (actionsOf(st).some((a) => a.startsWith('ses:'))) expect(resourcesOf(st)).not.toContain('*');
    }
  });
});
