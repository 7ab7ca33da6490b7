/**
 * The notifier's email right in the real stack: ses:SendEmail only on the stage's sender
 * identity (the address or its domain) and its configuration set, and only as that sender,
 * the sender and set in its environment; no other function may send email. The set
 * publishes bounces and complaints to the default bus, whose rule hands them to the notifier.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { functionCatalog } from '#catalog';
import {
  actionsOf,
  allStatements,
  functionResource,
  functionStatements,
  nagFindings,
  prodContext,
  resourcesOf,
  synth,
  type Synthesized,
} from './support.ts';

let prod: Synthesized;
beforeAll(() => {
  prod = synth(prodContext);
});

const sesOf = (s: Synthesized, name: string) => functionStatements(s, name).filter((st) => actionsOf(st).some((a) => a.startsWith('ses:')));
const identity = (name: string) => ({
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:identity/${name}`],
  ],
});

const ofType = (type: string) => Object.entries(prod.resources).filter(([, r]) => r.Type === type);
const configurationSetId = () => {
  const sets = ofType('AWS::SES::ConfigurationSet');
  expect(sets).toHaveLength(1);
  return sets[0]![0];
};
const configurationSetArn = () => ({
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':ses:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':configuration-set/',
      { Ref: configurationSetId() },
    ],
  ],
});

describe('bounces and complaints', () => {
  it('the configuration set suppresses bounced and complaining addresses and publishes bounces and complaints to the default bus', () => {
    const [, set] = ofType('AWS::SES::ConfigurationSet')[0]!;
    expect(set.Properties).toEqual({
      Name: 'pathcert-prod-notifications',
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    const destinations = ofType('AWS::SES::ConfigurationSetEventDestination').map(([, r]) => r.Properties!);
    expect(destinations).toHaveLength(1);
    expect(destinations[0]!.ConfigurationSetName).toEqual({ Ref: configurationSetId() });
    expect(destinations[0]!.EventDestination).toEqual({
      Enabled: true,
      MatchingEventTypes: ['bounce', 'complaint'],
      EventBridgeDestination: {
        EventBusArn: {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':event-bus/default'],
          ],
        },
      },
    });
  });

  it('a rule on the default bus hands them to emailFeedback, with retries and a dead-letter queue', () => {
    // The default bus also carries the review workflow's status-change rule (events.test.ts).
    const rules = ofType('AWS::Events::Rule').filter(
      ([, r]) => r.Properties?.EventBusName === 'default' && r.Properties?.EventPattern?.source?.[0] === 'aws.ses',
    );
    expect(rules).toHaveLength(1);
    const p = rules[0]![1].Properties!;
    expect(p.Name).toBe('pathcert-prod-ses-feedback');
    expect(p.EventPattern).toEqual({ source: ['aws.ses'], 'detail-type': ['Email Bounced', 'Email Complaint Received'] });
    expect(p.Targets).toHaveLength(1);
    expect(p.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [functionResource(prod, 'emailFeedback').id, 'Arn'] });
    expect(p.Targets[0].RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 });
    const dlq = prod.resources[p.Targets[0].DeadLetterConfig.Arn['Fn::GetAtt'][0]];
    expect(dlq?.Type).toBe('AWS::SQS::Queue');
    expect(dlq?.Properties?.SqsManagedSseEnabled).toBe(true);
    // The default bus may invoke emailFeedback (EventBridge needs a resource permission).
    const permissions = ofType('AWS::Lambda::Permission').map(([, r]) => r.Properties!);
    expect(permissions).toContainEqual(
      expect.objectContaining({ Principal: 'events.amazonaws.com', SourceArn: { 'Fn::GetAtt': [rules[0]![0], 'Arn'] } }),
    );
  });

  it('leave cdk-nag silent', () => {
    expect(nagFindings(prod.stack)).toEqual([]);
  });
});

describe('the email grant', () => {
  it('lets the notifier send only as the stage sender, through its identity', () => {
    const statements = sesOf(prod, 'notifier');
    expect(statements).toHaveLength(1);
    const st = statements[0]!;
    expect(st.Effect).toBe('Allow');
    expect(actionsOf(st)).toEqual(['ses:SendEmail']);
    expect(resourcesOf(st)).toEqual([identity('certification@pathcert.example'), identity('pathcert.example'), configurationSetArn()]);
    expect(st.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'certification@pathcert.example' } });
    const env = functionResource(prod, 'notifier').props.Environment.Variables as Record<string, unknown>;
    expect(env.SES_SENDER).toBe('certification@pathcert.example');
    expect(env.SES_CONFIGURATION_SET).toEqual({ Ref: configurationSetId() });
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

describe('message emails', () => {
  it('the thread API may put events on the stage bus only, and nothing else new', () => {
    const statements = functionStatements(prod, 'threads');
    const events = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('events:')));
    expect(events).toHaveLength(1);
    expect(actionsOf(events[0]!)).toEqual(['events:PutEvents']);
    expect(resourcesOf(events[0]!)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^EventsBus/), 'Arn'] }]);
    expect(sesOf(prod, 'threads')).toEqual([]);
    const env = functionResource(prod, 'threads').props.Environment.Variables as Record<string, unknown>;
    expect(env.EVENT_BUS_NAME).toBeDefined();
  });

  it('the staff inbox address reaches only the functions that send email, when the stage names one', () => {
    expect((functionResource(prod, 'notifier').props.Environment.Variables as Record<string, unknown>).STAFF_INBOX_EMAIL).toBeUndefined();
    const withInbox = synth({ ...prodContext, staffInboxEmail: 'certification-team@pathcert.example' });
    for (const [name, spec] of Object.entries(functionCatalog)) {
      const env = functionResource(withInbox, name).props.Environment.Variables as Record<string, unknown>;
      const grants = spec.grants as { email?: boolean };
      expect(env.STAFF_INBOX_EMAIL, name).toBe(grants.email ? 'certification-team@pathcert.example' : undefined);
    }
  });
});

describe('invitation emails', () => {
  const busArn = () => ({
    'Fn::GetAtt': [
      Object.entries(prod.resources).find(([id, r]) => r.Type === 'AWS::Events::EventBus' && id.startsWith('EventsBus'))![0],
      'Arn',
    ],
  });

  it('the notify rule hands InvitationCreated and InvitationExpiring to the notifier', () => {
    const rule = ofType('AWS::Events::Rule').find(([, r]) => r.Properties?.Name === 'pathcert-prod-notify')![1].Properties!;
    expect(rule.EventPattern['detail-type']).toEqual(expect.arrayContaining(['InvitationCreated', 'InvitationExpiring']));
    expect(rule.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [functionResource(prod, 'notifier').id, 'Arn'] });
  });

  it('the people API and the daily sweep may publish on the stage bus only, and neither sends email', () => {
    for (const name of ['people', 'recertificationSweep']) {
      const publishes = functionStatements(prod, name).filter((st) => actionsOf(st).includes('events:PutEvents'));
      expect(publishes, name).toHaveLength(1);
      expect(actionsOf(publishes[0]!), name).toEqual(['events:PutEvents']);
      expect(resourcesOf(publishes[0]!), name).toEqual([busArn()]);
      expect(sesOf(prod, name), name).toEqual([]);
      expect((functionResource(prod, name).props.Environment.Variables as Record<string, unknown>).EVENT_BUS_NAME, name).toBeDefined();
    }
  });

  it('the reminders ride on the recertification sweep: no schedule of their own', () => {
    const names = ofType('AWS::Scheduler::Schedule').map(([, r]) => String(r.Properties?.Name));
    expect(names.filter((n) => /invit/i.test(n))).toEqual([]);
    expect(names).toContain('pathcert-prod-recertification-sweep');
  });
});
