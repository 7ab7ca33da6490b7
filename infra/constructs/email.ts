/**
 * The stage's SES configuration set: every notifier email is sent through it, and it
 * publishes bounces and complaints (which SES learns after accepting a message) to the
 * account's default EventBridge bus, the only bus SES publishes to. The rule that takes
 * them to the notifier is events/rules.ts `sesFeedbackRule`, created by the Events construct.
 */
import { Stack } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { ConfigurationSet, EmailSendingEvent, EventDestination, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { StageConfig } from '../stage-config.ts';

export interface EmailProps {
  config: StageConfig;
}

export class Email extends Construct {
  readonly configurationSet: ConfigurationSet;
  readonly configurationSetName: string;
  /** For IAM (SES authorizes SendEmail on the set too); references the set, so users deploy after it. */
  readonly configurationSetArn: string;

  constructor(scope: Construct, id: string, props: EmailProps) {
    super(scope, id);
    this.configurationSetName = `${props.config.prefix}-notifications`;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: this.configurationSetName,
      // SES itself also stops sending to addresses that bounced or complained.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.addEventDestination('Feedback', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    this.configurationSetArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
  }
}
