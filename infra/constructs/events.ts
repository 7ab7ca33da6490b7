/**
 * The stage's EventBridge bus. Rules and schedules (from events/) attach to it; domain
 * events (application submitted, certification expiring...) are put on it so consumers
 * can be added without touching producers.
 */
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import type { StageConfig } from '../stage-config.ts';

export interface EventsProps {
  config: StageConfig;
}

export class Events extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', {
      eventBusName: props.config.prefix,
      description: `pathcert ${props.config.stage} domain events`,
    });
  }
}
